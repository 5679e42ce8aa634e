// The rewards store port: the catalogue of rewards members spend points on
// (goods and discounts, with a points price, an optional stock, an optional
// per-customer limit and an availability window) and the redemptions made of
// them.
//
// A redemption names the ledger posting that spent its points (kRedeem) and,
// once cancelled, the posting that gave them back (kRedeemCancel): the points
// themselves live only in the ledger (app/loyalty.h). Stock is taken with a
// conditional update (TakeStock), so concurrent redemptions never take more
// than there is; NULL stock is unlimited. A redemption's state moves once,
// active → cancelled (CancelRedemption refuses anything else).
//
// Thread safety: used only inside Store::Read / Store::Write bodies.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "rapport/base/clock.h"
#include "rapport/base/ids.h"
#include "rapport/base/points.h"
#include "rapport/base/status.h"

namespace rapport::app {

enum class RewardKind : std::uint8_t { kGoods, kDiscount };
std::string_view RewardKindName(RewardKind kind);  // "goods", "discount"
std::optional<RewardKind> ParseRewardKind(std::string_view name);

enum class RedemptionState : std::uint8_t { kActive, kCancelled };
std::string_view RedemptionStateName(RedemptionState state);  // "active", "cancelled"
std::optional<RedemptionState> ParseRedemptionState(std::string_view name);

struct Reward {
  std::int64_t id = 0;  // assigned by InsertReward
  std::string name{};   // 1..kRewardNameBytesMax bytes
  std::string description{};
  RewardKind kind = RewardKind::kGoods;
  Points points_price{0};                            // > 0
  std::optional<std::int64_t> stock{};               // nullopt: unlimited; else ≥ 0
  std::optional<std::int64_t> per_customer_limit{};  // nullopt: none; the most one member may hold active
  std::optional<Timestamp> available_from{};         // usable when from ≤ now (nullopt: open)
  std::optional<Timestamp> available_until{};        // and now < until (nullopt: open)
  bool active = true;
  Timestamp created_at{};  // set by the store
  Timestamp updated_at{};  // set by the store
  friend bool operator==(const Reward&, const Reward&) = default;
};

struct Redemption {
  std::int64_t id = 0;  // assigned by InsertRedemption
  std::int64_t reward_id = 0;
  ContactId contact_id{};
  std::int64_t quantity = 1;  // 1..kRedemptionQuantityMax
  Points points{0};           // price × quantity
  RedemptionState state = RedemptionState::kActive;
  std::int64_t transaction_id = 0;                      // the kRedeem posting
  std::optional<std::int64_t> cancel_transaction_id{};  // the kRedeemCancel posting
  Timestamp created_at{};                               // set by the store
  std::optional<Timestamp> cancelled_at{};
  std::string actor{};
  std::string external_id{};  // '' none; unique per contact when not empty
  friend bool operator==(const Redemption&, const Redemption&) = default;
};

inline constexpr std::size_t kRewardNameBytesMax = 200;
inline constexpr std::size_t kRewardDescriptionBytesMax = 4'000;
inline constexpr std::int64_t kRedemptionQuantityMax = 100;
inline constexpr std::int64_t kRewardStockMax = 1'000'000'000;
inline constexpr std::size_t kRedemptionExternalIdBytesMax = 128;
inline constexpr int kRewardsPageMax = 500;  // rewards and redemptions per read

class RewardsReader {
 public:
  virtual ~RewardsReader() = default;

  virtual Result<std::optional<Reward>> GetReward(std::int64_t id) = 0;
  // Rewards by ascending id strictly after `after`, at most `limit`
  // (1..kRewardsPageMax); only active ones unless `include_inactive`.
  struct RewardFilter {
    bool include_inactive = false;
  };
  virtual Result<std::vector<Reward>> ListRewards(const RewardFilter& filter, std::optional<std::int64_t> after,
                                                  int limit) = 0;

  virtual Result<std::optional<Redemption>> GetRedemption(std::int64_t id) = 0;
  // A contact's redemptions, newest first (by id), strictly before `before`,
  // at most `limit` (1..kRewardsPageMax).
  virtual Result<std::vector<Redemption>> ListRedemptions(ContactId contact, std::optional<std::int64_t> before,
                                                          int limit) = 0;
  virtual Result<std::optional<Redemption>> FindRedemptionByExternalId(ContactId contact,
                                                                       std::string_view external_id) = 0;
  // The quantity of `reward` the contact holds in active redemptions.
  virtual Result<std::int64_t> ActiveQuantity(ContactId contact, std::int64_t reward) = 0;
};

class RewardsWriter {
 public:
  virtual ~RewardsWriter() = default;

  // Inserts the reward (id, created_at and updated_at are assigned).
  virtual Result<std::int64_t> InsertReward(const Reward& reward) = 0;
  // Replaces every field but id and created_at (updated_at becomes now).
  // kNotFound for an unknown id.
  virtual Status UpdateReward(const Reward& reward) = 0;

  // Serialises a member's redemptions and cancellations: holds the member's
  // loyalty account row (created empty when new) until the transaction ends,
  // so balances, lots and active quantities read after it are current.
  virtual Status LockMember(ContactId contact) = 0;

  // Takes `quantity` (> 0) from the reward's stock when it holds that many:
  // true when taken (always for unlimited stock), false when not enough.
  // kNotFound for an unknown reward.
  virtual Result<bool> TakeStock(std::int64_t reward, std::int64_t quantity) = 0;
  // Puts `quantity` back (a cancelled redemption); nothing for unlimited stock.
  virtual Status RestoreStock(std::int64_t reward, std::int64_t quantity) = 0;

  // Inserts an active redemption (id and created_at are assigned).
  // kAlreadyExists when the contact already holds its external id.
  virtual Result<std::int64_t> InsertRedemption(const Redemption& redemption) = 0;
  // Marks an active redemption cancelled by the posting `cancel_transaction_id`.
  // kNotFound for an unknown id; kFailedPrecondition when it is not active.
  virtual Status CancelRedemption(std::int64_t id, std::int64_t cancel_transaction_id, Timestamp at) = 0;
};

}  // namespace rapport::app

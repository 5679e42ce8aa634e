// RewardService: the rewards catalogue (goods and discounts members spend
// points on) and redemptions. Shared by the HTTP API and the tests, so all
// check the same permissions and write the same events.
//
// Redeem is one store transaction: the member is locked (RewardsWriter::
// LockMember), the reward must exist, be active and be available now
// (available_from ≤ now < available_until), its stock is taken with one
// conditional update, the member's active quantity plus the new one must stay
// within the per-customer limit, the points are drawn from the member's usable
// available lots oldest first (domain::DrawOldestFirst) and posted as one
// kRedeem transaction (available −x per lot, redeemed +total); the redemption
// row and the event "points_redeemed" commit with it. Cancel is one
// transaction too: a kRedeemCancel posting credits every drawn lot back
// exactly (a spent lot becomes available again; one past its expiry is
// credited too and the expiry job expires it), the stock is restored and the
// event "redemption_cancelled" written. Refusals carry a machine-readable
// RedemptionRefusal beside their kFailedPrecondition status.
//
// Idempotency: a redemption with an external id the member already used is a
// retry: with the same reward and quantity the first outcome is replayed
// (`replayed`), otherwise kFailedPrecondition (kExternalIdReused).
//
// Permissions: catalogue writes need loyalty admin (and are audited); reads
// loyalty read; redeem and cancel loyalty write.
//
// Thread safety: safe to call from several threads.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "rapport/app/access_service.h"
#include "rapport/app/loyalty.h"
#include "rapport/app/loyalty_service.h"
#include "rapport/app/rewards.h"
#include "rapport/app/store.h"
#include "rapport/base/clock.h"

namespace rapport::app {

// A new reward as a manager describes it.
struct RewardInput {
  std::string name{};
  std::string description{};
  std::string kind = "goods";  // "goods" | "discount"
  std::int64_t points_price = 0;
  std::optional<std::int64_t> stock{};
  std::optional<std::int64_t> per_customer_limit{};
  std::optional<Timestamp> available_from{};
  std::optional<Timestamp> available_until{};
  bool active = true;
};

// A partial change: a field left nullopt stays; for the nullable fields the
// inner nullopt clears (unlimited stock, no limit, an open window end).
struct RewardPatch {
  std::optional<std::string> name{};
  std::optional<std::string> description{};
  std::optional<std::string> kind{};
  std::optional<std::int64_t> points_price{};
  std::optional<std::optional<std::int64_t>> stock{};
  std::optional<std::optional<std::int64_t>> per_customer_limit{};
  std::optional<std::optional<Timestamp>> available_from{};
  std::optional<std::optional<Timestamp>> available_until{};
  std::optional<bool> active{};
};

struct RedemptionRequest {
  ContactId contact_id{};
  std::int64_t reward_id = 0;
  std::int64_t quantity = 1;  // 1..kRedemptionQuantityMax
  std::string external_id{};  // optional, ≤ kRedemptionExternalIdBytesMax bytes
};

// Why a redemption (or its cancellation) was refused with kFailedPrecondition.
enum class RedemptionRefusal : std::uint8_t {
  kNone,
  kNotAvailable,        // inactive, or outside its availability window
  kOutOfStock,          // the stock holds less than the quantity
  kLimitReached,        // the per-customer limit would be exceeded
  kInsufficientPoints,  // "the balance is N points"
  kAlreadyCancelled,    // a cancel of a cancelled redemption
  kExternalIdReused,    // the external id was used for a different redemption
};

struct RedemptionView {
  Redemption redemption{};
  Reward reward{};           // as it is after the change
  LoyaltyAccount account{};  // the member's balances after it
  bool replayed = false;     // an earlier request with the same external id
};

struct RewardPage {
  std::vector<Reward> items{};
  std::optional<std::int64_t> next{};  // pass as `after` for the next page
};

struct RedemptionPage {
  std::vector<Redemption> items{};
  std::optional<std::int64_t> next{};  // pass as `before` for the next page
};

class RewardService {
 public:
  RewardService(Store& store, const Clock& clock);

  // Catalogue writes: kInvalidArgument with `errors` for bad fields; kNotFound
  // for an unknown id (Update). Audited ("reward.create", "reward.update").
  struct RewardOutcome {
    Status status{};
    std::vector<LoyaltyFieldError> errors{};
    std::optional<Reward> reward{};
  };
  RewardOutcome Create(const Principal& principal, const Origin& origin, const RewardInput& input);
  RewardOutcome Update(const Principal& principal, const Origin& origin, std::int64_t id, const RewardPatch& patch);

  Result<std::optional<Reward>> Get(const Principal& principal, std::int64_t id);
  // Active rewards by ascending id (all with include_inactive), after `after`.
  struct ListOptions {
    bool include_inactive = false;
  };
  Result<RewardPage> List(const Principal& principal, const ListOptions& options, std::optional<std::int64_t> after,
                          int limit);

  // kInvalidArgument with `errors` for bad fields; kNotFound for an unknown
  // contact (field errors name an unknown reward); kFailedPrecondition with a
  // `refusal` for the refusals above.
  struct RedemptionOutcome {
    Status status{};
    std::vector<LoyaltyFieldError> errors{};
    RedemptionRefusal refusal = RedemptionRefusal::kNone;
    std::optional<RedemptionView> view{};
  };
  RedemptionOutcome Redeem(const Principal& principal, const Origin& origin, const RedemptionRequest& request);
  // kNotFound for an unknown redemption; kFailedPrecondition (kAlreadyCancelled)
  // when it is not active.
  RedemptionOutcome Cancel(const Principal& principal, const Origin& origin, std::int64_t redemption);

  Result<std::optional<Redemption>> GetRedemption(const Principal& principal, std::int64_t id);
  // A member's redemptions, newest first. kNotFound for an unknown contact.
  Result<RedemptionPage> ListRedemptions(const Principal& principal, ContactId contact,
                                         std::optional<std::int64_t> before, int limit);

 private:
  Store& store_;
  const Clock& clock_;
};

}  // namespace rapport::app

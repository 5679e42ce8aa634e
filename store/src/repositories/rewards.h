// SqlRewards: the rewards catalogue and redemptions over a SqlSession
// (app/rewards.h), written once for both databases.
//
// Invariants it keeps within the caller's transaction:
//  * a reward's stock never goes below zero: TakeStock is one conditional
//    UPDATE, so concurrent takers cannot both take the last unit;
//  * a redemption's state moves once, active → cancelled, with the posting
//    that cancelled it.
// A failed call may leave partial writes behind: the caller's Store::Write
// rolls the whole body back.
//
// Thread safety: belongs to the thread running the transaction body.
#pragma once

#include "sql/session.h"

#include "rapport/app/rewards.h"

namespace rapport::store {

class SqlRewards final : public app::RewardsReader, public app::RewardsWriter {
 public:
  // `now` is the transaction's clock reading: created_at / updated_at of rows written.
  SqlRewards(SqlSession& session, Timestamp now) : session_(session), now_(now) {}

  // RewardsReader
  Result<std::optional<app::Reward>> GetReward(std::int64_t id) override;
  Result<std::vector<app::Reward>> ListRewards(const RewardFilter& filter, std::optional<std::int64_t> after,
                                               int limit) override;
  Result<std::optional<app::Redemption>> GetRedemption(std::int64_t id) override;
  Result<std::vector<app::Redemption>> ListRedemptions(ContactId contact, std::optional<std::int64_t> before,
                                                       int limit) override;
  Result<std::optional<app::Redemption>> FindRedemptionByExternalId(ContactId contact,
                                                                    std::string_view external_id) override;
  Result<std::int64_t> ActiveQuantity(ContactId contact, std::int64_t reward) override;

  // RewardsWriter
  Result<std::int64_t> InsertReward(const app::Reward& reward) override;
  Status UpdateReward(const app::Reward& reward) override;
  Status LockMember(ContactId contact) override;
  Result<bool> TakeStock(std::int64_t reward, std::int64_t quantity) override;
  Status RestoreStock(std::int64_t reward, std::int64_t quantity) override;
  Result<std::int64_t> InsertRedemption(const app::Redemption& redemption) override;
  Status CancelRedemption(std::int64_t id, std::int64_t cancel_transaction_id, Timestamp at) override;

 private:
  Result<std::vector<app::Reward>> QueryRewards(std::string_view query_name, std::span<const SqlParam> params);
  Result<std::vector<app::Redemption>> QueryRedemptions(std::string_view query_name, std::span<const SqlParam> params);

  SqlSession& session_;
  Timestamp now_;
};

}  // namespace rapport::store

// SqlTiers: members' tier statuses, tier qualification over purchases, due
// reviews, bonus awards and birthday lookups over a SqlSession (app/tiers.h),
// written once for both databases.
//
// Invariants it keeps within the caller's transaction:
//  * one status row per member (PutMemberTier is an upsert);
//  * a bonus is awarded at most once per (contact, key): the primary key
//    refuses the second, reported as kAlreadyExists.
//
// Thread safety: belongs to the thread running the transaction body.
#pragma once

#include "sql/session.h"

#include "rapport/app/tiers.h"

namespace rapport::store {

class SqlTiers final : public app::TiersReader, public app::TiersWriter {
 public:
  // `now` is the transaction's clock reading: updated_at / awarded_at of rows written.
  SqlTiers(SqlSession& session, Timestamp now) : session_(session), now_(now) {}

  // TiersReader
  Result<std::optional<app::MemberTier>> GetMemberTier(ContactId contact) override;
  Result<std::vector<app::MemberTier>> DueTierReviews(Timestamp now, int limit) override;
  Result<domain::TierQualifier> Qualifier(ContactId contact, std::string_view currency, Timestamp from,
                                          Timestamp to) override;
  Result<std::vector<TierCount>> CountMembersByTier() override;
  Result<std::optional<app::BonusAward>> GetBonusAward(ContactId contact, std::string_view key) override;
  Result<std::vector<ContactId>> BirthdayMembers(std::span<const std::string> month_days,
                                                 std::optional<ContactId> after, int limit) override;

  // TiersWriter
  Status PutMemberTier(ContactId contact, const domain::TierStatus& status) override;
  Status InsertBonusAward(const app::BonusAward& award) override;

 private:
  SqlSession& session_;
  Timestamp now_;
};

}  // namespace rapport::store

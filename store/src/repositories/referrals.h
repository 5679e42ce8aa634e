// SqlReferrals: members' referral codes and the referrals made with them over
// a SqlSession (app/referrals.h), written once for both databases.
//
// Invariants it keeps within the caller's transaction:
//  * a code belongs to one contact and a contact has one code;
//  * a contact is referred once; a referral is rewarded once (a conditional
//    UPDATE from pending).
//
// Thread safety: belongs to the thread running the transaction body.
#pragma once

#include "sql/session.h"

#include "rapport/app/referrals.h"

namespace rapport::store {

class SqlReferrals final : public app::ReferralsReader, public app::ReferralsWriter {
 public:
  // `now` is the transaction's clock reading.
  SqlReferrals(SqlSession& session, Timestamp now) : session_(session), now_(now) {}

  // ReferralsReader
  Result<std::optional<std::string>> GetReferralCode(ContactId contact) override;
  Result<std::optional<ContactId>> FindReferrerByCode(std::string_view code) override;
  Result<std::optional<app::Referral>> GetReferralOf(ContactId referred) override;
  Result<std::vector<app::Referral>> ListReferralsBy(ContactId referrer, std::optional<std::int64_t> before,
                                                     int limit) override;
  Result<std::int64_t> CountRewardedReferrals(ContactId referrer) override;

  // ReferralsWriter
  Status PutReferralCode(ContactId contact, std::string_view code, Timestamp at) override;
  Result<std::int64_t> InsertReferral(const app::Referral& referral) override;
  Status MarkReferralRewarded(std::int64_t id, PurchaseId purchase, Timestamp at) override;

 private:
  SqlSession& session_;
  Timestamp now_;
};

}  // namespace rapport::store

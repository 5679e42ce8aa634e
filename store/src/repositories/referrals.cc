// See referrals.h. Every statement is named in store/queries/<dialect>/referrals.sql.
#include "repositories/referrals.h"

#include <limits>
#include <string>
#include <utility>

#include "sql/stored_values.h"

namespace rapport::store {
namespace {

constexpr std::int64_t kInt64Max = std::numeric_limits<std::int64_t>::max();
constexpr std::size_t kTextBytesMax = 10'000;  // actor: the app checks tighter

Status ValidateCode(std::string_view code) {
  if (code.empty() || code.size() > app::kReferralCodeBytesMax) {
    return InvalidArgument("a referral code has 1.." + std::to_string(app::kReferralCodeBytesMax) + " bytes, not " +
                           std::to_string(code.size()));
  }
  return {};
}

Status ValidateReferral(const app::Referral& referral) {
  RAPPORT_RETURN_IF_ERROR(ValidateCode(referral.code));
  if (referral.actor.size() > kTextBytesMax) {
    return InvalidArgument("a referral's actor is " + std::to_string(referral.actor.size()) + " bytes, over the " +
                           std::to_string(kTextBytesMax) + " byte limit");
  }
  if (referral.referrer_id == referral.referred_id) return InvalidArgument("a contact cannot refer themselves");
  const bool rewarded = referral.state == app::ReferralState::kRewarded;
  if (rewarded != referral.purchase_id.has_value() || rewarded != referral.rewarded_at.has_value()) {
    return InvalidArgument("a referral names the rewarding purchase and time exactly when it is rewarded");
  }
  return {};
}

Result<app::Referral> ReferralFromRow(const SqlRow& row) {
  app::Referral referral;
  referral.id = row.Int(0);
  referral.referrer_id = ContactId(row.Int(1));
  referral.referred_id = ContactId(row.Int(2));
  referral.code = std::string(row.Text(3));
  referral.referred_at = FromUnixMicros(row.Int(4));
  const std::optional<app::ReferralState> state = app::ParseReferralState(row.Text(5));
  if (!state) {
    return UnknownStoredValue("referrals", "state", row.Text(5));
  }
  referral.state = *state;
  if (!row.IsNull(6)) referral.purchase_id = PurchaseId(row.Int(6));
  if (!row.IsNull(7)) referral.rewarded_at = FromUnixMicros(row.Int(7));
  referral.actor = std::string(row.Text(8));
  return referral;
}

Result<std::vector<app::Referral>> QueryReferrals(SqlSession& session, std::string_view query_name,
                                                  std::span<const SqlParam> params) {
  std::vector<app::Referral> referrals;
  RAPPORT_RETURN_IF_ERROR(session.Query(query_name, params, [&](const SqlRow& row) -> Status {
    RAPPORT_ASSIGN_OR_RETURN(app::Referral referral, ReferralFromRow(row));
    referrals.push_back(std::move(referral));
    return Status();
  }));
  return referrals;
}

Result<std::optional<app::Referral>> QueryReferral(SqlSession& session, std::string_view query_name,
                                                   std::span<const SqlParam> params) {
  RAPPORT_ASSIGN_OR_RETURN(std::vector<app::Referral> rows, QueryReferrals(session, query_name, params));
  if (rows.empty()) return std::optional<app::Referral>();
  return std::optional<app::Referral>(std::move(rows.front()));
}

Status ValidateLimit(int limit) {
  if (limit < 1 || limit > app::kReferralsPageMax + 1) {
    return InvalidArgument("limit must be between 1 and " + std::to_string(app::kReferralsPageMax + 1));
  }
  return {};
}

}  // namespace

// ---- reads ------------------------------------------------------------------

Result<std::optional<std::string>> SqlReferrals::GetReferralCode(ContactId contact) {
  const SqlParam params[] = {contact.value()};
  std::optional<std::string> code;
  RAPPORT_RETURN_IF_ERROR(session_.Query("referral_codes_get", params, [&](const SqlRow& row) {
    code = std::string(row.Text(0));
    return Status();
  }));
  return code;
}

Result<std::optional<ContactId>> SqlReferrals::FindReferrerByCode(std::string_view code) {
  const SqlParam params[] = {code};
  std::optional<ContactId> contact;
  RAPPORT_RETURN_IF_ERROR(session_.Query("referral_codes_find", params, [&](const SqlRow& row) {
    contact = ContactId(row.Int(0));
    return Status();
  }));
  return contact;
}

Result<std::optional<app::Referral>> SqlReferrals::GetReferralOf(ContactId referred) {
  const SqlParam params[] = {referred.value()};
  return QueryReferral(session_, "referrals_of", params);
}

Result<std::vector<app::Referral>> SqlReferrals::ListReferralsBy(ContactId referrer, std::optional<std::int64_t> before,
                                                                 int limit) {
  RAPPORT_RETURN_IF_ERROR(ValidateLimit(limit));
  const SqlParam params[] = {referrer.value(), before.value_or(kInt64Max), std::int64_t{limit}};
  return QueryReferrals(session_, "referrals_by", params);
}

Result<std::int64_t> SqlReferrals::CountRewardedReferrals(ContactId referrer) {
  const SqlParam params[] = {referrer.value()};
  std::int64_t count = 0;
  RAPPORT_RETURN_IF_ERROR(session_.Query("referrals_count_rewarded", params, [&](const SqlRow& row) {
    count = row.Int(0);
    return Status();
  }));
  return count;
}

// ---- writes -----------------------------------------------------------------

Status SqlReferrals::PutReferralCode(ContactId contact, std::string_view code, Timestamp at) {
  RAPPORT_RETURN_IF_ERROR(ValidateCode(code));
  const SqlParam params[] = {contact.value(), code, ToUnixMicros(at)};
  RAPPORT_ASSIGN_OR_RETURN(const std::int64_t inserted, session_.Execute("referral_codes_insert", params));
  if (inserted > 0) return {};
  RAPPORT_ASSIGN_OR_RETURN(const std::optional<std::string> held, GetReferralCode(contact));
  if (held) {
    return AlreadyExists("contact " + std::to_string(contact.value()) + " already has the referral code '" + *held +
                         "'");
  }
  return AlreadyExists("the referral code '" + std::string(code) + "' belongs to another contact");
}

Result<std::int64_t> SqlReferrals::InsertReferral(const app::Referral& referral) {
  RAPPORT_RETURN_IF_ERROR(ValidateReferral(referral));
  const std::string state(app::ReferralStateName(referral.state));
  const SqlParam params[] = {referral.referrer_id.value(),
                             referral.referred_id.value(),
                             std::string_view(referral.code),
                             ToUnixMicros(referral.referred_at),
                             std::string_view(state),
                             referral.purchase_id ? SqlParam(referral.purchase_id->value()) : SqlParam(SqlNull{}),
                             referral.rewarded_at ? SqlParam(ToUnixMicros(*referral.rewarded_at)) : SqlParam(SqlNull{}),
                             std::string_view(referral.actor)};
  std::optional<std::int64_t> id;
  RAPPORT_RETURN_IF_ERROR(session_.Query("referrals_insert", params, [&](const SqlRow& row) {
    id = row.Int(0);
    return Status();
  }));
  if (!id) return AlreadyExists("contact " + std::to_string(referral.referred_id.value()) + " was already referred");
  return *id;
}

Status SqlReferrals::MarkReferralRewarded(std::int64_t id, PurchaseId purchase, Timestamp at) {
  const SqlParam params[] = {id, purchase.value(), ToUnixMicros(at)};
  bool marked = false;
  RAPPORT_RETURN_IF_ERROR(session_.Query("referrals_mark_rewarded", params, [&](const SqlRow&) {
    marked = true;
    return Status();
  }));
  if (marked) return {};
  const SqlParam get_params[] = {id};
  RAPPORT_ASSIGN_OR_RETURN(const std::optional<app::Referral> found,
                           QueryReferral(session_, "referrals_get", get_params));
  if (!found) return NotFound("no referral " + std::to_string(id));
  return FailedPrecondition("referral " + std::to_string(id) + " is " +
                            std::string(app::ReferralStateName(found->state)) + ", not pending");
}

}  // namespace rapport::store

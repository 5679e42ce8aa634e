// See tiers.h. Every statement is named in store/queries/<dialect>/tiers.sql.
#include "repositories/tiers.h"

#include <string>
#include <utility>

#include "sql/stored_values.h"

#include "rapport/domain/loyalty.h"

namespace rapport::store {
namespace {

constexpr std::size_t kMonthDaysMax = 366;  // every day of a year: more is a caller's mistake

SqlParam OptionalMicros(const std::optional<Timestamp>& at) {
  return at ? SqlParam(ToUnixMicros(*at)) : SqlParam(SqlNull{});
}

app::MemberTier MemberTierFromRow(const SqlRow& row) {
  return app::MemberTier{.contact_id = ContactId(row.Int(0)),
                         .status = {.tier_key = std::string(row.Text(1)),
                                    .since = OptionalTimestamp(row, 2),
                                    .review_at = OptionalTimestamp(row, 3),
                                    .grace_until = OptionalTimestamp(row, 4)},
                         .updated_at = FromUnixMicros(row.Int(5))};
}

app::BonusAward BonusAwardFromRow(const SqlRow& row) {
  return app::BonusAward{.contact_id = ContactId(row.Int(0)),
                         .key = std::string(row.Text(1)),
                         .transaction_id = row.Int(2),
                         .awarded_at = FromUnixMicros(row.Int(3))};
}

Status ValidateLimit(int limit) {
  if (limit < 1 || limit > app::kTiersPageMax) {
    return InvalidArgument("limit must be between 1 and " + std::to_string(app::kTiersPageMax) + ", not " +
                           std::to_string(limit));
  }
  return {};
}

Status ValidateBonusKey(std::string_view key) {
  if (key.empty()) return InvalidArgument("a bonus award needs a key");
  if (key.size() > app::kBonusKeyBytesMax) {
    return InvalidArgument("bonus key is " + std::to_string(key.size()) + " bytes, over the " +
                           std::to_string(app::kBonusKeyBytesMax) + " byte limit");
  }
  return {};
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// "MM-DD": two digits, a dash, two digits (the calendar is the domain's business).
bool IsMonthDay(std::string_view text) {
  return text.size() == 5 && IsDigit(text[0]) && IsDigit(text[1]) && text[2] == '-' && IsDigit(text[3]) &&
         IsDigit(text[4]);
}

}  // namespace

// ---- reads ------------------------------------------------------------------

Result<std::optional<app::MemberTier>> SqlTiers::GetMemberTier(ContactId contact) {
  const SqlParam params[] = {contact.value()};
  std::optional<app::MemberTier> tier;
  RAPPORT_RETURN_IF_ERROR(session_.Query("tiers_get", params, [&](const SqlRow& row) {
    tier = MemberTierFromRow(row);
    return Status();
  }));
  return tier;
}

Result<std::vector<app::MemberTier>> SqlTiers::DueTierReviews(Timestamp now, int limit) {
  RAPPORT_RETURN_IF_ERROR(ValidateLimit(limit));
  const SqlParam params[] = {ToUnixMicros(now), std::int64_t{limit}};
  std::vector<app::MemberTier> due;
  RAPPORT_RETURN_IF_ERROR(session_.Query("tiers_due_reviews", params, [&](const SqlRow& row) {
    due.push_back(MemberTierFromRow(row));
    return Status();
  }));
  return due;
}

Result<domain::TierQualifier> SqlTiers::Qualifier(ContactId contact, std::string_view currency, Timestamp from,
                                                  Timestamp to) {
  domain::TierQualifier qualifier;
  if (to <= from) return qualifier;
  const SqlParam params[] = {contact.value(), currency, ToUnixMicros(from), ToUnixMicros(to)};
  RAPPORT_RETURN_IF_ERROR(session_.Query("tiers_qualifier", params, [&](const SqlRow& row) {
    qualifier.spend_minor = row.Int(0);
    qualifier.purchases = row.Int(1);
    return Status();
  }));
  return qualifier;
}

Result<std::vector<app::TiersReader::TierCount>> SqlTiers::CountMembersByTier() {
  std::vector<TierCount> counts;
  RAPPORT_RETURN_IF_ERROR(session_.Query("tiers_count_by_tier", {}, [&](const SqlRow& row) {
    counts.push_back(TierCount{.tier_key = std::string(row.Text(0)), .members = row.Int(1)});
    return Status();
  }));
  return counts;
}

Result<std::optional<app::BonusAward>> SqlTiers::GetBonusAward(ContactId contact, std::string_view key) {
  RAPPORT_RETURN_IF_ERROR(ValidateBonusKey(key));
  const SqlParam params[] = {contact.value(), key};
  std::optional<app::BonusAward> award;
  RAPPORT_RETURN_IF_ERROR(session_.Query("tiers_bonus_get", params, [&](const SqlRow& row) {
    award = BonusAwardFromRow(row);
    return Status();
  }));
  return award;
}

Result<std::vector<ContactId>> SqlTiers::BirthdayMembers(std::span<const std::string> month_days,
                                                         std::optional<ContactId> after, int limit) {
  RAPPORT_RETURN_IF_ERROR(ValidateLimit(limit));
  if (month_days.size() > kMonthDaysMax) {
    return InvalidArgument("at most " + std::to_string(kMonthDaysMax) + " month-days, not " +
                           std::to_string(month_days.size()));
  }
  // Validated as digits and a dash, so each goes into the JSON array as is.
  std::string json = "[";
  for (const std::string& month_day : month_days) {
    if (!IsMonthDay(month_day)) {
      return InvalidArgument("birthday month-day '" + month_day + "' is not of the form MM-DD");
    }
    if (json.size() > 1) json += ',';
    json += '"' + month_day + '"';
  }
  json += ']';
  std::vector<ContactId> members;
  if (month_days.empty()) return members;
  const SqlParam params[] = {std::string_view(json), after ? after->value() : std::int64_t{0}, std::int64_t{limit}};
  RAPPORT_RETURN_IF_ERROR(session_.Query("tiers_birthday_members", params, [&](const SqlRow& row) {
    members.emplace_back(row.Int(0));
    return Status();
  }));
  return members;
}

// ---- writes -----------------------------------------------------------------

Status SqlTiers::PutMemberTier(ContactId contact, const domain::TierStatus& status) {
  if (status.tier_key.size() > domain::kRuleKeyBytesMax) {
    return InvalidArgument("tier key is " + std::to_string(status.tier_key.size()) + " bytes, over the " +
                           std::to_string(domain::kRuleKeyBytesMax) + " byte limit");
  }
  const SqlParam params[] = {contact.value(),
                             std::string_view(status.tier_key),
                             OptionalMicros(status.since),
                             OptionalMicros(status.review_at),
                             OptionalMicros(status.grace_until),
                             ToUnixMicros(now_)};
  return session_.Execute("tiers_put", params).status();
}

Status SqlTiers::InsertBonusAward(const app::BonusAward& award) {
  RAPPORT_RETURN_IF_ERROR(ValidateBonusKey(award.key));
  const SqlParam params[] = {award.contact_id.value(), std::string_view(award.key), award.transaction_id,
                             ToUnixMicros(now_)};
  RAPPORT_ASSIGN_OR_RETURN(const std::int64_t inserted, session_.Execute("tiers_bonus_insert", params));
  if (inserted == 0) {
    return AlreadyExists("contact " + std::to_string(award.contact_id.value()) + " was already awarded the bonus '" +
                         award.key + "'");
  }
  return {};
}

}  // namespace rapport::store

// Tiers, birthdays and referrals (see loyalty_programme.h) in the programme's
// local calendar (local_calendar.h). Promotions are applied by
// CalculateEarning (loyalty.cc); the rules are checked by ValidateEarningRules.
//
// A status whose tier key the programme no longer defines counts as no tier:
// a purchase then upgrades the member to any tier they qualify for, and its
// review (still due) renews nothing: the member takes the tier they qualify
// for, or none, without grace.
#include "rapport/domain/loyalty_programme.h"

#include <algorithm>
#include <array>
#include <tuple>
#include <utility>

#include "local_calendar.h"

#include "rapport/base/assert.h"

namespace rapport::domain {
namespace {

using detail::AddLocalDays;
using detail::AddLocalMonths;
using detail::FromLocal;
using detail::ToLocal;

constexpr std::array<std::pair<TierQualification, std::string_view>, 4> kTierQualificationNames = {{
    {TierQualification::kSpend, "spend"},
    {TierQualification::kPurchases, "purchases"},
    {TierQualification::kSpendOrCount, "spend_or_purchases"},
    {TierQualification::kSpendAndCount, "spend_and_purchases"},
}};

constexpr std::array<std::pair<TierChange, std::string_view>, 5> kTierChangeNames = {{
    {TierChange::kNone, "none"},
    {TierChange::kUpgrade, "upgrade"},
    {TierChange::kRenew, "renew"},
    {TierChange::kGrace, "grace"},
    {TierChange::kDowngrade, "downgrade"},
}};

void AssertProgramme(const TierProgramme& programme) {
  RAPPORT_ASSERT(programme.window_months >= 1 && programme.window_months <= kTierWindowMonthsMax);
  RAPPORT_ASSERT(programme.period_months >= 1 && programme.period_months <= kTierWindowMonthsMax);
  RAPPORT_ASSERT(programme.grace_days >= 0 && programme.grace_days <= kTierGraceDaysMax);
}

bool SpendMet(const TierDefinition& tier, const TierQualifier& qualifier) {
  return qualifier.spend_minor >= tier.min_spend_minor;
}

bool PurchasesMet(const TierDefinition& tier, const TierQualifier& qualifier) {
  return qualifier.purchases >= tier.min_purchases;
}

bool Meets(const TierDefinition& tier, TierQualification qualification, const TierQualifier& qualifier) {
  switch (qualification) {
    case TierQualification::kSpend: return SpendMet(tier, qualifier);
    case TierQualification::kPurchases: return PurchasesMet(tier, qualifier);
    case TierQualification::kSpendOrCount: return SpendMet(tier, qualifier) || PurchasesMet(tier, qualifier);
    case TierQualification::kSpendAndCount: return SpendMet(tier, qualifier) && PurchasesMet(tier, qualifier);
  }
  RAPPORT_UNREACHABLE();
}

// What the qualifier lacks for `tier` under the programme's qualification:
// {spend, purchases}, both 0 when the tier is met. A threshold the
// qualification ignores is never missing.
std::pair<std::int64_t, std::int64_t> Missing(const TierDefinition& tier, TierQualification qualification,
                                              const TierQualifier& qualifier) {
  if (Meets(tier, qualification, qualifier)) return {0, 0};
  const std::int64_t spend = std::max<std::int64_t>(0, tier.min_spend_minor - qualifier.spend_minor);
  const std::int64_t purchases = std::max<std::int64_t>(0, tier.min_purchases - qualifier.purchases);
  switch (qualification) {
    case TierQualification::kSpend: return {spend, 0};
    case TierQualification::kPurchases: return {0, purchases};
    case TierQualification::kSpendOrCount:
    case TierQualification::kSpendAndCount: return {spend, purchases};
  }
  RAPPORT_UNREACHABLE();
}

std::optional<std::size_t> TierIndex(const TierProgramme& programme, std::string_view key) {
  if (key.empty()) return std::nullopt;
  for (std::size_t index = 0; index < programme.tiers.size(); ++index) {
    if (programme.tiers[index].key == key) return index;
  }
  return std::nullopt;
}

// Holding `tier` from `since`, reviewed a period after `period_from`.
TierStatus Holding(const TierProgramme& programme, std::size_t tier, Timestamp since, Timestamp period_from,
                   const date::time_zone& zone) {
  return {.tier_key = programme.tiers[tier].key,
          .since = since,
          .review_at = AddLocalMonths(period_from, programme.period_months, zone)};
}

// Parses "YYYY-MM-DD" (exactly that shape) into a valid calendar date.
std::optional<date::year_month_day> ParseDate(std::string_view text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
  const auto number = [text](std::size_t from, std::size_t length) -> std::optional<int> {
    int value = 0;
    for (std::size_t index = from; index < from + length; ++index) {
      if (text[index] < '0' || text[index] > '9') return std::nullopt;
      value = value * 10 + (text[index] - '0');
    }
    return value;
  };
  const std::optional<int> year = number(0, 4);
  const std::optional<int> month = number(5, 2);
  const std::optional<int> day = number(8, 2);
  if (!year || !month || !day) return std::nullopt;
  const date::year_month_day parsed =
      date::year(*year) / date::month(static_cast<unsigned>(*month)) / date::day(static_cast<unsigned>(*day));
  if (!parsed.ok()) return std::nullopt;
  return parsed;
}

// "MM-DD" (a valid month and day).
std::string MonthDay(date::month month, date::day day) {
  const auto digit = [](unsigned value) { return static_cast<char>('0' + value % 10); };
  const unsigned m = static_cast<unsigned>(month);
  const unsigned d = static_cast<unsigned>(day);
  return {digit(m / 10), digit(m), '-', digit(d / 10), digit(d)};
}

}  // namespace

std::string_view TierQualificationName(TierQualification qualification) {
  for (const auto& [candidate, name] : kTierQualificationNames) {
    if (candidate == qualification) return name;
  }
  RAPPORT_UNREACHABLE();
}

std::optional<TierQualification> ParseTierQualification(std::string_view name) {
  for (const auto& [qualification, candidate] : kTierQualificationNames) {
    if (candidate == name) return qualification;
  }
  return std::nullopt;
}

std::string_view TierChangeName(TierChange change) {
  for (const auto& [candidate, name] : kTierChangeNames) {
    if (candidate == change) return name;
  }
  RAPPORT_UNREACHABLE();
}

Timestamp TierWindowStart(Timestamp at, const TierProgramme& programme, const date::time_zone& zone) {
  AssertProgramme(programme);
  return AddLocalMonths(at, -programme.window_months, zone);
}

std::optional<std::size_t> QualifiedTier(const TierProgramme& programme, const TierQualifier& qualifier) {
  for (std::size_t index = programme.tiers.size(); index > 0; --index) {
    if (Meets(programme.tiers[index - 1], programme.qualification, qualifier)) return index - 1;
  }
  return std::nullopt;
}

const TierDefinition* FindTier(const TierProgramme& programme, std::string_view key) {
  const std::optional<std::size_t> index = TierIndex(programme, key);
  return index ? &programme.tiers[*index] : nullptr;
}

std::optional<Timestamp> TierReviewDue(const TierStatus& status) {
  if (status.tier_key.empty()) return std::nullopt;
  return status.grace_until ? status.grace_until : status.review_at;
}

TierDecision TierAfterPurchase(const TierStatus& status, const TierProgramme& programme, const TierQualifier& qualifier,
                               Timestamp at, const date::time_zone& zone) {
  AssertProgramme(programme);
  const std::optional<std::size_t> current = TierIndex(programme, status.tier_key);
  const std::optional<std::size_t> qualified = QualifiedTier(programme, qualifier);
  if (!qualified || (current && *qualified <= *current)) return {.change = TierChange::kNone, .status = status};
  return {.change = TierChange::kUpgrade, .status = Holding(programme, *qualified, at, at, zone)};
}

TierDecision ReviewTier(const TierStatus& status, const TierProgramme& programme, const TierQualifier& qualifier,
                        const date::time_zone& zone) {
  AssertProgramme(programme);
  const std::optional<Timestamp> due = TierReviewDue(status);
  if (!due) return {.change = TierChange::kNone, .status = status};
  const std::optional<std::size_t> current = TierIndex(programme, status.tier_key);
  const std::optional<std::size_t> qualified = QualifiedTier(programme, qualifier);
  if (current && qualified && *qualified == *current) {
    TierStatus renewed = Holding(programme, *current, *due, *due, zone);
    renewed.since = status.since;
    return {.change = TierChange::kRenew, .status = std::move(renewed)};
  }
  if (qualified && (!current || *qualified > *current)) {
    return {.change = TierChange::kUpgrade, .status = Holding(programme, *qualified, *due, *due, zone)};
  }
  // Below the tier held (or the tier is gone and nothing qualifies).
  if (current && !status.grace_until && programme.grace_days > 0) {
    TierStatus grace = status;
    grace.grace_until = AddLocalDays(*due, programme.grace_days, zone);
    return {.change = TierChange::kGrace, .status = std::move(grace)};
  }
  if (!qualified) return {.change = TierChange::kDowngrade, .status = TierStatus{}};
  return {.change = TierChange::kDowngrade, .status = Holding(programme, *qualified, *due, *due, zone)};
}

TierProgress ComputeTierProgress(const TierStatus& status, const TierProgramme& programme,
                                 const TierQualifier& qualifier) {
  TierProgress progress{.qualifier = qualifier};
  progress.current = TierIndex(programme, status.tier_key);
  const std::size_t next = progress.current ? *progress.current + 1 : 0;
  if (next < programme.tiers.size()) {
    progress.next = next;
    std::tie(progress.spend_to_next_minor, progress.purchases_to_next) =
        Missing(programme.tiers[next], programme.qualification, qualifier);
  }
  if (progress.current) {
    std::tie(progress.spend_to_keep_minor, progress.purchases_to_keep) =
        Missing(programme.tiers[*progress.current], programme.qualification, qualifier);
    progress.review_at = TierReviewDue(status);
  }
  return progress;
}

std::optional<Timestamp> BirthdayIn(std::string_view birthday, int year, const date::time_zone& zone) {
  const std::optional<date::year_month_day> born = ParseDate(birthday);
  const date::year in_year{year};
  if (!born || !in_year.ok()) return std::nullopt;
  date::year_month_day celebrated = in_year / born->month() / born->day();
  if (!celebrated.ok()) celebrated = in_year / date::February / date::day(28);  // 29 February, common year
  return FromLocal(zone, {.date = celebrated});
}

std::vector<std::string> BirthdaysCelebratedOn(Timestamp at, const date::time_zone& zone) {
  const date::year_month_day today = ToLocal(zone, at).date;
  std::vector<std::string> month_days = {MonthDay(today.month(), today.day())};
  if (today.month() == date::February && today.day() == date::day(28) && !today.year().is_leap()) {
    month_days.push_back(MonthDay(date::February, date::day(29)));
  }
  return month_days;
}

int LocalYear(Timestamp at, const date::time_zone& zone) { return static_cast<int>(ToLocal(zone, at).date.year()); }

bool ReferralQualifies(Timestamp referred_at, Timestamp purchase_at, std::int64_t purchase_total_minor,
                       const BonusRules& rules, const date::time_zone& zone) {
  RAPPORT_ASSERT(rules.referral_deadline_days >= 1 && rules.referral_deadline_days <= kReferralDeadlineDaysMax);
  return purchase_at >= referred_at && purchase_at < AddLocalDays(referred_at, rules.referral_deadline_days, zone) &&
         purchase_total_minor >= rules.referral_minimum_minor;
}

}  // namespace rapport::domain

// The loyalty programme's rules (see loyalty.h): earning arithmetic with
// promotions, rule validation (tiers, promotions and bonuses included), lot
// expiry in the programme's calendar, oldest-first draws and refund reversals.
//
// Arithmetic. Every quotient is taken once, on the exact product of its
// factors: 128-bit where that suffices, and a 256-bit intermediate for a
// line's share of the total (line amount × total × multiplier × rate / sum),
// whose quotient is bounded by total × multiplier × rate and so always fits.
// Non-negative numerators round toward zero; a negative one (a multiplier
// below 100%) rounds toward minus infinity, which is what floor() in the
// header means, so a purchase never earns more than its exact value, and
// LiftRoundingDeficit keeps those roundings from taking the sum below 0. A
// sum beyond kPointsAbsMax is cut by the steps that cross it (StepLog), so
// the steps always sum to the points and each fits a Points.
//
// Calendar: local_calendar.h (a time inside a gap becomes the first instant
// after it, an ambiguous one the earlier instant).
#include "rapport/domain/loyalty.h"

#include <algorithm>
#include <array>
#include <chrono>
#include <set>
#include <tuple>

#include "local_calendar.h"

#include "rapport/base/assert.h"
#include "rapport/base/limits.h"

namespace rapport::domain {
namespace {

// __extension__: 128-bit integers are a GCC/Clang extension -Wpedantic would flag.
__extension__ typedef __int128 Int128;
__extension__ typedef unsigned __int128 Uint128;
using date::days;

constexpr Int128 kPointsMax = limits::kPointsAbsMax;

// ---- wide arithmetic --------------------------------------------------------

// A 256-bit unsigned value as two 128-bit halves.
struct Uint256 {
  Uint128 high = 0;
  Uint128 low = 0;
};

Uint256 MultiplyWide(Uint128 left, Uint128 right) {
  constexpr Uint128 kLow64Mask = ~std::uint64_t{0};
  const Uint128 left_low = left & kLow64Mask;
  const Uint128 left_high = left >> 64;
  const Uint128 right_low = right & kLow64Mask;
  const Uint128 right_high = right >> 64;
  const Uint128 low_low = left_low * right_low;
  const Uint128 low_high = left_low * right_high;
  const Uint128 high_low = left_high * right_low;
  const Uint128 high_high = left_high * right_high;
  // At most 3 × (2^64 − 1): no overflow.
  const Uint128 middle = (low_low >> 64) + (low_high & kLow64Mask) + (high_low & kLow64Mask);
  return {.high = high_high + (low_high >> 64) + (high_low >> 64) + (middle >> 64),
          .low = (middle << 64) | (low_low & kLow64Mask)};
}

struct WideQuotient {
  Uint128 quotient = 0;
  bool exact = true;  // no remainder
};

// left × right / divisor by binary long division. The caller guarantees the
// quotient fits 128 bits (asserted: the high half is below the divisor).
WideQuotient MultiplyDivide(Uint128 left, Uint128 right, Uint128 divisor) {
  RAPPORT_ASSERT(divisor > 0);
  const Uint256 product = MultiplyWide(left, right);
  RAPPORT_ASSERT(product.high < divisor);
  Uint128 remainder = product.high;
  Uint128 quotient = 0;
  for (int bit = 127; bit >= 0; --bit) {
    // When the shift carries out of 128 bits the true remainder exceeds the
    // divisor; the wrapped subtraction still yields the right (smaller) value.
    const bool carry = (remainder >> 127) != 0;
    remainder = (remainder << 1) | ((product.low >> bit) & 1);
    quotient <<= 1;
    if (carry || remainder >= divisor) {
      remainder -= divisor;
      quotient |= 1;
    }
  }
  return {.quotient = quotient, .exact = remainder == 0};
}

Int128 PowerOfTen(int exponent) {
  Int128 value = 1;
  for (int i = 0; i < exponent; ++i) value *= 10;
  return value;
}

// floor(numerator / divisor) for divisor > 0, whatever the numerator's sign.
Int128 FloorDivide(Int128 numerator, Int128 divisor) {
  RAPPORT_ASSERT(divisor > 0);
  const Int128 quotient = numerator / divisor;
  return (numerator % divisor != 0 && numerator < 0) ? quotient - 1 : quotient;
}

// ---- explanation ------------------------------------------------------------

// A step before its points are fitted into the running total.
struct RawStep {
  std::string rule;
  std::string detail;
  Int128 points = 0;
};

// Appends steps to an Earning; the running total ends every phase in
// [0, kPointsAbsMax] and the steps always sum to it (see the file comment).
class StepLog {
 public:
  // The base and the multipliers: their exact sum (≥ 0, see LiftRoundingDeficit)
  // cut to kPointsAbsMax. Intermediate totals are held within ±kPointsAbsMax
  // and the last step lands on the cut sum, so each step fits a Points and a
  // negative multiplier listed before a positive one changes nothing.
  void AddSubtotal(std::vector<RawStep> raw_steps) {
    Int128 exact_sum = 0;
    for (const RawStep& step : raw_steps) exact_sum += step.points;
    RAPPORT_ASSERT(exact_sum >= 0);
    const Int128 subtotal = std::min(exact_sum, kPointsMax);
    Int128 prefix = 0;
    for (std::size_t index = 0; index < raw_steps.size(); ++index) {
      prefix += raw_steps[index].points;
      const bool last = index + 1 == raw_steps.size();
      Append(std::move(raw_steps[index]), last ? subtotal : std::clamp(prefix, -kPointsMax, kPointsMax));
    }
  }
  // A later step (tier, caps), cut so the total stays in [0, kPointsAbsMax].
  void Add(std::string rule, std::string detail, Int128 wanted_points) {
    Append({.rule = std::move(rule), .detail = std::move(detail)},
           std::clamp(running_ + wanted_points, Int128{0}, kPointsMax));
  }
  Int128 running() const { return running_; }
  Earning Finish() && {
    RAPPORT_ASSERT(running_ >= 0 && running_ <= kPointsMax);
    return {.points = Points(static_cast<std::int64_t>(running_)), .steps = std::move(steps_)};
  }

 private:
  void Append(RawStep step, Int128 next_running) {
    steps_.push_back({.rule = std::move(step.rule),
                      .detail = std::move(step.detail),
                      .points = Points(static_cast<std::int64_t>(next_running - running_))});
    running_ = next_running;
  }

  Int128 running_ = 0;
  std::vector<EarningStep> steps_;
};

// The exact earning of a purchase is never negative, but each negative
// multiplier step rounds down, so their sum may fall up to one point per line
// below 0. Shrinking the negative steps, the last first, brings it back to 0.
void LiftRoundingDeficit(std::vector<RawStep>& raw_steps) {
  Int128 sum = 0;
  for (const RawStep& step : raw_steps) sum += step.points;
  for (auto step = raw_steps.rbegin(); step != raw_steps.rend() && sum < 0; ++step) {
    if (step->points >= 0) continue;
    const Int128 lifted = std::min(-step->points, -sum);
    step->points += lifted;
    sum += lifted;
  }
}

Earning NothingEarned(std::string rule, std::string detail) {
  return {.steps = {{.rule = std::move(rule), .detail = std::move(detail)}}};
}

std::string Plural(std::int64_t count, std::string_view singular, std::string_view plural) {
  return std::to_string(count) + " " + std::string(count == 1 ? singular : plural);
}

std::string Amount(std::int64_t minor, const Currency& currency) { return Money(minor, currency).ToString(); }

std::string PercentDetail(std::string_view name, int percent) {
  return std::string(name) + " ×" + std::to_string(percent) + "%";
}

// ---- earning ----------------------------------------------------------------

const EarningRate* FindRate(const EarningRules& rules, std::string_view currency) {
  const EarningRate* fallback = nullptr;
  for (const EarningRate& rate : rules.rates) {
    if (rate.currency == currency) return &rate;
    if (rate.currency.empty() && fallback == nullptr) fallback = &rate;
  }
  return fallback;
}

const EarningMultiplier* FindMultiplier(const std::vector<EarningMultiplier>& multipliers, std::string_view key) {
  const auto found = std::find_if(multipliers.begin(), multipliers.end(),
                                  [key](const EarningMultiplier& multiplier) { return multiplier.key == key; });
  return found == multipliers.end() ? nullptr : &*found;
}

// The points one multiplier group (a "sku" or "category" key) adds, summed
// over its lines, each line rounded once.
struct MultiplierGroup {
  std::string rule;
  std::string key;
  int percent = 100;
  Int128 points = 0;
};

struct LineAmounts {
  std::vector<Uint128> amounts;  // quantity × unit price, exact
  Uint128 sum = 0;               // saturated at the largest value (meaningless amounts only)
};

LineAmounts MeasureLines(const std::vector<PurchaseLine>& lines) {
  LineAmounts measured;
  measured.amounts.reserve(lines.size());
  for (const PurchaseLine& line : lines) {
    RAPPORT_ASSERT(line.quantity >= 1);
    RAPPORT_ASSERT(line.unit_price_minor >= 0);
    const Uint128 amount = static_cast<Uint128>(line.quantity) * static_cast<Uint128>(line.unit_price_minor);
    measured.amounts.push_back(amount);
    const Uint128 sum = measured.sum + amount;
    measured.sum = sum < measured.sum ? ~Uint128{0} : sum;
  }
  return measured;
}

// floor(line × total / sum × (percent − 100) / 100 × rate.points /
// (rate.per_units × 10^digits)) on the exact product. line ≤ sum keeps the
// quotient below total × |percent − 100| × rate.points < 2^63 · 2^14 · 2^20.
Int128 LineExtraPoints(Uint128 line_amount, Uint128 lines_sum, std::int64_t total_minor, int percent,
                       const EarningRate& rate, int minor_digits) {
  const int difference = percent - 100;
  if (difference == 0 || line_amount == 0 || total_minor == 0) return 0;
  const Uint128 factor = static_cast<Uint128>(total_minor) *
                         static_cast<Uint128>(difference < 0 ? -difference : difference) *
                         static_cast<Uint128>(rate.points);
  const Uint128 divisor = static_cast<Uint128>(100 * rate.per_units) * static_cast<Uint128>(PowerOfTen(minor_digits));
  const WideQuotient share = MultiplyDivide(line_amount, factor, lines_sum);
  // Nested floors (and ceilings) of positive divisors equal the single one.
  if (difference > 0) return static_cast<Int128>(share.quotient / divisor);
  const Uint128 ceiling_share = share.quotient + (share.exact ? 0 : 1);
  return -static_cast<Int128>((ceiling_share + divisor - 1) / divisor);
}

std::vector<MultiplierGroup> MultiplierGroups(const EarningInput& input, const EarningRules& rules,
                                              const EarningRate& rate) {
  std::vector<MultiplierGroup> groups;
  const LineAmounts measured = MeasureLines(input.lines);
  // Lines that all cost nothing carry no weight: the total earns at the base rate.
  if (measured.sum == 0) return groups;
  for (std::size_t index = 0; index < input.lines.size(); ++index) {
    const PurchaseLine& line = input.lines[index];
    std::string rule = "sku";
    const EarningMultiplier* multiplier = FindMultiplier(rules.sku_multipliers, line.sku);
    if (multiplier == nullptr) {
      rule = "category";
      multiplier = FindMultiplier(rules.category_multipliers, line.category);
    }
    if (multiplier == nullptr || multiplier->percent == 100) continue;
    RAPPORT_ASSERT(multiplier->percent >= 0 && multiplier->percent <= kMultiplierPercentMax);
    const Int128 points = LineExtraPoints(measured.amounts[index], measured.sum, input.total_minor, multiplier->percent,
                                          rate, input.currency.minor_digits());
    const auto group = std::find_if(groups.begin(), groups.end(), [&](const MultiplierGroup& candidate) {
      return candidate.rule == rule && candidate.key == multiplier->key;
    });
    if (group != groups.end()) {
      group->points += points;
    } else {
      groups.push_back({.rule = rule, .key = multiplier->key, .percent = multiplier->percent, .points = points});
    }
  }
  return groups;
}

bool PromotionRuns(const Promotion& promotion, const EarningInput& input) {
  return promotion.starts_at <= input.occurred_at && input.occurred_at < promotion.ends_at &&
         (promotion.channel.empty() || promotion.channel == input.channel);
}

std::string PromotionDetail(const Promotion& promotion) {
  std::string detail = promotion.name;
  if (promotion.percent != 100 || promotion.bonus_points.zero())
    detail += " ×" + std::to_string(promotion.percent) + "%";
  if (!promotion.bonus_points.zero()) detail += " +" + std::to_string(promotion.bonus_points.count());
  return detail;
}

// One "promotion" step per promotion running at the purchase whose category
// matches a line: the multiplier on the matching lines' base points (each
// line rounded once, as LineExtraPoints does for multipliers) plus the bonus.
// Without lines, or with lines that all cost nothing, the total is one line
// with no category: it carries the weight, and a category matches no weight.
std::vector<RawStep> PromotionSteps(const EarningInput& input, const EarningRules& rules, const EarningRate& rate) {
  std::vector<RawStep> steps;
  const LineAmounts measured = MeasureLines(input.lines);
  const Uint128 total = static_cast<Uint128>(input.total_minor);
  for (const Promotion& promotion : rules.promotions) {
    if (!PromotionRuns(promotion, input)) continue;
    RAPPORT_ASSERT(promotion.percent >= 100 && promotion.percent <= kMultiplierPercentMax);
    RAPPORT_ASSERT(!promotion.bonus_points.negative() && promotion.bonus_points.count() <= limits::kPointsAbsMax);
    bool matched = false;
    Int128 points = 0;
    if (input.lines.empty() || measured.sum == 0) {
      const bool weighted = promotion.category.empty();
      matched = weighted || std::any_of(input.lines.begin(), input.lines.end(),
                                        [&](const PurchaseLine& line) { return line.category == promotion.category; });
      if (weighted) {
        points =
            LineExtraPoints(total, total, input.total_minor, promotion.percent, rate, input.currency.minor_digits());
      }
    } else {
      for (std::size_t index = 0; index < input.lines.size(); ++index) {
        if (!promotion.category.empty() && input.lines[index].category != promotion.category) continue;
        matched = true;
        points += LineExtraPoints(measured.amounts[index], measured.sum, input.total_minor, promotion.percent, rate,
                                  input.currency.minor_digits());
      }
    }
    if (!matched) continue;
    steps.push_back({.rule = "promotion",
                     .detail = PromotionDetail(promotion),
                     .points = points + Int128{promotion.bonus_points.count()}});
  }
  return steps;
}

std::string BaseDetail(const EarningRate& rate, const EarningInput& input) {
  return Plural(rate.points, "point", "points") + " per " + std::to_string(rate.per_units) + " " +
         std::string(input.currency.code()) + " on " + Amount(input.total_minor, input.currency);
}

void ApplyCap(StepLog& log, std::string rule, Points cap, Points earned_before, std::string_view period) {
  if (cap.count() <= 0) return;
  const Int128 allowed = std::max(Int128{0}, Int128{cap.count()} - std::max(Int128{0}, Int128{earned_before.count()}));
  if (log.running() <= allowed) return;
  log.Add(std::move(rule), "capped at " + std::to_string(cap.count()) + " a " + std::string(period),
          allowed - log.running());
}

// ---- calendar ---------------------------------------------------------------

using detail::AddLocalDays;
using detail::AddLocalMonths;
using detail::AddMonths;
using detail::FromLocal;
using detail::LocalDateTime;
using detail::ToLocal;

void AssertMonths(const ExpiryPolicy& policy) {
  RAPPORT_ASSERT(policy.months >= 0 && policy.months <= kExpiryMonthsMax);
}

// ---- validation -------------------------------------------------------------

std::string Field(std::string_view list, std::size_t index, std::string_view member = {}) {
  std::string field = std::string(list) + "[" + std::to_string(index) + "]";
  if (!member.empty()) field += "." + std::string(member);
  return field;
}

std::string Between(std::int64_t low, std::int64_t high) {
  return "must be between " + std::to_string(low) + " and " + std::to_string(high);
}

std::optional<std::string> KeyProblem(std::string_view key) {
  if (key.empty() || key.size() > kRuleKeyBytesMax) {
    return "must be 1 to " + std::to_string(kRuleKeyBytesMax) + " bytes";
  }
  const bool printable = std::all_of(key.begin(), key.end(), [](char character) {
    return character > ' ' && character <= '~';  // printable ASCII without the space
  });
  if (!printable) return "must be printable ASCII without spaces";
  return std::nullopt;
}

class ProblemList {
 public:
  void Add(std::string field, std::string reason) {
    problems_.push_back({.field = std::move(field), .reason = std::move(reason)});
  }
  // Reports a list longer than `count_max`; returns how many entries to check.
  std::size_t CheckCount(std::string_view field, std::size_t count, std::size_t count_max) {
    if (count <= count_max) return count;
    Add(std::string(field), "at most " + std::to_string(count_max) + " entries");
    return count_max;
  }
  std::vector<RuleProblem> Take() && { return std::move(problems_); }

 private:
  std::vector<RuleProblem> problems_;
};

// True when the entry's key appeared earlier in its list; `seen` collects the keys.
bool Repeated(std::set<std::string_view>& seen, std::string_view key) { return !seen.insert(key).second; }

void ValidateRates(const std::vector<EarningRate>& rates, ProblemList& problems) {
  const std::size_t checked = problems.CheckCount("rates", rates.size(), kEarningRatesMax);
  std::set<std::string_view> seen;
  for (std::size_t index = 0; index < checked; ++index) {
    const EarningRate& rate = rates[index];
    if (!rate.currency.empty() && !Currency::FromCode(rate.currency).ok()) {
      problems.Add(Field("rates", index, "currency"),
                   "must be an ISO 4217 code such as EUR, or empty for any currency");
    } else if (Repeated(seen, rate.currency)) {
      problems.Add(Field("rates", index, "currency"),
                   rate.currency.empty() ? "duplicate rate for any currency" : "duplicate currency " + rate.currency);
    }
    if (rate.points < 1 || rate.points > kRatePartMax)
      problems.Add(Field("rates", index, "points"), Between(1, kRatePartMax));
    if (rate.per_units < 1 || rate.per_units > kRatePartMax) {
      problems.Add(Field("rates", index, "per_units"), Between(1, kRatePartMax));
    }
  }
}

void ValidateMultipliers(std::string_view list, const std::vector<EarningMultiplier>& multipliers,
                         ProblemList& problems) {
  const std::size_t checked = problems.CheckCount(list, multipliers.size(), kEarningMultipliersMax);
  std::set<std::string_view> seen;
  for (std::size_t index = 0; index < checked; ++index) {
    const EarningMultiplier& multiplier = multipliers[index];
    if (const auto problem = KeyProblem(multiplier.key)) {
      problems.Add(Field(list, index, "key"), *problem);
    } else if (Repeated(seen, multiplier.key)) {
      problems.Add(Field(list, index, "key"), "duplicate key " + multiplier.key);
    }
    if (multiplier.percent < 0 || multiplier.percent > kMultiplierPercentMax) {
      problems.Add(Field(list, index, "percent"), Between(0, kMultiplierPercentMax));
    }
  }
}

void ValidateChannels(const std::vector<std::string>& channels, ProblemList& problems) {
  const std::size_t checked = problems.CheckCount("channels", channels.size(), kEarningChannelsMax);
  std::set<std::string_view> seen;
  for (std::size_t index = 0; index < checked; ++index) {
    if (const auto problem = KeyProblem(channels[index])) {
      problems.Add(Field("channels", index), *problem);
    } else if (Repeated(seen, channels[index])) {
      problems.Add(Field("channels", index), "duplicate channel " + channels[index]);
    }
  }
}

void ValidateExpiry(const ExpiryPolicy& expiry, ProblemList& problems) {
  switch (expiry.kind) {
    case ExpiryKind::kNever:
      if (expiry.months != 0) problems.Add("expiry.months", "must be 0 when points never expire");
      return;
    case ExpiryKind::kRollingMonths:
    case ExpiryKind::kInactivityMonths:
      if (expiry.months < 1 || expiry.months > kExpiryMonthsMax) {
        problems.Add("expiry.months",
                     Between(1, kExpiryMonthsMax) + " for " + std::string(ExpiryKindName(expiry.kind)));
      }
      return;
    case ExpiryKind::kEndOfYear:
      if (expiry.months < 0 || expiry.months > kExpiryMonthsMax) {
        problems.Add("expiry.months",
                     Between(0, kExpiryMonthsMax) + " for " + std::string(ExpiryKindName(expiry.kind)));
      }
      return;
  }
  problems.Add("expiry.kind", "unknown expiry kind");
}

void CheckName(std::string field, std::string_view name, ProblemList& problems) {
  if (name.empty() || name.size() > kTierNameBytesMax) {
    problems.Add(std::move(field), "must be 1 to " + std::to_string(kTierNameBytesMax) + " bytes");
  }
}

// "" or a key.
void CheckOptionalKey(std::string field, std::string_view key, ProblemList& problems) {
  if (key.empty()) return;
  if (const auto problem = KeyProblem(key)) problems.Add(std::move(field), *problem);
}

void CheckPoints(std::string field, Points points, ProblemList& problems) {
  if (points.count() < 0 || points.count() > limits::kPointsAbsMax) {
    problems.Add(std::move(field), Between(0, limits::kPointsAbsMax));
  }
}

void ValidateTierDefinitions(const std::vector<TierDefinition>& tiers, ProblemList& problems) {
  constexpr std::string_view kList = "tiers.tiers";
  const std::size_t checked = problems.CheckCount(kList, tiers.size(), kTiersMax);
  std::set<std::string_view> seen;
  for (std::size_t index = 0; index < checked; ++index) {
    const TierDefinition& tier = tiers[index];
    if (const auto problem = KeyProblem(tier.key)) {
      problems.Add(Field(kList, index, "key"), *problem);
    } else if (Repeated(seen, tier.key)) {
      problems.Add(Field(kList, index, "key"), "duplicate key " + tier.key);
    }
    CheckName(Field(kList, index, "name"), tier.name, problems);
    if (tier.min_spend_minor < 0) problems.Add(Field(kList, index, "min_spend_minor"), "must not be negative");
    if (tier.min_purchases < 0) problems.Add(Field(kList, index, "min_purchases"), "must not be negative");
    if (index > 0) {
      const TierDefinition& previous = tiers[index - 1];
      if (tier.min_spend_minor < previous.min_spend_minor) {
        problems.Add(Field(kList, index, "min_spend_minor"), "must not be below the previous tier's");
      }
      if (tier.min_purchases < previous.min_purchases) {
        problems.Add(Field(kList, index, "min_purchases"), "must not be below the previous tier's");
      }
      if (tier.min_spend_minor == previous.min_spend_minor && tier.min_purchases == previous.min_purchases) {
        problems.Add(Field(kList, index), "must have a threshold above the previous tier's");
      }
    }
    if (tier.earn_percent < 100 || tier.earn_percent > kMultiplierPercentMax) {
      problems.Add(Field(kList, index, "earn_percent"), Between(100, kMultiplierPercentMax));
    }
    if (tier.discount_percent < 0 || tier.discount_percent > 100) {
      problems.Add(Field(kList, index, "discount_percent"), Between(0, 100));
    }
    CheckOptionalKey(Field(kList, index, "sla_class"), tier.sla_class, problems);
  }
}

bool KnownQualification(TierQualification qualification) {
  switch (qualification) {
    case TierQualification::kSpend:
    case TierQualification::kPurchases:
    case TierQualification::kSpendOrCount:
    case TierQualification::kSpendAndCount: return true;
  }
  return false;
}

void ValidateTiers(const TierProgramme& programme, ProblemList& problems) {
  ValidateTierDefinitions(programme.tiers, problems);
  if (!KnownQualification(programme.qualification)) problems.Add("tiers.qualification", "unknown qualification");
  if (!programme.currency.empty() && !Currency::FromCode(programme.currency).ok()) {
    problems.Add("tiers.currency", "must be an ISO 4217 code such as EUR");
  } else if (programme.currency.empty() && !programme.tiers.empty()) {
    problems.Add("tiers.currency", "must be an ISO 4217 code such as EUR when there are tiers");
  }
  if (programme.window_months < 1 || programme.window_months > kTierWindowMonthsMax) {
    problems.Add("tiers.window_months", Between(1, kTierWindowMonthsMax));
  }
  if (programme.period_months < 1 || programme.period_months > kTierWindowMonthsMax) {
    problems.Add("tiers.period_months", Between(1, kTierWindowMonthsMax));
  }
  if (programme.grace_days < 0 || programme.grace_days > kTierGraceDaysMax) {
    problems.Add("tiers.grace_days", Between(0, kTierGraceDaysMax));
  }
}

void ValidatePromotions(const std::vector<Promotion>& promotions, ProblemList& problems) {
  constexpr std::string_view kList = "promotions";
  const std::size_t checked = problems.CheckCount(kList, promotions.size(), kPromotionsMax);
  std::set<std::string_view> seen;
  for (std::size_t index = 0; index < checked; ++index) {
    const Promotion& promotion = promotions[index];
    if (const auto problem = KeyProblem(promotion.key)) {
      problems.Add(Field(kList, index, "key"), *problem);
    } else if (Repeated(seen, promotion.key)) {
      problems.Add(Field(kList, index, "key"), "duplicate key " + promotion.key);
    }
    CheckName(Field(kList, index, "name"), promotion.name, problems);
    if (promotion.ends_at <= promotion.starts_at)
      problems.Add(Field(kList, index, "ends_at"), "must be after starts_at");
    CheckOptionalKey(Field(kList, index, "category"), promotion.category, problems);
    CheckOptionalKey(Field(kList, index, "channel"), promotion.channel, problems);
    if (promotion.percent < 100 || promotion.percent > kMultiplierPercentMax) {
      problems.Add(Field(kList, index, "percent"), Between(100, kMultiplierPercentMax));
    }
    CheckPoints(Field(kList, index, "bonus_points"), promotion.bonus_points, problems);
  }
}

void ValidateBonuses(const BonusRules& bonuses, ProblemList& problems) {
  CheckPoints("bonuses.welcome", bonuses.welcome, problems);
  CheckPoints("bonuses.birthday", bonuses.birthday, problems);
  CheckPoints("bonuses.referral_referrer", bonuses.referral_referrer, problems);
  CheckPoints("bonuses.referral_referred", bonuses.referral_referred, problems);
  if (bonuses.referral_minimum_minor < 0) problems.Add("bonuses.referral_minimum_minor", "must not be negative");
  if (bonuses.referral_deadline_days < 1 || bonuses.referral_deadline_days > kReferralDeadlineDaysMax) {
    problems.Add("bonuses.referral_deadline_days", Between(1, kReferralDeadlineDaysMax));
  }
  if (bonuses.referral_limit < 0) problems.Add("bonuses.referral_limit", "must not be negative");
}

constexpr std::array<std::pair<ExpiryKind, std::string_view>, 4> kExpiryKindNames = {{
    {ExpiryKind::kNever, "never"},
    {ExpiryKind::kRollingMonths, "rolling_months"},
    {ExpiryKind::kEndOfYear, "end_of_year"},
    {ExpiryKind::kInactivityMonths, "inactivity_months"},
}};

}  // namespace

std::string_view ExpiryKindName(ExpiryKind kind) {
  for (const auto& [candidate, name] : kExpiryKindNames) {
    if (candidate == kind) return name;
  }
  RAPPORT_UNREACHABLE();
}

std::optional<ExpiryKind> ParseExpiryKind(std::string_view name) {
  for (const auto& [kind, candidate] : kExpiryKindNames) {
    if (candidate == name) return kind;
  }
  return std::nullopt;
}

EarningRules DefaultEarningRules() {
  return EarningRules{.rates = {EarningRate{.currency = "", .points = 1, .per_units = 1}}};
}

std::vector<RuleProblem> ValidateEarningRules(const EarningRules& rules) {
  ProblemList problems;
  ValidateRates(rules.rates, problems);
  ValidateMultipliers("category_multipliers", rules.category_multipliers, problems);
  ValidateMultipliers("sku_multipliers", rules.sku_multipliers, problems);
  if (rules.minimum_spend_minor < 0) problems.Add("minimum_spend_minor", "must not be negative");
  ValidateChannels(rules.channels, problems);
  if (rules.pending_days < 0 || rules.pending_days > kPendingDaysMax) {
    problems.Add("pending_days", Between(0, kPendingDaysMax));
  }
  if (rules.cap_per_day.count() < 0 || rules.cap_per_day.count() > limits::kPointsAbsMax) {
    problems.Add("cap_per_day", Between(0, limits::kPointsAbsMax));
  }
  if (rules.cap_per_month.count() < 0 || rules.cap_per_month.count() > limits::kPointsAbsMax) {
    problems.Add("cap_per_month", Between(0, limits::kPointsAbsMax));
  }
  ValidateExpiry(rules.expiry, problems);
  ValidateTiers(rules.tiers, problems);
  ValidatePromotions(rules.promotions, problems);
  ValidateBonuses(rules.bonuses, problems);
  return std::move(problems).Take();
}

Earning CalculateEarning(const EarningInput& input, const EarningRules& rules) {
  RAPPORT_ASSERT(input.total_minor >= 0);
  RAPPORT_ASSERT(input.tier_percent >= 0);
  if (!rules.channels.empty() &&
      std::find(rules.channels.begin(), rules.channels.end(), input.channel) == rules.channels.end()) {
    return NothingEarned("channel", "channel " + (input.channel.empty() ? "(none)" : input.channel) + " does not earn");
  }
  if (input.total_minor < rules.minimum_spend_minor) {
    return NothingEarned("minimum_spend", "below " + Amount(rules.minimum_spend_minor, input.currency));
  }
  const EarningRate* rate = FindRate(rules, input.currency.code());
  if (rate == nullptr) return NothingEarned("no_rate", "no rate for " + std::string(input.currency.code()));
  // Validated rules keep every product below 2^128 (see LineExtraPoints).
  RAPPORT_ASSERT(rate->points >= 1 && rate->points <= kRatePartMax);
  RAPPORT_ASSERT(rate->per_units >= 1 && rate->per_units <= kRatePartMax);

  // total ≤ 2^63 and points ≤ 2^20: the product fits 127 bits.
  std::vector<RawStep> raw_steps = {{.rule = "base",
                                     .detail = BaseDetail(*rate, input),
                                     .points = Int128{input.total_minor} * rate->points /
                                               (Int128{rate->per_units} * PowerOfTen(input.currency.minor_digits()))}};
  for (MultiplierGroup& group : MultiplierGroups(input, rules, *rate)) {
    raw_steps.push_back(
        {.rule = std::move(group.rule), .detail = PercentDetail(group.key, group.percent), .points = group.points});
  }
  LiftRoundingDeficit(raw_steps);
  // After the lift: a promotion's points never make up the multipliers' rounding.
  for (RawStep& step : PromotionSteps(input, rules, *rate)) raw_steps.push_back(std::move(step));
  StepLog log;
  log.AddSubtotal(std::move(raw_steps));
  if (input.tier_percent != 100) {
    log.Add("tier", PercentDetail(input.tier_name.empty() ? "tier" : input.tier_name, input.tier_percent),
            FloorDivide(log.running() * (input.tier_percent - 100), 100));
  }
  ApplyCap(log, "cap_day", rules.cap_per_day, input.earned_same_day, "day");
  ApplyCap(log, "cap_month", rules.cap_per_month, input.earned_same_month, "month");
  return std::move(log).Finish();
}

std::optional<Timestamp> LotExpiry(Timestamp earned_at, const ExpiryPolicy& policy, const date::time_zone& zone) {
  AssertMonths(policy);
  switch (policy.kind) {
    case ExpiryKind::kNever:
    case ExpiryKind::kInactivityMonths: return std::nullopt;
    case ExpiryKind::kRollingMonths: return AddLocalMonths(earned_at, policy.months, zone);
    case ExpiryKind::kEndOfYear: {
      const date::year_month_day shifted = AddMonths(ToLocal(zone, earned_at).date, policy.months);
      return FromLocal(zone, {.date = (shifted.year() + date::years(1)) / date::January / 1});
    }
  }
  RAPPORT_UNREACHABLE();
}

std::optional<Timestamp> InactivityExpiry(Timestamp last_activity_at, const ExpiryPolicy& policy,
                                          const date::time_zone& zone) {
  AssertMonths(policy);
  if (policy.kind != ExpiryKind::kInactivityMonths) return std::nullopt;
  return AddLocalMonths(last_activity_at, policy.months, zone);
}

std::optional<Timestamp> InactivityCutoff(Timestamp now, const ExpiryPolicy& policy, const date::time_zone& zone) {
  AssertMonths(policy);
  if (policy.kind != ExpiryKind::kInactivityMonths) return std::nullopt;
  LocalDateTime local = ToLocal(zone, now);
  bool clamped = false;
  local.date = AddMonths(local.date, -policy.months, &clamped);
  if (!clamped) return FromLocal(zone, local);
  // now's day does not exist `months` back (Mar 31 → Feb 28): any time on
  // that month's last day still expires by now, so the whole day counts.
  return FromLocal(zone, {.date = date::year_month_day(date::local_days(local.date) + days(1))}) - Microseconds(1);
}

Timestamp AvailableAt(Timestamp earned_at, int pending_days, const date::time_zone& zone) {
  RAPPORT_ASSERT(pending_days >= 0 && pending_days <= kPendingDaysMax);
  if (pending_days == 0) return earned_at;
  return AddLocalDays(earned_at, pending_days, zone);
}

Timestamp StartOfLocalDay(Timestamp at, const date::time_zone& zone) {
  return FromLocal(zone, {.date = ToLocal(zone, at).date});
}

Timestamp StartOfLocalMonth(Timestamp at, const date::time_zone& zone) {
  const date::year_month_day date = ToLocal(zone, at).date;
  return FromLocal(zone, {.date = date.year() / date.month() / 1});
}

Result<std::vector<LotDraw>> DrawOldestFirst(std::span<const LotBalance> lots, Points amount, Timestamp at) {
  RAPPORT_ASSERT(amount.count() > 0);
  std::vector<const LotBalance*> usable;
  usable.reserve(lots.size());
  Points balance{0};
  for (const LotBalance& lot : lots) {
    RAPPORT_ASSERT(!lot.remaining.negative());
    if (lot.remaining.zero() || (lot.expires_at && *lot.expires_at <= at)) continue;
    usable.push_back(&lot);
    balance += lot.remaining;
  }
  if (balance < amount) {
    return FailedPrecondition("not enough points: the balance is " + std::to_string(balance.count()) + " points, " +
                              std::to_string(amount.count()) + " needed");
  }
  std::sort(usable.begin(), usable.end(), [](const LotBalance* left, const LotBalance* right) {
    return std::tie(left->earned_at, left->lot_id) < std::tie(right->earned_at, right->lot_id);
  });
  std::vector<LotDraw> draws;
  Points left_to_draw = amount;
  for (const LotBalance* lot : usable) {
    if (left_to_draw.zero()) break;
    const Points taken = std::min(lot->remaining, left_to_draw);
    draws.push_back({.lot_id = lot->lot_id, .points = taken});
    left_to_draw -= taken;
  }
  RAPPORT_ASSERT(left_to_draw.zero());
  return draws;
}

Points RefundReversal(Points earned, std::int64_t total_minor, std::int64_t refunded_before_minor,
                      std::int64_t refund_minor) {
  RAPPORT_ASSERT(!earned.negative());
  RAPPORT_ASSERT(total_minor > 0);
  RAPPORT_ASSERT(refunded_before_minor >= 0);
  RAPPORT_ASSERT(refund_minor > 0);
  const Int128 refunded_after = Int128{refunded_before_minor} + refund_minor;
  RAPPORT_ASSERT(refunded_after <= total_minor);
  // earned ≤ 2^63 and amounts ≤ 2^63: products fit 127 bits; numerators are non-negative.
  const Int128 after = Int128{earned.count()} * refunded_after / total_minor;
  const Int128 before = Int128{earned.count()} * refunded_before_minor / total_minor;
  return Points(static_cast<std::int64_t>(after - before));
}

}  // namespace rapport::domain

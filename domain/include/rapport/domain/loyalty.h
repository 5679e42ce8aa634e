// The loyalty programme's rules as pure arithmetic: how many points a purchase
// earns and why, when a lot of points stops being usable, which lots a debit
// draws from, and how much of a purchase's points a refund takes back.
//
// Points are integers (base/points.h) and money is integer minor units with
// an ISO 4217 currency (base/money.h); no floating point anywhere. Rates and
// multipliers are integer ratios and percents, and every division rounds
// toward zero on a non-negative numerator, so the same inputs give the same
// points on every machine and in both stores.
//
// Explainability: CalculateEarning returns, besides the points, the steps
// that produced them ("base", "category", "sku", "tier", "cap_day", ...), each
// with the points it added or removed, so a member can be told why a purchase
// earned 340 points.
//
// Thread safety: values and pure functions; date::time_zone is immutable.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <date/tz.h>

#include "rapport/base/clock.h"
#include "rapport/base/money.h"
#include "rapport/base/points.h"
#include "rapport/base/status.h"
#include "rapport/domain/loyalty_programme.h"

namespace rapport::domain {

// Bounds on a programme's rules; checked by ValidateEarningRules.
inline constexpr std::size_t kEarningRatesMax = 64;
inline constexpr std::size_t kEarningMultipliersMax = 1'000;  // per kind (category, SKU)
inline constexpr std::size_t kEarningChannelsMax = 32;
inline constexpr int kMultiplierPercentMax = 10'000;  // ×100
inline constexpr int kPendingDaysMax = 365;
inline constexpr int kExpiryMonthsMax = 120;
inline constexpr std::size_t kRuleKeyBytesMax = 64;  // a category, SKU or channel name
inline constexpr std::int64_t kRatePartMax = 1'000'000;

// ---- earning rules --------------------------------------------------------

// `points` points for every `per_units` whole units of `currency` ("" = any
// currency without a rate of its own). 1 per 1: one point per euro, rouble...
struct EarningRate {
  std::string currency{};      // ISO 4217 code or ""
  std::int64_t points = 1;     // 1..kRatePartMax
  std::int64_t per_units = 1;  // 1..kRatePartMax
  friend bool operator==(const EarningRate&, const EarningRate&) = default;
};

// Points of a purchase line (or the whole purchase) times percent / 100.
struct EarningMultiplier {
  std::string key{};  // a category or an SKU, compared exactly
  int percent = 100;  // 0..kMultiplierPercentMax; 200 = double points, 0 = earns nothing
  friend bool operator==(const EarningMultiplier&, const EarningMultiplier&) = default;
};

enum class ExpiryKind : std::uint8_t {
  kNever,             // points never expire
  kRollingMonths,     // a lot expires `months` after it was earned
  kEndOfYear,         // at the end of the calendar year in which earned + `months` falls
  kInactivityMonths,  // every lot expires after `months` without a purchase
};
std::string_view ExpiryKindName(ExpiryKind kind);  // "never", "rolling_months", "end_of_year", "inactivity_months"
std::optional<ExpiryKind> ParseExpiryKind(std::string_view name);

struct ExpiryPolicy {
  ExpiryKind kind = ExpiryKind::kNever;
  int months = 0;  // 1..kExpiryMonthsMax for rolling and inactivity, 0..kExpiryMonthsMax for end of year
  friend bool operator==(const ExpiryPolicy&, const ExpiryPolicy&) = default;
};

struct EarningRules {
  std::vector<EarningRate> rates{};  // a purchase in a currency with no rate (and no "" rate) earns nothing
  std::vector<EarningMultiplier> category_multipliers{};
  std::vector<EarningMultiplier> sku_multipliers{};  // an SKU's multiplier replaces its category's
  std::int64_t minimum_spend_minor = 0;              // a purchase below it earns nothing (in its own minor units)
  std::vector<std::string> channels{};               // channels that earn; empty = every channel
  int pending_days = 0;                              // points become available this many days after the purchase
  Points cap_per_day{0};                             // points a member may earn per calendar day; 0 = no cap
  Points cap_per_month{0};                           // per calendar month; 0 = no cap
  ExpiryPolicy expiry{};
  std::string time_zone = "UTC";        // the programme's calendar (days, months, years), an IANA name
  TierProgramme tiers{};                // no tiers by default (domain/loyalty_programme.h)
  std::vector<Promotion> promotions{};  // at most kPromotionsMax
  BonusRules bonuses{};                 // no bonuses by default
  friend bool operator==(const EarningRules&, const EarningRules&) = default;
};

// The programme of a fresh installation: one point per whole unit of any
// currency, available at once, never expiring, no caps.
EarningRules DefaultEarningRules();

// Every problem, each as {field, reason}: "rates[2].per_units" "must be between
// 1 and 1000000", a duplicate currency or key, an unknown channel name format
// (keys are 1..kRuleKeyBytesMax bytes of printable ASCII without spaces),
// months out of range for the kind, a negative cap or minimum; tiers out of
// order, without a currency or with out-of-range percents; promotions with an
// empty window or a duplicate key; negative bonuses. Field paths name the
// member: "tiers.tiers[1].min_spend_minor", "promotions[0].ends_at",
// "bonuses.welcome". The time zone name is checked by the caller (it needs
// the tz database).
struct RuleProblem {
  std::string field{};
  std::string reason{};
  friend bool operator==(const RuleProblem&, const RuleProblem&) = default;
};
std::vector<RuleProblem> ValidateEarningRules(const EarningRules& rules);

// ---- earning ----------------------------------------------------------------

struct PurchaseLine {
  std::string sku{};
  std::string category{};
  std::int64_t quantity = 1;          // ≥ 1
  std::int64_t unit_price_minor = 0;  // ≥ 0
  friend bool operator==(const PurchaseLine&, const PurchaseLine&) = default;
};

struct EarningInput {
  std::int64_t total_minor = 0;  // what the customer paid, ≥ 0
  Currency currency;
  std::string channel{};
  Timestamp occurred_at{};            // when the purchase happened: which promotions run
  std::vector<PurchaseLine> lines{};  // may be empty: then the total earns at the base rate
  int tier_percent = 100;             // the member's tier multiplier (100 = none)
  std::string tier_name{};            // for the explanation; "" without tiers
  Points earned_same_day{0};          // the member's earlier earnings in the purchase's day, for the caps
  Points earned_same_month{0};
};

struct EarningStep {
  std::string rule{};    // "base", "category", "sku", "promotion", "tier", "minimum_spend", "channel",
                         // "no_rate", "cap_day", "cap_month"
  std::string detail{};  // what it applied to, plain English with plain numbers: "shoes ×200%",
                         // "1 point per 1 EUR", "below 10.00 EUR"
  Points points{0};      // what the step added (negative: removed)
  friend bool operator==(const EarningStep&, const EarningStep&) = default;
};

struct Earning {
  Points points{0};  // ≥ 0; the sum of the steps' points
  std::vector<EarningStep> steps{};
};

// How the points are computed:
//  1. a channel not in `channels` (when not empty) earns 0 (one step "channel");
//     a total below minimum_spend_minor earns 0 ("minimum_spend"); a currency
//     with no rate earns 0 ("no_rate").
//  2. Each line's amount is quantity × unit_price_minor; when the lines' sum
//     differs from the total (discounts, delivery), each line's amount is scaled
//     by total / sum so the purchase earns on what was paid. Without lines the
//     total is one line with no category or SKU.
//  3. The base is floor(total × rate.points / (rate.per_units × 10^minor_digits))
//     ("base" step). A line with a multiplier m (its SKU's, else its category's)
//     adds floor(line amount × (m − 100) / 100 × rate …) points, computed on the
//     exact products and rounded once per line ("sku" or "category" step per
//     multiplier key, lines with the same key summed).
//  4. Each promotion running at occurred_at whose channel matches (or is "")
//     adds floor(base points of its matching lines × (percent − 100) / 100),
//     matching lines being those of its category (every line for ""), and its
//     bonus_points when at least one line matches: one "promotion" step each.
//     The tier then adds floor(subtotal × (tier_percent − 100) / 100) ("tier").
//  5. Caps: the result is cut so earned_same_day + points ≤ cap_per_day and
//     earned_same_month + points ≤ cap_per_month ("cap_day", "cap_month", with
//     negative points); never below 0.
// Intermediate products use 128-bit integers; a result above kPointsAbsMax is
// cut to it.
Earning CalculateEarning(const EarningInput& input, const EarningRules& rules);

// ---- lots -------------------------------------------------------------------

// When a lot earned at `earned_at` stops being usable, for the policy, in the
// programme's zone: rolling months → the same local wall-clock time `months`
// later (day clamped to the month's end: Jan 31 + 1 month = Feb 28/29);
// end of year → the first instant of the local year after the one in which
// earned_at + months falls; never and inactivity → nullopt (inactivity is
// judged on the account, see InactivityExpiry).
std::optional<Timestamp> LotExpiry(Timestamp earned_at, const ExpiryPolicy& policy, const date::time_zone& zone);

// When every lot of an account expires under an inactivity policy: the last
// purchase + months (same clamping); nullopt for other policies.
std::optional<Timestamp> InactivityExpiry(Timestamp last_activity_at, const ExpiryPolicy& policy,
                                          const date::time_zone& zone);

// The latest last-activity instant at which a member counts as inactive at
// `now`: now − months (local calendar, day clamped); nullopt for policies other
// than inactivity. Members at or before it lose their lots; the job confirms
// each with InactivityExpiry(last) ≤ now.
std::optional<Timestamp> InactivityCutoff(Timestamp now, const ExpiryPolicy& policy, const date::time_zone& zone);

// When points earned at `earned_at` become available: pending_days local
// calendar days later at the same wall-clock time; earned_at itself for 0.
Timestamp AvailableAt(Timestamp earned_at, int pending_days, const date::time_zone& zone);

// The first instant of the local day / month containing `at` (for caps).
Timestamp StartOfLocalDay(Timestamp at, const date::time_zone& zone);
Timestamp StartOfLocalMonth(Timestamp at, const date::time_zone& zone);

// A lot that still holds points.
struct LotBalance {
  std::int64_t lot_id = 0;
  Points remaining{0};                    // > 0
  Timestamp earned_at{};                  // order of consumption
  std::optional<Timestamp> expires_at{};  // usable strictly before it
  friend bool operator==(const LotBalance&, const LotBalance&) = default;
};

struct LotDraw {
  std::int64_t lot_id = 0;
  Points points{0};  // > 0, taken from the lot
  friend bool operator==(const LotDraw&, const LotDraw&) = default;
};

// Takes `amount` (> 0) from the lots usable at `at` (expires_at > at or none),
// oldest earned first (then lowest id). kFailedPrecondition with "the balance
// is N points" when they hold less: nothing is drawn then.
Result<std::vector<LotDraw>> DrawOldestFirst(std::span<const LotBalance> lots, Points amount, Timestamp at);

// ---- refunds ----------------------------------------------------------------

// The points a refund takes back from a purchase that earned `earned`:
// floor(earned × (refunded_before + refund) / total) − floor(earned ×
// refunded_before / total), so refunds adding up to the total take back
// exactly `earned`, never more. Preconditions (asserted): total > 0,
// 0 ≤ refunded_before, 0 < refund, refunded_before + refund ≤ total.
Points RefundReversal(Points earned, std::int64_t total_minor, std::int64_t refunded_before_minor,
                      std::int64_t refund_minor);

}  // namespace rapport::domain

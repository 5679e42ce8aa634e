// The parts of a loyalty programme beyond earning on a purchase: tiers with
// their qualification and benefits, time-limited promotions, and the bonus
// rules (welcome, birthday, referral). They are members of EarningRules
// (domain/loyalty.h), so they are versioned, edited and explained with the
// rest of the programme.
//
// Tiers. A member qualifies for the highest tier whose thresholds the rolling
// window (window_months back from an instant, in the programme's calendar)
// meets: net spend in the programme's tier currency and/or the number of
// purchases, by `qualification`. A member is upgraded at once when a purchase
// qualifies them for a higher tier; they then hold it until a review at least
// period_months later. At the review, a member who still qualifies keeps the
// tier (or rises) for another period; one who does not gets grace_days of
// grace and is reviewed again at the end of it, then moves down to the tier
// they qualify for (possibly none). Everything is a pure function of the
// status, the qualification and the rules: the app reads qualifications from
// the store and writes the status back.
//
// Birthdays are calendar dates ("YYYY-MM-DD") celebrated in the programme's
// zone; a member born on 29 February celebrates on 28 February in common years.
//
// Thread safety: values and pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <date/tz.h>

#include "rapport/base/clock.h"
#include "rapport/base/points.h"

namespace rapport::domain {

inline constexpr std::size_t kTiersMax = 16;
inline constexpr std::size_t kPromotionsMax = 100;
inline constexpr std::size_t kTierNameBytesMax = 100;
inline constexpr int kTierWindowMonthsMax = 60;
inline constexpr int kTierGraceDaysMax = 365;
inline constexpr int kReferralDeadlineDaysMax = 3'650;

// ---- tiers --------------------------------------------------------------------

enum class TierQualification : std::uint8_t {
  kSpend,          // spend ≥ min_spend_minor
  kPurchases,      // purchases ≥ min_purchases
  kSpendOrCount,   // either threshold
  kSpendAndCount,  // both thresholds
};
// "spend", "purchases", "spend_or_purchases", "spend_and_purchases".
std::string_view TierQualificationName(TierQualification qualification);
std::optional<TierQualification> ParseTierQualification(std::string_view name);

struct TierDefinition {
  std::string key{};                 // 1..kRuleKeyBytesMax printable ASCII, unique: "gold"
  std::string name{};                // shown to people, 1..kTierNameBytesMax bytes: "Gold"
  std::int64_t min_spend_minor = 0;  // ≥ 0, in TierProgramme::currency
  std::int64_t min_purchases = 0;    // ≥ 0
  int earn_percent = 100;            // 100..kMultiplierPercentMax: the earning multiplier ("tier" step)
  int discount_percent = 0;          // 0..100: a discount the till applies
  std::string sla_class{};           // "" or a key (printable ASCII): support's service level for the member
  friend bool operator==(const TierDefinition&, const TierDefinition&) = default;
};

struct TierProgramme {
  // Lowest first; each tier's thresholds are ≥ the previous one's and not
  // both equal. Empty: the programme has no tiers.
  std::vector<TierDefinition> tiers{};
  TierQualification qualification = TierQualification::kSpend;
  std::string currency{};  // ISO 4217: spend in other currencies does not count; required when tiers exist
  int window_months = 12;  // 1..kTierWindowMonthsMax: the rolling qualification window
  int period_months = 12;  // 1..kTierWindowMonthsMax: how long a tier is held before a review
  int grace_days = 0;      // 0..kTierGraceDaysMax: extra time at a review before moving down
  friend bool operator==(const TierProgramme&, const TierProgramme&) = default;
};

// What a member did within a window.
struct TierQualifier {
  std::int64_t spend_minor = 0;  // purchases minus refunds, in the tier currency
  std::int64_t purchases = 0;    // purchases not wholly refunded
  friend bool operator==(const TierQualifier&, const TierQualifier&) = default;
};

// The first instant of the rolling window ending at `at`: at − window_months
// in local calendar months (day clamped to the month's end).
Timestamp TierWindowStart(Timestamp at, const TierProgramme& programme, const date::time_zone& zone);

// The index of the highest tier the qualifier meets, or nullopt.
std::optional<std::size_t> QualifiedTier(const TierProgramme& programme, const TierQualifier& qualifier);

// A member's place in the tiers.
struct TierStatus {
  std::string tier_key{};                  // "" = no tier
  std::optional<Timestamp> since{};        // when the current tier was reached
  std::optional<Timestamp> review_at{};    // the next review; nullopt without a tier
  std::optional<Timestamp> grace_until{};  // set while in grace: the review that moves down
  friend bool operator==(const TierStatus&, const TierStatus&) = default;
};

enum class TierChange : std::uint8_t {
  kNone,       // nothing changed
  kUpgrade,    // a higher tier (from none, too)
  kRenew,      // kept after a review (possibly from grace), review moved on a period
  kGrace,      // a review found the member below the tier: grace began
  kDowngrade,  // moved down at a review (to a lower tier or none)
};
std::string_view TierChangeName(TierChange change);  // "none", "upgrade", "renew", "grace", "downgrade"

struct TierDecision {
  TierChange change = TierChange::kNone;
  TierStatus status{};  // the new status (equal to the old one for kNone)
};

// After a purchase at `at` (qualifier: the window ending at `at`): a higher
// qualified tier is taken at once with since = at and review_at = at +
// period_months; grace ends. Otherwise kNone. A status naming a tier the
// programme no longer has counts as no tier.
TierDecision TierAfterPurchase(const TierStatus& status, const TierProgramme& programme, const TierQualifier& qualifier,
                               Timestamp at, const date::time_zone& zone);

// The review due at `status.grace_until` or else `status.review_at` (the
// caller calls it once that instant has passed; `qualifier` is the window
// ending at that instant):
//   qualified ≥ current → kRenew (or kUpgrade when higher): review_at moves
//     period_months past the due instant, grace ends;
//   below, no grace yet and grace_days > 0 → kGrace: grace_until = due +
//     grace_days (local days);
//   below otherwise → kDowngrade to the qualified tier (none: every field
//     empty), since = the due instant, review_at = due + period_months.
// kNone when the status has no review due (no tier). A status naming a tier
// the programme no longer has counts as no tier: the member takes the tier
// they qualify for (kUpgrade) or none (kDowngrade), without grace.
TierDecision ReviewTier(const TierStatus& status, const TierProgramme& programme, const TierQualifier& qualifier,
                        const date::time_zone& zone);

// The instant ReviewTier is due for the status: grace_until when in grace,
// else review_at; nullopt without a tier.
std::optional<Timestamp> TierReviewDue(const TierStatus& status);

// "What you need to keep or reach a tier", for the card.
struct TierProgress {
  std::optional<std::size_t> current{};  // index into the programme's tiers
  std::optional<std::size_t> next{};     // the next tier up, if any
  TierQualifier qualifier{};             // the window ending now
  // To reach `next` (by its thresholds, 0 when already met): what is missing.
  std::int64_t spend_to_next_minor = 0;
  std::int64_t purchases_to_next = 0;
  // To keep `current` at its review: what the window is short of its
  // thresholds now (0 when met).
  std::int64_t spend_to_keep_minor = 0;
  std::int64_t purchases_to_keep = 0;
  std::optional<Timestamp> review_at{};  // TierReviewDue: the grace end while in grace
  friend bool operator==(const TierProgress&, const TierProgress&) = default;
};
TierProgress ComputeTierProgress(const TierStatus& status, const TierProgramme& programme,
                                 const TierQualifier& qualifier);

// The tier named by the status, or nullptr (none, or no longer defined).
const TierDefinition* FindTier(const TierProgramme& programme, std::string_view key);

// ---- promotions -------------------------------------------------------------

// Extra points for purchases made between two instants: a multiplier on the
// matching lines' base points ("promotion" step, detail "<name> ×200%") and/or
// a flat bonus once per matching purchase ("promotion" step, "<name> +50";
// both: one step, "<name> ×200% +50").
// It starts and stops by itself: it applies when starts_at ≤ occurred_at <
// ends_at.
struct Promotion {
  std::string key{};   // unique, as rule keys
  std::string name{};  // 1..kTierNameBytesMax bytes
  Timestamp starts_at{};
  Timestamp ends_at{};     // > starts_at
  std::string category{};  // "" = every line
  std::string channel{};   // "" = every channel
  int percent = 100;       // 100..kMultiplierPercentMax
  Points bonus_points{0};  // 0..kPointsAbsMax
  friend bool operator==(const Promotion&, const Promotion&) = default;
};

// ---- bonuses ----------------------------------------------------------------

struct BonusRules {
  Points welcome{0};   // credited with a member's first purchase; 0 = none
  Points birthday{0};  // credited on the member's birthday each year; 0 = none
  // Referrals: when a referred member's first purchase of at least
  // referral_minimum_minor (any currency's minor units) happens within
  // referral_deadline_days of the referral, the referrer gets
  // referral_referrer and the new member referral_referred. A referrer is
  // rewarded for at most referral_limit referrals (0 = no limit).
  Points referral_referrer{0};
  Points referral_referred{0};
  std::int64_t referral_minimum_minor = 0;
  int referral_deadline_days = 30;  // 1..kReferralDeadlineDaysMax
  int referral_limit = 0;           // ≥ 0
  friend bool operator==(const BonusRules&, const BonusRules&) = default;
};

// The local midnight (programme zone) that begins the member's birthday in
// `year`; 29 February → 28 February in common years. nullopt for a birthday
// that is not a valid "YYYY-MM-DD" date.
std::optional<Timestamp> BirthdayIn(std::string_view birthday, int year, const date::time_zone& zone);

// The "MM-DD" birthdays celebrated on the local day containing `at`: the day
// itself, plus "02-29" on 28 February of a common year.
std::vector<std::string> BirthdaysCelebratedOn(Timestamp at, const date::time_zone& zone);

// The local calendar year containing `at` (a birthday bonus is paid once per
// such year).
int LocalYear(Timestamp at, const date::time_zone& zone);

// Whether a referred member's purchase earns the referral bonuses: it happens
// at or after the referral and strictly before referred_at +
// referral_deadline_days (local days), and its total is at least the minimum.
bool ReferralQualifies(Timestamp referred_at, Timestamp purchase_at, std::int64_t purchase_total_minor,
                       const BonusRules& rules, const date::time_zone& zone);

}  // namespace rapport::domain

// Tests of the programme beyond earning: tier qualification, upgrades,
// reviews with and without grace, progress, the qualification window in the
// programme's calendar, birthdays (29 February included) and the referral
// deadline. Mostly tables of cases.
#include "rapport/domain/loyalty_programme.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace rapport::domain {
namespace {

Timestamp At(std::string_view rfc3339) { return ParseRfc3339(rfc3339).value(); }
std::string Text(Timestamp at) { return FormatRfc3339(at); }
std::string Text(const std::optional<Timestamp>& at) { return at ? FormatRfc3339(*at) : "none"; }
const date::time_zone& Zone(std::string_view name) { return *date::locate_zone(name); }
std::optional<Timestamp> MaybeAt(std::string_view rfc3339) {
  return rfc3339.empty() ? std::nullopt : std::optional<Timestamp>(At(rfc3339));
}

// Silver, gold and platinum: 100, 500 and 2000 EUR or 5, 10 and 30 purchases.
TierProgramme Programme(TierQualification qualification = TierQualification::kSpend, int grace_days = 0) {
  return {
      .tiers = {{.key = "silver", .name = "Silver", .min_spend_minor = 10'000, .min_purchases = 5},
                {.key = "gold", .name = "Gold", .min_spend_minor = 50'000, .min_purchases = 10, .earn_percent = 150},
                {.key = "platinum",
                 .name = "Platinum",
                 .min_spend_minor = 200'000,
                 .min_purchases = 30,
                 .earn_percent = 200}},
      .qualification = qualification,
      .currency = "EUR",
      .window_months = 12,
      .period_months = 12,
      .grace_days = grace_days};
}

TierStatus Status(std::string key, std::string_view since, std::string_view review_at,
                  std::string_view grace_until = "") {
  return {.tier_key = std::move(key),
          .since = MaybeAt(since),
          .review_at = MaybeAt(review_at),
          .grace_until = MaybeAt(grace_until)};
}

std::string Describe(const TierDecision& decision) {
  return std::string(TierChangeName(decision.change)) + " " +
         (decision.status.tier_key.empty() ? "(none)" : decision.status.tier_key) + " since " +
         Text(decision.status.since) + " review " + Text(decision.status.review_at) + " grace " +
         Text(decision.status.grace_until);
}

// ---- names --------------------------------------------------------------------

TEST(TierNamesTest, RoundTrip) {
  for (const TierQualification qualification : {TierQualification::kSpend, TierQualification::kPurchases,
                                                TierQualification::kSpendOrCount, TierQualification::kSpendAndCount}) {
    EXPECT_EQ(ParseTierQualification(TierQualificationName(qualification)), qualification);
  }
  EXPECT_EQ(TierQualificationName(TierQualification::kSpendOrCount), "spend_or_purchases");
  EXPECT_EQ(TierQualificationName(TierQualification::kSpendAndCount), "spend_and_purchases");
  EXPECT_EQ(ParseTierQualification("Spend"), std::nullopt);
  EXPECT_EQ(ParseTierQualification(""), std::nullopt);
  EXPECT_EQ(TierChangeName(TierChange::kNone), "none");
  EXPECT_EQ(TierChangeName(TierChange::kUpgrade), "upgrade");
  EXPECT_EQ(TierChangeName(TierChange::kRenew), "renew");
  EXPECT_EQ(TierChangeName(TierChange::kGrace), "grace");
  EXPECT_EQ(TierChangeName(TierChange::kDowngrade), "downgrade");
}

// ---- qualification ------------------------------------------------------------

TEST(QualifiedTierTest, EachMode) {
  struct Case {
    TierQualification qualification;
    TierQualifier qualifier;
    std::optional<std::size_t> tier;
  };
  const Case cases[] = {
      {TierQualification::kSpend, {.spend_minor = 9'999, .purchases = 100}, std::nullopt},
      {TierQualification::kSpend, {.spend_minor = 10'000, .purchases = 0}, 0},
      {TierQualification::kSpend, {.spend_minor = 50'000, .purchases = 0}, 1},
      {TierQualification::kSpend, {.spend_minor = 199'999, .purchases = 0}, 1},
      {TierQualification::kSpend, {.spend_minor = 1'000'000'000, .purchases = 0}, 2},
      {TierQualification::kSpend, {.spend_minor = -500, .purchases = 0}, std::nullopt},  // refunds exceed purchases
      {TierQualification::kPurchases, {.spend_minor = 1'000'000'000, .purchases = 4}, std::nullopt},
      {TierQualification::kPurchases, {.spend_minor = 0, .purchases = 5}, 0},
      {TierQualification::kPurchases, {.spend_minor = 0, .purchases = 29}, 1},
      {TierQualification::kPurchases, {.spend_minor = 0, .purchases = 30}, 2},
      {TierQualification::kSpendOrCount, {.spend_minor = 9'999, .purchases = 4}, std::nullopt},
      {TierQualification::kSpendOrCount, {.spend_minor = 10'000, .purchases = 0}, 0},
      {TierQualification::kSpendOrCount, {.spend_minor = 0, .purchases = 10}, 1},
      {TierQualification::kSpendOrCount, {.spend_minor = 200'000, .purchases = 5}, 2},
      {TierQualification::kSpendAndCount, {.spend_minor = 9'999, .purchases = 100}, std::nullopt},
      {TierQualification::kSpendAndCount, {.spend_minor = 1'000'000, .purchases = 4}, std::nullopt},
      {TierQualification::kSpendAndCount, {.spend_minor = 50'000, .purchases = 5}, 0},
      {TierQualification::kSpendAndCount, {.spend_minor = 50'000, .purchases = 10}, 1},
      {TierQualification::kSpendAndCount, {.spend_minor = 200'000, .purchases = 29}, 1},
      {TierQualification::kSpendAndCount, {.spend_minor = 200'000, .purchases = 30}, 2},
  };
  for (const Case& test : cases) {
    SCOPED_TRACE(std::string(TierQualificationName(test.qualification)) + " " +
                 std::to_string(test.qualifier.spend_minor) + " " + std::to_string(test.qualifier.purchases));
    EXPECT_EQ(QualifiedTier(Programme(test.qualification), test.qualifier), test.tier);
  }
  EXPECT_EQ(QualifiedTier(TierProgramme{}, {.spend_minor = 1'000'000, .purchases = 100}), std::nullopt);
}

TEST(FindTierTest, ByKey) {
  const TierProgramme programme = Programme();
  ASSERT_NE(FindTier(programme, "gold"), nullptr);
  EXPECT_EQ(FindTier(programme, "gold")->name, "Gold");
  EXPECT_EQ(FindTier(programme, "diamond"), nullptr);
  EXPECT_EQ(FindTier(programme, "Gold"), nullptr);
  EXPECT_EQ(FindTier(programme, ""), nullptr);
}

// ---- the qualification window -------------------------------------------------

TEST(TierWindowStartTest, LocalCalendarMonths) {
  struct Case {
    int window_months;
    std::string_view zone;
    std::string_view at;
    std::string start;
  };
  const Case cases[] = {
      {1, "UTC", "2025-05-15T10:00:00Z", "2025-04-15T10:00:00.000000Z"},
      // 31 March − 1 month: the day clamps to February's end.
      {1, "UTC", "2025-03-31T10:00:00Z", "2025-02-28T10:00:00.000000Z"},
      {1, "UTC", "2024-03-31T10:00:00Z", "2024-02-29T10:00:00.000000Z"},
      {12, "UTC", "2025-02-28T23:59:59.999999Z", "2024-02-28T23:59:59.999999Z"},
      {12, "UTC", "2024-02-29T12:00:00Z", "2023-02-28T12:00:00.000000Z"},
      {60, "UTC", "2025-01-01T00:00:00Z", "2020-01-01T00:00:00.000000Z"},
      // Moscow (UTC+3): 2025-03-30T22:00Z is 01:00 on 31 March there.
      {1, "Europe/Moscow", "2025-03-30T22:00:00Z", "2025-02-27T22:00:00.000000Z"},
      // New York keeps 10:00 across the change to daylight time (EDT → EST back in February).
      {1, "America/New_York", "2025-03-10T14:00:00Z", "2025-02-10T15:00:00.000000Z"},
      {6, "America/New_York", "2025-11-30T15:00:00Z", "2025-05-30T14:00:00.000000Z"},
      // 02:30 on 9 March 2025 does not exist there: the first instant after the gap.
      {1, "America/New_York", "2025-04-09T06:30:00Z", "2025-03-09T07:00:00.000000Z"},
  };
  for (const Case& test : cases) {
    SCOPED_TRACE(std::to_string(test.window_months) + " " + std::string(test.zone) + " " + std::string(test.at));
    TierProgramme programme = Programme();
    programme.window_months = test.window_months;
    EXPECT_EQ(Text(TierWindowStart(At(test.at), programme, Zone(test.zone))), test.start);
  }
}

// ---- upgrades on purchase -----------------------------------------------------

TEST(TierAfterPurchaseTest, Table) {
  const std::string_view at = "2025-01-31T10:00:00Z";
  struct Case {
    std::string name;
    TierStatus status;
    TierQualifier qualifier;
    std::string decision;
  };
  const std::vector<Case> cases = {
      {"none to silver at once",
       {},
       {.spend_minor = 10'000},
       "upgrade silver since 2025-01-31T10:00:00.000000Z review 2026-01-31T10:00:00.000000Z grace none"},
      {"none straight to gold",
       {},
       {.spend_minor = 60'000},
       "upgrade gold since 2025-01-31T10:00:00.000000Z review 2026-01-31T10:00:00.000000Z grace none"},
      {"silver to gold",
       Status("silver", "2024-06-01T00:00:00Z", "2025-06-01T00:00:00Z"),
       {.spend_minor = 50'000},
       "upgrade gold since 2025-01-31T10:00:00.000000Z review 2026-01-31T10:00:00.000000Z grace none"},
      {"an upgrade ends grace",
       Status("silver", "2023-06-01T00:00:00Z", "2024-06-01T00:00:00Z", "2024-07-01T00:00:00Z"),
       {.spend_minor = 50'000},
       "upgrade gold since 2025-01-31T10:00:00.000000Z review 2026-01-31T10:00:00.000000Z grace none"},
      {"nothing qualifies", {}, {.spend_minor = 9'999}, "none (none) since none review none grace none"},
      {"the same tier changes nothing",
       Status("gold", "2024-06-01T00:00:00Z", "2025-06-01T00:00:00Z"),
       {.spend_minor = 60'000},
       "none gold since 2024-06-01T00:00:00.000000Z review 2025-06-01T00:00:00.000000Z grace none"},
      {"a lower tier changes nothing before the review",
       Status("gold", "2024-06-01T00:00:00Z", "2025-06-01T00:00:00Z"),
       {.spend_minor = 10'000},
       "none gold since 2024-06-01T00:00:00.000000Z review 2025-06-01T00:00:00.000000Z grace none"},
      {"a removed tier counts as none",
       Status("diamond", "2024-06-01T00:00:00Z", "2025-06-01T00:00:00Z"),
       {.spend_minor = 10'000},
       "upgrade silver since 2025-01-31T10:00:00.000000Z review 2026-01-31T10:00:00.000000Z grace none"},
      {"a removed tier stays until its review when nothing qualifies",
       Status("diamond", "2024-06-01T00:00:00Z", "2025-06-01T00:00:00Z"),
       {.spend_minor = 0},
       "none diamond since 2024-06-01T00:00:00.000000Z review 2025-06-01T00:00:00.000000Z grace none"},
  };
  for (const Case& test : cases) {
    SCOPED_TRACE(test.name);
    const TierDecision decision = TierAfterPurchase(test.status, Programme(), test.qualifier, At(at), Zone("UTC"));
    EXPECT_EQ(Describe(decision), test.decision);
    if (decision.change == TierChange::kNone) {
      EXPECT_EQ(decision.status, test.status);
    }
  }
}

TEST(TierAfterPurchaseTest, ReviewIsAPeriodLaterInLocalMonths) {
  TierProgramme programme = Programme();
  programme.period_months = 1;
  // 31 January + 1 month: the last day of February, same wall-clock time.
  EXPECT_EQ(Text(TierAfterPurchase({}, programme, {.spend_minor = 10'000}, At("2025-01-31T10:00:00Z"), Zone("UTC"))
                     .status.review_at),
            "2025-02-28T10:00:00.000000Z");
  // 10:00 in New York, EST then EDT.
  EXPECT_EQ(Text(TierAfterPurchase({}, programme, {.spend_minor = 10'000}, At("2025-02-20T15:00:00Z"),
                                   Zone("America/New_York"))
                     .status.review_at),
            "2025-03-20T14:00:00.000000Z");
}

// ---- reviews ------------------------------------------------------------------

TEST(ReviewTierTest, Table) {
  struct Case {
    std::string name;
    int grace_days;
    TierStatus status;
    TierQualifier qualifier;
    std::string decision;
  };
  const TierStatus gold = Status("gold", "2024-03-01T00:00:00Z", "2025-03-01T00:00:00Z");
  const TierStatus gold_in_grace =
      Status("gold", "2024-03-01T00:00:00Z", "2025-03-01T00:00:00Z", "2025-03-31T00:00:00Z");
  const std::vector<Case> cases = {
      {"still qualified: renewed a period past the due instant",
       30,
       gold,
       {.spend_minor = 50'000},
       "renew gold since 2024-03-01T00:00:00.000000Z review 2026-03-01T00:00:00.000000Z grace none"},
      {"qualified higher at the review: upgraded",
       30,
       gold,
       {.spend_minor = 300'000},
       "upgrade platinum since 2025-03-01T00:00:00.000000Z review 2026-03-01T00:00:00.000000Z grace none"},
      {"below with grace: grace begins",
       30,
       gold,
       {.spend_minor = 10'000},
       "grace gold since 2024-03-01T00:00:00.000000Z review 2025-03-01T00:00:00.000000Z grace "
       "2025-03-31T00:00:00.000000Z"},
      {"nothing with grace: grace begins too",
       30,
       gold,
       {.spend_minor = 0},
       "grace gold since 2024-03-01T00:00:00.000000Z review 2025-03-01T00:00:00.000000Z grace "
       "2025-03-31T00:00:00.000000Z"},
      {"grace end, still below: down to the qualified tier",
       30,
       gold_in_grace,
       {.spend_minor = 10'000},
       "downgrade silver since 2025-03-31T00:00:00.000000Z review 2026-03-31T00:00:00.000000Z grace none"},
      {"grace end, nothing qualifies: no tier",
       30,
       gold_in_grace,
       {.spend_minor = 9'999},
       "downgrade (none) since none review none grace none"},
      {"grace end, qualified again: renewed from the grace end",
       30,
       gold_in_grace,
       {.spend_minor = 50'000},
       "renew gold since 2024-03-01T00:00:00.000000Z review 2026-03-31T00:00:00.000000Z grace none"},
      {"grace end after the programme dropped grace: still moves down",
       0,
       gold_in_grace,
       {.spend_minor = 10'000},
       "downgrade silver since 2025-03-31T00:00:00.000000Z review 2026-03-31T00:00:00.000000Z grace none"},
      {"no grace: straight down to the qualified tier",
       0,
       gold,
       {.spend_minor = 10'000},
       "downgrade silver since 2025-03-01T00:00:00.000000Z review 2026-03-01T00:00:00.000000Z grace none"},
      {"no grace: straight to no tier",
       0,
       gold,
       {.spend_minor = 0},
       "downgrade (none) since none review none grace none"},
      {"a removed tier: the qualified one, as an upgrade from none",
       30,
       Status("diamond", "2024-03-01T00:00:00Z", "2025-03-01T00:00:00Z"),
       {.spend_minor = 10'000},
       "upgrade silver since 2025-03-01T00:00:00.000000Z review 2026-03-01T00:00:00.000000Z grace none"},
      {"a removed tier and nothing qualifies: no tier, without grace",
       30,
       Status("diamond", "2024-03-01T00:00:00Z", "2025-03-01T00:00:00Z"),
       {.spend_minor = 0},
       "downgrade (none) since none review none grace none"},
      {"no tier: no review", 30, {}, {.spend_minor = 300'000}, "none (none) since none review none grace none"},
  };
  for (const Case& test : cases) {
    SCOPED_TRACE(test.name);
    const TierProgramme programme = Programme(TierQualification::kSpend, test.grace_days);
    EXPECT_EQ(Describe(ReviewTier(test.status, programme, test.qualifier, Zone("UTC"))), test.decision);
  }
}

TEST(ReviewTierTest, GraceThenDowngradeInLocalDays) {
  // Midnight in New York: EST at the review, EDT at the end of the grace.
  const TierProgramme programme = Programme(TierQualification::kSpend, 30);
  const date::time_zone& zone = Zone("America/New_York");
  const TierStatus gold = Status("gold", "2024-03-01T05:00:00Z", "2025-03-01T05:00:00Z");
  EXPECT_EQ(Text(TierReviewDue(gold)), "2025-03-01T05:00:00.000000Z");

  const TierDecision grace = ReviewTier(gold, programme, {.spend_minor = 10'000}, zone);
  ASSERT_EQ(grace.change, TierChange::kGrace);
  EXPECT_EQ(Text(grace.status.grace_until), "2025-03-31T04:00:00.000000Z");
  EXPECT_EQ(grace.status.review_at, gold.review_at);
  EXPECT_EQ(Text(TierReviewDue(grace.status)), "2025-03-31T04:00:00.000000Z");

  const TierDecision down = ReviewTier(grace.status, programme, {.spend_minor = 10'000}, zone);
  ASSERT_EQ(down.change, TierChange::kDowngrade);
  EXPECT_EQ(down.status, Status("silver", "2025-03-31T04:00:00Z", "2026-03-31T04:00:00Z"));
  // Once down, the next review is the silver one.
  EXPECT_EQ(Text(TierReviewDue(down.status)), "2026-03-31T04:00:00.000000Z");
}

TEST(TierReviewDueTest, GraceFirstThenReview) {
  EXPECT_EQ(TierReviewDue({}), std::nullopt);
  EXPECT_EQ(TierReviewDue(Status("", "", "2025-03-01T00:00:00Z")), std::nullopt);  // no tier
  EXPECT_EQ(Text(TierReviewDue(Status("gold", "2024-03-01T00:00:00Z", "2025-03-01T00:00:00Z"))),
            "2025-03-01T00:00:00.000000Z");
  EXPECT_EQ(Text(TierReviewDue(Status("gold", "2024-03-01T00:00:00Z", "2025-03-01T00:00:00Z", "2025-03-15T00:00:00Z"))),
            "2025-03-15T00:00:00.000000Z");
}

// ---- progress -----------------------------------------------------------------

TEST(ComputeTierProgressTest, Table) {
  struct Case {
    std::string name;
    TierQualification qualification;
    TierStatus status;
    TierQualifier qualifier;
    TierProgress progress;
  };
  const TierStatus silver = Status("silver", "2025-01-01T00:00:00Z", "2026-01-01T00:00:00Z");
  const TierStatus silver_in_grace =
      Status("silver", "2024-01-01T00:00:00Z", "2025-01-01T00:00:00Z", "2025-01-31T00:00:00Z");
  const std::vector<Case> cases = {
      {"no tier: the first one is next",
       TierQualification::kSpend,
       {},
       {.spend_minor = 4'000, .purchases = 7},
       {.next = 0, .qualifier = {.spend_minor = 4'000, .purchases = 7}, .spend_to_next_minor = 6'000}},
      {"silver kept, gold missing spend",
       TierQualification::kSpend,
       silver,
       {.spend_minor = 30'000, .purchases = 3},
       {.current = 0,
        .next = 1,
        .qualifier = {.spend_minor = 30'000, .purchases = 3},
        .spend_to_next_minor = 20'000,
        .review_at = At("2026-01-01T00:00:00Z")}},
      {"silver not yet kept",
       TierQualification::kSpend,
       silver,
       {.spend_minor = 4'000, .purchases = 20},
       {.current = 0,
        .next = 1,
        .qualifier = {.spend_minor = 4'000, .purchases = 20},
        .spend_to_next_minor = 46'000,
        .spend_to_keep_minor = 6'000,
        .review_at = At("2026-01-01T00:00:00Z")}},
      {"purchases only",
       TierQualification::kPurchases,
       silver,
       {.spend_minor = 0, .purchases = 3},
       {.current = 0,
        .next = 1,
        .qualifier = {.spend_minor = 0, .purchases = 3},
        .purchases_to_next = 7,
        .purchases_to_keep = 2,
        .review_at = At("2026-01-01T00:00:00Z")}},
      {"both needed: only the missing one counts",
       TierQualification::kSpendAndCount,
       silver,
       {.spend_minor = 60'000, .purchases = 4},
       {.current = 0,
        .next = 1,
        .qualifier = {.spend_minor = 60'000, .purchases = 4},
        .purchases_to_next = 6,
        .purchases_to_keep = 1,
        .review_at = At("2026-01-01T00:00:00Z")}},
      {"either: both missing until one is met",
       TierQualification::kSpendOrCount,
       silver,
       {.spend_minor = 40'000, .purchases = 9},
       {.current = 0,
        .next = 1,
        .qualifier = {.spend_minor = 40'000, .purchases = 9},
        .spend_to_next_minor = 10'000,
        .purchases_to_next = 1,
        .review_at = At("2026-01-01T00:00:00Z")}},
      {"either: one met is enough",
       TierQualification::kSpendOrCount,
       silver,
       {.spend_minor = 0, .purchases = 10},
       {.current = 0,
        .next = 1,
        .qualifier = {.spend_minor = 0, .purchases = 10},
        .review_at = At("2026-01-01T00:00:00Z")}},
      {"in grace: the grace end is the review",
       TierQualification::kSpend,
       silver_in_grace,
       {.spend_minor = 9'000},
       {.current = 0,
        .next = 1,
        .qualifier = {.spend_minor = 9'000},
        .spend_to_next_minor = 41'000,
        .spend_to_keep_minor = 1'000,
        .review_at = At("2025-01-31T00:00:00Z")}},
      {"the top tier has no next",
       TierQualification::kSpend,
       Status("platinum", "2025-01-01T00:00:00Z", "2026-01-01T00:00:00Z"),
       {.spend_minor = 150'000},
       {.current = 2,
        .qualifier = {.spend_minor = 150'000},
        .spend_to_keep_minor = 50'000,
        .review_at = At("2026-01-01T00:00:00Z")}},
      {"a removed tier counts as none",
       TierQualification::kSpend,
       Status("diamond", "2025-01-01T00:00:00Z", "2026-01-01T00:00:00Z"),
       {.spend_minor = 1'000},
       {.next = 0, .qualifier = {.spend_minor = 1'000}, .spend_to_next_minor = 9'000}},
  };
  for (const Case& test : cases) {
    SCOPED_TRACE(test.name);
    EXPECT_EQ(ComputeTierProgress(test.status, Programme(test.qualification), test.qualifier), test.progress);
  }
  EXPECT_EQ(ComputeTierProgress({}, TierProgramme{}, {.spend_minor = 5}),
            (TierProgress{.qualifier = {.spend_minor = 5}}));
}

// ---- birthdays ----------------------------------------------------------------

TEST(BirthdayInTest, Table) {
  struct Case {
    std::string_view birthday;
    int year;
    std::string_view zone;
    std::string starts;
  };
  const Case cases[] = {
      {"1990-07-15", 2025, "UTC", "2025-07-15T00:00:00.000000Z"},
      {"1990-07-15", 2025, "Europe/Moscow", "2025-07-14T21:00:00.000000Z"},
      {"1990-07-15", 2025, "America/Los_Angeles", "2025-07-15T07:00:00.000000Z"},  // PDT
      // 29 February: itself in a leap year, 28 February in a common one.
      {"2000-02-29", 2024, "Europe/Moscow", "2024-02-28T21:00:00.000000Z"},
      {"2000-02-29", 2024, "America/Los_Angeles", "2024-02-29T08:00:00.000000Z"},  // PST
      {"2000-02-29", 2025, "Europe/Moscow", "2025-02-27T21:00:00.000000Z"},
      {"2000-02-29", 2025, "America/Los_Angeles", "2025-02-28T08:00:00.000000Z"},
      {"2000-02-29", 2100, "UTC", "2100-02-28T00:00:00.000000Z"},  // not a leap year
      {"2000-02-29", 2000, "UTC", "2000-02-29T00:00:00.000000Z"},
      {"1999-12-31", 2025, "UTC", "2025-12-31T00:00:00.000000Z"},
      // Midnight did not exist in São Paulo on 4 November 2018: the first instant after the gap.
      {"1990-11-04", 2018, "America/Sao_Paulo", "2018-11-04T03:00:00.000000Z"},
  };
  for (const Case& test : cases) {
    SCOPED_TRACE(std::string(test.birthday) + " " + std::to_string(test.year) + " " + std::string(test.zone));
    EXPECT_EQ(Text(BirthdayIn(test.birthday, test.year, Zone(test.zone))), test.starts);
  }
}

TEST(BirthdayInTest, RefusesWhatIsNotADate) {
  for (const std::string_view birthday : {"", "2023-02-29", "1990-13-01", "1990-00-10", "1990-04-31", "1990-7-15",
                                          "1990-07-15x", "1990/07/15", "199a-07-15", "+990-07-15", " 990-07-15"}) {
    SCOPED_TRACE(birthday);
    EXPECT_EQ(BirthdayIn(birthday, 2025, Zone("UTC")), std::nullopt);
  }
}

TEST(BirthdaysCelebratedOnTest, Table) {
  struct Case {
    std::string_view at;
    std::string_view zone;
    std::vector<std::string> month_days;
  };
  const std::vector<Case> cases = {
      {"2025-02-28T12:00:00Z", "UTC", {"02-28", "02-29"}},  // common year
      {"2024-02-28T12:00:00Z", "UTC", {"02-28"}},           // leap year
      {"2024-02-29T12:00:00Z", "UTC", {"02-29"}},
      {"2025-03-01T00:00:00Z", "UTC", {"03-01"}},
      {"2025-07-05T12:00:00Z", "UTC", {"07-05"}},
      {"2025-12-31T23:59:59.999999Z", "UTC", {"12-31"}},
      // The programme's zone decides the day.
      {"2025-02-28T22:00:00Z", "Europe/Moscow", {"03-01"}},
      {"2025-03-01T05:00:00Z", "America/Los_Angeles", {"02-28", "02-29"}},
      {"2024-02-28T21:00:00Z", "Europe/Moscow", {"02-29"}},
  };
  for (const Case& test : cases) {
    SCOPED_TRACE(std::string(test.at) + " " + std::string(test.zone));
    EXPECT_EQ(BirthdaysCelebratedOn(At(test.at), Zone(test.zone)), test.month_days);
  }
}

TEST(LocalYearTest, InTheProgrammesZone) {
  EXPECT_EQ(LocalYear(At("2025-12-31T21:30:00Z"), Zone("UTC")), 2025);
  EXPECT_EQ(LocalYear(At("2025-12-31T21:30:00Z"), Zone("Europe/Moscow")), 2026);
  EXPECT_EQ(LocalYear(At("2026-01-01T03:00:00Z"), Zone("America/Los_Angeles")), 2025);
}

// ---- referrals ----------------------------------------------------------------

TEST(ReferralQualifiesTest, Table) {
  struct Case {
    std::string_view zone;
    std::string_view referred_at;
    std::string_view purchase_at;
    std::int64_t total_minor;
    bool qualifies;
  };
  // 30 days, at least 10.00.
  const Case cases[] = {
      {"UTC", "2025-03-01T10:00:00Z", "2025-03-01T10:00:00Z", 1'000, true},          // at the referral
      {"UTC", "2025-03-01T10:00:00Z", "2025-03-01T09:59:59.999999Z", 1'000, false},  // before it
      {"UTC", "2025-03-01T10:00:00Z", "2025-03-15T00:00:00Z", 1'000, true},
      {"UTC", "2025-03-01T10:00:00Z", "2025-03-31T09:59:59.999999Z", 1'000, true},
      {"UTC", "2025-03-01T10:00:00Z", "2025-03-31T10:00:00Z", 1'000, false},  // the deadline is exclusive
      {"UTC", "2025-03-01T10:00:00Z", "2025-03-15T00:00:00Z", 999, false},    // below the minimum
      {"UTC", "2025-03-01T10:00:00Z", "2025-03-15T00:00:00Z", 50'000, true},
      // 10:00 in New York, EST at the referral and EDT at the deadline.
      {"America/New_York", "2025-03-01T15:00:00Z", "2025-03-31T13:59:59.999999Z", 1'000, true},
      {"America/New_York", "2025-03-01T15:00:00Z", "2025-03-31T14:00:00Z", 1'000, false},
  };
  const BonusRules rules{.referral_referrer = Points(500),
                         .referral_referred = Points(200),
                         .referral_minimum_minor = 1'000,
                         .referral_deadline_days = 30};
  for (const Case& test : cases) {
    SCOPED_TRACE(std::string(test.zone) + " " + std::string(test.referred_at) + " " + std::string(test.purchase_at) +
                 " " + std::to_string(test.total_minor));
    EXPECT_EQ(ReferralQualifies(At(test.referred_at), At(test.purchase_at), test.total_minor, rules, Zone(test.zone)),
              test.qualifies);
  }
  const BonusRules one_day{.referral_deadline_days = 1};
  EXPECT_TRUE(ReferralQualifies(At("2025-03-01T10:00:00Z"), At("2025-03-02T09:59:59Z"), 0, one_day, Zone("UTC")));
  EXPECT_FALSE(ReferralQualifies(At("2025-03-01T10:00:00Z"), At("2025-03-02T10:00:00Z"), 0, one_day, Zone("UTC")));
}

}  // namespace
}  // namespace rapport::domain

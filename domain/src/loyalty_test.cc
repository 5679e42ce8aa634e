// Tests of the loyalty programme's rules: earning arithmetic and its
// explanation, lot expiry in the programme's calendar, oldest-first draws,
// refund reversals and rule validation. Mostly tables of cases; a seeded
// sweep compares the earning arithmetic with a plain 128-bit reference.
#include "rapport/domain/loyalty.h"

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "rapport/base/limits.h"

namespace rapport::domain {
namespace {

Timestamp At(std::string_view rfc3339) { return ParseRfc3339(rfc3339).value(); }
std::string Text(Timestamp at) { return FormatRfc3339(at); }
std::string Text(const std::optional<Timestamp>& at) { return at ? FormatRfc3339(*at) : "none"; }
const date::time_zone& Zone(std::string_view name) { return *date::locate_zone(name); }
Currency CurrencyOf(std::string_view code) { return Currency::FromCode(code).value(); }

EarningInput Purchase(std::int64_t total_minor, std::string_view currency, std::vector<PurchaseLine> lines = {}) {
  return EarningInput{.total_minor = total_minor, .currency = CurrencyOf(currency), .lines = std::move(lines)};
}

PurchaseLine Line(std::string sku, std::string category, std::int64_t quantity, std::int64_t unit_price_minor) {
  return {.sku = std::move(sku),
          .category = std::move(category),
          .quantity = quantity,
          .unit_price_minor = unit_price_minor};
}

EarningRules Rules(std::vector<EarningRate> rates) {
  EarningRules rules = DefaultEarningRules();
  rules.rates = std::move(rates);
  return rules;
}

std::int64_t SumOfSteps(const Earning& earning) {
  std::int64_t sum = 0;
  for (const EarningStep& step : earning.steps) sum += step.points.count();
  return sum;
}

// ---- base rates -------------------------------------------------------------

TEST(CalculateEarningTest, BaseRatePerCurrency) {
  const EarningRules rules = Rules({{.currency = "EUR", .points = 1, .per_units = 1},
                                    {.currency = "RUB", .points = 1, .per_units = 100},
                                    {.currency = "JPY", .points = 1, .per_units = 100},
                                    {.currency = "KWD", .points = 10, .per_units = 1},
                                    {.currency = "", .points = 2, .per_units = 1}});
  struct Case {
    std::int64_t total_minor;
    std::string_view currency;
    std::int64_t points;
    std::string detail;
  };
  const Case cases[] = {
      {3450, "EUR", 34, "1 point per 1 EUR on 34.50 EUR"},
      {99, "EUR", 0, "1 point per 1 EUR on 0.99 EUR"},
      {0, "EUR", 0, "1 point per 1 EUR on 0.00 EUR"},
      {1234599, "RUB", 123, "1 point per 100 RUB on 12345.99 RUB"},  // 2 digits
      {1599, "JPY", 15, "1 point per 100 JPY on 1599 JPY"},          // 0 digits
      {12345, "KWD", 123, "10 points per 1 KWD on 12.345 KWD"},      // 3 digits
      {1999, "USD", 39, "2 points per 1 USD on 19.99 USD"},          // the "" rate
      {1500, "CLP", 3000, "2 points per 1 CLP on 1500 CLP"},         // the "" rate, 0 digits
  };
  for (const Case& test : cases) {
    SCOPED_TRACE(std::string(test.currency) + " " + std::to_string(test.total_minor));
    const Earning earning = CalculateEarning(Purchase(test.total_minor, test.currency), rules);
    EXPECT_EQ(earning.points, Points(test.points));
    EXPECT_EQ(earning.steps,
              (std::vector<EarningStep>{{.rule = "base", .detail = test.detail, .points = Points(test.points)}}));
  }
}

TEST(CalculateEarningTest, DefaultRulesEarnOnePointPerWholeUnitOfAnyCurrency) {
  const EarningRules rules = DefaultEarningRules();
  EXPECT_EQ(CalculateEarning(Purchase(3450, "EUR"), rules).points, Points(34));
  EXPECT_EQ(CalculateEarning(Purchase(3450, "JPY"), rules).points, Points(3450));
  EXPECT_EQ(CalculateEarning(Purchase(3450, "KWD"), rules).points, Points(3));
  EXPECT_EQ(CalculateEarning(Purchase(3450, "CLF"), rules).points, Points(0));  // 4 digits: 0.3450 CLF
}

TEST(CalculateEarningTest, CurrencyWithoutRateEarnsNothing) {
  const Earning earning = CalculateEarning(Purchase(10000, "USD"), Rules({{.currency = "EUR"}}));
  EXPECT_EQ(earning.points, Points(0));
  EXPECT_EQ(earning.steps, (std::vector<EarningStep>{{.rule = "no_rate", .detail = "no rate for USD"}}));
  EXPECT_EQ(CalculateEarning(Purchase(10000, "USD"), Rules({})).steps.at(0).rule, "no_rate");
}

TEST(CalculateEarningTest, MinimumSpendIsInclusive) {
  EarningRules rules = DefaultEarningRules();
  rules.minimum_spend_minor = 1000;
  const Earning below = CalculateEarning(Purchase(999, "EUR"), rules);
  EXPECT_EQ(below.points, Points(0));
  EXPECT_EQ(below.steps, (std::vector<EarningStep>{{.rule = "minimum_spend", .detail = "below 10.00 EUR"}}));
  EXPECT_EQ(CalculateEarning(Purchase(1000, "EUR"), rules).points, Points(10));
  // The minimum is read in the purchase's own minor units.
  EXPECT_EQ(CalculateEarning(Purchase(999, "JPY"), rules).steps.at(0).detail, "below 1000 JPY");
}

TEST(CalculateEarningTest, ChannelFilter) {
  EarningRules rules = DefaultEarningRules();
  rules.channels = {"online", "pos"};
  EarningInput input = Purchase(5000, "EUR");
  input.channel = "pos";
  EXPECT_EQ(CalculateEarning(input, rules).points, Points(50));
  input.channel = "phone";
  const Earning refused = CalculateEarning(input, rules);
  EXPECT_EQ(refused.points, Points(0));
  EXPECT_EQ(refused.steps, (std::vector<EarningStep>{{.rule = "channel", .detail = "channel phone does not earn"}}));
  input.channel = "";
  EXPECT_EQ(CalculateEarning(input, rules).steps.at(0).rule, "channel");
  rules.channels.clear();  // every channel earns
  input.channel = "phone";
  EXPECT_EQ(CalculateEarning(input, rules).points, Points(50));
}

// ---- multipliers and lines --------------------------------------------------

EarningRules MultiplierRules() {
  EarningRules rules = DefaultEarningRules();
  rules.category_multipliers = {{.key = "shoes", .percent = 200}, {.key = "socks", .percent = 0}};
  rules.sku_multipliers = {{.key = "SKU-1", .percent = 300}, {.key = "PLAIN", .percent = 100}};
  return rules;
}

TEST(CalculateEarningTest, MultipliersTable) {
  struct Case {
    std::string name;
    EarningInput input;
    std::vector<EarningStep> steps;
  };
  const std::vector<Case> cases = {
      {"category doubles",
       Purchase(5000, "EUR", {Line("A", "shoes", 1, 5000)}),
       {{"base", "1 point per 1 EUR on 50.00 EUR", Points(50)}, {"category", "shoes ×200%", Points(50)}}},
      {"SKU replaces category",
       Purchase(5000, "EUR", {Line("SKU-1", "shoes", 1, 5000)}),
       {{"base", "1 point per 1 EUR on 50.00 EUR", Points(50)}, {"sku", "SKU-1 ×300%", Points(100)}}},
      {"SKU at 100% cancels the category's",
       Purchase(5000, "EUR", {Line("PLAIN", "shoes", 1, 5000)}),
       {{"base", "1 point per 1 EUR on 50.00 EUR", Points(50)}}},
      {"percent 0 earns nothing",
       Purchase(1500, "EUR", {Line("B", "socks", 2, 750)}),
       {{"base", "1 point per 1 EUR on 15.00 EUR", Points(15)}, {"category", "socks ×0%", Points(-15)}}},
      {"percent 0 takes the rounded-up share so nothing is over-earned",
       Purchase(1550, "EUR", {Line("B", "socks", 1, 1550)}),
       {{"base", "1 point per 1 EUR on 15.50 EUR", Points(15)}, {"category", "socks ×0%", Points(-15)}}},
      {"mixed lines, each rounded once",
       Purchase(5050, "EUR", {Line("A", "shoes", 1, 3000), Line("B", "socks", 1, 1000), Line("C", "hats", 1, 1050)}),
       {{"base", "1 point per 1 EUR on 50.50 EUR", Points(50)},
        {"category", "shoes ×200%", Points(30)},
        {"category", "socks ×0%", Points(-10)}}},
      {"lines of one key summed into one step, rounded per line",
       Purchase(2100, "EUR", {Line("A", "shoes", 1, 1050), Line("D", "shoes", 1, 1050)}),
       {{"base", "1 point per 1 EUR on 21.00 EUR", Points(21)}, {"category", "shoes ×200%", Points(20)}}},
      {"lines above the total (discount) are scaled down",
       Purchase(8000, "EUR", {Line("A", "shoes", 2, 5000)}),
       {{"base", "1 point per 1 EUR on 80.00 EUR", Points(80)}, {"category", "shoes ×200%", Points(80)}}},
      {"lines below the total (delivery) are scaled up",
       Purchase(7000, "EUR", {Line("A", "shoes", 1, 5000), Line("C", "hats", 1, 1000)}),
       {{"base", "1 point per 1 EUR on 70.00 EUR", Points(70)}, {"category", "shoes ×200%", Points(58)}}},
      {"lines that cost nothing earn at the base rate",
       Purchase(7000, "EUR", {Line("A", "shoes", 1, 0)}),
       {{"base", "1 point per 1 EUR on 70.00 EUR", Points(70)}}},
      {"a total of zero earns nothing whatever the lines",
       Purchase(0, "EUR", {Line("SKU-1", "shoes", 3, 5000)}),
       {{"base", "1 point per 1 EUR on 0.00 EUR", Points(0)}, {"sku", "SKU-1 ×300%", Points(0)}}},
      {"keys are compared exactly",
       Purchase(5000, "EUR", {Line("sku-1", "Shoes", 1, 5000)}),
       {{"base", "1 point per 1 EUR on 50.00 EUR", Points(50)}}},
  };
  for (const Case& test : cases) {
    SCOPED_TRACE(test.name);
    const Earning earning = CalculateEarning(test.input, MultiplierRules());
    EXPECT_EQ(earning.steps, test.steps);
    EXPECT_EQ(earning.points.count(), SumOfSteps(earning));
  }
}

TEST(CalculateEarningTest, MultipliersUseTheRateAndTheCurrencyDigits) {
  EarningRules rules = MultiplierRules();
  rules.rates = {{.currency = "RUB", .points = 3, .per_units = 100},
                 {.currency = "JPY", .points = 1, .per_units = 10},
                 {.currency = "KWD", .points = 7, .per_units = 2}};
  // 1234.56 RUB: base floor(37.0368) = 37; shoes +floor(37.0368) = 37.
  const Earning rub = CalculateEarning(Purchase(123456, "RUB", {Line("A", "shoes", 1, 123456)}), rules);
  EXPECT_EQ(rub.points, Points(74));
  EXPECT_EQ(rub.steps.at(0).detail, "3 points per 100 RUB on 1234.56 RUB");
  // 1235 JPY: base 123; SKU-1 ×300% adds floor(247) = 247.
  EXPECT_EQ(CalculateEarning(Purchase(1235, "JPY", {Line("SKU-1", "x", 1, 1235)}), rules).points, Points(370));
  // 1.999 KWD: base floor(6.9965) = 6; shoes +6.
  const Earning kwd = CalculateEarning(Purchase(1999, "KWD", {Line("A", "shoes", 1, 1999)}), rules);
  EXPECT_EQ(kwd.points, Points(12));
  EXPECT_EQ(kwd.steps.at(0).detail, "7 points per 2 KWD on 1.999 KWD");
}

// ---- tier and caps ------------------------------------------------------------

TEST(CalculateEarningTest, TierPercent) {
  struct Case {
    int tier_percent;
    std::string tier_name;
    std::int64_t total_minor;
    std::vector<EarningStep> tier_steps;
    std::int64_t points;
  };
  const Case cases[] = {
      {150, "gold", 10000, {{"tier", "gold ×150%", Points(50)}}, 150},
      {150, "gold", 3300, {{"tier", "gold ×150%", Points(16)}}, 49},  // 16.5 rounds down
      {125, "", 10000, {{"tier", "tier ×125%", Points(25)}}, 125},
      {50, "probation", 3300, {{"tier", "probation ×50%", Points(-17)}}, 16},  // never above the exact 16.5
      {100, "bronze", 10000, {}, 100},
  };
  for (const Case& test : cases) {
    SCOPED_TRACE(test.tier_name + " " + std::to_string(test.total_minor));
    EarningInput input = Purchase(test.total_minor, "EUR");
    input.tier_percent = test.tier_percent;
    input.tier_name = test.tier_name;
    const Earning earning = CalculateEarning(input, DefaultEarningRules());
    EXPECT_EQ(earning.points, Points(test.points));
    EXPECT_EQ(std::vector<EarningStep>(earning.steps.begin() + 1, earning.steps.end()), test.tier_steps);
  }
}

TEST(CalculateEarningTest, TierAppliesToTheSubtotalWithMultipliers) {
  EarningInput input = Purchase(5000, "EUR", {Line("A", "shoes", 1, 5000)});
  input.tier_percent = 150;
  input.tier_name = "gold";
  const Earning earning = CalculateEarning(input, MultiplierRules());
  EXPECT_EQ(earning.points, Points(150));
  EXPECT_EQ(earning.steps.back(), (EarningStep{"tier", "gold ×150%", Points(50)}));
}

TEST(CalculateEarningTest, DayAndMonthCaps) {
  struct Case {
    std::string name;
    std::int64_t earned_same_day;
    std::int64_t earned_same_month;
    std::vector<EarningStep> cap_steps;
    std::int64_t points;
  };
  // The purchase alone earns 600; the caps are 500 a day and 1000 a month.
  const Case cases[] = {
      {"day cap cuts", 0, 0, {{"cap_day", "capped at 500 a day", Points(-100)}}, 500},
      {"day partly used", 450, 450, {{"cap_day", "capped at 500 a day", Points(-550)}}, 50},
      {"day already reached", 500, 500, {{"cap_day", "capped at 500 a day", Points(-600)}}, 0},
      {"day already exceeded", 700, 700, {{"cap_day", "capped at 500 a day", Points(-600)}}, 0},
      {"month cuts after the day",
       0,
       900,
       {{"cap_day", "capped at 500 a day", Points(-100)}, {"cap_month", "capped at 1000 a month", Points(-400)}},
       100},
      {"month already reached",
       0,
       1000,
       {{"cap_day", "capped at 500 a day", Points(-100)}, {"cap_month", "capped at 1000 a month", Points(-500)}},
       0},
  };
  EarningRules rules = DefaultEarningRules();
  rules.cap_per_day = Points(500);
  rules.cap_per_month = Points(1000);
  for (const Case& test : cases) {
    SCOPED_TRACE(test.name);
    EarningInput input = Purchase(60000, "EUR");
    input.earned_same_day = Points(test.earned_same_day);
    input.earned_same_month = Points(test.earned_same_month);
    const Earning earning = CalculateEarning(input, rules);
    EXPECT_EQ(earning.points, Points(test.points));
    EXPECT_EQ(std::vector<EarningStep>(earning.steps.begin() + 1, earning.steps.end()), test.cap_steps);
    EXPECT_EQ(earning.points.count(), SumOfSteps(earning));
  }
}

TEST(CalculateEarningTest, CapsAtTheEdgeCutNothing) {
  EarningRules rules = DefaultEarningRules();
  rules.cap_per_day = Points(500);
  rules.cap_per_month = Points(1000);
  EarningInput input = Purchase(50000, "EUR");  // 500
  input.earned_same_month = Points(500);
  const Earning earning = CalculateEarning(input, rules);
  EXPECT_EQ(earning.points, Points(500));
  EXPECT_EQ(earning.steps.size(), 1u);
  rules.cap_per_day = Points(0);  // no cap
  input.total_minor = 90000;
  input.earned_same_month = Points(0);
  EXPECT_EQ(CalculateEarning(input, rules).points, Points(900));
}

// ---- promotions ---------------------------------------------------------------

Promotion Promo(std::string key, int percent, std::int64_t bonus_points = 0, std::string category = "",
                std::string channel = "") {
  return {.key = key,
          .name = "Promo " + key,
          .starts_at = At("2025-06-01T00:00:00Z"),
          .ends_at = At("2025-06-08T00:00:00Z"),
          .category = std::move(category),
          .channel = std::move(channel),
          .percent = percent,
          .bonus_points = Points(bonus_points)};
}

EarningInput PurchaseAt(std::string_view occurred_at, std::int64_t total_minor, std::vector<PurchaseLine> lines = {},
                        std::string channel = "") {
  EarningInput input = Purchase(total_minor, "EUR", std::move(lines));
  input.occurred_at = At(occurred_at);
  input.channel = std::move(channel);
  return input;
}

TEST(CalculateEarningTest, PromotionsTable) {
  const std::string_view inside = "2025-06-03T12:00:00Z";
  struct Case {
    std::string name;
    std::vector<Promotion> promotions;
    EarningInput input;
    std::vector<EarningStep> steps;
  };
  const std::string base50 = "1 point per 1 EUR on 50.00 EUR";
  const std::vector<Case> cases = {
      {"inside the window",
       {Promo("a", 200)},
       PurchaseAt(inside, 5000),
       {{"base", base50, Points(50)}, {"promotion", "Promo a ×200%", Points(50)}}},
      {"at the start instant",
       {Promo("a", 200)},
       PurchaseAt("2025-06-01T00:00:00Z", 5000),
       {{"base", base50, Points(50)}, {"promotion", "Promo a ×200%", Points(50)}}},
      {"just before the end",
       {Promo("a", 200)},
       PurchaseAt("2025-06-07T23:59:59.999999Z", 5000),
       {{"base", base50, Points(50)}, {"promotion", "Promo a ×200%", Points(50)}}},
      {"at the end instant: over",
       {Promo("a", 200)},
       PurchaseAt("2025-06-08T00:00:00Z", 5000),
       {{"base", base50, Points(50)}}},
      {"just before the start: not yet",
       {Promo("a", 200)},
       PurchaseAt("2025-05-31T23:59:59.999999Z", 5000),
       {{"base", base50, Points(50)}}},
      {"a category promotion on its lines only",
       {Promo("a", 300, 0, "shoes")},
       PurchaseAt(inside, 5000, {Line("A", "shoes", 1, 3000), Line("B", "hats", 1, 2000)}),
       {{"base", base50, Points(50)}, {"promotion", "Promo a ×300%", Points(60)}}},
      {"a category promotion without its category does not run",
       {Promo("a", 300, 25, "shoes")},
       PurchaseAt(inside, 5000, {Line("B", "hats", 1, 5000)}),
       {{"base", base50, Points(50)}}},
      {"a category promotion on a purchase without lines does not run",
       {Promo("a", 300, 25, "shoes")},
       PurchaseAt(inside, 5000),
       {{"base", base50, Points(50)}}},
      {"the channel matches",
       {Promo("a", 200, 0, "", "web")},
       PurchaseAt(inside, 5000, {}, "web"),
       {{"base", base50, Points(50)}, {"promotion", "Promo a ×200%", Points(50)}}},
      {"another channel",
       {Promo("a", 200, 0, "", "web")},
       PurchaseAt(inside, 5000, {}, "pos"),
       {{"base", base50, Points(50)}}},
      {"a bonus once per purchase",
       {Promo("a", 100, 75)},
       PurchaseAt(inside, 5000, {Line("A", "shoes", 1, 2500), Line("B", "hats", 1, 2500)}),
       {{"base", base50, Points(50)}, {"promotion", "Promo a +75", Points(75)}}},
      {"a multiplier and a bonus in one step",
       {Promo("a", 200, 10, "shoes")},
       PurchaseAt(inside, 5000, {Line("A", "shoes", 1, 2500), Line("B", "hats", 1, 2500)}),
       {{"base", base50, Points(50)}, {"promotion", "Promo a ×200% +10", Points(35)}}},
      {"a step of 0 points still says it ran",
       {Promo("a", 200)},
       PurchaseAt(inside, 50),
       {{"base", "1 point per 1 EUR on 0.50 EUR", Points(0)}, {"promotion", "Promo a ×200%", Points(0)}}},
      {"at 100% without a bonus it only says it ran",
       {Promo("a", 100)},
       PurchaseAt(inside, 5000),
       {{"base", base50, Points(50)}, {"promotion", "Promo a ×100%", Points(0)}}},
      {"two promotions at once, in the rules' order",
       {Promo("a", 200), Promo("b", 150, 20, "shoes")},
       PurchaseAt(inside, 5000, {Line("A", "shoes", 1, 3000), Line("B", "hats", 1, 2000)}),
       {{"base", base50, Points(50)},
        {"promotion", "Promo a ×200%", Points(50)},
        {"promotion", "Promo b ×150% +20", Points(35)}}},
      {"each line rounded once",
       {Promo("a", 150)},
       PurchaseAt(inside, 1050, {Line("A", "x", 1, 350), Line("B", "x", 1, 350), Line("C", "x", 1, 350)}),
       {{"base", "1 point per 1 EUR on 10.50 EUR", Points(10)}, {"promotion", "Promo a ×150%", Points(3)}}},
      {"lines scaled to what was paid",
       {Promo("a", 200, 0, "shoes")},
       PurchaseAt(inside, 8000, {Line("A", "shoes", 1, 5000), Line("B", "hats", 1, 5000)}),
       {{"base", "1 point per 1 EUR on 80.00 EUR", Points(80)}, {"promotion", "Promo a ×200%", Points(40)}}},
      {"lines that cost nothing: the total carries the weight",
       {Promo("a", 200), Promo("b", 200, 10, "shoes")},
       PurchaseAt(inside, 7000, {Line("A", "shoes", 1, 0)}),
       {{"base", "1 point per 1 EUR on 70.00 EUR", Points(70)},
        {"promotion", "Promo a ×200%", Points(70)},
        {"promotion", "Promo b ×200% +10", Points(10)}}},
  };
  for (const Case& test : cases) {
    SCOPED_TRACE(test.name);
    EarningRules rules = DefaultEarningRules();
    rules.promotions = test.promotions;
    const Earning earning = CalculateEarning(test.input, rules);
    EXPECT_EQ(earning.steps, test.steps);
    EXPECT_EQ(earning.points.count(), SumOfSteps(earning));
  }
}

TEST(CalculateEarningTest, PromotionsUseTheRate) {
  EarningRules rules = DefaultEarningRules();
  rules.rates = {{.currency = "RUB", .points = 3, .per_units = 100}};
  rules.promotions = {Promo("a", 250)};
  EarningInput input = Purchase(123456, "RUB");
  input.occurred_at = At("2025-06-03T12:00:00Z");
  // 1234.56 RUB: base floor(37.0368) = 37; ×250% adds floor(37.0368 × 1.5) = floor(55.5552) = 55.
  const Earning earning = CalculateEarning(input, rules);
  EXPECT_EQ(earning.steps.at(1), (EarningStep{"promotion", "Promo a ×250%", Points(55)}));
  EXPECT_EQ(earning.points, Points(92));
}

TEST(CalculateEarningTest, PromotionsComeAfterMultipliersAndBeforeTheTierAndCaps) {
  EarningRules rules = MultiplierRules();
  rules.promotions = {Promo("a", 150, 0, "", "web")};
  rules.cap_per_day = Points(150);
  EarningInput input = PurchaseAt("2025-06-03T12:00:00Z", 5000, {Line("A", "shoes", 1, 5000)}, "web");
  input.tier_percent = 150;
  input.tier_name = "gold";
  // base 50; shoes ×200% +50; the promotion on the base points only: +25;
  // the tier on the subtotal 125: +62; the day cap takes 187 down to 150.
  const Earning earning = CalculateEarning(input, rules);
  EXPECT_EQ(earning.steps, (std::vector<EarningStep>{{"base", "1 point per 1 EUR on 50.00 EUR", Points(50)},
                                                     {"category", "shoes ×200%", Points(50)},
                                                     {"promotion", "Promo a ×150%", Points(25)},
                                                     {"tier", "gold ×150%", Points(62)},
                                                     {"cap_day", "capped at 150 a day", Points(-37)}}));
  EXPECT_EQ(earning.points, Points(150));
  // A promotion does not lift a purchase the rules refuse.
  input.channel = "web";
  rules.channels = {"pos"};
  EXPECT_EQ(CalculateEarning(input, rules).steps.at(0).rule, "channel");
}

TEST(CalculateEarningTest, PromotionsDoNotMakeUpARoundingDeficit) {
  // socks ×0% takes back the rounded-up share; the promotion's bonus is kept whole.
  EarningRules rules = MultiplierRules();
  rules.promotions = {Promo("a", 100, 5)};
  const Earning earning =
      CalculateEarning(PurchaseAt("2025-06-03T12:00:00Z", 1550, {Line("B", "socks", 1, 1550)}), rules);
  EXPECT_EQ(earning.steps, (std::vector<EarningStep>{{"base", "1 point per 1 EUR on 15.50 EUR", Points(15)},
                                                     {"category", "socks ×0%", Points(-15)},
                                                     {"promotion", "Promo a +5", Points(5)}}));
  EXPECT_EQ(earning.points, Points(5));
}

TEST(CalculateEarningTest, PromotionsBeyondThePointsMaximumAreCut) {
  const std::int64_t max = limits::kPointsAbsMax;
  EarningRules rules = DefaultEarningRules();
  rules.promotions = {Promo("a", kMultiplierPercentMax, max), Promo("b", 100, max)};
  const Earning earning = CalculateEarning(PurchaseAt("2025-06-03T12:00:00Z", max * 100), rules);
  EXPECT_EQ(earning.points, Points(max));
  EXPECT_EQ(earning.points.count(), SumOfSteps(earning));
  EXPECT_EQ(earning.steps.size(), 3u);
}

// ---- large amounts ------------------------------------------------------------

TEST(CalculateEarningTest, ResultsAboveThePointsMaximumAreCut) {
  const std::int64_t max = limits::kPointsAbsMax;
  // 10^12 EUR at 1 per 1: exactly the maximum.
  EXPECT_EQ(CalculateEarning(Purchase(max * 100, "EUR"), DefaultEarningRules()).points, Points(max));
  // One cent more still earns the maximum; one euro more is cut.
  EXPECT_EQ(CalculateEarning(Purchase(max * 100 + 1, "EUR"), DefaultEarningRules()).points, Points(max));
  const Earning above = CalculateEarning(Purchase(max * 100 + 100, "EUR"), DefaultEarningRules());
  EXPECT_EQ(above.points, Points(max));
  EXPECT_EQ(above.steps.at(0).points, Points(max));

  EarningRules rules = MultiplierRules();
  rules.rates = {{.currency = "", .points = kRatePartMax, .per_units = 1}};
  rules.sku_multipliers = {{.key = "BIG", .percent = kMultiplierPercentMax}};
  const std::int64_t int64_max = std::numeric_limits<std::int64_t>::max();
  EarningInput input = Purchase(
      int64_max, "JPY",
      {Line("BIG", "", int64_max, int64_max), Line("BIG", "", int64_max, int64_max),
       Line("BIG", "", int64_max, int64_max), Line("B", "socks", int64_max, int64_max), Line("C", "hats", 1, 1)});
  input.tier_percent = 200;
  rules.cap_per_day = Points(max);
  // Far beyond the maximum before the tier, and still there after it; the day cap then applies.
  for (const std::int64_t earned_before : {std::int64_t{0}, std::int64_t{1}, max - 1, max}) {
    SCOPED_TRACE(earned_before);
    input.earned_same_day = Points(earned_before);
    const Earning huge = CalculateEarning(input, rules);
    EXPECT_EQ(huge.points, Points(max - earned_before));
    EXPECT_EQ(huge.points.count(), SumOfSteps(huge));
  }
}

TEST(CalculateEarningTest, LineSharesBeyond128BitsAreExact) {
  // line × total × (percent − 100) × rate points exceeds 2^128 here; the
  // quotient is small. CLF has 4 digits: the divisor is 100 × 10^6 × 10^4.
  EarningRules rules = DefaultEarningRules();
  rules.rates = {{.currency = "CLF", .points = kRatePartMax, .per_units = kRatePartMax}};
  const std::int64_t total_minor = 10'000'000'000'000 + 3333;
  const std::int64_t price_minor = 1'000'000'000'000'000;
  rules.sku_multipliers = {{.key = "BIG", .percent = kMultiplierPercentMax}};
  const EarningInput input =
      Purchase(total_minor, "CLF", {Line("BIG", "", 1000, price_minor), Line("OTHER", "", 1000, price_minor)});
  const Earning earning = CalculateEarning(input, rules);
  // base floor(total / 10^4); BIG: floor(total / 2 × 9900 / 100 / 10^4) = floor(total × 99 / 20000).
  EXPECT_EQ(earning.steps.at(0).points, Points(1'000'000'000));
  EXPECT_EQ(earning.steps.at(1).points, Points(49'500'000'016));
  EXPECT_EQ(earning.points, Points(50'500'000'016));

  rules.sku_multipliers = {{.key = "BIG", .percent = 0}};
  const Earning nothing = CalculateEarning(input, rules);
  // floor(−total / 2 / 10^4) = −ceil(500'000'000.16665).
  EXPECT_EQ(nothing.steps.at(1).points, Points(-500'000'001));
  EXPECT_EQ(nothing.points, Points(499'999'999));
}

// A plain reference for small amounts, where every product fits 128 bits.
std::int64_t ReferencePoints(const EarningInput& input, const EarningRules& rules) {
  __extension__ typedef __int128 Wide;
  const EarningRate& rate = rules.rates.at(0);
  Wide scale = rate.per_units;
  for (int i = 0; i < input.currency.minor_digits(); ++i) scale *= 10;
  Wide points = Wide{input.total_minor} * rate.points / scale;
  Wide sum = 0;
  for (const PurchaseLine& line : input.lines) sum += Wide{line.quantity} * line.unit_price_minor;
  for (const PurchaseLine& line : input.lines) {
    int percent = 100;
    for (const auto& multiplier : rules.category_multipliers) {
      if (multiplier.key == line.category) percent = multiplier.percent;
    }
    if (sum == 0 || percent == 100) continue;
    const Wide numerator =
        Wide{line.quantity} * line.unit_price_minor * input.total_minor * (percent - 100) * rate.points;
    const Wide divisor = sum * 100 * scale;
    Wide quotient = numerator / divisor;
    if (numerator % divisor != 0 && numerator < 0) --quotient;
    points += quotient;
  }
  return static_cast<std::int64_t>(points < 0 ? 0 : points);
}

TEST(CalculateEarningTest, AgreesWithAPlainReferenceOnSeededPurchases) {
  std::uint64_t state = 0x5EED'0005;
  const auto next = [&state](std::uint64_t bound) {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    return static_cast<std::int64_t>((state >> 33) % bound);
  };
  const std::string_view currencies[] = {"EUR", "RUB", "JPY", "KWD"};
  const std::string categories[] = {"shoes", "socks", "hats", "bags"};
  for (int round = 0; round < 2000; ++round) {
    EarningRules rules = Rules({{.currency = "", .points = 1 + next(20), .per_units = 1 + next(200)}});
    rules.category_multipliers = {{.key = "shoes", .percent = static_cast<int>(next(500))},
                                  {.key = "socks", .percent = static_cast<int>(next(100))},
                                  {.key = "hats", .percent = 100 + static_cast<int>(next(300))}};
    EarningInput input = Purchase(next(1'000'000), currencies[next(4)]);
    const std::int64_t line_count = next(6);
    for (std::int64_t i = 0; i < line_count; ++i) {
      input.lines.push_back(Line("S" + std::to_string(i), categories[next(4)], 1 + next(5), next(100'000)));
    }
    SCOPED_TRACE("round " + std::to_string(round));
    const Earning earning = CalculateEarning(input, rules);
    EXPECT_EQ(earning.points.count(), SumOfSteps(earning));
    EXPECT_GE(earning.points, Points(0));
    EXPECT_EQ(earning.points, Points(ReferencePoints(input, rules)));
  }
}

// ---- expiry -------------------------------------------------------------------

TEST(ExpiryKindTest, NamesRoundTrip) {
  for (const ExpiryKind kind :
       {ExpiryKind::kNever, ExpiryKind::kRollingMonths, ExpiryKind::kEndOfYear, ExpiryKind::kInactivityMonths}) {
    EXPECT_EQ(ParseExpiryKind(ExpiryKindName(kind)), kind);
  }
  EXPECT_EQ(ExpiryKindName(ExpiryKind::kRollingMonths), "rolling_months");
  EXPECT_EQ(ExpiryKindName(ExpiryKind::kInactivityMonths), "inactivity_months");
  EXPECT_EQ(ParseExpiryKind("Never"), std::nullopt);
  EXPECT_EQ(ParseExpiryKind(""), std::nullopt);
}

TEST(LotExpiryTest, Table) {
  struct Case {
    ExpiryKind kind;
    int months;
    std::string_view zone;
    std::string_view earned_at;
    std::string expires_at;
  };
  const Case cases[] = {
      // Rolling months: same wall-clock time, day clamped to the month's end.
      {ExpiryKind::kRollingMonths, 1, "UTC", "2025-01-31T10:00:00Z", "2025-02-28T10:00:00.000000Z"},
      {ExpiryKind::kRollingMonths, 1, "UTC", "2024-01-31T10:00:00Z", "2024-02-29T10:00:00.000000Z"},  // leap
      {ExpiryKind::kRollingMonths, 12, "UTC", "2024-02-29T10:00:00Z", "2025-02-28T10:00:00.000000Z"},
      {ExpiryKind::kRollingMonths, 48, "UTC", "2024-02-29T10:00:00Z", "2028-02-29T10:00:00.000000Z"},
      {ExpiryKind::kRollingMonths, 1, "UTC", "2025-03-31T23:59:59.999999Z", "2025-04-30T23:59:59.999999Z"},
      {ExpiryKind::kRollingMonths, 1, "UTC", "2025-12-15T08:00:00Z", "2026-01-15T08:00:00.000000Z"},
      {ExpiryKind::kRollingMonths, 120, "UTC", "2025-05-05T08:00:00Z", "2035-05-05T08:00:00.000000Z"},
      // Moscow (UTC+3): 2025-03-30T22:00Z is 31 March locally, so April clamps to the 30th.
      {ExpiryKind::kRollingMonths, 1, "Europe/Moscow", "2025-03-30T22:00:00Z", "2025-04-29T22:00:00.000000Z"},
      // New York keeps 10:00 across the change to daylight time (EST → EDT).
      {ExpiryKind::kRollingMonths, 1, "America/New_York", "2025-02-10T15:00:00Z", "2025-03-10T14:00:00.000000Z"},
      // 02:30 on 9 March 2025 does not exist there: the first instant after the gap.
      {ExpiryKind::kRollingMonths, 1, "America/New_York", "2025-02-09T07:30:00Z", "2025-03-09T07:00:00.000000Z"},
      // End of year: the first local instant of the year after earned + months.
      {ExpiryKind::kEndOfYear, 0, "UTC", "2025-06-15T12:00:00Z", "2026-01-01T00:00:00.000000Z"},
      {ExpiryKind::kEndOfYear, 0, "UTC", "2025-12-31T23:59:59Z", "2026-01-01T00:00:00.000000Z"},
      {ExpiryKind::kEndOfYear, 0, "UTC", "2025-01-01T00:00:00Z", "2026-01-01T00:00:00.000000Z"},
      {ExpiryKind::kEndOfYear, 6, "UTC", "2025-06-15T12:00:00Z", "2026-01-01T00:00:00.000000Z"},
      {ExpiryKind::kEndOfYear, 7, "UTC", "2025-06-15T12:00:00Z", "2027-01-01T00:00:00.000000Z"},
      {ExpiryKind::kEndOfYear, 12, "UTC", "2025-06-15T12:00:00Z", "2027-01-01T00:00:00.000000Z"},
      {ExpiryKind::kEndOfYear, 12, "UTC", "2025-12-31T12:00:00Z", "2027-01-01T00:00:00.000000Z"},
      // 2025-12-31T21:30Z is already 1 January 2026 in Moscow.
      {ExpiryKind::kEndOfYear, 0, "Europe/Moscow", "2025-12-31T21:30:00Z", "2026-12-31T21:00:00.000000Z"},
      {ExpiryKind::kEndOfYear, 12, "Europe/Moscow", "2025-12-31T20:30:00Z", "2026-12-31T21:00:00.000000Z"},
      // 2026-01-01T03:00Z is still 31 December 2025 in New York.
      {ExpiryKind::kEndOfYear, 0, "America/New_York", "2026-01-01T03:00:00Z", "2026-01-01T05:00:00.000000Z"},
      {ExpiryKind::kNever, 0, "UTC", "2025-06-15T12:00:00Z", "none"},
      {ExpiryKind::kInactivityMonths, 6, "UTC", "2025-06-15T12:00:00Z", "none"},
  };
  for (const Case& test : cases) {
    SCOPED_TRACE(std::string(ExpiryKindName(test.kind)) + " " + std::to_string(test.months) + " " +
                 std::string(test.zone) + " " + std::string(test.earned_at));
    const ExpiryPolicy policy{.kind = test.kind, .months = test.months};
    EXPECT_EQ(Text(LotExpiry(At(test.earned_at), policy, Zone(test.zone))), test.expires_at);
  }
}

TEST(InactivityTest, ExpiryIsTheLastActivityPlusMonths) {
  const ExpiryPolicy policy{.kind = ExpiryKind::kInactivityMonths, .months = 6};
  EXPECT_EQ(Text(InactivityExpiry(At("2025-08-31T12:00:00Z"), policy, Zone("UTC"))), "2026-02-28T12:00:00.000000Z");
  EXPECT_EQ(Text(InactivityExpiry(At("2025-08-31T12:00:00Z"), policy, Zone("Europe/Moscow"))),
            "2026-02-28T12:00:00.000000Z");
  for (const ExpiryPolicy other : {ExpiryPolicy{}, ExpiryPolicy{.kind = ExpiryKind::kRollingMonths, .months = 6},
                                   ExpiryPolicy{.kind = ExpiryKind::kEndOfYear, .months = 0}}) {
    EXPECT_EQ(InactivityExpiry(At("2025-08-31T12:00:00Z"), other, Zone("UTC")), std::nullopt);
    EXPECT_EQ(InactivityCutoff(At("2025-08-31T12:00:00Z"), other, Zone("UTC")), std::nullopt);
  }
}

TEST(InactivityTest, CutoffTable) {
  const ExpiryPolicy one_month{.kind = ExpiryKind::kInactivityMonths, .months = 1};
  EXPECT_EQ(Text(InactivityCutoff(At("2025-03-15T10:00:00Z"), one_month, Zone("UTC"))), "2025-02-15T10:00:00.000000Z");
  // 31 March has no 31 February: every last activity on 28 February expires by now.
  EXPECT_EQ(Text(InactivityCutoff(At("2025-03-31T10:00:00Z"), one_month, Zone("UTC"))), "2025-02-28T23:59:59.999999Z");
  EXPECT_EQ(Text(InactivityCutoff(At("2024-03-31T10:00:00Z"), one_month, Zone("UTC"))), "2024-02-29T23:59:59.999999Z");
  EXPECT_EQ(Text(InactivityCutoff(At("2025-03-31T10:00:00Z"), one_month, Zone("Europe/Moscow"))),
            "2025-02-28T20:59:59.999999Z");
  const ExpiryPolicy a_year{.kind = ExpiryKind::kInactivityMonths, .months = 12};
  EXPECT_EQ(Text(InactivityCutoff(At("2026-01-05T12:00:00Z"), a_year, Zone("America/New_York"))),
            "2025-01-05T12:00:00.000000Z");
}

TEST(InactivityTest, CutoffIsTheLatestInactiveInstantEveryDayOfAYear) {
  // A member inactive at the cutoff has expired by now; one a microsecond later has not.
  for (const std::string_view zone_name : {"UTC", "Europe/Moscow", "America/New_York"}) {
    const date::time_zone& zone = Zone(zone_name);
    for (const int months : {1, 3, 13}) {
      const ExpiryPolicy policy{.kind = ExpiryKind::kInactivityMonths, .months = months};
      for (int day = 0; day < 366; ++day) {
        // Noon local time: never inside a daylight-saving gap or overlap.
        const date::local_days local_day = date::local_days(date::year(2024) / 1 / 1) + date::days(day);
        const Timestamp now = zone.to_sys(date::local_time<Microseconds>(local_day) + std::chrono::hours(12));
        SCOPED_TRACE(std::string(zone_name) + " " + std::to_string(months) + " " + Text(now));
        const Timestamp cutoff = *InactivityCutoff(now, policy, zone);
        EXPECT_LE(*InactivityExpiry(cutoff, policy, zone), now);
        EXPECT_GT(*InactivityExpiry(cutoff + Microseconds(1), policy, zone), now);
      }
    }
  }
}

TEST(AvailableAtTest, KeepsTheWallClockTime) {
  struct Case {
    std::string_view zone;
    std::string_view earned_at;
    int pending_days;
    std::string available_at;
  };
  const Case cases[] = {
      {"UTC", "2025-06-15T12:34:56.789Z", 0, "2025-06-15T12:34:56.789000Z"},
      {"UTC", "2025-02-27T12:00:00Z", 2, "2025-03-01T12:00:00.000000Z"},
      {"UTC", "2024-12-31T12:00:00Z", 365, "2025-12-31T12:00:00.000000Z"},
      // Spring forward: 10:00 EST, then 10:00 EDT.
      {"America/New_York", "2025-03-08T15:00:00Z", 1, "2025-03-09T14:00:00.000000Z"},
      // Fall back across two weeks: 10:00 EDT, then 10:00 EST.
      {"America/New_York", "2025-10-30T14:00:00Z", 14, "2025-11-13T15:00:00.000000Z"},
      // 02:30 on 9 March does not exist: the first instant after the gap.
      {"America/New_York", "2025-03-08T07:30:00Z", 1, "2025-03-09T07:00:00.000000Z"},
      // 01:30 on 2 November happens twice: the earlier one.
      {"America/New_York", "2025-11-01T05:30:00Z", 1, "2025-11-02T05:30:00.000000Z"},
      {"Europe/Moscow", "2025-01-31T22:30:00Z", 14, "2025-02-14T22:30:00.000000Z"},
  };
  for (const Case& test : cases) {
    SCOPED_TRACE(std::string(test.zone) + " " + std::string(test.earned_at));
    EXPECT_EQ(Text(AvailableAt(At(test.earned_at), test.pending_days, Zone(test.zone))), test.available_at);
  }
}

TEST(StartOfLocalTest, DayAndMonth) {
  EXPECT_EQ(Text(StartOfLocalDay(At("2025-03-09T15:00:00Z"), Zone("America/New_York"))), "2025-03-09T05:00:00.000000Z");
  EXPECT_EQ(Text(StartOfLocalDay(At("2025-03-10T15:00:00Z"), Zone("America/New_York"))), "2025-03-10T04:00:00.000000Z");
  EXPECT_EQ(Text(StartOfLocalDay(At("2025-01-31T22:30:00Z"), Zone("Europe/Moscow"))), "2025-01-31T21:00:00.000000Z");
  EXPECT_EQ(Text(StartOfLocalDay(At("2025-01-31T20:59:59Z"), Zone("Europe/Moscow"))), "2025-01-30T21:00:00.000000Z");
  EXPECT_EQ(Text(StartOfLocalDay(At("2025-01-31T00:00:00Z"), Zone("UTC"))), "2025-01-31T00:00:00.000000Z");
  EXPECT_EQ(Text(StartOfLocalMonth(At("2025-01-31T22:30:00Z"), Zone("Europe/Moscow"))), "2025-01-31T21:00:00.000000Z");
  EXPECT_EQ(Text(StartOfLocalMonth(At("2025-03-31T12:00:00Z"), Zone("America/New_York"))),
            "2025-03-01T05:00:00.000000Z");
  EXPECT_EQ(Text(StartOfLocalMonth(At("2025-04-01T03:00:00Z"), Zone("America/New_York"))),
            "2025-03-01T05:00:00.000000Z");
  EXPECT_EQ(Text(StartOfLocalMonth(At("2024-02-29T23:59:59Z"), Zone("UTC"))), "2024-02-01T00:00:00.000000Z");
}

// ---- draws --------------------------------------------------------------------

LotBalance Lot(std::int64_t id, std::int64_t remaining, std::string_view earned_at,
               std::optional<std::string_view> expires_at = std::nullopt) {
  return {.lot_id = id,
          .remaining = Points(remaining),
          .earned_at = At(earned_at),
          .expires_at = expires_at ? std::optional<Timestamp>(At(*expires_at)) : std::nullopt};
}

TEST(DrawOldestFirstTest, Table) {
  const std::string_view at = "2025-06-01T00:00:00Z";
  struct Case {
    std::string name;
    std::vector<LotBalance> lots;
    std::int64_t amount;
    std::vector<LotDraw> draws;
  };
  const std::vector<Case> cases = {
      {"single lot", {Lot(1, 100, "2025-01-01T00:00:00Z")}, 30, {{1, Points(30)}}},
      {"across lots",
       {Lot(1, 50, "2025-01-01T00:00:00Z"), Lot(2, 70, "2025-02-01T00:00:00Z")},
       80,
       {{1, Points(50)}, {2, Points(30)}}},
      {"exact balance",
       {Lot(1, 50, "2025-01-01T00:00:00Z"), Lot(2, 70, "2025-02-01T00:00:00Z")},
       120,
       {{1, Points(50)}, {2, Points(70)}}},
      {"oldest earned first whatever the order given",
       {Lot(5, 10, "2025-03-01T00:00:00Z"), Lot(9, 10, "2025-01-01T00:00:00Z"), Lot(7, 10, "2025-02-01T00:00:00Z")},
       25,
       {{9, Points(10)}, {7, Points(10)}, {5, Points(5)}}},
      {"same instant: lowest id first",
       {Lot(8, 10, "2025-01-01T00:00:00Z"), Lot(3, 10, "2025-01-01T00:00:00Z")},
       15,
       {{3, Points(10)}, {8, Points(5)}}},
      {"lots expiring at or before the draw are skipped",
       {Lot(1, 100, "2024-01-01T00:00:00Z", "2025-06-01T00:00:00Z"),
        Lot(2, 100, "2024-02-01T00:00:00Z", "2025-05-01T00:00:00Z"),
        Lot(3, 10, "2024-03-01T00:00:00Z", "2025-06-01T00:00:00.000001Z"), Lot(4, 10, "2024-04-01T00:00:00Z")},
       20,
       {{3, Points(10)}, {4, Points(10)}}},
  };
  for (const Case& test : cases) {
    SCOPED_TRACE(test.name);
    const Result<std::vector<LotDraw>> draws = DrawOldestFirst(test.lots, Points(test.amount), At(at));
    ASSERT_TRUE(draws.ok()) << draws.status().message();
    EXPECT_EQ(draws.value(), test.draws);
  }
}

TEST(DrawOldestFirstTest, InsufficientBalanceDrawsNothing) {
  const std::vector<LotBalance> lots = {Lot(1, 50, "2025-01-01T00:00:00Z"), Lot(2, 70, "2025-02-01T00:00:00Z"),
                                        Lot(3, 500, "2025-01-01T00:00:00Z", "2025-06-01T00:00:00Z")};
  const Result<std::vector<LotDraw>> draws = DrawOldestFirst(lots, Points(121), At("2025-06-01T00:00:00Z"));
  ASSERT_FALSE(draws.ok());
  EXPECT_EQ(draws.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(draws.status().message().find("the balance is 120 points"), std::string::npos) << draws.status().message();
  EXPECT_FALSE(DrawOldestFirst({}, Points(1), At("2025-06-01T00:00:00Z")).ok());
}

// ---- refunds ------------------------------------------------------------------

TEST(RefundReversalTest, Table) {
  struct Case {
    std::int64_t earned;
    std::int64_t total_minor;
    std::int64_t refunded_before_minor;
    std::int64_t refund_minor;
    std::int64_t reversed;
  };
  const Case cases[] = {
      {101, 1000, 0, 500, 50},    // first half rounds down
      {101, 1000, 500, 500, 51},  // the second takes the rest
      {340, 3450, 0, 3450, 340},  // full refund
      {0, 3450, 0, 1000, 0},
      {7, 3, 1, 1, 2},  // floor(14/3) − floor(7/3)
      {limits::kPointsAbsMax, limits::kMoneyMinorAbsMax, 0, limits::kMoneyMinorAbsMax, limits::kPointsAbsMax},
      {limits::kPointsAbsMax, std::numeric_limits<std::int64_t>::max(), 0, 1, 0},
  };
  for (const Case& test : cases) {
    SCOPED_TRACE(std::to_string(test.earned) + " " + std::to_string(test.refunded_before_minor) + "+" +
                 std::to_string(test.refund_minor) + "/" + std::to_string(test.total_minor));
    EXPECT_EQ(RefundReversal(Points(test.earned), test.total_minor, test.refunded_before_minor, test.refund_minor),
              Points(test.reversed));
  }
}

TEST(RefundReversalTest, ManySmallRefundsTakeBackExactlyWhatWasEarned) {
  const std::int64_t earned = 97;
  const std::int64_t total_minor = 1000;
  std::int64_t reversed = 0;
  for (std::int64_t refunded = 0; refunded < total_minor; ++refunded) {
    const Points step = RefundReversal(Points(earned), total_minor, refunded, 1);
    EXPECT_GE(step, Points(0));
    reversed += step.count();
    EXPECT_LE(reversed, earned);
  }
  EXPECT_EQ(reversed, earned);
}

TEST(RefundReversalTest, SeededSequencesNeverTakeMoreThanEarned) {
  std::uint64_t state = 0xF00D;
  const auto next = [&state](std::uint64_t bound) {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    return static_cast<std::int64_t>((state >> 33) % bound);
  };
  for (int round = 0; round < 500; ++round) {
    const std::int64_t earned = next(100'000);
    const std::int64_t total_minor = 1 + next(1'000'000);
    std::int64_t refunded = 0;
    std::int64_t reversed = 0;
    while (refunded < total_minor) {
      const std::int64_t refund = std::min(total_minor - refunded, 1 + next(static_cast<std::uint64_t>(total_minor)));
      reversed += RefundReversal(Points(earned), total_minor, refunded, refund).count();
      refunded += refund;
      ASSERT_LE(reversed, earned);
    }
    EXPECT_EQ(reversed, earned) << "round " << round;
  }
}

// ---- validation ---------------------------------------------------------------

TEST(ValidateEarningRulesTest, DefaultRulesAreValid) {
  EXPECT_TRUE(ValidateEarningRules(DefaultEarningRules()).empty());
  const EarningRules defaults = DefaultEarningRules();
  EXPECT_EQ(defaults.rates, (std::vector<EarningRate>{{.currency = "", .points = 1, .per_units = 1}}));
  EXPECT_EQ(defaults.pending_days, 0);
  EXPECT_EQ(defaults.expiry, ExpiryPolicy{});
  EXPECT_EQ(defaults.time_zone, "UTC");
  EXPECT_TRUE(defaults.channels.empty());
}

TEST(ValidateEarningRulesTest, AcceptsRulesAtTheirEdges) {
  EarningRules rules = DefaultEarningRules();
  // kEarningRatesMax rates: 63 currencies and the one for any other.
  const std::string_view codes[] = {
      "AED", "AFN", "ALL", "AMD", "AOA", "ARS", "AUD", "AWG", "AZN", "BAM", "BBD", "BDT", "BGN", "BHD", "BIF", "BMD",
      "BND", "BOB", "BRL", "BSD", "BTN", "BWP", "BYN", "BZD", "CAD", "CDF", "CHF", "CLF", "CLP", "CNY", "COP", "CRC",
      "CUP", "CVE", "CZK", "DJF", "DKK", "DOP", "DZD", "EGP", "ERN", "ETB", "EUR", "FJD", "GBP", "GEL", "GHS", "GMD",
      "GNF", "GTQ", "HKD", "HNL", "HUF", "IDR", "ILS", "INR", "JPY", "KWD", "KZT", "MXN", "RUB", "USD", "UZS"};
  for (const std::string_view code : codes) rules.rates.push_back({.currency = std::string(code), .points = 1});
  ASSERT_EQ(rules.rates.size(), kEarningRatesMax);
  rules.rates[0] = {.currency = "", .points = kRatePartMax, .per_units = kRatePartMax};
  rules.rates[1] = {.currency = "AED", .points = 1, .per_units = 1};
  for (std::size_t i = 0; i < kEarningMultipliersMax; ++i) {
    rules.category_multipliers.push_back({.key = "c" + std::to_string(i), .percent = kMultiplierPercentMax});
    rules.sku_multipliers.push_back({.key = "s" + std::to_string(i), .percent = 0});
  }
  rules.category_multipliers[0].key = std::string(kRuleKeyBytesMax, '~');
  for (std::size_t i = 0; i < kEarningChannelsMax; ++i) rules.channels.push_back("ch" + std::to_string(i));
  rules.pending_days = kPendingDaysMax;
  rules.cap_per_day = Points(limits::kPointsAbsMax);
  rules.expiry = {.kind = ExpiryKind::kRollingMonths, .months = kExpiryMonthsMax};
  EXPECT_EQ(ValidateEarningRules(rules), std::vector<RuleProblem>{});
  rules.expiry = {.kind = ExpiryKind::kEndOfYear, .months = 0};
  EXPECT_EQ(ValidateEarningRules(rules), std::vector<RuleProblem>{});
}

TEST(ValidateEarningRulesTest, AcceptsTiersPromotionsAndBonusesAtTheirEdges) {
  EarningRules rules = DefaultEarningRules();
  for (std::size_t i = 0; i < kTiersMax; ++i) {
    // Alternately a higher spend and a higher count: each tier raises one threshold.
    const auto step = static_cast<std::int64_t>(i);
    rules.tiers.tiers.push_back({.key = "t" + std::to_string(i),
                                 .name = std::string(i == 0 ? kTierNameBytesMax : 1, 'N'),
                                 .min_spend_minor = (step + 1) / 2,
                                 .min_purchases = step / 2,
                                 .earn_percent = i % 2 == 0 ? 100 : kMultiplierPercentMax,
                                 .discount_percent = i % 2 == 0 ? 0 : 100,
                                 .sla_class = i % 2 == 0 ? "" : "priority"});
  }
  rules.tiers.qualification = TierQualification::kSpendAndCount;
  rules.tiers.currency = "EUR";
  rules.tiers.window_months = kTierWindowMonthsMax;
  rules.tiers.period_months = 1;
  rules.tiers.grace_days = kTierGraceDaysMax;
  for (std::size_t i = 0; i < kPromotionsMax; ++i) {
    rules.promotions.push_back({.key = "p" + std::to_string(i),
                                .name = "Promotion",
                                .starts_at = At("2025-06-01T00:00:00Z"),
                                .ends_at = At("2025-06-01T00:00:00.000001Z"),
                                .category = i % 2 == 0 ? "" : "shoes",
                                .channel = i % 2 == 0 ? "web" : "",
                                .percent = i % 2 == 0 ? 100 : kMultiplierPercentMax,
                                .bonus_points = Points(i % 2 == 0 ? 0 : limits::kPointsAbsMax)});
  }
  rules.bonuses = {.welcome = Points(limits::kPointsAbsMax),
                   .birthday = Points(0),
                   .referral_referrer = Points(limits::kPointsAbsMax),
                   .referral_referred = Points(1),
                   .referral_minimum_minor = 0,
                   .referral_deadline_days = kReferralDeadlineDaysMax,
                   .referral_limit = 0};
  EXPECT_EQ(ValidateEarningRules(rules), std::vector<RuleProblem>{});
  rules.tiers.grace_days = 0;
  rules.tiers.window_months = 1;
  rules.tiers.period_months = kTierWindowMonthsMax;
  rules.bonuses.referral_deadline_days = 1;
  rules.bonuses.referral_limit = 1'000'000;
  EXPECT_EQ(ValidateEarningRules(rules), std::vector<RuleProblem>{});
  // Without tiers the currency may stay empty.
  rules.tiers = TierProgramme{};
  EXPECT_EQ(ValidateEarningRules(rules), std::vector<RuleProblem>{});
}

TEST(ValidateEarningRulesTest, ReportsEachProblem) {
  struct Case {
    std::string name;
    void (*change)(EarningRules&);
    std::vector<RuleProblem> problems;
  };
  const std::vector<Case> cases = {
      {"per_units too large",
       [](EarningRules& r) { r.rates[0].per_units = kRatePartMax + 1; },
       {{"rates[0].per_units", "must be between 1 and 1000000"}}},
      {"points zero",
       [](EarningRules& r) { r.rates[0].points = 0; },
       {{"rates[0].points", "must be between 1 and 1000000"}}},
      {"unknown currency",
       [](EarningRules& r) { r.rates.push_back({.currency = "EURO"}); },
       {{"rates[1].currency", "must be an ISO 4217 code such as EUR, or empty for any currency"}}},
      {"lower-case currency",
       [](EarningRules& r) { r.rates.push_back({.currency = "eur"}); },
       {{"rates[1].currency", "must be an ISO 4217 code such as EUR, or empty for any currency"}}},
      {"duplicate currency",
       [](EarningRules& r) {
         r.rates = {{.currency = "EUR"}, {.currency = "RUB"}, {.currency = "EUR"}};
       },
       {{"rates[2].currency", "duplicate currency EUR"}}},
      {"duplicate any-currency rate",
       [](EarningRules& r) { r.rates.push_back({.currency = ""}); },
       {{"rates[1].currency", "duplicate rate for any currency"}}},
      {"too many rates", [](EarningRules& r) { r.rates.assign(kEarningRatesMax + 1, {.currency = ""}); },
       [] {
         std::vector<RuleProblem> problems = {{"rates", "at most 64 entries"}};
         for (std::size_t i = 1; i < kEarningRatesMax; ++i) {
           problems.push_back({"rates[" + std::to_string(i) + "].currency", "duplicate rate for any currency"});
         }
         return problems;
       }()},
      {"empty category key",
       [](EarningRules& r) { r.category_multipliers = {{.key = ""}}; },
       {{"category_multipliers[0].key", "must be 1 to 64 bytes"}}},
      {"long SKU key",
       [](EarningRules& r) { r.sku_multipliers = {{.key = std::string(kRuleKeyBytesMax + 1, 'a')}}; },
       {{"sku_multipliers[0].key", "must be 1 to 64 bytes"}}},
      {"key with a space",
       [](EarningRules& r) { r.sku_multipliers = {{.key = "red shoes"}}; },
       {{"sku_multipliers[0].key", "must be printable ASCII without spaces"}}},
      {"key with a control or non-ASCII byte",
       [](EarningRules& r) {
         r.category_multipliers = {{.key = "a\tb"}, {.key = "\xc3\xa9t\xc3\xa9"}};
       },
       {{"category_multipliers[0].key", "must be printable ASCII without spaces"},
        {"category_multipliers[1].key", "must be printable ASCII without spaces"}}},
      {"duplicate key",
       [](EarningRules& r) {
         r.category_multipliers = {{.key = "shoes"}, {.key = "hats"}, {.key = "shoes"}};
       },
       {{"category_multipliers[2].key", "duplicate key shoes"}}},
      {"percent out of range",
       [](EarningRules& r) {
         r.sku_multipliers = {{.key = "a", .percent = -1}, {.key = "b", .percent = kMultiplierPercentMax + 1}};
       },
       {{"sku_multipliers[0].percent", "must be between 0 and 10000"},
        {"sku_multipliers[1].percent", "must be between 0 and 10000"}}},
      {"too many multipliers",
       [](EarningRules& r) {
         for (std::size_t i = 0; i <= kEarningMultipliersMax; ++i)
           r.sku_multipliers.push_back({.key = std::to_string(i)});
       },
       {{"sku_multipliers", "at most 1000 entries"}}},
      {"negative minimum",
       [](EarningRules& r) { r.minimum_spend_minor = -1; },
       {{"minimum_spend_minor", "must not be negative"}}},
      {"bad channel names",
       [](EarningRules& r) {
         r.channels = {"web", "", "web", "call centre"};
       },
       {{"channels[1]", "must be 1 to 64 bytes"},
        {"channels[2]", "duplicate channel web"},
        {"channels[3]", "must be printable ASCII without spaces"}}},
      {"too many channels",
       [](EarningRules& r) {
         for (std::size_t i = 0; i <= kEarningChannelsMax; ++i) r.channels.push_back("c" + std::to_string(i));
       },
       {{"channels", "at most 32 entries"}}},
      {"pending days",
       [](EarningRules& r) { r.pending_days = kPendingDaysMax + 1; },
       {{"pending_days", "must be between 0 and 365"}}},
      {"negative pending days",
       [](EarningRules& r) { r.pending_days = -1; },
       {{"pending_days", "must be between 0 and 365"}}},
      {"negative caps",
       [](EarningRules& r) {
         r.cap_per_day = Points(-1);
         r.cap_per_month = Points(limits::kPointsAbsMax + 1);
       },
       {{"cap_per_day", "must be between 0 and 1000000000000"},
        {"cap_per_month", "must be between 0 and 1000000000000"}}},
      {"rolling months 0",
       [](EarningRules& r) { r.expiry = {.kind = ExpiryKind::kRollingMonths, .months = 0}; },
       {{"expiry.months", "must be between 1 and 120 for rolling_months"}}},
      {"inactivity months too many",
       [](EarningRules& r) { r.expiry = {.kind = ExpiryKind::kInactivityMonths, .months = kExpiryMonthsMax + 1}; },
       {{"expiry.months", "must be between 1 and 120 for inactivity_months"}}},
      {"end of year negative",
       [](EarningRules& r) { r.expiry = {.kind = ExpiryKind::kEndOfYear, .months = -1}; },
       {{"expiry.months", "must be between 0 and 120 for end_of_year"}}},
      {"never with months",
       [](EarningRules& r) { r.expiry = {.kind = ExpiryKind::kNever, .months = 3}; },
       {{"expiry.months", "must be 0 when points never expire"}}},
      {"tiers without a currency",
       [](EarningRules& r) { r.tiers.tiers = {{.key = "silver", .name = "Silver", .min_spend_minor = 100}}; },
       {{"tiers.currency", "must be an ISO 4217 code such as EUR when there are tiers"}}},
      {"tiers with an unknown currency",
       [](EarningRules& r) {
         r.tiers.tiers = {{.key = "silver", .name = "Silver", .min_spend_minor = 100}};
         r.tiers.currency = "eur";
       },
       {{"tiers.currency", "must be an ISO 4217 code such as EUR"}}},
      {"tier keys, names and classes",
       [](EarningRules& r) {
         r.tiers.currency = "EUR";
         r.tiers.tiers = {{.key = "", .name = "", .sla_class = "a b"},
                          {.key = "gold", .name = std::string(kTierNameBytesMax + 1, 'G'), .min_spend_minor = 1},
                          {.key = "gold", .name = "Gold", .min_spend_minor = 2, .sla_class = "vip"}};
       },
       {{"tiers.tiers[0].key", "must be 1 to 64 bytes"},
        {"tiers.tiers[0].name", "must be 1 to 100 bytes"},
        {"tiers.tiers[0].sla_class", "must be printable ASCII without spaces"},
        {"tiers.tiers[1].name", "must be 1 to 100 bytes"},
        {"tiers.tiers[2].key", "duplicate key gold"}}},
      {"tiers out of order",
       [](EarningRules& r) {
         r.tiers.currency = "EUR";
         r.tiers.tiers = {{.key = "a", .name = "A", .min_spend_minor = 100, .min_purchases = 5},
                          {.key = "b", .name = "B", .min_spend_minor = 50, .min_purchases = 10},
                          {.key = "c", .name = "C", .min_spend_minor = 60, .min_purchases = 9},
                          {.key = "d", .name = "D", .min_spend_minor = 60, .min_purchases = 9}};
       },
       {{"tiers.tiers[1].min_spend_minor", "must not be below the previous tier's"},
        {"tiers.tiers[2].min_purchases", "must not be below the previous tier's"},
        {"tiers.tiers[3]", "must have a threshold above the previous tier's"}}},
      {"negative thresholds",
       [](EarningRules& r) {
         r.tiers.currency = "EUR";
         r.tiers.tiers = {{.key = "a", .name = "A", .min_spend_minor = -1, .min_purchases = -1}};
       },
       {{"tiers.tiers[0].min_spend_minor", "must not be negative"},
        {"tiers.tiers[0].min_purchases", "must not be negative"}}},
      {"tier percents",
       [](EarningRules& r) {
         r.tiers.currency = "EUR";
         r.tiers.tiers = {{.key = "a", .name = "A", .earn_percent = 99, .discount_percent = -1},
                          {.key = "b",
                           .name = "B",
                           .min_spend_minor = 1,
                           .earn_percent = kMultiplierPercentMax + 1,
                           .discount_percent = 101}};
       },
       {{"tiers.tiers[0].earn_percent", "must be between 100 and 10000"},
        {"tiers.tiers[0].discount_percent", "must be between 0 and 100"},
        {"tiers.tiers[1].earn_percent", "must be between 100 and 10000"},
        {"tiers.tiers[1].discount_percent", "must be between 0 and 100"}}},
      {"too many tiers",
       [](EarningRules& r) {
         r.tiers.currency = "EUR";
         for (std::size_t i = 0; i <= kTiersMax; ++i) {
           r.tiers.tiers.push_back(
               {.key = "t" + std::to_string(i), .name = "T", .min_spend_minor = static_cast<std::int64_t>(i)});
         }
       },
       {{"tiers.tiers", "at most 16 entries"}}},
      {"tier window, period and grace",
       [](EarningRules& r) {
         r.tiers.window_months = 0;
         r.tiers.period_months = kTierWindowMonthsMax + 1;
         r.tiers.grace_days = -1;
       },
       {{"tiers.window_months", "must be between 1 and 60"},
        {"tiers.period_months", "must be between 1 and 60"},
        {"tiers.grace_days", "must be between 0 and 365"}}},
      {"tier grace too long and an unknown qualification",
       [](EarningRules& r) {
         r.tiers.grace_days = kTierGraceDaysMax + 1;
         r.tiers.qualification = static_cast<TierQualification>(9);
       },
       {{"tiers.qualification", "unknown qualification"}, {"tiers.grace_days", "must be between 0 and 365"}}},
      {"promotion window empty or reversed",
       [](EarningRules& r) {
         r.promotions = {
             {.key = "a", .name = "A", .starts_at = At("2025-06-01T00:00:00Z"), .ends_at = At("2025-06-01T00:00:00Z")},
             {.key = "b", .name = "B", .starts_at = At("2025-06-01T00:00:00Z"), .ends_at = At("2025-05-01T00:00:00Z")}};
       },
       {{"promotions[0].ends_at", "must be after starts_at"}, {"promotions[1].ends_at", "must be after starts_at"}}},
      {"promotion keys, names, filters, percent and bonus",
       [](EarningRules& r) {
         const Timestamp start = At("2025-06-01T00:00:00Z");
         const Timestamp end = At("2025-07-01T00:00:00Z");
         r.promotions = {{.key = "",
                          .name = "",
                          .starts_at = start,
                          .ends_at = end,
                          .category = "a b",
                          .channel = "c\td",
                          .percent = 99,
                          .bonus_points = Points(-1)},
                         {.key = "x",
                          .name = std::string(kTierNameBytesMax + 1, 'x'),
                          .starts_at = start,
                          .ends_at = end,
                          .percent = kMultiplierPercentMax + 1,
                          .bonus_points = Points(limits::kPointsAbsMax + 1)},
                         {.key = "x", .name = "X", .starts_at = start, .ends_at = end}};
       },
       {{"promotions[0].key", "must be 1 to 64 bytes"},
        {"promotions[0].name", "must be 1 to 100 bytes"},
        {"promotions[0].category", "must be printable ASCII without spaces"},
        {"promotions[0].channel", "must be printable ASCII without spaces"},
        {"promotions[0].percent", "must be between 100 and 10000"},
        {"promotions[0].bonus_points", "must be between 0 and 1000000000000"},
        {"promotions[1].name", "must be 1 to 100 bytes"},
        {"promotions[1].percent", "must be between 100 and 10000"},
        {"promotions[1].bonus_points", "must be between 0 and 1000000000000"},
        {"promotions[2].key", "duplicate key x"}}},
      {"too many promotions",
       [](EarningRules& r) {
         for (std::size_t i = 0; i <= kPromotionsMax; ++i) {
           r.promotions.push_back({.key = "p" + std::to_string(i),
                                   .name = "P",
                                   .starts_at = At("2025-06-01T00:00:00Z"),
                                   .ends_at = At("2025-07-01T00:00:00Z")});
         }
       },
       {{"promotions", "at most 100 entries"}}},
      {"negative bonuses",
       [](EarningRules& r) {
         r.bonuses = {.welcome = Points(-1),
                      .birthday = Points(limits::kPointsAbsMax + 1),
                      .referral_referrer = Points(-1),
                      .referral_referred = Points(-5),
                      .referral_minimum_minor = -1,
                      .referral_deadline_days = 0,
                      .referral_limit = -1};
       },
       {{"bonuses.welcome", "must be between 0 and 1000000000000"},
        {"bonuses.birthday", "must be between 0 and 1000000000000"},
        {"bonuses.referral_referrer", "must be between 0 and 1000000000000"},
        {"bonuses.referral_referred", "must be between 0 and 1000000000000"},
        {"bonuses.referral_minimum_minor", "must not be negative"},
        {"bonuses.referral_deadline_days", "must be between 1 and 3650"},
        {"bonuses.referral_limit", "must not be negative"}}},
      {"referral deadline too long",
       [](EarningRules& r) { r.bonuses.referral_deadline_days = kReferralDeadlineDaysMax + 1; },
       {{"bonuses.referral_deadline_days", "must be between 1 and 3650"}}},
  };
  for (const Case& test : cases) {
    SCOPED_TRACE(test.name);
    EarningRules rules = DefaultEarningRules();
    test.change(rules);
    EXPECT_EQ(ValidateEarningRules(rules), test.problems);
  }
}

TEST(ValidateEarningRulesTest, ReportsEveryProblemAtOnce) {
  EarningRules rules = DefaultEarningRules();
  rules.rates[0].points = 0;
  rules.minimum_spend_minor = -5;
  rules.pending_days = 400;
  EXPECT_EQ(ValidateEarningRules(rules).size(), 3u);
}

}  // namespace
}  // namespace rapport::domain

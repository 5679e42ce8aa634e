// The rules' JSON form: a round trip keeps every member, missing members keep
// their defaults, wrong types and unknown members are reported by path.
#include "rapport/app/loyalty_rules_json.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace rapport::app {
namespace {

TEST(LoyaltyRulesJsonTest, RoundTripKeepsEveryMember) {
  domain::EarningRules rules;
  rules.rates = {{.currency = "RUB", .points = 1, .per_units = 100}, {.currency = "", .points = 2, .per_units = 1}};
  rules.category_multipliers = {{.key = "shoes", .percent = 200}};
  rules.sku_multipliers = {{.key = "SKU-\"1\"", .percent = 0}};
  rules.minimum_spend_minor = 1'000;
  rules.channels = {"web", "store"};
  rules.pending_days = 14;
  rules.cap_per_day = Points(500);
  rules.cap_per_month = Points(5'000);
  rules.expiry = {.kind = domain::ExpiryKind::kRollingMonths, .months = 12};
  rules.time_zone = "Europe/Moscow";
  rules.tiers = {.tiers = {{.key = "silver", .name = "Silver", .min_spend_minor = 10'000, .min_purchases = 3},
                           {.key = "gold",
                            .name = "Gold \"Ω\"",
                            .min_spend_minor = 50'000,
                            .min_purchases = 10,
                            .earn_percent = 150,
                            .discount_percent = 5,
                            .sla_class = "priority"}},
                 .qualification = domain::TierQualification::kSpendAndCount,
                 .currency = "RUB",
                 .window_months = 6,
                 .period_months = 3,
                 .grace_days = 30};
  rules.promotions = {{.key = "summer",
                       .name = "Summer",
                       .starts_at = ParseRfc3339("2026-06-01T00:00:00.000001Z").value(),
                       .ends_at = ParseRfc3339("2026-09-01T00:00:00Z").value(),
                       .category = "shoes",
                       .channel = "web",
                       .percent = 200,
                       .bonus_points = Points(50)},
                      {.key = "weekend",
                       .name = "Weekend",
                       .starts_at = ParseRfc3339("2026-07-04T00:00:00Z").value(),
                       .ends_at = ParseRfc3339("2026-07-06T00:00:00Z").value()}};
  rules.bonuses = {.welcome = Points(100),
                   .birthday = Points(200),
                   .referral_referrer = Points(300),
                   .referral_referred = Points(150),
                   .referral_minimum_minor = 5'000,
                   .referral_deadline_days = 60,
                   .referral_limit = 10};
  std::vector<domain::RuleProblem> problems;
  Result<domain::EarningRules> read = EarningRulesFromJson(EarningRulesToJson(rules), problems);
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  EXPECT_TRUE(problems.empty());
  EXPECT_EQ(*read, rules);
}

TEST(LoyaltyRulesJsonTest, MissingMembersKeepTheDefaults) {
  std::vector<domain::RuleProblem> problems;
  Result<domain::EarningRules> read = EarningRulesFromJson(R"({"pending_days": 7})", problems);
  ASSERT_TRUE(read.ok());
  EXPECT_TRUE(problems.empty());
  domain::EarningRules expected = domain::DefaultEarningRules();
  expected.pending_days = 7;
  EXPECT_EQ(*read, expected);
  // An empty list replaces the default one: no rate means nothing earns.
  read = EarningRulesFromJson(R"({"rates": []})", problems);
  ASSERT_TRUE(read.ok());
  EXPECT_TRUE(read->rates.empty());
}

TEST(LoyaltyRulesJsonTest, WritesEveryMemberInOrder) {
  EXPECT_EQ(EarningRulesToJson(domain::DefaultEarningRules()),
            R"({"rates":[{"currency":"","points":1,"per_units":1}],"category_multipliers":[],"sku_multipliers":[],)"
            R"("minimum_spend_minor":0,"channels":[],"pending_days":0,"cap_per_day":0,"cap_per_month":0,)"
            R"("expiry":{"kind":"never","months":0},"time_zone":"UTC",)"
            R"("tiers":{"tiers":[],"qualification":"spend","currency":"","window_months":12,"period_months":12,)"
            R"("grace_days":0},"promotions":[],)"
            R"("bonuses":{"welcome":0,"birthday":0,"referral_referrer":0,"referral_referred":0,)"
            R"("referral_minimum_minor":0,"referral_deadline_days":30,"referral_limit":0}})");
  domain::EarningRules rules = domain::DefaultEarningRules();
  rules.tiers.tiers = {{.key = "gold", .name = "Gold", .min_spend_minor = 1, .earn_percent = 150}};
  rules.promotions = {{.key = "p",
                       .name = "P",
                       .starts_at = ParseRfc3339("2026-06-01T00:00:00Z").value(),
                       .ends_at = ParseRfc3339("2026-06-02T00:00:00Z").value(),
                       .percent = 300}};
  const std::string json = EarningRulesToJson(rules);
  EXPECT_NE(json.find(R"("tiers":{"tiers":[{"key":"gold","name":"Gold","min_spend_minor":1,"min_purchases":0,)"
                      R"("earn_percent":150,"discount_percent":0,"sla_class":""}],)"),
            std::string::npos)
      << json;
  EXPECT_NE(json.find(R"("promotions":[{"key":"p","name":"P","starts_at":"2026-06-01T00:00:00.000000Z",)"
                      R"("ends_at":"2026-06-02T00:00:00.000000Z","category":"","channel":"","percent":300,)"
                      R"("bonus_points":0}])"),
            std::string::npos)
      << json;
}

TEST(LoyaltyRulesJsonTest, RulesStoredBeforeTiersReadWithTheirDefaults) {
  // The form written before tiers, promotions and bonuses existed.
  const std::string_view stored =
      R"({"rates":[{"currency":"EUR","points":1,"per_units":1}],"category_multipliers":[],"sku_multipliers":[],)"
      R"("minimum_spend_minor":0,"channels":[],"pending_days":3,"cap_per_day":0,"cap_per_month":0,)"
      R"("expiry":{"kind":"rolling_months","months":12},"time_zone":"Europe/Moscow"})";
  std::vector<domain::RuleProblem> problems;
  Result<domain::EarningRules> read = EarningRulesFromJson(stored, problems);
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  EXPECT_TRUE(problems.empty());
  EXPECT_EQ(read->tiers, domain::TierProgramme{});
  EXPECT_TRUE(read->promotions.empty());
  EXPECT_EQ(read->bonuses, domain::BonusRules{});
  EXPECT_EQ(read->pending_days, 3);
  EXPECT_TRUE(domain::ValidateEarningRules(*read).empty());
  // Partial nested objects keep the defaults of the members they leave out.
  read = EarningRulesFromJson(
      R"({"tiers": {"grace_days": 14}, "bonuses": {"welcome": 100},
          "promotions": [{"key": "p", "starts_at": "2026-06-01T03:00:00+03:00"}]})",
      problems);
  ASSERT_TRUE(read.ok());
  EXPECT_TRUE(problems.empty());
  EXPECT_EQ(read->tiers, (domain::TierProgramme{.grace_days = 14}));
  EXPECT_EQ(read->bonuses, (domain::BonusRules{.welcome = Points(100)}));
  ASSERT_EQ(read->promotions.size(), 1u);
  EXPECT_EQ(read->promotions[0],
            (domain::Promotion{.key = "p", .starts_at = ParseRfc3339("2026-06-01T00:00:00Z").value()}));
}

TEST(LoyaltyRulesJsonTest, ReportsTiersPromotionsAndBonusesByPath) {
  std::vector<domain::RuleProblem> problems;
  Result<domain::EarningRules> read = EarningRulesFromJson(
      R"({"tiers": {"tiers": [{"key": 1, "colour": "gold"}, "silver"], "qualification": "best", "grace": 3,
                    "window_months": 1.5},
          "promotions": [{"starts_at": "yesterday", "ends_at": 5, "percent": "200", "bonus_points": 1e3}],
          "bonuses": {"welcome": -1.5, "refferal_limit": 1, "referral_deadline_days": "30"}})",
      problems);
  ASSERT_TRUE(read.ok());
  const std::vector<domain::RuleProblem> expected = {
      {"tiers.grace", "is not a member of the rules"},
      {"tiers.tiers[0].colour", "is not a member of the rules"},
      {"tiers.tiers[0].key", "must be a string"},
      {"tiers.tiers[1]", "must be an object"},
      {"tiers.qualification", "must be one of: spend, purchases, spend_or_purchases, spend_and_purchases"},
      {"tiers.window_months", "must be an integer"},
      {"promotions[0].starts_at", "must be an RFC 3339 time such as 2026-06-01T00:00:00Z"},
      {"promotions[0].ends_at", "must be a string"},
      {"promotions[0].percent", "must be an integer"},
      {"promotions[0].bonus_points", "must be an integer"},
      {"bonuses.refferal_limit", "is not a member of the rules"},
      {"bonuses.welcome", "must be an integer"},
      {"bonuses.referral_deadline_days", "must be an integer"},
  };
  EXPECT_EQ(problems, expected);

  problems.clear();
  read = EarningRulesFromJson(R"({"tiers": [], "promotions": {}, "bonuses": 3})", problems);
  ASSERT_TRUE(read.ok());
  EXPECT_EQ(problems,
            (std::vector<domain::RuleProblem>{
                {"tiers", "must be an object"}, {"promotions", "must be an array"}, {"bonuses", "must be an object"}}));
  // Wrong types leave the defaults in place.
  EXPECT_EQ(read->tiers, domain::TierProgramme{});
  EXPECT_TRUE(read->promotions.empty());
  EXPECT_EQ(read->bonuses, domain::BonusRules{});
}

TEST(LoyaltyRulesJsonTest, ReportsWrongTypesAndUnknownMembersByPath) {
  std::vector<domain::RuleProblem> problems;
  Result<domain::EarningRules> read = EarningRulesFromJson(
      R"({"rates": [{"currency": "EUR", "points": "1"}, 3], "pendingdays": 1,
          "expiry": {"kind": "weekly", "months": 1}, "channels": ["web", 2], "cap_per_day": 1.5})",
      problems);
  ASSERT_TRUE(read.ok());
  const std::vector<domain::RuleProblem> expected = {
      {"pendingdays", "is not a member of the rules"},
      {"rates[0].points", "must be an integer"},
      {"rates[1]", "must be an object"},
      {"channels[1]", "must be a string"},
      {"cap_per_day", "must be an integer"},
      {"expiry.kind", "must be one of: never, rolling_months, end_of_year, inactivity_months"},
  };
  EXPECT_EQ(problems, expected);
}

TEST(LoyaltyRulesJsonTest, RefusesTextThatIsNotAnObject) {
  std::vector<domain::RuleProblem> problems;
  EXPECT_EQ(EarningRulesFromJson("[1]", problems).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(EarningRulesFromJson("{", problems).status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace rapport::app

// The rules' JSON form: a round trip keeps every member, missing members keep
// their defaults, wrong types and unknown members are reported by path.
#include "rapport/app/loyalty_rules_json.h"

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

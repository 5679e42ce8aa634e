// Rewards scenarios against the real server over a real SQLite store:
//  * the catalogue: create, read, patch (null clears stock and limits), list
//    active or all with a cursor, field errors as 422 invalid_reward and
//    malformed bodies as 400;
//  * redemptions: 201 with the balance after, a retry by external id 200
//    with Idempotent-Replayed: true, cancel 200 and again 409, a member's
//    redemptions newest first;
//  * every 409 code (not_available, out_of_stock, limit_reached,
//    insufficient_points, already_cancelled, external_id_reused) and 422
//    invalid_redemption;
//  * who may call what, checked against every rewards route the server has,
//    and the OpenAPI document describing each.
// The clock is fake and fixed.
#include <filesystem>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <rapidjson/document.h>
#include <spdlog/spdlog.h>

#include "http_client.h"
#include "loyalty_api_fixture.h"
#include "relationship_services.h"
#include "router.h"
#include "routes/routes.h"
#include "server_testing.h"

#include "rapport/app/access_service.h"
#include "rapport/store/open_store.h"

namespace rapport::api_test {
namespace {

using domain::Role;

constexpr std::int64_t kNowUnixSeconds = 1'772'366'400;  // 2026-03-01T12:00:00Z

class RewardApiTest : public LoyaltyApiFixture {
 protected:
  RewardApiTest() : LoyaltyApiFixture("reward-api", FromUnixMicros(kNowUnixSeconds * 1'000'000)) {}

  void SetUp() override {
    LoyaltyApiFixture::SetUp();
    if (HasFatalFailure()) return;
    Earn(contact_, 100'000);  // 1,000 points
  }

  void Earn(std::int64_t contact, std::int64_t total_minor) {
    const HttpResult result =
        Call("POST", "/api/v1/purchases",
             R"({"contact_id":)" + std::to_string(contact) + R"(,"total_minor":)" + std::to_string(total_minor) +
                 R"(,"currency":"EUR","occurred_at":"2026-03-01T09:30:00Z"})");
    EXPECT_EQ(result.status, 201) << result.body;
  }

  // Creates a reward from the members in `extra` (a JSON fragment); returns its id.
  std::int64_t CreateReward(std::int64_t price, const std::string& extra = "") {
    const HttpResult result =
        Call("POST", "/api/v1/rewards", R"({"name":"Mug","points_price":)" + std::to_string(price) + extra + "}");
    EXPECT_EQ(result.status, 201) << result.body;
    return result.status == 201 ? Parse(result.body)["id"].GetInt64() : 0;
  }

  std::string RedemptionBody(std::int64_t reward, std::int64_t quantity = 1, const std::string& external_id = "") {
    std::string body = R"({"contact_id":)" + std::to_string(contact_) + R"(,"reward_id":)" + std::to_string(reward) +
                       R"(,"quantity":)" + std::to_string(quantity);
    if (!external_id.empty()) body += R"(,"external_id":")" + external_id + "\"";
    return body + "}";
  }

  void ExpectConflict(const HttpResult& result, const std::string& code) {
    EXPECT_EQ(result.status, 409) << result.body;
    EXPECT_EQ(Text(Parse(result.body)["code"]), code) << result.body;
  }

  void ExpectLedgerChecks() {
    const HttpResult result = Call("GET", "/api/v1/loyalty/check");
    ASSERT_EQ(result.status, 200) << result.body;
    EXPECT_TRUE(Parse(result.body)["ok"].GetBool()) << result.body;
  }
};

TEST_F(RewardApiTest, CatalogueCreateReadPatchAndList) {
  HttpResult result = Call("POST", "/api/v1/rewards",
                           R"({"name":"Cinema ticket","description":"Any film","kind":"discount","points_price":300,)"
                           R"("stock":10,"per_customer_limit":2,"available_from":"2026-03-01T00:00:00Z",)"
                           R"("available_until":null})");
  ASSERT_EQ(result.status, 201) << result.body;
  rapidjson::Document reward = Parse(result.body);
  const std::int64_t id = reward["id"].GetInt64();
  EXPECT_EQ(Text(reward["name"]), "Cinema ticket");
  EXPECT_EQ(Text(reward["kind"]), "discount");
  EXPECT_EQ(reward["points_price"].GetInt64(), 300);
  EXPECT_EQ(reward["stock"].GetInt64(), 10);
  EXPECT_EQ(reward["per_customer_limit"].GetInt64(), 2);
  EXPECT_EQ(Text(reward["available_from"]), "2026-03-01T00:00:00.000000Z");
  EXPECT_TRUE(reward["available_until"].IsNull());
  EXPECT_TRUE(reward["active"].GetBool());

  result = Call("GET", "/api/v1/rewards/" + std::to_string(id));
  ASSERT_EQ(result.status, 200) << result.body;
  EXPECT_EQ(Text(Parse(result.body)["description"]), "Any film");
  EXPECT_EQ(Call("GET", "/api/v1/rewards/999").status, 404);

  result = Call("PATCH", "/api/v1/rewards/" + std::to_string(id),
                R"({"stock":null,"per_customer_limit":null,"points_price":250,"active":false})");
  ASSERT_EQ(result.status, 200) << result.body;
  reward = Parse(result.body);
  EXPECT_TRUE(reward["stock"].IsNull());
  EXPECT_TRUE(reward["per_customer_limit"].IsNull());
  EXPECT_EQ(reward["points_price"].GetInt64(), 250);
  EXPECT_FALSE(reward["active"].GetBool());
  EXPECT_EQ(Text(reward["name"]), "Cinema ticket");
  EXPECT_EQ(Call("PATCH", "/api/v1/rewards/999", R"({"active":true})").status, 404);

  const std::int64_t second = CreateReward(10);
  const std::int64_t third = CreateReward(20);
  result = Call("GET", "/api/v1/rewards");
  ASSERT_EQ(result.status, 200) << result.body;
  rapidjson::Document page = Parse(result.body);
  ASSERT_EQ(page["items"].Size(), 2u);  // the inactive one is left out
  EXPECT_EQ(page["items"][0]["id"].GetInt64(), second);
  result = Call("GET", "/api/v1/rewards?include_inactive=true&limit=2");
  page = Parse(result.body);
  ASSERT_EQ(page["items"].Size(), 2u);
  EXPECT_EQ(page["items"][0]["id"].GetInt64(), id);
  ASSERT_TRUE(page["next"].IsString());
  result = Call("GET", "/api/v1/rewards?include_inactive=true&limit=2&cursor=" + Text(page["next"]));
  page = Parse(result.body);
  ASSERT_EQ(page["items"].Size(), 1u);
  EXPECT_EQ(page["items"][0]["id"].GetInt64(), third);
  EXPECT_TRUE(page["next"].IsNull());
  EXPECT_EQ(Call("GET", "/api/v1/rewards?include_inactive=maybe").status, 400);
}

TEST_F(RewardApiTest, BadRewardBodiesNameTheirField) {
  struct Case {
    std::string body;
    int status;
    std::string code;
    std::string field;
  };
  const std::vector<Case> cases = {
      {R"({"points_price":10})", 400, "validation_failed", "name"},
      {R"({"name":"Mug"})", 400, "validation_failed", "points_price"},
      {R"({"name":"Mug","points_price":"ten"})", 400, "validation_failed", "points_price"},
      {R"({"name":"Mug","points_price":10,"colour":"red"})", 400, "validation_failed", "colour"},
      {R"({"name":"Mug","points_price":10,"available_from":"tomorrow"})", 400, "validation_failed", "available_from"},
      {R"({"name":"","points_price":10})", 422, "invalid_reward", "name"},
      {R"({"name":")" + std::string(201, 'n') + R"(","points_price":10})", 422, "invalid_reward", "name"},
      {R"({"name":"Mug","points_price":0})", 422, "invalid_reward", "points_price"},
      {R"({"name":"Mug","points_price":10,"kind":"voucher"})", 422, "invalid_reward", "kind"},
      {R"({"name":"Mug","points_price":10,"stock":-1})", 422, "invalid_reward", "stock"},
      {R"({"name":"Mug","points_price":10,"per_customer_limit":0})", 422, "invalid_reward", "per_customer_limit"},
      {R"({"name":"Mug","points_price":10,"available_from":"2026-03-02T00:00:00Z",)"
       R"("available_until":"2026-03-01T00:00:00Z"})",
       422, "invalid_reward", "available_until"},
  };
  for (const Case& test : cases) {
    SCOPED_TRACE(test.body);
    const HttpResult result = Call("POST", "/api/v1/rewards", test.body);
    EXPECT_EQ(result.status, test.status) << result.body;
    const rapidjson::Document problem = Parse(result.body);
    EXPECT_EQ(Text(problem["code"]), test.code);
    EXPECT_TRUE(NamesField(problem, "errors", test.field)) << result.body;
  }
  EXPECT_EQ(Call("POST", "/api/v1/rewards", "[1]").status, 400);
  const std::int64_t id = CreateReward(10);
  const HttpResult patched = Call("PATCH", "/api/v1/rewards/" + std::to_string(id), R"({"points_price":-5})");
  EXPECT_EQ(patched.status, 422) << patched.body;
  EXPECT_TRUE(NamesField(Parse(patched.body), "errors", "points_price"));
}

TEST_F(RewardApiTest, RedeemReplayCancelAndList) {
  const std::int64_t reward = CreateReward(150, R"(,"stock":5)");
  HttpResult result = Call("POST", "/api/v1/redemptions", RedemptionBody(reward, 2, "order-7"));
  ASSERT_EQ(result.status, 201) << result.body;
  EXPECT_FALSE(result.headers.contains("idempotent-replayed"));
  rapidjson::Document answer = Parse(result.body);
  const std::int64_t redemption = answer["redemption"]["id"].GetInt64();
  EXPECT_EQ(answer["redemption"]["points"].GetInt64(), 300);
  EXPECT_EQ(answer["redemption"]["quantity"].GetInt64(), 2);
  EXPECT_EQ(Text(answer["redemption"]["state"]), "active");
  EXPECT_EQ(Text(answer["redemption"]["external_id"]), "order-7");
  EXPECT_TRUE(answer["redemption"]["cancel_transaction_id"].IsNull());
  EXPECT_EQ(answer["reward"]["stock"].GetInt64(), 3);
  EXPECT_EQ(answer["points_balance"].GetInt64(), 700);

  result = Call("POST", "/api/v1/redemptions", RedemptionBody(reward, 2, "order-7"));
  ASSERT_EQ(result.status, 200) << result.body;
  EXPECT_EQ(result.headers["idempotent-replayed"], "true");
  answer = Parse(result.body);
  EXPECT_EQ(answer["redemption"]["id"].GetInt64(), redemption);
  EXPECT_EQ(answer["points_balance"].GetInt64(), 700);

  result = Call("POST", "/api/v1/redemptions/" + std::to_string(redemption) + "/cancel");
  ASSERT_EQ(result.status, 200) << result.body;
  answer = Parse(result.body);
  EXPECT_EQ(Text(answer["redemption"]["state"]), "cancelled");
  EXPECT_TRUE(answer["redemption"]["cancel_transaction_id"].IsInt64());
  EXPECT_TRUE(answer["redemption"]["cancelled_at"].IsString());
  EXPECT_EQ(answer["reward"]["stock"].GetInt64(), 5);
  EXPECT_EQ(answer["points_balance"].GetInt64(), 1'000);
  ExpectConflict(Call("POST", "/api/v1/redemptions/" + std::to_string(redemption) + "/cancel"), "already_cancelled");
  EXPECT_EQ(Call("POST", "/api/v1/redemptions/999/cancel").status, 404);

  result = Call("POST", "/api/v1/redemptions", RedemptionBody(reward, 1));
  ASSERT_EQ(result.status, 201) << result.body;
  const std::int64_t second = Parse(result.body)["redemption"]["id"].GetInt64();
  result = Call("GET", "/api/v1/contacts/" + std::to_string(contact_) + "/redemptions?limit=1");
  ASSERT_EQ(result.status, 200) << result.body;
  rapidjson::Document page = Parse(result.body);
  ASSERT_EQ(page["items"].Size(), 1u);
  EXPECT_EQ(page["items"][0]["id"].GetInt64(), second);
  ASSERT_TRUE(page["next"].IsString());
  result =
      Call("GET", "/api/v1/contacts/" + std::to_string(contact_) + "/redemptions?limit=1&cursor=" + Text(page["next"]));
  page = Parse(result.body);
  ASSERT_EQ(page["items"].Size(), 1u);
  EXPECT_EQ(page["items"][0]["id"].GetInt64(), redemption);
  EXPECT_EQ(Call("GET", "/api/v1/contacts/999/redemptions").status, 404);
  ExpectLedgerChecks();
}

TEST_F(RewardApiTest, EachRefusalHasItsCode) {
  ExpectConflict(Call("POST", "/api/v1/redemptions", RedemptionBody(CreateReward(10, R"(,"stock":0)"))),
                 "out_of_stock");
  const std::int64_t limited = CreateReward(10, R"(,"per_customer_limit":1)");
  ASSERT_EQ(Call("POST", "/api/v1/redemptions", RedemptionBody(limited)).status, 201);
  ExpectConflict(Call("POST", "/api/v1/redemptions", RedemptionBody(limited)), "limit_reached");
  const HttpResult poor = Call("POST", "/api/v1/redemptions", RedemptionBody(CreateReward(5'000)));
  ExpectConflict(poor, "insufficient_points");
  EXPECT_NE(Text(Parse(poor.body)["detail"]).find("the balance is 990 points"), std::string::npos) << poor.body;
  ExpectConflict(Call("POST", "/api/v1/redemptions",
                      RedemptionBody(CreateReward(10, R"(,"available_from":"2026-03-02T00:00:00Z")"))),
                 "not_available");
  ExpectConflict(Call("POST", "/api/v1/redemptions",
                      RedemptionBody(CreateReward(10, R"(,"available_until":"2026-03-01T12:00:00Z")"))),
                 "not_available");
  ExpectConflict(Call("POST", "/api/v1/redemptions", RedemptionBody(CreateReward(10, R"(,"active":false)"))),
                 "not_available");
  const std::int64_t open = CreateReward(10);
  ASSERT_EQ(Call("POST", "/api/v1/redemptions", RedemptionBody(open, 1, "x-1")).status, 201);
  ExpectConflict(Call("POST", "/api/v1/redemptions", RedemptionBody(open, 2, "x-1")), "external_id_reused");

  HttpResult invalid = Call("POST", "/api/v1/redemptions", RedemptionBody(open, 101));
  EXPECT_EQ(invalid.status, 422) << invalid.body;
  EXPECT_EQ(Text(Parse(invalid.body)["code"]), "invalid_redemption");
  EXPECT_TRUE(NamesField(Parse(invalid.body), "errors", "quantity"));
  invalid = Call("POST", "/api/v1/redemptions", RedemptionBody(999));
  EXPECT_EQ(invalid.status, 422) << invalid.body;
  EXPECT_TRUE(NamesField(Parse(invalid.body), "errors", "reward_id"));
  EXPECT_EQ(Call("POST", "/api/v1/redemptions", R"({"reward_id":1})").status, 400);
  EXPECT_EQ(
      Call("POST", "/api/v1/redemptions", R"({"contact_id":999,"reward_id":)" + std::to_string(open) + "}").status,
      404);
  ExpectLedgerChecks();
}

TEST_F(RewardApiTest, AgentsAndAnalystsReadManagersDoEverything) {
  const std::int64_t reward = CreateReward(10);
  const HttpResult redeemed = Call("POST", "/api/v1/redemptions", RedemptionBody(reward));
  ASSERT_EQ(redeemed.status, 201) << redeemed.body;
  const std::string redemption = std::to_string(Parse(redeemed.body)["redemption"]["id"].GetInt64());
  const std::string contact = std::to_string(contact_);
  const std::vector<PermissionRow> rows = {
      {"GET", "/api/v1/rewards", "/api/v1/rewards", "", true},
      {"POST", "/api/v1/rewards", "/api/v1/rewards", R"({"name":"Cap","points_price":5})", false},
      {"GET", "/api/v1/rewards/{reward_id}", "/api/v1/rewards/" + std::to_string(reward), "", true},
      {"PATCH", "/api/v1/rewards/{reward_id}", "/api/v1/rewards/" + std::to_string(reward), R"({"stock":9})", false},
      {"POST", "/api/v1/redemptions", "/api/v1/redemptions", RedemptionBody(reward), false},
      {"POST", "/api/v1/redemptions/{redemption_id}/cancel", "/api/v1/redemptions/" + redemption + "/cancel", "",
       false},
      {"GET", "/api/v1/contacts/{contact_id}/redemptions", "/api/v1/contacts/" + contact + "/redemptions", "", true},
  };

  ExpectPermissionTable("rewards", rows);
}

TEST_F(RewardApiTest, TheOpenApiDocumentDescribesEveryRewardsOperation) {
  EXPECT_EQ(ExpectDescribedInOpenApi("rewards", [](std::string_view pattern) { return pattern.ends_with("/cancel"); }),
            7);
}

}  // namespace
}  // namespace rapport::api_test

// Loyalty programme scenarios against the real server over a real SQLite store:
//  * purchases earn by the default rules (1 point per whole unit), with the
//    explanation and the lot;
//  * bad purchase bodies as a table of bodies and the field each one names;
//  * Idempotency-Key: the same key and body replay the first answer byte for
//    byte, another body is 422, two principals' keys never collide; the
//    external id replays with 200 and refuses other content with 409;
//  * refunds in halves reverse exactly what was earned, an over-refund is 409;
//  * manual adjustments up and down, never below zero;
//  * the earning rules: read, replace with a version check, refuse bad rules;
//  * the statement of account paged newest first with no gaps, the member's
//    summary after each step, and the ledger check at the end;
//  * who may call what: agents and analysts read, managers do everything.
// The clock is fake and fixed, so purchase times are exact.
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

// 2026-03-01T12:00:00Z: purchases happen the same morning.
constexpr std::int64_t kNowUnixSeconds = 1'772'366'400;
constexpr std::string_view kMorning = "2026-03-01T09:30:00Z";
constexpr std::string_view kMorningAnswered = "2026-03-01T09:30:00.000000Z";  // as the API writes times

class LoyaltyApiTest : public LoyaltyApiFixture {
 protected:
  LoyaltyApiTest() : LoyaltyApiFixture("loyalty-api", FromUnixMicros(kNowUnixSeconds * 1'000'000)) {}

  void SetUp() override {
    LoyaltyApiFixture::SetUp();
    if (HasFatalFailure()) return;
    other_manager_ = Token("manager-2", Role::kManager);
  }

  std::string PurchaseBody(std::int64_t total_minor, const std::string& extra = "") const {
    return R"({"contact_id":)" + std::to_string(contact_) + R"(,"total_minor":)" + std::to_string(total_minor) +
           R"(,"currency":"EUR","occurred_at":")" + std::string(kMorning) + "\"" + extra + "}";
  }

  // Records a purchase; returns its answer (asserting 201).
  rapidjson::Document Purchase(std::int64_t total_minor, const std::string& extra = "") {
    const HttpResult result = Call("POST", "/api/v1/purchases", PurchaseBody(total_minor, extra));
    EXPECT_EQ(result.status, 201) << result.body;
    return Parse(result.body);
  }

  rapidjson::Document Summary() {
    const HttpResult result = Call("GET", "/api/v1/contacts/" + std::to_string(contact_) + "/loyalty");
    EXPECT_EQ(result.status, 200) << result.body;
    return Parse(result.body);
  }

  void ExpectBalances(std::int64_t balance, std::int64_t pending, std::int64_t earned_total) {
    const rapidjson::Document summary = Summary();
    EXPECT_EQ(summary["points_balance"].GetInt64(), balance);
    EXPECT_EQ(summary["points_pending"].GetInt64(), pending);
    EXPECT_EQ(summary["earned_total"].GetInt64(), earned_total);
  }

  void ExpectLedgerChecks() {
    const HttpResult result = Call("GET", "/api/v1/loyalty/check");
    ASSERT_EQ(result.status, 200) << result.body;
    const rapidjson::Document check = Parse(result.body);
    EXPECT_TRUE(check["ok"].GetBool()) << result.body;
    EXPECT_EQ(check["problems"].Size(), 0u) << result.body;
  }

  // Every ledger transaction id of the contact, following next cursors.
  std::vector<std::int64_t> LedgerIds(int limit, int* pages) {
    std::vector<std::int64_t> ids;
    std::string cursor;
    *pages = 0;
    for (int page = 0; page < 100; ++page) {
      std::string url =
          "/api/v1/contacts/" + std::to_string(contact_) + "/loyalty/ledger?limit=" + std::to_string(limit);
      if (!cursor.empty()) url += "&cursor=" + cursor;
      const HttpResult result = Call("GET", url);
      EXPECT_EQ(result.status, 200) << result.body;
      const rapidjson::Document body = Parse(result.body);
      ++*pages;
      for (const auto& item : body["items"].GetArray()) ids.push_back(item["id"].GetInt64());
      if (body["next"].IsNull()) break;
      cursor = body["next"].GetString();
    }
    return ids;
  }

  std::string other_manager_;
};

// ---------------------------------------------------------------------------
// Earning

TEST_F(LoyaltyApiTest, PurchasesEarnOnePointPerWholeUnitByDefault) {
  struct Case {
    std::int64_t total_minor;
    std::string extra;
    std::int64_t points;
  };
  const std::vector<Case> cases = {
      {12'345, "", 123},  // 123.45 EUR
      {99, "", 0},        // under one unit: nothing, no lot
      {5'000, R"(,"lines":[{"sku":"A-1","category":"shoes","quantity":2,"unit_price_minor":2500}])", 50},
      {100'000, R"(,"channel":"web","store":"Riga","company_id":null)", 1'000},
  };
  std::int64_t balance = 0;
  for (const Case& test : cases) {
    SCOPED_TRACE(test.total_minor);
    const rapidjson::Document answer = Purchase(test.total_minor, test.extra);
    balance += test.points;
    EXPECT_EQ(answer["points_earned"].GetInt64(), test.points);
    EXPECT_EQ(answer["purchase"]["points_earned"].GetInt64(), test.points);
    EXPECT_EQ(answer["purchase"]["total_minor"].GetInt64(), test.total_minor);
    EXPECT_EQ(Text(answer["purchase"]["currency"]), "EUR");
    EXPECT_EQ(Text(answer["purchase"]["occurred_at"]), kMorningAnswered);
    EXPECT_EQ(answer["purchase"]["rules_version"].GetInt64(), 0);
    EXPECT_TRUE(answer["purchase"]["company_id"].IsNull());
    EXPECT_EQ(answer["points_balance"].GetInt64(), balance);
    EXPECT_EQ(answer["points_pending"].GetInt64(), 0);
    std::int64_t explained = 0;
    for (const auto& step : answer["explanation"].GetArray()) explained += step["points"].GetInt64();
    EXPECT_EQ(explained, test.points) << "the explanation adds up to the points";
    if (test.points > 0) {
      ASSERT_TRUE(answer["lot"].IsObject());
      EXPECT_EQ(answer["lot"]["points"].GetInt64(), test.points);
      EXPECT_EQ(Text(answer["lot"]["state"]), "available");
      EXPECT_TRUE(answer["lot"]["expires_at"].IsNull());
      EXPECT_EQ(answer["lot"]["purchase_id"].GetInt64(), answer["purchase"]["id"].GetInt64());
    } else {
      EXPECT_TRUE(answer["lot"].IsNull());
    }
  }
  const rapidjson::Document shoes = Parse(Call("GET", "/api/v1/purchases/3").body);
  ASSERT_EQ(shoes["lines"].Size(), 1u);
  EXPECT_EQ(Text(shoes["lines"][0]["category"]), "shoes");
  EXPECT_EQ(shoes["lines"][0]["quantity"].GetInt64(), 2);
  EXPECT_EQ(shoes["refunds"].Size(), 0u);
  ExpectBalances(balance, 0, balance);
  ExpectLedgerChecks();
}

TEST_F(LoyaltyApiTest, BadPurchaseBodiesNameTheirField) {
  const std::string contact = std::to_string(contact_);
  const std::string base = R"("contact_id":)" + contact + R"(,"currency":"EUR","occurred_at":"2026-03-01T09:30:00Z")";
  std::string many_lines = "[";
  for (int i = 0; i <= 500; ++i) many_lines += std::string(i ? "," : "") + R"({"unit_price_minor":1})";
  many_lines += "]";
  struct Case {
    std::string body;
    int status;
    std::string code;
    std::string field;
  };
  const std::vector<Case> cases = {
      {R"({"currency":"EUR","total_minor":1,"occurred_at":"2026-03-01T09:30:00Z"})", 400, "validation_failed",
       "contact_id"},
      {"{" + base + R"(,"total_minor":"12"})", 400, "validation_failed", "total_minor"},
      {"{" + base + R"(,"total_minor":1,"colour":"red"})", 400, "validation_failed", "colour"},
      {R"({"contact_id":)" + contact + R"(,"currency":"EUR","total_minor":1,"occurred_at":"yesterday"})", 400,
       "validation_failed", "occurred_at"},
      {"{" + base + R"(,"total_minor":1,"lines":"shoes"})", 400, "validation_failed", "lines"},
      {"{" + base + R"(,"total_minor":1,"lines":[{"sku":"A"}]})", 400, "validation_failed",
       "lines[0].unit_price_minor"},
      {"{" + base + R"(,"total_minor":1,"company_id":-3})", 400, "validation_failed", "company_id"},
      {R"({"contact_id":999999,"currency":"EUR","total_minor":1,"occurred_at":"2026-03-01T09:30:00Z"})", 422,
       "invalid_purchase", "contact_id"},
      {R"({"contact_id":)" + contact + R"(,"currency":"EURO","total_minor":1,"occurred_at":"2026-03-01T09:30:00Z"})",
       422, "invalid_purchase", "currency"},
      {"{" + base + R"(,"total_minor":-5})", 422, "invalid_purchase", "total_minor"},
      {R"({"contact_id":)" + contact + R"(,"currency":"EUR","total_minor":1,"occurred_at":"2026-03-05T09:30:00Z"})",
       422, "invalid_purchase", "occurred_at"},
      {"{" + base + R"(,"total_minor":1,"lines":[{"quantity":0,"unit_price_minor":1}]})", 422, "invalid_purchase",
       "lines[0].quantity"},
      {"{" + base + R"(,"total_minor":1,"lines":)" + many_lines + "}", 422, "invalid_purchase", "lines"},
  };
  for (const Case& test : cases) {
    SCOPED_TRACE(test.body.substr(0, 160));
    const HttpResult result = Call("POST", "/api/v1/purchases", test.body);
    EXPECT_EQ(result.status, test.status) << result.body;
    const rapidjson::Document problem = Parse(result.body);
    EXPECT_EQ(Text(problem["code"]), test.code);
    EXPECT_TRUE(NamesField(problem, "errors", test.field)) << result.body;
  }
  // Exactly 500 lines is allowed.
  std::string lines = "[";
  for (int i = 0; i < 500; ++i) lines += std::string(i ? "," : "") + R"({"unit_price_minor":2})";
  lines += "]";
  EXPECT_EQ(Call("POST", "/api/v1/purchases", "{" + base + R"(,"total_minor":1000,"lines":)" + lines + "}").status,
            201);
  EXPECT_EQ(Call("POST", "/api/v1/purchases", "not json").status, 400);
  const rapidjson::Document page = Parse(Call("GET", "/api/v1/contacts/" + contact + "/purchases").body);
  EXPECT_EQ(page["items"].Size(), 1u) << "no refused body recorded anything";
}

// ---------------------------------------------------------------------------
// Idempotency

TEST_F(LoyaltyApiTest, AnIdempotencyKeyReplaysTheFirstAnswerByteForByte) {
  const std::string body = PurchaseBody(4'200);
  const Headers key = {{"Idempotency-Key", "order-7f3a"}};
  const HttpResult first = Call("POST", "/api/v1/purchases", body, nullptr, key);
  ASSERT_EQ(first.status, 201) << first.body;
  EXPECT_EQ(first.Header("idempotent-replayed"), "");
  clock_.Advance(std::chrono::minutes(5));  // the replay must not depend on the time

  const HttpResult again = Call("POST", "/api/v1/purchases", body, nullptr, key);
  EXPECT_EQ(again.status, 201);
  EXPECT_EQ(again.body, first.body);
  EXPECT_EQ(again.Header("idempotent-replayed"), "true");

  const HttpResult other_body = Call("POST", "/api/v1/purchases", PurchaseBody(4'300), nullptr, key);
  EXPECT_EQ(other_body.status, 422) << other_body.body;
  EXPECT_EQ(Text(Parse(other_body.body)["code"]), "idempotency_key_reused");

  // The same key from another principal is another request.
  const HttpResult other_caller = Call("POST", "/api/v1/purchases", body, &other_manager_, key);
  EXPECT_EQ(other_caller.status, 201) << other_caller.body;
  EXPECT_EQ(other_caller.Header("idempotent-replayed"), "");
  EXPECT_NE(Parse(other_caller.body)["purchase"]["id"].GetInt64(), Parse(first.body)["purchase"]["id"].GetInt64());

  for (const std::string& bad : {std::string(), std::string(256, 'k'), std::string("caf\xc3\xa9")}) {
    SCOPED_TRACE(bad);
    const HttpResult refused = Call("POST", "/api/v1/purchases", body, nullptr, {{"Idempotency-Key", bad}});
    EXPECT_EQ(refused.status, 400) << refused.body;
    EXPECT_EQ(Text(Parse(refused.body)["code"]), "invalid_idempotency_key");
  }
  EXPECT_EQ(Call("POST", "/api/v1/purchases", body, nullptr, {{"Idempotency-Key", std::string(255, 'k')}}).status, 201);
  ExpectBalances(42 * 3, 0, 42 * 3);  // first, the other caller's, the 255-byte key's
  ExpectLedgerChecks();
}

TEST_F(LoyaltyApiTest, AnExternalIdRetryReplaysAndOtherContentIsRefused) {
  const rapidjson::Document first = Purchase(7'000, R"(,"external_id":"pos-1-0042")");
  const HttpResult retry = Call("POST", "/api/v1/purchases", PurchaseBody(7'000, R"(,"external_id":"pos-1-0042")"));
  EXPECT_EQ(retry.status, 200) << retry.body;
  EXPECT_EQ(retry.Header("idempotent-replayed"), "true");
  const rapidjson::Document replay = Parse(retry.body);
  EXPECT_EQ(replay["purchase"]["id"].GetInt64(), first["purchase"]["id"].GetInt64());
  EXPECT_EQ(replay["points_earned"].GetInt64(), 70);
  EXPECT_EQ(replay["points_balance"].GetInt64(), 70);

  const HttpResult other = Call("POST", "/api/v1/purchases", PurchaseBody(7'001, R"(,"external_id":"pos-1-0042")"));
  EXPECT_EQ(other.status, 409) << other.body;
  EXPECT_EQ(Text(Parse(other.body)["code"]), "external_id_reused");
  ExpectBalances(70, 0, 70);
}

// ---------------------------------------------------------------------------
// Refunds and adjustments

TEST_F(LoyaltyApiTest, RefundsInPartsReverseExactlyWhatWasEarned) {
  const rapidjson::Document purchase = Purchase(999);  // 9.99 EUR: 9 points
  const std::string refunds = "/api/v1/purchases/" + std::to_string(purchase["purchase"]["id"].GetInt64()) + "/refunds";
  ASSERT_EQ(purchase["points_earned"].GetInt64(), 9);

  HttpResult result = Call("POST", refunds, R"({"amount_minor":500,"reason":"one sock","external_id":"r-1"})");
  ASSERT_EQ(result.status, 201) << result.body;
  rapidjson::Document half = Parse(result.body);
  const std::int64_t first_reversed = half["refund"]["points_reversed"].GetInt64();
  EXPECT_EQ(first_reversed, 9 * 500 / 999);
  EXPECT_EQ(half["purchase"]["refunded_minor"].GetInt64(), 500);
  EXPECT_EQ(half["points_balance"].GetInt64(), 9 - first_reversed);
  ExpectBalances(9 - first_reversed, 0, 9);

  const HttpResult retry = Call("POST", refunds, R"({"amount_minor":500,"reason":"one sock","external_id":"r-1"})");
  EXPECT_EQ(retry.status, 200) << retry.body;
  EXPECT_EQ(retry.Header("idempotent-replayed"), "true");
  EXPECT_EQ(Parse(retry.body)["refund"]["id"].GetInt64(), half["refund"]["id"].GetInt64());

  result = Call("POST", refunds, R"({"amount_minor":499})");
  ASSERT_EQ(result.status, 201) << result.body;
  const rapidjson::Document rest = Parse(result.body);
  EXPECT_EQ(first_reversed + rest["refund"]["points_reversed"].GetInt64(), 9) << "the halves add up exactly";
  EXPECT_EQ(rest["purchase"]["points_reversed"].GetInt64(), 9);
  EXPECT_EQ(rest["points_balance"].GetInt64(), 0);

  result = Call("POST", refunds, R"({"amount_minor":1})");
  EXPECT_EQ(result.status, 409) << result.body;
  EXPECT_EQ(Text(Parse(result.body)["code"]), "refund_exceeds_purchase");
  result = Call("POST", refunds, R"({"amount_minor":0})");
  EXPECT_EQ(result.status, 422) << result.body;
  EXPECT_TRUE(NamesField(Parse(result.body), "errors", "amount_minor"));
  EXPECT_EQ(Call("POST", "/api/v1/purchases/999999/refunds", R"({"amount_minor":1})").status, 404);

  const rapidjson::Document stored =
      Parse(Call("GET", "/api/v1/purchases/" + std::to_string(purchase["purchase"]["id"].GetInt64())).body);
  EXPECT_EQ(stored["refunded_minor"].GetInt64(), 999);
  EXPECT_EQ(stored["refunds"].Size(), 2u);
  EXPECT_EQ(Call("GET", "/api/v1/purchases/999999").status, 404);
  ExpectBalances(0, 0, 9);
  ExpectLedgerChecks();
}

TEST_F(LoyaltyApiTest, AdjustmentsMovePointsButNeverBelowZero) {
  const std::string adjustments = "/api/v1/contacts/" + std::to_string(contact_) + "/loyalty/adjustments";
  HttpResult result = Call("POST", adjustments, R"({"points":30,"reason":"goodwill for a late delivery"})");
  ASSERT_EQ(result.status, 201) << result.body;
  rapidjson::Document item = Parse(result.body);
  EXPECT_EQ(Text(item["kind"]), "adjust");
  EXPECT_EQ(item["points"].GetInt64(), 30);
  EXPECT_EQ(item["available_change"].GetInt64(), 30);
  EXPECT_EQ(Text(item["reason"]), "goodwill for a late delivery");
  std::int64_t sum = 0;
  for (const auto& entry : item["entries"].GetArray()) sum += entry["points"].GetInt64();
  EXPECT_EQ(sum, 0) << "double entry";
  ExpectBalances(30, 0, 0);

  result = Call("POST", adjustments, R"({"points":-20,"reason":"duplicate credit"})");
  ASSERT_EQ(result.status, 201) << result.body;
  EXPECT_EQ(Parse(result.body)["points"].GetInt64(), -20);
  ExpectBalances(10, 0, 0);

  struct Case {
    std::string body;
    int status;
    std::string code;
  };
  const std::vector<Case> refused = {
      {R"({"points":-11,"reason":"too much"})", 409, "insufficient_points"},
      {R"({"points":5})", 422, "invalid_adjustment"},
      {R"({"points":5,"reason":"  "})", 422, "invalid_adjustment"},
      {R"({"points":0,"reason":"nothing"})", 422, "invalid_adjustment"},
      {R"({"points":"5","reason":"text"})", 400, "validation_failed"},
  };
  for (const Case& test : refused) {
    SCOPED_TRACE(test.body);
    result = Call("POST", adjustments, test.body);
    EXPECT_EQ(result.status, test.status) << result.body;
    EXPECT_EQ(Text(Parse(result.body)["code"]), test.code);
  }
  EXPECT_EQ(Call("POST", "/api/v1/contacts/999999/loyalty/adjustments", R"({"points":5,"reason":"x"})").status, 404);
  ExpectBalances(10, 0, 0);
  ExpectLedgerChecks();
}

// ---------------------------------------------------------------------------
// Rules

TEST_F(LoyaltyApiTest, RulesAreReplacedWithAVersionCheck) {
  HttpResult result = Call("GET", "/api/v1/loyalty/rules");
  ASSERT_EQ(result.status, 200) << result.body;
  rapidjson::Document view = Parse(result.body);
  EXPECT_EQ(view["version"].GetInt64(), 0);
  EXPECT_TRUE(view["updated_at"].IsNull());
  ASSERT_EQ(view["rules"]["rates"].Size(), 1u);
  EXPECT_EQ(view["rules"]["rates"][0]["points"].GetInt64(), 1);

  const std::string double_points = R"({"version":0,"rules":{"rates":[{"currency":"","points":2,"per_units":1}]}})";
  result = Call("PUT", "/api/v1/loyalty/rules", double_points);
  ASSERT_EQ(result.status, 200) << result.body;
  view = Parse(result.body);
  EXPECT_EQ(view["version"].GetInt64(), 1);
  EXPECT_FALSE(view["updated_at"].IsNull());
  EXPECT_EQ(view["rules"]["rates"][0]["points"].GetInt64(), 2);
  EXPECT_EQ(Call("GET", "/api/v1/loyalty/rules", "", &agent_).body, result.body);

  result = Call("PUT", "/api/v1/loyalty/rules", double_points);  // still based on version 0
  EXPECT_EQ(result.status, 409) << result.body;
  EXPECT_EQ(Text(Parse(result.body)["code"]), "rules_changed");

  struct Case {
    std::string rules;
    std::string field;
  };
  const std::vector<Case> invalid = {
      {R"({"rates":[{"currency":"","points":1,"per_units":0}]})", "rates[0].per_units"},
      {R"({"time_zone":"Mars/Olympus_Mons"})", "time_zone"},
      {R"({"pending_days":"seven"})", "pending_days"},
      {R"({"bonus_everything":true})", "bonus_everything"},
  };
  for (const Case& test : invalid) {
    SCOPED_TRACE(test.rules);
    result = Call("PUT", "/api/v1/loyalty/rules", R"({"version":1,"rules":)" + test.rules + "}");
    EXPECT_EQ(result.status, 422) << result.body;
    const rapidjson::Document problem = Parse(result.body);
    EXPECT_EQ(Text(problem["code"]), "invalid_rules");
    EXPECT_TRUE(NamesField(problem, "problems", test.field)) << result.body;
  }
  EXPECT_EQ(Parse(Call("GET", "/api/v1/loyalty/rules").body)["version"].GetInt64(), 1) << "refused rules not saved";

  const rapidjson::Document purchase = Purchase(1'050);  // 10.50 EUR at 2 points per unit
  EXPECT_EQ(purchase["points_earned"].GetInt64(), 21);
  EXPECT_EQ(purchase["purchase"]["rules_version"].GetInt64(), 1);
}

// ---------------------------------------------------------------------------
// The statement of account

TEST_F(LoyaltyApiTest, TheStatementOfAccountPagesNewestFirstWithoutGaps) {
  Purchase(1'000);  // 10
  ExpectBalances(10, 0, 10);
  const rapidjson::Document big = Purchase(20'000);  // 200
  ExpectBalances(210, 0, 210);
  const std::string adjustments = "/api/v1/contacts/" + std::to_string(contact_) + "/loyalty/adjustments";
  ASSERT_EQ(Call("POST", adjustments, R"({"points":-60,"reason":"reward handed out in store"})").status, 201);
  ExpectBalances(150, 0, 210);
  const std::string refunds = "/api/v1/purchases/" + std::to_string(big["purchase"]["id"].GetInt64()) + "/refunds";
  ASSERT_EQ(Call("POST", refunds, R"({"amount_minor":10000})").status, 201);  // takes back 100
  ExpectBalances(50, 0, 210);
  Purchase(300);  // 3
  ASSERT_EQ(Call("POST", adjustments, R"({"points":7,"reason":"birthday"})").status, 201);
  Purchase(4'000);  // 40
  ExpectBalances(100, 0, 253);

  int pages = 0;
  const std::vector<std::int64_t> ids = LedgerIds(3, &pages);
  EXPECT_EQ(ids.size(), 7u);
  EXPECT_EQ(pages, 3);
  for (std::size_t i = 1; i < ids.size(); ++i) EXPECT_GT(ids[i - 1], ids[i]) << "newest first, no repeats";
  EXPECT_EQ(LedgerIds(500, &pages), ids) << "the same lines in one page";
  EXPECT_EQ(pages, 1);

  const rapidjson::Document page =
      Parse(Call("GET", "/api/v1/contacts/" + std::to_string(contact_) + "/loyalty/ledger?limit=500").body);
  std::int64_t balance = 0;
  std::vector<std::string> kinds;
  for (const auto& item : page["items"].GetArray()) {
    balance += item["points"].GetInt64();
    kinds.push_back(Text(item["kind"]));
  }
  EXPECT_EQ(balance, 100) << "the signed points add up to the balance";
  EXPECT_EQ(kinds, (std::vector<std::string>{"earn", "adjust", "earn", "refund", "adjust", "earn", "earn"}));
  const auto& newest = page["items"][0];
  EXPECT_FALSE(newest["purchase_id"].IsNull());
  EXPECT_TRUE(newest["refund_id"].IsNull());
  EXPECT_TRUE(newest["explanation"].IsObject() || newest["explanation"].IsArray());
  EXPECT_FALSE(page["items"][3]["refund_id"].IsNull());

  const rapidjson::Document summary = Summary();
  EXPECT_EQ(summary["contact_id"].GetInt64(), contact_);
  EXPECT_TRUE(summary["tier"].IsNull());
  EXPECT_EQ(Text(summary["last_activity_at"]), kMorningAnswered);
  std::int64_t remaining = 0;
  for (const auto& lot : summary["lots"].GetArray()) remaining += lot["remaining"].GetInt64();
  EXPECT_EQ(remaining, 100) << "the lots hold the balance";

  const std::string purchases = "/api/v1/contacts/" + std::to_string(contact_) + "/purchases";
  const rapidjson::Document first_page = Parse(Call("GET", purchases + "?limit=2").body);
  ASSERT_EQ(first_page["items"].Size(), 2u);
  ASSERT_TRUE(first_page["next"].IsString());
  const rapidjson::Document second_page =
      Parse(Call("GET", purchases + "?limit=2&cursor=" + Text(first_page["next"])).body);
  EXPECT_EQ(second_page["items"].Size(), 2u);
  EXPECT_TRUE(second_page["next"].IsNull());
  std::set<std::int64_t> purchase_ids;
  for (const auto* list : {&first_page, &second_page}) {
    for (const auto& item : (*list)["items"].GetArray()) purchase_ids.insert(item["id"].GetInt64());
  }
  EXPECT_EQ(purchase_ids.size(), 4u);

  EXPECT_EQ(Call("GET", purchases + "?cursor=abc").status, 400);
  EXPECT_EQ(Call("GET", purchases + "?limit=0").status, 400);
  EXPECT_EQ(Call("GET", "/api/v1/contacts/999999/loyalty").status, 404);
  const HttpResult check = Call("GET", "/api/v1/loyalty/check?contact_id=" + std::to_string(contact_));
  ASSERT_EQ(check.status, 200) << check.body;
  EXPECT_TRUE(Parse(check.body)["ok"].GetBool());
  EXPECT_EQ(Call("GET", "/api/v1/loyalty/check?contact_id=x").status, 400);
  ExpectLedgerChecks();
}

// ---------------------------------------------------------------------------
// Who may call what

TEST_F(LoyaltyApiTest, AgentsAndAnalystsReadManagersDoEverything) {
  const std::int64_t purchase = Purchase(1'000)["purchase"]["id"].GetInt64();
  const std::string contact = std::to_string(contact_);
  const std::vector<PermissionRow> rows = {
      {"POST", "/api/v1/purchases", "/api/v1/purchases", PurchaseBody(500), false},
      {"POST", "/api/v1/purchases/import", "/api/v1/purchases/import",
       PurchaseBody(500, R"(,"external_id":"matrix-import")"), false},
      {"GET", "/api/v1/purchases/{purchase_id}", "/api/v1/purchases/" + std::to_string(purchase), "", true},
      {"GET", "/api/v1/contacts/{contact_id}/purchases", "/api/v1/contacts/" + contact + "/purchases", "", true},
      {"POST", "/api/v1/purchases/{purchase_id}/refunds", "/api/v1/purchases/" + std::to_string(purchase) + "/refunds",
       R"({"amount_minor":100})", false},
      {"GET", "/api/v1/contacts/{contact_id}/loyalty", "/api/v1/contacts/" + contact + "/loyalty", "", true},
      {"GET", "/api/v1/contacts/{contact_id}/loyalty/ledger", "/api/v1/contacts/" + contact + "/loyalty/ledger", "",
       true},
      {"POST", "/api/v1/contacts/{contact_id}/loyalty/adjustments",
       "/api/v1/contacts/" + contact + "/loyalty/adjustments", R"({"points":1,"reason":"matrix"})", false},
      {"GET", "/api/v1/loyalty/rules", "/api/v1/loyalty/rules", "", true},
      {"PUT", "/api/v1/loyalty/rules", "/api/v1/loyalty/rules", R"({"version":0,"rules":{}})", false},
      {"GET", "/api/v1/loyalty/check", "/api/v1/loyalty/check", "", false},
  };

  // The rewards and programme routes (tags "rewards", "programme") have tables of their own in
  // reward_api_test.cc and programme_api_test.cc.
  ExpectPermissionTable("loyalty", rows);
}

TEST_F(LoyaltyApiTest, TheOpenApiDocumentDescribesEveryLoyaltyOperation) {
  EXPECT_EQ(ExpectDescribedInOpenApi("loyalty", [](std::string_view) { return false; }), 11);
}

}  // namespace
}  // namespace rapport::api_test

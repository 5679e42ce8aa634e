// Programme scenarios against the real server over a real SQLite store:
//  * coupons: create with a generated or an explicit code, a code in use 409,
//    field errors 422 invalid_coupon, malformed bodies 400, managers only;
//    list with filters and a cursor, patch (left-out members keep their
//    value, null clears), and the till's check (usable, used up, someone
//    else's personal coupon, expired, unknown code or contact);
//  * purchases with a points coupon (the bonus in the answer and the ledger)
//    and with a used-up coupon (422 on coupon_code, nothing written);
//  * referrals: a stable code, refer (201, a replay 200, own or unknown code
//    422, someone else's member 409), the first purchase paying both
//    bonuses, the graph on both cards, a referral_code on a first purchase;
//  * the welcome bonus on the first purchase only;
//  * tiers: an upgrade in the purchase's answer, the summary's current tier
//    and progress to the next, the members per tier;
//  * the rules round-trip with tiers, promotions and bonuses, their problems
//    by field path, and a promotion step in a purchase's explanation;
//  * who may call what, checked against every programme route the server
//    has, and the OpenAPI document describing each.
// The clock is fake: it stands at noon and moves only when a test moves it.
#include <map>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include "http_client.h"
#include "loyalty_api_fixture.h"
#include "router.h"
#include "routes/routes.h"

namespace rapport::api_test {
namespace {

constexpr std::int64_t kNowUnixSeconds = 1'772'366'400;  // 2026-03-01T12:00:00Z
constexpr std::string_view kMorning = "2026-03-01T09:30:00Z";

// Two tiers in EUR by spend: silver from 100.00, gold from 500.00.
constexpr std::string_view kTiers =
    R"("tiers":{"tiers":[{"key":"silver","name":"Silver","min_spend_minor":10000,"min_purchases":0,)"
    R"("earn_percent":100,"discount_percent":0,"sla_class":""},)"
    R"({"key":"gold","name":"Gold","min_spend_minor":50000,"min_purchases":0,"earn_percent":150,)"
    R"("discount_percent":5,"sla_class":"priority"}],"qualification":"spend","currency":"EUR",)"
    R"("window_months":12,"period_months":12,"grace_days":0})";

class ProgrammeApiTest : public LoyaltyApiFixture {
 protected:
  ProgrammeApiTest() : LoyaltyApiFixture("programme-api", FromUnixMicros(kNowUnixSeconds * 1'000'000)) {}

  std::string PurchaseBody(std::int64_t contact, std::int64_t total_minor, const std::string& extra = "",
                           std::string_view occurred_at = kMorning) const {
    return R"({"contact_id":)" + std::to_string(contact) + R"(,"total_minor":)" + std::to_string(total_minor) +
           R"(,"currency":"EUR","occurred_at":")" + std::string(occurred_at) + "\"" + extra + "}";
  }

  // Records a purchase; returns its answer (asserting 201).
  rapidjson::Document Purchase(std::int64_t contact, std::int64_t total_minor, const std::string& extra = "",
                               std::string_view occurred_at = kMorning) {
    const HttpResult result = Call("POST", "/api/v1/purchases", PurchaseBody(contact, total_minor, extra, occurred_at));
    EXPECT_EQ(result.status, 201) << result.body;
    return Parse(result.body);
  }

  // Replaces the rules with `members` (a JSON fragment of rules members) on the current version.
  void PutRules(const std::string& members) {
    const std::int64_t version = Parse(Call("GET", "/api/v1/loyalty/rules").body)["version"].GetInt64();
    const HttpResult result = Call("PUT", "/api/v1/loyalty/rules",
                                   R"({"version":)" + std::to_string(version) + R"(,"rules":{)" + members + "}}");
    ASSERT_EQ(result.status, 200) << result.body;
  }

  // Creates a coupon from a body; returns it (asserting 201).
  rapidjson::Document CreateCoupon(const std::string& body) {
    const HttpResult result = Call("POST", "/api/v1/coupons", body);
    EXPECT_EQ(result.status, 201) << result.body;
    return Parse(result.body);
  }

  rapidjson::Document Get(const std::string& target) {
    const HttpResult result = Call("GET", target);
    EXPECT_EQ(result.status, 200) << target << ": " << result.body;
    return Parse(result.body);
  }

  rapidjson::Document Ledger(std::int64_t contact) {
    return Get("/api/v1/contacts/" + std::to_string(contact) + "/loyalty/ledger");
  }

  std::string ReferralCode(std::int64_t contact) {
    const HttpResult result = Call("POST", "/api/v1/contacts/" + std::to_string(contact) + "/referral-code");
    EXPECT_EQ(result.status, 200) << result.body;
    return Text(Parse(result.body)["code"]);
  }

  HttpResult Refer(std::int64_t contact, const std::string& code) {
    return Call("POST", "/api/v1/referrals",
                R"({"contact_id":)" + std::to_string(contact) + R"(,"code":")" + code + "\"}");
  }

  // The ledger transaction of kind "bonus" with explanation rule `rule`, or nullptr.
  static const rapidjson::Value* BonusEntry(const rapidjson::Document& ledger, const std::string& rule) {
    for (const auto& item : ledger["items"].GetArray()) {
      if (Text(item["kind"]) == "bonus" && Text(item["explanation"]["rule"]) == rule) return &item;
    }
    return nullptr;
  }

  void ExpectLedgerChecks() {
    const HttpResult result = Call("GET", "/api/v1/loyalty/check");
    ASSERT_EQ(result.status, 200) << result.body;
    EXPECT_TRUE(Parse(result.body)["ok"].GetBool()) << result.body;
  }
};

// ---------------------------------------------------------------------------
// Coupons

TEST_F(ProgrammeApiTest, CouponsAreCreatedWithAGeneratedOrAnExplicitCode) {
  rapidjson::Document coupon = CreateCoupon(R"({"name":"Welcome back","kind":"points","points":200})");
  const std::string generated = Text(coupon["code"]);
  EXPECT_EQ(generated.size(), 8u);
  EXPECT_EQ(generated.find_first_not_of("ABCDEFGHJKMNPQRSTUVWXYZ23456789"), std::string::npos) << generated;
  EXPECT_EQ(Text(coupon["kind"]), "points");
  EXPECT_EQ(coupon["points"].GetInt64(), 200);
  EXPECT_EQ(coupon["percent_off"].GetInt64(), 0);
  EXPECT_EQ(Text(coupon["currency"]), "");
  EXPECT_TRUE(coupon["contact_id"].IsNull());
  EXPECT_TRUE(coupon["valid_from"].IsNull());
  EXPECT_TRUE(coupon["valid_until"].IsNull());
  EXPECT_TRUE(coupon["max_uses"].IsNull());
  EXPECT_EQ(coupon["max_uses_per_member"].GetInt64(), 1);
  EXPECT_EQ(coupon["uses"].GetInt64(), 0);
  EXPECT_TRUE(coupon["active"].GetBool());
  EXPECT_EQ(Text(coupon["created_at"]), "2026-03-01T12:00:00.000000Z");
  EXPECT_FALSE(Text(coupon["created_by"]).empty());

  coupon = CreateCoupon(R"({"code":"spring-10","name":"Spring","kind":"amount_off","amount_off_minor":1000,)"
                        R"("currency":"EUR","valid_from":"2026-03-01T00:00:00Z","valid_until":"2026-06-01T00:00:00Z",)"
                        R"("max_uses":100,"max_uses_per_member":2,"contact_id":)" +
                        std::to_string(contact_) + "}");
  const std::int64_t id = coupon["id"].GetInt64();
  EXPECT_EQ(Text(coupon["code"]), "SPRING-10") << "codes are stored upper-case";
  EXPECT_EQ(coupon["amount_off_minor"].GetInt64(), 1000);
  EXPECT_EQ(Text(coupon["currency"]), "EUR");
  EXPECT_EQ(coupon["contact_id"].GetInt64(), contact_);
  EXPECT_EQ(Text(coupon["valid_from"]), "2026-03-01T00:00:00.000000Z");
  EXPECT_EQ(Text(coupon["valid_until"]), "2026-06-01T00:00:00.000000Z");
  EXPECT_EQ(coupon["max_uses"].GetInt64(), 100);
  EXPECT_EQ(coupon["max_uses_per_member"].GetInt64(), 2);

  const HttpResult read = Call("GET", "/api/v1/coupons/" + std::to_string(id), "", &agent_);
  ASSERT_EQ(read.status, 200) << read.body;
  EXPECT_EQ(Text(Parse(read.body)["code"]), "SPRING-10");
  EXPECT_EQ(Call("GET", "/api/v1/coupons/999").status, 404);
  EXPECT_EQ(Call("GET", "/api/v1/coupons/abc").status, 400);

  const HttpResult taken = Call("POST", "/api/v1/coupons",
                                R"({"code":"Spring-10","name":"Again","kind":"percent_off",)"
                                R"("percent_off":10})");
  EXPECT_EQ(taken.status, 409) << taken.body;
  const rapidjson::Document problem = Parse(taken.body);
  EXPECT_EQ(Text(problem["code"]), "coupon_code_taken");
  EXPECT_TRUE(NamesField(problem, "errors", "code")) << taken.body;

  const HttpResult forbidden =
      Call("POST", "/api/v1/coupons", R"({"name":"Mine","kind":"points","points":5})", &agent_);
  EXPECT_EQ(forbidden.status, 403) << forbidden.body;
  EXPECT_EQ(Get("/api/v1/coupons?include_inactive=true")["items"].Size(), 2u) << "the refused ones were not written";
}

TEST_F(ProgrammeApiTest, BadCouponBodiesNameTheirField) {
  struct Case {
    std::string body;
    int status;
    std::string code;
    std::string field;
  };
  const std::vector<Case> cases = {
      {R"({"kind":"points","points":5})", 400, "validation_failed", "name"},
      {R"({"name":"A","points":5})", 400, "validation_failed", "kind"},
      {R"({"name":"A","kind":"points","points":"five"})", 400, "validation_failed", "points"},
      {R"({"name":"A","kind":"points","points":5,"colour":"red"})", 400, "validation_failed", "colour"},
      {R"({"name":"A","kind":"points","points":5,"valid_until":"soon"})", 400, "validation_failed", "valid_until"},
      {R"({"name":"A","kind":"voucher"})", 422, "invalid_coupon", "kind"},
      {R"({"name":"","kind":"points","points":5})", 422, "invalid_coupon", "name"},
      {R"({"name":"A","kind":"points","points":0})", 422, "invalid_coupon", "points"},
      {R"({"name":"A","kind":"percent_off","percent_off":101})", 422, "invalid_coupon", "percent_off"},
      {R"({"name":"A","kind":"amount_off","amount_off_minor":100,"currency":"EURO"})", 422, "invalid_coupon",
       "currency"},
      {R"({"name":"A","kind":"points","points":5,"code":"a b"})", 422, "invalid_coupon", "code"},
      {R"({"name":"A","kind":"points","points":5,"max_uses":0})", 422, "invalid_coupon", "max_uses"},
      {R"({"name":"A","kind":"points","points":5,"contact_id":999})", 422, "invalid_coupon", "contact_id"},
      {R"({"name":"A","kind":"points","points":5,"valid_from":"2026-03-02T00:00:00Z",)"
       R"("valid_until":"2026-03-01T00:00:00Z"})",
       422, "invalid_coupon", "valid_until"},
  };
  for (const Case& test : cases) {
    SCOPED_TRACE(test.body);
    const HttpResult result = Call("POST", "/api/v1/coupons", test.body);
    EXPECT_EQ(result.status, test.status) << result.body;
    const rapidjson::Document problem = Parse(result.body);
    EXPECT_EQ(Text(problem["code"]), test.code);
    EXPECT_TRUE(NamesField(problem, "errors", test.field)) << result.body;
  }
  EXPECT_EQ(Call("POST", "/api/v1/coupons", "[1]").status, 400);
  EXPECT_EQ(Get("/api/v1/coupons?include_inactive=true")["items"].Size(), 0u);
}

TEST_F(ProgrammeApiTest, CouponsAreListedPatchedAndFiltered) {
  const std::int64_t first = CreateCoupon(R"({"name":"One","kind":"points","points":10})")["id"].GetInt64();
  const std::int64_t second = CreateCoupon(R"({"name":"Two","kind":"percent_off","percent_off":15,"contact_id":)" +
                                           std::to_string(contact_) + "}")["id"]
                                  .GetInt64();
  const std::int64_t third = CreateCoupon(R"({"name":"Three","kind":"points","points":30,"max_uses":3,)"
                                          R"("valid_until":"2026-12-31T00:00:00Z"})")["id"]
                                 .GetInt64();

  rapidjson::Document page = Get("/api/v1/coupons?limit=2");
  ASSERT_EQ(page["items"].Size(), 2u);
  EXPECT_EQ(page["items"][0]["id"].GetInt64(), third) << "newest first";
  EXPECT_EQ(page["items"][1]["id"].GetInt64(), second);
  ASSERT_TRUE(page["next"].IsString());
  page = Get("/api/v1/coupons?limit=2&before=" + Text(page["next"]));
  ASSERT_EQ(page["items"].Size(), 1u);
  EXPECT_EQ(page["items"][0]["id"].GetInt64(), first);
  EXPECT_TRUE(page["next"].IsNull());

  page = Get("/api/v1/coupons?contact_id=" + std::to_string(contact_));
  ASSERT_EQ(page["items"].Size(), 1u);
  EXPECT_EQ(page["items"][0]["id"].GetInt64(), second);

  // A patch changes only the members it names.
  HttpResult result = Call("PATCH", "/api/v1/coupons/" + std::to_string(third), R"({"active":false})");
  ASSERT_EQ(result.status, 200) << result.body;
  rapidjson::Document coupon = Parse(result.body);
  EXPECT_FALSE(coupon["active"].GetBool());
  EXPECT_EQ(coupon["max_uses"].GetInt64(), 3);
  EXPECT_EQ(Text(coupon["valid_until"]), "2026-12-31T00:00:00.000000Z");
  EXPECT_EQ(Text(coupon["name"]), "Three");

  result = Call("PATCH", "/api/v1/coupons/" + std::to_string(third), R"({"max_uses":null,"valid_until":null})");
  ASSERT_EQ(result.status, 200) << result.body;
  coupon = Parse(result.body);
  EXPECT_TRUE(coupon["max_uses"].IsNull());
  EXPECT_TRUE(coupon["valid_until"].IsNull());
  EXPECT_FALSE(coupon["active"].GetBool()) << "left out: kept";

  result = Call("PATCH", "/api/v1/coupons/" + std::to_string(third), R"({"max_uses":7,"active":true})");
  ASSERT_EQ(result.status, 200) << result.body;
  EXPECT_EQ(Parse(result.body)["max_uses"].GetInt64(), 7);
  EXPECT_TRUE(Parse(result.body)["active"].GetBool());
  EXPECT_EQ(Get("/api/v1/coupons/" + std::to_string(third))["max_uses"].GetInt64(), 7);

  result = Call("PATCH", "/api/v1/coupons/" + std::to_string(first), R"({"max_uses":0})");
  EXPECT_EQ(result.status, 422) << result.body;
  EXPECT_TRUE(NamesField(Parse(result.body), "errors", "max_uses"));
  EXPECT_EQ(Call("PATCH", "/api/v1/coupons/" + std::to_string(first), R"({"name":"x"})").status, 400);
  EXPECT_EQ(Call("PATCH", "/api/v1/coupons/999", R"({"active":false})").status, 404);
  EXPECT_EQ(Call("PATCH", "/api/v1/coupons/" + std::to_string(first), R"({"active":false})", &agent_).status, 403);

  ASSERT_EQ(Call("PATCH", "/api/v1/coupons/" + std::to_string(first), R"({"active":false})").status, 200);
  EXPECT_EQ(Get("/api/v1/coupons")["items"].Size(), 2u) << "the inactive one is left out";
  EXPECT_EQ(Get("/api/v1/coupons?include_inactive=true")["items"].Size(), 3u);
  EXPECT_EQ(Call("GET", "/api/v1/coupons?include_inactive=maybe").status, 400);
  EXPECT_EQ(Call("GET", "/api/v1/coupons?before=x").status, 400);
  EXPECT_EQ(Call("GET", "/api/v1/coupons?limit=501").status, 400);
  EXPECT_EQ(Call("GET", "/api/v1/coupons?contact_id=-1").status, 400);
}

TEST_F(ProgrammeApiTest, TheTillChecksACouponBeforeThePurchase) {
  const std::int64_t other = CreateContact("Grace");
  CreateCoupon(R"({"code":"TEN","name":"Ten","kind":"points","points":10})");
  CreateCoupon(R"({"code":"ONCE","name":"Once","kind":"points","points":10,"max_uses":1})");
  CreateCoupon(R"({"code":"GRACE-ONLY","name":"Hers","kind":"percent_off","percent_off":20,"contact_id":)" +
               std::to_string(other) + "}");
  CreateCoupon(R"({"code":"WINTER","name":"Winter","kind":"points","points":10,)"
               R"("valid_until":"2026-02-28T00:00:00Z"})");
  const std::string ada = std::to_string(contact_);
  const auto check = [&](const std::string& code, const std::string& contact) {
    return Get("/api/v1/coupons/check?code=" + code + "&contact_id=" + contact + "&currency=EUR");
  };

  rapidjson::Document answer = check("ten", ada);
  EXPECT_TRUE(answer["usable"].GetBool());
  EXPECT_EQ(Text(answer["problem"]), "");
  ASSERT_TRUE(answer["coupon"].IsObject());
  EXPECT_EQ(Text(answer["coupon"]["code"]), "TEN");

  Purchase(std::stoll(ada), 1'000, R"(,"coupon_code":"once")");
  answer = check("ONCE", std::to_string(other));
  EXPECT_FALSE(answer["usable"].GetBool());
  EXPECT_NE(Text(answer["problem"]).find("used up"), std::string::npos) << Text(answer["problem"]);
  EXPECT_EQ(answer["coupon"]["uses"].GetInt64(), 1);

  answer = check("GRACE-ONLY", ada);
  EXPECT_FALSE(answer["usable"].GetBool());
  EXPECT_NE(Text(answer["problem"]).find("another member"), std::string::npos) << Text(answer["problem"]);
  EXPECT_TRUE(check("GRACE-ONLY", std::to_string(other))["usable"].GetBool());

  answer = check("WINTER", ada);
  EXPECT_FALSE(answer["usable"].GetBool());
  EXPECT_NE(Text(answer["problem"]).find("expired"), std::string::npos) << Text(answer["problem"]);
  // At a time inside its window it was usable.
  answer = Get("/api/v1/coupons/check?code=WINTER&contact_id=" + ada + "&at=2026-02-01T10:00:00Z");
  EXPECT_TRUE(answer["usable"].GetBool()) << Text(answer["problem"]);

  answer = check("NOPE", ada);
  EXPECT_FALSE(answer["usable"].GetBool());
  EXPECT_TRUE(answer["coupon"].IsNull());
  EXPECT_FALSE(Text(answer["problem"]).empty());

  EXPECT_EQ(Call("GET", "/api/v1/coupons/check?code=TEN&contact_id=999").status, 404);
  EXPECT_EQ(Call("GET", "/api/v1/coupons/check?contact_id=" + ada).status, 400);
  EXPECT_EQ(Call("GET", "/api/v1/coupons/check?code=TEN").status, 400);
  EXPECT_EQ(Call("GET", "/api/v1/coupons/check?code=TEN&contact_id=" + ada + "&at=later").status, 400);
  EXPECT_EQ(Call("GET", "/api/v1/coupons/check?code=TEN&contact_id=" + ada, "", &analyst_).status, 200);
}

TEST_F(ProgrammeApiTest, APointsCouponOnAPurchaseCreditsItsBonus) {
  const std::int64_t id =
      CreateCoupon(R"({"code":"BONUS50","name":"Fifty","kind":"points","points":50})")["id"].GetInt64();
  const rapidjson::Document answer = Purchase(contact_, 2'000, R"(,"coupon_code":" bonus50 ")");
  EXPECT_EQ(answer["points_earned"].GetInt64(), 20);
  ASSERT_TRUE(answer["coupon"].IsObject()) << "coupon";
  EXPECT_EQ(answer["coupon"]["id"].GetInt64(), id);
  EXPECT_EQ(Text(answer["coupon"]["code"]), "BONUS50");
  EXPECT_EQ(Text(answer["coupon"]["kind"]), "points");
  EXPECT_EQ(answer["coupon"]["points"].GetInt64(), 50);
  EXPECT_TRUE(answer["coupon"]["use_id"].IsInt64());
  ASSERT_EQ(answer["bonuses"].Size(), 1u);
  const auto& bonus = answer["bonuses"][0];
  EXPECT_EQ(Text(bonus["kind"]), "coupon");
  EXPECT_EQ(bonus["contact_id"].GetInt64(), contact_);
  EXPECT_EQ(bonus["points"].GetInt64(), 50);
  EXPECT_EQ(answer["points_balance"].GetInt64(), 70);
  EXPECT_TRUE(answer["tier"].IsNull()) << "no tiers";

  const rapidjson::Document ledger = Ledger(contact_);
  const rapidjson::Value* entry = BonusEntry(ledger, "coupon");
  ASSERT_NE(entry, nullptr);
  EXPECT_EQ((*entry)["id"].GetInt64(), bonus["transaction_id"].GetInt64());
  EXPECT_EQ((*entry)["points"].GetInt64(), 50);
  EXPECT_EQ((*entry)["purchase_id"].GetInt64(), answer["purchase"]["id"].GetInt64());
  EXPECT_EQ(Text((*entry)["reason"]), Text((*entry)["explanation"]["detail"]));
  EXPECT_EQ(Get("/api/v1/coupons/" + std::to_string(id))["uses"].GetInt64(), 1);
  ExpectLedgerChecks();
}

TEST_F(ProgrammeApiTest, AUsedUpCouponRefusesThePurchaseAndWritesNothing) {
  CreateCoupon(R"({"code":"LAST","name":"Last one","kind":"points","points":50,"max_uses":1})");
  Purchase(contact_, 1'000, R"(,"coupon_code":"LAST")");
  const std::int64_t other = CreateContact("Grace");
  const std::string before = Call("GET", "/api/v1/loyalty/check").body;

  HttpResult result = Call("POST", "/api/v1/purchases", PurchaseBody(other, 1'000, R"(,"coupon_code":"LAST")"));
  EXPECT_EQ(result.status, 422) << result.body;
  rapidjson::Document problem = Parse(result.body);
  EXPECT_EQ(Text(problem["code"]), "invalid_purchase");
  EXPECT_TRUE(NamesField(problem, "errors", "coupon_code")) << result.body;
  result = Call("POST", "/api/v1/purchases", PurchaseBody(other, 1'000, R"(,"coupon_code":"NO-SUCH")"));
  EXPECT_EQ(result.status, 422) << result.body;
  EXPECT_TRUE(NamesField(Parse(result.body), "errors", "coupon_code")) << result.body;

  EXPECT_EQ(Get("/api/v1/contacts/" + std::to_string(other) + "/purchases")["items"].Size(), 0u);
  EXPECT_EQ(Ledger(other)["items"].Size(), 0u);
  EXPECT_EQ(Get("/api/v1/contacts/" + std::to_string(other) + "/loyalty")["points_balance"].GetInt64(), 0);
  EXPECT_EQ(Call("GET", "/api/v1/loyalty/check").body, before) << "the ledger is as it was";
  EXPECT_EQ(Get("/api/v1/coupons?include_inactive=true")["items"][0]["uses"].GetInt64(), 1);
}

// ---------------------------------------------------------------------------
// Referrals and bonuses

TEST_F(ProgrammeApiTest, AReferralPaysBothMembersOnTheFirstPurchase) {
  PutRules(R"("bonuses":{"referral_referrer":100,"referral_referred":30,"referral_minimum_minor":1000})");
  const std::string code = ReferralCode(contact_);
  EXPECT_FALSE(code.empty());
  EXPECT_EQ(ReferralCode(contact_), code) << "the same code every time";
  const std::int64_t newcomer = CreateContact("Grace");

  HttpResult result = Refer(newcomer, code);
  ASSERT_EQ(result.status, 201) << result.body;
  rapidjson::Document referral = Parse(result.body);
  const std::int64_t referral_id = referral["id"].GetInt64();
  EXPECT_EQ(referral["referrer_id"].GetInt64(), contact_);
  EXPECT_EQ(referral["referred_id"].GetInt64(), newcomer);
  EXPECT_EQ(Text(referral["code"]), code);
  EXPECT_EQ(Text(referral["state"]), "pending");
  EXPECT_TRUE(referral["purchase_id"].IsNull());
  EXPECT_TRUE(referral["rewarded_at"].IsNull());

  result = Refer(newcomer, code);  // a replay
  ASSERT_EQ(result.status, 200) << result.body;
  EXPECT_EQ(Parse(result.body)["id"].GetInt64(), referral_id);

  result = Refer(contact_, code);
  EXPECT_EQ(result.status, 422) << result.body;
  EXPECT_EQ(Text(Parse(result.body)["code"]), "invalid_referral");
  EXPECT_TRUE(NamesField(Parse(result.body), "errors", "code")) << result.body;
  result = Refer(newcomer, "NOSUCHCODE");
  EXPECT_EQ(result.status, 422) << result.body;
  const std::int64_t third = CreateContact("Linus");
  result = Refer(newcomer, ReferralCode(third));
  EXPECT_EQ(result.status, 409) << result.body;
  EXPECT_EQ(Text(Parse(result.body)["code"]), "referral_refused");
  EXPECT_EQ(Refer(999, code).status, 404);
  EXPECT_EQ(Call("POST", "/api/v1/referrals", R"({"contact_id":1})").status, 400);

  // The referral was made at noon; the first purchase comes after it.
  clock_.Advance(Microseconds(3'600'000'000));
  const rapidjson::Document answer = Purchase(newcomer, 2'500, "", "2026-03-01T12:30:00Z");
  std::map<std::string, std::pair<std::int64_t, std::int64_t>> bonuses;  // kind → (contact, points)
  for (const auto& bonus : answer["bonuses"].GetArray()) {
    bonuses[Text(bonus["kind"])] = {bonus["contact_id"].GetInt64(), bonus["points"].GetInt64()};
  }
  EXPECT_EQ(bonuses.size(), 2u) << "no welcome bonus configured";
  EXPECT_EQ(bonuses["referral"], std::make_pair(newcomer, std::int64_t{30}));
  EXPECT_EQ(bonuses["referrer"], std::make_pair(contact_, std::int64_t{100}));
  EXPECT_NE(BonusEntry(Ledger(contact_), "referral"), nullptr);
  EXPECT_NE(BonusEntry(Ledger(newcomer), "referral"), nullptr);
  EXPECT_EQ(Get("/api/v1/contacts/" + std::to_string(contact_) + "/loyalty")["points_balance"].GetInt64(), 100);

  // The graph on both cards.
  rapidjson::Document graph = Get("/api/v1/contacts/" + std::to_string(contact_) + "/referrals");
  EXPECT_EQ(Text(graph["code"]), code);
  EXPECT_TRUE(graph["referred_by"].IsNull());
  ASSERT_EQ(graph["referrals"].Size(), 1u);
  EXPECT_EQ(graph["referrals"][0]["id"].GetInt64(), referral_id);
  EXPECT_EQ(Text(graph["referrals"][0]["state"]), "rewarded");
  EXPECT_EQ(graph["referrals"][0]["purchase_id"].GetInt64(), answer["purchase"]["id"].GetInt64());
  EXPECT_TRUE(graph["referrals"][0]["rewarded_at"].IsString());
  EXPECT_EQ(graph["rewarded"].GetInt64(), 1);
  EXPECT_TRUE(graph["next"].IsNull());
  graph = Get("/api/v1/contacts/" + std::to_string(newcomer) + "/referrals");
  EXPECT_TRUE(graph["code"].IsNull());
  ASSERT_TRUE(graph["referred_by"].IsObject());
  EXPECT_EQ(graph["referred_by"]["referrer_id"].GetInt64(), contact_);
  EXPECT_EQ(graph["referrals"].Size(), 0u);
  EXPECT_EQ(graph["rewarded"].GetInt64(), 0);
  EXPECT_EQ(Call("GET", "/api/v1/contacts/999/referrals").status, 404);

  // A member who already bought cannot be referred any more.
  const std::int64_t buyer = CreateContact("Ken");
  Purchase(buyer, 100);
  result = Refer(buyer, code);
  EXPECT_EQ(result.status, 409) << result.body;
  ExpectLedgerChecks();
}

TEST_F(ProgrammeApiTest, AReferralCodeOnAFirstPurchaseRecordsTheReferral) {
  PutRules(R"("bonuses":{"referral_referrer":100,"referral_referred":30})");
  const std::string code = ReferralCode(contact_);
  const std::int64_t newcomer = CreateContact("Grace");
  const rapidjson::Document answer = Purchase(newcomer, 1'000, R"(,"referral_code":")" + code + "\"");
  EXPECT_EQ(answer["bonuses"].Size(), 2u);
  rapidjson::Document graph = Get("/api/v1/contacts/" + std::to_string(contact_) + "/referrals?limit=1");
  ASSERT_EQ(graph["referrals"].Size(), 1u);
  EXPECT_EQ(graph["referrals"][0]["referred_id"].GetInt64(), newcomer);
  EXPECT_EQ(graph["rewarded"].GetInt64(), 1);

  // Not on a later purchase, nor the member's own code.
  HttpResult result =
      Call("POST", "/api/v1/purchases", PurchaseBody(contact_, 1'000, R"(,"referral_code":")" + code + "\""));
  EXPECT_EQ(result.status, 422) << result.body;
  EXPECT_TRUE(NamesField(Parse(result.body), "errors", "referral_code")) << result.body;
  const std::int64_t late = CreateContact("Ken");
  Purchase(late, 100);
  result = Call("POST", "/api/v1/purchases", PurchaseBody(late, 1'000, R"(,"referral_code":")" + code + "\""));
  EXPECT_EQ(result.status, 422) << result.body;
  EXPECT_TRUE(NamesField(Parse(result.body), "errors", "referral_code")) << result.body;
}

TEST_F(ProgrammeApiTest, TheWelcomeBonusComesWithTheFirstPurchaseOnly) {
  PutRules(R"("bonuses":{"welcome":75})");
  rapidjson::Document answer = Purchase(contact_, 1'000);
  ASSERT_EQ(answer["bonuses"].Size(), 1u);
  EXPECT_EQ(Text(answer["bonuses"][0]["kind"]), "welcome");
  EXPECT_EQ(answer["bonuses"][0]["points"].GetInt64(), 75);
  EXPECT_EQ(answer["bonuses"][0]["contact_id"].GetInt64(), contact_);
  EXPECT_TRUE(answer["coupon"].IsNull());
  EXPECT_EQ(answer["points_balance"].GetInt64(), 85);

  answer = Purchase(contact_, 1'000);
  EXPECT_EQ(answer["bonuses"].Size(), 0u);
  EXPECT_EQ(answer["points_balance"].GetInt64(), 95);

  const rapidjson::Document ledger = Ledger(contact_);
  const rapidjson::Value* entry = BonusEntry(ledger, "welcome");
  ASSERT_NE(entry, nullptr);
  EXPECT_EQ((*entry)["points"].GetInt64(), 75);
  EXPECT_EQ(Text((*entry)["explanation"]["key"]), "welcome");
  int bonuses = 0;
  for (const auto& item : ledger["items"].GetArray()) bonuses += Text(item["kind"]) == "bonus" ? 1 : 0;
  EXPECT_EQ(bonuses, 1);
  ExpectLedgerChecks();
}

// ---------------------------------------------------------------------------
// Tiers and promotions

TEST_F(ProgrammeApiTest, APurchaseThatQualifiesUpgradesTheTier) {
  rapidjson::Document summary = Get("/api/v1/contacts/" + std::to_string(contact_) + "/loyalty");
  EXPECT_TRUE(summary["tier"].IsNull()) << "no tiers yet";
  PutRules(std::string(kTiers));

  summary = Get("/api/v1/contacts/" + std::to_string(contact_) + "/loyalty");
  ASSERT_TRUE(summary["tier"].IsObject());
  EXPECT_TRUE(summary["tier"]["current"].IsNull());
  EXPECT_EQ(Text(summary["tier"]["next"]["key"]), "silver");
  EXPECT_EQ(summary["tier"]["progress"]["spend_to_next_minor"].GetInt64(), 10'000);

  rapidjson::Document answer = Purchase(contact_, 4'000);
  EXPECT_TRUE(answer["tier"].IsNull()) << "not enough for silver";
  answer = Purchase(contact_, 11'000);
  ASSERT_TRUE(answer["tier"].IsObject()) << "upgrade";
  EXPECT_EQ(Text(answer["tier"]["change"]), "upgrade");
  EXPECT_TRUE(answer["tier"]["from"].IsNull());
  EXPECT_EQ(Text(answer["tier"]["to"]), "silver");
  EXPECT_EQ(Text(answer["tier"]["review_at"]), "2027-03-01T09:30:00.000000Z");
  EXPECT_TRUE(answer["tier"]["grace_until"].IsNull());

  summary = Get("/api/v1/contacts/" + std::to_string(contact_) + "/loyalty");
  const auto& tier = summary["tier"];
  ASSERT_TRUE(tier["current"].IsObject());
  EXPECT_EQ(Text(tier["current"]["key"]), "silver");
  EXPECT_EQ(Text(tier["current"]["name"]), "Silver");
  EXPECT_EQ(tier["current"]["earn_percent"].GetInt64(), 100);
  EXPECT_EQ(Text(tier["since"]), "2026-03-01T09:30:00.000000Z");
  EXPECT_EQ(Text(tier["review_at"]), "2027-03-01T09:30:00.000000Z");
  EXPECT_TRUE(tier["grace_until"].IsNull());
  ASSERT_TRUE(tier["next"].IsObject());
  EXPECT_EQ(Text(tier["next"]["key"]), "gold");
  EXPECT_EQ(tier["next"]["min_spend_minor"].GetInt64(), 50'000);
  EXPECT_EQ(tier["progress"]["spend_minor"].GetInt64(), 15'000);
  EXPECT_EQ(tier["progress"]["purchases"].GetInt64(), 2);
  EXPECT_EQ(tier["progress"]["spend_to_next_minor"].GetInt64(), 35'000);
  EXPECT_EQ(tier["progress"]["spend_to_keep_minor"].GetInt64(), 0);
  EXPECT_EQ(Text(tier["currency"]), "EUR");
  EXPECT_EQ(tier["window_months"].GetInt64(), 12);

  Purchase(CreateContact("Grace"), 60'000);  // straight to gold
  const rapidjson::Document tiers = Get("/api/v1/loyalty/tiers");
  ASSERT_EQ(tiers["programme"]["tiers"].Size(), 2u);
  EXPECT_EQ(Text(tiers["programme"]["tiers"][1]["key"]), "gold");
  EXPECT_EQ(Text(tiers["programme"]["qualification"]), "spend");
  EXPECT_EQ(Text(tiers["programme"]["currency"]), "EUR");
  std::map<std::string, std::int64_t> members;
  for (const auto& count : tiers["members"].GetArray()) members[Text(count["tier_key"])] = count["members"].GetInt64();
  EXPECT_EQ(members, (std::map<std::string, std::int64_t>{{"gold", 1}, {"silver", 1}}));
}

TEST_F(ProgrammeApiTest, RulesRoundTripWithTiersPromotionsAndBonuses) {
  const std::string promotions =
      R"("promotions":[{"key":"spring","name":"Spring","starts_at":"2026-03-01T00:00:00Z",)"
      R"("ends_at":"2026-04-01T00:00:00Z","category":"","channel":"","percent":200,"bonus_points":5}])";
  const std::string bonuses = R"("bonuses":{"welcome":10,"birthday":20,"referral_referrer":30,"referral_referred":40,)"
                              R"("referral_minimum_minor":500,"referral_deadline_days":60,"referral_limit":3})";
  PutRules(std::string(kTiers) + "," + promotions + "," + bonuses);
  const rapidjson::Document view = Get("/api/v1/loyalty/rules");
  const auto& rules = view["rules"];
  ASSERT_EQ(rules["tiers"]["tiers"].Size(), 2u);
  EXPECT_EQ(Text(rules["tiers"]["tiers"][1]["sla_class"]), "priority");
  EXPECT_EQ(rules["tiers"]["tiers"][1]["earn_percent"].GetInt64(), 150);
  EXPECT_EQ(rules["tiers"]["period_months"].GetInt64(), 12);
  ASSERT_EQ(rules["promotions"].Size(), 1u);
  EXPECT_EQ(Text(rules["promotions"][0]["key"]), "spring");
  EXPECT_EQ(Text(rules["promotions"][0]["ends_at"]), "2026-04-01T00:00:00.000000Z");
  EXPECT_EQ(rules["promotions"][0]["percent"].GetInt64(), 200);
  EXPECT_EQ(rules["bonuses"]["welcome"].GetInt64(), 10);
  EXPECT_EQ(rules["bonuses"]["referral_deadline_days"].GetInt64(), 60);
  EXPECT_EQ(rules["bonuses"]["referral_limit"].GetInt64(), 3);
  // What was read is accepted back unchanged.
  rapidjson::Document again = Parse(Call("GET", "/api/v1/loyalty/rules").body);
  const std::string version = std::to_string(again["version"].GetInt64());
  const std::string rules_text = [&] {
    const HttpResult raw = Call("GET", "/api/v1/loyalty/rules");
    const std::size_t start = raw.body.find("\"rules\":") + 8;
    return raw.body.substr(start, raw.body.size() - start - 1);
  }();
  HttpResult result =
      Call("PUT", "/api/v1/loyalty/rules", R"({"version":)" + version + R"(,"rules":)" + rules_text + "}");
  ASSERT_EQ(result.status, 200) << result.body;
  EXPECT_EQ(Parse(result.body)["rules"]["promotions"][0]["bonus_points"].GetInt64(), 5);

  // A promotion step in a purchase's explanation: 10 base points, 10 more at 200% and 5 flat.
  const rapidjson::Document answer = Purchase(contact_, 1'000);
  bool promoted = false;
  std::int64_t explained = 0;
  for (const auto& step : answer["explanation"].GetArray()) {
    explained += step["points"].GetInt64();
    if (Text(step["rule"]) == "promotion") {
      promoted = true;
      EXPECT_NE(Text(step["detail"]).find("Spring"), std::string::npos) << Text(step["detail"]);
      EXPECT_EQ(step["points"].GetInt64(), 15);
    }
  }
  EXPECT_TRUE(promoted) << "a promotion step";
  EXPECT_EQ(answer["points_earned"].GetInt64(), 25);
  EXPECT_EQ(explained, 25);

  struct Case {
    std::string rules;
    std::string field;
  };
  const std::vector<Case> invalid = {
      {R"({"tiers":{"tiers":[{"key":"silver","name":"Silver","min_spend_minor":10000},)"
       R"({"key":"gold","name":"Gold","min_spend_minor":5000}],"currency":"EUR"}})",
       "tiers.tiers[1].min_spend_minor"},
      {R"({"promotions":[{"key":"p","name":"P","starts_at":"2026-03-02T00:00:00Z","ends_at":"2026-03-01T00:00:00Z"}]})",
       "promotions[0].ends_at"},
      {R"({"bonuses":{"welcome":-1}})", "bonuses.welcome"},
      {R"({"bonuses":{"welcom":1}})", "bonuses.welcom"},
  };
  const std::string current = std::to_string(Get("/api/v1/loyalty/rules")["version"].GetInt64());
  for (const Case& test : invalid) {
    SCOPED_TRACE(test.rules);
    result = Call("PUT", "/api/v1/loyalty/rules", R"({"version":)" + current + R"(,"rules":)" + test.rules + "}");
    EXPECT_EQ(result.status, 422) << result.body;
    const rapidjson::Document problem = Parse(result.body);
    EXPECT_EQ(Text(problem["code"]), "invalid_rules");
    EXPECT_TRUE(NamesField(problem, "problems", test.field)) << result.body;
  }
}

// ---------------------------------------------------------------------------
// Who may call what, and the document

TEST_F(ProgrammeApiTest, AgentsAndAnalystsReadManagersDoEverything) {
  const std::string coupon =
      std::to_string(CreateCoupon(R"({"name":"Ten","kind":"points","points":10})")["id"].GetInt64());
  const std::string code = ReferralCode(contact_);
  const std::string contact = std::to_string(contact_);
  const std::int64_t newcomer = CreateContact("Grace");
  const std::vector<PermissionRow> rows = {
      {"GET", "/api/v1/coupons", "/api/v1/coupons", "", true},
      {"POST", "/api/v1/coupons", "/api/v1/coupons", R"({"name":"Cap","kind":"points","points":5})", false},
      {"GET", "/api/v1/coupons/check", "/api/v1/coupons/check?code=X&contact_id=" + contact, "", true},
      {"GET", "/api/v1/coupons/{coupon_id}", "/api/v1/coupons/" + coupon, "", true},
      {"PATCH", "/api/v1/coupons/{coupon_id}", "/api/v1/coupons/" + coupon, R"({"max_uses":9})", false},
      {"GET", "/api/v1/contacts/{contact_id}/referrals", "/api/v1/contacts/" + contact + "/referrals", "", true},
      {"POST", "/api/v1/contacts/{contact_id}/referral-code", "/api/v1/contacts/" + contact + "/referral-code", "",
       false},
      {"POST", "/api/v1/referrals", "/api/v1/referrals",
       R"({"contact_id":)" + std::to_string(newcomer) + R"(,"code":")" + code + "\"}", false},
      {"GET", "/api/v1/loyalty/tiers", "/api/v1/loyalty/tiers", "", true},
  };

  ExpectPermissionTable("programme", rows);
}

TEST_F(ProgrammeApiTest, TheOpenApiDocumentDescribesEveryProgrammeOperation) {
  EXPECT_EQ(ExpectDescribedInOpenApi("programme",
                                     [](std::string_view pattern) { return pattern.ends_with("/referral-code"); }),
            9);
  // The changed loyalty schemas name the new members.
  const HttpResult result = Call("GET", "/api/v1/openapi.json");
  const std::string purchase = result.body.substr(result.body.find("\"recordPurchase\""), 20'000);
  EXPECT_NE(purchase.find("\"coupon_code\""), std::string::npos);
  EXPECT_NE(purchase.find("\"bonuses\""), std::string::npos);
}

}  // namespace
}  // namespace rapport::api_test

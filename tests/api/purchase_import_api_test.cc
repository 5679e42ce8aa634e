// POST /api/v1/purchases/import over the real server: an NDJSON body and a
// CSV body give the report (created, failed rows by line, points), a re-run
// is unchanged, dry runs and all-or-nothing write nothing, readers are
// refused, the media type is checked, and the ledger still checks clean.
#include <string>

#include "loyalty_api_fixture.h"

namespace rapport::api_test {
namespace {

class PurchaseImportApiTest : public LoyaltyApiFixture {
 protected:
  PurchaseImportApiTest() : LoyaltyApiFixture("purchase-import-api", ParseRfc3339("2026-11-24T10:00:00Z").value()) {}

  HttpResult Upload(const std::string& query, const std::string& body, const std::string& content_type,
                    const std::string* token = nullptr) {
    TestClient client(server_->port());
    const Headers headers = {{"Authorization", "Bearer " + (token ? *token : manager_)},
                             {"Content-Type", content_type}};
    return client.Send("POST", "/api/v1/purchases/import" + query, headers, body);
  }

  static rapidjson::Document Parse(const std::string& body) {
    rapidjson::Document document;
    document.Parse(body.c_str());
    return document;
  }

  std::string Line(const std::string& external_id, std::int64_t total_minor) const {
    return R"({"contact_id":)" + std::to_string(contact_) + R"(,"total_minor":)" + std::to_string(total_minor) +
           R"(,"currency":"EUR","occurred_at":"2026-11-01T10:00:00Z","external_id":")" + external_id + "\"}\n";
  }

  std::int64_t Balance() {
    const HttpResult result = Call("GET", "/api/v1/contacts/" + std::to_string(contact_) + "/loyalty");
    EXPECT_EQ(result.status, 200) << result.body;
    const rapidjson::Document document = Parse(result.body);
    return document.IsObject() && document.HasMember("points_balance") ? document["points_balance"].GetInt64() : -1;
  }
};

TEST_F(PurchaseImportApiTest, NdjsonImportReportsRowsAndPointsAndReRunsAreUnchanged) {
  const std::string body = Line("api-1", 4'250) + R"({"contact_id":999999,"total_minor":1,"currency":"EUR",)" +
                           R"("occurred_at":"2026-11-01T10:00:00Z","external_id":"api-2"})" + "\n" +
                           Line("api-3", 1'000);
  const HttpResult dry = Upload("?dry_run=true", body, "application/x-ndjson");
  ASSERT_EQ(dry.status, 200) << dry.body;
  EXPECT_TRUE(Parse(dry.body)["dry_run"].GetBool());
  EXPECT_EQ(Balance(), 0);

  const HttpResult all = Upload("?commit=all", body, "application/x-ndjson");
  ASSERT_EQ(all.status, 200) << all.body;
  EXPECT_FALSE(Parse(all.body)["committed"].GetBool());
  EXPECT_EQ(Balance(), 0);

  const HttpResult result = Upload("", body, "application/x-ndjson");
  ASSERT_EQ(result.status, 200) << result.body;
  const rapidjson::Document report = Parse(result.body);
  EXPECT_EQ(report["rows"].GetInt64(), 3);
  EXPECT_EQ(report["created"].GetInt64(), 2);
  EXPECT_EQ(report["failed"].GetInt64(), 1);
  EXPECT_EQ(report["points"].GetInt64(), 52);
  ASSERT_EQ(report["errors"].Size(), 1u);
  EXPECT_EQ(report["errors"][0]["line"].GetInt64(), 2);
  EXPECT_EQ(std::string(report["errors"][0]["field"].GetString()), "contact_id");
  EXPECT_EQ(Balance(), 52);

  const rapidjson::Document again = Parse(Upload("", body, "application/x-ndjson").body);
  EXPECT_EQ(again["created"].GetInt64(), 0);
  EXPECT_EQ(again["unchanged"].GetInt64(), 2);
  EXPECT_EQ(Balance(), 52);

  const HttpResult check = Call("GET", "/api/v1/loyalty/check");
  ASSERT_EQ(check.status, 200) << check.body;
  EXPECT_EQ(Parse(check.body)["problems"].Size(), 0u) << check.body;
}

TEST_F(PurchaseImportApiTest, CsvBodiesAndOneJsonPurchaseImport) {
  const std::string csv = "contact_id,external_id,occurred_at,total_minor,currency,note\n" + std::to_string(contact_) +
                          ",csv-1,2026-11-01T10:00:00Z,2000,EUR,x\n";
  const HttpResult result = Upload("?file_name=till.csv", csv, "text/csv");
  ASSERT_EQ(result.status, 200) << result.body;
  const rapidjson::Document report = Parse(result.body);
  EXPECT_EQ(report["created"].GetInt64(), 1);
  EXPECT_EQ(std::string(report["ignored_columns"][0].GetString()), "note");

  const HttpResult json = Upload("", Line("json-1", 500), "application/json");
  ASSERT_EQ(json.status, 200) << json.body;
  EXPECT_EQ(Parse(json.body)["created"].GetInt64(), 1);
  EXPECT_EQ(Balance(), 25);

  const HttpResult refused = Upload("", "external_id,total_minor\nx,1\n", "text/csv");
  EXPECT_EQ(refused.status, 422) << refused.body;
}

TEST_F(PurchaseImportApiTest, ReadersAndWrongMediaTypesAreRefused) {
  const std::string body = Line("r-1", 1'000);
  EXPECT_EQ(Upload("", body, "application/x-ndjson", &agent_).status, 403);
  EXPECT_EQ(Upload("", body, "application/x-ndjson", &analyst_).status, 403);
  EXPECT_EQ(Upload("", body, "image/png").status, 415);
  EXPECT_EQ(Upload("?commit=sometimes", body, "application/x-ndjson").status, 400);
  EXPECT_EQ(Upload("?dry_run=maybe", body, "application/x-ndjson").status, 400);
  // A body that is not UTF-8 text cannot be imported at all.
  const HttpResult utf16 = Upload("", std::string("\xFF\xFE{\0\"\0", 6), "application/x-ndjson");
  EXPECT_EQ(utf16.status, 422) << utf16.body;
  EXPECT_NE(utf16.body.find("import_refused"), std::string::npos) << utf16.body;
  EXPECT_EQ(Balance(), 0);
}

}  // namespace
}  // namespace rapport::api_test

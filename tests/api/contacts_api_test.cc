// Client-card scenarios against the real server over a real SQLite store:
//  * contact validation as a table of bodies and the answers they get;
//  * keys held by one contact only (409 naming the holder);
//  * lists: keyset pages that neither repeat nor skip, search as you type
//    (Cyrillic, accents, e-mails, phones, notes), filters, bad cursors;
//  * the card and its timeline with notes, tasks, consents and interests;
//  * merge and undo: rows move and come back, profiles are restored exactly;
//  * import over HTTP (dry run writes nothing, bad rows by line, re-runs
//    create nothing, all-or-nothing, wrong encoding refused) and export
//    (formula injection escaped).
#include <filesystem>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <spdlog/spdlog.h>
#include <sqlite3.h>

#include "http_client.h"
#include "relationship_services.h"
#include "server_testing.h"

#include "rapport/app/access_service.h"
#include "rapport/store/open_store.h"

namespace rapport::api_test {
namespace {

using Headers = std::vector<std::pair<std::string, std::string>>;

rapidjson::Document Parse(const std::string& body) {
  rapidjson::Document document;
  document.Parse(body.c_str());
  EXPECT_FALSE(document.HasParseError()) << body.substr(0, 300);
  return document;
}

// Percent-encodes every byte but the unreserved ones, as a browser would.
std::string EncodeQuery(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string encoded;
  for (unsigned char byte : text) {
    if ((byte >= 'a' && byte <= 'z') || (byte >= 'A' && byte <= 'Z') || (byte >= '0' && byte <= '9') || byte == '-' ||
        byte == '.' || byte == '_' || byte == '~') {
      encoded += static_cast<char>(byte);
    } else {
      encoded += '%';
      encoded += kHex[byte >> 4];
      encoded += kHex[byte & 0x0F];
    }
  }
  return encoded;
}

std::string Serialize(const rapidjson::Value& value) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  value.Accept(writer);
  return buffer.GetString();
}

class ContactsApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    spdlog::set_level(spdlog::level::warn);
    directory_ =
        std::filesystem::temp_directory_path() / ("rapport-contacts-api-" + std::to_string(::getpid()) + "-" +
                                                  ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(directory_);
    std::filesystem::create_directories(directory_);
    app::StoreOptions store_options;
    store_options.database = (directory_ / "rapport.db").string();
    store_options.sqlite_synchronous = app::SqliteSynchronous::kNormal;
    store_options.clock = &clock_;
    auto store = store::OpenStore(store_options);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(store).value();
    app::AccessOptions access_options;
    access_options.token_requests_per_second = 0;
    access_ = std::make_unique<app::AccessService>(*store_, clock_, access_options);
    relationships_ = std::make_unique<api_testing::RelationshipStack>(*store_, clock_);
    http::ServerOptions options;
    options.port = 0;
    auto server = http::StartServerWithRoutes(options,
                                              {store_.get(),
                                               &clock_,
                                               "1.0.0",
                                               {},
                                               {},
                                               access_.get(),
                                               relationships_->Services(),
                                               &relationships_->loyalty,
                                               &relationships_->rewards,
                                               &relationships_->programme},
                                              nullptr);
    ASSERT_TRUE(server.ok()) << server.status().ToString();
    server_ = std::move(server).value();
    admin_ = Token("admin", domain::Role::kAdmin);
    analyst_ = Token("analyst", domain::Role::kAnalyst);
  }

  void TearDown() override {
    if (server_) server_->Shutdown();
    server_.reset();
    if (store_) {
      EXPECT_TRUE(store_->Close().ok());
    }
    std::filesystem::remove_all(directory_);
  }

  std::string Token(const std::string& name, domain::Role role) {
    auto token = access_->CreateToken(app::AccessService::Operator("test"), {}, name, role);
    EXPECT_TRUE(token.ok()) << token.status().ToString();
    return token.ok() ? token->secret : "";
  }

  HttpResult Call(const std::string& method, const std::string& target, const std::string& body = "",
                  const std::string& content_type = "application/json", const std::string* token = nullptr) {
    TestClient client(server_->port());
    Headers headers = {{"Authorization", "Bearer " + (token ? *token : admin_)}};
    if (!body.empty()) headers.emplace_back("Content-Type", content_type);
    return client.Send(method, target, headers, body);
  }

  // Creates a contact and returns its id (0 when refused).
  std::int64_t Create(const std::string& body) {
    const HttpResult result = Call("POST", "/api/v1/contacts", body);
    EXPECT_EQ(result.status, 201) << body << " → " << result.body;
    if (result.status != 201) return 0;
    return Parse(result.body)["id"].GetInt64();
  }

  std::int64_t Count(const std::string& table) {
    sqlite3* db = nullptr;
    EXPECT_EQ(sqlite3_open_v2((directory_ / "rapport.db").c_str(), &db, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
    sqlite3_stmt* statement = nullptr;
    const std::string sql = "SELECT count(*) FROM " + table;
    EXPECT_EQ(sqlite3_prepare_v2(db, sql.c_str(), -1, &statement, nullptr), SQLITE_OK);
    EXPECT_EQ(sqlite3_step(statement), SQLITE_ROW);
    const std::int64_t count = sqlite3_column_int64(statement, 0);
    sqlite3_finalize(statement);
    sqlite3_close(db);
    return count;
  }

  // Every id of a list, following next cursors page by page.
  std::vector<std::int64_t> AllIds(const std::string& target, int limit) {
    std::vector<std::int64_t> ids;
    std::string cursor;
    for (int page = 0; page < 100; ++page) {
      std::string url = target + (target.find('?') == std::string::npos ? "?" : "&") + "limit=" + std::to_string(limit);
      if (!cursor.empty()) url += "&cursor=" + cursor;
      const HttpResult result = Call("GET", url);
      EXPECT_EQ(result.status, 200) << result.body;
      const rapidjson::Document body = Parse(result.body);
      for (const auto& item : body["items"].GetArray()) ids.push_back(item["id"].GetInt64());
      if (body["next"].IsNull()) break;
      cursor = body["next"].GetString();
    }
    return ids;
  }

  FakeClock clock_{FromUnixMicros(1'800'000'000'000'000)};
  std::filesystem::path directory_;
  std::unique_ptr<app::Store> store_;
  std::unique_ptr<app::AccessService> access_;
  std::unique_ptr<api_testing::RelationshipStack> relationships_;
  std::unique_ptr<http::Server> server_;
  std::string admin_;
  std::string analyst_;
};

struct ValidationCase {
  std::string name;
  std::string body;
  int status;
  std::string code;
  std::vector<std::string> fields;  // the fields named in errors, in order
};

TEST_F(ContactsApiTest, ContactBodiesAreCheckedFieldByField) {
  const std::vector<ValidationCase> cases = {
      {"minimal", R"({"first_name":"Анна"})", 201, "", {}},
      {"full",
       R"({"first_name":"Jürgen","last_name":"O'Brien","email":"J@Example.COM","phone":"+44 20 7946 0958",
        "birthday":"29.02.2000","gender":"male","locale":"en","time_zone":"Europe/London","roles":["partner"],
        "address":{"city":"London","country_code":"gb"}})",
       201,
       "",
       {}},
      {"nothing to know them by", R"({"source":"fair"})", 422, "invalid_contact", {""}},
      {"every bad field is listed",
       R"({"first_name":"A","email":"a@b","phone":"12","birthday":"2023-02-29","gender":"x","locale":"de","time_zone":"Mars/Olympus","roles":["king"]})",
       422,
       "invalid_contact",
       {"email", "phone", "birthday", "gender", "locale", "time_zone", "roles"}},
      {"national phone without a calling code",
       R"({"first_name":"B","phone":"8 916 123-45-67"})",
       422,
       "invalid_contact",
       {"phone"}},
      {"unknown field", R"({"first_name":"C","nickname":"c"})", 400, "validation_failed", {"nickname"}},
      {"wrong type", R"({"first_name":7})", 400, "validation_failed", {"first_name"}},
      {"not JSON", R"({"first_name":)", 400, "invalid_json", {}},
      {"undefined custom field",
       R"({"first_name":"D","custom":{"tier":"gold"}})",
       422,
       "invalid_contact",
       {"custom.tier"}},
  };
  for (const ValidationCase& test : cases) {
    SCOPED_TRACE(test.name);
    const HttpResult result = Call("POST", "/api/v1/contacts", test.body);
    EXPECT_EQ(result.status, test.status) << result.body;
    if (test.status == 201) continue;
    const rapidjson::Document body = Parse(result.body);
    EXPECT_EQ(std::string(body["code"].GetString()), test.code);
    std::vector<std::string> fields;
    if (body.HasMember("errors")) {
      for (const auto& error : body["errors"].GetArray()) fields.emplace_back(error["field"].GetString());
    }
    EXPECT_EQ(fields, test.fields);
  }
  // Only the two valid bodies were stored, in their canonical forms.
  EXPECT_EQ(Count("contacts"), 2);
  const rapidjson::Document list = Parse(Call("GET", "/api/v1/contacts?sort=name").body);
  const auto& jurgen = list["items"][0];
  EXPECT_EQ(std::string(jurgen["email"].GetString()), "j@example.com");
  EXPECT_EQ(std::string(jurgen["phone"].GetString()), "+442079460958");
  EXPECT_EQ(std::string(jurgen["birthday"].GetString()), "2000-02-29");
  EXPECT_EQ(std::string(jurgen["address"]["country_code"].GetString()), "GB");
}

TEST_F(ContactsApiTest, ACallingCodeMakesNationalNumbersInternational) {
  // The same server, started as `serve --calling-code 7` would start it.
  server_->Shutdown();
  relationships_ = std::make_unique<api_testing::RelationshipStack>(
      *store_, clock_, app::ContactServiceOptions{.default_calling_code = "7"});
  http::ServerOptions options;
  options.port = 0;
  auto server = http::StartServerWithRoutes(options,
                                            {store_.get(),
                                             &clock_,
                                             "1.0.0",
                                             {},
                                             {},
                                             access_.get(),
                                             relationships_->Services(),
                                             &relationships_->loyalty,
                                             &relationships_->rewards,
                                             &relationships_->programme},
                                            nullptr);
  ASSERT_TRUE(server.ok()) << server.status().ToString();
  server_ = std::move(server).value();
  const std::int64_t id = Create(R"({"first_name":"B","phone":"8 916 123-45-67","other_phones":["(495) 123-45-67"]})");
  const rapidjson::Document contact = Parse(Call("GET", "/api/v1/contacts/" + std::to_string(id)).body);
  EXPECT_EQ(std::string(contact["phone"].GetString()), "+79161234567");
  EXPECT_EQ(std::string(contact["other_phones"][0].GetString()), "+74951234567");
}

TEST_F(ContactsApiTest, CustomFieldsAreDefinedByAdminsAndValidated) {
  EXPECT_EQ(Call("POST", "/api/v1/custom-fields",
                 R"({"key":"tier","label":"Tier","type":"choice","choices":["gold","silver"]})", "application/json",
                 &analyst_)
                .status,
            403);
  ASSERT_EQ(Call("POST", "/api/v1/custom-fields",
                 R"({"key":"tier","label":"Tier","type":"choice","choices":["gold","silver"]})")
                .status,
            201);
  EXPECT_EQ(Call("POST", "/api/v1/contacts", R"({"first_name":"A","custom":{"tier":"bronze"}})").status, 422);
  const std::int64_t id = Create(R"({"first_name":"A","custom":{"tier":"gold"}})");
  const rapidjson::Document contact = Parse(Call("GET", "/api/v1/contacts/" + std::to_string(id)).body);
  EXPECT_EQ(std::string(contact["custom"]["tier"].GetString()), "gold");
}

TEST_F(ContactsApiTest, AnEmailOrExternalIdBelongsToOneContact) {
  const std::int64_t first = Create(R"({"first_name":"Ivan","email":"ivan@example.com","external_id":"crm-1"})");
  for (const std::string body :
       {R"({"first_name":"Other","email":"IVAN@example.com"})", R"({"first_name":"Other","external_id":"crm-1"})"}) {
    const HttpResult result = Call("POST", "/api/v1/contacts", body);
    EXPECT_EQ(result.status, 409) << result.body;
    EXPECT_EQ(Parse(result.body)["contact_id"].GetInt64(), first);
  }
  const std::int64_t second = Create(R"({"first_name":"Other","email":"other@example.com"})");
  const HttpResult taken =
      Call("PATCH", "/api/v1/contacts/" + std::to_string(second), R"({"email":"ivan@example.com"})");
  EXPECT_EQ(taken.status, 409);
  EXPECT_EQ(Count("contacts"), 2);
}

TEST_F(ContactsApiTest, PagesFollowCursorsWithoutRepeatsOrGaps) {
  std::set<std::int64_t> created;
  const char* names[] = {"Яков", "Борис", "Анна", "Zoe", "émile", "Éva", "boris", "Олег", "Ирина", "Alan", "Ёжик"};
  for (const char* name : names) created.insert(Create(std::string(R"({"first_name":")") + name + R"("})"));
  for (const char* sort : {"newest", "name", "updated"}) {
    SCOPED_TRACE(sort);
    const std::vector<std::int64_t> ids = AllIds(std::string("/api/v1/contacts?sort=") + sort, 3);
    EXPECT_EQ(ids.size(), created.size());
    EXPECT_EQ(std::set<std::int64_t>(ids.begin(), ids.end()), created);
  }
  // A cursor of one sort is refused by another.
  const rapidjson::Document page = Parse(Call("GET", "/api/v1/contacts?sort=name&limit=2").body);
  const HttpResult mixed = Call("GET", std::string("/api/v1/contacts?sort=newest&cursor=") + page["next"].GetString());
  EXPECT_EQ(mixed.status, 400);
  EXPECT_EQ(Call("GET", "/api/v1/contacts?cursor=%25%25garbage").status, 400);
  EXPECT_EQ(Call("GET", "/api/v1/contacts?limit=501").status, 400);
}

TEST_F(ContactsApiTest, SearchAsYouTypeFindsNamesEmailsPhonesCompaniesAndNotes) {
  const HttpResult company = Call("POST", "/api/v1/companies", R"({"name":"ООО Ромашка"})");
  ASSERT_EQ(company.status, 201) << company.body;
  const std::int64_t company_id = Parse(company.body)["id"].GetInt64();
  const std::int64_t elkina = Create(R"({"first_name":"Анна","last_name":"Ёлкина","email":"anna.elkina@example.ru"})");
  const std::int64_t cafe = Create(R"({"first_name":"Zoë","last_name":"Café","phone":"+79161234567"})");
  const std::int64_t worker = Create(R"({"first_name":"Пётр","company_id":)" + std::to_string(company_id) + "}");
  const std::int64_t noted = Create(R"({"first_name":"Silent","last_name":"Partner"})");
  ASSERT_EQ(Call("POST", "/api/v1/contacts/" + std::to_string(noted) + "/notes",
                 R"({"body":"Asked about the Zeppelin tour"})")
                .status,
            201);
  struct SearchCase {
    std::string query;
    std::set<std::int64_t> expected;
  };
  const std::vector<SearchCase> cases = {
      {"елк", {elkina}},      // ё folds to е
      {"ЁЛКИНА", {elkina}},   // case
      {"ann elk", {elkina}},  // two prefixes, both must match
      {"cafe", {cafe}},       // accents
      {"zoe", {cafe}},        // ë
      {"9161234", {cafe}},    // national digits of the phone
      {"79161", {cafe}},      // E.164 digits
      {"example", {elkina}},  // e-mail parts
      {"ромаш", {worker}},    // company name
      {"zeppel", {noted}},    // note text
      {"nobody", {}},
  };
  for (const SearchCase& test : cases) {
    SCOPED_TRACE(test.query);
    const HttpResult result = Call("GET", "/api/v1/contacts?q=" + EncodeQuery(test.query));
    ASSERT_EQ(result.status, 200) << result.body;
    EXPECT_FALSE(result.Header("server-timing").empty());
    std::set<std::int64_t> found;
    const rapidjson::Document page = Parse(result.body);
    for (const auto& item : page["items"].GetArray()) found.insert(item["id"].GetInt64());
    EXPECT_EQ(found, test.expected);
  }
  // Renaming the company re-indexes its contacts.
  ASSERT_EQ(Call("PATCH", "/api/v1/companies/" + std::to_string(company_id), R"({"name":"Лютик"})").status, 200);
  EXPECT_EQ(Parse(Call("GET", "/api/v1/contacts?q=" + EncodeQuery("лютик")).body)["items"].Size(), 1u);
  EXPECT_EQ(Parse(Call("GET", "/api/v1/contacts?q=" + EncodeQuery("ромаш")).body)["items"].Size(), 0u);
}

TEST_F(ContactsApiTest, TheCardGathersEverythingAndTheTimelineFilters) {
  const std::int64_t id = Create(R"({"first_name":"Мария","email":"maria@example.com"})");
  const std::string base = "/api/v1/contacts/" + std::to_string(id);
  ASSERT_EQ(Call("POST", base + "/notes", R"({"body":"Prefers calls after 17:00"})").status, 201);
  ASSERT_EQ(Call("POST", base + "/tasks", R"({"title":"Send the offer","due_at":"2027-01-10T09:00:00Z"})").status, 201);
  ASSERT_EQ(
      Call("POST", base + "/consents",
           R"({"channel":"email","purpose":"marketing","status":"granted","method":"web_form","proof":"form #12"})")
          .status,
      201);
  ASSERT_EQ(Call("POST", base + "/consents",
                 R"({"channel":"email","purpose":"marketing","status":"withdrawn","method":"email_link"})")
                .status,
            201);
  ASSERT_EQ(Call("POST", "/api/v1/interests",
                 R"({"category":"travel","category_name":"Travel","key":"cruises","name":"Cruises"})")
                .status,
            201);
  ASSERT_EQ(Call("PUT", base + "/interests/cruises", R"({"source":"survey","strength":70})").status, 200);
  EXPECT_EQ(Call("PUT", base + "/interests/unknown", R"({"source":"survey","strength":70})").status, 404);

  const rapidjson::Document card = Parse(Call("GET", base + "/card").body);
  EXPECT_EQ(card["notes"].Size(), 1u);
  EXPECT_EQ(card["tasks"].Size(), 1u);
  ASSERT_EQ(card["consents"].Size(), 1u);  // the current one per channel and purpose
  EXPECT_EQ(std::string(card["consents"][0]["status"].GetString()), "withdrawn");
  ASSERT_EQ(card["interests"].Size(), 1u);
  EXPECT_EQ(card["interests"][0]["strength"].GetInt(), 70);
  EXPECT_EQ(card["timeline"]["items"].Size(), 6u);  // created, note, task, 2 consents, interest
  EXPECT_EQ(std::string(card["timeline"]["items"][0]["kind"].GetString()), "interest_set");

  const rapidjson::Document consents = Parse(Call("GET", base + "/consents").body);
  EXPECT_EQ(consents["history"].Size(), 2u);

  const rapidjson::Document filtered = Parse(Call("GET", base + "/timeline?kind=consent_granted,note_added").body);
  std::vector<std::string> kinds;
  for (const auto& event : filtered["items"].GetArray()) kinds.emplace_back(event["kind"].GetString());
  EXPECT_EQ(kinds, (std::vector<std::string>{"consent_granted", "note_added"}));

  // The timeline pages newest first with keyset cursors.
  const rapidjson::Document first = Parse(Call("GET", base + "/timeline?limit=4").body);
  ASSERT_FALSE(first["next"].IsNull());
  const rapidjson::Document second =
      Parse(Call("GET", base + "/timeline?limit=4&cursor=" + std::string(first["next"].GetString())).body);
  EXPECT_EQ(first["items"].Size() + second["items"].Size(), 6u);

  // My tasks: done ones leave the open list.
  const std::int64_t task = card["tasks"][0]["id"].GetInt64();
  ASSERT_EQ(Call("PATCH", "/api/v1/tasks/" + std::to_string(task), R"({"done":true})").status, 200);
  EXPECT_EQ(Parse(Call("GET", base + "/tasks").body)["items"].Size(), 0u);
  EXPECT_EQ(Parse(Call("GET", base + "/tasks?open=false").body)["items"].Size(), 1u);
  // Analysts read the card but cannot write to it.
  EXPECT_EQ(Call("GET", base + "/card", "", "", &analyst_).status, 200);
  EXPECT_EQ(Call("POST", base + "/notes", R"({"body":"x"})", "application/json", &analyst_).status, 403);
}

TEST_F(ContactsApiTest, MergeMovesEverythingAndUndoRestoresExactly) {
  const std::int64_t survivor = Create(R"({"first_name":"Анна","last_name":"Ёлкина","email":"anna@example.com"})");
  const HttpResult created = Call(
      "POST", "/api/v1/contacts",
      R"({"first_name":"Анна","last_name":"Елкина","email":"a.elkina@work.example","phone":"+79161234567","external_id":"shop-17"})");
  ASSERT_EQ(created.status, 201);
  const std::int64_t other = Parse(created.body)["id"].GetInt64();
  const std::string other_base = "/api/v1/contacts/" + std::to_string(other);
  ASSERT_EQ(Call("POST", other_base + "/notes", R"({"body":"Met at the fair"})").status, 201);
  ASSERT_EQ(Call("POST", other_base + "/tasks", R"({"title":"Call"})").status, 201);
  ASSERT_EQ(Call("POST", other_base + "/consents",
                 R"({"channel":"sms","purpose":"marketing","status":"granted","method":"in_person"})")
                .status,
            201);
  const std::string survivor_before = Call("GET", "/api/v1/contacts/" + std::to_string(survivor)).body;
  const std::string other_before = Call("GET", other_base).body;

  // A scan queues the pair (similar names); the merge then decides it.
  ASSERT_EQ(Call("POST", "/api/v1/duplicates/scan").status, 200);

  const HttpResult merged = Call("POST", "/api/v1/contacts/" + std::to_string(survivor) + "/merge",
                                 R"({"other_id":)" + std::to_string(other) + R"(,"fields":{"phone":"other"}})");
  ASSERT_EQ(merged.status, 200) << merged.body;
  const rapidjson::Document merge = Parse(merged.body);
  const std::int64_t merge_id = merge["merge"]["id"].GetInt64();
  const auto& contact = merge["contact"];
  EXPECT_EQ(std::string(contact["email"].GetString()), "anna@example.com");
  EXPECT_EQ(std::string(contact["phone"].GetString()), "+79161234567");
  EXPECT_EQ(std::string(contact["external_id"].GetString()), "shop-17");  // taken because the survivor had none
  ASSERT_EQ(contact["other_emails"].Size(), 1u);
  EXPECT_EQ(std::string(contact["other_emails"][0].GetString()), "a.elkina@work.example");

  const rapidjson::Document card = Parse(Call("GET", "/api/v1/contacts/" + std::to_string(survivor) + "/card").body);
  EXPECT_EQ(card["notes"].Size(), 1u);
  EXPECT_EQ(card["tasks"].Size(), 1u);
  EXPECT_EQ(card["consents"].Size(), 1u);
  bool merged_event = false;
  bool other_created = false;
  for (const auto& event : card["timeline"]["items"].GetArray()) {
    merged_event |= std::string(event["kind"].GetString()) == "contacts_merged";
    other_created |= event["subject_id"].GetInt64() == other;  // the merged card's history is on the survivor's
  }
  EXPECT_TRUE(merged_event);
  EXPECT_TRUE(other_created);
  EXPECT_EQ(Parse(Call("GET", other_base).body)["merged_into"].GetInt64(), survivor);
  // The merged card is out of lists and searches, and cannot be merged again.
  EXPECT_EQ(Parse(Call("GET", "/api/v1/contacts").body)["items"].Size(), 1u);
  EXPECT_EQ(Call("POST", "/api/v1/contacts/" + std::to_string(survivor) + "/merge",
                 R"({"other_id":)" + std::to_string(other) + "}")
                .status,
            422);
  EXPECT_EQ(Parse(Call("GET", "/api/v1/duplicates?status=merged").body)["items"].Size(), 1u);

  const HttpResult undone = Call("POST", "/api/v1/merges/" + std::to_string(merge_id) + "/undo");
  ASSERT_EQ(undone.status, 200) << undone.body;
  EXPECT_EQ(Call("POST", "/api/v1/merges/" + std::to_string(merge_id) + "/undo").status, 422);

  // Both profiles are back as they were (only updated_at moved on).
  auto without_updated_at = [](const std::string& json) {
    rapidjson::Document document = Parse(json);
    document.RemoveMember("updated_at");
    return Serialize(document);
  };
  EXPECT_EQ(without_updated_at(Call("GET", "/api/v1/contacts/" + std::to_string(survivor)).body),
            without_updated_at(survivor_before));
  EXPECT_EQ(without_updated_at(Call("GET", other_base).body), without_updated_at(other_before));
  const rapidjson::Document other_card = Parse(Call("GET", other_base + "/card").body);
  EXPECT_EQ(other_card["notes"].Size(), 1u);
  EXPECT_EQ(other_card["tasks"].Size(), 1u);
  EXPECT_EQ(other_card["consents"].Size(), 1u);
  EXPECT_EQ(Parse(Call("GET", "/api/v1/contacts").body)["items"].Size(), 2u);
  EXPECT_EQ(Parse(Call("GET", "/api/v1/duplicates").body)["items"].Size(), 1u);  // open again

  // Only admins and managers merge.
  const std::string agent = Token("agent", domain::Role::kAgent);
  EXPECT_EQ(Call("POST", "/api/v1/contacts/" + std::to_string(survivor) + "/merge",
                 R"({"other_id":)" + std::to_string(other) + "}", "application/json", &agent)
                .status,
            403);
}

TEST_F(ContactsApiTest, ImportOverHttpReportsRowsAndNeverHalfWrites) {
  const std::string csv =
      "\xEF\xBB\xBF"
      "First Name;Last Name;Email;Phone;Company\n"
      "Иван;Петров;ivan@example.com;+79031112233;ООО Ромашка\n"
      "Bad;Row;not-an-email;;\n"
      "\"Quoted \"\"Q\"\"\";Smith;q@example.com;+44 20 7946 0958;Acme\n"
      "Also;Bad;x@example.com;12;\n";
  const std::int64_t contacts_before = Count("contacts");
  const std::int64_t events_before = Count("events");
  const HttpResult dry = Call("POST", "/api/v1/contacts/import?dry_run=true&file_name=people.csv", csv, "text/csv");
  ASSERT_EQ(dry.status, 200) << dry.body;
  const rapidjson::Document dry_report = Parse(dry.body);
  EXPECT_EQ(dry_report["created"].GetInt64(), 2);
  EXPECT_EQ(dry_report["failed"].GetInt64(), 2);
  ASSERT_EQ(dry_report["errors"].Size(), 2u);
  EXPECT_EQ(dry_report["errors"][0]["line"].GetInt64(), 3);
  EXPECT_EQ(dry_report["errors"][1]["line"].GetInt64(), 5);
  EXPECT_EQ(Count("contacts"), contacts_before);
  EXPECT_EQ(Count("events"), events_before);

  const HttpResult all = Call("POST", "/api/v1/contacts/import?commit=all", csv, "text/csv");
  ASSERT_EQ(all.status, 200) << all.body;
  EXPECT_FALSE(Parse(all.body)["committed"].GetBool());
  EXPECT_EQ(Count("contacts"), contacts_before);

  const HttpResult real = Call("POST", "/api/v1/contacts/import", csv, "text/csv");
  ASSERT_EQ(real.status, 200) << real.body;
  EXPECT_EQ(Parse(real.body)["created"].GetInt64(), 2);
  EXPECT_EQ(Count("contacts"), contacts_before + 2);
  EXPECT_EQ(Count("companies"), 2);

  // A re-run (an interrupted import started again) creates nothing.
  const rapidjson::Document again = Parse(Call("POST", "/api/v1/contacts/import", csv, "text/csv").body);
  EXPECT_EQ(again["created"].GetInt64(), 0);
  EXPECT_EQ(again["unchanged"].GetInt64(), 2);
  EXPECT_EQ(Count("contacts"), contacts_before + 2);

  // The imported contact is found, linked to its company.
  const rapidjson::Document found = Parse(Call("GET", "/api/v1/contacts?q=" + EncodeQuery("ромашка")).body);
  ASSERT_EQ(found["items"].Size(), 1u);
  EXPECT_EQ(std::string(found["items"][0]["first_name"].GetString()), "Иван");

  // Windows-1251 bytes are not UTF-8: refused before anything is written.
  const HttpResult cp1251 =
      Call("POST", "/api/v1/contacts/import", "Email;Name\n\xC8\xE2\xE0\xED@x.ru;\xC8\xE2\xE0\xED\n", "text/csv");
  EXPECT_EQ(cp1251.status, 422) << cp1251.body;
  EXPECT_EQ(std::string(Parse(cp1251.body)["code"].GetString()), "import_refused");
  EXPECT_EQ(Count("contacts"), contacts_before + 2);
  // Malformed modes are refused by name before anything is read.
  const HttpResult maybe = Call("POST", "/api/v1/contacts/import?dry_run=maybe", csv, "text/csv");
  EXPECT_EQ(maybe.status, 400) << maybe.body;
  EXPECT_NE(maybe.body.find("dry_run"), std::string::npos) << maybe.body;
  EXPECT_EQ(Call("POST", "/api/v1/contacts/import?commit=sometimes", csv, "text/csv").status, 400);
  EXPECT_EQ(Count("contacts"), contacts_before + 2);
  // Only admins and managers import.
  EXPECT_EQ(Call("POST", "/api/v1/contacts/import", csv, "text/csv", &analyst_).status, 403);
}

TEST_F(ContactsApiTest, ExportEscapesFormulasAndFollowsFilters) {
  Create(R"json({"first_name":"=HYPERLINK(\"http://evil\")","last_name":"@SUM(A1)","roles":["supplier"]})json");
  Create(R"({"first_name":"Plain","last_name":"Customer"})");
  const HttpResult csv = Call("GET", "/api/v1/contacts/export?format=csv&role=supplier");
  ASSERT_EQ(csv.status, 200);
  EXPECT_NE(csv.body.find("\"'=HYPERLINK(\"\"http://evil\"\")\""), std::string::npos) << csv.body;
  EXPECT_NE(csv.body.find("'@SUM(A1)"), std::string::npos);
  EXPECT_EQ(csv.body.find("Plain"), std::string::npos);
  EXPECT_EQ(csv.Header("x-export-rows"), "1");
  const HttpResult vcard = Call("GET", "/api/v1/contacts/export?format=vcard");
  ASSERT_EQ(vcard.status, 200);
  EXPECT_NE(vcard.body.find("BEGIN:VCARD"), std::string::npos);
  EXPECT_NE(vcard.body.find("FN:Plain Customer"), std::string::npos);
  EXPECT_EQ(Call("GET", "/api/v1/contacts/export?format=xlsx").status, 400);
  EXPECT_EQ(Call("GET", "/api/v1/contacts/export", "", "", &analyst_).status, 403);
}

}  // namespace
}  // namespace rapport::api_test

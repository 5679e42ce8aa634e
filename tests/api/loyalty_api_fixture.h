// The server the loyalty and reward API tests talk to: a fresh SQLite store
// in a temp directory, the access service (tokens not rate limited), every
// use case, the real routes on a free port, tokens for a manager, an agent and
// an analyst, and one contact ("Ada"). The clock stands at `now` until a test
// moves it. Also what the loyalty, programme and reward tests share: JSON
// reading, a problem's field errors, and the checks of a tag's permission
// table and OpenAPI operations.
//
// Thread safety: a GoogleTest fixture, used from the test's thread.
#pragma once

#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <gtest/gtest.h>
#include <rapidjson/document.h>
#include <spdlog/spdlog.h>

#include "http_client.h"
#include "relationship_services.h"
#include "router.h"
#include "routes/routes.h"
#include "server_testing.h"

#include "rapport/app/access_service.h"
#include "rapport/store/open_store.h"

namespace rapport::api_test {

inline rapidjson::Document Parse(const std::string& body) {
  rapidjson::Document document;
  document.Parse(body.c_str());
  EXPECT_FALSE(document.HasParseError()) << body.substr(0, 300);
  return document;
}

inline std::string Text(const rapidjson::Value& value) {
  return value.IsString() ? value.GetString() : "<not a string>";
}

// Whether the problem's `member` ("errors" or "problems") names `field`.
inline bool NamesField(const rapidjson::Document& problem, const char* member, const std::string& field) {
  if (!problem.HasMember(member) || !problem[member].IsArray()) return false;
  for (const auto& error : problem[member].GetArray()) {
    if (Text(error["field"]) == field) return true;
  }
  return false;
}

// A route of the loyalty resource whose one OpenAPI tag is `tag`.
inline bool IsTaggedLoyaltyRoute(const http::Route& route, std::string_view tag) {
  return route.permission.kind == app::Permission::Kind::kGranted &&
         route.permission.resource == domain::Resource::kLoyalty &&
         route.operation.tags == std::vector<std::string>{std::string(tag)};
}

// One row of a permission table: the pattern the router serves, a target and
// body that call it, and whether `loyalty: read` suffices.
struct PermissionRow {
  std::string method;
  std::string pattern;
  std::string target;
  std::string body;
  bool read = false;
};

class LoyaltyApiFixture : public ::testing::Test {
 protected:
  using Headers = std::vector<std::pair<std::string, std::string>>;

  LoyaltyApiFixture(std::string name, Timestamp now) : name_(std::move(name)), clock_(now) {}

  void SetUp() override {
    spdlog::set_level(spdlog::level::warn);
    directory_ =
        std::filesystem::temp_directory_path() / ("rapport-" + name_ + "-" + std::to_string(::getpid()) + "-" +
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
    stack_ = std::make_unique<api_testing::RelationshipStack>(*store_, clock_);
    http::ServerOptions options;
    options.port = 0;
    http::ServerDependencies dependencies{
        store_.get(),     &clock_,          "1.0.0",           {}, {}, access_.get(), stack_->Services(),
        &stack_->loyalty, &stack_->rewards, &stack_->programme};
    auto server = http::StartServerWithRoutes(options, std::move(dependencies), nullptr);
    ASSERT_TRUE(server.ok()) << server.status().ToString();
    server_ = std::move(server).value();
    manager_ = Token("manager", domain::Role::kManager);
    agent_ = Token("agent", domain::Role::kAgent);
    analyst_ = Token("analyst", domain::Role::kAnalyst);
    contact_ = CreateContact("Ada");
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

  // A request as the manager (or `token`), JSON when there is a body.
  HttpResult Call(const std::string& method, const std::string& target, const std::string& body = "",
                  const std::string* token = nullptr, const Headers& extra = {}) {
    TestClient client(server_->port());
    Headers headers = {{"Authorization", "Bearer " + (token ? *token : manager_)}};
    if (!body.empty()) headers.emplace_back("Content-Type", "application/json");
    for (const auto& header : extra) headers.push_back(header);
    return client.Send(method, target, headers, body);
  }

  // `rows` list exactly the loyalty routes tagged `tag`; agents and analysts
  // may call the read rows and get 403 from the others; the manager may call
  // every row.
  void ExpectPermissionTable(std::string_view tag, const std::vector<PermissionRow>& rows) {
    http::Router router;
    http::RegisterAllRoutes(router);
    std::set<std::string> served;
    for (const http::Route& route : router.routes()) {
      if (IsTaggedLoyaltyRoute(route, tag)) {
        served.insert(std::string(http::MethodName(route.method)) + " " + route.pattern);
      }
    }
    std::set<std::string> listed;
    for (const PermissionRow& row : rows) listed.insert(row.method + " " + row.pattern);
    EXPECT_EQ(listed, served);

    const std::map<std::string, const std::string*> readers = {{"agent", &agent_}, {"analyst", &analyst_}};
    for (const PermissionRow& row : rows) {
      for (const auto& [name, token] : readers) {
        SCOPED_TRACE(row.method + " " + row.target + " as " + name);
        const HttpResult result = Call(row.method, row.target, row.body, token);
        EXPECT_EQ(result.status, row.read ? 200 : 403) << result.body;
      }
      SCOPED_TRACE(row.method + " " + row.target + " as manager");
      const HttpResult result = Call(row.method, row.target, row.body);
      EXPECT_TRUE(result.status == 200 || result.status == 201) << result.status << " " << result.body;
    }
  }

  // Every loyalty route tagged `tag` is in the OpenAPI document under that
  // tag with a success schema, and has a request body unless it is a GET or
  // `bodyless(pattern)`. Returns how many operations it checked.
  int ExpectDescribedInOpenApi(std::string_view tag, const std::function<bool(std::string_view)>& bodyless) {
    int described = 0;
    const HttpResult result = Call("GET", "/api/v1/openapi.json");
    EXPECT_EQ(result.status, 200);
    const rapidjson::Document document = Parse(result.body);
    if (!document.IsObject()) {
      ADD_FAILURE() << "the OpenAPI document is not an object";
      return described;
    }
    http::Router router;
    http::RegisterAllRoutes(router);
    for (const http::Route& route : router.routes()) {
      if (!IsTaggedLoyaltyRoute(route, tag)) continue;
      const std::string method = http::ToLowerAscii(http::MethodName(route.method));
      SCOPED_TRACE(method + " " + route.pattern);
      if (!document["paths"].HasMember(route.pattern.c_str())) {
        ADD_FAILURE() << "not in the document";
        continue;
      }
      const auto& operation = document["paths"][route.pattern.c_str()][method.c_str()];
      if (!operation.IsObject()) {
        ADD_FAILURE() << "no operation";
        continue;
      }
      EXPECT_EQ(Text(operation["tags"][0]), std::string(tag));
      bool has_success_schema = false;
      for (const auto& response : operation["responses"].GetObject()) {
        const std::string status = response.name.GetString();
        if (status.starts_with('2')) {
          has_success_schema = response.value["content"]["application/json"].HasMember("schema");
        }
      }
      EXPECT_TRUE(has_success_schema);
      if (method != "get" && !bodyless(route.pattern)) EXPECT_TRUE(operation.HasMember("requestBody"));
      ++described;
    }
    return described;
  }

  std::int64_t CreateContact(const std::string& name) {
    const HttpResult result = Call("POST", "/api/v1/contacts", R"({"first_name":")" + name + R"("})");
    EXPECT_EQ(result.status, 201) << result.body;
    if (result.status != 201) return 0;
    rapidjson::Document document;
    document.Parse(result.body.c_str());
    return document["id"].GetInt64();
  }

  std::string name_;
  FakeClock clock_;
  std::filesystem::path directory_;
  std::unique_ptr<app::Store> store_;
  std::unique_ptr<app::AccessService> access_;
  std::unique_ptr<api_testing::RelationshipStack> stack_;
  std::unique_ptr<http::Server> server_;
  std::string manager_;
  std::string agent_;
  std::string analyst_;
  std::int64_t contact_ = 0;
};

}  // namespace rapport::api_test

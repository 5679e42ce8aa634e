// API scenario tests: the real Server in-process on an ephemeral port over a
// real SQLite store, driven by a blocking HTTP client. Most behaviour is one
// row of the scenario table (method, path, headers, body → status, content,
// JSON pointer checks, problem code); what needs several requests or control
// over timing of a handler (keep-alive, pipelining, graceful shutdown) has its
// own test below. No test waits on a clock: the slow route blocks on a latch
// the test releases.
#include <filesystem>
#include <future>
#include <latch>
#include <stdexcept>
#include <thread>

#include <gtest/gtest.h>
#include <rapidjson/document.h>
#include <rapidjson/pointer.h>
#include <spdlog/spdlog.h>

#include "fake_store.h"
#include "http_client.h"
#include "json.h"
#include "relationship_services.h"
#include "request_context.h"
#include "server_testing.h"

#include "rapport/base/limits.h"
#include "rapport/store/open_store.h"

namespace rapport::api_test {
namespace {

using http::Method;
using http::RequestContext;
using http::Response;
using http::Router;

constexpr unsigned char kIndexBytes[] = "<!doctype html><title>Rapport</title>";
constexpr unsigned char kIndexGzip[] = {0x1f, 0x8b, 0x08, 0x00, 0x01, 0x02};
constexpr unsigned char kScriptBytes[] = "console.log(1)";
const http::StaticAsset kAssets[] = {
    {"/index.html",
     "text/html; charset=utf-8",
     "\"index-v1\"",
     {kIndexBytes, sizeof(kIndexBytes) - 1},
     kIndexGzip,
     false},
    {"/assets/app-3f2a.js",
     "text/javascript; charset=utf-8",
     "\"app-3f2a\"",
     {kScriptBytes, sizeof(kScriptBytes) - 1},
     {},
     true},
};

// The slow route blocks on `release` so the shutdown test controls when the
// request in flight finishes; `entered` tells the test it is in flight.
struct SlowRoute {
  std::promise<void> entered;
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
};

void AddTestRoutes(Router& router, SlowRoute* slow) {
  router.Add(
      {Method::kPost,
       "/api/v1/test/echo",
       app::Permission::Public(),
       [](RequestContext& context) -> boost::asio::awaitable<Response> {
         std::string name;
         std::int64_t count = 0;
         http::JsonObjectReader reader;
         reader.Field("name", &name, http::Presence::kRequired).Field("count", &count, http::Presence::kOptional);
         if (auto problem = reader.Read(context.request().body)) co_return context.ProblemFor(*problem);
         http::JsonWriter json;
         json.StartObject();
         json.Field("name_bytes", static_cast<std::int64_t>(name.size()));
         json.Field("count", count);
         json.EndObject();
         co_return RequestContext::Json(200, json.Take());
       },
       {.documented = false}});
  router.Add({Method::kGet,
              "/api/v1/test/private",
              app::Permission::Require(app::Resource::kRelationships, app::Action::kRead),
              [](RequestContext&) -> boost::asio::awaitable<Response> { co_return RequestContext::Json(200, "{}"); },
              {.documented = false}});
  router.Add({Method::kGet,
              "/api/v1/test/throws",
              app::Permission::Public(),
              [](RequestContext&) -> boost::asio::awaitable<Response> {
                throw std::runtime_error("secret internal detail");
                co_return Response{};
              },
              {.documented = false}});
  router.Add({Method::kPost,
              "/api/v1/test/write-fails",
              app::Permission::Public(),
              [](RequestContext& context) -> boost::asio::awaitable<Response> {
                const Status status = co_await context.Write(
                    [](app::WriteTransaction&) { return Unavailable("database is locked at /secret/path"); });
                co_return context.StatusProblem(status);
              },
              {.documented = false}});
  router.Add({Method::kGet,
              "/api/v1/test/items/{item_id}",
              app::Permission::Public(),
              [](RequestContext& context) -> boost::asio::awaitable<Response> {
                http::JsonWriter json;
                json.StartObject();
                json.Field("item_id", context.Param("item_id"));
                json.EndObject();
                co_return RequestContext::Json(200, json.Take());
              },
              {.documented = false}});
  router.Add({Method::kGet,
              "/api/v1/test/slow",
              app::Permission::Public(),
              [slow](RequestContext& context) -> boost::asio::awaitable<Response> {
                const Status status = co_await context.RunBlocking([slow] {
                  slow->entered.set_value();
                  slow->released.wait();
                  return Status::Ok();
                });
                co_return status.ok() ? RequestContext::Json(200, R"({"slow":"done"})") : context.StatusProblem(status);
              },
              {.documented = false}});
}

class ApiTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { spdlog::set_level(spdlog::level::warn); }

  void SetUp() override {
    directory_ =
        std::filesystem::temp_directory_path() / ("rapport_api_test_" + std::to_string(::getpid()) + "_" +
                                                  ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(directory_);
    std::filesystem::create_directories(directory_);
    app::StoreOptions store_options;
    store_options.database = (directory_ / "rapport.db").string();
    store_options.clock = &clock_;
    auto store = store::OpenStore(store_options);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(store).value();
    StartServer(store_.get(), kAssets);
  }

  void TearDown() override {
    if (server_) server_->Shutdown();
    server_.reset();
    if (store_) {
      EXPECT_TRUE(store_->Close().ok());
    }
    std::filesystem::remove_all(directory_);
  }

  void StartServer(app::Store* store, std::span<const http::StaticAsset> assets) {
    http::ServerOptions options;
    options.port = 0;
    access_ = std::make_unique<app::AccessService>(*store, clock_);
    relationships_ = std::make_unique<api_testing::RelationshipStack>(*store, clock_);
    http::ServerDependencies dependencies{store,
                                          &clock_,
                                          "9.8.7",
                                          assets,
                                          {},
                                          access_.get(),
                                          relationships_->Services(),
                                          &relationships_->loyalty,
                                          &relationships_->rewards,
                                          &relationships_->programme};
    dependencies.collectors.push_back([](http::MetricsSink& sink) {
      sink.Gauge("rapport_test_collector", "A collector the test registers.", 7, {{"kind", "test"}});
    });
    auto server = http::StartServerWithRoutes(options, std::move(dependencies),
                                              [this](Router& router) { AddTestRoutes(router, &slow_); });
    ASSERT_TRUE(server.ok()) << server.status().ToString();
    server_ = std::move(server).value();
  }

  std::uint16_t port() const { return server_->port(); }

  FakeClock clock_{FromUnixMicros(1'800'000'000'000'000)};
  std::filesystem::path directory_;
  std::unique_ptr<app::Store> store_;
  std::unique_ptr<app::AccessService> access_;
  std::unique_ptr<api_testing::RelationshipStack> relationships_;
  SlowRoute slow_;
  std::unique_ptr<http::Server> server_;
};

// ---------------------------------------------------------------------------
// The scenario table.

struct JsonCheck {
  std::string pointer;   // RFC 6901, "/errors/0/field"
  std::string expected;  // strings as is; numbers and booleans as JSON text
};

struct Scenario {
  std::string name{};
  std::string method{};
  std::string target{};
  std::vector<std::pair<std::string, std::string>> headers{};
  std::string body{};
  int expected_status = 200;
  std::vector<std::string> expected_contains{};                         // substrings of the body
  std::vector<JsonCheck> expected_json{};                               // on a JSON body
  std::string expected_problem_code{};                                  // problem+json `code`
  std::vector<std::pair<std::string, std::string>> expected_headers{};  // lower-case name → exact value
  std::vector<std::string> absent_from_body{};                          // must not leak
};

std::string JsonText(const rapidjson::Value& value) {
  if (value.IsString()) return value.GetString();
  if (value.IsBool()) return value.GetBool() ? "true" : "false";
  if (value.IsInt64()) return std::to_string(value.GetInt64());
  if (value.IsUint64()) return std::to_string(value.GetUint64());
  if (value.IsNull()) return "null";
  return "<composite>";
}

std::string JsonBody(std::size_t total_bytes) {
  // {"name":"xxxx"} of exactly total_bytes.
  const std::string prefix = R"({"name":")";
  const std::string suffix = R"("})";
  return prefix + std::string(total_bytes - prefix.size() - suffix.size(), 'x') + suffix;
}

std::vector<Scenario> Scenarios() {
  const std::string csp =
      "default-src 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'; form-action 'self'";
  return {
      {.name = "healthz answers ok with the store kind",
       .method = "GET",
       .target = "/healthz",
       .expected_json = {{"/status", "ok"}, {"/store", "sqlite"}},
       .expected_headers = {{"content-type", "application/json"},
                            {"x-content-type-options", "nosniff"},
                            {"referrer-policy", "no-referrer"},
                            {"content-security-policy", csp}}},
      {.name = "version names product, version, store and api",
       .method = "GET",
       .target = "/api/v1/version",
       .expected_json = {{"/name", "rapport"}, {"/version", "9.8.7"}, {"/store", "sqlite"}, {"/api", "v1"}}},
      {.name = "openapi lists every documented route",
       .method = "GET",
       .target = "/api/v1/openapi.json",
       .expected_json = {{"/openapi", "3.1.0"},
                         {"/paths/~1healthz/get/operationId", "getHealth"},
                         {"/paths/~1metrics/get/operationId", "getMetrics"},
                         {"/paths/~1api~1v1~1version/get/operationId", "getVersion"},
                         {"/paths/~1api~1v1~1openapi.json/get/operationId", "getOpenApi"},
                         {"/components/schemas/Problem/type", "object"}},
       .absent_from_body = {"/api/v1/test/"}},
      {.name = "metrics speak the Prometheus text format",
       .method = "GET",
       .target = "/metrics",
       .expected_contains = {"# TYPE http_requests_total counter\n", "# TYPE http_request_duration_seconds histogram\n",
                             "# TYPE http_requests_in_flight gauge\n", "# TYPE http_connections gauge\n",
                             "rapport_store_write_commands_total{store=\"sqlite\"}",
                             "rapport_test_collector{kind=\"test\"} 7\n"},
       .expected_headers = {{"content-type", "text/plain; version=0.0.4; charset=utf-8"}}},
      {.name = "unknown API path is a not_found problem",
       .method = "GET",
       .target = "/api/v1/nothing-here",
       .expected_status = 404,
       .expected_json = {{"/instance", "/api/v1/nothing-here"}, {"/status", "404"}},
       .expected_problem_code = "not_found",
       .expected_headers = {{"content-type", "application/problem+json"}}},
      {.name = "wrong method is 405 with Allow",
       .method = "DELETE",
       .target = "/healthz",
       .expected_status = 405,
       .expected_problem_code = "method_not_allowed",
       .expected_headers = {{"allow", "GET, HEAD"}}},
      {.name = "path parameters reach the handler",
       .method = "GET",
       .target = "/api/v1/test/items/it_42?page=2",
       .expected_json = {{"/item_id", "it_42"}}},
      {.name = "non-public routes are denied by default",
       .method = "GET",
       .target = "/api/v1/test/private",
       .expected_status = 401,
       .expected_problem_code = "unauthenticated"},
      {.name = "valid JSON body is read",
       .method = "POST",
       .target = "/api/v1/test/echo",
       .headers = {{"Content-Type", "application/json; charset=utf-8"}},
       .body = R"({"name":"Анна","count":3})",
       .expected_json = {{"/name_bytes", "8"}, {"/count", "3"}}},
      {.name = "malformed JSON is invalid_json",
       .method = "POST",
       .target = "/api/v1/test/echo",
       .headers = {{"Content-Type", "application/json"}},
       .body = R"({"name": )",
       .expected_status = 400,
       .expected_problem_code = "invalid_json"},
      {.name = "field errors are validation_failed with errors[]",
       .method = "POST",
       .target = "/api/v1/test/echo",
       .headers = {{"Content-Type", "application/json"}},
       .body = R"({"count":"three","colour":"red"})",
       .expected_status = 400,
       .expected_json = {{"/errors/0/field", "count"},
                         {"/errors/0/code", "wrong_type"},
                         {"/errors/1/field", "colour"},
                         {"/errors/1/code", "unknown_field"},
                         {"/errors/2/field", "name"},
                         {"/errors/2/code", "missing"}},
       .expected_problem_code = "validation_failed"},
      {.name = "a body that is not JSON is 415",
       .method = "POST",
       .target = "/api/v1/test/echo",
       .headers = {{"Content-Type", "text/plain"}},
       .body = "name=anna",
       .expected_status = 415,
       .expected_problem_code = "unsupported_media_type"},
      {.name = "a body of exactly the limit is accepted",
       .method = "POST",
       .target = "/api/v1/test/echo",
       .headers = {{"Content-Type", "application/json"}},
       .body = JsonBody(limits::kHttpBodyBytesMax),
       .expected_json = {{"/name_bytes", std::to_string(limits::kHttpBodyBytesMax - 11)}}},
      {.name = "a body one byte over the limit is 413",
       .method = "POST",
       .target = "/api/v1/test/echo",
       .headers = {{"Content-Type", "application/json"}},
       .body = JsonBody(limits::kHttpBodyBytesMax + 1),
       .expected_status = 413,
       .expected_problem_code = "payload_too_large"},
      {.name = "a target of exactly the limit is routed",
       .method = "GET",
       .target = "/api/v1/" + std::string(limits::kHttpTargetBytesMax - 8, 'a'),
       .expected_status = 404,
       .expected_problem_code = "not_found"},
      {.name = "a target one byte over the limit is 414",
       .method = "GET",
       .target = "/api/v1/" + std::string(limits::kHttpTargetBytesMax - 7, 'a'),
       .expected_status = 414,
       .expected_problem_code = "uri_too_long"},
      {.name = "headers over the limit are 431",
       .method = "GET",
       .target = "/healthz",
       .headers = {{"X-Padding", std::string(limits::kHttpHeaderBytesMax, 'p')}},
       .expected_status = 431,
       .expected_problem_code = "header_fields_too_large"},
      {.name = "a sane X-Request-Id is echoed in header and problem",
       .method = "GET",
       .target = "/api/v1/missing",
       .headers = {{"X-Request-Id", "client-id_42"}},
       .expected_status = 404,
       .expected_json = {{"/request_id", "client-id_42"}},
       .expected_problem_code = "not_found",
       .expected_headers = {{"x-request-id", "client-id_42"}}},
      {.name = "a handler exception is a 500 that leaks nothing",
       .method = "GET",
       .target = "/api/v1/test/throws",
       .expected_status = 500,
       .expected_problem_code = "internal",
       .absent_from_body = {"secret internal detail"}},
      {.name = "a failing store write is 503 without internals",
       .method = "POST",
       .target = "/api/v1/test/write-fails",
       .headers = {{"Content-Type", "application/json"}},
       .expected_status = 503,
       .expected_problem_code = "unavailable",
       .absent_from_body = {"/secret/path"}},
      {.name = "HEAD has GET's headers and no body",
       .method = "HEAD",
       .target = "/api/v1/version",
       .expected_headers = {{"content-type", "application/json"}}},
      {.name = "root serves index.html, revalidated",
       .method = "GET",
       .target = "/",
       .expected_contains = {"<title>Rapport</title>"},
       .expected_headers = {{"etag", "\"index-v1\""}, {"cache-control", "no-cache"}, {"vary", "Accept-Encoding"}}},
      {.name = "client-side routes fall back to index.html",
       .method = "GET",
       .target = "/contacts/42",
       .expected_contains = {"<title>Rapport</title>"}},
      {.name = "hashed assets are immutable",
       .method = "GET",
       .target = "/assets/app-3f2a.js",
       .expected_contains = {"console.log(1)"},
       .expected_headers = {{"cache-control", "public, max-age=31536000, immutable"},
                            {"content-type", "text/javascript; charset=utf-8"}}},
      {.name = "matching If-None-Match is 304",
       .method = "GET",
       .target = "/assets/app-3f2a.js",
       .headers = {{"If-None-Match", "\"app-3f2a\""}},
       .expected_status = 304,
       .expected_headers = {{"etag", "\"app-3f2a\""}}},
      {.name = "gzip is served when accepted",
       .method = "GET",
       .target = "/",
       .headers = {{"Accept-Encoding", "gzip, br"}},
       .expected_headers = {{"content-encoding", "gzip"}, {"content-length", std::to_string(sizeof(kIndexGzip))}}},
      {.name = "unknown file under the UI is 404",
       .method = "GET",
       .target = "/missing.png",
       .expected_status = 404,
       .expected_problem_code = "not_found"},
  };
}

TEST_F(ApiTest, ScenarioTable) {
  for (const Scenario& scenario : Scenarios()) {
    SCOPED_TRACE(scenario.name);
    TestClient client(port());
    const HttpResult result = client.Send(scenario.method, scenario.target, scenario.headers, scenario.body);
    EXPECT_EQ(result.status, scenario.expected_status) << result.body.substr(0, 500);
    EXPECT_FALSE(result.Header("x-request-id").empty());
    EXPECT_EQ(result.Header("x-content-type-options"), "nosniff");
    for (const std::string& fragment : scenario.expected_contains) {
      EXPECT_NE(result.body.find(fragment), std::string::npos) << fragment << "\n" << result.body.substr(0, 2000);
    }
    for (const std::string& fragment : scenario.absent_from_body) {
      EXPECT_EQ(result.body.find(fragment), std::string::npos) << fragment;
    }
    for (const auto& [name, value] : scenario.expected_headers) EXPECT_EQ(result.Header(name), value) << name;
    if (scenario.method == "HEAD") {
      EXPECT_TRUE(result.body.empty());
      EXPECT_NE(result.Header("content-length"), "0");
    }

    const bool is_problem = !scenario.expected_problem_code.empty();
    if (!is_problem && scenario.expected_json.empty()) continue;
    rapidjson::Document document;
    document.Parse(result.body.c_str());
    ASSERT_FALSE(document.HasParseError()) << result.body.substr(0, 500);
    if (is_problem) {
      EXPECT_EQ(result.Header("content-type"), "application/problem+json");
      EXPECT_EQ(JsonText(document["code"]), scenario.expected_problem_code);
      EXPECT_EQ(JsonText(document["type"]), "https://rapport.dev/problems/" + scenario.expected_problem_code);
      EXPECT_EQ(JsonText(document["request_id"]), result.Header("x-request-id"));
      EXPECT_EQ(document["status"].GetInt(), result.status);
    }
    for (const JsonCheck& check : scenario.expected_json) {
      const rapidjson::Value* value = rapidjson::Pointer(check.pointer.c_str()).Get(document);
      ASSERT_NE(value, nullptr) << check.pointer;
      EXPECT_EQ(JsonText(*value), check.expected) << check.pointer;
    }
  }
}

// ---------------------------------------------------------------------------
// Scenarios that need more than one request.

TEST_F(ApiTest, KeepAliveServesManyRequestsOnOneConnection) {
  TestClient client(port());
  constexpr int kRequests = 200;
  for (int index = 0; index < kRequests; ++index) {
    const HttpResult result = client.Send("GET", "/api/v1/version");
    ASSERT_EQ(result.status, 200) << index;
    ASSERT_TRUE(result.keep_alive) << index;
  }
  const HttpResult metrics = client.Send("GET", "/metrics");
  EXPECT_NE(metrics.body.find("http_requests_total{method=\"GET\",route=\"/api/v1/version\",status=\"200\"} 200\n"),
            std::string::npos)
      << metrics.body;
  EXPECT_NE(metrics.body.find("http_connections 1\n"), std::string::npos);
}

TEST_F(ApiTest, PipelinedRequestsAreAnsweredInOrder) {
  TestClient client(port());
  client.SendRaw(
      "GET /api/v1/test/items/first HTTP/1.1\r\nHost: x\r\n\r\n"
      "GET /api/v1/test/items/second HTTP/1.1\r\nHost: x\r\n\r\n"
      "GET /api/v1/test/items/third HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  EXPECT_NE(client.ReadResponse().body.find("first"), std::string::npos);
  EXPECT_NE(client.ReadResponse().body.find("second"), std::string::npos);
  const HttpResult last = client.ReadResponse();
  EXPECT_NE(last.body.find("third"), std::string::npos);
  EXPECT_FALSE(last.keep_alive);
  EXPECT_TRUE(client.ServerClosed());
}

TEST_F(ApiTest, GeneratedRequestIdsDifferAndInsaneOnesAreReplaced) {
  TestClient client(port());
  const std::string first = client.Send("GET", "/healthz").Header("x-request-id");
  const std::string second = client.Send("GET", "/healthz").Header("x-request-id");
  EXPECT_FALSE(first.empty());
  EXPECT_NE(first, second);
  const std::string replaced =
      client.Send("GET", "/healthz", {{"X-Request-Id", std::string(65, 'a')}}).Header("x-request-id");
  EXPECT_NE(replaced, std::string(65, 'a'));
  EXPECT_FALSE(replaced.empty());
}

TEST_F(ApiTest, MalformedHttpIsBadRequestAndCloses) {
  TestClient client(port());
  client.SendRaw("THIS IS NOT HTTP\r\n\r\n");
  const HttpResult result = client.ReadResponse();
  EXPECT_EQ(result.status, 400);
  EXPECT_NE(result.body.find("\"code\":\"bad_request\""), std::string::npos);
  EXPECT_TRUE(client.ServerClosed());
}

TEST_F(ApiTest, GracefulShutdownLetsTheRequestInFlightFinish) {
  auto in_flight = std::async(std::launch::async, [port = port()] {
    TestClient client(port);
    return client.Send("GET", "/api/v1/test/slow");
  });
  TestClient idle_client(port());
  ASSERT_EQ(idle_client.Send("GET", "/healthz").status, 200);  // now idle on keep-alive
  slow_.entered.get_future().wait();

  auto shutdown = std::async(std::launch::async, [this] { server_->Shutdown(); });
  EXPECT_TRUE(idle_client.ServerClosed());  // idle connections are closed at once
  slow_.release.set_value();
  shutdown.get();

  const HttpResult result = in_flight.get();
  EXPECT_EQ(result.status, 200);
  EXPECT_EQ(result.body, R"({"slow":"done"})");
  EXPECT_FALSE(result.keep_alive);  // the server says it is closing
  server_->Wait();                  // returns: shutdown completed
  server_->Shutdown();              // idempotent
}

TEST_F(ApiTest, NewConnectionsAreRefusedAfterShutdown) {
  const std::uint16_t bound_port = port();
  server_->Shutdown();
  EXPECT_ANY_THROW(TestClient client(bound_port));
}

class FailingStoreApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    spdlog::set_level(spdlog::level::warn);
    http::ServerOptions options;
    options.port = 0;
    auto server = http::Server::Start(options, {&store_,
                                                &clock_,
                                                "9.8.7",
                                                {},
                                                {},
                                                &access_,
                                                relationships_.Services(),
                                                &relationships_.loyalty,
                                                &relationships_.rewards,
                                                &relationships_.programme});
    ASSERT_TRUE(server.ok()) << server.status().ToString();
    server_ = std::move(server).value();
  }

  FakeClock clock_{FromUnixMicros(0)};
  FailingStore store_{Internal("sqlite: unable to open /var/lib/rapport/rapport.db")};
  app::AccessService access_{store_, clock_};
  api_testing::RelationshipStack relationships_{store_, clock_};
  std::unique_ptr<http::Server> server_;
};

TEST_F(FailingStoreApiTest, HealthIsServiceUnavailableWithRequestId) {
  TestClient client(server_->port());
  const HttpResult result = client.Send("GET", "/healthz", {{"X-Request-Id", "probe-1"}});
  EXPECT_EQ(result.status, 503);
  EXPECT_EQ(result.Header("content-type"), "application/problem+json");
  EXPECT_NE(result.body.find("\"code\":\"unavailable\""), std::string::npos);
  EXPECT_NE(result.body.find("\"request_id\":\"probe-1\""), std::string::npos);
  EXPECT_EQ(result.body.find("/var/lib"), std::string::npos);
}

TEST_F(FailingStoreApiTest, EmptyAssetTableExplainsTheMissingUi) {
  TestClient client(server_->port());
  const HttpResult result = client.Send("GET", "/");
  EXPECT_EQ(result.status, 200);
  EXPECT_NE(result.body.find("RAPPORT_UI=OFF"), std::string::npos);
  EXPECT_EQ(result.Header("content-type"), "text/html; charset=utf-8");
}

}  // namespace
}  // namespace rapport::api_test

// Access-control scenarios against the real server over a real SQLite store:
//  * the authorization matrix, generated from the product's route table:
//    every route × {anonymous, each role by session and by token, a revoked
//    token, a disabled user}, with the database compared before and after
//    every refused request (nothing may be written);
//  * CSRF on cookie-authenticated writes, sessions ending on password and
//    role changes, revocation taking effect at once, idle expiry, sign-in
//    throttling, the per-token rate, cookie attributes, and the audit API
//    noticing an edited row.
// The clock is fake: expiry and throttling windows pass by advancing it.
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <rapidjson/document.h>
#include <spdlog/spdlog.h>
#include <sqlite3.h>

#include "http_client.h"
#include "relationship_services.h"
#include "router.h"
#include "routes/routes.h"
#include "server_testing.h"

#include "rapport/app/access_service.h"
#include "rapport/store/open_store.h"

namespace rapport::api_test {
namespace {

using domain::Role;
using Headers = std::vector<std::pair<std::string, std::string>>;

constexpr std::string_view kPassword = "correct horse battery staple";

app::AccessOptions TestAccessOptions() {
  app::AccessOptions options;
  options.password_hash = {.ops_limit = 1, .mem_limit_bytes = 8192};  // libsodium's minimum: tests only
  options.token_requests_per_second = 0;                              // the matrix sends many requests
  return options;
}

// Every row of every table as text, to compare before and after a request.
std::string DatabaseContents(const std::filesystem::path& path) {
  sqlite3* db = nullptr;
  EXPECT_EQ(sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
  std::vector<std::string> tables;
  sqlite3_stmt* statement = nullptr;
  sqlite3_prepare_v2(db, "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name", -1, &statement, nullptr);
  while (sqlite3_step(statement) == SQLITE_ROW) {
    tables.emplace_back(reinterpret_cast<const char*>(sqlite3_column_text(statement, 0)));
  }
  sqlite3_finalize(statement);
  std::string contents;
  for (const std::string& table : tables) {
    contents += "# " + table + "\n";
    const std::string sql = "SELECT * FROM \"" + table + "\"";
    sqlite3_prepare_v2(db, sql.c_str(), -1, &statement, nullptr);
    while (sqlite3_step(statement) == SQLITE_ROW) {
      for (int column = 0; column < sqlite3_column_count(statement); ++column) {
        const unsigned char* text = sqlite3_column_text(statement, column);
        contents += text ? reinterpret_cast<const char*>(text) : "NULL";
        contents += '|';
      }
      contents += '\n';
    }
    sqlite3_finalize(statement);
  }
  sqlite3_close(db);
  return contents;
}

void Execute(const std::filesystem::path& path, const std::string& sql) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  sqlite3_busy_timeout(db, 5'000);
  char* error = nullptr;
  const int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error);
  EXPECT_EQ(rc, SQLITE_OK) << (error ? error : "");
  sqlite3_free(error);
  sqlite3_close(db);
}

rapidjson::Document Parse(const std::string& body) {
  rapidjson::Document document;
  document.Parse(body.c_str());
  EXPECT_FALSE(document.HasParseError()) << body.substr(0, 300);
  return document;
}

// "rapport_session=abc; Path=/; HttpOnly" → "rapport_session=abc".
std::string CookiePair(const std::string& set_cookie) { return set_cookie.substr(0, set_cookie.find(';')); }

class AccessApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    spdlog::set_level(spdlog::level::warn);
    directory_ =
        std::filesystem::temp_directory_path() / ("rapport-access-api-" + std::to_string(::getpid()) + "-" +
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
  }

  void Start(app::AccessOptions access_options = TestAccessOptions(), http::ServerOptions options = {}) {
    access_ = std::make_unique<app::AccessService>(*store_, clock_, access_options);
    options.port = 0;
    relationships_ = std::make_unique<api_testing::RelationshipStack>(*store_, clock_);
    http::ServerDependencies dependencies{store_.get(),
                                          &clock_,
                                          "1.0.0",
                                          {},
                                          {},
                                          access_.get(),
                                          relationships_->Services(),
                                          &relationships_->loyalty,
                                          &relationships_->rewards,
                                          &relationships_->programme};
    auto server = http::StartServerWithRoutes(options, std::move(dependencies), nullptr);
    ASSERT_TRUE(server.ok()) << server.status().ToString();
    server_ = std::move(server).value();
  }

  void TearDown() override {
    if (server_) server_->Shutdown();
    server_.reset();
    access_.reset();
    if (store_) {
      EXPECT_TRUE(store_->Close().ok());
    }
    std::filesystem::remove_all(directory_);
  }

  std::filesystem::path database() const { return directory_ / "rapport.db"; }

  app::User AddUser(const std::string& email, Role role) {
    auto user = access_->CreateUser(operator_, {}, {.email = email, .role = role, .password = std::string(kPassword)});
    EXPECT_TRUE(user.ok()) << user.status().ToString();
    return *user;
  }

  // Signs in through the API; the headers a browser would send afterwards.
  struct Session {
    std::string cookie;
    std::string csrf;
    Headers ForRead() const { return {{"Cookie", cookie}}; }
    Headers ForWrite() const {
      return {{"Cookie", cookie}, {"X-CSRF-Token", csrf}, {"Content-Type", "application/json"}};
    }
  };
  Session SignIn(const std::string& email, std::string_view password = kPassword) {
    TestClient client(server_->port());
    const HttpResult result =
        client.Send("POST", "/api/v1/auth/login", {{"Content-Type", "application/json"}},
                    R"({"email":")" + email + R"(","password":")" + std::string(password) + R"("})");
    EXPECT_EQ(result.status, 200) << result.body;
    if (result.status != 200) return {};
    const rapidjson::Document body = Parse(result.body);
    return Session{CookiePair(result.Header("set-cookie")), body["csrf_token"].GetString()};
  }

  std::string NewToken(const std::string& name, Role role) {
    auto token = access_->CreateToken(operator_, {}, name, role);
    EXPECT_TRUE(token.ok()) << token.status().ToString();
    return token->secret;
  }

  HttpResult Send(const std::string& method, const std::string& target, const Headers& headers = {},
                  const std::string& body = "") {
    TestClient client(server_->port());
    return client.Send(method, target, headers, body);
  }

  FakeClock clock_{FromUnixMicros(1'800'000'000'000'000)};
  std::filesystem::path directory_;
  std::unique_ptr<app::Store> store_;
  std::unique_ptr<app::AccessService> access_;
  std::unique_ptr<api_testing::RelationshipStack> relationships_;
  std::unique_ptr<http::Server> server_;
  const app::Principal operator_ = app::AccessService::Operator("test");
};

// ---------------------------------------------------------------------------
// The authorization matrix.

enum class Caller { kAnonymous, kRevokedToken, kDisabledUser, kRoleSession, kRoleToken };

struct MatrixIdentity {
  std::string name;
  Caller caller;
  std::optional<Role> role;
};

std::string ConcretePath(const std::string& pattern) {
  std::string path;
  for (std::string_view segment : http::SplitPath(pattern)) {
    path += '/';
    path += http::IsParameterSegment(segment) ? std::string("999999") : std::string(segment);
  }
  return path;
}

TEST_F(AccessApiTest, AuthorizationMatrixCoversEveryRoute) {
  Start();
  http::Router router;
  http::RegisterAllRoutes(router);
  ASSERT_GE(router.routes().size(), 14u);

  for (Role role : domain::kAllRoles) AddUser(std::string(domain::RoleName(role)) + "@example.com", role);
  const app::User disabled = AddUser("gone@example.com", Role::kAdmin);
  const Session disabled_session = SignIn("gone@example.com");
  ASSERT_TRUE(access_->UpdateUser(operator_, {}, disabled.id, {.disabled = true}).ok());
  const std::string revoked = NewToken("revoked", Role::kAdmin);
  ASSERT_TRUE(access_->RevokeTokenByName(operator_, {}, "revoked").ok());
  std::map<Role, std::string> tokens;
  for (Role role : domain::kAllRoles) tokens[role] = NewToken(std::string(domain::RoleName(role)), role);

  std::vector<MatrixIdentity> identities = {{"anonymous", Caller::kAnonymous, std::nullopt},
                                            {"revoked token", Caller::kRevokedToken, std::nullopt},
                                            {"disabled user", Caller::kDisabledUser, std::nullopt}};
  for (Role role : domain::kAllRoles) {
    identities.push_back({std::string(domain::RoleName(role)) + " session", Caller::kRoleSession, role});
    identities.push_back({std::string(domain::RoleName(role)) + " token", Caller::kRoleToken, role});
  }

  int checked = 0;
  for (const http::Route& route : router.routes()) {
    const std::string method(http::MethodName(route.method));
    const std::string path = ConcretePath(route.pattern);
    const bool writes = method != "GET" && method != "HEAD";
    for (const MatrixIdentity& identity : identities) {
      SCOPED_TRACE(method + " " + route.pattern + " as " + identity.name);
      Headers headers;
      switch (identity.caller) {
        case Caller::kAnonymous: break;
        case Caller::kRevokedToken: headers = {{"Authorization", "Bearer " + revoked}}; break;
        case Caller::kDisabledUser: headers = disabled_session.ForWrite(); break;
        case Caller::kRoleSession: {
          // A fresh session each time: logout and password routes may end it.
          const Session session = SignIn(std::string(domain::RoleName(*identity.role)) + "@example.com");
          headers = session.ForWrite();
          break;
        }
        case Caller::kRoleToken: headers = {{"Authorization", "Bearer " + tokens[*identity.role]}}; break;
      }
      if (writes) headers.emplace_back("Content-Type", "application/json");

      bool expect_admitted = true;
      int expected_refusal = 0;
      if (!route.permission.is_public()) {
        if (!identity.role) {
          expect_admitted = false;
          expected_refusal = 401;
        } else if (route.permission.kind == app::Permission::Kind::kGranted &&
                   !domain::IsAllowed(*identity.role, route.permission.resource, route.permission.action)) {
          expect_admitted = false;
          expected_refusal = 403;
        }
      }

      const std::string before = expect_admitted ? std::string() : DatabaseContents(database());
      const HttpResult result = Send(method, path, headers, writes ? "{}" : "");
      if (expect_admitted) {
        EXPECT_NE(result.status, 401) << result.body;
        EXPECT_NE(result.status, 403) << result.body;
        EXPECT_LT(result.status, 500) << result.body;
      } else {
        EXPECT_EQ(result.status, expected_refusal) << result.body;
        EXPECT_EQ(DatabaseContents(database()), before) << "a refused request changed the database";
      }
      ++checked;
    }
  }
  EXPECT_EQ(checked, static_cast<int>(router.routes().size() * identities.size()));
}

// ---------------------------------------------------------------------------
// Sessions, CSRF and tokens.

TEST_F(AccessApiTest, CookieWritesNeedTheCsrfToken) {
  Start();
  AddUser("admin@example.com", Role::kAdmin);
  const Session session = SignIn("admin@example.com");
  const std::string body = R"({"email":"new@example.com","role":"agent","password":"a long enough password"})";
  const std::string before = DatabaseContents(database());

  Headers without = {{"Cookie", session.cookie}, {"Content-Type", "application/json"}};
  HttpResult result = Send("POST", "/api/v1/users", without, body);
  EXPECT_EQ(result.status, 403) << result.body;
  Headers wrong = without;
  wrong.emplace_back("X-CSRF-Token", session.csrf + "x");
  result = Send("POST", "/api/v1/users", wrong, body);
  EXPECT_EQ(result.status, 403) << result.body;
  EXPECT_EQ(DatabaseContents(database()), before);

  result = Send("POST", "/api/v1/users", session.ForWrite(), body);
  EXPECT_EQ(result.status, 201) << result.body;
  EXPECT_EQ(result.Header("location"), "/api/v1/users/2");
  // Reads need no CSRF token; bearer writes need none either.
  EXPECT_EQ(Send("GET", "/api/v1/users", session.ForRead()).status, 200);
  const std::string token = NewToken("integration", Role::kAdmin);
  result = Send("PATCH", "/api/v1/users/2",
                {{"Authorization", "Bearer " + token}, {"Content-Type", "application/json"}}, R"({"role":"manager"})");
  EXPECT_EQ(result.status, 200) << result.body;
  EXPECT_EQ(Parse(result.body)["role"].GetString(), std::string("manager"));
}

TEST_F(AccessApiTest, SessionCookieAttributes) {
  http::ServerOptions options;
  options.trust_proxy_headers = true;
  Start(TestAccessOptions(), options);
  AddUser("admin@example.com", Role::kAdmin);
  const std::string login = R"({"email":"ADMIN@example.com","password":"correct horse battery staple"})";
  HttpResult result = Send("POST", "/api/v1/auth/login", {{"Content-Type", "application/json"}}, login);
  ASSERT_EQ(result.status, 200) << result.body;
  const std::string cookie = result.Header("set-cookie");
  EXPECT_TRUE(cookie.starts_with("rapport_session=")) << cookie;
  EXPECT_NE(cookie.find("; HttpOnly"), std::string::npos) << cookie;
  EXPECT_NE(cookie.find("; SameSite=Lax"), std::string::npos) << cookie;
  EXPECT_NE(cookie.find("; Path=/"), std::string::npos) << cookie;
  EXPECT_EQ(cookie.find("Secure"), std::string::npos) << cookie;
  EXPECT_EQ(result.Header("cache-control"), "no-store");

  result =
      Send("POST", "/api/v1/auth/login", {{"Content-Type", "application/json"}, {"X-Forwarded-Proto", "https"}}, login);
  ASSERT_EQ(result.status, 200);
  EXPECT_NE(result.Header("set-cookie").find("; Secure"), std::string::npos);
}

TEST_F(AccessApiTest, SessionsEndWhenThePasswordChanges) {
  Start();
  AddUser("ann@example.com", Role::kManager);
  const Session first = SignIn("ann@example.com");
  const Session second = SignIn("ann@example.com");
  EXPECT_EQ(Send("GET", "/api/v1/auth/session", second.ForRead()).status, 200);

  HttpResult result = Send("POST", "/api/v1/auth/password", first.ForWrite(),
                           R"({"current_password":"wrong password here","new_password":"a brand new passphrase"})");
  EXPECT_EQ(result.status, 400) << result.body;
  EXPECT_EQ(Send("GET", "/api/v1/auth/session", first.ForRead()).status, 200);

  result = Send("POST", "/api/v1/auth/password", first.ForWrite(),
                R"({"current_password":"correct horse battery staple","new_password":"a brand new passphrase"})");
  EXPECT_EQ(result.status, 204) << result.body;
  EXPECT_NE(result.Header("set-cookie").find("Max-Age=0"), std::string::npos);
  EXPECT_EQ(Send("GET", "/api/v1/auth/session", first.ForRead()).status, 401);
  EXPECT_EQ(Send("GET", "/api/v1/auth/session", second.ForRead()).status, 401);

  const HttpResult old_password = Send("POST", "/api/v1/auth/login", {{"Content-Type", "application/json"}},
                                       R"({"email":"ann@example.com","password":"correct horse battery staple"})");
  EXPECT_EQ(old_password.status, 401);
  const Session renewed = SignIn("ann@example.com", "a brand new passphrase");
  EXPECT_EQ(Send("GET", "/api/v1/auth/session", renewed.ForRead()).status, 200);
}

TEST_F(AccessApiTest, RoleChangeAndDisablingEndSessions) {
  Start();
  AddUser("admin@example.com", Role::kAdmin);
  const app::User manager = AddUser("manager@example.com", Role::kManager);
  const Session admin = SignIn("admin@example.com");
  const Session before_change = SignIn("manager@example.com");
  const std::string target = "/api/v1/users/" + std::to_string(manager.id.value());

  EXPECT_EQ(Send("PATCH", target, admin.ForWrite(), R"({"role":"analyst"})").status, 200);
  EXPECT_EQ(Send("GET", "/api/v1/auth/session", before_change.ForRead()).status, 401);
  const Session after_change = SignIn("manager@example.com");
  const HttpResult who = Send("GET", "/api/v1/auth/session", after_change.ForRead());
  ASSERT_EQ(who.status, 200);
  const rapidjson::Document document = Parse(who.body);
  EXPECT_EQ(document["principal"]["role"].GetString(), std::string("analyst"));
  EXPECT_EQ(document["permissions"]["users"].Size(), 0u);

  EXPECT_EQ(Send("PATCH", target, admin.ForWrite(), R"({"disabled":true})").status, 200);
  EXPECT_EQ(Send("GET", "/api/v1/auth/session", after_change.ForRead()).status, 401);
  const HttpResult login = Send("POST", "/api/v1/auth/login", {{"Content-Type", "application/json"}},
                                R"({"email":"manager@example.com","password":"correct horse battery staple"})");
  EXPECT_EQ(login.status, 401);

  // The last active admin cannot lock everyone out.
  const HttpResult self_demote = Send("PATCH", "/api/v1/users/1", admin.ForWrite(), R"({"role":"agent"})");
  EXPECT_EQ(self_demote.status, 422) << self_demote.body;  // failed_precondition
}

TEST_F(AccessApiTest, RevokedTokenIsRefusedAtOnce) {
  Start();
  const std::string admin_token = NewToken("ops", Role::kAdmin);
  const std::string shop_token = NewToken("shop", Role::kAnalyst);
  const Headers shop = {{"Authorization", "Bearer " + shop_token}};
  EXPECT_EQ(Send("GET", "/api/v1/auth/session", shop).status, 200);
  EXPECT_EQ(Send("GET", "/api/v1/users", shop).status, 403);  // analysts do not see users

  const HttpResult listed = Send("GET", "/api/v1/tokens", {{"Authorization", "Bearer " + admin_token}});
  ASSERT_EQ(listed.status, 200);
  const rapidjson::Document tokens = Parse(listed.body);
  ASSERT_EQ(tokens["items"].Size(), 2u);
  EXPECT_EQ(tokens["items"][1]["name"].GetString(), std::string("shop"));
  EXPECT_TRUE(tokens["items"][1]["last_used_at"].IsString());  // used just above
  EXPECT_EQ(listed.body.find(shop_token), std::string::npos);  // never shown again

  const HttpResult revoked = Send("DELETE", "/api/v1/tokens/2", {{"Authorization", "Bearer " + admin_token}});
  ASSERT_EQ(revoked.status, 200) << revoked.body;
  EXPECT_TRUE(Parse(revoked.body)["revoked_at"].IsString());
  const HttpResult after = Send("GET", "/api/v1/auth/session", shop);
  EXPECT_EQ(after.status, 401);
  EXPECT_EQ(after.Header("www-authenticate"), "Bearer realm=\"rapport\"");
  EXPECT_EQ(Send("GET", "/api/v1/auth/session", {{"Authorization", "Basic YTpi"}}).status, 401);
}

TEST_F(AccessApiTest, IdleSessionsExpire) {
  Start();
  AddUser("ann@example.com", Role::kAgent);
  const Session session = SignIn("ann@example.com");
  clock_.Advance(std::chrono::minutes(20));
  EXPECT_EQ(Send("GET", "/api/v1/auth/session", session.ForRead()).status, 200);  // activity refreshes it
  clock_.Advance(std::chrono::minutes(20));
  EXPECT_EQ(Send("GET", "/api/v1/auth/session", session.ForRead()).status, 200);
  clock_.Advance(std::chrono::minutes(31));
  const HttpResult expired = Send("GET", "/api/v1/auth/session", session.ForRead());
  EXPECT_EQ(expired.status, 401);
  EXPECT_NE(expired.Header("set-cookie").find("Max-Age=0"), std::string::npos);
}

TEST_F(AccessApiTest, FailedSignInsAreThrottledPerAccount) {
  Start();
  AddUser("ann@example.com", Role::kAgent);
  const Headers json = {{"Content-Type", "application/json"}};
  const std::string wrong = R"({"email":"ann@example.com","password":"not the password at all"})";
  const HttpResult unknown = Send("POST", "/api/v1/auth/login", json,
                                  R"({"email":"nobody@example.com","password":"not the password at all"})");
  const HttpResult mismatch = Send("POST", "/api/v1/auth/login", json, wrong);
  EXPECT_EQ(unknown.status, 401);
  EXPECT_EQ(mismatch.status, 401);
  EXPECT_EQ(Parse(unknown.body)["detail"], Parse(mismatch.body)["detail"]);  // no account enumeration
  for (int attempt = 0; attempt < 4; ++attempt) EXPECT_EQ(Send("POST", "/api/v1/auth/login", json, wrong).status, 401);

  const HttpResult throttled = Send("POST", "/api/v1/auth/login", json,
                                    R"({"email":"ann@example.com","password":"correct horse battery staple"})");
  EXPECT_EQ(throttled.status, 429);
  EXPECT_EQ(throttled.Header("retry-after"), "900");
  clock_.Advance(std::chrono::minutes(15));
  SignIn("ann@example.com");
}

TEST_F(AccessApiTest, TokenRequestRateIsLimited) {
  app::AccessOptions options = TestAccessOptions();
  options.token_requests_per_second = 1;
  options.token_burst = 2;
  Start(options);
  const Headers token = {{"Authorization", "Bearer " + NewToken("busy", Role::kAnalyst)}};
  EXPECT_EQ(Send("GET", "/api/v1/auth/session", token).status, 200);
  EXPECT_EQ(Send("GET", "/api/v1/auth/session", token).status, 200);
  const HttpResult limited = Send("GET", "/api/v1/auth/session", token);
  EXPECT_EQ(limited.status, 429);
  EXPECT_EQ(limited.Header("retry-after"), "1");
  clock_.Advance(std::chrono::seconds(1));
  EXPECT_EQ(Send("GET", "/api/v1/auth/session", token).status, 200);
}

// ---------------------------------------------------------------------------
// The audit log.

TEST_F(AccessApiTest, AuditLogRecordsWritesAndDetectsAnEditedRow) {
  Start();
  AddUser("admin@example.com", Role::kAdmin);
  const Session admin = SignIn("admin@example.com");
  ASSERT_EQ(Send("POST", "/api/v1/tokens", admin.ForWrite(), R"({"name":"shop","role":"agent"})").status, 201);
  Send("POST", "/api/v1/auth/login", {{"Content-Type", "application/json"}},
       R"({"email":"admin@example.com","password":"wrong wrong wrong"})");

  HttpResult page = Send("GET", "/api/v1/audit?limit=2", admin.ForRead());
  ASSERT_EQ(page.status, 200) << page.body;
  rapidjson::Document document = Parse(page.body);
  ASSERT_EQ(document["items"].Size(), 2u);
  EXPECT_EQ(document["items"][0]["action"].GetString(), std::string("auth.login_failed"));
  EXPECT_EQ(document["items"][0]["details"]["reason"].GetString(), std::string("wrong_password"));
  EXPECT_EQ(document["items"][1]["action"].GetString(), std::string("token.create"));
  EXPECT_EQ(document["items"][1]["actor"].GetString(), std::string("user:1"));
  EXPECT_EQ(document["items"][1]["remote"].GetString(), std::string("127.0.0.1"));
  ASSERT_TRUE(document["next"].IsString());

  page = Send("GET", "/api/v1/audit?before=" + std::string(document["next"].GetString()) + "&action=user.",
              admin.ForRead());
  document = Parse(page.body);
  ASSERT_EQ(document["items"].Size(), 1u);
  EXPECT_EQ(document["items"][0]["action"].GetString(), std::string("user.create"));
  EXPECT_EQ(Send("GET", "/api/v1/audit?limit=0", admin.ForRead()).status, 400);

  HttpResult verify = Send("GET", "/api/v1/audit/verify", admin.ForRead());
  ASSERT_EQ(verify.status, 200);
  EXPECT_TRUE(Parse(verify.body)["ok"].GetBool());

  // Someone with the database file rewrites history: the chain notices.
  Execute(database(), "DROP TRIGGER audit_log_no_update; UPDATE audit_log SET actor = 'user:9' WHERE sequence = 2");
  verify = Send("GET", "/api/v1/audit/verify", admin.ForRead());
  ASSERT_EQ(verify.status, 200);
  document = Parse(verify.body);
  EXPECT_FALSE(document["ok"].GetBool());
  EXPECT_EQ(document["fault"].GetString(), std::string("edited"));
  EXPECT_EQ(document["broken_sequence"].GetInt64(), 2);
}

}  // namespace
}  // namespace rapport::api_test

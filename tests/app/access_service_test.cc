// AccessService over a real SQLite store: the rules that are easiest to see
// below the HTTP layer (first admin, rehashing, the last admin, token use
// bookkeeping, pruning, permission checks for the CLI's principals).
#include "rapport/app/access_service.h"

#include <unistd.h>

#include <filesystem>

#include <gtest/gtest.h>

#include "rapport/store/open_store.h"

namespace rapport::app {
namespace {

using domain::Role;

constexpr std::string_view kPassword = "correct horse battery staple";

PasswordHashOptions Cheap() { return {.ops_limit = 1, .mem_limit_bytes = 8192}; }

class AccessServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    directory_ =
        std::filesystem::temp_directory_path() / ("rapport-access-" + std::to_string(::getpid()) + "-" +
                                                  ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(directory_);
    std::filesystem::create_directories(directory_);
    StoreOptions options;
    options.database = (directory_ / "rapport.db").string();
    options.sqlite_synchronous = SqliteSynchronous::kNormal;
    options.clock = &clock_;
    auto store = store::OpenStore(options);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(store).value();
    service_ = std::make_unique<AccessService>(*store_, clock_, AccessOptions{.password_hash = Cheap()});
  }

  void TearDown() override {
    service_.reset();
    EXPECT_TRUE(store_->Close().ok());
    std::filesystem::remove_all(directory_);
  }

  std::vector<AuditRecord> Audit(std::string_view action_prefix) {
    auto records = service_->ListAudit(admin_, AuditQuery{.action_prefix = std::string(action_prefix), .limit = 500});
    EXPECT_TRUE(records.ok()) << records.status().ToString();
    return records.ok() ? *records : std::vector<AuditRecord>{};
  }

  FakeClock clock_{FromUnixMicros(1'800'000'000'000'000)};
  std::filesystem::path directory_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<AccessService> service_;
  const Principal admin_ = AccessService::Operator("test");
};

TEST_F(AccessServiceTest, FirstAdminIsCreatedOnceWithAGeneratedPassword) {
  auto first = service_->EnsureFirstAdmin("Admin@Localhost", "");
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  ASSERT_TRUE(first->has_value());
  const FirstAdmin& admin = **first;
  EXPECT_TRUE(admin.generated);
  EXPECT_EQ(admin.user.email, "admin@localhost");
  EXPECT_EQ(admin.user.role, Role::kAdmin);
  EXPECT_EQ(CheckPassword(admin.password), PasswordCheck::kAccepted);
  EXPECT_TRUE(service_->Login("admin@localhost", admin.password, {}).ok());

  auto again = service_->EnsureFirstAdmin("other@localhost", "");
  ASSERT_TRUE(again.ok());
  EXPECT_FALSE(again->has_value());
  const std::vector<AuditRecord> created = Audit("user.create");
  ASSERT_EQ(created.size(), 1u);
  EXPECT_EQ(created[0].actor, "system");
}

TEST_F(AccessServiceTest, SignInRehashesAPasswordHashedWithOtherParameters) {
  ASSERT_TRUE(service_
                  ->CreateUser(admin_, {},
                               {.email = "ann@example.com", .role = Role::kAgent, .password = std::string(kPassword)})
                  .ok());
  // The installation raises its cost: the next sign-in stores a new hash.
  AccessService stronger(*store_, clock_, AccessOptions{.password_hash = {.ops_limit = 2, .mem_limit_bytes = 8192}});
  auto signed_in = stronger.Login("ann@example.com", kPassword, {});
  ASSERT_TRUE(signed_in.ok()) << signed_in.status.ToString();
  auto user = stronger.GetUserByEmail(admin_, "ann@example.com");
  ASSERT_TRUE(user.ok());
  EXPECT_EQ(VerifyPassword(kPassword, user->password_hash, {.ops_limit = 2, .mem_limit_bytes = 8192}).value(),
            PasswordVerdict::kMatch);
  const std::vector<AuditRecord> logins = Audit("auth.login");
  ASSERT_FALSE(logins.empty());
  EXPECT_NE(logins[0].details_json.find("rehashed"), std::string::npos);
}

TEST_F(AccessServiceTest, TheLastActiveAdminCannotBeDemotedOrDisabled) {
  auto only = service_->CreateUser(
      admin_, {}, {.email = "root@example.com", .role = Role::kAdmin, .password = std::string(kPassword)});
  ASSERT_TRUE(only.ok());
  EXPECT_EQ(service_->UpdateUser(admin_, {}, only->id, {.role = Role::kManager}).status().code(),
            StatusCode::kFailedPrecondition);
  EXPECT_EQ(service_->UpdateUser(admin_, {}, only->id, {.disabled = true}).status().code(),
            StatusCode::kFailedPrecondition);
  auto second = service_->CreateUser(
      admin_, {}, {.email = "second@example.com", .role = Role::kAdmin, .password = std::string(kPassword)});
  ASSERT_TRUE(second.ok());
  EXPECT_TRUE(service_->UpdateUser(admin_, {}, only->id, {.role = Role::kManager}).ok());
  const std::vector<AuditRecord> changes = Audit("user.role_change");
  ASSERT_EQ(changes.size(), 1u);
  EXPECT_EQ(changes[0].actor, "cli:test");
  EXPECT_NE(changes[0].details_json.find(R"("to":"manager")"), std::string::npos);
}

TEST_F(AccessServiceTest, PrincipalsAreCheckedAgainstThePermissionTable) {
  auto analyst = service_->CreateToken(admin_, {}, "reports", Role::kAnalyst);
  ASSERT_TRUE(analyst.ok());
  auto authenticated = service_->AuthenticateToken(analyst->secret, {});
  ASSERT_TRUE(authenticated.ok());
  const Principal& reports = *authenticated.value;
  EXPECT_EQ(reports.Actor(), "token:" + std::to_string(analyst->token.id.value()));
  EXPECT_EQ(
      service_->CreateUser(reports, {}, {.email = "x@example.com", .password = std::string(kPassword)}).status().code(),
      StatusCode::kPermissionDenied);
  EXPECT_EQ(service_->ListUsers(reports).status().code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(service_->ListAudit(reports, {}).status().code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(AccessService::Authorize(Principal{.kind = Principal::Kind::kAnonymous, .role = Role::kAdmin},
                                     domain::Resource::kSystem, domain::Action::kRead)
                .code(),
            StatusCode::kPermissionDenied);
  EXPECT_TRUE(Audit("user.create").empty());  // nothing was written
}

TEST_F(AccessServiceTest, TokenUseIsRecordedOncePerTouchInterval) {
  auto created = service_->CreateToken(admin_, {}, "shop", Role::kAgent);
  ASSERT_TRUE(created.ok());
  EXPECT_EQ(service_->CreateToken(admin_, {}, "shop", Role::kAgent).status().code(), StatusCode::kAlreadyExists);
  for (int request = 0; request < 3; ++request) {
    auto principal = service_->AuthenticateToken(created->secret, {.remote = "203.0.113.7:5000"});
    ASSERT_TRUE(principal.ok());
    EXPECT_EQ(principal.value->use_due, request == 0) << request;
    ASSERT_TRUE(service_->RecordUse(*principal.value, {.remote = "203.0.113.7:5000"}).ok());
  }
  clock_.Advance(std::chrono::minutes(2));
  auto later = service_->AuthenticateToken(created->secret, {});
  ASSERT_TRUE(later.ok());
  EXPECT_TRUE(later.value->use_due);
  ASSERT_TRUE(service_->RecordUse(*later.value, {}).ok());

  const std::vector<AuditRecord> uses = Audit("token.use");
  ASSERT_EQ(uses.size(), 2u);
  EXPECT_EQ(uses[1].remote, "203.0.113.7");  // the address without its port
  auto tokens = service_->ListTokens(admin_);
  ASSERT_TRUE(tokens.ok());
  EXPECT_EQ(tokens->at(0).last_used_at, clock_.Now());

  ASSERT_TRUE(service_->RevokeTokenByName(admin_, {}, "shop").ok());
  EXPECT_EQ(service_->RevokeTokenByName(admin_, {}, "shop").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(service_->AuthenticateToken(created->secret, {}).status.code(), StatusCode::kUnauthenticated);
  EXPECT_TRUE(service_->CreateToken(admin_, {}, "shop", Role::kAgent).ok());  // the name is free again
}

TEST_F(AccessServiceTest, ExpiredSessionsArePruned) {
  ASSERT_TRUE(service_
                  ->CreateUser(admin_, {},
                               {.email = "ann@example.com", .role = Role::kAgent, .password = std::string(kPassword)})
                  .ok());
  auto idle = service_->Login("ann@example.com", kPassword, {});
  ASSERT_TRUE(idle.ok());
  clock_.Advance(std::chrono::minutes(29));
  auto active = service_->Login("ann@example.com", kPassword, {});
  ASSERT_TRUE(active.ok());
  clock_.Advance(std::chrono::minutes(2));  // the first is 31 minutes idle
  EXPECT_EQ(service_->AuthenticateSession(idle.value->session_token, {}).status.code(), StatusCode::kUnauthenticated);
  EXPECT_TRUE(service_->AuthenticateSession(active.value->session_token, {}).ok());
  auto pruned = service_->PruneExpiredSessions();
  ASSERT_TRUE(pruned.ok());
  EXPECT_EQ(*pruned, 1);
  EXPECT_TRUE(service_->AuthenticateSession(active.value->session_token, {}).ok());
}

TEST_F(AccessServiceTest, BadInputIsRefusedBeforeAnythingIsWritten) {
  EXPECT_EQ(
      service_->CreateUser(admin_, {}, {.email = "no-at-sign", .password = std::string(kPassword)}).status().code(),
      StatusCode::kInvalidArgument);
  EXPECT_EQ(service_->CreateUser(admin_, {}, {.email = "a@b.c", .password = "short"}).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(
      service_
          ->CreateUser(admin_, {}, {.email = "a@b.c", .display_name = "two\nlines", .password = std::string(kPassword)})
          .status()
          .code(),
      StatusCode::kInvalidArgument);
  EXPECT_EQ(service_->CreateToken(admin_, {}, "", Role::kAgent).status().code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(Audit("").empty());
}

}  // namespace
}  // namespace rapport::app

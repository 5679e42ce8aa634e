// The accounts conformance suite: users, sessions, API tokens and the
// hash-chained audit log (app/accounts.h) behave alike on SQLite (a temp file)
// and PostgreSQL (a schema of its own in the database at
// RAPPORT_TEST_POSTGRES_URL; skipped when unset).
//
// The audit tests also prove the tamper evidence end to end: the database
// refuses UPDATE and DELETE on audit_log, and a row edited after dropping that
// guard is named by app::VerifyChain. Concurrent appends run from several
// threads with no sleeps or timing thresholds.
#include <algorithm>
#include <optional>
#include <thread>

#include <gtest/gtest.h>

#include "store_test_support.h"

#include "rapport/base/limits.h"
#include "rapport/store/open_store.h"

namespace rapport::store {
namespace {

using testing::Backend;
using testing::RawDatabase;

const Timestamp kStart = testing::kStoreTestStart;  // 2026-11-18
constexpr std::int64_t kMinuteUs = 60'000'000;

app::NewUser MakeUser(std::string email, domain::Role role = domain::Role::kAgent) {
  return app::NewUser{std::move(email), "Ann Example", role, "$argon2id$v=19$m=65536,t=2,p=1$c2FsdA$aGFzaA", kStart};
}

app::NewSession MakeSession(std::string digest, UserId user_id, Timestamp created_at) {
  return app::NewSession{std::move(digest),
                         user_id,
                         "csrf-" + std::to_string(ToUnixMicros(created_at)),
                         created_at,
                         created_at + Microseconds(std::int64_t{12} * 60 * kMinuteUs),
                         "192.0.2.7",
                         "Mozilla/5.0"};
}

app::NewApiToken MakeToken(std::string name, std::string digest, std::optional<UserId> created_by = std::nullopt) {
  return app::NewApiToken{std::move(name), std::move(digest), domain::Role::kAnalyst, created_by, kStart};
}

app::AuditEntry MakeEntry(std::string actor, std::string action, std::int64_t subject_id = 0) {
  return app::AuditEntry{
      kStart, std::move(actor), std::move(action), "user", subject_id, "127.0.0.1", R"({"note":"Анна \"quoted\""})"};
}

app::AuditQuery Query(std::optional<std::int64_t> before_sequence, std::string actor, std::string action_prefix,
                      int limit = 50) {
  app::AuditQuery query;
  query.before_sequence = before_sequence;
  query.actor = std::move(actor);
  query.action_prefix = std::move(action_prefix);
  query.limit = limit;
  return query;
}

class AccountsConformance : public testing::StoreConformanceTest {
 protected:
  AccountsConformance() : StoreConformanceTest({.reader_pool_size = 4, .raw_connection = false}) {}

  std::unique_ptr<RawDatabase> Raw() const { return Connect(); }

  // Runs `body(accounts writer)` in one write transaction and returns what it
  // returned (or the store's failure). A non-ok result rolls the body back.
  template <typename Body>
  auto InWrite(Body&& body) {
    return InWriteTransaction([&](app::WriteTransaction& tx) { return body(tx.AccountsOut()); });
  }

  template <typename Body>
  auto InRead(Body&& body) {
    return InReadTransaction([&](app::ReadTransaction& tx) { return body(tx.Accounts()); });
  }

  UserId AddUser(const std::string& email) {
    Result<UserId> id = InWrite([&](app::AccountsWriter& accounts) { return accounts.InsertUser(MakeUser(email)); });
    EXPECT_TRUE(id.ok()) << id.status().ToString();
    return id.ok() ? *id : UserId(0);
  }

  SessionId AddSession(const std::string& digest, UserId user_id, Timestamp created_at) {
    Result<SessionId> id = InWrite([&](app::AccountsWriter& accounts) {
      return accounts.InsertSession(MakeSession(digest, user_id, created_at));
    });
    EXPECT_TRUE(id.ok()) << id.status().ToString();
    return id.ok() ? *id : SessionId(0);
  }

  std::optional<app::Session> FindSession(const std::string& digest) {
    Result<std::optional<app::Session>> found =
        InRead([&](app::AccountsReader& accounts) { return accounts.FindSession(digest); });
    EXPECT_TRUE(found.ok()) << found.status().ToString();
    return found.ok() ? *found : std::nullopt;
  }

  app::AuditRecord Append(const app::AuditEntry& entry) {
    Result<app::AuditRecord> record =
        InWrite([&](app::AccountsWriter& accounts) { return accounts.AppendAudit(entry); });
    EXPECT_TRUE(record.ok()) << record.status().ToString();
    return record.ok() ? *record : app::AuditRecord{};
  }

  std::vector<app::AuditRecord> List(const app::AuditQuery& query) {
    Result<std::vector<app::AuditRecord>> records =
        InRead([&](app::AccountsReader& accounts) { return accounts.ListAudit(query); });
    EXPECT_TRUE(records.ok()) << records.status().ToString();
    return records.ok() ? *records : std::vector<app::AuditRecord>{};
  }

  // The whole log through ScanAudit pages of `page` rows, as `audit verify` reads it.
  std::vector<app::AuditRecord> ScanAll(int page) {
    std::vector<app::AuditRecord> all;
    for (;;) {
      const std::int64_t after = all.empty() ? 0 : all.back().sequence;
      Result<std::vector<app::AuditRecord>> batch =
          InRead([&](app::AccountsReader& accounts) { return accounts.ScanAudit(after, page); });
      EXPECT_TRUE(batch.ok()) << batch.status().ToString();
      if (!batch.ok() || batch->empty()) return all;
      EXPECT_LE(std::ssize(*batch), page);
      all.insert(all.end(), batch->begin(), batch->end());
    }
  }

  static std::vector<std::int64_t> Sequences(const std::vector<app::AuditRecord>& records) {
    std::vector<std::int64_t> sequences;
    for (const app::AuditRecord& record : records) sequences.push_back(record.sequence);
    return sequences;
  }
};

// --- users ------------------------------------------------------------------

TEST_P(AccountsConformance, InsertedUserIsFoundByIdAndEmailAndListed) {
  Result<std::int64_t> none = InRead([](app::AccountsReader& accounts) { return accounts.CountUsers(); });
  ASSERT_TRUE(none.ok());
  EXPECT_EQ(*none, 0);

  app::NewUser ann = MakeUser("ann@example.com", domain::Role::kManager);
  ann.display_name = "Анна О'Нил";
  Result<UserId> ann_id = InWrite([&](app::AccountsWriter& accounts) { return accounts.InsertUser(ann); });
  ASSERT_TRUE(ann_id.ok()) << ann_id.status().ToString();
  const UserId bob_id = AddUser("bob@example.com");

  Result<std::optional<app::User>> by_id =
      InRead([&](app::AccountsReader& accounts) { return accounts.FindUser(*ann_id); });
  ASSERT_TRUE(by_id.ok()) << by_id.status().ToString();
  ASSERT_TRUE(by_id->has_value());
  const app::User& found = **by_id;
  EXPECT_EQ(found.id, *ann_id);
  EXPECT_EQ(found.email, "ann@example.com");
  EXPECT_EQ(found.display_name, "Анна О'Нил");
  EXPECT_EQ(found.role, domain::Role::kManager);
  EXPECT_EQ(found.password_hash, ann.password_hash);
  EXPECT_FALSE(found.disabled);
  EXPECT_EQ(found.created_at, kStart);
  EXPECT_EQ(found.updated_at, kStart);

  Result<std::optional<app::User>> by_email =
      InRead([](app::AccountsReader& accounts) { return accounts.FindUserByEmail("bob@example.com"); });
  ASSERT_TRUE(by_email.ok());
  ASSERT_TRUE(by_email->has_value());
  EXPECT_EQ((*by_email)->id, bob_id);

  Result<std::optional<app::User>> missing =
      InRead([](app::AccountsReader& accounts) { return accounts.FindUserByEmail("nobody@example.com"); });
  ASSERT_TRUE(missing.ok());
  EXPECT_FALSE(missing->has_value());
  Result<std::optional<app::User>> missing_id =
      InRead([](app::AccountsReader& accounts) { return accounts.FindUser(UserId(999)); });
  ASSERT_TRUE(missing_id.ok());
  EXPECT_FALSE(missing_id->has_value());

  Result<std::vector<app::User>> users = InRead([](app::AccountsReader& accounts) { return accounts.ListUsers(); });
  ASSERT_TRUE(users.ok());
  ASSERT_EQ(users->size(), 2u);
  EXPECT_EQ((*users)[0].id, *ann_id);
  EXPECT_EQ((*users)[1].id, bob_id);
  Result<std::int64_t> count = InRead([](app::AccountsReader& accounts) { return accounts.CountUsers(); });
  ASSERT_TRUE(count.ok());
  EXPECT_EQ(*count, 2);
}

TEST_P(AccountsConformance, DuplicateEmailIsAlreadyExistsAndRollsBackItsBody) {
  AddUser("ann@example.com");
  Result<UserId> again = InWrite([](app::AccountsWriter& accounts) -> Result<UserId> {
    RAPPORT_RETURN_IF_ERROR(accounts.AppendAudit(MakeEntry("cli", "user.create")).status());
    return accounts.InsertUser(MakeUser("ann@example.com"));
  });
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.status().code(), StatusCode::kAlreadyExists) << again.status().ToString();
  Result<std::int64_t> count = InRead([](app::AccountsReader& accounts) { return accounts.CountUsers(); });
  ASSERT_TRUE(count.ok());
  EXPECT_EQ(*count, 1);
  EXPECT_TRUE(ScanAll(10).empty()) << "the audit row of the failed body was kept";
}

TEST_P(AccountsConformance, OverlongInputsAreRefusedAtTheBoundary) {
  Result<UserId> long_email = InWrite([](app::AccountsWriter& accounts) {
    return accounts.InsertUser(MakeUser(std::string(limits::kEmailBytesMax + 1, 'a')));
  });
  EXPECT_EQ(long_email.status().code(), StatusCode::kInvalidArgument);
  Result<ApiTokenId> long_name = InWrite([](app::AccountsWriter& accounts) {
    return accounts.InsertToken(MakeToken(std::string(limits::kTokenNameBytesMax + 1, 'n'), "digest"));
  });
  EXPECT_EQ(long_name.status().code(), StatusCode::kInvalidArgument);
  Result<ApiTokenId> longest_name = InWrite([](app::AccountsWriter& accounts) {
    return accounts.InsertToken(MakeToken(std::string(limits::kTokenNameBytesMax, 'n'), "digest"));
  });
  EXPECT_TRUE(longest_name.ok()) << longest_name.status().ToString();
}

TEST_P(AccountsConformance, UpdateUserChangesOnlyTheGivenFields) {
  const UserId id = AddUser("ann@example.com");
  const Timestamp later = kStart + Microseconds(kMinuteUs);
  app::UserChange change;
  change.role = domain::Role::kAdmin;
  change.disabled = true;
  change.updated_at = later;
  ASSERT_TRUE(InWrite([&](app::AccountsWriter& accounts) { return accounts.UpdateUser(id, change); }).ok());

  Result<std::optional<app::User>> user = InRead([&](app::AccountsReader& accounts) { return accounts.FindUser(id); });
  ASSERT_TRUE(user.ok() && user->has_value());
  EXPECT_EQ((*user)->role, domain::Role::kAdmin);
  EXPECT_TRUE((*user)->disabled);
  EXPECT_EQ((*user)->display_name, "Ann Example");
  EXPECT_EQ((*user)->password_hash, MakeUser("x").password_hash);
  EXPECT_EQ((*user)->updated_at, later);
  EXPECT_EQ((*user)->created_at, kStart);

  app::UserChange second;
  second.display_name = "Ann Other";
  second.password_hash = "$argon2id$new";
  second.disabled = false;
  second.updated_at = later + Microseconds(1);
  ASSERT_TRUE(InWrite([&](app::AccountsWriter& accounts) { return accounts.UpdateUser(id, second); }).ok());
  user = InRead([&](app::AccountsReader& accounts) { return accounts.FindUser(id); });
  ASSERT_TRUE(user.ok() && user->has_value());
  EXPECT_EQ((*user)->role, domain::Role::kAdmin);
  EXPECT_FALSE((*user)->disabled);
  EXPECT_EQ((*user)->display_name, "Ann Other");
  EXPECT_EQ((*user)->password_hash, "$argon2id$new");

  const Status missing =
      InWrite([&](app::AccountsWriter& accounts) { return accounts.UpdateUser(UserId(999), second); });
  EXPECT_EQ(missing.code(), StatusCode::kNotFound);
}

TEST_P(AccountsConformance, UnknownStoredRoleIsDataLoss) {
  const UserId id = AddUser("ann@example.com");
  ASSERT_EQ(Raw()->Execute("UPDATE users SET role = 'wizard' WHERE id = " + std::to_string(id.value())), "");
  Result<std::optional<app::User>> user = InRead([&](app::AccountsReader& accounts) { return accounts.FindUser(id); });
  ASSERT_FALSE(user.ok());
  EXPECT_EQ(user.status().code(), StatusCode::kDataLoss);
  EXPECT_NE(user.status().message().find("wizard"), std::string::npos) << user.status().message();
}

// --- sessions ---------------------------------------------------------------

TEST_P(AccountsConformance, SessionsAreInsertedFoundTouchedAndDeleted) {
  const UserId user = AddUser("ann@example.com");
  const SessionId id = AddSession("digest-1", user, kStart);
  const std::optional<app::Session> found = FindSession("digest-1");
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->id, id);
  EXPECT_EQ(found->user_id, user);
  EXPECT_EQ(found->token_digest, "digest-1");
  EXPECT_EQ(found->csrf_token, MakeSession("d", user, kStart).csrf_token);
  EXPECT_EQ(found->created_at, kStart);
  EXPECT_EQ(found->last_seen_at, kStart);
  EXPECT_EQ(found->expires_at, MakeSession("d", user, kStart).expires_at);
  EXPECT_EQ(found->remote, "192.0.2.7");
  EXPECT_EQ(found->user_agent, "Mozilla/5.0");
  EXPECT_FALSE(FindSession("digest-2").has_value());

  Result<SessionId> duplicate = InWrite(
      [&](app::AccountsWriter& accounts) { return accounts.InsertSession(MakeSession("digest-1", user, kStart)); });
  EXPECT_EQ(duplicate.status().code(), StatusCode::kAlreadyExists);

  const Timestamp seen = kStart + Microseconds(5 * kMinuteUs);
  ASSERT_TRUE(InWrite([&](app::AccountsWriter& accounts) { return accounts.TouchSession(id, seen); }).ok());
  EXPECT_EQ(FindSession("digest-1")->last_seen_at, seen);
  EXPECT_EQ(InWrite([&](app::AccountsWriter& accounts) { return accounts.TouchSession(SessionId(999), seen); }).code(),
            StatusCode::kNotFound);

  Result<std::int64_t> deleted = InWrite([&](app::AccountsWriter& accounts) { return accounts.DeleteSession(id); });
  ASSERT_TRUE(deleted.ok());
  EXPECT_EQ(*deleted, 1);
  EXPECT_FALSE(FindSession("digest-1").has_value());
  deleted = InWrite([&](app::AccountsWriter& accounts) { return accounts.DeleteSession(id); });
  ASSERT_TRUE(deleted.ok());
  EXPECT_EQ(*deleted, 0);
}

TEST_P(AccountsConformance, DeleteSessionsOfUserLeavesOtherUsersAlone) {
  const UserId ann = AddUser("ann@example.com");
  const UserId bob = AddUser("bob@example.com");
  AddSession("ann-1", ann, kStart);
  AddSession("ann-2", ann, kStart);
  AddSession("bob-1", bob, kStart);
  Result<std::int64_t> deleted =
      InWrite([&](app::AccountsWriter& accounts) { return accounts.DeleteSessionsOfUser(ann); });
  ASSERT_TRUE(deleted.ok());
  EXPECT_EQ(*deleted, 2);
  EXPECT_FALSE(FindSession("ann-1").has_value());
  EXPECT_FALSE(FindSession("ann-2").has_value());
  EXPECT_TRUE(FindSession("bob-1").has_value());
}

TEST_P(AccountsConformance, DeleteOldestSessionsOfUserKeepsTheNewest) {
  const UserId ann = AddUser("ann@example.com");
  const UserId bob = AddUser("bob@example.com");
  for (int i = 0; i < 5; ++i) AddSession("ann-" + std::to_string(i), ann, kStart + Microseconds(i * kMinuteUs));
  AddSession("bob-old", bob, kStart - Microseconds(kMinuteUs));
  Result<std::int64_t> deleted =
      InWrite([&](app::AccountsWriter& accounts) { return accounts.DeleteOldestSessionsOfUser(ann, 2); });
  ASSERT_TRUE(deleted.ok()) << deleted.status().ToString();
  EXPECT_EQ(*deleted, 3);
  for (int i = 0; i < 3; ++i) EXPECT_FALSE(FindSession("ann-" + std::to_string(i)).has_value()) << i;
  EXPECT_TRUE(FindSession("ann-3").has_value());
  EXPECT_TRUE(FindSession("ann-4").has_value());
  EXPECT_TRUE(FindSession("bob-old").has_value());

  deleted = InWrite([&](app::AccountsWriter& accounts) { return accounts.DeleteOldestSessionsOfUser(ann, 2); });
  ASSERT_TRUE(deleted.ok());
  EXPECT_EQ(*deleted, 0);
  deleted = InWrite([&](app::AccountsWriter& accounts) { return accounts.DeleteOldestSessionsOfUser(ann, 0); });
  ASSERT_TRUE(deleted.ok());
  EXPECT_EQ(*deleted, 2);
}

TEST_P(AccountsConformance, DeleteExpiredSessionsEndsAbsoluteAndIdleOnes) {
  const UserId ann = AddUser("ann@example.com");
  const std::int64_t idle_us = 30 * kMinuteUs;
  // "fresh": seen recently, far from its end. "idle": not seen for over the
  // idle timeout. "ended": seen just now but past its absolute end.
  AddSession("fresh", ann, kStart);
  AddSession("idle", ann, kStart);
  app::NewSession ending = MakeSession("ended", ann, kStart);
  ending.expires_at = kStart + Microseconds(40 * kMinuteUs);
  ASSERT_TRUE(InWrite([&](app::AccountsWriter& accounts) { return accounts.InsertSession(ending); }).ok());

  const Timestamp now = kStart + Microseconds(45 * kMinuteUs);
  const std::optional<app::Session> fresh = FindSession("fresh");
  const std::optional<app::Session> ended = FindSession("ended");
  ASSERT_TRUE(fresh && ended);
  ASSERT_TRUE(InWrite([&](app::AccountsWriter& accounts) -> Status {
                RAPPORT_RETURN_IF_ERROR(accounts.TouchSession(fresh->id, now - Microseconds(kMinuteUs)));
                return accounts.TouchSession(ended->id, now);
              }).ok());

  Result<std::int64_t> deleted =
      InWrite([&](app::AccountsWriter& accounts) { return accounts.DeleteExpiredSessions(now, idle_us); });
  ASSERT_TRUE(deleted.ok()) << deleted.status().ToString();
  EXPECT_EQ(*deleted, 2);
  EXPECT_TRUE(FindSession("fresh").has_value());
  EXPECT_FALSE(FindSession("idle").has_value());
  EXPECT_FALSE(FindSession("ended").has_value());
}

TEST_P(AccountsConformance, DeletingAUserEndsItsSessions) {
  const UserId ann = AddUser("ann@example.com");
  AddSession("ann-1", ann, kStart);
  // SQLite applies ON DELETE CASCADE only on connections that enable foreign keys (the store's do).
  const std::string pragma = IsPostgres() ? "" : "PRAGMA foreign_keys = ON; ";
  ASSERT_EQ(Raw()->Execute(pragma + "DELETE FROM users WHERE id = " + std::to_string(ann.value())), "");
  EXPECT_FALSE(FindSession("ann-1").has_value());
}

// --- API tokens -------------------------------------------------------------

TEST_P(AccountsConformance, TokensKeepActiveNamesUniqueAndRevokeOnce) {
  const UserId ann = AddUser("ann@example.com");
  Result<ApiTokenId> shop =
      InWrite([&](app::AccountsWriter& accounts) { return accounts.InsertToken(MakeToken("shop", "digest-a", ann)); });
  ASSERT_TRUE(shop.ok()) << shop.status().ToString();

  Result<std::optional<app::ApiToken>> found =
      InRead([&](app::AccountsReader& accounts) { return accounts.FindToken(*shop); });
  ASSERT_TRUE(found.ok() && found->has_value());
  EXPECT_EQ((*found)->name, "shop");
  EXPECT_EQ((*found)->token_digest, "digest-a");
  EXPECT_EQ((*found)->role, domain::Role::kAnalyst);
  EXPECT_EQ((*found)->created_by, ann);
  EXPECT_EQ((*found)->created_at, kStart);
  EXPECT_FALSE((*found)->last_used_at.has_value());
  EXPECT_FALSE((*found)->revoked_at.has_value());
  found = InRead([](app::AccountsReader& accounts) { return accounts.FindTokenByDigest("digest-a"); });
  ASSERT_TRUE(found.ok() && found->has_value());
  EXPECT_EQ((*found)->id, *shop);
  found = InRead([](app::AccountsReader& accounts) { return accounts.FindActiveTokenByName("shop"); });
  ASSERT_TRUE(found.ok() && found->has_value());
  EXPECT_EQ((*found)->id, *shop);

  Result<ApiTokenId> duplicate =
      InWrite([](app::AccountsWriter& accounts) { return accounts.InsertToken(MakeToken("shop", "digest-b")); });
  EXPECT_EQ(duplicate.status().code(), StatusCode::kAlreadyExists) << duplicate.status().ToString();

  const Timestamp used = kStart + Microseconds(kMinuteUs);
  ASSERT_TRUE(InWrite([&](app::AccountsWriter& accounts) { return accounts.TouchToken(*shop, used); }).ok());
  EXPECT_EQ(InWrite([&](app::AccountsWriter& accounts) { return accounts.TouchToken(ApiTokenId(999), used); }).code(),
            StatusCode::kNotFound);

  const Timestamp revoked_at = kStart + Microseconds(2 * kMinuteUs);
  Result<bool> revoked =
      InWrite([&](app::AccountsWriter& accounts) { return accounts.RevokeToken(*shop, revoked_at); });
  ASSERT_TRUE(revoked.ok()) << revoked.status().ToString();
  EXPECT_TRUE(*revoked);
  revoked = InWrite([&](app::AccountsWriter& accounts) { return accounts.RevokeToken(*shop, used); });
  ASSERT_TRUE(revoked.ok());
  EXPECT_FALSE(*revoked);
  revoked = InWrite([](app::AccountsWriter& accounts) { return accounts.RevokeToken(ApiTokenId(999), kStart); });
  EXPECT_EQ(revoked.status().code(), StatusCode::kNotFound);

  found = InRead([](app::AccountsReader& accounts) { return accounts.FindActiveTokenByName("shop"); });
  ASSERT_TRUE(found.ok());
  EXPECT_FALSE(found->has_value());

  // The name is free again once the old token is revoked.
  Result<ApiTokenId> reissued =
      InWrite([](app::AccountsWriter& accounts) { return accounts.InsertToken(MakeToken("shop", "digest-c")); });
  ASSERT_TRUE(reissued.ok()) << reissued.status().ToString();
  EXPECT_NE(*reissued, *shop);
  found = InRead([](app::AccountsReader& accounts) { return accounts.FindActiveTokenByName("shop"); });
  ASSERT_TRUE(found.ok() && found->has_value());
  EXPECT_EQ((*found)->id, *reissued);
  EXPECT_FALSE((*found)->created_by.has_value());

  Result<std::vector<app::ApiToken>> tokens =
      InRead([](app::AccountsReader& accounts) { return accounts.ListTokens(); });
  ASSERT_TRUE(tokens.ok());
  ASSERT_EQ(tokens->size(), 2u);
  EXPECT_EQ((*tokens)[0].id, *shop);
  EXPECT_EQ((*tokens)[0].last_used_at, used);
  EXPECT_EQ((*tokens)[0].revoked_at, revoked_at);
  EXPECT_EQ((*tokens)[1].id, *reissued);
  EXPECT_FALSE((*tokens)[1].revoked_at.has_value());
}

// --- audit log --------------------------------------------------------------

TEST_P(AccountsConformance, AppendsFormAVerifiedChain) {
  const app::AuditRecord first = Append(MakeEntry("user:1", "user.create", 2));
  const app::AuditRecord second = Append(MakeEntry("user:1", "auth.login"));
  const app::AuditRecord third = Append(MakeEntry("cli", "token.create", 1));
  EXPECT_EQ(first.sequence, 1);
  EXPECT_EQ(second.sequence, 2);
  EXPECT_EQ(third.sequence, 3);
  EXPECT_EQ(first.previous_hash, app::kAuditGenesisHash);
  EXPECT_EQ(second.previous_hash, first.hash);
  EXPECT_EQ(third.previous_hash, second.hash);
  EXPECT_EQ(first.hash, app::ChainHash(app::kAuditGenesisHash, first));
  EXPECT_EQ(first.hash.size(), 64u);

  const std::vector<app::AuditRecord> stored = ScanAll(2);
  ASSERT_EQ(stored.size(), 3u);
  EXPECT_EQ(stored[0].actor, "user:1");
  EXPECT_EQ(stored[0].action, "user.create");
  EXPECT_EQ(stored[0].subject_type, "user");
  EXPECT_EQ(stored[0].subject_id, 2);
  EXPECT_EQ(stored[0].remote, "127.0.0.1");
  EXPECT_EQ(stored[0].details_json, MakeEntry("", "").details_json);  // byte-identical
  EXPECT_EQ(stored[0].at, kStart);
  EXPECT_EQ(stored[2].hash, third.hash);
  const app::ChainVerification verification = app::VerifyChain(stored);
  EXPECT_TRUE(verification.ok()) << app::ChainFaultName(verification.fault) << " at " << verification.broken_sequence;
  EXPECT_EQ(verification.rows_verified, 3u);
}

TEST_P(AccountsConformance, AuditDetailsOverTheLimitAreRefused) {
  app::AuditEntry entry = MakeEntry("cli", "user.create");
  entry.details_json = "\"" + std::string(limits::kAuditDetailsBytesMax - 2, 'x') + "\"";
  EXPECT_TRUE(InWrite([&](app::AccountsWriter& accounts) { return accounts.AppendAudit(entry); }).ok());
  entry.details_json.push_back(' ');
  Result<app::AuditRecord> refused =
      InWrite([&](app::AccountsWriter& accounts) { return accounts.AppendAudit(entry); });
  EXPECT_EQ(refused.status().code(), StatusCode::kInvalidArgument);
  app::AuditEntry nameless = MakeEntry("", "user.create");
  EXPECT_EQ(InWrite([&](app::AccountsWriter& accounts) { return accounts.AppendAudit(nameless); }).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(ScanAll(10).size(), 1u);
}

TEST_P(AccountsConformance, ListAuditIsNewestFirstWithFilters) {
  Append(MakeEntry("user:1", "auth.login"));         // 1
  Append(MakeEntry("user:2", "auth.login"));         // 2
  Append(MakeEntry("user:1", "user.create"));        // 3
  Append(MakeEntry("user:1", "auth.logout"));        // 4
  Append(MakeEntry("token:3", "authority.grant"));   // 5: "auth" but not "auth."
  Append(MakeEntry("user:2", "auth.login_failed"));  // 6

  EXPECT_EQ(Sequences(List(Query(std::nullopt, "", ""))), (std::vector<std::int64_t>{6, 5, 4, 3, 2, 1}));
  EXPECT_EQ(Sequences(List(Query(std::nullopt, "", "", 2))), (std::vector<std::int64_t>{6, 5}));
  EXPECT_EQ(Sequences(List(Query(5, "", "", 2))), (std::vector<std::int64_t>{4, 3}));
  EXPECT_EQ(Sequences(List(Query(1, "", ""))), std::vector<std::int64_t>{});
  EXPECT_EQ(Sequences(List(Query(std::nullopt, "user:1", ""))), (std::vector<std::int64_t>{4, 3, 1}));
  EXPECT_EQ(Sequences(List(Query(std::nullopt, "", "auth."))), (std::vector<std::int64_t>{6, 4, 2, 1}));
  EXPECT_EQ(Sequences(List(Query(std::nullopt, "", "auth"))), (std::vector<std::int64_t>{6, 5, 4, 2, 1}));
  EXPECT_EQ(Sequences(List(Query(4, "user:1", "auth."))), std::vector<std::int64_t>{1});
  EXPECT_EQ(Sequences(List(Query(std::nullopt, "user:9", ""))), std::vector<std::int64_t>{});
  // Out-of-range limits are clamped, not refused.
  EXPECT_EQ(List(Query(std::nullopt, "", "", 0)).size(), 1u);
  EXPECT_EQ(List(Query(std::nullopt, "", "", limits::kPageSizeMax + 1)).size(), 6u);
}

TEST_P(AccountsConformance, ScanAuditPagesInAscendingOrderWithBoundedLimits) {
  for (int i = 0; i < 7; ++i) Append(MakeEntry("system", "job.run", i));
  Result<std::vector<app::AuditRecord>> page =
      InRead([](app::AccountsReader& accounts) { return accounts.ScanAudit(2, 3); });
  ASSERT_TRUE(page.ok()) << page.status().ToString();
  EXPECT_EQ(Sequences(*page), (std::vector<std::int64_t>{3, 4, 5}));
  page = InRead([](app::AccountsReader& accounts) { return accounts.ScanAudit(5, 3); });
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(Sequences(*page), (std::vector<std::int64_t>{6, 7}));
  EXPECT_EQ(ScanAll(3).size(), 7u);
  EXPECT_EQ(InRead([](app::AccountsReader& accounts) { return accounts.ScanAudit(0, 0); }).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(InRead([](app::AccountsReader& accounts) { return accounts.ScanAudit(0, limits::kPageSizeMax + 1); })
                .status()
                .code(),
            StatusCode::kInvalidArgument);
}

TEST_P(AccountsConformance, DatabaseRefusesUpdateAndDeleteOfAuditRows) {
  Append(MakeEntry("user:1", "auth.login"));
  Append(MakeEntry("user:1", "auth.logout"));
  std::unique_ptr<RawDatabase> raw = Raw();
  const std::string update_error = raw->Execute("UPDATE audit_log SET actor = 'user:9' WHERE sequence = 1");
  EXPECT_NE(update_error.find("append-only"), std::string::npos) << update_error;
  const std::string delete_error = raw->Execute("DELETE FROM audit_log WHERE sequence = 2");
  EXPECT_NE(delete_error.find("append-only"), std::string::npos) << delete_error;
  if (IsPostgres()) {
    const std::string truncate_error = raw->Execute("TRUNCATE audit_log");
    EXPECT_NE(truncate_error.find("append-only"), std::string::npos) << truncate_error;
  }
  const std::vector<app::AuditRecord> stored = ScanAll(10);
  ASSERT_EQ(stored.size(), 2u);
  EXPECT_EQ(stored[0].actor, "user:1");
  EXPECT_TRUE(app::VerifyChain(stored).ok());
}

// The issue's "audit chain detects an edited row": someone with database
// access drops the guard and rewrites history; verification names the row.
TEST_P(AccountsConformance, AuditChainDetectsAnEditedRow) {
  for (int i = 1; i <= 5; ++i) Append(MakeEntry("user:1", "contact.update", i));
  ASSERT_TRUE(app::VerifyChain(ScanAll(2)).ok());

  std::unique_ptr<RawDatabase> raw = Raw();
  const std::string dropped = IsPostgres() ? raw->Execute("DROP TRIGGER audit_log_append_only ON audit_log")
                                           : raw->Execute("DROP TRIGGER audit_log_no_update");
  ASSERT_EQ(dropped, "");
  ASSERT_EQ(raw->Execute("UPDATE audit_log SET actor = 'user:2' WHERE sequence = 3"), "");

  const std::vector<app::AuditRecord> stored = ScanAll(2);
  ASSERT_EQ(stored.size(), 5u);
  EXPECT_EQ(stored[2].actor, "user:2");
  const app::ChainVerification verification = app::VerifyChain(stored);
  EXPECT_EQ(verification.fault, app::ChainFault::kEdited) << app::ChainFaultName(verification.fault);
  EXPECT_EQ(verification.broken_sequence, 3);
  EXPECT_EQ(verification.rows_verified, 2u);
}

TEST_P(AccountsConformance, ConcurrentAppendsNeverForkTheChain) {
  constexpr int kThreads = 4;
  constexpr int kAppendsPerThread = 25;
  std::vector<std::thread> threads;
  std::vector<Status> failures[kThreads];
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kAppendsPerThread; ++i) {
        const Status status = store_->Write([&](app::WriteTransaction& tx) {
          return tx.AccountsOut().AppendAudit(MakeEntry("user:" + std::to_string(t), "contact.update", i)).status();
        });
        if (!status.ok()) failures[t].push_back(status);
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  for (int t = 0; t < kThreads; ++t) {
    for (const Status& failure : failures[t]) ADD_FAILURE() << "thread " << t << ": " << failure.ToString();
  }

  const std::vector<app::AuditRecord> stored = ScanAll(limits::kPageSizeMax);
  ASSERT_EQ(stored.size(), static_cast<std::size_t>(kThreads * kAppendsPerThread));
  for (std::size_t i = 0; i < stored.size(); ++i) EXPECT_EQ(stored[i].sequence, static_cast<std::int64_t>(i) + 1);
  const app::ChainVerification verification = app::VerifyChain(stored);
  EXPECT_TRUE(verification.ok()) << app::ChainFaultName(verification.fault) << " at " << verification.broken_sequence;
  for (int t = 0; t < kThreads; ++t) {
    EXPECT_EQ(Sequences(List(Query(std::nullopt, "user:" + std::to_string(t), "", 100))).size(),
              static_cast<std::size_t>(kAppendsPerThread));
  }
}

INSTANTIATE_TEST_SUITE_P(Backends, AccountsConformance, ::testing::Values(Backend::kSqlite, Backend::kPostgres),
                         [](const ::testing::TestParamInfo<Backend>& param_info) {
                           return BackendName(param_info.param);
                         });

}  // namespace
}  // namespace rapport::store

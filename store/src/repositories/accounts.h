// SqlAccounts: users, sign-in sessions, API tokens and the audit log over a
// SqlSession (app/accounts.h), for both databases.
//
// Invariants it keeps beyond the port's:
//  * inputs are bounded here, at the store's edge: e-mail, display name and
//    token name lengths (base/limits.h), audit details at most
//    limits::kAuditDetailsBytesMax bytes, at most limits::kUsersMax users and
//    limits::kApiTokensMax tokens;
//  * ListAudit clamps its limit to 1..limits::kPageSizeMax; ScanAudit refuses a
//    limit outside that range (kInvalidArgument) rather than silently return
//    fewer rows than a verifier asked for;
//  * AppendAudit reads the chain head (audit_head, locked FOR UPDATE on
//    PostgreSQL; SQLite's single writer already serialises appends), links
//    the new record to it with app::ChainHash and moves the head, all in the
//    caller's transaction, so concurrent appends never fork the chain;
//  * a role name the domain does not know, read back from the database, is
//    kDataLoss (someone wrote the table by hand or a newer release did).
//
// Thread safety: belongs to the thread running the transaction body.
#pragma once

#include "sql/session.h"

#include "rapport/app/accounts.h"

namespace rapport::store {

class SqlAccounts final : public app::AccountsReader, public app::AccountsWriter {
 public:
  explicit SqlAccounts(SqlSession& session) : session_(session) {}

  // AccountsReader
  Result<std::optional<app::User>> FindUser(UserId id) override;
  Result<std::optional<app::User>> FindUserByEmail(std::string_view email) override;
  Result<std::vector<app::User>> ListUsers() override;
  Result<std::int64_t> CountUsers() override;
  Result<std::optional<app::Session>> FindSession(std::string_view token_digest) override;
  Result<std::optional<app::ApiToken>> FindToken(ApiTokenId id) override;
  Result<std::optional<app::ApiToken>> FindTokenByDigest(std::string_view token_digest) override;
  Result<std::optional<app::ApiToken>> FindActiveTokenByName(std::string_view name) override;
  Result<std::vector<app::ApiToken>> ListTokens() override;
  Result<std::vector<app::AuditRecord>> ListAudit(const app::AuditQuery& query) override;
  Result<std::vector<app::AuditRecord>> ScanAudit(std::int64_t after_sequence, int limit) override;

  // AccountsWriter
  Result<UserId> InsertUser(const app::NewUser& user) override;
  Status UpdateUser(UserId id, const app::UserChange& change) override;
  Result<SessionId> InsertSession(const app::NewSession& session) override;
  Status TouchSession(SessionId id, Timestamp last_seen_at) override;
  Result<std::int64_t> DeleteSession(SessionId id) override;
  Result<std::int64_t> DeleteSessionsOfUser(UserId user_id) override;
  Result<std::int64_t> DeleteOldestSessionsOfUser(UserId user_id, std::int64_t keep) override;
  Result<std::int64_t> DeleteExpiredSessions(Timestamp now, std::int64_t idle_timeout_us) override;
  Result<ApiTokenId> InsertToken(const app::NewApiToken& token) override;
  Result<bool> RevokeToken(ApiTokenId id, Timestamp at) override;
  Status TouchToken(ApiTokenId id, Timestamp last_used_at) override;
  Result<app::AuditRecord> AppendAudit(const app::AuditEntry& entry) override;

 private:
  Result<std::int64_t> Count(std::string_view query_name);
  Result<std::optional<app::User>> QueryUser(std::string_view query_name, std::span<const SqlParam> params);
  Result<std::optional<app::ApiToken>> QueryToken(std::string_view query_name, std::span<const SqlParam> params);
  Result<std::int64_t> InsertReturningId(std::string_view query_name, std::span<const SqlParam> params);

  SqlSession& session_;
};

}  // namespace rapport::store

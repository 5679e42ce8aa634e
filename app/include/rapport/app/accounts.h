// Accounts: the people and integrations that may use Rapport, their sign-in
// sessions, and the audit log of what they did. This is the store's side of
// access control; the rules (who may do what, when a session has expired)
// live in app/access_service.h and domain/access.h.
//
// Invariants the adapters keep:
//  * user e-mails are unique, compared as stored (callers store them lower-cased);
//  * a token name is unique among tokens that are not revoked;
//  * secrets are never stored: sessions and tokens are found by the SHA-256
//    digest of what the client presents, users by an argon2id password hash;
//  * the audit log is append-only and hash-chained (app/audit_chain.h):
//    AppendAudit assigns the next sequence and links the record to the one
//    before it. Appends are serialised (SQLite: the single writer; PostgreSQL:
//    a row lock on the chain head), so the chain never forks.
//
// Thread safety: as every repository, owned by the transaction body's thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "rapport/app/audit_chain.h"
#include "rapport/base/clock.h"
#include "rapport/base/ids.h"
#include "rapport/base/status.h"
#include "rapport/domain/access.h"

namespace rapport::app {

struct User {
  UserId id{};
  std::string email{};  // lower-cased
  std::string display_name{};
  domain::Role role = domain::Role::kAnalyst;
  std::string password_hash{};  // argon2id encoding
  bool disabled = false;
  Timestamp created_at{};
  Timestamp updated_at{};
};

struct NewUser {
  std::string email{};  // lower-cased by the caller
  std::string display_name{};
  domain::Role role = domain::Role::kAnalyst;
  std::string password_hash{};
  Timestamp created_at{};
};

// Fields to change on a user; unset ones stay as they are.
struct UserChange {
  std::optional<domain::Role> role{};
  std::optional<std::string> password_hash{};
  std::optional<bool> disabled{};
  std::optional<std::string> display_name{};
  Timestamp updated_at{};
};

struct Session {
  SessionId id{};
  std::string token_digest{};  // TokenDigest of the cookie value
  UserId user_id{};
  std::string csrf_token{};  // sent back by the client on every cookie-authenticated write
  Timestamp created_at{};
  Timestamp last_seen_at{};  // refreshed at most once per touch interval
  Timestamp expires_at{};    // absolute end, whatever the activity
  std::string remote{};      // address that signed in
  std::string user_agent{};
};

struct NewSession {
  std::string token_digest{};
  UserId user_id{};
  std::string csrf_token{};
  Timestamp created_at{};
  Timestamp expires_at{};
  std::string remote{};
  std::string user_agent{};
};

struct ApiToken {
  ApiTokenId id{};
  std::string name{};
  std::string token_digest{};
  domain::Role role = domain::Role::kAnalyst;
  std::optional<UserId> created_by{};  // empty when created from the CLI
  Timestamp created_at{};
  std::optional<Timestamp> last_used_at{};
  std::optional<Timestamp> revoked_at{};
};

struct NewApiToken {
  std::string name{};
  std::string token_digest{};
  domain::Role role = domain::Role::kAnalyst;
  std::optional<UserId> created_by{};
  Timestamp created_at{};
};

// An audit entry before the store gives it a sequence and its chain hashes.
struct AuditEntry {
  Timestamp at{};
  std::string actor{};         // "user:12", "token:3", "cli", "system"
  std::string action{};        // "user.create", "auth.login_failed", ...
  std::string subject_type{};  // "user", "token", "session", ...; empty for none
  std::int64_t subject_id = 0;
  std::string remote{};        // client address; empty for the CLI and jobs
  std::string details_json{};  // a JSON object, at most limits::kAuditDetailsBytesMax bytes
};

// Newest first, keyset-paginated by sequence; every filter is optional.
struct AuditQuery {
  std::optional<std::int64_t> before_sequence{};  // exclusive
  std::string actor{};                            // exact match when not empty
  std::string action_prefix{};                    // "auth." matches "auth.login"
  int limit = 50;                                 // 1 … limits::kPageSizeMax
};

class AccountsReader {
 public:
  virtual ~AccountsReader() = default;

  virtual Result<std::optional<User>> FindUser(UserId id) = 0;
  virtual Result<std::optional<User>> FindUserByEmail(std::string_view email) = 0;
  // Ordered by id; at most limits::kUsersMax.
  virtual Result<std::vector<User>> ListUsers() = 0;
  virtual Result<std::int64_t> CountUsers() = 0;

  virtual Result<std::optional<Session>> FindSession(std::string_view token_digest) = 0;

  virtual Result<std::optional<ApiToken>> FindToken(ApiTokenId id) = 0;
  virtual Result<std::optional<ApiToken>> FindTokenByDigest(std::string_view token_digest) = 0;
  // The token of that name that is not revoked, if any.
  virtual Result<std::optional<ApiToken>> FindActiveTokenByName(std::string_view name) = 0;
  // Ordered by id, revoked ones included; at most limits::kApiTokensMax.
  virtual Result<std::vector<ApiToken>> ListTokens() = 0;

  virtual Result<std::vector<AuditRecord>> ListAudit(const AuditQuery& query) = 0;
  // Records with sequence > after_sequence in ascending order, at most `limit`:
  // how `audit verify` walks the whole chain in bounded memory.
  virtual Result<std::vector<AuditRecord>> ScanAudit(std::int64_t after_sequence, int limit) = 0;
};

class AccountsWriter {
 public:
  virtual ~AccountsWriter() = default;

  // kAlreadyExists when the e-mail is taken.
  virtual Result<UserId> InsertUser(const NewUser& user) = 0;
  // kNotFound when there is no such user.
  virtual Status UpdateUser(UserId id, const UserChange& change) = 0;

  virtual Result<SessionId> InsertSession(const NewSession& session) = 0;
  virtual Status TouchSession(SessionId id, Timestamp last_seen_at) = 0;
  // How many were deleted (0 when none matched).
  virtual Result<std::int64_t> DeleteSession(SessionId id) = 0;
  virtual Result<std::int64_t> DeleteSessionsOfUser(UserId user_id) = 0;
  // Ends the oldest sessions of the user beyond `keep` (newest kept).
  virtual Result<std::int64_t> DeleteOldestSessionsOfUser(UserId user_id, std::int64_t keep) = 0;
  // Deletes sessions whose expires_at or idle deadline (last_seen_at + idle) has passed.
  virtual Result<std::int64_t> DeleteExpiredSessions(Timestamp now, std::int64_t idle_timeout_us) = 0;

  // kAlreadyExists when an active token has the name.
  virtual Result<ApiTokenId> InsertToken(const NewApiToken& token) = 0;
  // Sets revoked_at when not yet revoked; false when it was already revoked.
  // kNotFound when there is no such token.
  virtual Result<bool> RevokeToken(ApiTokenId id, Timestamp at) = 0;
  virtual Status TouchToken(ApiTokenId id, Timestamp last_used_at) = 0;

  // Appends the entry as the next record of the chain and returns it whole.
  virtual Result<AuditRecord> AppendAudit(const AuditEntry& entry) = 0;
};

}  // namespace rapport::app

// AccessService: the use cases of access control, shared by the HTTP API and
// the CLI so both enforce the same rules.
//
//  * Authentication: password sign-in (argon2id, rehashed when the cost
//    changes) that opens a session; session cookies that expire when idle and
//    at an absolute deadline; bearer API tokens scoped to a role. Sessions and
//    tokens are looked up by digest on every request, so a logout, a
//    revocation, a disabled user, a role or password change takes effect on
//    the very next request.
//  * Authorization: every use case below checks the principal against the
//    permission table (domain/access.h) before it reads or writes anything.
//  * Audit: every write and every security event (sign-in, failed sign-in,
//    token use, permission change) appends a hash-chained audit record in the
//    same transaction as the change. Refused requests write nothing; they are
//    logged by the caller.
//  * Throttling: failed sign-ins per account and per address, and a request
//    rate per API token (RateLimiter, in memory per node).
//
// Blocking: every method may hash a password or wait for the store; call them
// off I/O threads. At most `concurrent_hashes_max` argon2id computations run at
// once, which bounds the memory a burst of sign-ins can take.
//
// Thread safety: all methods may be called concurrently.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "rapport/app/accounts.h"
#include "rapport/app/audit_chain.h"
#include "rapport/app/passwords.h"
#include "rapport/app/store.h"
#include "rapport/base/clock.h"
#include "rapport/base/status.h"
#include "rapport/domain/access.h"

namespace rapport::app {

// Who is acting.
struct Principal {
  enum class Kind : std::uint8_t {
    kUser,       // signed in with a password (a session)
    kToken,      // an API token
    kOperator,   // the CLI run by someone with access to the database: an admin
    kSystem,     // the product itself (creating the first admin, jobs)
    kAnonymous,  // nobody signed in (a failed sign-in); never authorized
  };
  Kind kind = Kind::kUser;
  std::int64_t id = 0;  // user id or token id; 0 for the operator
  domain::Role role = domain::Role::kAnalyst;
  std::string name{};  // e-mail, token name, or the operator's OS account
  // Sessions only: the session and the CSRF token its writes must carry.
  std::optional<SessionId> session_id{};
  std::string csrf_token{};
  // Set by Authenticate*: the session's last-seen time or the token's
  // last-used time is older than the touch interval, so RecordUse should
  // write it once the request has been admitted.
  bool use_due = false;

  // How the audit log names the principal: "user:12", "token:3", "cli:alice",
  // "system", "anonymous".
  std::string Actor() const;
};

// Where a request came from, as recorded in the audit log.
struct Origin {
  std::string remote{};  // client address; empty for the CLI
  std::string user_agent{};
};

struct AccessOptions {
  PasswordHashOptions password_hash{};
  std::int64_t session_idle_timeout_us = std::int64_t{30} * 60 * 1'000'000;        // 30 minutes
  std::int64_t session_absolute_timeout_us = std::int64_t{12} * 3600 * 1'000'000;  // 12 hours
  // last_seen_at / last_used_at are written at most this often per session or
  // token, so authenticated reads do not each cost a write.
  std::int64_t touch_interval_us = std::int64_t{60} * 1'000'000;
  // Failed sign-ins tolerated per window before further attempts are refused.
  int login_failures_per_account = 5;
  int login_failures_per_address = 20;
  std::int64_t login_failure_window_us = std::int64_t{15} * 60 * 1'000'000;
  // Requests per second per API token (a token bucket); 0 turns the limit off.
  double token_requests_per_second = 50;
  int token_burst = 100;
  int concurrent_hashes_max = 4;
};

// The outcome of a sign-in or an authentication. `status` is ok with a value,
// or kUnauthenticated (bad or expired credentials; the message never says
// which part was wrong), or kResourceExhausted with retry_after_s > 0.
template <typename T>
struct AccessOutcome {
  Status status{};
  std::optional<T> value{};
  std::int64_t retry_after_s = 0;

  bool ok() const { return status.ok(); }
};

struct SignedIn {
  User user{};
  Principal principal{};
  std::string session_token{};  // the cookie value; shown to this client only
  Timestamp expires_at{};
};

struct CreateUserRequest {
  std::string email{};  // any case; stored lower-cased
  std::string display_name{};
  domain::Role role = domain::Role::kAnalyst;
  std::string password{};
};

struct UpdateUserRequest {
  std::optional<domain::Role> role{};
  std::optional<bool> disabled{};
  std::optional<std::string> display_name{};
  std::optional<std::string> password{};  // an admin resetting it
};

struct CreatedToken {
  ApiToken token{};
  std::string secret{};  // "rpt_…": shown once, never stored
};

// The first admin created on an empty installation.
struct FirstAdmin {
  User user{};
  std::string password{};  // the generated password, or the one supplied
  bool generated = false;
};

class RateLimiter;

class AccessService {
 public:
  AccessService(Store& store, const Clock& clock, AccessOptions options = {});
  ~AccessService();
  AccessService(const AccessService&) = delete;
  AccessService& operator=(const AccessService&) = delete;

  // The CLI acting with the authority of whoever can open the database.
  static Principal Operator(std::string os_account);

  // kPermissionDenied unless the principal's role may perform the action.
  static Status Authorize(const Principal& principal, domain::Resource resource, domain::Action action);

  // --- Authentication
  AccessOutcome<SignedIn> Login(std::string_view email, std::string_view password, const Origin& origin);
  // Ends the principal's session (no-op for tokens) and audits it.
  Status Logout(const Principal& principal, const Origin& origin);
  // Authentication only reads; a refused or unauthorized request writes
  // nothing. After the caller admits the request it calls RecordUse.
  AccessOutcome<Principal> AuthenticateSession(std::string_view session_token, const Origin& origin);
  AccessOutcome<Principal> AuthenticateToken(std::string_view token, const Origin& origin);
  // When principal.use_due: refreshes the session's last-seen time, or the
  // token's last-used time with a "token.use" audit record. A no-op otherwise.
  Status RecordUse(const Principal& principal, const Origin& origin);
  // Changes the caller's own password after checking the current one; ends
  // every session of the user, the caller's included.
  Status ChangeOwnPassword(const Principal& principal, const Origin& origin, std::string_view current_password,
                           std::string_view new_password);

  // --- Users (Resource::kUsers)
  Result<User> CreateUser(const Principal& actor, const Origin& origin, const CreateUserRequest& request);
  Result<std::vector<User>> ListUsers(const Principal& actor);
  Result<User> GetUser(const Principal& actor, UserId id);
  Result<User> GetUserByEmail(const Principal& actor, std::string_view email);
  // A role change, disabling or a password reset ends the user's sessions.
  Result<User> UpdateUser(const Principal& actor, const Origin& origin, UserId id, const UpdateUserRequest& request);

  // --- API tokens (Resource::kUsers)
  Result<CreatedToken> CreateToken(const Principal& actor, const Origin& origin, std::string_view name,
                                   domain::Role role);
  Result<std::vector<ApiToken>> ListTokens(const Principal& actor);
  // Revoking a revoked token is a no-op that answers the token.
  Result<ApiToken> RevokeToken(const Principal& actor, const Origin& origin, ApiTokenId id);
  Result<ApiToken> RevokeTokenByName(const Principal& actor, const Origin& origin, std::string_view name);

  // --- Audit (Resource::kAudit)
  Result<std::vector<AuditRecord>> ListAudit(const Principal& actor, const AuditQuery& query);
  // Walks the whole chain in pages; `progress(rows_so_far)` after each page.
  Result<ChainVerification> VerifyAudit(const Principal& actor,
                                        const std::function<void(std::int64_t)>& progress = nullptr);

  // --- Installation
  // On an installation without users, creates an admin with `email` and
  // `password` (or a generated one when empty). nullopt when users exist.
  Result<std::optional<FirstAdmin>> EnsureFirstAdmin(std::string_view email, std::string_view password);
  // Deletes expired sessions; returns how many.
  Result<std::int64_t> PruneExpiredSessions();

  // Appends an audit record for `principal` inside a write another use case is
  // making, so the change and its record commit together.
  static Result<AuditRecord> Record(WriteTransaction& transaction, const Principal& principal, const Origin& origin,
                                    Timestamp at, std::string_view action, std::string_view subject_type,
                                    std::int64_t subject_id, std::string details_json = "{}");

  const AccessOptions& options() const { return options_; }

 private:
  class HashSlots;

  Result<std::string> Hash(std::string_view password);
  Result<PasswordVerdict> Verify(std::string_view password, std::string_view encoded_hash);
  Status RecordAlone(const Principal& principal, const Origin& origin, std::string_view action,
                     std::string_view subject_type, std::int64_t subject_id, std::string details_json);

  Store& store_;
  const Clock& clock_;
  AccessOptions options_;
  std::unique_ptr<RateLimiter> limiter_;
  std::unique_ptr<HashSlots> hash_slots_;
  std::once_flag dummy_once_;
  std::string dummy_hash_;  // verified against for unknown e-mails, so timing does not reveal them
};

// Lower-cases ASCII letters of an e-mail and checks its shape: one '@', a
// non-empty local part and domain, no spaces or control characters, at most
// limits::kEmailBytesMax bytes. kInvalidArgument otherwise.
Result<std::string> NormalizeEmail(std::string_view email);

}  // namespace rapport::app

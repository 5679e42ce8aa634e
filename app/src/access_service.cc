// AccessService (see access_service.h).
#include "rapport/app/access_service.h"

#include <algorithm>
#include <mutex>
#include <semaphore>
#include <utility>

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "rapport/app/rate_limiter.h"
#include "rapport/base/limits.h"
#include "rapport/base/utf8.h"

namespace rapport::app {
namespace {

using domain::Action;
using domain::Resource;
using domain::Role;

constexpr std::string_view kBadCredentials = "The e-mail or password is wrong.";
constexpr std::string_view kSessionEnded = "Your session has ended; sign in again.";
constexpr std::string_view kTokenInvalid = "This API token is not valid.";
constexpr int kAuditScanPage = limits::kPageSizeMax;  // ScanAudit refuses larger pages

// A JSON object of string fields, for audit details.
class Details {
 public:
  Details() { writer_.StartObject(); }
  Details& Add(std::string_view key, std::string_view value) {
    writer_.Key(key.data(), static_cast<rapidjson::SizeType>(key.size()));
    writer_.String(value.data(), static_cast<rapidjson::SizeType>(value.size()));
    return *this;
  }
  std::string Take() {
    writer_.EndObject();
    return std::string(buffer_.GetString(), buffer_.GetSize());
  }

 private:
  rapidjson::StringBuffer buffer_;
  rapidjson::Writer<rapidjson::StringBuffer> writer_{buffer_};
};

// "203.0.113.7:50312" → "203.0.113.7", "[::1]:8080" → "::1"; anything else as is.
std::string AddressOf(std::string_view remote) {
  if (remote.starts_with('[')) {
    const auto close = remote.find(']');
    if (close != std::string_view::npos) return std::string(remote.substr(1, close - 1));
  }
  const auto colon = remote.rfind(':');
  if (colon != std::string_view::npos && remote.find(':') == colon) return std::string(remote.substr(0, colon));
  return std::string(remote);
}

std::string AccountKey(std::string_view email) { return "account:" + std::string(email); }
std::string AddressKey(std::string_view remote) { return "address:" + AddressOf(remote); }

template <typename T>
AccessOutcome<T> Refused(std::string_view message) {
  return AccessOutcome<T>{.status = Status(StatusCode::kUnauthenticated, std::string(message))};
}

template <typename T>
AccessOutcome<T> Throttled(std::int64_t retry_after_s, std::string message) {
  return AccessOutcome<T>{.status = ResourceExhausted(std::move(message)), .retry_after_s = retry_after_s};
}

template <typename T>
AccessOutcome<T> Failed(Status status) {
  return AccessOutcome<T>{.status = std::move(status)};
}

Status PasswordProblem(PasswordCheck check) {
  switch (check) {
    case PasswordCheck::kAccepted: return Status::Ok();
    case PasswordCheck::kWeakPassword:
      return InvalidArgument("The password must have at least " + std::to_string(kPasswordCodePointsMin) +
                             " characters.");
    case PasswordCheck::kPasswordTooLong:
      return InvalidArgument("The password must be at most " + std::to_string(kPasswordBytesMax) + " bytes.");
    case PasswordCheck::kInvalidUtf8: return InvalidArgument("The password is not valid UTF-8 text.");
  }
  return InvalidArgument("The password is not acceptable.");
}

Status CheckLabel(std::string_view what, std::string_view text, std::size_t bytes_max, bool required) {
  if (required && text.empty()) return InvalidArgument(std::string(what) + " must not be empty.");
  if (text.size() > bytes_max) {
    return InvalidArgument(std::string(what) + " must be at most " + std::to_string(bytes_max) + " bytes.");
  }
  if (!IsSingleLineText(text)) {
    return InvalidArgument(std::string(what) + " must be UTF-8 text on one line, without control characters.");
  }
  return Status::Ok();
}

Principal PrincipalOf(const User& user) {
  return Principal{.kind = Principal::Kind::kUser, .id = user.id.value(), .role = user.role, .name = user.email};
}

Principal PrincipalOf(const ApiToken& token) {
  return Principal{.kind = Principal::Kind::kToken, .id = token.id.value(), .role = token.role, .name = token.name};
}

std::int64_t ActiveAdmins(const std::vector<User>& users) {
  return std::count_if(users.begin(), users.end(),
                       [](const User& user) { return user.role == Role::kAdmin && !user.disabled; });
}

}  // namespace

// Bounds the argon2id computations running at once (each takes mem_limit_bytes).
class AccessService::HashSlots {
 public:
  explicit HashSlots(int slots) : semaphore_(std::max(1, slots)) {}
  template <typename Work>
  auto Run(Work work) {
    semaphore_.acquire();
    struct Release {
      std::counting_semaphore<>& semaphore;
      ~Release() { semaphore.release(); }
    } release{semaphore_};
    return work();
  }

 private:
  std::counting_semaphore<> semaphore_;
};

std::string Principal::Actor() const {
  switch (kind) {
    case Kind::kUser: return "user:" + std::to_string(id);
    case Kind::kToken: return "token:" + std::to_string(id);
    case Kind::kOperator: return "cli:" + name;
    case Kind::kSystem: return "system";
    case Kind::kAnonymous: return "anonymous";
  }
  return "unknown";
}

Result<std::string> NormalizeEmail(std::string_view email) {
  if (email.empty()) return InvalidArgument("The e-mail must not be empty.");
  if (email.size() > limits::kEmailBytesMax) {
    return InvalidArgument("The e-mail must be at most " + std::to_string(limits::kEmailBytesMax) + " bytes.");
  }
  const auto at = email.find('@');
  const bool one_at = at != std::string_view::npos && email.find('@', at + 1) == std::string_view::npos;
  const bool has_space = email.find(' ') != std::string_view::npos;
  if (!one_at || at == 0 || at + 1 == email.size() || has_space || !IsSingleLineText(email)) {
    return InvalidArgument("The e-mail must look like name@example.com.");
  }
  std::string normalized(email);
  std::transform(normalized.begin(), normalized.end(), normalized.begin(),
                 [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; });
  return normalized;
}

AccessService::AccessService(Store& store, const Clock& clock, AccessOptions options)
    : store_(store),
      clock_(clock),
      options_(std::move(options)),
      limiter_(std::make_unique<RateLimiter>()),
      hash_slots_(std::make_unique<HashSlots>(options_.concurrent_hashes_max)) {}

AccessService::~AccessService() = default;

Principal AccessService::Operator(std::string os_account) {
  return Principal{.kind = Principal::Kind::kOperator,
                   .role = Role::kAdmin,
                   .name = os_account.empty() ? std::string("operator") : std::move(os_account)};
}

Status AccessService::Authorize(const Principal& principal, Resource resource, Action action) {
  const bool identified = principal.kind != Principal::Kind::kAnonymous;
  if (identified && domain::IsAllowed(principal.role, resource, action)) return Status::Ok();
  return Status(StatusCode::kPermissionDenied, "The " + std::string(domain::RoleName(principal.role)) +
                                                   " role may not " + std::string(domain::ActionName(action)) + " " +
                                                   std::string(domain::ResourceName(resource)) + ".");
}

Result<std::string> AccessService::Hash(std::string_view password) {
  return hash_slots_->Run([&] { return HashPassword(password, options_.password_hash); });
}

Result<PasswordVerdict> AccessService::Verify(std::string_view password, std::string_view encoded_hash) {
  return hash_slots_->Run([&] { return VerifyPassword(password, encoded_hash, options_.password_hash); });
}

Result<AuditRecord> AccessService::Record(WriteTransaction& transaction, const Principal& principal,
                                          const Origin& origin, Timestamp at, std::string_view action,
                                          std::string_view subject_type, std::int64_t subject_id,
                                          std::string details_json) {
  AuditEntry entry{.at = at,
                   .actor = principal.Actor(),
                   .action = std::string(action),
                   .subject_type = std::string(subject_type),
                   .subject_id = subject_id,
                   .remote = AddressOf(origin.remote),
                   .details_json = std::move(details_json)};
  return transaction.AccountsOut().AppendAudit(entry);
}

Status AccessService::RecordAlone(const Principal& principal, const Origin& origin, std::string_view action,
                                  std::string_view subject_type, std::int64_t subject_id, std::string details_json) {
  const Timestamp now = clock_.Now();
  return store_.Write([&](WriteTransaction& transaction) {
    return Record(transaction, principal, origin, now, action, subject_type, subject_id, details_json).status();
  });
}

// --- Authentication

AccessOutcome<SignedIn> AccessService::Login(std::string_view email, std::string_view password, const Origin& origin) {
  const Timestamp now = clock_.Now();
  Result<std::string> normalized = NormalizeEmail(email);
  // A malformed e-mail still counts against an account key, cut to the longest
  // valid length so a huge body cannot grow the limiter's memory.
  const std::string account_key =
      AccountKey(normalized.ok() ? *normalized : std::string(email.substr(0, limits::kEmailBytesMax)));
  const std::string address_key = AddressKey(origin.remote);
  const FailureWindow account_window{options_.login_failures_per_account, options_.login_failure_window_us};
  const FailureWindow address_window{options_.login_failures_per_address, options_.login_failure_window_us};
  const std::int64_t wait_s = std::max(limiter_->BlockedForSeconds(account_key, account_window, now),
                                       limiter_->BlockedForSeconds(address_key, address_window, now));
  if (wait_s > 0) {
    return Throttled<SignedIn>(wait_s, "Too many failed sign-ins; try again in " + std::to_string(wait_s) + " s.");
  }

  std::optional<User> user;
  if (normalized.ok()) {
    const Status read = store_.Read([&](ReadTransaction& transaction) {
      RAPPORT_ASSIGN_OR_RETURN(user, transaction.Accounts().FindUserByEmail(*normalized));
      return Status::Ok();
    });
    if (!read.ok()) return Failed<SignedIn>(read);
  }

  // Unknown e-mails are verified against a dummy hash, so the answer takes as
  // long as for a known one and timing does not reveal who has an account.
  std::call_once(dummy_once_, [&] {
    Result<std::string> dummy = Hash("not a password of anyone here");
    dummy_hash_ = dummy.ok() ? *dummy : std::string();
  });
  PasswordVerdict verdict = PasswordVerdict::kMismatch;
  if (password.size() <= kPasswordBytesMax) {
    Result<PasswordVerdict> verified = Verify(password, user ? std::string_view(user->password_hash) : dummy_hash_);
    if (!verified.ok() && user) return Failed<SignedIn>(verified.status());
    if (verified.ok() && user) verdict = *verified;
  }

  const bool matched = verdict != PasswordVerdict::kMismatch;
  if (!user || !matched || user->disabled) {
    limiter_->RecordFailure(account_key, account_window, now);
    limiter_->RecordFailure(address_key, address_window, now);
    const std::string_view reason = !user ? "unknown_email" : !matched ? "wrong_password" : "disabled";
    const Principal anonymous{.kind = Principal::Kind::kAnonymous};
    const Status audited = RecordAlone(
        user ? PrincipalOf(*user) : anonymous, origin, "auth.login_failed", "user", user ? user->id.value() : 0,
        Details().Add("email", normalized.ok() ? *normalized : "").Add("reason", reason).Take());
    if (!audited.ok()) return Failed<SignedIn>(audited);
    return Refused<SignedIn>(kBadCredentials);
  }

  std::optional<std::string> rehashed;
  if (verdict == PasswordVerdict::kMatchNeedsRehash) {
    Result<std::string> hash = Hash(password);
    if (!hash.ok()) return Failed<SignedIn>(hash.status());
    rehashed = std::move(*hash);
  }

  SignedIn signed_in{.user = *user, .principal = PrincipalOf(*user), .session_token = NewSecret()};
  signed_in.expires_at = now + Microseconds(options_.session_absolute_timeout_us);
  signed_in.principal.csrf_token = NewSecret();
  const Status written = store_.Write([&](WriteTransaction& transaction) {
    AccountsWriter& accounts = transaction.AccountsOut();
    if (rehashed) {
      RAPPORT_RETURN_IF_ERROR(accounts.UpdateUser(user->id, UserChange{.password_hash = rehashed, .updated_at = now}));
    }
    RAPPORT_ASSIGN_OR_RETURN(const SessionId session_id,
                             accounts.InsertSession(NewSession{.token_digest = TokenDigest(signed_in.session_token),
                                                               .user_id = user->id,
                                                               .csrf_token = signed_in.principal.csrf_token,
                                                               .created_at = now,
                                                               .expires_at = signed_in.expires_at,
                                                               .remote = AddressOf(origin.remote),
                                                               .user_agent = origin.user_agent.substr(0, 512)}));
    signed_in.principal.session_id = session_id;
    RAPPORT_RETURN_IF_ERROR(accounts.DeleteOldestSessionsOfUser(user->id, limits::kSessionsPerUserMax).status());
    return Record(transaction, signed_in.principal, origin, now, "auth.login", "session", session_id.value(),
                  rehashed ? Details().Add("password", "rehashed").Take() : "{}")
        .status();
  });
  if (!written.ok()) return Failed<SignedIn>(written);
  limiter_->ClearFailures(account_key);
  return AccessOutcome<SignedIn>{.value = std::move(signed_in)};
}

Status AccessService::Logout(const Principal& principal, const Origin& origin) {
  if (!principal.session_id) return Status::Ok();
  const Timestamp now = clock_.Now();
  return store_.Write([&](WriteTransaction& transaction) {
    RAPPORT_RETURN_IF_ERROR(transaction.AccountsOut().DeleteSession(*principal.session_id).status());
    return Record(transaction, principal, origin, now, "auth.logout", "session", principal.session_id->value())
        .status();
  });
}

AccessOutcome<Principal> AccessService::AuthenticateSession(std::string_view session_token, const Origin& /*origin*/) {
  if (session_token.empty() || session_token.size() > 128) return Refused<Principal>(kSessionEnded);
  const Timestamp now = clock_.Now();
  const std::string digest = TokenDigest(session_token);
  std::optional<Session> session;
  std::optional<User> user;
  Status read = store_.Read([&](ReadTransaction& transaction) {
    RAPPORT_ASSIGN_OR_RETURN(session, transaction.Accounts().FindSession(digest));
    if (session) {
      RAPPORT_ASSIGN_OR_RETURN(user, transaction.Accounts().FindUser(session->user_id));
    }
    return Status::Ok();
  });
  if (!read.ok()) return Failed<Principal>(read);
  if (!session || !ConstantTimeEquals(session->token_digest, digest) || !user || user->disabled) {
    return Refused<Principal>(kSessionEnded);
  }

  const bool expired =
      now >= session->expires_at || now >= session->last_seen_at + Microseconds(options_.session_idle_timeout_us);
  if (expired) {
    // An ended session is refused whether or not its row is gone; the hourly
    // access.prune_sessions job deletes it, so refusing writes nothing.
    return Refused<Principal>(kSessionEnded);
  }

  Principal principal = PrincipalOf(*user);
  principal.session_id = session->id;
  principal.csrf_token = session->csrf_token;
  principal.use_due = now - session->last_seen_at >= Microseconds(options_.touch_interval_us);
  return AccessOutcome<Principal>{.value = std::move(principal)};
}

AccessOutcome<Principal> AccessService::AuthenticateToken(std::string_view token, const Origin& /*origin*/) {
  if (!token.starts_with(kTokenPrefix) || token.size() > 128) return Refused<Principal>(kTokenInvalid);
  const Timestamp now = clock_.Now();
  const std::string digest = TokenDigest(token);
  std::optional<ApiToken> found;
  Status read = store_.Read([&](ReadTransaction& transaction) {
    RAPPORT_ASSIGN_OR_RETURN(found, transaction.Accounts().FindTokenByDigest(digest));
    return Status::Ok();
  });
  if (!read.ok()) return Failed<Principal>(read);
  if (!found || found->revoked_at || !ConstantTimeEquals(found->token_digest, digest)) {
    return Refused<Principal>(kTokenInvalid);
  }

  const std::int64_t wait_s = limiter_->TakeRequest("token:" + std::to_string(found->id.value()),
                                                    options_.token_requests_per_second, options_.token_burst, now);
  if (wait_s > 0) {
    return Throttled<Principal>(wait_s,
                                "This token is over its request rate; retry in " + std::to_string(wait_s) + " s.");
  }

  Principal principal = PrincipalOf(*found);
  principal.use_due = !found->last_used_at || now - *found->last_used_at >= Microseconds(options_.touch_interval_us);
  return AccessOutcome<Principal>{.value = std::move(principal)};
}

Status AccessService::RecordUse(const Principal& principal, const Origin& origin) {
  if (!principal.use_due) return Status::Ok();
  const Timestamp now = clock_.Now();
  return store_.Write([&](WriteTransaction& transaction) {
    AccountsWriter& accounts = transaction.AccountsOut();
    if (principal.kind == Principal::Kind::kToken) {
      // Token use is recorded once per touch interval, with its last-used time.
      const ApiTokenId id(principal.id);
      RAPPORT_RETURN_IF_ERROR(accounts.TouchToken(id, now));
      return Record(transaction, principal, origin, now, "token.use", "token", id.value()).status();
    }
    if (principal.session_id) return accounts.TouchSession(*principal.session_id, now);
    return Status::Ok();
  });
}

Status AccessService::ChangeOwnPassword(const Principal& principal, const Origin& origin,
                                        std::string_view current_password, std::string_view new_password) {
  if (principal.kind != Principal::Kind::kUser) {
    return FailedPrecondition("Only a signed-in user can change their own password.");
  }
  RAPPORT_RETURN_IF_ERROR(PasswordProblem(CheckPassword(new_password)));
  const Timestamp now = clock_.Now();
  const UserId user_id(principal.id);
  const std::string account_key = AccountKey(principal.name);
  const FailureWindow account_window{options_.login_failures_per_account, options_.login_failure_window_us};
  const std::int64_t wait_s = limiter_->BlockedForSeconds(account_key, account_window, now);
  if (wait_s > 0) return ResourceExhausted("Too many wrong passwords; try again in " + std::to_string(wait_s) + " s.");

  std::optional<User> user;
  RAPPORT_RETURN_IF_ERROR(store_.Read([&](ReadTransaction& transaction) {
    RAPPORT_ASSIGN_OR_RETURN(user, transaction.Accounts().FindUser(user_id));
    return Status::Ok();
  }));
  if (!user) return NotFound("The user no longer exists.");
  RAPPORT_ASSIGN_OR_RETURN(const PasswordVerdict verdict, Verify(current_password, user->password_hash));
  if (verdict == PasswordVerdict::kMismatch) {
    limiter_->RecordFailure(account_key, account_window, now);
    return InvalidArgument("The current password is wrong.");
  }
  RAPPORT_ASSIGN_OR_RETURN(std::string hash, Hash(new_password));
  return store_.Write([&](WriteTransaction& transaction) {
    AccountsWriter& accounts = transaction.AccountsOut();
    RAPPORT_RETURN_IF_ERROR(accounts.UpdateUser(user_id, UserChange{.password_hash = hash, .updated_at = now}));
    RAPPORT_ASSIGN_OR_RETURN(const std::int64_t ended, accounts.DeleteSessionsOfUser(user_id));
    return Record(transaction, principal, origin, now, "user.password_change", "user", user_id.value(),
                  Details().Add("sessions_ended", std::to_string(ended)).Take())
        .status();
  });
}

// --- Users

Result<User> AccessService::CreateUser(const Principal& actor, const Origin& origin, const CreateUserRequest& request) {
  RAPPORT_RETURN_IF_ERROR(Authorize(actor, Resource::kUsers, Action::kAdmin));
  RAPPORT_ASSIGN_OR_RETURN(std::string email, NormalizeEmail(request.email));
  RAPPORT_RETURN_IF_ERROR(CheckLabel("The name", request.display_name, limits::kDisplayNameBytesMax, false));
  RAPPORT_RETURN_IF_ERROR(PasswordProblem(CheckPassword(request.password)));
  RAPPORT_ASSIGN_OR_RETURN(std::string hash, Hash(request.password));
  const Timestamp now = clock_.Now();
  User user{.email = email,
            .display_name = request.display_name,
            .role = request.role,
            .password_hash = std::move(hash),
            .created_at = now,
            .updated_at = now};
  RAPPORT_RETURN_IF_ERROR(store_.Write([&](WriteTransaction& transaction) {
    AccountsWriter& accounts = transaction.AccountsOut();
    RAPPORT_ASSIGN_OR_RETURN(const std::int64_t users, transaction.Accounts().CountUsers());
    if (users >= limits::kUsersMax) {
      return ResourceExhausted("An installation has at most " + std::to_string(limits::kUsersMax) + " users.");
    }
    Result<UserId> id = accounts.InsertUser(NewUser{.email = user.email,
                                                    .display_name = user.display_name,
                                                    .role = user.role,
                                                    .password_hash = user.password_hash,
                                                    .created_at = now});
    if (!id.ok() && id.status().code() == StatusCode::kAlreadyExists) {
      return AlreadyExists("A user with the e-mail " + user.email + " already exists.");
    }
    RAPPORT_RETURN_IF_ERROR(id.status());
    user.id = *id;
    return Record(transaction, actor, origin, now, "user.create", "user", user.id.value(),
                  Details().Add("email", user.email).Add("role", domain::RoleName(user.role)).Take())
        .status();
  }));
  return user;
}

Result<std::vector<User>> AccessService::ListUsers(const Principal& actor) {
  RAPPORT_RETURN_IF_ERROR(Authorize(actor, Resource::kUsers, Action::kRead));
  std::vector<User> users;
  RAPPORT_RETURN_IF_ERROR(store_.Read([&](ReadTransaction& transaction) {
    RAPPORT_ASSIGN_OR_RETURN(users, transaction.Accounts().ListUsers());
    return Status::Ok();
  }));
  return users;
}

Result<User> AccessService::GetUser(const Principal& actor, UserId id) {
  RAPPORT_RETURN_IF_ERROR(Authorize(actor, Resource::kUsers, Action::kRead));
  std::optional<User> user;
  RAPPORT_RETURN_IF_ERROR(store_.Read([&](ReadTransaction& transaction) {
    RAPPORT_ASSIGN_OR_RETURN(user, transaction.Accounts().FindUser(id));
    return Status::Ok();
  }));
  if (!user) return NotFound("There is no user " + std::to_string(id.value()) + ".");
  return *std::move(user);
}

Result<User> AccessService::GetUserByEmail(const Principal& actor, std::string_view email) {
  RAPPORT_RETURN_IF_ERROR(Authorize(actor, Resource::kUsers, Action::kRead));
  RAPPORT_ASSIGN_OR_RETURN(const std::string normalized, NormalizeEmail(email));
  std::optional<User> user;
  RAPPORT_RETURN_IF_ERROR(store_.Read([&](ReadTransaction& transaction) {
    RAPPORT_ASSIGN_OR_RETURN(user, transaction.Accounts().FindUserByEmail(normalized));
    return Status::Ok();
  }));
  if (!user) return NotFound("There is no user with the e-mail " + normalized + ".");
  return *std::move(user);
}

Result<User> AccessService::UpdateUser(const Principal& actor, const Origin& origin, UserId id,
                                       const UpdateUserRequest& request) {
  RAPPORT_RETURN_IF_ERROR(Authorize(actor, Resource::kUsers, Action::kAdmin));
  if (request.display_name) {
    RAPPORT_RETURN_IF_ERROR(CheckLabel("The name", *request.display_name, limits::kDisplayNameBytesMax, false));
  }
  std::optional<std::string> hash;
  if (request.password) {
    RAPPORT_RETURN_IF_ERROR(PasswordProblem(CheckPassword(*request.password)));
    RAPPORT_ASSIGN_OR_RETURN(hash, Hash(*request.password));
  }
  const Timestamp now = clock_.Now();
  User updated;
  RAPPORT_RETURN_IF_ERROR(store_.Write([&](WriteTransaction& transaction) {
    AccountsWriter& accounts = transaction.AccountsOut();
    RAPPORT_ASSIGN_OR_RETURN(std::optional<User> user, transaction.Accounts().FindUser(id));
    if (!user) return NotFound("There is no user " + std::to_string(id.value()) + ".");
    updated = *user;
    const bool role_changes = request.role && *request.role != user->role;
    const bool disabled_changes = request.disabled && *request.disabled != user->disabled;
    const bool name_changes = request.display_name && *request.display_name != user->display_name;
    if (role_changes) updated.role = *request.role;
    if (disabled_changes) updated.disabled = *request.disabled;
    if (name_changes) updated.display_name = *request.display_name;
    if (hash) updated.password_hash = *hash;

    // Whoever locks the last admin out must not be able to: nobody could undo it from the UI.
    const bool loses_admin =
        user->role == Role::kAdmin && !user->disabled && (updated.role != Role::kAdmin || updated.disabled);
    if (loses_admin) {
      RAPPORT_ASSIGN_OR_RETURN(const std::vector<User> users, transaction.Accounts().ListUsers());
      if (ActiveAdmins(users) <= 1) return FailedPrecondition("At least one active admin must remain.");
    }
    if (!role_changes && !disabled_changes && !name_changes && !hash) return Status::Ok();

    updated.updated_at = now;
    RAPPORT_RETURN_IF_ERROR(
        accounts.UpdateUser(id, UserChange{.role = role_changes ? request.role : std::nullopt,
                                           .password_hash = hash,
                                           .disabled = disabled_changes ? request.disabled : std::nullopt,
                                           .display_name = name_changes ? request.display_name : std::nullopt,
                                           .updated_at = now}));
    if (role_changes || disabled_changes || hash) {
      RAPPORT_RETURN_IF_ERROR(accounts.DeleteSessionsOfUser(id).status());
    }
    if (role_changes) {
      RAPPORT_RETURN_IF_ERROR(Record(transaction, actor, origin, now, "user.role_change", "user", id.value(),
                                     Details()
                                         .Add("email", user->email)
                                         .Add("from", domain::RoleName(user->role))
                                         .Add("to", domain::RoleName(updated.role))
                                         .Take())
                                  .status());
    }
    if (disabled_changes) {
      RAPPORT_RETURN_IF_ERROR(Record(transaction, actor, origin, now, updated.disabled ? "user.disable" : "user.enable",
                                     "user", id.value(), Details().Add("email", user->email).Take())
                                  .status());
    }
    if (hash) {
      RAPPORT_RETURN_IF_ERROR(Record(transaction, actor, origin, now, "user.password_reset", "user", id.value(),
                                     Details().Add("email", user->email).Take())
                                  .status());
    }
    if (name_changes) {
      RAPPORT_RETURN_IF_ERROR(Record(transaction, actor, origin, now, "user.rename", "user", id.value(),
                                     Details().Add("email", user->email).Take())
                                  .status());
    }
    return Status::Ok();
  }));
  return updated;
}

// --- API tokens

Result<CreatedToken> AccessService::CreateToken(const Principal& actor, const Origin& origin, std::string_view name,
                                                Role role) {
  RAPPORT_RETURN_IF_ERROR(Authorize(actor, Resource::kUsers, Action::kAdmin));
  RAPPORT_RETURN_IF_ERROR(CheckLabel("The token name", name, limits::kTokenNameBytesMax, true));
  const Timestamp now = clock_.Now();
  CreatedToken created{.secret = NewToken()};
  created.token =
      ApiToken{.name = std::string(name), .token_digest = TokenDigest(created.secret), .role = role, .created_at = now};
  if (actor.kind == Principal::Kind::kUser) created.token.created_by = UserId(actor.id);
  RAPPORT_RETURN_IF_ERROR(store_.Write([&](WriteTransaction& transaction) {
    RAPPORT_ASSIGN_OR_RETURN(const std::vector<ApiToken> tokens, transaction.Accounts().ListTokens());
    if (static_cast<std::int64_t>(tokens.size()) >= limits::kApiTokensMax) {
      return ResourceExhausted("An installation has at most " + std::to_string(limits::kApiTokensMax) + " tokens.");
    }
    Result<ApiTokenId> id =
        transaction.AccountsOut().InsertToken(NewApiToken{.name = created.token.name,
                                                          .token_digest = created.token.token_digest,
                                                          .role = role,
                                                          .created_by = created.token.created_by,
                                                          .created_at = now});
    if (!id.ok() && id.status().code() == StatusCode::kAlreadyExists) {
      return AlreadyExists("An active token named \"" + created.token.name + "\" already exists.");
    }
    RAPPORT_RETURN_IF_ERROR(id.status());
    created.token.id = *id;
    return Record(transaction, actor, origin, now, "token.create", "token", id->value(),
                  Details().Add("name", created.token.name).Add("role", domain::RoleName(role)).Take())
        .status();
  }));
  return created;
}

Result<std::vector<ApiToken>> AccessService::ListTokens(const Principal& actor) {
  RAPPORT_RETURN_IF_ERROR(Authorize(actor, Resource::kUsers, Action::kRead));
  std::vector<ApiToken> tokens;
  RAPPORT_RETURN_IF_ERROR(store_.Read([&](ReadTransaction& transaction) {
    RAPPORT_ASSIGN_OR_RETURN(tokens, transaction.Accounts().ListTokens());
    return Status::Ok();
  }));
  return tokens;
}

Result<ApiToken> AccessService::RevokeToken(const Principal& actor, const Origin& origin, ApiTokenId id) {
  RAPPORT_RETURN_IF_ERROR(Authorize(actor, Resource::kUsers, Action::kAdmin));
  const Timestamp now = clock_.Now();
  ApiToken token;
  RAPPORT_RETURN_IF_ERROR(store_.Write([&](WriteTransaction& transaction) {
    RAPPORT_ASSIGN_OR_RETURN(std::optional<ApiToken> found, transaction.Accounts().FindToken(id));
    if (!found) return NotFound("There is no token " + std::to_string(id.value()) + ".");
    token = *std::move(found);
    if (token.revoked_at) return Status::Ok();
    RAPPORT_ASSIGN_OR_RETURN(const bool revoked, transaction.AccountsOut().RevokeToken(id, now));
    if (!revoked) return Status::Ok();
    token.revoked_at = now;
    return Record(transaction, actor, origin, now, "token.revoke", "token", id.value(),
                  Details().Add("name", token.name).Take())
        .status();
  }));
  return token;
}

Result<ApiToken> AccessService::RevokeTokenByName(const Principal& actor, const Origin& origin, std::string_view name) {
  RAPPORT_RETURN_IF_ERROR(Authorize(actor, Resource::kUsers, Action::kAdmin));
  std::optional<ApiToken> found;
  RAPPORT_RETURN_IF_ERROR(store_.Read([&](ReadTransaction& transaction) {
    RAPPORT_ASSIGN_OR_RETURN(found, transaction.Accounts().FindActiveTokenByName(name));
    return Status::Ok();
  }));
  if (!found) return NotFound("There is no active token named \"" + std::string(name) + "\".");
  return RevokeToken(actor, origin, found->id);
}

// --- Audit

Result<std::vector<AuditRecord>> AccessService::ListAudit(const Principal& actor, const AuditQuery& query) {
  RAPPORT_RETURN_IF_ERROR(Authorize(actor, Resource::kAudit, Action::kRead));
  if (query.limit < 1 || query.limit > limits::kPageSizeMax) {
    return InvalidArgument("limit must be between 1 and " + std::to_string(limits::kPageSizeMax) + ".");
  }
  std::vector<AuditRecord> records;
  RAPPORT_RETURN_IF_ERROR(store_.Read([&](ReadTransaction& transaction) {
    RAPPORT_ASSIGN_OR_RETURN(records, transaction.Accounts().ListAudit(query));
    return Status::Ok();
  }));
  return records;
}

Result<ChainVerification> AccessService::VerifyAudit(const Principal& actor,
                                                     const std::function<void(std::int64_t)>& progress) {
  RAPPORT_RETURN_IF_ERROR(Authorize(actor, Resource::kAudit, Action::kRead));
  ChainVerifier verifier;
  std::int64_t after = 0;
  std::int64_t rows = 0;
  while (verifier.result().ok()) {
    std::vector<AuditRecord> page;
    RAPPORT_RETURN_IF_ERROR(store_.Read([&](ReadTransaction& transaction) {
      RAPPORT_ASSIGN_OR_RETURN(page, transaction.Accounts().ScanAudit(after, kAuditScanPage));
      return Status::Ok();
    }));
    if (page.empty()) break;
    verifier.Feed(page);
    after = page.back().sequence;
    rows += static_cast<std::int64_t>(page.size());
    if (progress) progress(rows);
  }
  return verifier.result();
}

// --- Installation

Result<std::optional<FirstAdmin>> AccessService::EnsureFirstAdmin(std::string_view email, std::string_view password) {
  RAPPORT_ASSIGN_OR_RETURN(std::string normalized, NormalizeEmail(email));
  FirstAdmin first{.password = std::string(password), .generated = password.empty()};
  if (first.generated) first.password = NewSecret().substr(0, 24);
  RAPPORT_RETURN_IF_ERROR(PasswordProblem(CheckPassword(first.password)));

  std::int64_t users = 0;
  RAPPORT_RETURN_IF_ERROR(store_.Read([&](ReadTransaction& transaction) {
    RAPPORT_ASSIGN_OR_RETURN(users, transaction.Accounts().CountUsers());
    return Status::Ok();
  }));
  if (users > 0) return std::optional<FirstAdmin>();

  RAPPORT_ASSIGN_OR_RETURN(std::string hash, Hash(first.password));
  const Timestamp now = clock_.Now();
  first.user = User{.email = normalized,
                    .display_name = "Administrator",
                    .role = Role::kAdmin,
                    .password_hash = std::move(hash),
                    .created_at = now,
                    .updated_at = now};
  bool created = false;
  RAPPORT_RETURN_IF_ERROR(store_.Write([&](WriteTransaction& transaction) {
    // Checked again inside the write: another node may have won the race.
    RAPPORT_ASSIGN_OR_RETURN(const std::int64_t count, transaction.Accounts().CountUsers());
    if (count > 0) return Status::Ok();
    RAPPORT_ASSIGN_OR_RETURN(first.user.id,
                             transaction.AccountsOut().InsertUser(NewUser{.email = first.user.email,
                                                                          .display_name = first.user.display_name,
                                                                          .role = Role::kAdmin,
                                                                          .password_hash = first.user.password_hash,
                                                                          .created_at = now}));
    created = true;
    return Record(transaction, Principal{.kind = Principal::Kind::kSystem, .role = Role::kAdmin}, Origin{}, now,
                  "user.create", "user", first.user.id.value(),
                  Details().Add("email", first.user.email).Add("role", "admin").Add("reason", "first_admin").Take())
        .status();
  }));
  if (!created) return std::optional<FirstAdmin>();
  return std::optional<FirstAdmin>(std::move(first));
}

Result<std::int64_t> AccessService::PruneExpiredSessions() {
  const Timestamp now = clock_.Now();
  std::int64_t deleted = 0;
  RAPPORT_RETURN_IF_ERROR(store_.Write([&](WriteTransaction& transaction) {
    RAPPORT_ASSIGN_OR_RETURN(deleted,
                             transaction.AccountsOut().DeleteExpiredSessions(now, options_.session_idle_timeout_us));
    return Status::Ok();
  }));
  return deleted;
}

}  // namespace rapport::app

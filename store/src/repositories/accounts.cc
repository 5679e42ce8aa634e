#include "repositories/accounts.h"

#include <algorithm>
#include <limits>
#include <string>

#include "sql/stored_values.h"

#include "rapport/base/limits.h"

namespace rapport::store {
namespace {

// Bounds of inputs besides those in base/limits.h. Client-controlled text
// (addresses, user agents) is cut, not refused: a long header must not stop a
// sign-in. Names chosen by the application are refused when too long.
constexpr std::size_t kRemoteBytesMax = 200;
constexpr std::size_t kUserAgentBytesMax = 512;
constexpr std::size_t kAuditNameBytesMax = 200;  // actor, action, subject_type
constexpr std::size_t kSecretDigestBytesMax = 128;

std::string_view Truncated(std::string_view text, std::size_t bytes_max) {
  if (text.size() <= bytes_max) return text;
  std::size_t cut = bytes_max;
  // Do not split a UTF-8 sequence: back up over continuation bytes.
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  return text.substr(0, cut);
}

Status ValidateText(std::string_view what, std::string_view text, std::size_t bytes_max, bool may_be_empty) {
  if (!may_be_empty && text.empty()) return InvalidArgument(std::string(what) + " must not be empty");
  if (text.size() > bytes_max) {
    return InvalidArgument(std::string(what) + " is " + std::to_string(text.size()) + " bytes, over the " +
                           std::to_string(bytes_max) + " byte limit");
  }
  return {};
}

Status ValidateDigest(std::string_view digest) {
  return ValidateText("secret digest", digest, kSecretDigestBytesMax, /*may_be_empty=*/false);
}

Result<domain::Role> RoleFromColumn(const SqlRow& row, int column, std::string_view table) {
  const std::string_view name = row.Text(column);
  const std::optional<domain::Role> role = domain::ParseRole(name);
  if (!role) {
    return UnknownStoredValue(table, "role", name);
  }
  return *role;
}

// Column order of user_* queries (queries/*/accounts.sql).
Result<app::User> UserFromRow(const SqlRow& row) {
  app::User user;
  user.id = UserId(row.Int(0));
  user.email = std::string(row.Text(1));
  user.display_name = std::string(row.Text(2));
  RAPPORT_ASSIGN_OR_RETURN(user.role, RoleFromColumn(row, 3, "users"));
  user.password_hash = std::string(row.Text(4));
  user.disabled = row.Int(5) != 0;
  user.created_at = FromUnixMicros(row.Int(6));
  user.updated_at = FromUnixMicros(row.Int(7));
  return user;
}

app::Session SessionFromRow(const SqlRow& row) {
  app::Session session;
  session.id = SessionId(row.Int(0));
  session.token_digest = std::string(row.Text(1));
  session.user_id = UserId(row.Int(2));
  session.csrf_token = std::string(row.Text(3));
  session.created_at = FromUnixMicros(row.Int(4));
  session.last_seen_at = FromUnixMicros(row.Int(5));
  session.expires_at = FromUnixMicros(row.Int(6));
  session.remote = std::string(row.Text(7));
  session.user_agent = std::string(row.Text(8));
  return session;
}

Result<app::ApiToken> TokenFromRow(const SqlRow& row) {
  app::ApiToken token;
  token.id = ApiTokenId(row.Int(0));
  token.name = std::string(row.Text(1));
  token.token_digest = std::string(row.Text(2));
  RAPPORT_ASSIGN_OR_RETURN(token.role, RoleFromColumn(row, 3, "api_tokens"));
  if (!row.IsNull(4)) token.created_by = UserId(row.Int(4));
  token.created_at = FromUnixMicros(row.Int(5));
  token.last_used_at = OptionalTimestamp(row, 6);
  token.revoked_at = OptionalTimestamp(row, 7);
  return token;
}

app::AuditRecord AuditFromRow(const SqlRow& row) {
  app::AuditRecord record;
  record.sequence = row.Int(0);
  record.at = FromUnixMicros(row.Int(1));
  record.actor = std::string(row.Text(2));
  record.action = std::string(row.Text(3));
  record.subject_type = std::string(row.Text(4));
  record.subject_id = row.Int(5);
  record.remote = std::string(row.Text(6));
  record.details_json = std::string(row.Text(7));
  record.previous_hash = std::string(row.Text(8));
  record.hash = std::string(row.Text(9));
  return record;
}

Result<std::vector<app::AuditRecord>> QueryAudit(SqlSession& session, std::string_view query_name,
                                                 std::span<const SqlParam> params) {
  std::vector<app::AuditRecord> records;
  RAPPORT_RETURN_IF_ERROR(session.Query(query_name, params, [&](const SqlRow& row) {
    records.push_back(AuditFromRow(row));
    return Status();
  }));
  return records;
}

SqlParam OptionalText(const std::optional<std::string>& text) {
  return text ? SqlParam(std::string_view(*text)) : SqlParam(SqlNull{});
}

Status NotFoundUnlessChanged(std::int64_t changed, std::string_view what, std::int64_t id) {
  if (changed > 0) return {};
  return NotFound("no " + std::string(what) + " with id " + std::to_string(id));
}

}  // namespace

// --- shared helpers ---------------------------------------------------------

Result<std::int64_t> SqlAccounts::Count(std::string_view query_name) {
  std::int64_t count = 0;
  RAPPORT_RETURN_IF_ERROR(session_.Query(query_name, {}, [&](const SqlRow& row) {
    count = row.Int(0);
    return Status();
  }));
  return count;
}

Result<std::int64_t> SqlAccounts::InsertReturningId(std::string_view query_name, std::span<const SqlParam> params) {
  std::optional<std::int64_t> id;
  RAPPORT_RETURN_IF_ERROR(session_.Query(query_name, params, [&](const SqlRow& row) {
    id = row.Int(0);
    return Status();
  }));
  RAPPORT_ASSERT_MSG(id.has_value(), "an INSERT ... RETURNING id that succeeded returns the id");
  return *id;
}

Result<std::optional<app::User>> SqlAccounts::QueryUser(std::string_view query_name, std::span<const SqlParam> params) {
  std::optional<app::User> user;
  RAPPORT_RETURN_IF_ERROR(session_.Query(query_name, params, [&](const SqlRow& row) -> Status {
    RAPPORT_ASSIGN_OR_RETURN(user, UserFromRow(row));
    return Status();
  }));
  return user;
}

Result<std::optional<app::ApiToken>> SqlAccounts::QueryToken(std::string_view query_name,
                                                             std::span<const SqlParam> params) {
  std::optional<app::ApiToken> token;
  RAPPORT_RETURN_IF_ERROR(session_.Query(query_name, params, [&](const SqlRow& row) -> Status {
    RAPPORT_ASSIGN_OR_RETURN(token, TokenFromRow(row));
    return Status();
  }));
  return token;
}

// --- users ------------------------------------------------------------------

Result<std::optional<app::User>> SqlAccounts::FindUser(UserId id) {
  const SqlParam params[] = {id.value()};
  return QueryUser("user_find", params);
}

Result<std::optional<app::User>> SqlAccounts::FindUserByEmail(std::string_view email) {
  const SqlParam params[] = {email};
  return QueryUser("user_find_by_email", params);
}

Result<std::vector<app::User>> SqlAccounts::ListUsers() {
  const SqlParam params[] = {limits::kUsersMax};
  std::vector<app::User> users;
  RAPPORT_RETURN_IF_ERROR(session_.Query("user_list", params, [&](const SqlRow& row) -> Status {
    RAPPORT_ASSIGN_OR_RETURN(app::User user, UserFromRow(row));
    users.push_back(std::move(user));
    return Status();
  }));
  return users;
}

Result<std::int64_t> SqlAccounts::CountUsers() { return Count("user_count"); }

Result<UserId> SqlAccounts::InsertUser(const app::NewUser& user) {
  RAPPORT_RETURN_IF_ERROR(ValidateText("user e-mail", user.email, limits::kEmailBytesMax, /*may_be_empty=*/false));
  RAPPORT_RETURN_IF_ERROR(
      ValidateText("user display name", user.display_name, limits::kDisplayNameBytesMax, /*may_be_empty=*/true));
  if (user.password_hash.empty()) return InvalidArgument("user password hash must not be empty");
  RAPPORT_ASSIGN_OR_RETURN(std::int64_t users, CountUsers());
  if (users >= limits::kUsersMax) {
    return ResourceExhausted("this installation already has " + std::to_string(users) + " users, the limit");
  }
  const SqlParam params[] = {std::string_view(user.email), std::string_view(user.display_name),
                             domain::RoleName(user.role), std::string_view(user.password_hash),
                             ToUnixMicros(user.created_at)};
  Result<std::int64_t> id = InsertReturningId("user_insert", params);
  if (!id.ok()) {
    if (id.status().code() == StatusCode::kAlreadyExists) {
      return AlreadyExists("a user with the e-mail " + user.email + " already exists");
    }
    return id.status();
  }
  return UserId(*id);
}

Status SqlAccounts::UpdateUser(UserId id, const app::UserChange& change) {
  if (change.display_name) {
    RAPPORT_RETURN_IF_ERROR(
        ValidateText("user display name", *change.display_name, limits::kDisplayNameBytesMax, true));
  }
  if (change.password_hash && change.password_hash->empty()) {
    return InvalidArgument("user password hash must not be empty");
  }
  const SqlParam role = change.role ? SqlParam(domain::RoleName(*change.role)) : SqlParam(SqlNull{});
  const SqlParam disabled = change.disabled ? SqlParam(std::int64_t{*change.disabled ? 1 : 0}) : SqlParam(SqlNull{});
  const SqlParam params[] = {id.value(),
                             role,
                             OptionalText(change.password_hash),
                             disabled,
                             OptionalText(change.display_name),
                             ToUnixMicros(change.updated_at)};
  RAPPORT_ASSIGN_OR_RETURN(std::int64_t changed, session_.Execute("user_update", params));
  return NotFoundUnlessChanged(changed, "user", id.value());
}

// --- sessions ---------------------------------------------------------------

Result<std::optional<app::Session>> SqlAccounts::FindSession(std::string_view token_digest) {
  const SqlParam params[] = {token_digest};
  std::optional<app::Session> session;
  RAPPORT_RETURN_IF_ERROR(session_.Query("session_find_by_digest", params, [&](const SqlRow& row) {
    session = SessionFromRow(row);
    return Status();
  }));
  return session;
}

Result<SessionId> SqlAccounts::InsertSession(const app::NewSession& session) {
  RAPPORT_RETURN_IF_ERROR(ValidateDigest(session.token_digest));
  if (session.csrf_token.empty()) return InvalidArgument("session CSRF token must not be empty");
  if (session.expires_at < session.created_at) return InvalidArgument("session expires before it was created");
  const SqlParam params[] = {std::string_view(session.token_digest),
                             session.user_id.value(),
                             std::string_view(session.csrf_token),
                             ToUnixMicros(session.created_at),
                             ToUnixMicros(session.expires_at),
                             Truncated(session.remote, kRemoteBytesMax),
                             Truncated(session.user_agent, kUserAgentBytesMax)};
  RAPPORT_ASSIGN_OR_RETURN(std::int64_t id, InsertReturningId("session_insert", params));
  return SessionId(id);
}

Status SqlAccounts::TouchSession(SessionId id, Timestamp last_seen_at) {
  const SqlParam params[] = {id.value(), ToUnixMicros(last_seen_at)};
  RAPPORT_ASSIGN_OR_RETURN(std::int64_t changed, session_.Execute("session_touch", params));
  return NotFoundUnlessChanged(changed, "session", id.value());
}

Result<std::int64_t> SqlAccounts::DeleteSession(SessionId id) {
  const SqlParam params[] = {id.value()};
  return session_.Execute("session_delete", params);
}

Result<std::int64_t> SqlAccounts::DeleteSessionsOfUser(UserId user_id) {
  const SqlParam params[] = {user_id.value()};
  return session_.Execute("session_delete_of_user", params);
}

Result<std::int64_t> SqlAccounts::DeleteOldestSessionsOfUser(UserId user_id, std::int64_t keep) {
  if (keep < 0) return InvalidArgument("sessions to keep must not be negative, got " + std::to_string(keep));
  const SqlParam params[] = {user_id.value(), keep};
  return session_.Execute("session_delete_oldest_of_user", params);
}

Result<std::int64_t> SqlAccounts::DeleteExpiredSessions(Timestamp now, std::int64_t idle_timeout_us) {
  if (idle_timeout_us <= 0) return InvalidArgument("session idle timeout must be positive");
  const SqlParam params[] = {ToUnixMicros(now), idle_timeout_us};
  return session_.Execute("session_delete_expired", params);
}

// --- API tokens -------------------------------------------------------------

Result<std::optional<app::ApiToken>> SqlAccounts::FindToken(ApiTokenId id) {
  const SqlParam params[] = {id.value()};
  return QueryToken("token_find", params);
}

Result<std::optional<app::ApiToken>> SqlAccounts::FindTokenByDigest(std::string_view token_digest) {
  const SqlParam params[] = {token_digest};
  return QueryToken("token_find_by_digest", params);
}

Result<std::optional<app::ApiToken>> SqlAccounts::FindActiveTokenByName(std::string_view name) {
  const SqlParam params[] = {name};
  return QueryToken("token_find_active_by_name", params);
}

Result<std::vector<app::ApiToken>> SqlAccounts::ListTokens() {
  const SqlParam params[] = {limits::kApiTokensMax};
  std::vector<app::ApiToken> tokens;
  RAPPORT_RETURN_IF_ERROR(session_.Query("token_list", params, [&](const SqlRow& row) -> Status {
    RAPPORT_ASSIGN_OR_RETURN(app::ApiToken token, TokenFromRow(row));
    tokens.push_back(std::move(token));
    return Status();
  }));
  return tokens;
}

Result<ApiTokenId> SqlAccounts::InsertToken(const app::NewApiToken& token) {
  RAPPORT_RETURN_IF_ERROR(ValidateText("token name", token.name, limits::kTokenNameBytesMax, /*may_be_empty=*/false));
  RAPPORT_RETURN_IF_ERROR(ValidateDigest(token.token_digest));
  RAPPORT_ASSIGN_OR_RETURN(std::int64_t tokens, Count("token_count"));
  if (tokens >= limits::kApiTokensMax) {
    return ResourceExhausted("this installation already has " + std::to_string(tokens) +
                             " API tokens (revoked ones included), the limit");
  }
  const SqlParam created_by = token.created_by ? SqlParam(token.created_by->value()) : SqlParam(SqlNull{});
  const SqlParam params[] = {std::string_view(token.name), std::string_view(token.token_digest),
                             domain::RoleName(token.role), created_by, ToUnixMicros(token.created_at)};
  Result<std::int64_t> id = InsertReturningId("token_insert", params);
  if (!id.ok()) {
    if (id.status().code() == StatusCode::kAlreadyExists) {
      return AlreadyExists("an API token named '" + token.name + "' is already in force");
    }
    return id.status();
  }
  return ApiTokenId(*id);
}

Result<bool> SqlAccounts::RevokeToken(ApiTokenId id, Timestamp at) {
  const SqlParam params[] = {id.value(), ToUnixMicros(at)};
  RAPPORT_ASSIGN_OR_RETURN(std::int64_t changed, session_.Execute("token_revoke", params));
  if (changed > 0) return true;
  RAPPORT_ASSIGN_OR_RETURN(std::optional<app::ApiToken> existing, FindToken(id));
  if (!existing) return NotFound("no API token with id " + std::to_string(id.value()));
  return false;
}

Status SqlAccounts::TouchToken(ApiTokenId id, Timestamp last_used_at) {
  const SqlParam params[] = {id.value(), ToUnixMicros(last_used_at)};
  RAPPORT_ASSIGN_OR_RETURN(std::int64_t changed, session_.Execute("token_touch", params));
  return NotFoundUnlessChanged(changed, "API token", id.value());
}

// --- audit log --------------------------------------------------------------

Result<std::vector<app::AuditRecord>> SqlAccounts::ListAudit(const app::AuditQuery& query) {
  const std::int64_t before = query.before_sequence.value_or(std::numeric_limits<std::int64_t>::max());
  const std::int64_t limit = std::clamp(query.limit, 1, limits::kPageSizeMax);
  if (query.actor.empty()) {
    const SqlParam params[] = {before, std::string_view(query.action_prefix), limit};
    return QueryAudit(session_, "audit_list", params);
  }
  const SqlParam params[] = {before, std::string_view(query.action_prefix), limit, std::string_view(query.actor)};
  return QueryAudit(session_, "audit_list_by_actor", params);
}

Result<std::vector<app::AuditRecord>> SqlAccounts::ScanAudit(std::int64_t after_sequence, int limit) {
  if (limit < 1 || limit > limits::kPageSizeMax) {
    return InvalidArgument("audit scan limit must be 1.." + std::to_string(limits::kPageSizeMax) + ", got " +
                           std::to_string(limit));
  }
  const SqlParam params[] = {after_sequence, std::int64_t{limit}};
  return QueryAudit(session_, "audit_scan", params);
}

Result<app::AuditRecord> SqlAccounts::AppendAudit(const app::AuditEntry& entry) {
  RAPPORT_RETURN_IF_ERROR(ValidateText("audit actor", entry.actor, kAuditNameBytesMax, /*may_be_empty=*/false));
  RAPPORT_RETURN_IF_ERROR(ValidateText("audit action", entry.action, kAuditNameBytesMax, /*may_be_empty=*/false));
  RAPPORT_RETURN_IF_ERROR(
      ValidateText("audit subject type", entry.subject_type, kAuditNameBytesMax, /*may_be_empty=*/true));
  RAPPORT_RETURN_IF_ERROR(
      ValidateText("audit details", entry.details_json, limits::kAuditDetailsBytesMax, /*may_be_empty=*/true));

  // The head lock (FOR UPDATE on PostgreSQL) is held until the caller's
  // transaction ends: the next appender waits here and then reads our head.
  std::optional<std::int64_t> head_sequence;
  std::string head_hash;
  RAPPORT_RETURN_IF_ERROR(session_.Query("audit_head_lock", {}, [&](const SqlRow& row) {
    head_sequence = row.Int(0);
    head_hash = std::string(row.Text(1));
    return Status();
  }));
  if (!head_sequence) return DataLoss("the audit chain head row (audit_head id 1) is missing");

  app::AuditRecord record;
  record.sequence = *head_sequence + 1;
  record.at = entry.at;
  record.actor = entry.actor;
  record.action = entry.action;
  record.subject_type = entry.subject_type;
  record.subject_id = entry.subject_id;
  record.remote = std::string(Truncated(entry.remote, kRemoteBytesMax));
  record.details_json = entry.details_json;
  record.previous_hash = head_hash;
  record.hash = app::ChainHash(head_hash, record);

  const SqlParam insert_params[] = {record.sequence,
                                    ToUnixMicros(record.at),
                                    std::string_view(record.actor),
                                    std::string_view(record.action),
                                    std::string_view(record.subject_type),
                                    record.subject_id,
                                    std::string_view(record.remote),
                                    std::string_view(record.details_json),
                                    std::string_view(record.previous_hash),
                                    std::string_view(record.hash)};
  RAPPORT_RETURN_IF_ERROR(session_.Execute("audit_insert", insert_params).status());
  const SqlParam head_params[] = {record.sequence, std::string_view(record.hash)};
  RAPPORT_ASSIGN_OR_RETURN(std::int64_t moved, session_.Execute("audit_head_update", head_params));
  RAPPORT_ASSERT(moved == 1);
  return record;
}

}  // namespace rapport::store

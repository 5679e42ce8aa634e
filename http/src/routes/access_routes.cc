// Administration of access: users, API tokens and the audit log. Managers
// may see users and tokens; only admins change them or read the audit log
// (domain/access.h). Every change goes through app::AccessService, which
// checks the permission again and writes the audit record in the same
// transaction.
#include <optional>
#include <string>

#include "json.h"
#include "request_context.h"
#include "routes/access_json.h"
#include "routes/route_support.h"
#include "routes/routes.h"

#include "rapport/base/limits.h"

namespace rapport::http {
namespace {

using domain::Action;
using domain::Resource;

Response UserResponse(int status, const app::User& user) {
  JsonWriter json;
  WriteUser(json, user);
  return RequestContext::Json(status, json.Take());
}

Response TokenResponse(int status, const app::ApiToken& token) {
  JsonWriter json;
  WriteToken(json, token);
  return RequestContext::Json(status, json.Take());
}

// --- Users

boost::asio::awaitable<Response> ListUsers(RequestContext& context) {
  app::AccessService* access = context.services().access;
  const app::Principal principal = *context.principal();
  Result<std::vector<app::User>> users =
      co_await context.Call<std::vector<app::User>>([&] { return access->ListUsers(principal); });
  if (!users.ok()) co_return context.StatusProblem(users.status());
  JsonWriter json;
  json.StartObject();
  json.Key("items");
  json.StartArray();
  for (const app::User& user : *users) WriteUser(json, user);
  json.EndArray();
  json.EndObject();
  co_return RequestContext::Json(200, json.Take());
}

boost::asio::awaitable<Response> CreateUser(RequestContext& context) {
  app::CreateUserRequest request;
  std::string role;
  JsonObjectReader reader;
  reader.Field("email", &request.email, Presence::kRequired)
      .Field("display_name", &request.display_name, Presence::kOptional)
      .Field("role", &role, Presence::kRequired)
      .Field("password", &request.password, Presence::kRequired);
  if (auto problem = reader.Read(context.request().body)) co_return context.ProblemFor(*problem);
  if (auto problem = ParseRoleField("role", role, &request.role)) co_return context.ProblemFor(*problem);

  app::AccessService* access = context.services().access;
  const app::Principal principal = *context.principal();
  const app::Origin origin = context.Origin();
  Result<app::User> user =
      co_await context.Call<app::User>([&] { return access->CreateUser(principal, origin, request); });
  if (!user.ok()) co_return context.StatusProblem(user.status());
  Response response = UserResponse(201, *user);
  response.SetHeader("Location", "/api/v1/users/" + std::to_string(user->id.value()));
  co_return response;
}

boost::asio::awaitable<Response> GetUser(RequestContext& context) {
  const auto id = PositiveInteger(context.Param("user_id"));
  if (!id) co_return InvalidParameter(context, "user_id", "Expected a positive integer.");
  app::AccessService* access = context.services().access;
  const app::Principal principal = *context.principal();
  Result<app::User> user = co_await context.Call<app::User>([&] { return access->GetUser(principal, UserId(*id)); });
  if (!user.ok()) co_return context.StatusProblem(user.status());
  co_return UserResponse(200, *user);
}

boost::asio::awaitable<Response> UpdateUser(RequestContext& context) {
  const auto id = PositiveInteger(context.Param("user_id"));
  if (!id) co_return InvalidParameter(context, "user_id", "Expected a positive integer.");
  app::UpdateUserRequest request;
  std::optional<std::string> role;
  JsonObjectReader reader;
  reader.Field("role", &role, Presence::kOptional)
      .Field("disabled", &request.disabled, Presence::kOptional)
      .Field("display_name", &request.display_name, Presence::kOptional)
      .Field("password", &request.password, Presence::kOptional);
  if (auto problem = reader.Read(context.request().body)) co_return context.ProblemFor(*problem);
  if (role) {
    domain::Role parsed{};
    if (auto problem = ParseRoleField("role", *role, &parsed)) co_return context.ProblemFor(*problem);
    request.role = parsed;
  }

  app::AccessService* access = context.services().access;
  const app::Principal principal = *context.principal();
  const app::Origin origin = context.Origin();
  Result<app::User> user =
      co_await context.Call<app::User>([&] { return access->UpdateUser(principal, origin, UserId(*id), request); });
  if (!user.ok()) co_return context.StatusProblem(user.status());
  co_return UserResponse(200, *user);
}

// --- Tokens

boost::asio::awaitable<Response> ListTokens(RequestContext& context) {
  app::AccessService* access = context.services().access;
  const app::Principal principal = *context.principal();
  Result<std::vector<app::ApiToken>> tokens =
      co_await context.Call<std::vector<app::ApiToken>>([&] { return access->ListTokens(principal); });
  if (!tokens.ok()) co_return context.StatusProblem(tokens.status());
  JsonWriter json;
  json.StartObject();
  json.Key("items");
  json.StartArray();
  for (const app::ApiToken& token : *tokens) WriteToken(json, token);
  json.EndArray();
  json.EndObject();
  co_return RequestContext::Json(200, json.Take());
}

boost::asio::awaitable<Response> CreateToken(RequestContext& context) {
  std::string name;
  std::string role_name;
  JsonObjectReader reader;
  reader.Field("name", &name, Presence::kRequired).Field("role", &role_name, Presence::kRequired);
  if (auto problem = reader.Read(context.request().body)) co_return context.ProblemFor(*problem);
  domain::Role role{};
  if (auto problem = ParseRoleField("role", role_name, &role)) co_return context.ProblemFor(*problem);

  app::AccessService* access = context.services().access;
  const app::Principal principal = *context.principal();
  const app::Origin origin = context.Origin();
  Result<app::CreatedToken> created =
      co_await context.Call<app::CreatedToken>([&] { return access->CreateToken(principal, origin, name, role); });
  if (!created.ok()) co_return context.StatusProblem(created.status());
  JsonWriter json;
  json.StartObject();
  json.Key("token");
  WriteToken(json, created->token);
  json.Field("secret", created->secret);
  json.EndObject();
  Response response = RequestContext::Json(201, json.Take());
  response.SetHeader("Cache-Control", "no-store");
  co_return response;
}

boost::asio::awaitable<Response> RevokeToken(RequestContext& context) {
  const auto id = PositiveInteger(context.Param("token_id"));
  if (!id) co_return InvalidParameter(context, "token_id", "Expected a positive integer.");
  app::AccessService* access = context.services().access;
  const app::Principal principal = *context.principal();
  const app::Origin origin = context.Origin();
  Result<app::ApiToken> token =
      co_await context.Call<app::ApiToken>([&] { return access->RevokeToken(principal, origin, ApiTokenId(*id)); });
  if (!token.ok()) co_return context.StatusProblem(token.status());
  co_return TokenResponse(200, *token);
}

// --- Audit

boost::asio::awaitable<Response> ListAudit(RequestContext& context) {
  const std::string_view query = context.request().query;
  app::AuditQuery audit_query;
  if (const auto before = QueryParam(query, "before")) {
    const auto sequence = PositiveInteger(*before);
    if (!sequence) co_return InvalidParameter(context, "before", "Expected a positive integer.");
    audit_query.before_sequence = *sequence;
  }
  if (const auto limit = QueryParam(query, "limit")) {
    const auto value = PositiveInteger(*limit);
    if (!value || *value > limits::kPageSizeMax) {
      co_return InvalidParameter(context, "limit",
                                 "Expected an integer from 1 to " + std::to_string(limits::kPageSizeMax) + ".");
    }
    audit_query.limit = static_cast<int>(*value);
  }
  if (const auto actor = QueryParam(query, "actor")) audit_query.actor = *actor;
  if (const auto action = QueryParam(query, "action")) audit_query.action_prefix = *action;

  app::AccessService* access = context.services().access;
  const app::Principal principal = *context.principal();
  Result<std::vector<app::AuditRecord>> records =
      co_await context.Call<std::vector<app::AuditRecord>>([&] { return access->ListAudit(principal, audit_query); });
  if (!records.ok()) co_return context.StatusProblem(records.status());
  JsonWriter json;
  json.StartObject();
  json.Key("items");
  json.StartArray();
  for (const app::AuditRecord& record : *records) WriteAuditRecord(json, record);
  json.EndArray();
  json.Key("next");
  const bool full_page = static_cast<int>(records->size()) == audit_query.limit;
  if (full_page && records->back().sequence > 1) {
    json.String(std::to_string(records->back().sequence));
  } else {
    json.Null();
  }
  json.EndObject();
  co_return RequestContext::Json(200, json.Take());
}

boost::asio::awaitable<Response> VerifyAudit(RequestContext& context) {
  app::AccessService* access = context.services().access;
  const app::Principal principal = *context.principal();
  Result<app::ChainVerification> verification =
      co_await context.Call<app::ChainVerification>([&] { return access->VerifyAudit(principal); });
  if (!verification.ok()) co_return context.StatusProblem(verification.status());
  JsonWriter json;
  json.StartObject();
  json.Field("ok", verification->ok());
  json.Field("rows_verified", static_cast<std::int64_t>(verification->rows_verified));
  json.Field("fault", app::ChainFaultName(verification->fault));
  json.Field("broken_sequence", verification->broken_sequence);
  json.EndObject();
  co_return RequestContext::Json(200, json.Take());
}

constexpr std::string_view kCreateUserRequest =
    R"({"type":"object","required":["email","role","password"],"additionalProperties":false,"properties":{"email":{"type":"string","format":"email","maxLength":254},"display_name":{"type":"string","maxLength":200},"role":{"enum":["admin","manager","agent","analyst"]},"password":{"type":"string","minLength":12}}})";
constexpr std::string_view kUpdateUserRequest =
    R"({"type":"object","additionalProperties":false,"properties":{"role":{"enum":["admin","manager","agent","analyst"]},"disabled":{"type":"boolean"},"display_name":{"type":"string","maxLength":200},"password":{"type":"string","minLength":12}}})";
constexpr std::string_view kCreateTokenRequest =
    R"({"type":"object","required":["name","role"],"additionalProperties":false,"properties":{"name":{"type":"string","maxLength":100},"role":{"enum":["admin","manager","agent","analyst"]}}})";
constexpr std::string_view kVerificationSchema =
    R"({"type":"object","required":["ok","rows_verified","fault","broken_sequence"],"properties":{"ok":{"type":"boolean"},"rows_verified":{"type":"integer"},"fault":{"enum":["none","edited","reordered","missing","bad_genesis"]},"broken_sequence":{"type":"integer"}}})";

}  // namespace

void RegisterAccessRoutes(Router& router) {
  const auto users_read = app::Permission::Require(Resource::kUsers, Action::kRead);
  const auto users_admin = app::Permission::Require(Resource::kUsers, Action::kAdmin);
  const auto audit_read = app::Permission::Require(Resource::kAudit, Action::kRead);
  const std::string user_schema(kUserSchema);
  const std::string token_schema(kTokenSchema);

  router.Add({Method::kGet, "/api/v1/users", users_read, ListUsers,
              OpenApiOperation{.operation_id = "listUsers",
                               .summary = "The users of this installation",
                               .tags = {"users"},
                               .responses = {{"200", "Users by id", "application/json", ItemsSchema(kUserSchema)}}}});
  router.Add({Method::kPost, "/api/v1/users", users_admin, CreateUser,
              OpenApiOperation{.operation_id = "createUser",
                               .summary = "Add a user",
                               .description = "The password needs at least 12 characters; there are no composition "
                                              "rules. 409 when the e-mail is taken.",
                               .tags = {"users"},
                               .request_schema_json = std::string(kCreateUserRequest),
                               .responses = {{"201", "Created", "application/json", user_schema}}}});
  router.Add({Method::kGet, "/api/v1/users/{user_id}", users_read, GetUser,
              OpenApiOperation{.operation_id = "getUser",
                               .summary = "One user",
                               .tags = {"users"},
                               .responses = {{"200", "The user", "application/json", user_schema}}}});
  router.Add({Method::kPatch, "/api/v1/users/{user_id}", users_admin, UpdateUser,
              OpenApiOperation{.operation_id = "updateUser",
                               .summary = "Change a user's role, name, password or disable them",
                               .description = "A role change, disabling or a password reset ends every session of "
                                              "the user. The last active admin cannot be demoted or disabled.",
                               .tags = {"users"},
                               .request_schema_json = std::string(kUpdateUserRequest),
                               .responses = {{"200", "The user after the change", "application/json", user_schema}}}});
  router.Add({Method::kGet, "/api/v1/tokens", users_read, ListTokens,
              OpenApiOperation{.operation_id = "listTokens",
                               .summary = "API tokens, revoked ones included",
                               .tags = {"tokens"},
                               .responses = {{"200", "Tokens by id", "application/json", ItemsSchema(kTokenSchema)}}}});
  router.Add(
      {Method::kPost, "/api/v1/tokens", users_admin, CreateToken,
       OpenApiOperation{.operation_id = "createToken",
                        .summary = "Create an API token scoped to a role",
                        .description = "The secret is in this response only; Rapport keeps its SHA-256.",
                        .tags = {"tokens"},
                        .request_schema_json = std::string(kCreateTokenRequest),
                        .responses = {{"201", "Created", "application/json",
                                       R"({"type":"object","required":["token","secret"],"properties":{"token":)" +
                                           token_schema + R"(,"secret":{"type":"string"}}})"}}}});
  router.Add({Method::kDelete, "/api/v1/tokens/{token_id}", users_admin, RevokeToken,
              OpenApiOperation{.operation_id = "revokeToken",
                               .summary = "Revoke an API token (refused from the next request on)",
                               .tags = {"tokens"},
                               .responses = {{"200", "The revoked token", "application/json", token_schema}}}});
  router.Add(
      {Method::kGet, "/api/v1/audit", audit_read, ListAudit,
       OpenApiOperation{
           .operation_id = "listAudit",
           .summary = "The audit log, newest first",
           .tags = {"audit"},
           .parameters = {{"before", "query", "Records with a smaller sequence (from `next`)",
                           R"({"type":"integer","minimum":1})"},
                          {"limit", "query", "Page size",
                           R"({"type":"integer","minimum":1,"maximum":500,"default":50})"},
                          {"actor", "query", "Exact actor, e.g. user:1"},
                          {"action", "query", "Action prefix, e.g. auth."}},
           .responses = {
               {"200", "A page of records", "application/json",
                R"({"type":"object","required":["items","next"],"properties":{"items":{"type":"array","items":)" +
                    std::string(kAuditRecordSchema) + R"(},"next":{"type":["string","null"]}}})"}}}});
  router.Add({Method::kGet, "/api/v1/audit/verify", audit_read, VerifyAudit,
              OpenApiOperation{
                  .operation_id = "verifyAudit",
                  .summary = "Check the audit log's hash chain",
                  .tags = {"audit"},
                  .responses = {{"200", "The verification", "application/json", std::string(kVerificationSchema)}}}});
}

}  // namespace rapport::http

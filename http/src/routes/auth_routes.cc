// Sign-in routes: password login that opens a session cookie, logout, the
// caller's own session (who am I, what may I do, my CSRF token) and changing
// one's own password. Login is public; the rest need a signed-in caller.
#include <optional>
#include <string>

#include "auth.h"
#include "json.h"
#include "request_context.h"
#include "routes/access_json.h"
#include "routes/routes.h"

namespace rapport::http {
namespace {

constexpr std::string_view kLoginRequest =
    R"({"type":"object","required":["email","password"],"additionalProperties":false,"properties":{"email":{"type":"string"},"password":{"type":"string"}}})";
constexpr std::string_view kPasswordRequest =
    R"({"type":"object","required":["current_password","new_password"],"additionalProperties":false,"properties":{"current_password":{"type":"string"},"new_password":{"type":"string","minLength":12}}})";
std::string SessionSchema() {
  return R"({"type":"object","required":["user","principal","permissions"],"properties":{"user":{"oneOf":[)" +
         std::string(kUserSchema) +
         R"(,{"type":"null"}]},"principal":{"type":"object","properties":{"kind":{"enum":["user","token"]},"name":{"type":"string"},"role":{"type":"string"}}},"csrf_token":{"type":"string","description":"Send as X-CSRF-Token on writes made with the session cookie"},"permissions":{"type":"object","additionalProperties":{"type":"array","items":{"enum":["read","write","admin"]}}}}})";
}

boost::asio::awaitable<Response> Login(RequestContext& context) {
  std::string email;
  std::string password;
  JsonObjectReader reader;
  reader.Field("email", &email, Presence::kRequired).Field("password", &password, Presence::kRequired);
  if (auto problem = reader.Read(context.request().body)) co_return context.ProblemFor(*problem);

  app::AccessService* access = context.services().access;
  const app::Origin origin = context.Origin();
  Result<app::AccessOutcome<app::SignedIn>> result = co_await context.Call<app::AccessOutcome<app::SignedIn>>(
      [&]() -> Result<app::AccessOutcome<app::SignedIn>> { return access->Login(email, password, origin); });
  if (!result.ok()) co_return context.StatusProblem(result.status());
  app::AccessOutcome<app::SignedIn>& outcome = *result;
  if (!outcome.ok()) {
    Response response = context.StatusProblem(outcome.status);
    if (outcome.retry_after_s > 0) response.SetHeader("Retry-After", std::to_string(outcome.retry_after_s));
    co_return response;
  }

  const app::SignedIn& signed_in = *outcome.value;
  JsonWriter json;
  json.StartObject();
  json.Key("user");
  WriteUser(json, signed_in.user);
  json.Field("csrf_token", signed_in.principal.csrf_token);
  json.Field("expires_at", FormatRfc3339(signed_in.expires_at));
  json.EndObject();
  Response response = RequestContext::Json(200, json.Take());
  response.SetHeader("Set-Cookie", SessionCookie(signed_in.session_token, WantsSecureCookies(context)));
  response.SetHeader("Cache-Control", "no-store");
  co_return response;
}

boost::asio::awaitable<Response> Logout(RequestContext& context) {
  app::AccessService* access = context.services().access;
  const app::Principal principal = *context.principal();
  const app::Origin origin = context.Origin();
  const Status status = co_await context.RunBlocking([&] { return access->Logout(principal, origin); });
  if (!status.ok()) co_return context.StatusProblem(status);
  Response response;
  response.status = 204;
  response.SetHeader("Set-Cookie", ExpiredSessionCookie(WantsSecureCookies(context)));
  co_return response;
}

boost::asio::awaitable<Response> Session(RequestContext& context) {
  const app::Principal& principal = *context.principal();
  std::optional<app::User> user;
  if (principal.kind == app::Principal::Kind::kUser) {
    app::Store* store = context.services().store;
    const UserId id(principal.id);
    const Status read = co_await context.RunBlocking([&] {
      return store->Read([&](app::ReadTransaction& transaction) {
        RAPPORT_ASSIGN_OR_RETURN(user, transaction.Accounts().FindUser(id));
        return Status::Ok();
      });
    });
    if (!read.ok()) co_return context.StatusProblem(read);
  }
  JsonWriter json;
  json.StartObject();
  json.Key("user");
  if (user) {
    WriteUser(json, *user);
  } else {
    json.Null();
  }
  json.Key("principal");
  json.StartObject();
  json.Field("kind", principal.kind == app::Principal::Kind::kToken ? "token" : "user");
  json.Field("name", principal.name);
  json.Field("role", domain::RoleName(principal.role));
  json.EndObject();
  if (principal.session_id) json.Field("csrf_token", principal.csrf_token);
  json.Key("permissions");
  WritePermissions(json, principal.role);
  json.EndObject();
  Response response = RequestContext::Json(200, json.Take());
  response.SetHeader("Cache-Control", "no-store");
  co_return response;
}

boost::asio::awaitable<Response> ChangePassword(RequestContext& context) {
  std::string current_password;
  std::string new_password;
  JsonObjectReader reader;
  reader.Field("current_password", &current_password, Presence::kRequired)
      .Field("new_password", &new_password, Presence::kRequired);
  if (auto problem = reader.Read(context.request().body)) co_return context.ProblemFor(*problem);
  app::AccessService* access = context.services().access;
  const app::Principal principal = *context.principal();
  const app::Origin origin = context.Origin();
  const Status status = co_await context.RunBlocking(
      [&] { return access->ChangeOwnPassword(principal, origin, current_password, new_password); });
  if (!status.ok()) co_return context.StatusProblem(status);
  Response response;
  response.status = 204;
  response.SetHeader("Set-Cookie", ExpiredSessionCookie(WantsSecureCookies(context)));
  co_return response;
}

}  // namespace

void RegisterAuthRoutes(Router& router) {
  {
    const std::string signed_in_schema =
        R"({"type":"object","required":["user","csrf_token","expires_at"],"properties":{"user":)" +
        std::string(kUserSchema) +
        R"(,"csrf_token":{"type":"string"},"expires_at":{"type":"string","format":"date-time"}}})";
    router.Add({Method::kPost, "/api/v1/auth/login", app::Permission::Public(), Login,
                OpenApiOperation{.operation_id = "login",
                                 .summary = "Sign in with e-mail and password",
                                 .description = "Opens a session: sets the HttpOnly rapport_session cookie and returns "
                                                "the CSRF token that writes made with the cookie must send. Failed "
                                                "attempts are limited per account and per address (429 with "
                                                "Retry-After).",
                                 .tags = {"auth"},
                                 .request_schema_json = std::string(kLoginRequest),
                                 .responses = {{"200", "Signed in; the session cookie is set", "application/json",
                                                signed_in_schema}}}});
  }
  router.Add({Method::kPost, "/api/v1/auth/logout", app::Permission::SignedIn(), Logout,
              OpenApiOperation{.operation_id = "logout",
                               .summary = "End the current session",
                               .tags = {"auth"},
                               .responses = {{"204", "Signed out; the cookie is cleared", "", ""}}}});
  router.Add({Method::kGet, "/api/v1/auth/session", app::Permission::SignedIn(), Session,
              OpenApiOperation{.operation_id = "getSession",
                               .summary = "Who is calling and what they may do",
                               .tags = {"auth"},
                               .responses = {{"200", "The caller", "application/json", SessionSchema()}}}});
  router.Add({Method::kPost, "/api/v1/auth/password", app::Permission::SignedIn(), ChangePassword,
              OpenApiOperation{.operation_id = "changeOwnPassword",
                               .summary = "Change your own password",
                               .description = "Ends every session of the user, this one included.",
                               .tags = {"auth"},
                               .request_schema_json = std::string(kPasswordRequest),
                               .responses = {{"204", "Changed; sign in again", "", ""}}}});
}

}  // namespace rapport::http

// HTTP authentication (see auth.h).
#include "auth.h"

#include <spdlog/spdlog.h>

#include "rapport/app/passwords.h"

namespace rapport::http {
namespace {

std::string_view Trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

Response Refuse(const RequestContext& context, const Problem& problem) {
  const Request& request = context.request();
  spdlog::info("request {} {} {} refused {}: {}", request.request_id, request.method_name, request.path, problem.status,
               problem.detail);
  Response response = context.ProblemFor(problem);
  if (problem.status == 401) response.SetHeader("WWW-Authenticate", "Bearer realm=\"rapport\"");
  return response;
}

Problem ProblemWith(StatusCode code, std::string detail) {
  Problem problem = ProblemFromStatus(Status(code, detail));
  problem.detail = std::move(detail);
  return problem;
}

// The outcome of an authentication attempt, turned into a response when refused.
std::optional<Response> RefusalFor(const RequestContext& context, const app::AccessOutcome<app::Principal>& outcome) {
  if (outcome.ok()) return std::nullopt;
  const StatusCode code = outcome.status.code();
  if (code == StatusCode::kUnauthenticated) {
    Response response = Refuse(context, ProblemWith(code, outcome.status.message()));
    // A dead session cookie is cleared so the browser stops sending it.
    if (context.request().FindHeader("cookie")) {
      response.SetHeader("Set-Cookie", ExpiredSessionCookie(WantsSecureCookies(context)));
    }
    return response;
  }
  if (code == StatusCode::kResourceExhausted) {
    Response response = Refuse(context, ProblemWith(code, outcome.status.message()));
    response.SetHeader("Retry-After", std::to_string(outcome.retry_after_s));
    return response;
  }
  return context.StatusProblem(outcome.status);
}

}  // namespace

std::optional<std::string_view> FindCookie(std::string_view cookie_header, std::string_view name) {
  while (!cookie_header.empty()) {
    const auto semicolon = cookie_header.find(';');
    const std::string_view pair = Trim(cookie_header.substr(0, semicolon));
    const auto equals = pair.find('=');
    if (equals != std::string_view::npos && Trim(pair.substr(0, equals)) == name) {
      std::string_view value = Trim(pair.substr(equals + 1));
      if (value.size() >= 2 && value.front() == '"' && value.back() == '"') value = value.substr(1, value.size() - 2);
      return value;
    }
    if (semicolon == std::string_view::npos) break;
    cookie_header.remove_prefix(semicolon + 1);
  }
  return std::nullopt;
}

std::string SessionCookie(std::string_view value, bool secure) {
  std::string cookie = std::string(kSessionCookieName) + "=" + std::string(value) + "; Path=/; HttpOnly; SameSite=Lax";
  if (secure) cookie += "; Secure";
  return cookie;
}

std::string ExpiredSessionCookie(bool secure) {
  std::string cookie = std::string(kSessionCookieName) + "=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0";
  if (secure) cookie += "; Secure";
  return cookie;
}

bool WantsSecureCookies(const RequestContext& context) {
  return context.services().secure_cookies || context.request().secure_transport;
}

bool IsSafeMethod(Method method) {
  return method == Method::kGet || method == Method::kHead || method == Method::kOptions;
}

boost::asio::awaitable<std::optional<Response>> Admit(RequestContext& context, const Route& route) {
  const Request& request = context.request();
  app::AccessService* access = context.services().access;
  const app::Origin origin = context.Origin();

  std::optional<std::string> bearer;
  std::optional<std::string> session;
  if (const auto authorization = request.FindHeader("authorization")) {
    const std::string_view value = Trim(*authorization);
    constexpr std::string_view kScheme = "bearer ";
    if (value.size() <= kScheme.size() || !EqualsIgnoreCase(value.substr(0, kScheme.size()), kScheme)) {
      co_return Refuse(context,
                       ProblemWith(StatusCode::kUnauthenticated, "Only Authorization: Bearer <token> is understood."));
    }
    bearer = std::string(Trim(value.substr(kScheme.size())));
  } else if (const auto cookies = request.FindHeader("cookie")) {
    if (const auto value = FindCookie(*cookies, kSessionCookieName); value && !value->empty()) {
      session = std::string(*value);
    }
  }
  if (!bearer && !session) {
    co_return Refuse(context, ProblemWith(StatusCode::kUnauthenticated, "Sign in to use this operation."));
  }

  Result<app::AccessOutcome<app::Principal>> authenticated =
      co_await context.Call<app::AccessOutcome<app::Principal>>([&]() -> Result<app::AccessOutcome<app::Principal>> {
        return bearer ? access->AuthenticateToken(*bearer, origin) : access->AuthenticateSession(*session, origin);
      });
  if (!authenticated.ok()) co_return context.StatusProblem(authenticated.status());
  app::AccessOutcome<app::Principal>& outcome = *authenticated;
  if (auto refusal = RefusalFor(context, outcome)) co_return refusal;
  const app::Principal& principal = *outcome.value;

  // A browser attaches the cookie to cross-site requests too; only our own
  // pages know the CSRF token, so a write without it did not come from them.
  if (principal.session_id && !IsSafeMethod(request.method)) {
    const auto csrf = request.FindHeader(kCsrfHeaderName);
    if (!csrf || !app::ConstantTimeEquals(*csrf, principal.csrf_token)) {
      co_return Refuse(context, ProblemWith(StatusCode::kPermissionDenied,
                                            "Writes made with the session cookie must send the X-CSRF-Token header."));
    }
  }
  if (route.permission.kind == app::Permission::Kind::kGranted) {
    const Status allowed = app::AccessService::Authorize(principal, route.permission.resource, route.permission.action);
    if (!allowed.ok()) co_return Refuse(context, ProblemWith(allowed.code(), allowed.message()));
  }
  if (principal.use_due) {
    const Status recorded = co_await context.RunBlocking([&] { return access->RecordUse(principal, origin); });
    if (!recorded.ok()) co_return context.StatusProblem(recorded);
  }
  context.SetPrincipal(std::move(*outcome.value));
  co_return std::nullopt;
}

}  // namespace rapport::http

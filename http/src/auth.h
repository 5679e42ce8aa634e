// Authentication at the HTTP edge: finds the caller's credentials (a bearer
// token, else the session cookie), asks app::AccessService who that is, and
// enforces the rules that belong to the transport: the CSRF token on
// cookie-authenticated writes, the cookie attributes, and the 401/403/429
// answers. The permission decision itself is domain::IsAllowed via
// AccessService::Authorize, so the CLI and the API cannot disagree.
//
// Refused requests write nothing (no audit row): they are logged at info
// level with the request id, so a flood of bad credentials cannot grow the
// database.
//
// Thread safety: stateless functions; Authenticate runs on the request's
// coroutine and does the store work on the blocking pool.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>  // before awaitable.hpp (Asio 1.74)

#include <boost/asio/awaitable.hpp>

#include "message.h"
#include "request_context.h"

namespace rapport::http {

inline constexpr std::string_view kSessionCookieName = "rapport_session";
inline constexpr std::string_view kCsrfHeaderName = "x-csrf-token";

// The value of cookie `name` in a Cookie header ("a=1; rapport_session=x").
std::optional<std::string_view> FindCookie(std::string_view cookie_header, std::string_view name);

// Set-Cookie values that start and end the session cookie. HttpOnly, SameSite=Lax,
// Path=/; Secure when `secure`. The session cookie has no Max-Age: it ends with
// the browser, and the server ends it earlier when idle or at its deadline.
std::string SessionCookie(std::string_view value, bool secure);
std::string ExpiredSessionCookie(bool secure);
// Whether cookies in this response must carry Secure.
bool WantsSecureCookies(const RequestContext& context);

// GET, HEAD and OPTIONS change nothing and need no CSRF token.
bool IsSafeMethod(Method method);

// Authenticates and authorizes the request for `route`. On success the
// principal is set on the context and nullopt returned; otherwise the
// response to send (401, 403, 429 with Retry-After, or 5xx).
boost::asio::awaitable<std::optional<Response>> Admit(RequestContext& context, const Route& route);

}  // namespace rapport::http

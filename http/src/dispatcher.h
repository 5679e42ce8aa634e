// Dispatch: turns one parsed request into a response. Order of decisions:
// route match (404 / 405 with Allow), then for non-public routes the caller's
// credentials (401), rate (429), CSRF token and permission (403) — see
// auth.h — then the media type of a body (415), then the handler. Nothing a
// handler could write happens before the caller is admitted. GET/HEAD outside /api/ that match no route are
// UI paths served from the asset table. A handler that throws is logged with
// the request id and answered 500; it never takes the server down.
//
// Thread safety: runs on the connection's io executor; shares only Services.
#pragma once

#include <cstddef>
#include <utility>  // before awaitable.hpp (Asio 1.74)

#include <boost/asio/awaitable.hpp>

#include "request_context.h"

namespace rapport::http {

// Sets *metrics_slot to the HttpMetrics slot the request is counted under.
boost::asio::awaitable<Response> Dispatch(RequestContext& context, std::size_t* metrics_slot);

// True for paths under /api (those never fall back to the UI).
bool IsApiPath(std::string_view path);

}  // namespace rapport::http

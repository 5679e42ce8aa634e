// Request dispatch (see dispatcher.h).
#include "dispatcher.h"

#include <exception>

#include <spdlog/spdlog.h>

#include "auth.h"
#include "static_assets.h"

namespace rapport::http {
namespace {

// Runs the handler; an escaping exception becomes a logged 500.
boost::asio::awaitable<Response> RunHandler(const Route& route, RequestContext& context) {
  const Request& request = context.request();
  try {
    co_return co_await route.handler(context);
  } catch (const std::exception& error) {
    spdlog::error("request {} {} {}: handler threw: {}", request.request_id, request.method_name, request.path,
                  error.what());
  } catch (...) {
    spdlog::error("request {} {} {}: handler threw a non-standard exception", request.request_id, request.method_name,
                  request.path);
  }
  co_return context.ProblemFor(InternalProblem());
}

}  // namespace

bool IsApiPath(std::string_view path) { return path == "/api" || path.starts_with("/api/"); }

boost::asio::awaitable<Response> Dispatch(RequestContext& context, std::size_t* metrics_slot) {
  const Request& request = context.request();
  const Services& services = context.services();
  *metrics_slot = services.metrics->UnmatchedSlot();

  RouteMatch match = services.router->Find(request.method, request.path);
  switch (match.kind) {
    case RouteMatch::Kind::kNotFound: {
      const bool is_read = request.method == Method::kGet || request.method == Method::kHead;
      if (is_read && !IsApiPath(request.path)) {
        *metrics_slot = services.metrics->StaticSlot();
        co_return ServeStaticAsset(services.assets, request);
      }
      co_return context.ProblemFor(NotFoundProblem("No resource at this path."));
    }
    case RouteMatch::Kind::kMethodNotAllowed: {
      Response response =
          context.ProblemFor(MethodNotAllowedProblem("This path does not support " + request.method_name + "."));
      response.SetHeader("Allow", std::move(match.allow));
      co_return response;
    }
    case RouteMatch::Kind::kFound: break;
  }

  const Route& route = *match.route;
  *metrics_slot = match.route_index;
  if (!route.permission.is_public()) {
    if (std::optional<Response> refusal = co_await Admit(context, route)) co_return std::move(*refusal);
  }
  if (request.has_body && !route.file_body) {
    const auto content_type = request.FindHeader("content-type");
    if (!content_type || !IsJsonMediaType(*content_type)) {
      co_return context.ProblemFor(UnsupportedMediaTypeProblem("Request bodies must be application/json."));
    }
  }
  context.SetParams(std::move(match.params));
  co_return co_await RunHandler(route, context);
}

}  // namespace rapport::http

// RequestContext: what a handler gets for one request: the request, its path
// parameters, the server's services, and helpers that keep store work off the
// io threads:
//   * Read(body)        runs app::Store::Read on the blocking thread pool;
//   * Write(body)       queues app::Store::WriteAsync and resumes when it commits;
//   * RunBlocking(work) runs any other blocking call (Ping) on the pool.
// Each resumes the handler on its connection's io executor.
//
// Thread safety: one context per request; the handler coroutine owns it.
// Services are shared and read-only after Start.
#pragma once

#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>  // before awaitable.hpp (Asio 1.74)
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "message.h"
#include "metrics.h"
#include "problem.h"
#include "router.h"
#include "store_health.h"

#include "rapport/app/access_service.h"
#include "rapport/app/store.h"
#include "rapport/http/server.h"

namespace rapport::http {

class BlockingRunner;  // defined by the transport (server.cc)

// Everything the routes may use, shared by all requests. Read-only once serving.
struct Services {
  app::Store* store = nullptr;
  const Clock* clock = nullptr;
  std::string version;
  std::span<const StaticAsset> assets;
  std::vector<MetricsCollector> collectors;
  const Router* router = nullptr;
  HttpMetrics* metrics = nullptr;
  std::string openapi_json;  // generated once from the route table
  StoreHealth* store_health = nullptr;
  app::AccessService* access = nullptr;
  RelationshipServices relationships{};
  app::LoyaltyService* loyalty = nullptr;
  app::RewardService* rewards = nullptr;
  app::ProgrammeService* programme = nullptr;
  bool secure_cookies = false;  // ServerOptions::secure_cookies
};

class RequestContext {
 public:
  RequestContext(const Request& request, const Services& services, BlockingRunner* runner)
      : request_(request), services_(services), runner_(runner) {}

  const Request& request() const { return request_; }
  const Services& services() const { return services_; }
  // The path parameter of that name; empty when the route has none.
  std::string_view Param(std::string_view name) const;
  void SetParams(std::vector<PathParam> params) { params_ = std::move(params); }

  // Who is calling: set by the dispatcher before any non-public handler runs,
  // so such handlers may rely on it. Null on public routes.
  const app::Principal* principal() const { return principal_ ? &*principal_ : nullptr; }
  void SetPrincipal(app::Principal principal) { principal_ = std::move(principal); }
  // The client's address and user agent, for the audit log.
  app::Origin Origin() const;

  boost::asio::awaitable<Status> Read(app::Store::ReadBody body);
  boost::asio::awaitable<Status> Write(app::Store::WriteBody body);
  boost::asio::awaitable<Status> RunBlocking(std::function<Status()> work);
  // RunBlocking for a call that returns a value (a use case of app/).
  template <typename T>
  boost::asio::awaitable<Result<T>> Call(std::function<Result<T>()> work);

  // A JSON response with the given status.
  static Response Json(int status, std::string body);
  // The problem response for this request (instance and request id filled in).
  Response ProblemFor(const Problem& problem) const { return ProblemResponse(problem, request_); }
  // The problem response for a failed Status; 5xx statuses are logged with the
  // request id and their message is withheld from the client.
  Response StatusProblem(const Status& status) const;

 private:
  const Request& request_;
  const Services& services_;
  BlockingRunner* runner_;
  std::vector<PathParam> params_;
  std::optional<app::Principal> principal_;
};

template <typename T>
boost::asio::awaitable<Result<T>> RequestContext::Call(std::function<Result<T>()> work) {
  std::optional<Result<T>> result;
  const Status ran = co_await RunBlocking([&result, &work] {
    result.emplace(work());
    return Status::Ok();
  });
  if (!result) co_return ran.ok() ? Internal("the call returned nothing") : ran;
  co_return std::move(*result);
}

}  // namespace rapport::http

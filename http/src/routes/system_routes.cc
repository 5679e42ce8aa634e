// Operational routes: health for load balancers, Prometheus metrics, and the
// version document (also the small JSON route the HTTP benchmark measures).
#include "json.h"
#include "metrics.h"
#include "request_context.h"
#include "routes/routes.h"

namespace rapport::http {
namespace {

constexpr std::string_view kHealthSchema =
    R"({"type":"object","required":["status","store"],"properties":{"status":{"const":"ok"},"store":{"enum":["sqlite","postgres"]}}})";
constexpr std::string_view kVersionSchema =
    R"({"type":"object","required":["name","version","store","api"],"properties":{"name":{"const":"rapport"},"version":{"type":"string"},"store":{"enum":["sqlite","postgres"]},"api":{"const":"v1"}}})";

boost::asio::awaitable<Response> Health(RequestContext& context) {
  app::Store* store = context.services().store;
  StoreHealth& health = *context.services().store_health;
  std::optional<Status> cached = health.Begin();
  Status ping;
  if (cached) {
    ping = std::move(*cached);
  } else {
    ping = co_await context.RunBlocking([store] { return store->Ping(); });
    health.Finish(ping);
  }
  if (!ping.ok()) {
    // Health answers 503 for any store failure: the node should leave the pool.
    Response response = context.StatusProblem(Status(StatusCode::kUnavailable, ping.message()));
    response.SetHeader("Cache-Control", "no-store");
    co_return response;
  }
  JsonWriter json;
  json.StartObject();
  json.Field("status", "ok");
  json.Field("store", app::StoreKindName(store->kind()));
  json.EndObject();
  Response response = RequestContext::Json(200, json.Take());
  response.SetHeader("Cache-Control", "no-store");
  co_return response;
}

boost::asio::awaitable<Response> Metrics(RequestContext& context) {
  const Services& services = context.services();
  PrometheusText text;
  services.metrics->Collect(text);
  for (const MetricsCollector& collector : services.collectors) collector(text);
  Response response;
  response.content_type = "text/plain; version=0.0.4; charset=utf-8";
  response.body = text.Render();
  response.SetHeader("Cache-Control", "no-store");
  co_return response;
}

boost::asio::awaitable<Response> Version(RequestContext& context) {
  const Services& services = context.services();
  JsonWriter json;
  json.StartObject();
  json.Field("name", "rapport");
  json.Field("version", services.version);
  json.Field("store", app::StoreKindName(services.store->kind()));
  json.Field("api", "v1");
  json.EndObject();
  co_return RequestContext::Json(200, json.Take());
}

}  // namespace

void RegisterSystemRoutes(Router& router) {
  router.Add({Method::kGet, "/healthz", app::Permission::Public(), Health,
              OpenApiOperation{.operation_id = "getHealth",
                               .summary = "Health of this node and its store",
                               .tags = {"system"},
                               .responses = {{"200", "The node and its store answer", "application/json",
                                              std::string(kHealthSchema)}}}});
  router.Add({Method::kGet, "/metrics", app::Permission::Public(), Metrics,
              OpenApiOperation{.operation_id = "getMetrics",
                               .summary = "Prometheus metrics (text format 0.0.4)",
                               .tags = {"system"},
                               .responses = {{"200", "Metrics", "text/plain", R"({"type":"string"})"}}}});
  router.Add({Method::kGet, "/api/v1/version", app::Permission::Public(), Version,
              OpenApiOperation{.operation_id = "getVersion",
                               .summary = "Product and API version",
                               .tags = {"system"},
                               .responses = {{"200", "Version", "application/json", std::string(kVersionSchema)}}}});
}

}  // namespace rapport::http

// Serves the OpenAPI 3.1 document generated from the route table at start.
#include "request_context.h"
#include "routes/routes.h"

namespace rapport::http {
namespace {

boost::asio::awaitable<Response> OpenApiDocument(RequestContext& context) {
  Response response = RequestContext::Json(200, context.services().openapi_json);
  response.SetHeader("Cache-Control", "no-cache");
  co_return response;
}

}  // namespace

void RegisterOpenApiRoutes(Router& router) {
  router.Add(
      {Method::kGet, "/api/v1/openapi.json", app::Permission::Public(), OpenApiDocument,
       OpenApiOperation{.operation_id = "getOpenApi",
                        .summary = "This API's OpenAPI 3.1 document",
                        .tags = {"system"},
                        .responses = {{"200", "The OpenAPI document", "application/json", R"({"type":"object"})"}}}});
}

}  // namespace rapport::http

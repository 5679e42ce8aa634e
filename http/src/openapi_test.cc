#include "openapi.h"

#include <set>
#include <string>

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include "routes/routes.h"

namespace rapport::http {
namespace {

boost::asio::awaitable<Response> Nothing(RequestContext&) { co_return Response{}; }

TEST(OpenApiTest, DocumentsEveryRegisteredRoute) {
  Router router;
  RegisterAllRoutes(router);
  router.Add(Route{Method::kGet, "/api/v1/test/things/{thing_id}",
                   app::Permission::Require(app::Resource::kRelationships, app::Action::kRead), Nothing,
                   OpenApiOperation{.summary = "One thing", .tags = {"things"}}});
  router.Add(Route{Method::kPost, "/api/v1/test/hidden", app::Permission::Public(), Nothing,
                   OpenApiOperation{.documented = false}});

  rapidjson::Document document;
  const std::string json = BuildOpenApiDocument(router, "1.2.3");
  document.Parse(json.c_str());
  ASSERT_FALSE(document.HasParseError()) << json;
  EXPECT_STREQ(document["openapi"].GetString(), "3.1.0");
  EXPECT_STREQ(document["info"]["version"].GetString(), "1.2.3");
  const auto& paths = document["paths"];
  for (const char* path : {"/healthz", "/metrics", "/api/v1/version", "/api/v1/openapi.json"}) {
    ASSERT_TRUE(paths.HasMember(path)) << path;
    EXPECT_TRUE(paths[path].HasMember("get")) << path;
  }
  EXPECT_FALSE(paths.HasMember("/api/v1/test/hidden"));

  // Every route of the product is documented, with its own operation id.
  std::set<std::string> operation_ids;
  for (const Route& route : router.routes()) {
    if (!route.operation.documented) continue;
    ASSERT_TRUE(paths.HasMember(route.pattern.c_str())) << route.pattern;
    const std::string method = ToLowerAscii(MethodName(route.method));
    ASSERT_TRUE(paths[route.pattern.c_str()].HasMember(method.c_str())) << method << " " << route.pattern;
    EXPECT_TRUE(operation_ids.insert(paths[route.pattern.c_str()][method.c_str()]["operationId"].GetString()).second)
        << "operation id used twice: " << method << " " << route.pattern;
  }
  EXPECT_TRUE(paths.HasMember("/api/v1/contacts/{contact_id}/card"));

  const auto& contact = paths["/api/v1/test/things/{thing_id}"]["get"];
  EXPECT_STREQ(contact["operationId"].GetString(), "get_api_v1_test_things_thing_id");
  ASSERT_EQ(contact["parameters"].Size(), 1u);  // the path parameter, added automatically
  EXPECT_STREQ(contact["parameters"][0]["in"].GetString(), "path");
  EXPECT_TRUE(contact["parameters"][0]["required"].GetBool());
  EXPECT_STREQ(contact["x-rapport-permission"]["resource"].GetString(), "relationships");
  EXPECT_STREQ(contact["responses"]["default"]["content"]["application/problem+json"]["schema"]["$ref"].GetString(),
               "#/components/schemas/Problem");
  EXPECT_TRUE(document["components"]["schemas"].HasMember("Problem"));
  EXPECT_TRUE(document["components"]["schemas"].HasMember("FieldError"));
}

}  // namespace
}  // namespace rapport::http

// OpenAPI 3.1 generation (see openapi.h).
#include "openapi.h"

#include <map>

#include "json.h"

namespace rapport::http {
namespace {

constexpr std::string_view kProblemSchema =
    R"({"type":"object","required":["type","title","status","code","request_id"],"properties":{"type":{"type":"string","format":"uri"},"title":{"type":"string"},"status":{"type":"integer"},"detail":{"type":"string"},"instance":{"type":"string"},"code":{"type":"string","description":"Stable snake_case problem code"},"request_id":{"type":"string"},"errors":{"type":"array","items":{"$ref":"#/components/schemas/FieldError"}}}})";
constexpr std::string_view kFieldErrorSchema =
    R"({"type":"object","required":["field","code","message"],"properties":{"field":{"type":"string"},"code":{"type":"string"},"message":{"type":"string"}}})";
constexpr std::string_view kDefaultSecurity = R"([{"bearerToken":[]},{"sessionCookie":[]}])";
constexpr std::string_view kSecuritySchemes =
    R"({"bearerToken":{"type":"http","scheme":"bearer","description":"An API token (rpt_...) created by an admin; scoped to a role."},"sessionCookie":{"type":"apiKey","in":"cookie","name":"rapport_session","description":"Set by POST /api/v1/auth/login. Writes must also send the session's CSRF token in the X-CSRF-Token header."}})";
constexpr std::string_view kProblemRef = R"({"$ref":"#/components/schemas/Problem"})";

std::string LowerMethod(Method method) { return ToLowerAscii(MethodName(method)); }

void WriteParameters(const Route& route, JsonWriter& json) {
  std::vector<OpenApiParameter> parameters = route.operation.parameters;
  for (std::string_view segment : SplitPath(route.pattern)) {
    if (!IsParameterSegment(segment)) continue;
    const std::string name(segment.substr(1, segment.size() - 2));
    bool listed = false;
    for (const OpenApiParameter& parameter : parameters)
      listed = listed || (parameter.name == name && parameter.in == "path");
    if (!listed) parameters.push_back({name, "path", "", R"({"type":"string"})", true});
  }
  if (parameters.empty()) return;
  json.Key("parameters");
  json.StartArray();
  for (const OpenApiParameter& parameter : parameters) {
    json.StartObject();
    json.Field("name", parameter.name);
    json.Field("in", parameter.in);
    if (!parameter.description.empty()) json.Field("description", parameter.description);
    json.Field("required", parameter.required || parameter.in == "path");
    json.Key("schema");
    json.RawValue(parameter.schema_json);
    json.EndObject();
  }
  json.EndArray();
}

void WriteResponses(const Route& route, JsonWriter& json) {
  json.Key("responses");
  json.StartObject();
  for (const OpenApiResponse& response : route.operation.responses) {
    json.Key(response.status);
    json.StartObject();
    json.Field("description", response.description);
    if (!response.content_type.empty()) {
      json.Key("content");
      json.StartObject();
      json.Key(response.content_type);
      json.StartObject();
      json.Key("schema");
      json.RawValue(response.schema_json.empty() ? std::string_view("{}") : std::string_view(response.schema_json));
      json.EndObject();
      json.EndObject();
    }
    json.EndObject();
  }
  json.Key("default");
  json.StartObject();
  json.Field("description", "Problem details (RFC 9457)");
  json.Key("content");
  json.StartObject();
  json.Key("application/problem+json");
  json.StartObject();
  json.Key("schema");
  json.RawValue(kProblemRef);
  json.EndObject();
  json.EndObject();
  json.EndObject();
  json.EndObject();
}

void WriteOperation(const Route& route, JsonWriter& json) {
  const OpenApiOperation& operation = route.operation;
  json.StartObject();
  json.Field("operationId", OpenApiOperationId(route));
  if (!operation.summary.empty()) json.Field("summary", operation.summary);
  if (!operation.description.empty()) json.Field("description", operation.description);
  if (!operation.tags.empty()) {
    json.Key("tags");
    json.StartArray();
    for (const std::string& tag : operation.tags) json.String(tag);
    json.EndArray();
  }
  WriteParameters(route, json);
  if (!operation.request_schema_json.empty()) {
    json.Key("requestBody");
    json.StartObject();
    json.Field("required", true);
    json.Key("content");
    json.StartObject();
    json.Key("application/json");
    json.StartObject();
    json.Key("schema");
    json.RawValue(operation.request_schema_json);
    json.EndObject();
    json.EndObject();
    json.EndObject();
  }
  WriteResponses(route, json);
  if (route.permission.is_public()) {
    json.Key("security");  // overrides the document's default: no credentials needed
    json.StartArray();
    json.EndArray();
  }
  if (route.permission.kind == app::Permission::Kind::kGranted) {
    json.Key("x-rapport-permission");
    json.StartObject();
    json.Field("resource", app::ResourceName(route.permission.resource));
    json.Field("action", app::ActionName(route.permission.action));
    json.EndObject();
  }
  json.EndObject();
}

}  // namespace

std::string OpenApiOperationId(const Route& route) {
  if (!route.operation.operation_id.empty()) return route.operation.operation_id;
  std::string id = LowerMethod(route.method);
  for (char c : route.pattern) {
    const bool word = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    if (word) {
      id += c;
    } else if (!id.ends_with('_')) {
      id += '_';
    }
  }
  while (id.ends_with('_')) id.pop_back();
  return id;
}

std::string BuildOpenApiDocument(const Router& router, std::string_view version) {
  // Group operations by path, keeping the table's order of first appearance.
  std::vector<std::string> path_order;
  std::map<std::string, std::vector<const Route*>> by_path;
  for (const Route& route : router.routes()) {
    if (!route.operation.documented) continue;
    auto& operations = by_path[route.pattern];
    if (operations.empty()) path_order.push_back(route.pattern);
    operations.push_back(&route);
  }

  JsonWriter json;
  json.StartObject();
  json.Field("openapi", "3.1.0");
  json.Key("info");
  json.StartObject();
  json.Field("title", "Rapport API");
  json.Field("version", version);
  json.Field("description", "Relationship management: client cards, loyalty, surveys, e-mail and support.");
  json.EndObject();
  json.Key("security");
  json.RawValue(kDefaultSecurity);
  json.Key("paths");
  json.StartObject();
  for (const std::string& path : path_order) {
    json.Key(path);
    json.StartObject();
    for (const Route* route : by_path[path]) {
      json.Key(LowerMethod(route->method));
      WriteOperation(*route, json);
    }
    json.EndObject();
  }
  json.EndObject();
  json.Key("components");
  json.StartObject();
  json.Key("schemas");
  json.StartObject();
  json.Key("Problem");
  json.RawValue(kProblemSchema);
  json.Key("FieldError");
  json.RawValue(kFieldErrorSchema);
  json.EndObject();
  json.Key("securitySchemes");
  json.RawValue(kSecuritySchemes);
  json.EndObject();
  json.EndObject();
  return json.Take();
}

}  // namespace rapport::http

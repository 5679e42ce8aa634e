// The one table from rapport::StatusCode to HTTP status and problem code, and
// the rendering of RFC 9457 problem documents.
#include "problem.h"

#include <array>

#include "json.h"

namespace rapport::http {
namespace {

constexpr std::array<StatusMapping, 13> kStatusMappings = {{
    {StatusCode::kOk, 200, "ok", "OK"},
    {StatusCode::kInvalidArgument, 400, "invalid_argument", "The request is invalid"},
    {StatusCode::kNotFound, 404, "not_found", "Not found"},
    {StatusCode::kAlreadyExists, 409, "already_exists", "Already exists"},
    {StatusCode::kConflict, 409, "conflict", "Conflicting change"},
    {StatusCode::kFailedPrecondition, 422, "failed_precondition", "The current state does not allow this"},
    {StatusCode::kPermissionDenied, 403, "permission_denied", "Not allowed"},
    {StatusCode::kUnauthenticated, 401, "unauthenticated", "Authentication required"},
    {StatusCode::kResourceExhausted, 429, "resource_exhausted", "A limit was reached"},
    {StatusCode::kUnavailable, 503, "unavailable", "Temporarily unavailable"},
    {StatusCode::kDeadlineExceeded, 504, "deadline_exceeded", "Took too long"},
    {StatusCode::kDataLoss, 500, "data_loss", "Internal error"},
    {StatusCode::kInternal, 500, "internal", "Internal error"},
}};

Problem Make(int status, std::string_view code, std::string_view title, std::string detail) {
  return Problem{status, std::string(code), std::string(title), std::move(detail), {}};
}

}  // namespace

const StatusMapping& MappingFor(StatusCode code) {
  for (const StatusMapping& mapping : kStatusMappings) {
    if (mapping.status_code == code) return mapping;
  }
  RAPPORT_UNREACHABLE();
}

Problem ProblemFromStatus(const Status& status) {
  RAPPORT_ASSERT(!status.ok());
  const StatusMapping& mapping = MappingFor(status.code());
  // Server-side failures may carry paths, SQL or addresses: never shown.
  std::string detail = mapping.http_status >= 500 ? std::string(mapping.title) : status.message();
  return Make(mapping.http_status, mapping.code, mapping.title, std::move(detail));
}

Problem NotFoundProblem(std::string detail) { return Make(404, "not_found", "Not found", std::move(detail)); }
Problem MethodNotAllowedProblem(std::string detail) {
  return Make(405, "method_not_allowed", "Method not allowed", std::move(detail));
}
Problem PayloadTooLargeProblem(std::string detail) {
  return Make(413, "payload_too_large", "Request body too large", std::move(detail));
}
Problem UriTooLongProblem(std::string detail) { return Make(414, "uri_too_long", "URI too long", std::move(detail)); }
Problem HeaderFieldsTooLargeProblem(std::string detail) {
  return Make(431, "header_fields_too_large", "Request header fields too large", std::move(detail));
}
Problem UnsupportedMediaTypeProblem(std::string detail) {
  return Make(415, "unsupported_media_type", "Unsupported media type", std::move(detail));
}
Problem BadRequestProblem(std::string detail) { return Make(400, "bad_request", "Bad request", std::move(detail)); }
Problem InvalidJsonProblem(std::string detail) {
  return Make(400, "invalid_json", "The body is not valid JSON", std::move(detail));
}
Problem ValidationFailedProblem(std::vector<FieldError> errors) {
  Problem problem =
      Make(400, "validation_failed", "The request has invalid fields", "See errors for the fields to correct.");
  problem.errors = std::move(errors);
  return problem;
}
Problem UnauthenticatedProblem(std::string detail) {
  return Make(401, "unauthenticated", "Authentication required", std::move(detail));
}
Problem InternalProblem() { return Make(500, "internal", "Internal error", "Internal error"); }

std::string ProblemType(std::string_view code) { return "https://rapport.dev/problems/" + std::string(code); }

std::string RenderProblemJson(const Problem& problem, std::string_view instance, std::string_view request_id) {
  JsonWriter json;
  json.StartObject();
  json.Field("type", ProblemType(problem.code));
  json.Field("title", problem.title);
  json.Field("status", static_cast<std::int64_t>(problem.status));
  json.Field("detail", problem.detail);
  json.Field("instance", instance);
  json.Field("code", problem.code);
  json.Field("request_id", request_id);
  if (!problem.errors.empty()) {
    json.Key("errors");
    json.StartArray();
    for (const FieldError& error : problem.errors) {
      json.StartObject();
      json.Field("field", error.field);
      json.Field("code", error.code);
      json.Field("message", error.message);
      json.EndObject();
    }
    json.EndArray();
  }
  for (const auto& [name, value] : problem.integer_members) json.Field(name, value);
  json.EndObject();
  return json.Take();
}

Response ProblemResponse(const Problem& problem, const Request& request) {
  Response response;
  response.status = problem.status;
  response.content_type = "application/problem+json";
  response.body = RenderProblemJson(problem, request.path, request.request_id);
  return response;
}

}  // namespace rapport::http

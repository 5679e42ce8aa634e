// Problem details (RFC 9457): every error response of the API is an
// application/problem+json document with a stable snake_case `code` clients may
// switch on, the request id, and the request path as `instance`.
//
// ONE table (problem.cc) maps rapport::StatusCode to the HTTP status and code;
// the HTTP-only problems (not_found, method_not_allowed, payload_too_large, …)
// have named constructors here. 5xx problems never carry internal details: the
// Status message is logged with the request id, the client sees a generic text.
//
// Thread safety: values and pure functions.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "message.h"

#include "rapport/base/status.h"

namespace rapport::http {

// One invalid field of a request body or query.
struct FieldError {
  std::string field;  // JSON field name or parameter name
  std::string code;   // "missing", "wrong_type", "unknown_field", "too_long", ...
  std::string message;
};

struct Problem {
  int status = 500;
  std::string code{};    // stable snake_case, also the last segment of `type`
  std::string title{};   // short, the same for every occurrence of the code
  std::string detail{};  // this occurrence; safe to show to the client
  std::vector<FieldError> errors{};
  // Further members of this occurrence, e.g. {"contact_id", 17} naming the
  // record a conflict is with.
  std::vector<std::pair<std::string, std::int64_t>> integer_members{};
};

struct StatusMapping {
  StatusCode status_code;
  int http_status;
  std::string_view code;
  std::string_view title;
};

// The mapping row for a status code (every StatusCode has one).
const StatusMapping& MappingFor(StatusCode code);
// The problem for a failed Status. For 5xx the detail is generic; callers log
// the Status itself.
Problem ProblemFromStatus(const Status& status);

Problem NotFoundProblem(std::string detail);
Problem MethodNotAllowedProblem(std::string detail);
Problem PayloadTooLargeProblem(std::string detail);
Problem UriTooLongProblem(std::string detail);
Problem HeaderFieldsTooLargeProblem(std::string detail);
Problem UnsupportedMediaTypeProblem(std::string detail);
Problem BadRequestProblem(std::string detail);
Problem InvalidJsonProblem(std::string detail);
Problem ValidationFailedProblem(std::vector<FieldError> errors);
Problem UnauthenticatedProblem(std::string detail);
Problem InternalProblem();

// "https://rapport.dev/problems/<code>".
std::string ProblemType(std::string_view code);
// The JSON document for `problem` at `instance` (the request path).
std::string RenderProblemJson(const Problem& problem, std::string_view instance, std::string_view request_id);
// A complete response carrying the problem.
Response ProblemResponse(const Problem& problem, const Request& request);

}  // namespace rapport::http

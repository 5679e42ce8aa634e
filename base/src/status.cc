#include "rapport/base/status.h"

#include <cstdio>
#include <cstdlib>

namespace rapport {

std::string_view StatusCodeName(StatusCode code) {
  switch (code) {
    case StatusCode::kOk: return "ok";
    case StatusCode::kInvalidArgument: return "invalid_argument";
    case StatusCode::kNotFound: return "not_found";
    case StatusCode::kAlreadyExists: return "already_exists";
    case StatusCode::kConflict: return "conflict";
    case StatusCode::kFailedPrecondition: return "failed_precondition";
    case StatusCode::kPermissionDenied: return "permission_denied";
    case StatusCode::kUnauthenticated: return "unauthenticated";
    case StatusCode::kResourceExhausted: return "resource_exhausted";
    case StatusCode::kUnavailable: return "unavailable";
    case StatusCode::kDeadlineExceeded: return "deadline_exceeded";
    case StatusCode::kDataLoss: return "data_loss";
    case StatusCode::kInternal: return "internal";
  }
  RAPPORT_UNREACHABLE();
}

std::string Status::ToString() const {
  if (ok()) return "ok";
  std::string text(StatusCodeName(code_));
  text += ": ";
  text += message_;
  return text;
}

Status Status::WithContext(std::string_view context) const {
  if (ok()) return *this;
  std::string message(context);
  message += ": ";
  message += message_;
  return {code_, std::move(message)};
}

namespace detail {

void AssertFailed(const char* expression, const char* file, int line, const char* message) {
  (void)std::fprintf(stderr, "rapport: invariant violated: %s at %s:%d%s%s\n", expression, file, line,
                     message != nullptr ? ": " : "", message != nullptr ? message : "");
  (void)std::fflush(stderr);
  std::abort();
}

}  // namespace detail
}  // namespace rapport

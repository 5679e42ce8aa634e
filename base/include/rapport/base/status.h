// Status and Result: how an operation that touches the environment reports
// failure. A bug is an assert (assert.h); an expected domain outcome is an
// enum returned by value; a failing environment (disk, network, database, bad
// input at a boundary) is a Status with a code. Third-party exceptions are
// converted to Status at the adapter edge and never cross a layer.
//
// Status codes are transport-neutral. http/ maps them to HTTP statuses and
// problem codes in one table (http/src/problem.cc).
//
// Thread safety: values; safe to copy between threads.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

#include "rapport/base/assert.h"

namespace rapport {

enum class StatusCode : std::uint8_t {
  kOk = 0,
  kInvalidArgument,     // the caller sent something malformed; retrying won't help
  kNotFound,            // the addressed thing does not exist
  kAlreadyExists,       // a unique key is taken
  kConflict,            // the state changed underneath (optimistic check, busy key)
  kFailedPrecondition,  // the request is valid but the state forbids it now
  kPermissionDenied,    // authenticated, not allowed
  kUnauthenticated,     // no or bad credentials
  kResourceExhausted,   // a limit was hit (size, rate, queue depth)
  kUnavailable,         // transient: retry later (database down, busy, shutting down)
  kDeadlineExceeded,    // took longer than allowed
  kDataLoss,            // stored data failed an integrity check
  kInternal,            // an environment failure we did not classify
};

std::string_view StatusCodeName(StatusCode code);

class [[nodiscard]] Status {
 public:
  Status() = default;  // ok
  Status(StatusCode code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status Ok() { return {}; }

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }
  std::string ToString() const;

  // Returns a copy whose message is prefixed with `context: `.
  Status WithContext(std::string_view context) const;

  friend bool operator==(const Status&, const Status&) = default;

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
};

inline Status InvalidArgument(std::string message) { return {StatusCode::kInvalidArgument, std::move(message)}; }
inline Status NotFound(std::string message) { return {StatusCode::kNotFound, std::move(message)}; }
inline Status AlreadyExists(std::string message) { return {StatusCode::kAlreadyExists, std::move(message)}; }
inline Status Conflict(std::string message) { return {StatusCode::kConflict, std::move(message)}; }
inline Status FailedPrecondition(std::string message) { return {StatusCode::kFailedPrecondition, std::move(message)}; }
inline Status ResourceExhausted(std::string message) { return {StatusCode::kResourceExhausted, std::move(message)}; }
inline Status Unavailable(std::string message) { return {StatusCode::kUnavailable, std::move(message)}; }
inline Status Internal(std::string message) { return {StatusCode::kInternal, std::move(message)}; }
inline Status DataLoss(std::string message) { return {StatusCode::kDataLoss, std::move(message)}; }

// Result<T>: a T or a non-ok Status. Accessing the value of an error is a bug.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : state_(std::move(value)) {}        // NOLINT(google-explicit-constructor)
  Result(Status status) : state_(std::move(status)) {  // NOLINT(google-explicit-constructor)
    RAPPORT_ASSERT(!std::get<Status>(state_).ok());
  }

  bool ok() const { return std::holds_alternative<T>(state_); }
  const Status& status() const {
    static const Status kOkStatus;
    return ok() ? kOkStatus : std::get<Status>(state_);
  }

  T& value() & {
    RAPPORT_ASSERT(ok());
    return std::get<T>(state_);
  }
  const T& value() const& {
    RAPPORT_ASSERT(ok());
    return std::get<T>(state_);
  }
  T&& value() && {
    RAPPORT_ASSERT(ok());
    return std::get<T>(std::move(state_));
  }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

 private:
  std::variant<T, Status> state_;
};

}  // namespace rapport

#define RAPPORT_CONCAT_INNER(a, b) a##b
#define RAPPORT_CONCAT(a, b) RAPPORT_CONCAT_INNER(a, b)

// Propagates a non-ok Status from an expression returning Status.
// The local's name carries the line, so a use inside a lambda passed to
// another use does not shadow the outer one.
#define RAPPORT_RETURN_IF_ERROR(expr) RAPPORT_RETURN_IF_ERROR_IMPL(RAPPORT_CONCAT(rapport_status_, __LINE__), expr)
#define RAPPORT_RETURN_IF_ERROR_IMPL(local, expr) \
  do {                                            \
    ::rapport::Status local = (expr);             \
    if (!local.ok()) return local;                \
  } while (false)

// RAPPORT_ASSIGN_OR_RETURN(auto x, ExprReturningResult());
#define RAPPORT_ASSIGN_OR_RETURN(lhs, expr) \
  RAPPORT_ASSIGN_OR_RETURN_IMPL(RAPPORT_CONCAT(rapport_result_, __LINE__), lhs, expr)
// `lhs` may be a declaration ("auto x"), so it cannot be parenthesised.
// NOLINTBEGIN(bugprone-macro-parentheses)
#define RAPPORT_ASSIGN_OR_RETURN_IMPL(result, lhs, expr) \
  auto result = (expr);                                  \
  if (!result.ok()) return result.status();              \
  lhs = std::move(result).value()
// NOLINTEND(bugprone-macro-parentheses)

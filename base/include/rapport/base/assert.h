// Invariant checks that stay on in release builds.
//
// RAPPORT_ASSERT is for bugs only: a condition the code guarantees. It never
// checks user input (that is a Status). On failure it logs the expression and
// location to stderr and aborts, so a broken ledger invariant stops the process
// instead of writing a wrong balance.
#pragma once

namespace rapport::detail {
[[noreturn]] void AssertFailed(const char* expression, const char* file, int line, const char* message);
}  // namespace rapport::detail

#define RAPPORT_ASSERT(condition)                                               \
  do {                                                                          \
    if (!(condition)) [[unlikely]]                                              \
      ::rapport::detail::AssertFailed(#condition, __FILE__, __LINE__, nullptr); \
  } while (false)

#define RAPPORT_ASSERT_MSG(condition, message)                                    \
  do {                                                                            \
    if (!(condition)) [[unlikely]]                                                \
      ::rapport::detail::AssertFailed(#condition, __FILE__, __LINE__, (message)); \
  } while (false)

#define RAPPORT_UNREACHABLE() ::rapport::detail::AssertFailed("unreachable", __FILE__, __LINE__, nullptr)

#include "rapport/domain/retry_policy.h"

#include <algorithm>
#include <cmath>

#include "rapport/base/assert.h"

namespace rapport::domain {

std::optional<std::chrono::milliseconds> RetryDelay(const RetryPolicy& policy, int attempts_made, double unit_draw) {
  RAPPORT_ASSERT(attempts_made >= 1);
  RAPPORT_ASSERT(unit_draw >= 0.0 && unit_draw < 1.0);
  if (attempts_made >= policy.attempts_max) return std::nullopt;
  // base·2^(attempts_made-1), computed in double and clamped before converting
  // back, so large attempt counts cannot overflow.
  const double ceiling_ms = std::min(static_cast<double>(policy.cap.count()),
                                     static_cast<double>(policy.base.count()) * std::exp2(attempts_made - 1));
  return std::chrono::milliseconds(static_cast<std::int64_t>(ceiling_ms * unit_draw));
}

}  // namespace rapport::domain

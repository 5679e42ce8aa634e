// RetryPolicy: when to try a failed job again. Exponential backoff with full
// jitter (delay drawn uniformly from [0, min(cap, base·2^attempt)]) so that many
// jobs failing together do not retry together, and never beyond the cap.
//
// Pure: the caller supplies the uniform draw, so the result is reproducible.
#pragma once

#include <chrono>
#include <optional>

namespace rapport::domain {

struct RetryPolicy {
  std::chrono::milliseconds base{1'000};
  std::chrono::milliseconds cap{6 * 3'600'000};
  int attempts_max = 10;
};

// The delay before the next attempt after `attempts_made` failed attempts
// (≥ 1), or nullopt when no attempt is left. `unit_draw` is uniform in [0, 1).
std::optional<std::chrono::milliseconds> RetryDelay(const RetryPolicy& policy, int attempts_made, double unit_draw);

}  // namespace rapport::domain

// RateLimiter: in-memory throttles keyed by text ("account:ann@example.com",
// "address:203.0.113.7", "token:12"). Two kinds:
//  * a sliding window of failures: after `limit` failures within `window_us`
//    the key is blocked until the oldest of them leaves the window;
//  * a token bucket of requests: `rate_per_second` sustained, `burst` at once.
// State is per node and lost on restart, which is acceptable for throttling.
// The number of keys is bounded (limits::kRateLimitKeysMax): when full, keys
// whose state has lapsed are swept, then the least recently touched go.
//
// Thread safety: all methods may be called concurrently (one mutex; the work
// under it is a hash lookup and a few arithmetic operations).
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "rapport/base/clock.h"
#include "rapport/base/limits.h"

namespace rapport::app {

struct FailureWindow {
  int limit = 5;
  std::int64_t window_us = std::int64_t{15} * 60 * 1'000'000;
};

class RateLimiter {
 public:
  explicit RateLimiter(std::size_t keys_max = limits::kRateLimitKeysMax);

  // Whole seconds (at least 1) until the key may fail again; 0 when not blocked.
  std::int64_t BlockedForSeconds(std::string_view key, const FailureWindow& window, Timestamp now);
  void RecordFailure(std::string_view key, const FailureWindow& window, Timestamp now);
  // Forgets the failures of a key (a successful sign-in clears its account).
  void ClearFailures(std::string_view key);

  // Takes one request from the key's bucket: 0 when allowed, else the whole
  // seconds (at least 1) until one is available. rate_per_second ≤ 0 allows all.
  std::int64_t TakeRequest(std::string_view key, double rate_per_second, int burst, Timestamp now);

  std::size_t size() const;

 private:
  struct Entry {
    std::deque<Timestamp> failures;  // oldest first, at most the window's limit
    double tokens = 0;
    bool has_bucket = false;
    Timestamp bucket_at;
    Timestamp touched_at;
  };
  Entry& Touch(std::string_view key, Timestamp now);
  static void Expire(Entry& entry, std::int64_t window_us, Timestamp now);
  void MakeRoom(Timestamp now);

  mutable std::mutex mutex_;
  std::size_t keys_max_;
  std::int64_t longest_window_us_ = 0;
  std::unordered_map<std::string, Entry> entries_;
};

}  // namespace rapport::app

// RateLimiter (see rate_limiter.h).
#include "rapport/app/rate_limiter.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "rapport/base/assert.h"

namespace rapport::app {
namespace {

constexpr std::int64_t kMicrosecondsPerSecond = 1'000'000;

std::int64_t CeilSeconds(std::int64_t microseconds) {
  return std::max<std::int64_t>(1, (microseconds + kMicrosecondsPerSecond - 1) / kMicrosecondsPerSecond);
}

}  // namespace

RateLimiter::RateLimiter(std::size_t keys_max) : keys_max_(keys_max) { RAPPORT_ASSERT(keys_max > 0); }

void RateLimiter::Expire(Entry& entry, std::int64_t window_us, Timestamp now) {
  while (!entry.failures.empty() && ToUnixMicros(now) - ToUnixMicros(entry.failures.front()) >= window_us) {
    entry.failures.pop_front();
  }
}

std::int64_t RateLimiter::BlockedForSeconds(std::string_view key, const FailureWindow& window, Timestamp now) {
  std::lock_guard lock(mutex_);
  auto found = entries_.find(std::string(key));
  if (found == entries_.end()) return 0;
  Entry& entry = found->second;
  Expire(entry, window.window_us, now);
  if (static_cast<int>(entry.failures.size()) < window.limit) return 0;
  return CeilSeconds(ToUnixMicros(entry.failures.front()) + window.window_us - ToUnixMicros(now));
}

void RateLimiter::RecordFailure(std::string_view key, const FailureWindow& window, Timestamp now) {
  std::lock_guard lock(mutex_);
  longest_window_us_ = std::max(longest_window_us_, window.window_us);
  Entry& entry = Touch(key, now);
  Expire(entry, window.window_us, now);
  entry.failures.push_back(now);
  while (static_cast<int>(entry.failures.size()) > std::max(1, window.limit)) entry.failures.pop_front();
}

void RateLimiter::ClearFailures(std::string_view key) {
  std::lock_guard lock(mutex_);
  auto found = entries_.find(std::string(key));
  if (found == entries_.end()) return;
  found->second.failures.clear();
  if (!found->second.has_bucket) entries_.erase(found);
}

std::int64_t RateLimiter::TakeRequest(std::string_view key, double rate_per_second, int burst, Timestamp now) {
  if (rate_per_second <= 0) return 0;
  const double capacity = std::max(1, burst);
  std::lock_guard lock(mutex_);
  Entry& entry = Touch(key, now);
  if (!entry.has_bucket) {
    entry.has_bucket = true;
    entry.tokens = capacity;
  } else {
    const double elapsed_s =
        static_cast<double>(std::max<std::int64_t>(0, ToUnixMicros(now) - ToUnixMicros(entry.bucket_at))) /
        kMicrosecondsPerSecond;
    entry.tokens = std::min(capacity, entry.tokens + elapsed_s * rate_per_second);
  }
  entry.bucket_at = now;
  if (entry.tokens >= 1) {
    entry.tokens -= 1;
    return 0;
  }
  const double wait_s = (1 - entry.tokens) / rate_per_second;
  return std::max<std::int64_t>(1, static_cast<std::int64_t>(std::ceil(wait_s)));
}

std::size_t RateLimiter::size() const {
  std::lock_guard lock(mutex_);
  return entries_.size();
}

RateLimiter::Entry& RateLimiter::Touch(std::string_view key, Timestamp now) {
  auto found = entries_.find(std::string(key));
  if (found == entries_.end()) {
    if (entries_.size() >= keys_max_) MakeRoom(now);
    found = entries_.emplace(std::string(key), Entry{}).first;
  }
  found->second.touched_at = now;
  return found->second;
}

// Drops keys whose failures have all left the longest window and whose bucket
// would be full again by now (untouched for a minute); if that frees nothing,
// drops the least recently touched tenth.
void RateLimiter::MakeRoom(Timestamp now) {
  const std::int64_t idle_us = std::max<std::int64_t>(longest_window_us_, 60 * kMicrosecondsPerSecond);
  std::erase_if(entries_,
                [&](const auto& item) { return ToUnixMicros(now) - ToUnixMicros(item.second.touched_at) >= idle_us; });
  if (entries_.size() < keys_max_) return;
  std::vector<std::pair<std::int64_t, std::string>> by_age;
  by_age.reserve(entries_.size());
  for (const auto& [key, entry] : entries_) by_age.emplace_back(ToUnixMicros(entry.touched_at), key);
  const std::size_t drop = std::max<std::size_t>(1, by_age.size() / 10);
  std::nth_element(by_age.begin(), by_age.begin() + static_cast<std::ptrdiff_t>(drop - 1), by_age.end());
  for (std::size_t i = 0; i < drop; ++i) entries_.erase(by_age[i].second);
}

}  // namespace rapport::app

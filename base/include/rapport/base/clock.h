// Clock: the port through which all code reads the time, so tests can use a
// fake one. Timestamps are UTC microseconds since the Unix epoch; that is also
// how they are stored (columns named *_at_us).
//
// Thread safety: SystemClock and FakeClock are safe to call from any thread.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>

#include "rapport/base/status.h"

namespace rapport {

using Microseconds = std::chrono::microseconds;
using Timestamp = std::chrono::sys_time<Microseconds>;

inline std::int64_t ToUnixMicros(Timestamp t) { return t.time_since_epoch().count(); }
inline Timestamp FromUnixMicros(std::int64_t us) { return Timestamp(Microseconds(us)); }

// RFC 3339 in UTC with microseconds: "2026-11-23T08:15:00.000000Z".
std::string FormatRfc3339(Timestamp t);
// Accepts RFC 3339 with 'Z' or a numeric offset and 0–9 fraction digits.
Result<Timestamp> ParseRfc3339(std::string_view text);

class Clock {
 public:
  virtual ~Clock() = default;
  virtual Timestamp Now() const = 0;
};

class SystemClock final : public Clock {
 public:
  Timestamp Now() const override;
};

// A clock that only moves when told to. Starts at the given instant.
class FakeClock final : public Clock {
 public:
  explicit FakeClock(Timestamp start) : now_us_(ToUnixMicros(start)) {}
  Timestamp Now() const override { return FromUnixMicros(now_us_.load()); }
  void Set(Timestamp t) { now_us_.store(ToUnixMicros(t)); }
  void Advance(Microseconds by) { now_us_.fetch_add(by.count()); }

 private:
  std::atomic<std::int64_t> now_us_;
};

}  // namespace rapport

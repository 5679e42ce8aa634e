// The programme's local calendar, shared by the loyalty sources: local dates
// and wall-clock times in an IANA zone, calendar months with the day clamped
// to the month's end, and local days.
//
// Local wall-clock times are resolved as domain/schedule does: a time inside a
// gap (spring forward) becomes the first instant after the gap, an ambiguous
// one (fall back) the earlier instant.
//
// Thread safety: pure functions; date::time_zone is immutable.
#pragma once

#include <algorithm>
#include <chrono>

#include <date/date.h>
#include <date/tz.h>

#include "rapport/base/assert.h"
#include "rapport/base/clock.h"

namespace rapport::domain::detail {

// The one instant a local wall-clock time stands for (see the file comment).
inline Timestamp ResolveLocal(const date::time_zone& zone, date::local_time<Microseconds> local) {
  const date::local_info info = zone.get_info(local);
  switch (info.result) {
    case date::local_info::unique:
    case date::local_info::ambiguous:  // first is the offset in force before the overlap: the earlier instant
      return Timestamp(local.time_since_epoch() - info.first.offset);
    case date::local_info::nonexistent: return std::chrono::time_point_cast<Microseconds>(info.second.begin);
  }
  RAPPORT_UNREACHABLE();
}

struct LocalDateTime {
  date::year_month_day date;
  Microseconds time_of_day{0};
};

inline LocalDateTime ToLocal(const date::time_zone& zone, Timestamp at) {
  const date::local_time<Microseconds> local = zone.to_local(at);
  const date::local_days day = date::floor<date::days>(local);
  return {.date = date::year_month_day(day), .time_of_day = local - day};
}

inline Timestamp FromLocal(const date::time_zone& zone, const LocalDateTime& local) {
  return ResolveLocal(zone, date::local_time<Microseconds>(date::local_days(local.date)) + local.time_of_day);
}

inline date::day LastDayOf(date::year_month month) {
  return date::year_month_day_last(month.year(), date::month_day_last(month.month())).day();
}

// The local date `months` calendar months from `date` (negative: back), day
// clamped to the month's end; `clamped` tells whether the clamp moved it.
inline date::year_month_day AddMonths(date::year_month_day from, int months, bool* clamped = nullptr) {
  const date::year_month target = date::year_month(from.year(), from.month()) + date::months(months);
  const date::day day = std::min(from.day(), LastDayOf(target));
  if (clamped != nullptr) *clamped = day != from.day();
  return target / day;
}

// The same local wall-clock time `months` calendar months from `at`.
inline Timestamp AddLocalMonths(Timestamp at, int months, const date::time_zone& zone) {
  LocalDateTime local = ToLocal(zone, at);
  local.date = AddMonths(local.date, months);
  return FromLocal(zone, local);
}

// The same local wall-clock time `count` local calendar days from `at`.
inline Timestamp AddLocalDays(Timestamp at, int count, const date::time_zone& zone) {
  return ResolveLocal(zone, zone.to_local(at) + date::days(count));
}

}  // namespace rapport::domain::detail

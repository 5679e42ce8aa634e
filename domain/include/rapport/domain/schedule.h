// Schedules: when a recurring task is due, as pure calendar arithmetic.
//
// A ScheduleSpec is one of
//   every N<s|m|h|d>          fixed interval, anchored to the Unix epoch, so every
//                             node computes the same instants ("every 5m" runs at
//                             :00, :05, … UTC whatever the start time);
//   daily HH:MM               once a day at a local wall-clock time;
//   weekly mon,thu HH:MM      on the listed local weekdays;
//   monthly D HH:MM           on local day D of each month; a D beyond the end of
//                             a month means the month's last day (31 → Feb 28/29).
// Local times are read in a date::time_zone the caller looked up. Daylight
// saving: a local time that does not exist (spring forward) runs at the first
// instant after the gap; an ambiguous one (fall back) runs once, at the earlier
// instant. So each local day yields at most one occurrence per time of day.
//
// Invariant: occurrences are strictly increasing in time; Next and Latest agree
// (Latest(Next(t)) == Next(t), and Next(Latest(t)) > t).
//
// Thread safety: values and pure functions; date::time_zone is immutable.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include <date/tz.h>

#include "rapport/base/clock.h"
#include "rapport/base/status.h"

namespace rapport::domain {

// Bounds on schedule text and intervals; checked by ParseSchedule.
inline constexpr std::size_t kScheduleTextBytesMax = 128;
inline constexpr std::chrono::seconds kScheduleIntervalMax{31 * 24 * 3600};

enum class ScheduleKind : std::uint8_t { kInterval, kDaily, kWeekly, kMonthly };

struct ScheduleSpec {
  ScheduleKind kind = ScheduleKind::kDaily;
  std::chrono::seconds interval{0};     // kInterval only: 1 s .. kScheduleIntervalMax
  std::chrono::minutes time_of_day{0};  // local time since midnight; not kInterval
  std::uint8_t weekdays_mask = 0;       // kWeekly only: bit w set = weekday w (0 Sunday … 6 Saturday)
  int day_of_month = 0;                 // kMonthly only: 1..31

  friend bool operator==(const ScheduleSpec&, const ScheduleSpec&) = default;
};

// Parses the text form above. Words are case-insensitive and separated by
// spaces; weekdays are mon tue wed thu fri sat sun. kInvalidArgument names
// what is wrong and shows the accepted forms.
Result<ScheduleSpec> ParseSchedule(std::string_view text);

// The canonical text form: ParseSchedule(FormatSchedule(s)) == s.
std::string FormatSchedule(const ScheduleSpec& spec);

// The first occurrence strictly after `after`.
Timestamp NextOccurrence(const ScheduleSpec& spec, const date::time_zone& zone, Timestamp after);

// The last occurrence at or before `at_or_before`.
Timestamp LatestOccurrence(const ScheduleSpec& spec, const date::time_zone& zone, Timestamp at_or_before);

}  // namespace rapport::domain

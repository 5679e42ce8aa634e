// Parsing and occurrence arithmetic for schedules (see schedule.h).
//
// Local-time schedules are evaluated day by day: for each local date that
// matches the spec, the wall-clock time is resolved to one instant (gap → the
// transition instant, overlap → the earlier offset). Consecutive matching days
// resolve to strictly increasing instants, so scanning days forward finds the
// next occurrence and scanning backward finds the latest.
#include "rapport/domain/schedule.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <cstdio>
#include <optional>
#include <vector>

#include "rapport/base/assert.h"

namespace rapport::domain {
namespace {

using std::chrono::days;
using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::seconds;

constexpr std::array<std::string_view, 7> kWeekdayNames = {"sun", "mon", "tue", "wed", "thu", "fri", "sat"};
// Listing order in canonical text: Monday first, as people write weeks.
constexpr std::array<unsigned, 7> kWeekdayListingOrder = {1, 2, 3, 4, 5, 6, 0};
// Any spec matches at least once in this many consecutive days (monthly: the
// longest gap between two "day D or last day" dates is 31 days).
constexpr int kScanDaysMax = 66;

constexpr std::string_view kAcceptedForms =
    "expected 'every <N><s|m|h|d>', 'daily HH:MM', 'weekly <mon,tue,...> HH:MM' or 'monthly <1-31> HH:MM'";

Status BadSchedule(std::string_view text, std::string_view problem) {
  return InvalidArgument("schedule '" + std::string(text) + "': " + std::string(problem) + "; " +
                         std::string(kAcceptedForms));
}

std::string Lowercase(std::string_view text) {
  std::string lowered(text);
  for (char& character : lowered) {
    if (character >= 'A' && character <= 'Z') character = static_cast<char>(character - 'A' + 'a');
  }
  return lowered;
}

std::vector<std::string_view> SplitWords(std::string_view text) {
  std::vector<std::string_view> words;
  std::size_t position = 0;
  while (position < text.size()) {
    while (position < text.size() && (text[position] == ' ' || text[position] == '\t')) ++position;
    const std::size_t start = position;
    while (position < text.size() && text[position] != ' ' && text[position] != '\t') ++position;
    if (position > start) words.push_back(text.substr(start, position - start));
  }
  return words;
}

std::optional<std::int64_t> ParseNumber(std::string_view digits) {
  if (digits.empty() || digits.size() > 9) return std::nullopt;
  std::int64_t value = 0;
  const auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
  if (error != std::errc() || end != digits.data() + digits.size()) return std::nullopt;
  return value;
}

// "H:MM" or "HH:MM", 00:00 … 23:59.
std::optional<minutes> ParseTimeOfDay(std::string_view word) {
  const std::size_t colon = word.find(':');
  if (colon == std::string_view::npos || colon == 0 || colon > 2 || word.size() - colon - 1 != 2) return std::nullopt;
  const auto hour = ParseNumber(word.substr(0, colon));
  const auto minute = ParseNumber(word.substr(colon + 1));
  if (!hour || !minute || *hour > 23 || *minute > 59) return std::nullopt;
  return hours(*hour) + minutes(*minute);
}

std::optional<seconds> ParseInterval(std::string_view word) {
  if (word.size() < 2) return std::nullopt;
  const auto count = ParseNumber(word.substr(0, word.size() - 1));
  if (!count || *count <= 0) return std::nullopt;
  switch (word.back()) {
    case 's': return seconds(*count);
    case 'm': return minutes(*count);
    case 'h': return hours(*count);
    case 'd': return days(*count);
    default: return std::nullopt;
  }
}

std::optional<std::uint8_t> ParseWeekdays(std::string_view word) {
  std::uint8_t mask = 0;
  std::size_t position = 0;
  while (position <= word.size()) {
    std::size_t comma = word.find(',', position);
    if (comma == std::string_view::npos) comma = word.size();
    const std::string_view name = word.substr(position, comma - position);
    std::optional<unsigned> weekday;
    for (unsigned index = 0; index < kWeekdayNames.size(); ++index) {
      if (kWeekdayNames[index] == name) weekday = index;
    }
    if (!weekday || (mask & (1u << *weekday)) != 0) return std::nullopt;  // unknown or repeated
    mask = static_cast<std::uint8_t>(mask | (1u << *weekday));
    position = comma + 1;
  }
  return mask;
}

Result<ScheduleSpec> ParseEvery(std::string_view text, const std::vector<std::string_view>& words) {
  if (words.size() != 2) return BadSchedule(text, "'every' takes one interval such as 30s or 5m");
  const auto interval = ParseInterval(words[1]);
  if (!interval) return BadSchedule(text, "'" + std::string(words[1]) + "' is not an interval such as 30s, 5m, 2h, 1d");
  if (*interval > kScheduleIntervalMax) return BadSchedule(text, "the interval is longer than 31 days");
  return ScheduleSpec{.kind = ScheduleKind::kInterval, .interval = *interval};
}

Result<ScheduleSpec> ParseCalendar(std::string_view text, const std::vector<std::string_view>& words) {
  const std::string_view& keyword = words[0];
  const std::size_t words_expected = keyword == "daily" ? 2 : 3;
  if (words.size() != words_expected) {
    return BadSchedule(text, "'" + std::string(keyword) + "' takes " + (words_expected == 2 ? "a time" : "two values"));
  }
  const auto time_of_day = ParseTimeOfDay(words.back());
  if (!time_of_day) return BadSchedule(text, "'" + std::string(words.back()) + "' is not a time HH:MM (00:00-23:59)");
  ScheduleSpec spec{.time_of_day = *time_of_day};
  if (keyword == "daily") {
    spec.kind = ScheduleKind::kDaily;
  } else if (keyword == "weekly") {
    const auto mask = ParseWeekdays(words[1]);
    if (!mask) return BadSchedule(text, "'" + std::string(words[1]) + "' is not a list of distinct weekdays (mon,thu)");
    spec.kind = ScheduleKind::kWeekly;
    spec.weekdays_mask = *mask;
  } else {
    const auto day = ParseNumber(words[1]);
    if (!day || *day < 1 || *day > 31) return BadSchedule(text, "the day of the month must be 1-31");
    spec.kind = ScheduleKind::kMonthly;
    spec.day_of_month = static_cast<int>(*day);
  }
  return spec;
}

bool MatchesDate(const ScheduleSpec& spec, date::local_days day) {
  switch (spec.kind) {
    case ScheduleKind::kDaily: return true;
    case ScheduleKind::kWeekly: return (spec.weekdays_mask & (1u << date::weekday(day).c_encoding())) != 0;
    case ScheduleKind::kMonthly: {
      const date::year_month_day ymd(day);
      const unsigned last_day =
          static_cast<unsigned>(date::year_month_day_last(ymd.year(), date::month_day_last(ymd.month())).day());
      const unsigned wanted = std::min(static_cast<unsigned>(spec.day_of_month), last_day);
      return static_cast<unsigned>(ymd.day()) == wanted;
    }
    case ScheduleKind::kInterval: break;
  }
  RAPPORT_UNREACHABLE();
}

// The one instant a local wall-clock time stands for (see the file comment).
Timestamp ResolveLocal(const date::time_zone& zone, date::local_time<Microseconds> local) {
  const date::local_info info = zone.get_info(local);
  switch (info.result) {
    case date::local_info::unique:
    case date::local_info::ambiguous:  // first is the offset in force before the overlap: the earlier instant
      return Timestamp(local.time_since_epoch() - info.first.offset);
    case date::local_info::nonexistent: return std::chrono::time_point_cast<Microseconds>(info.second.begin);
  }
  RAPPORT_UNREACHABLE();
}

Timestamp OccurrenceOn(const ScheduleSpec& spec, const date::time_zone& zone, date::local_days day) {
  return ResolveLocal(zone, date::local_time<Microseconds>(day) + spec.time_of_day);
}

date::local_days LocalDay(const date::time_zone& zone, Timestamp t) { return date::floor<days>(zone.to_local(t)); }

// Floor division that rounds towards minus infinity, for instants before 1970.
std::int64_t FloorDivide(std::int64_t value, std::int64_t divisor) {
  const std::int64_t quotient = value / divisor;
  return (value % divisor != 0 && value < 0) ? quotient - 1 : quotient;
}

}  // namespace

Result<ScheduleSpec> ParseSchedule(std::string_view text) {
  if (text.size() > kScheduleTextBytesMax) return BadSchedule(text.substr(0, 32), "longer than 128 bytes");
  const std::string lowered = Lowercase(text);
  const std::vector<std::string_view> words = SplitWords(lowered);
  if (words.empty()) return BadSchedule(text, "empty");
  if (words[0] == "every") return ParseEvery(text, words);
  if (words[0] == "daily" || words[0] == "weekly" || words[0] == "monthly") return ParseCalendar(text, words);
  return BadSchedule(text, "unknown kind '" + std::string(words[0]) + "'");
}

std::string FormatSchedule(const ScheduleSpec& spec) {
  if (spec.kind == ScheduleKind::kInterval) {
    const std::int64_t count = spec.interval.count();
    if (count % 86400 == 0) return "every " + std::to_string(count / 86400) + "d";
    if (count % 3600 == 0) return "every " + std::to_string(count / 3600) + "h";
    if (count % 60 == 0) return "every " + std::to_string(count / 60) + "m";
    return "every " + std::to_string(count) + "s";
  }
  const auto minutes_total = spec.time_of_day.count();
  char time_text[8];
  (void)std::snprintf(time_text, sizeof time_text, "%02d:%02d", static_cast<int>(minutes_total / 60),
                      static_cast<int>(minutes_total % 60));
  switch (spec.kind) {
    case ScheduleKind::kDaily: return std::string("daily ") + time_text;
    case ScheduleKind::kWeekly: {
      std::string list;
      for (const unsigned weekday : kWeekdayListingOrder) {
        if ((spec.weekdays_mask & (1u << weekday)) == 0) continue;
        if (!list.empty()) list += ',';
        list += kWeekdayNames[weekday];
      }
      return "weekly " + list + " " + time_text;
    }
    case ScheduleKind::kMonthly: return "monthly " + std::to_string(spec.day_of_month) + " " + time_text;
    case ScheduleKind::kInterval: break;
  }
  RAPPORT_UNREACHABLE();
}

Timestamp NextOccurrence(const ScheduleSpec& spec, const date::time_zone& zone, Timestamp after) {
  if (spec.kind == ScheduleKind::kInterval) {
    const std::int64_t period_us = std::chrono::duration_cast<Microseconds>(spec.interval).count();
    RAPPORT_ASSERT(period_us > 0);
    return FromUnixMicros((FloorDivide(ToUnixMicros(after), period_us) + 1) * period_us);
  }
  RAPPORT_ASSERT(spec.kind != ScheduleKind::kWeekly || spec.weekdays_mask != 0);
  // Start two days early: a gap or a large offset can move an earlier local
  // date's occurrence past `after`.
  const date::local_days first_day = LocalDay(zone, after) - days(2);
  for (int offset = 0; offset <= kScanDaysMax; ++offset) {
    const date::local_days day = first_day + days(offset);
    if (!MatchesDate(spec, day)) continue;
    const Timestamp occurrence = OccurrenceOn(spec, zone, day);
    if (occurrence > after) return occurrence;
  }
  RAPPORT_UNREACHABLE();
}

Timestamp LatestOccurrence(const ScheduleSpec& spec, const date::time_zone& zone, Timestamp at_or_before) {
  if (spec.kind == ScheduleKind::kInterval) {
    const std::int64_t period_us = std::chrono::duration_cast<Microseconds>(spec.interval).count();
    RAPPORT_ASSERT(period_us > 0);
    return FromUnixMicros(FloorDivide(ToUnixMicros(at_or_before), period_us) * period_us);
  }
  RAPPORT_ASSERT(spec.kind != ScheduleKind::kWeekly || spec.weekdays_mask != 0);
  const date::local_days last_day = LocalDay(zone, at_or_before) + days(2);
  for (int offset = 0; offset <= kScanDaysMax; ++offset) {
    const date::local_days day = last_day - days(offset);
    if (!MatchesDate(spec, day)) continue;
    const Timestamp occurrence = OccurrenceOn(spec, zone, day);
    if (occurrence <= at_or_before) return occurrence;
  }
  RAPPORT_UNREACHABLE();
}

}  // namespace rapport::domain

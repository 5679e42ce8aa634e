#include "rapport/base/clock.h"

#include <charconv>
#include <cstdio>

namespace rapport {
namespace {

bool ParseDigits(std::string_view text, std::size_t offset, std::size_t count, int& out) {
  if (offset + count > text.size()) return false;
  int value = 0;
  for (std::size_t i = offset; i < offset + count; ++i) {
    if (text[i] < '0' || text[i] > '9') return false;
    value = value * 10 + (text[i] - '0');
  }
  out = value;
  return true;
}

Status BadTimestamp(std::string_view text) {
  return InvalidArgument("'" + std::string(text.substr(0, 64)) +
                         "' is not an RFC 3339 timestamp (e.g. 2026-11-23T08:15:00Z)");
}

}  // namespace

Timestamp SystemClock::Now() const {
  return std::chrono::time_point_cast<Microseconds>(std::chrono::system_clock::now());
}

std::string FormatRfc3339(Timestamp t) {
  using namespace std::chrono;
  const auto day = floor<days>(t);
  const year_month_day ymd(day);
  const hh_mm_ss<Microseconds> time(t - day);
  char buffer[40];
  (void)std::snprintf(buffer, sizeof buffer, "%04d-%02u-%02uT%02d:%02d:%02d.%06ldZ", static_cast<int>(ymd.year()),
                      static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                      static_cast<int>(time.hours().count()), static_cast<int>(time.minutes().count()),
                      static_cast<int>(time.seconds().count()), static_cast<long>(time.subseconds().count()));
  return buffer;
}

Result<Timestamp> ParseRfc3339(std::string_view text) {
  using namespace std::chrono;
  int year = 0, month = 0, day_of_month = 0, hour = 0, minute = 0, second = 0;
  if (text.size() < 20 || text[4] != '-' || text[7] != '-' || (text[10] != 'T' && text[10] != 't' && text[10] != ' ') ||
      text[13] != ':' || text[16] != ':' || !ParseDigits(text, 0, 4, year) || !ParseDigits(text, 5, 2, month) ||
      !ParseDigits(text, 8, 2, day_of_month) || !ParseDigits(text, 11, 2, hour) || !ParseDigits(text, 14, 2, minute) ||
      !ParseDigits(text, 17, 2, second)) {
    return BadTimestamp(text);
  }
  const year_month_day ymd{std::chrono::year(year), std::chrono::month(static_cast<unsigned>(month)),
                           std::chrono::day(static_cast<unsigned>(day_of_month))};
  // Leap seconds (:60) are not representable in sys_time; reject them explicitly.
  if (!ymd.ok() || hour > 23 || minute > 59 || second > 59) return BadTimestamp(text);

  std::size_t position = 19;
  std::int64_t fraction_us = 0;
  if (position < text.size() && text[position] == '.') {
    ++position;
    std::size_t digits = 0;
    std::int64_t scale = 100'000;
    while (position < text.size() && text[position] >= '0' && text[position] <= '9') {
      if (digits < 6) fraction_us += (text[position] - '0') * scale;
      scale /= 10;
      ++digits;
      ++position;
    }
    if (digits == 0 || digits > 9) return BadTimestamp(text);
  }
  if (position >= text.size()) return BadTimestamp(text);

  minutes offset{0};
  if (text[position] == 'Z' || text[position] == 'z') {
    ++position;
  } else if (text[position] == '+' || text[position] == '-') {
    int offset_hours = 0, offset_minutes = 0;
    if (position + 6 != text.size() || text[position + 3] != ':' || !ParseDigits(text, position + 1, 2, offset_hours) ||
        !ParseDigits(text, position + 4, 2, offset_minutes) || offset_hours > 23 || offset_minutes > 59) {
      return BadTimestamp(text);
    }
    offset = hours(offset_hours) + minutes(offset_minutes);
    if (text[position] == '-') offset = -offset;
    position += 6;
  } else {
    return BadTimestamp(text);
  }
  if (position != text.size()) return BadTimestamp(text);

  const auto local = sys_days(ymd) + hours(hour) + minutes(minute) + seconds(second) + Microseconds(fraction_us);
  return Timestamp(local - offset);
}

}  // namespace rapport

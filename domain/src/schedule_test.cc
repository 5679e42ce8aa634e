#include "rapport/domain/schedule.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace rapport::domain {
namespace {

using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::seconds;

Timestamp At(std::string_view rfc3339) { return ParseRfc3339(rfc3339).value(); }
const date::time_zone& Zone(std::string_view name) { return *date::locate_zone(name); }
ScheduleSpec Spec(std::string_view text) { return ParseSchedule(text).value(); }

std::string Next(std::string_view spec, std::string_view zone, std::string_view after) {
  return FormatRfc3339(NextOccurrence(Spec(spec), Zone(zone), At(after)));
}
std::string Latest(std::string_view spec, std::string_view zone, std::string_view at_or_before) {
  return FormatRfc3339(LatestOccurrence(Spec(spec), Zone(zone), At(at_or_before)));
}

// --- parsing ---------------------------------------------------------------

TEST(ParseScheduleTest, AcceptsEveryForm) {
  EXPECT_EQ(Spec("every 30s"), (ScheduleSpec{.kind = ScheduleKind::kInterval, .interval = seconds(30)}));
  EXPECT_EQ(Spec("every 5m").interval, minutes(5));
  EXPECT_EQ(Spec("every 2h").interval, hours(2));
  EXPECT_EQ(Spec("every 1d").interval, hours(24));
  EXPECT_EQ(Spec("daily 03:00"), (ScheduleSpec{.kind = ScheduleKind::kDaily, .time_of_day = hours(3)}));
  EXPECT_EQ(Spec("daily 3:30").time_of_day, hours(3) + minutes(30));
  const ScheduleSpec weekly = Spec("weekly mon,thu 09:30");
  EXPECT_EQ(weekly.kind, ScheduleKind::kWeekly);
  EXPECT_EQ(weekly.weekdays_mask, (1u << 1) | (1u << 4));
  EXPECT_EQ(weekly.time_of_day, hours(9) + minutes(30));
  const ScheduleSpec monthly = Spec("monthly 1 08:00");
  EXPECT_EQ(monthly.kind, ScheduleKind::kMonthly);
  EXPECT_EQ(monthly.day_of_month, 1);
}

TEST(ParseScheduleTest, IgnoresCaseAndExtraSpaces) {
  EXPECT_EQ(Spec("  Weekly   SUN,Sat  23:59 "), Spec("weekly sat,sun 23:59"));
  EXPECT_EQ(Spec("DAILY 00:00"), Spec("daily 00:00"));
}

TEST(ParseScheduleTest, FormatRoundTrips) {
  for (const std::string_view text :
       {"every 30s", "every 90s", "every 5m", "every 2h", "every 3d", "daily 03:00", "weekly mon,thu 09:30",
        "weekly mon,tue,wed,thu,fri,sat,sun 00:05", "monthly 31 23:59"}) {
    EXPECT_EQ(FormatSchedule(Spec(text)), text);
  }
  EXPECT_EQ(FormatSchedule(Spec("every 120s")), "every 2m");
  EXPECT_EQ(FormatSchedule(Spec("weekly sun,mon 7:05")), "weekly mon,sun 07:05");
}

TEST(ParseScheduleTest, RejectsMalformedTextWithClearErrors) {
  for (const std::string_view text : {"",
                                      "   ",
                                      "hourly",
                                      "every",
                                      "every 0s",
                                      "every -5s",
                                      "every 5",
                                      "every 5x",
                                      "every s",
                                      "every 5m 10s",
                                      "daily",
                                      "daily 24:00",
                                      "daily 12:60",
                                      "daily 3:7",
                                      "daily 123:00",
                                      "daily 0300",
                                      "daily 03:00 extra",
                                      "weekly 09:30",
                                      "weekly mon,mon 09:30",
                                      "weekly funday 09:30",
                                      "weekly mon, 09:30",
                                      "weekly ,mon 09:30",
                                      "monthly 0 08:00",
                                      "monthly 32 08:00",
                                      "monthly x 08:00",
                                      "monthly 08:00"}) {
    const Result<ScheduleSpec> parsed = ParseSchedule(text);
    ASSERT_FALSE(parsed.ok()) << text;
    EXPECT_EQ(parsed.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(parsed.status().message().find("expected 'every"), std::string::npos) << parsed.status().message();
  }
}

TEST(ParseScheduleTest, EnforcesLimits) {
  EXPECT_TRUE(ParseSchedule("every 31d").ok());
  EXPECT_FALSE(ParseSchedule("every 32d").ok());
  EXPECT_FALSE(ParseSchedule("every 2678401s").ok());
  EXPECT_TRUE(ParseSchedule("every 2678400s").ok());
  const std::string longest = "daily 03:00" + std::string(kScheduleTextBytesMax - 11, ' ');
  EXPECT_TRUE(ParseSchedule(longest).ok());
  EXPECT_FALSE(ParseSchedule(longest + " ").ok());
}

// --- intervals -------------------------------------------------------------

TEST(IntervalScheduleTest, AnchoredToTheEpochNotToTheStart) {
  EXPECT_EQ(Next("every 30s", "UTC", "2026-01-01T12:00:10Z"), "2026-01-01T12:00:30.000000Z");
  EXPECT_EQ(Next("every 5m", "Europe/Moscow", "2026-01-01T12:03:59.5Z"), "2026-01-01T12:05:00.000000Z");
  EXPECT_EQ(Latest("every 5m", "Europe/Moscow", "2026-01-01T12:03:59.5Z"), "2026-01-01T12:00:00.000000Z");
}

TEST(IntervalScheduleTest, NextIsStrictlyAfterAndLatestIncludesTheInstant) {
  EXPECT_EQ(Next("every 30s", "UTC", "2026-01-01T12:00:30Z"), "2026-01-01T12:01:00.000000Z");
  EXPECT_EQ(Latest("every 30s", "UTC", "2026-01-01T12:00:30Z"), "2026-01-01T12:00:30.000000Z");
  EXPECT_EQ(Latest("every 30s", "UTC", "2026-01-01T12:00:29.999999Z"), "2026-01-01T12:00:00.000000Z");
}

TEST(IntervalScheduleTest, WorksBeforeTheEpoch) {
  EXPECT_EQ(Next("every 1h", "UTC", "1969-12-31T22:30:00Z"), "1969-12-31T23:00:00.000000Z");
  EXPECT_EQ(Latest("every 1h", "UTC", "1969-12-31T22:30:00Z"), "1969-12-31T22:00:00.000000Z");
}

// --- daily, weekly, monthly --------------------------------------------------

TEST(CalendarScheduleTest, DailyInMoscowIsThreeHoursAheadOfUtc) {
  EXPECT_EQ(Next("daily 03:00", "Europe/Moscow", "2026-06-01T00:00:00Z"), "2026-06-02T00:00:00.000000Z");
  EXPECT_EQ(Next("daily 03:00", "Europe/Moscow", "2026-05-31T23:59:59Z"), "2026-06-01T00:00:00.000000Z");
  EXPECT_EQ(Latest("daily 03:00", "Europe/Moscow", "2026-06-01T00:00:00Z"), "2026-06-01T00:00:00.000000Z");
  // 23:30 Moscow on 1 June is 20:30 UTC; a UTC instant late on 1 June is already 2 June in Moscow.
  EXPECT_EQ(Next("daily 23:30", "Europe/Moscow", "2026-06-01T21:00:00Z"), "2026-06-02T20:30:00.000000Z");
}

TEST(CalendarScheduleTest, MoscowBeforeAndAfterTheAbolitionOfDaylightSaving) {
  // Summer 2010: MSD (UTC+4).
  EXPECT_EQ(Next("daily 12:00", "Europe/Moscow", "2010-07-01T00:00:00Z"), "2010-07-01T08:00:00.000000Z");
  // 28 March 2010: 02:00 MSK jumped to 03:00 MSD; 02:30 does not exist and runs at the jump.
  EXPECT_EQ(Next("daily 02:30", "Europe/Moscow", "2010-03-27T12:00:00Z"), "2010-03-27T23:00:00.000000Z");
  EXPECT_EQ(Next("daily 02:30", "Europe/Moscow", "2010-03-27T23:00:00Z"), "2010-03-28T22:30:00.000000Z");
  // 26 October 2014: the permanent move from UTC+4 to UTC+3 repeated 01:00-02:00.
  EXPECT_EQ(Next("daily 01:30", "Europe/Moscow", "2014-10-25T12:00:00Z"), "2014-10-25T21:30:00.000000Z");
  EXPECT_EQ(Next("daily 01:30", "Europe/Moscow", "2014-10-25T21:30:00Z"), "2014-10-26T22:30:00.000000Z");
}

TEST(CalendarScheduleTest, NewYorkSpringForwardRunsAtTheEndOfTheGap) {
  // 10 March 2024: 02:00 EST became 03:00 EDT (07:00 UTC).
  EXPECT_EQ(Next("daily 02:30", "America/New_York", "2024-03-09T12:00:00Z"), "2024-03-10T07:00:00.000000Z");
  EXPECT_EQ(Next("daily 02:30", "America/New_York", "2024-03-10T07:00:00Z"), "2024-03-11T06:30:00.000000Z");
  EXPECT_EQ(Latest("daily 02:30", "America/New_York", "2024-03-10T06:59:59Z"), "2024-03-09T07:30:00.000000Z");
  EXPECT_EQ(Latest("daily 02:30", "America/New_York", "2024-03-10T07:00:00Z"), "2024-03-10T07:00:00.000000Z");
  // Times outside the gap keep their wall-clock hour across the change.
  EXPECT_EQ(Next("daily 09:00", "America/New_York", "2024-03-09T15:00:00Z"), "2024-03-10T13:00:00.000000Z");
}

TEST(CalendarScheduleTest, NewYorkFallBackRunsOnceAtTheEarlierInstant) {
  // 3 November 2024: 02:00 EDT became 01:00 EST; 01:30 happened at 05:30 and 06:30 UTC.
  EXPECT_EQ(Next("daily 01:30", "America/New_York", "2024-11-02T12:00:00Z"), "2024-11-03T05:30:00.000000Z");
  EXPECT_EQ(Next("daily 01:30", "America/New_York", "2024-11-03T05:30:00Z"), "2024-11-04T06:30:00.000000Z");
  EXPECT_EQ(Latest("daily 01:30", "America/New_York", "2024-11-03T06:45:00Z"), "2024-11-03T05:30:00.000000Z");
}

TEST(CalendarScheduleTest, WeeklyPicksListedWeekdaysInLocalTime) {
  // 1 January 2026 is a Thursday.
  EXPECT_EQ(Next("weekly mon,thu 09:30", "America/New_York", "2026-01-01T00:00:00Z"), "2026-01-01T14:30:00.000000Z");
  EXPECT_EQ(Next("weekly mon,thu 09:30", "America/New_York", "2026-01-01T14:30:00Z"), "2026-01-05T14:30:00.000000Z");
  EXPECT_EQ(Latest("weekly mon,thu 09:30", "America/New_York", "2026-01-05T14:29:00Z"), "2026-01-01T14:30:00.000000Z");
  // Sunday 00:30 in Moscow is still Saturday in UTC.
  EXPECT_EQ(Next("weekly sun 00:30", "Europe/Moscow", "2026-01-01T00:00:00Z"), "2026-01-03T21:30:00.000000Z");
}

TEST(CalendarScheduleTest, MonthlyClampsToTheLastDayOfShortMonths) {
  EXPECT_EQ(Next("monthly 31 08:00", "UTC", "2026-04-01T00:00:00Z"), "2026-04-30T08:00:00.000000Z");
  EXPECT_EQ(Next("monthly 31 08:00", "UTC", "2026-04-30T08:00:00Z"), "2026-05-31T08:00:00.000000Z");
  EXPECT_EQ(Next("monthly 30 08:00", "UTC", "2023-02-01T00:00:00Z"), "2023-02-28T08:00:00.000000Z");
  EXPECT_EQ(Latest("monthly 31 08:00", "UTC", "2026-03-01T00:00:00Z"), "2026-02-28T08:00:00.000000Z");
  EXPECT_EQ(Next("monthly 1 08:00", "Europe/Moscow", "2026-12-31T12:00:00Z"), "2027-01-01T05:00:00.000000Z");
}

TEST(CalendarScheduleTest, February29thInLeapYearsOnly) {
  EXPECT_EQ(Next("monthly 29 00:00", "UTC", "2024-02-01T00:00:00Z"), "2024-02-29T00:00:00.000000Z");
  EXPECT_EQ(Next("monthly 29 00:00", "UTC", "2023-02-01T00:00:00Z"), "2023-02-28T00:00:00.000000Z");
  EXPECT_EQ(Next("monthly 29 00:00", "UTC", "2023-02-28T00:00:00Z"), "2023-03-29T00:00:00.000000Z");
  EXPECT_EQ(Next("monthly 29 00:00", "UTC", "2100-02-01T00:00:00Z"), "2100-02-28T00:00:00.000000Z");  // not leap
  EXPECT_EQ(Next("monthly 29 00:00", "UTC", "2000-02-01T00:00:00Z"), "2000-02-29T00:00:00.000000Z");  // leap
  EXPECT_EQ(Next("daily 12:00", "Europe/Moscow", "2024-02-28T12:00:00Z"), "2024-02-29T09:00:00.000000Z");
}

TEST(CalendarScheduleTest, MonthlyOnASpringForwardDayRunsAtTheEndOfTheGap) {
  // New York's 2024 spring-forward fell on 10 March: 02:15 does not exist that day.
  EXPECT_EQ(Next("monthly 10 02:15", "America/New_York", "2024-03-01T00:00:00Z"), "2024-03-10T07:00:00.000000Z");
}

// Properties over a year of instants in zones with and without daylight saving:
// Latest ≤ t < Next, both are occurrences, and nothing lies strictly between them.
TEST(CalendarScheduleTest, NextAndLatestAgreeEverywhere) {
  const std::vector<std::string_view> zones = {"UTC", "Europe/Moscow", "America/New_York", "Australia/Lord_Howe",
                                               "Pacific/Apia"};
  const std::vector<std::string_view> specs = {"every 7m",        "daily 02:30",          "daily 01:30",
                                               "daily 00:00",     "weekly mon,sat 23:45", "monthly 31 02:10",
                                               "monthly 29 12:00"};
  for (const std::string_view zone_name : zones) {
    const date::time_zone& zone = Zone(zone_name);
    for (const std::string_view spec_text : specs) {
      const ScheduleSpec spec = Spec(spec_text);
      // 2011 includes Samoa skipping 30 December; steps of 7h13m visit every hour of the day.
      for (Timestamp t = At("2011-01-01T00:00:00Z"); t < At("2012-01-10T00:00:00Z"); t += hours(7) + minutes(13)) {
        const Timestamp next = NextOccurrence(spec, zone, t);
        const Timestamp latest = LatestOccurrence(spec, zone, t);
        ASSERT_LE(latest, t) << spec_text << " " << zone_name << " " << FormatRfc3339(t);
        ASSERT_GT(next, t) << spec_text << " " << zone_name << " " << FormatRfc3339(t);
        ASSERT_EQ(LatestOccurrence(spec, zone, next), next) << spec_text << " " << zone_name;
        ASSERT_EQ(NextOccurrence(spec, zone, latest), next) << spec_text << " " << zone_name << " " << FormatRfc3339(t);
      }
    }
  }
}

}  // namespace
}  // namespace rapport::domain

#include "rapport/base/clock.h"

#include <gtest/gtest.h>

namespace rapport {
namespace {

using namespace std::chrono_literals;

TEST(Rfc3339Test, RoundTripsUtc) {
  Result<Timestamp> parsed = ParseRfc3339("2026-11-23T08:15:00.123456Z");
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ(FormatRfc3339(*parsed), "2026-11-23T08:15:00.123456Z");
}

TEST(Rfc3339Test, AppliesOffsets) {
  EXPECT_EQ(FormatRfc3339(ParseRfc3339("2026-03-01T03:00:00+03:00").value()), "2026-03-01T00:00:00.000000Z");
  EXPECT_EQ(FormatRfc3339(ParseRfc3339("2026-02-28T23:30:00-01:00").value()), "2026-03-01T00:30:00.000000Z");
}

TEST(Rfc3339Test, AcceptsLeapDayAndTruncatesNanoseconds) {
  EXPECT_EQ(FormatRfc3339(ParseRfc3339("2024-02-29T12:00:00.123456789Z").value()), "2024-02-29T12:00:00.123456Z");
}

TEST(Rfc3339Test, RejectsMalformed) {
  for (std::string_view text :
       {"", "2026-11-23", "2026-11-23T08:15:00", "2025-02-29T00:00:00Z", "2026-13-01T00:00:00Z", "2026-11-23T24:00:00Z",
        "2026-11-23T08:15:60Z", "2026-11-23T08:15:00.Z", "2026-11-23T08:15:00+0300", "2026-11-23T08:15:00Zjunk",
        "2026-11-23T08:15:00.1234567890Z"}) {
    Result<Timestamp> parsed = ParseRfc3339(text);
    EXPECT_FALSE(parsed.ok()) << text;
  }
}

TEST(FakeClockTest, MovesOnlyWhenTold) {
  FakeClock clock(FromUnixMicros(1'000'000));
  EXPECT_EQ(ToUnixMicros(clock.Now()), 1'000'000);
  clock.Advance(2s);
  EXPECT_EQ(ToUnixMicros(clock.Now()), 3'000'000);
}

}  // namespace
}  // namespace rapport

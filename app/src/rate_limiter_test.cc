#include "rapport/app/rate_limiter.h"

#include <string>

#include <gtest/gtest.h>

namespace rapport::app {
namespace {

Timestamp At(std::int64_t seconds) { return FromUnixMicros(seconds * 1'000'000); }

TEST(RateLimiterTest, BlocksAfterTheLimitUntilTheOldestFailureLeavesTheWindow) {
  RateLimiter limiter;
  const FailureWindow window{.limit = 3, .window_us = 60'000'000};
  limiter.RecordFailure("account:a", window, At(0));
  limiter.RecordFailure("account:a", window, At(10));
  EXPECT_EQ(limiter.BlockedForSeconds("account:a", window, At(11)), 0);
  limiter.RecordFailure("account:a", window, At(20));
  EXPECT_EQ(limiter.BlockedForSeconds("account:a", window, At(21)), 39);  // the failure at 0 leaves at 60
  EXPECT_EQ(limiter.BlockedForSeconds("account:b", window, At(21)), 0);   // keys are independent
  EXPECT_EQ(limiter.BlockedForSeconds("account:a", window, At(60)), 0);
}

TEST(RateLimiterTest, ClearingForgetsFailures) {
  RateLimiter limiter;
  const FailureWindow window{.limit = 1, .window_us = 60'000'000};
  limiter.RecordFailure("account:a", window, At(0));
  EXPECT_GT(limiter.BlockedForSeconds("account:a", window, At(1)), 0);
  limiter.ClearFailures("account:a");
  EXPECT_EQ(limiter.BlockedForSeconds("account:a", window, At(1)), 0);
}

TEST(RateLimiterTest, TokenBucketAllowsTheBurstThenTheRate) {
  RateLimiter limiter;
  for (int i = 0; i < 5; ++i) EXPECT_EQ(limiter.TakeRequest("token:1", 2.0, 5, At(100)), 0) << i;
  EXPECT_EQ(limiter.TakeRequest("token:1", 2.0, 5, At(100)), 1);
  // Half a second later one request has accrued at 2 per second.
  EXPECT_EQ(limiter.TakeRequest("token:1", 2.0, 5, FromUnixMicros(100'500'000)), 0);
  EXPECT_EQ(limiter.TakeRequest("token:1", 2.0, 5, FromUnixMicros(100'500'000)), 1);
  EXPECT_EQ(limiter.TakeRequest("token:2", 2.0, 5, At(100)), 0);
}

TEST(RateLimiterTest, ZeroRateMeansUnlimited) {
  RateLimiter limiter;
  for (int i = 0; i < 1000; ++i) ASSERT_EQ(limiter.TakeRequest("token:1", 0, 1, At(0)), 0);
  EXPECT_EQ(limiter.size(), 0u);
}

TEST(RateLimiterTest, KeyCountIsBounded) {
  RateLimiter limiter(/*keys_max=*/100);
  const FailureWindow window{.limit = 5, .window_us = 60'000'000};
  for (int i = 0; i < 1000; ++i) limiter.RecordFailure("address:" + std::to_string(i), window, At(i));
  EXPECT_LE(limiter.size(), 100u);
  // The newest key survives eviction.
  limiter.RecordFailure("address:999", window, At(1000));
  EXPECT_EQ(limiter.BlockedForSeconds("address:999", window, At(1000)), 0);
}

}  // namespace
}  // namespace rapport::app

#include "rapport/domain/retry_policy.h"

#include <gtest/gtest.h>

namespace rapport::domain {
namespace {

using std::chrono::milliseconds;

TEST(RetryDelayTest, GrowsExponentiallyWithinJitter) {
  RetryPolicy policy{.base = milliseconds(1000), .cap = milliseconds(60'000), .attempts_max = 10};
  EXPECT_EQ(RetryDelay(policy, 1, 0.999999).value(), milliseconds(999));
  EXPECT_EQ(RetryDelay(policy, 2, 0.5).value(), milliseconds(1000));
  EXPECT_EQ(RetryDelay(policy, 3, 0.5).value(), milliseconds(2000));
  EXPECT_EQ(RetryDelay(policy, 1, 0.0).value(), milliseconds(0));
}

TEST(RetryDelayTest, NeverExceedsCap) {
  RetryPolicy policy{.base = milliseconds(1000), .cap = milliseconds(60'000), .attempts_max = 100};
  EXPECT_EQ(RetryDelay(policy, 99, 0.5).value(), milliseconds(30'000));
}

TEST(RetryDelayTest, StopsAfterLastAttempt) {
  RetryPolicy policy{.attempts_max = 3};
  EXPECT_TRUE(RetryDelay(policy, 2, 0.1).has_value());
  EXPECT_FALSE(RetryDelay(policy, 3, 0.1).has_value());
}

}  // namespace
}  // namespace rapport::domain

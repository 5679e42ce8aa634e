#include "rapport/base/points.h"

#include <limits>

#include <gtest/gtest.h>

namespace rapport {
namespace {

TEST(PointsTest, Arithmetic) {
  Points balance(100);
  balance += Points(40);
  balance -= Points(150);
  EXPECT_EQ(balance.count(), -10);
  EXPECT_TRUE(balance.negative());
  EXPECT_EQ((-balance).count(), 10);
  EXPECT_LT(Points(1), Points(2));
}

TEST(PointsDeathTest, OverflowIsABug) {
  Points big(std::numeric_limits<std::int64_t>::max());
  EXPECT_DEATH((void)(big + Points(1)), "invariant violated");
}

}  // namespace
}  // namespace rapport

#include "store_health.h"

#include <gtest/gtest.h>

namespace rapport::http {
namespace {

using namespace std::chrono_literals;

class StoreHealthTest : public ::testing::Test {
 protected:
  FakeClock clock_{FromUnixMicros(1'000'000)};
  StoreHealth health_{clock_, 500ms};
};

TEST_F(StoreHealthTest, FirstProbePings) { EXPECT_FALSE(health_.Begin().has_value()); }

TEST_F(StoreHealthTest, FreshAnswerIsReusedUntilItAges) {
  ASSERT_FALSE(health_.Begin());
  health_.Finish(Status::Ok());
  clock_.Advance(499ms);
  ASSERT_TRUE(health_.Begin().has_value());
  EXPECT_TRUE(health_.Begin()->ok());
  clock_.Advance(1ms);
  EXPECT_FALSE(health_.Begin().has_value()) << "an answer max_age old is refreshed";
}

TEST_F(StoreHealthTest, OnlyOneProbeRefreshesAStaleAnswer) {
  ASSERT_FALSE(health_.Begin());
  health_.Finish(Status::Ok());
  clock_.Advance(1s);
  EXPECT_FALSE(health_.Begin().has_value());  // this one refreshes
  std::optional<Status> other = health_.Begin();
  ASSERT_TRUE(other.has_value()) << "others answer with the last status meanwhile";
  EXPECT_TRUE(other->ok());
}

TEST_F(StoreHealthTest, FailuresAreReportedAndRecoveryIsSeenAfterMaxAge) {
  ASSERT_FALSE(health_.Begin());
  health_.Finish(Unavailable("database is locked"));
  EXPECT_EQ(health_.Begin()->code(), StatusCode::kUnavailable);
  clock_.Advance(500ms);
  ASSERT_FALSE(health_.Begin());
  health_.Finish(Status::Ok());
  EXPECT_TRUE(health_.Begin()->ok());
}

}  // namespace
}  // namespace rapport::http

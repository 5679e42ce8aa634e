#include "rapport/base/status.h"

#include <gtest/gtest.h>

namespace rapport {
namespace {

Result<int> Half(int value) {
  if (value % 2 != 0) return InvalidArgument("odd");
  return value / 2;
}

Result<int> Quarter(int value) {
  RAPPORT_ASSIGN_OR_RETURN(int half, Half(value));
  RAPPORT_ASSIGN_OR_RETURN(int quarter, Half(half));
  return quarter;
}

TEST(StatusTest, DefaultIsOk) {
  Status status;
  EXPECT_TRUE(status.ok());
  EXPECT_EQ(status.ToString(), "ok");
}

TEST(StatusTest, CarriesCodeAndMessageWithContext) {
  Status status = NotFound("contact 7").WithContext("loading card");
  EXPECT_EQ(status.code(), StatusCode::kNotFound);
  EXPECT_EQ(status.ToString(), "not_found: loading card: contact 7");
}

TEST(ResultTest, PropagatesFirstError) {
  EXPECT_EQ(Quarter(8).value(), 2);
  Result<int> failed = Quarter(6);
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.status().code(), StatusCode::kInvalidArgument);
}

TEST(ResultDeathTest, ValueOfErrorIsABug) {
  Result<int> failed = Half(3);
  EXPECT_DEATH((void)failed.value(), "invariant violated");
}

}  // namespace
}  // namespace rapport

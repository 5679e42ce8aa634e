#include "password_input.h"

#include <sodium.h>

#include <sstream>
#include <string>

#include <gtest/gtest.h>

namespace rapport::cli {
namespace {

TEST(ReadPasswordLineTest, StripsTheLineEnding) {
  std::istringstream unix_line("correct horse battery\n");
  EXPECT_EQ(ReadPasswordLine(unix_line).value(), "correct horse battery");
  std::istringstream windows_line("correct horse battery\r\n");
  EXPECT_EQ(ReadPasswordLine(windows_line).value(), "correct horse battery");
  std::istringstream no_line_end("correct horse battery");
  EXPECT_EQ(ReadPasswordLine(no_line_end).value(), "correct horse battery");
}

TEST(ReadPasswordLineTest, KeepsSpacesAndReadsOnlyTheFirstLine) {
  std::istringstream in("  spaced out  \nsecond line\n");
  EXPECT_EQ(ReadPasswordLine(in).value(), "  spaced out  ");
  std::string rest;
  std::getline(in, rest);
  EXPECT_EQ(rest, "second line");
}

TEST(ReadPasswordLineTest, RefusesAnEmptyLine) {
  for (const char* input : {"", "\n", "\r\n", "\nsecond line\n"}) {
    std::istringstream in(input);
    Result<std::string> password = ReadPasswordLine(in);
    ASSERT_FALSE(password.ok()) << input;
    EXPECT_EQ(password.status().code(), StatusCode::kInvalidArgument);
  }
}

TEST(ReadPasswordLineTest, ReadsUpToTheLimitAndNoFurther) {
  const std::string at_limit(kPasswordLineBytesMax, 'x');
  std::istringstream fits(at_limit + "\n");
  EXPECT_EQ(ReadPasswordLine(fits).value(), at_limit);
  std::istringstream too_long(at_limit + "x\n");
  Result<std::string> refused = ReadPasswordLine(too_long);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.status().message().find("longer than 1024 bytes"), std::string::npos);
}

TEST(ReadPasswordLineTest, OverlongPasswordsStillReachThePolicy) {
  // One byte over the policy's maximum is read whole, so the policy (not the
  // reader) says what is wrong with it.
  std::istringstream in(std::string(app::kPasswordBytesMax + 1, 'x') + "\r\n");
  Result<std::string> password = ReadPasswordLine(in);
  ASSERT_TRUE(password.ok());
  EXPECT_EQ(app::CheckPassword(*password), app::PasswordCheck::kPasswordTooLong);
}

TEST(ParsePasswordHashCostTest, DefaultUnlessAskedForTheMinimum) {
  const app::PasswordHashOptions defaults;
  for (const char* value : {static_cast<const char*>(nullptr), "", "default"}) {
    Result<app::PasswordHashOptions> cost = ParsePasswordHashCost(value);
    ASSERT_TRUE(cost.ok());
    EXPECT_EQ(cost->ops_limit, defaults.ops_limit);
    EXPECT_EQ(cost->mem_limit_bytes, defaults.mem_limit_bytes);
  }
  Result<app::PasswordHashOptions> minimum = ParsePasswordHashCost("min");
  ASSERT_TRUE(minimum.ok());
  EXPECT_EQ(minimum->ops_limit, crypto_pwhash_OPSLIMIT_MIN);
  EXPECT_EQ(minimum->mem_limit_bytes, crypto_pwhash_MEMLIMIT_MIN);
}

TEST(ParsePasswordHashCostTest, RefusesAnythingElse) {
  for (const char* value : {"MIN", "minimum", "0", " min"}) {
    Result<app::PasswordHashOptions> cost = ParsePasswordHashCost(value);
    ASSERT_FALSE(cost.ok()) << value;
    EXPECT_EQ(cost.status().code(), StatusCode::kInvalidArgument);
  }
}

}  // namespace
}  // namespace rapport::cli

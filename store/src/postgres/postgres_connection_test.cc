#include "postgres/postgres_connection.h"

#include <gtest/gtest.h>

namespace rapport::store {
namespace {

std::string Field(const SqlParam& param) {
  std::string out;
  AppendCopyField(param, out);
  return out;
}

TEST(CopyTextFormat, EscapesTheCharactersCopyGivesMeaning) {
  EXPECT_EQ(Field(std::string_view("plain")), "plain");
  EXPECT_EQ(Field(std::string_view("a\tb\nc\rd\\e")), "a\\tb\\nc\\rd\\\\e");
  EXPECT_EQ(Field(std::string_view("Ольга")), "Ольга");
  EXPECT_EQ(Field(std::string_view("\\N")), "\\\\N");  // the text "\N", not NULL
}

TEST(CopyTextFormat, WritesNullNumbersAndEmptyText) {
  EXPECT_EQ(Field(SqlNull{}), "\\N");
  EXPECT_EQ(Field(std::int64_t{-9'223'372'036'854'775'807}), "-9223372036854775807");
  EXPECT_EQ(Field(std::string_view()), "");
}

}  // namespace
}  // namespace rapport::store

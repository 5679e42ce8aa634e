#include "output.h"

#include <sstream>

#include <gtest/gtest.h>

namespace rapport::cli {
namespace {

TEST(TextTableTest, PadsColumnsToTheWidestCellButNotTheLast) {
  TextTable table({"ID", "EMAIL", "ROLE"});
  table.AddRow({"1", "admin@localhost", "admin"});
  table.AddRow({"12", "a@b.c", "analyst"});
  std::ostringstream out;
  table.Print(out);
  EXPECT_EQ(out.str(),
            "ID  EMAIL            ROLE\n"
            "1   admin@localhost  admin\n"
            "12  a@b.c            analyst\n");
}

TEST(TextTableTest, AnEmptyTableIsItsHeader) {
  TextTable table({"ID", "NAME"});
  std::ostringstream out;
  table.Print(out);
  EXPECT_EQ(out.str(), "ID  NAME\n");
  EXPECT_EQ(table.row_count(), 0U);
}

TEST(JsonQuotedTest, EscapesWhatJsonRequires) {
  EXPECT_EQ(JsonQuoted("plain"), "\"plain\"");
  EXPECT_EQ(JsonQuoted("say \"hi\"\\"), "\"say \\\"hi\\\"\\\\\"");
  EXPECT_EQ(JsonQuoted("a\nb\tc\r"), "\"a\\nb\\tc\\r\"");
  EXPECT_EQ(JsonQuoted(std::string("\x01\x1f", 2)), "\"\\u0001\\u001f\"");
  EXPECT_EQ(JsonQuoted("Анна"), "\"Анна\"");
}

}  // namespace
}  // namespace rapport::cli

// CSV cells, JSON strings and vCard values as export writes them.
#include "transfer/text_formats.h"

#include <gtest/gtest.h>

namespace rapport::app::transfer {
namespace {

std::string Cell(std::string_view value, char delimiter = ',') {
  std::string out;
  AppendCsvCell(out, value, delimiter);
  return out;
}

TEST(CsvCellTest, PlainValuesStayAsTheyAre) {
  EXPECT_EQ(Cell("Анна"), "Анна");
  EXPECT_EQ(Cell(""), "");
  EXPECT_EQ(Cell("a;b"), "a;b");
}

TEST(CsvCellTest, QuotesWhenNeeded) {
  EXPECT_EQ(Cell("a,b"), "\"a,b\"");
  EXPECT_EQ(Cell("say \"hi\""), "\"say \"\"hi\"\"\"");
  EXPECT_EQ(Cell("two\nlines"), "\"two\nlines\"");
  EXPECT_EQ(Cell(" padded"), "\" padded\"");
  EXPECT_EQ(Cell("a;b", ';'), "\"a;b\"");
}

TEST(CsvCellTest, EscapesFormulas) {
  EXPECT_EQ(Cell("=cmd|' /C calc'!A0"), "'=cmd|' /C calc'!A0");
  EXPECT_EQ(Cell("+1"), "'+1");
  EXPECT_EQ(Cell("-2"), "'-2");
  EXPECT_EQ(Cell("@SUM(A1)"), "'@SUM(A1)");
  EXPECT_EQ(Cell("\tx"), "'\tx");
  EXPECT_EQ(Cell("=a,b"), "\"'=a,b\"");
  EXPECT_EQ(Cell("a=b"), "a=b");
}

TEST(CsvCellTest, ImportRemovesTheApostropheAgain) {
  for (std::string_view value : {"=cmd", "+79161234567", "-2", "@x", "plain", "'quoted'", "'"}) {
    std::string cell = Cell(value);
    // What the CSV reader gives back for an unquoted cell is the cell itself.
    EXPECT_EQ(RemoveFormulaApostrophe(cell), value) << cell;
  }
  EXPECT_EQ(RemoveFormulaApostrophe("'abc"), "'abc");
  EXPECT_EQ(RemoveFormulaApostrophe("''=x"), "''=x");
}

TEST(JsonStringTest, EscapesWhatJsonRequires) {
  std::string out;
  AppendJsonString(out, "a\"b\\c\n\x01й");
  EXPECT_EQ(out, "\"a\\\"b\\\\c\\n\\u0001й\"");
}

TEST(VcardTest, EscapesBackslashCommaSemicolonAndNewlines) {
  EXPECT_EQ(VcardEscape("a\\b,c;d\ne\r\nf"), "a\\\\b\\,c\\;d\\ne\\nf");
}

TEST(VcardTest, ShortLinesAreNotFolded) {
  std::string out;
  AppendVcardLine(out, "FN:Anna");
  EXPECT_EQ(out, "FN:Anna\r\n");
}

TEST(VcardTest, FoldsAt75OctetsWithoutSplittingUtf8) {
  std::string out;
  const std::string line = "NOTE:" + std::string(200, 'x');
  AppendVcardLine(out, line);
  std::string unfolded;
  std::size_t start = 0;
  while (start < out.size()) {
    const std::size_t end = out.find("\r\n", start);
    ASSERT_NE(end, std::string::npos);
    const std::string physical = out.substr(start, end - start);
    EXPECT_LE(physical.size(), 75u);
    unfolded += start == 0 ? physical : physical.substr(1);
    if (start > 0) {
      EXPECT_EQ(physical[0], ' ');
    }
    start = end + 2;
  }
  EXPECT_EQ(unfolded, line);

  std::string cyrillic_out;
  std::string cyrillic = "FN:";
  for (int i = 0; i < 60; ++i) cyrillic += "Ж";  // 2 octets each
  AppendVcardLine(cyrillic_out, cyrillic);
  const std::size_t first_break = cyrillic_out.find("\r\n");
  EXPECT_EQ(first_break, 75u - 0u - ((75u - 3u) % 2u));  // a whole number of "Ж" after "FN:"
  std::string rejoined = cyrillic_out;
  std::size_t fold;
  while ((fold = rejoined.find("\r\n ")) != std::string::npos) rejoined.erase(fold, 3);
  EXPECT_EQ(rejoined, cyrillic + "\r\n");
}

}  // namespace
}  // namespace rapport::app::transfer

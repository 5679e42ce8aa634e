// CsvReader: RFC 4180 edge cases, delimiters, line numbers, limits, and the
// same records whatever size the source's reads are.
#include "transfer/csv_reader.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "transfer/test_sources.h"

namespace rapport::app::transfer {
namespace {

struct Row {
  std::uint64_t line = 0;
  std::vector<std::string> fields;
  std::string error;
  bool operator==(const Row&) const = default;
};

std::ostream& operator<<(std::ostream& out, const Row& row) {
  out << "{line " << row.line << ":";
  for (const std::string& field : row.fields) out << " [" << field << "]";
  return out << (row.error.empty() ? "" : " error: " + row.error) << "}";
}

std::vector<Row> ReadAll(const std::string& text, CsvOptions options = {}, std::size_t chunk = 1 << 20,
                         char* delimiter = nullptr) {
  StringSource source(text, chunk);
  CsvReader reader(source, options);
  std::vector<Row> rows;
  while (true) {
    Result<std::optional<CsvRecord>> record = reader.Next();
    EXPECT_TRUE(record.ok());
    if (!record.ok() || !record->has_value()) break;
    Row row{.line = (*record)->line, .fields = {}, .error = (*record)->error};
    for (std::string_view field : (*record)->fields) row.fields.emplace_back(field);
    rows.push_back(std::move(row));
  }
  if (delimiter != nullptr) *delimiter = reader.delimiter();
  EXPECT_EQ(reader.bytes_read(), text.size());
  return rows;
}

TEST(CsvReaderTest, ReadsPlainRecordsWithLineNumbers) {
  EXPECT_EQ(ReadAll("a,b\n1,2\n3,4\n"),
            (std::vector<Row>{{1, {"a", "b"}, ""}, {2, {"1", "2"}, ""}, {3, {"3", "4"}, ""}}));
}

TEST(CsvReaderTest, LastRecordWithoutLineBreak) {
  EXPECT_EQ(ReadAll("a,b\n1,2"), (std::vector<Row>{{1, {"a", "b"}, ""}, {2, {"1", "2"}, ""}}));
}

TEST(CsvReaderTest, SkipsTheUtf8ByteOrderMark) {
  EXPECT_EQ(ReadAll("\xEF\xBB\xBF"
                    "email;name\nx@y.z;A\n"),
            (std::vector<Row>{{1, {"email", "name"}, ""}, {2, {"x@y.z", "A"}, ""}}));
}

TEST(CsvReaderTest, DetectsSemicolonTabAndPipe) {
  char delimiter = 0;
  EXPECT_EQ(ReadAll("a;b;c\n1;2,5;3\n", {}, 1 << 20, &delimiter),
            (std::vector<Row>{{1, {"a", "b", "c"}, ""}, {2, {"1", "2,5", "3"}, ""}}));
  EXPECT_EQ(delimiter, ';');
  EXPECT_EQ(ReadAll("a\tb\n1\t2\n", {}, 1 << 20, &delimiter),
            (std::vector<Row>{{1, {"a", "b"}, ""}, {2, {"1", "2"}, ""}}));
  EXPECT_EQ(delimiter, '\t');
  ReadAll("a|b\n", {}, 1 << 20, &delimiter);
  EXPECT_EQ(delimiter, '|');
  ReadAll("single\n", {}, 1 << 20, &delimiter);
  EXPECT_EQ(delimiter, ',');
}

TEST(CsvReaderTest, DetectionIgnoresDelimitersInsideQuotes) { EXPECT_EQ(DetectDelimiter("\"a;b;c\",d,e\n"), ','); }

TEST(CsvReaderTest, GivenDelimiterWins) {
  CsvOptions options;
  options.delimiter = ';';
  EXPECT_EQ(ReadAll("a,b;c\n", options), (std::vector<Row>{{1, {"a,b", "c"}, ""}}));
}

TEST(CsvReaderTest, QuotedFieldsWithDoubledQuotesAndDelimiters) {
  EXPECT_EQ(ReadAll("\"a,1\",\"say \"\"hi\"\"\",\"\"\n"), (std::vector<Row>{{1, {"a,1", "say \"hi\"", ""}, ""}}));
}

TEST(CsvReaderTest, LineBreaksInsideQuotesCountPhysicalLines) {
  EXPECT_EQ(ReadAll("h1,h2\n\"multi\nline\",x\nnext,y\n"),
            (std::vector<Row>{{1, {"h1", "h2"}, ""}, {2, {"multi\nline", "x"}, ""}, {4, {"next", "y"}, ""}}));
}

TEST(CsvReaderTest, CrLfAndBareCrLineEnds) {
  EXPECT_EQ(ReadAll("a,b\r\n1,2\r\n\"x\r\ny\",3\r\n"),
            (std::vector<Row>{{1, {"a", "b"}, ""}, {2, {"1", "2"}, ""}, {3, {"x\r\ny", "3"}, ""}}));
  EXPECT_EQ(ReadAll("a\r1\r"), (std::vector<Row>{{1, {"a"}, ""}, {2, {"1"}, ""}}));
}

TEST(CsvReaderTest, SkipsEmptyLinesButKeepsTheirNumbers) {
  EXPECT_EQ(ReadAll("a\n\n\r\n1\n\n"), (std::vector<Row>{{1, {"a"}, ""}, {4, {"1"}, ""}}));
}

TEST(CsvReaderTest, EmptyFieldsAndTrailingDelimiter) {
  EXPECT_EQ(ReadAll(",,\nx,\n"), (std::vector<Row>{{1, {"", "", ""}, ""}, {2, {"x", ""}, ""}}));
}

TEST(CsvReaderTest, EmptyFileHasNoRecords) { EXPECT_TRUE(ReadAll("").empty()); }

TEST(CsvReaderTest, TextAfterClosingQuoteIsARecordError) {
  const std::vector<Row> rows = ReadAll("\"a\"b,c\nok,1\n");
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].line, 1u);
  EXPECT_NE(rows[0].error.find("closing quote"), std::string::npos);
  EXPECT_EQ(rows[1], (Row{2, {"ok", "1"}, ""}));
}

TEST(CsvReaderTest, UnclosedQuoteAtEndIsARecordError) {
  const std::vector<Row> rows = ReadAll("a\n\"never closed\nmore\n");
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[1].line, 2u);
  EXPECT_NE(rows[1].error.find("not closed"), std::string::npos);
}

TEST(CsvReaderTest, OversizeRecordIsReportedAndReadingGoesOn) {
  CsvOptions options;
  options.row_bytes_max = 10;
  const std::vector<Row> rows =
      ReadAll("a,b\n" + std::string(30, 'x') + ",1\n\"" + std::string(20, 'y') + "\n\"\nc,d\n", options, 7);
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_TRUE(rows[0].error.empty());
  EXPECT_NE(rows[1].error.find("longer than 10 bytes"), std::string::npos);
  EXPECT_EQ(rows[2].line, 3u);
  EXPECT_NE(rows[2].error.find("longer than 10 bytes"), std::string::npos);
  EXPECT_EQ(rows[3], (Row{5, {"c", "d"}, ""}));
}

TEST(CsvReaderTest, TooManyColumnsIsARecordError) {
  CsvOptions options;
  options.columns_max = 3;
  const std::vector<Row> rows = ReadAll("a,b,c\n1,2,3,4\n", options);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_TRUE(rows[0].error.empty());
  EXPECT_NE(rows[1].error.find("more than 3 columns"), std::string::npos);
}

TEST(CsvReaderTest, InvalidUtf8IsARecordError) {
  const std::vector<Row> rows = ReadAll("name\n\xC3\x28\nАнна\n");
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_NE(rows[1].error.find("UTF-8"), std::string::npos);
  EXPECT_EQ(rows[2], (Row{3, {"Анна"}, ""}));
}

TEST(CsvReaderTest, SameRecordsForEveryReadSize) {
  const std::string text =
      "\xEF\xBB\xBF"
      "email;name;note\r\n"
      "a@b.c;\"Анна \"\"A\"\"\";\"line1\r\nline2\"\r\n"
      "\r\n"
      "d@e.f;Bob;\r\n";
  const std::vector<Row> expected = ReadAll(text);
  ASSERT_EQ(expected.size(), 3u);
  EXPECT_EQ(expected[2].line, 5u);
  for (std::size_t chunk : {1u, 2u, 3u, 5u, 8u, 13u}) {
    EXPECT_EQ(ReadAll(text, {}, chunk), expected) << "reads of " << chunk << " bytes";
  }
}

}  // namespace
}  // namespace rapport::app::transfer

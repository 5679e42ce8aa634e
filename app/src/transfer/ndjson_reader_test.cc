// NdjsonReader: flattening of objects, line numbers, and per-line errors.
#include "transfer/ndjson_reader.h"

#include <map>
#include <string>
#include <tuple>
#include <vector>

#include <gtest/gtest.h>

#include "transfer/test_sources.h"

namespace rapport::app::transfer {
namespace {

struct Line {
  std::uint64_t line = 0;
  std::map<std::string, std::string> pairs;
  std::string error;
};

std::vector<Line> ReadAll(const std::string& text, std::size_t chunk = 1 << 20, std::size_t line_max = 1 << 20) {
  StringSource source(text, chunk);
  NdjsonReader reader(source, line_max);
  std::vector<Line> lines;
  while (true) {
    Result<std::optional<NdjsonRecord>> record = reader.Next();
    EXPECT_TRUE(record.ok());
    if (!record.ok() || !record->has_value()) break;
    Line line{.line = (*record)->line, .pairs = {}, .error = (*record)->error};
    for (const auto& [key, value] : (*record)->pairs) line.pairs.emplace(std::string(key), std::string(value));
    lines.push_back(std::move(line));
  }
  return lines;
}

TEST(LineReaderTest, LinesWithoutBreaksAfterAByteOrderMarkAndTooLongOnesFlagged) {
  for (const std::size_t chunk : {std::size_t{1}, std::size_t{3}, std::size_t{1} << 20}) {
    StringSource source(
        "\xEF\xBB\xBF"
        "first\r\n\nlong line\nlast",
        chunk);
    LineReader lines(source, 6);  // "first\r" fits: the limit counts the CR of a CRLF
    std::vector<std::tuple<std::uint64_t, std::string, bool>> read;
    while (true) {
      Result<bool> got = lines.Next();
      ASSERT_TRUE(got.ok()) << got.status().ToString();
      if (!*got) break;
      read.emplace_back(lines.number(), lines.line(), lines.too_long());
    }
    const std::vector<std::tuple<std::uint64_t, std::string, bool>> expected = {
        {1, "first", false}, {2, "", false}, {3, "", true}, {4, "last", false}};
    EXPECT_EQ(read, expected) << "chunk " << chunk;
    EXPECT_EQ(lines.bytes_read(), 25u);
  }
}

TEST(NdjsonReaderTest, FlattensScalarsArraysAndObjects) {
  const std::vector<Line> lines = ReadAll(
      R"({"first_name":"Анна","age":42,"score":1.5,"vip":true,"birthday":null,"other_emails":["a@b.c","d@e.f"],)"
      R"("address":{"city":"Москва","country_code":"RU"},"custom":{"tier":"gold"}})"
      "\n");
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_TRUE(lines[0].error.empty()) << lines[0].error;
  EXPECT_EQ(lines[0].pairs, (std::map<std::string, std::string>{{"first_name", "Анна"},
                                                                {"age", "42"},
                                                                {"score", "1.5"},
                                                                {"vip", "true"},
                                                                {"other_emails", "a@b.c;d@e.f"},
                                                                {"address.city", "Москва"},
                                                                {"address.country_code", "RU"},
                                                                {"custom.tier", "gold"}}));
}

TEST(NdjsonReaderTest, CompaniesGiveThePrimaryLink) {
  const std::vector<Line> lines =
      ReadAll(R"({"companies":[{"company_id":1,"name":"A","job_title":"x","primary":false},)"
              R"({"company_id":2,"name":"B","job_title":"CFO","primary":true}]})"
              "\n");
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0].pairs, (std::map<std::string, std::string>{{"company", "B"}, {"job_title", "CFO"}}));
}

TEST(NdjsonReaderTest, BadLinesAreErrorsWithTheirLineNumbers) {
  const std::vector<Line> lines =
      ReadAll("{\"a\":1}\n\n{not json}\n[1,2]\n\"text\"\r\n{\"b\":\"\xC3\x28\"}\n{\"c\":2}");
  ASSERT_EQ(lines.size(), 6u);
  EXPECT_EQ(lines[0].line, 1u);
  EXPECT_TRUE(lines[0].error.empty());
  EXPECT_EQ(lines[1].line, 3u);
  EXPECT_NE(lines[1].error.find("not valid JSON"), std::string::npos) << lines[1].error;
  EXPECT_EQ(lines[2].line, 4u);
  EXPECT_EQ(lines[2].error, "the line is not a JSON object");
  EXPECT_EQ(lines[3].error, "the line is not a JSON object");
  EXPECT_NE(lines[4].error.find("UTF-8"), std::string::npos);
  EXPECT_EQ(lines[5].line, 7u);
  EXPECT_EQ(lines[5].pairs.at("c"), "2");
}

TEST(NdjsonReaderTest, OverlongLineIsAnErrorAndReadingGoesOn) {
  const std::vector<Line> lines = ReadAll("{\"a\":\"" + std::string(100, 'x') + "\"}\n{\"b\":1}\n", 7, 50);
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_NE(lines[0].error.find("longer than 50"), std::string::npos);
  EXPECT_EQ(lines[1].line, 2u);
  EXPECT_EQ(lines[1].pairs.at("b"), "1");
}

TEST(NdjsonReaderTest, SameResultForEveryReadSize) {
  const std::string text = "\xEF\xBB\xBF{\"email\":\"a@b.c\",\"x\":[1,2]}\r\n\n{\"email\":\"d@e.f\"}\n";
  for (std::size_t chunk : {1u, 2u, 3u, 7u}) {
    const std::vector<Line> lines = ReadAll(text, chunk);
    ASSERT_EQ(lines.size(), 2u) << chunk;
    EXPECT_EQ(lines[0].pairs.at("email"), "a@b.c");
    EXPECT_EQ(lines[0].pairs.at("x"), "1;2");
    EXPECT_EQ(lines[1].line, 3u);
  }
}

}  // namespace
}  // namespace rapport::app::transfer

#include "progress.h"

#include <sstream>

#include <gtest/gtest.h>

namespace rapport::cli {
namespace {

int CountLines(const std::string& text, std::string_view label) {
  int count = 0;
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) count += line.starts_with(label) ? 1 : 0;
  return count;
}

TEST(TerminalProgressTest, LogsPrintTheStartAndOneLinePerTenth) {
  std::ostringstream out;
  TerminalProgress progress(out, /*is_terminal=*/false);
  for (int done = 1; done <= 1000; ++done) progress.Update("contacts", done, 1000);
  progress.Finish();
  EXPECT_EQ(CountLines(out.str(), "contacts"), 11) << out.str();  // 0%, 10%, …, 100%
  EXPECT_NE(out.str().find("100% 1000/1000"), std::string::npos) << out.str();
  EXPECT_EQ(out.str().find('\r'), std::string::npos);
}

TEST(TerminalProgressTest, TerminalRedrawsInPlaceAndEndsTheLine) {
  std::ostringstream out;
  TerminalProgress progress(out, /*is_terminal=*/true);
  progress.Update("purchases", 5, 10);
  progress.Update("purchases", 10, 10);
  progress.Finish();
  EXPECT_NE(out.str().find("\r\033[K"), std::string::npos);
  EXPECT_NE(out.str().find("100% 10/10"), std::string::npos);
  EXPECT_EQ(out.str().back(), '\n');
}

TEST(TerminalProgressTest, EachTableGetsItsOwnLines) {
  std::ostringstream out;
  TerminalProgress progress(out, /*is_terminal=*/false);
  progress.Update("companies", 1, 1);
  progress.Update("contacts", 2, 2);
  progress.Finish();
  EXPECT_EQ(CountLines(out.str(), "companies"), 1);
  EXPECT_EQ(CountLines(out.str(), "contacts"), 1);
}

TEST(TerminalProgressTest, AnImportShowsMegabytesOfTheFileAndRows) {
  std::ostringstream out;
  TerminalProgress progress(out, /*is_terminal=*/false);
  constexpr std::uint64_t kMegabyte = 1024 * 1024;
  progress.UpdateImport(0, 10 * kMegabyte, 0);
  progress.UpdateImport(5 * kMegabyte, 10 * kMegabyte, 50'000);
  progress.UpdateImport(10 * kMegabyte, 10 * kMegabyte, 100'000);
  progress.Finish();
  EXPECT_NE(out.str().find(" 50% 5.0/10.0 MB"), std::string::npos) << out.str();
  EXPECT_NE(out.str().find("50000 rows"), std::string::npos) << out.str();
  EXPECT_NE(out.str().find("100% 10.0/10.0 MB"), std::string::npos) << out.str();
  EXPECT_EQ(out.str().find("rows/s"), std::string::npos) << out.str();

  std::ostringstream piped;
  TerminalProgress unsized(piped, /*is_terminal=*/true);
  unsized.UpdateImport(3 * kMegabyte, std::nullopt, 7);
  unsized.Finish();
  EXPECT_NE(piped.str().find("import     3.0 MB"), std::string::npos) << piped.str();
  EXPECT_NE(piped.str().find("7 rows"), std::string::npos) << piped.str();
}

}  // namespace
}  // namespace rapport::cli

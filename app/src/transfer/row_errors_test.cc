// RowErrors: the first kImportErrorsKept in the report, every one in the file.
#include "transfer/row_errors.h"

#include <algorithm>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "transfer/test_sources.h"

namespace rapport::app::transfer {
namespace {

TEST(RowErrorsTest, TheReportKeepsTheFirstThousandAndTheFileGetsEveryOne) {
  std::vector<ImportRowError> kept;
  bool truncated = false;
  StringSink file;
  RowErrors errors(kept, truncated, &file);
  errors.Add(1, "email", "not an e-mail, \"x\"");
  ASSERT_TRUE(errors.Flush().ok());
  EXPECT_EQ(file.text, "line,field,reason\n1,email,\"not an e-mail, \"\"x\"\"\"\n");
  for (std::uint64_t line = 2; line <= kImportErrorsKept + 1; ++line) errors.Add(line, "", "bad");
  EXPECT_EQ(kept.size(), kImportErrorsKept);
  EXPECT_TRUE(truncated);
  EXPECT_EQ(kept.back().line, kImportErrorsKept);
  ASSERT_TRUE(errors.Flush().ok());
  EXPECT_EQ(std::count(file.text.begin(), file.text.end(), '\n'), static_cast<long>(kImportErrorsKept + 2));
  EXPECT_TRUE(file.text.ends_with("\n1001,,bad\n"));
  ASSERT_TRUE(errors.Flush().ok());  // nothing new: nothing written
  EXPECT_EQ(std::count(file.text.begin(), file.text.end(), '\n'), static_cast<long>(kImportErrorsKept + 2));
}

TEST(RowErrorsTest, WithoutAFileOnlyTheReportKeepsThem) {
  std::vector<ImportRowError> kept;
  bool truncated = false;
  RowErrors errors(kept, truncated, nullptr);
  errors.Add(3, "phone", "too short");
  EXPECT_TRUE(errors.Flush().ok());
  ASSERT_EQ(kept.size(), 1u);
  EXPECT_EQ(kept[0].line, 3u);
  EXPECT_EQ(kept[0].field, "phone");
  EXPECT_EQ(kept[0].reason, "too short");
  EXPECT_FALSE(truncated);
}

}  // namespace
}  // namespace rapport::app::transfer

#include "import_options.h"

#include <gtest/gtest.h>

#include "rapport/base/limits.h"

namespace rapport::cli {
namespace {

using app::CommitMode;
using app::ImportFormat;

Result<ImportOptions> Parse(std::string_view file, std::string_view format = "", std::string_view delimiter = "",
                            std::string_view commit = "batch", std::size_t batch_rows = 5'000,
                            ImportFormat fallback = ImportFormat::kCsv) {
  return ParseImportOptions(file, format, delimiter, commit, batch_rows, fallback);
}

TEST(ImportOptionsTest, TheFormatComesFromTheExtensionUnlessGiven) {
  EXPECT_EQ(Parse("a.csv", "", "", "batch", 10, ImportFormat::kNdjson)->format, ImportFormat::kCsv);
  EXPECT_EQ(Parse("a.tsv", "", "", "batch", 10, ImportFormat::kNdjson)->format, ImportFormat::kCsv);
  EXPECT_EQ(Parse("a.ndjson")->format, ImportFormat::kNdjson);
  EXPECT_EQ(Parse("a.jsonl")->format, ImportFormat::kNdjson);
  EXPECT_EQ(Parse("a.txt", "", "", "batch", 10, ImportFormat::kNdjson)->format, ImportFormat::kNdjson);
  EXPECT_EQ(Parse("a.txt")->format, ImportFormat::kCsv);
  EXPECT_EQ(Parse("a.csv", "ndjson")->format, ImportFormat::kNdjson);
  const Result<ImportOptions> unknown = Parse("a.csv", "xlsx");
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(unknown.status().message(), "--format must be csv or ndjson");
}

TEST(ImportOptionsTest, ADelimiterIsOneCharacterOrTab) {
  EXPECT_FALSE(Parse("a.csv")->delimiter.has_value());
  EXPECT_EQ(Parse("a.csv", "", ";")->delimiter, ';');
  EXPECT_EQ(Parse("a.csv", "", "tab")->delimiter, '\t');
  EXPECT_EQ(Parse("a.csv", "", "\\t")->delimiter, '\t');
  for (std::string_view bad : {";;", "\"", "\n"}) {
    const Result<ImportOptions> refused = Parse("a.csv", "", bad);
    ASSERT_FALSE(refused.ok()) << bad;
    EXPECT_EQ(refused.status().message(), "--delimiter must be one character (or \"tab\")");
  }
}

TEST(ImportOptionsTest, CommitModesAndBatchRowsAreChecked) {
  EXPECT_EQ(Parse("a.csv", "", "", "batch")->commit, CommitMode::kPerBatch);
  EXPECT_EQ(Parse("a.csv", "", "", "all")->commit, CommitMode::kAllOrNothing);
  EXPECT_EQ(Parse("a.csv", "", "", "sometimes").status().message(), "--commit must be batch or all");
  EXPECT_EQ(Parse("a.csv", "", "", "batch", 1)->batch_rows, 1u);
  EXPECT_EQ(Parse("a.csv", "", "", "batch", limits::kImportBatchRowsMax)->batch_rows, limits::kImportBatchRowsMax);
  EXPECT_FALSE(Parse("a.csv", "", "", "batch", 0).ok());
  const Result<ImportOptions> too_many = Parse("a.csv", "", "", "batch", limits::kImportBatchRowsMax + 1);
  ASSERT_FALSE(too_many.ok());
  EXPECT_EQ(too_many.status().message(),
            "--batch-rows must be between 1 and " + std::to_string(limits::kImportBatchRowsMax));
}

}  // namespace
}  // namespace rapport::cli

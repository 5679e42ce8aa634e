// The store-free parts of contact transfer: format names, the CSV cell of
// exports, and the import preview (delimiter, columns, suggested mapping,
// refused encodings). Imports and exports against a store are in tests/app.
#include "rapport/app/contact_transfer.h"

#include <gtest/gtest.h>

#include "transfer/test_sources.h"

namespace rapport::app {
namespace {

using transfer::StringSource;

TEST(ContactTransferTest, FormatNames) {
  EXPECT_EQ(ParseExportFormat("csv"), ExportFormat::kCsv);
  EXPECT_EQ(ParseExportFormat("ndjson"), ExportFormat::kNdjson);
  EXPECT_EQ(ParseExportFormat("vcard"), ExportFormat::kVcard);
  EXPECT_FALSE(ParseExportFormat("xlsx").has_value());
  EXPECT_EQ(ParseImportFormat("csv"), ImportFormat::kCsv);
  EXPECT_EQ(ParseImportFormat("ndjson"), ImportFormat::kNdjson);
  EXPECT_FALSE(ParseImportFormat("vcard").has_value());
}

TEST(ContactTransferTest, CsvCellEscapesFormulasAndQuotes) {
  EXPECT_EQ(CsvCell("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
  EXPECT_EQ(CsvCell("+79161234567"), "'+79161234567");
  EXPECT_EQ(CsvCell("Анна"), "Анна");
}

TEST(ContactTransferTest, PreviewDetectsDelimiterAndSuggestsMapping) {
  StringSource source(
      "\xEF\xBB\xBF"
      "E-mail;Surname;Notes\na@b.c;Doe;'=x\nd@e.f;Roe;\n",
      5);
  Result<ImportPreview> preview = PreviewImport(source, ImportFormat::kCsv, std::nullopt, 1);
  ASSERT_TRUE(preview.ok()) << preview.status().ToString();
  EXPECT_EQ(preview->delimiter, ';');
  EXPECT_EQ(preview->columns, (std::vector<std::string>{"E-mail", "Surname", "Notes"}));
  ASSERT_EQ(preview->rows.size(), 1u);
  EXPECT_EQ(preview->rows[0], (std::vector<std::string>{"a@b.c", "Doe", "=x"}));
  EXPECT_EQ(preview->suggested.columns,
            (std::vector<std::pair<std::string, std::string>>{{"E-mail", "email"}, {"Surname", "last_name"}}));
}

TEST(ContactTransferTest, PreviewOfNdjsonCollectsKeys) {
  StringSource source("{\"email\":\"a@b.c\"}\n{\"email\":\"d@e.f\",\"first_name\":\"D\"}\n");
  Result<ImportPreview> preview = PreviewImport(source, ImportFormat::kNdjson, std::nullopt, 10);
  ASSERT_TRUE(preview.ok());
  EXPECT_EQ(preview->columns, (std::vector<std::string>{"email", "first_name"}));
  EXPECT_EQ(preview->rows, (std::vector<std::vector<std::string>>{{"a@b.c", ""}, {"d@e.f", "D"}}));
}

TEST(ContactTransferTest, PreviewRefusesOtherEncodings) {
  StringSource utf16(
      std::string("\xFF\xFE"
                  "e\0",
                  4));
  EXPECT_NE(PreviewImport(utf16, ImportFormat::kCsv, std::nullopt, 5).status().message().find("UTF-16"),
            std::string::npos);
  StringSource latin1("name\nJos\xE9\n");
  EXPECT_NE(PreviewImport(latin1, ImportFormat::kCsv, std::nullopt, 5).status().message().find("not UTF-8"),
            std::string::npos);
  StringSource empty("");
  EXPECT_EQ(PreviewImport(empty, ImportFormat::kCsv, std::nullopt, 5).status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace rapport::app

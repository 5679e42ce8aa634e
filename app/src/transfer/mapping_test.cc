// Column mapping: automatic suggestions, presets, resolution and the JSON form.
#include "transfer/mapping.h"

#include <gtest/gtest.h>

namespace rapport::app::transfer {
namespace {

using Columns = std::vector<std::pair<std::string, std::string>>;

TEST(MappingTest, SuggestsFieldNamesAndAliases) {
  const ColumnMapping mapping = SuggestMapping({"E-mail", "Given Name", "Surname", "Mobile", "Phone", "Company Name",
                                                "Zip", "id", "Notes", "custom.tier", "loyalty_level", "Date of Birth"},
                                               {"tier", "loyalty_level"});
  EXPECT_EQ(mapping.columns, (Columns{{"E-mail", "email"},
                                      {"Given Name", "first_name"},
                                      {"Surname", "last_name"},
                                      {"Mobile", "phone"},
                                      {"Phone", "other_phones"},
                                      {"Company Name", "company"},
                                      {"Zip", "postal_code"},
                                      {"custom.tier", "custom.tier"},
                                      {"loyalty_level", "custom.loyalty_level"},
                                      {"Date of Birth", "birthday"}}));
}

TEST(MappingTest, ExportHeadersMapToThemselves) {
  const std::vector<std::string> header = {"id",      "first_name",   "last_name",     "email",         "other_emails",
                                           "phone",   "other_phones", "address_line1", "address_line2", "city",
                                           "region",  "postal_code",  "country_code",  "birthday",      "gender",
                                           "locale",  "time_zone",    "source",        "external_id",   "roles",
                                           "company", "job_title",    "created_at",    "updated_at"};
  const ColumnMapping mapping = SuggestMapping(header, {});
  ASSERT_EQ(mapping.columns.size(), header.size() - 3);
  for (const auto& [column, field] : mapping.columns) EXPECT_EQ(column, field);
}

TEST(MappingTest, FullNameDoesNotCompeteWithFirstAndLast) {
  EXPECT_EQ(SuggestMapping({"First Name", "Name"}, {}).columns, (Columns{{"First Name", "first_name"}}));
  EXPECT_EQ(SuggestMapping({"Name"}, {}).columns, (Columns{{"Name", "full_name"}}));
}

TEST(MappingTest, UnknownCustomKeysAreNotSuggested) {
  EXPECT_TRUE(SuggestMapping({"custom.unknown"}, {"tier"}).columns.empty());
}

TEST(MappingTest, PresetsMapTheirExportHeaders) {
  const std::optional<ColumnMapping> hubspot = MappingPreset("hubspot");
  ASSERT_TRUE(hubspot.has_value());
  const std::vector<std::optional<FieldTarget>> targets =
      ResolveColumns(*hubspot, {"Record ID", "First Name", "Mobile Phone Number", "Lifecycle Stage", "country/region"});
  ASSERT_EQ(targets.size(), 5u);
  EXPECT_EQ(FieldTargetName(*targets[0]), "external_id");
  EXPECT_EQ(FieldTargetName(*targets[1]), "first_name");
  EXPECT_EQ(FieldTargetName(*targets[2]), "other_phones");
  EXPECT_FALSE(targets[3].has_value());
  EXPECT_EQ(FieldTargetName(*targets[4]), "country_code");  // case-insensitive fallback

  const std::optional<ColumnMapping> salesforce = MappingPreset("salesforce");
  ASSERT_TRUE(salesforce.has_value());
  const std::vector<std::optional<FieldTarget>> sf =
      ResolveColumns(*salesforce, {"Account Name", "Title", "Contact ID", "Birthdate", "Mailing Zip/Postal Code"});
  EXPECT_EQ(FieldTargetName(*sf[0]), "company");
  EXPECT_EQ(FieldTargetName(*sf[1]), "job_title");
  EXPECT_EQ(FieldTargetName(*sf[2]), "external_id");
  EXPECT_EQ(FieldTargetName(*sf[3]), "birthday");
  EXPECT_EQ(FieldTargetName(*sf[4]), "postal_code");
  EXPECT_FALSE(MappingPreset("zoho").has_value());
  for (const auto& [column, field] : hubspot->columns) EXPECT_TRUE(ParseFieldTarget(field).has_value()) << field;
  for (const auto& [column, field] : salesforce->columns) EXPECT_TRUE(ParseFieldTarget(field).has_value()) << field;
}

TEST(MappingTest, JsonRoundTrip) {
  const ColumnMapping mapping{.columns = {{"E-mail \"main\"", "email"}, {"Уровень", "custom.tier"}},
                              .default_calling_code = "7"};
  const std::string json = ColumnMappingToJson(mapping);
  EXPECT_EQ(json, R"({"columns":[["E-mail \"main\"","email"],["Уровень","custom.tier"]],"default_calling_code":"7"})");
  Result<ColumnMapping> parsed = ColumnMappingFromJson(json);
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ(parsed->columns, mapping.columns);
  EXPECT_EQ(parsed->default_calling_code, "7");
}

TEST(MappingTest, JsonRefusesBadShapesAndFields) {
  EXPECT_FALSE(ColumnMappingFromJson("[]").ok());
  EXPECT_FALSE(ColumnMappingFromJson(R"({"columns":[["a"]]})").ok());
  EXPECT_FALSE(ColumnMappingFromJson(R"({"columns":[["a","nickname"]]})").ok());
  EXPECT_FALSE(ColumnMappingFromJson(R"({"columns":[],"extra":1})").ok());
  EXPECT_FALSE(ColumnMappingFromJson(R"({"columns":[],"default_calling_code":"+7"})").ok());
  EXPECT_TRUE(ColumnMappingFromJson(R"({"columns":[["a","custom.tier"]]})").ok());
}

TEST(MappingTest, CheckMappingNeedsDefinedCustomFields) {
  const ColumnMapping mapping{.columns = {{"Tier", "custom.tier"}}};
  EXPECT_TRUE(CheckMapping(mapping, {"tier"}).ok());
  EXPECT_EQ(CheckMapping(mapping, {}).code(), StatusCode::kInvalidArgument);
}

TEST(MappingTest, MappableFieldsAreAllParseable) {
  EXPECT_EQ(MappableFields().size(), 22u);
  for (std::string_view field : MappableFields()) EXPECT_TRUE(ParseFieldTarget(field).has_value()) << field;
}

}  // namespace
}  // namespace rapport::app::transfer

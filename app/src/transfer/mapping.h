// Column mapping for imports: the contact fields a column may fill, how a
// header name is matched to one automatically, the HubSpot and Salesforce
// presets, and a mapping resolved against a file's columns.
//
// Automatic matching: the header lower-cased (ASCII), trimmed, with spaces,
// dashes, dots and slashes turned into '_', equal to a field name or one of
// its aliases ("e-mail", "surname", "company name", "zip"…); "custom.<key>"
// or a defined custom field's key maps to that custom field. Each field is
// taken by the first column that matches it; a second phone or e-mail column
// ("Mobile") goes to other_phones / other_emails.
//
// Thread safety: values and pure functions; safe from any thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "rapport/app/contact_transfer.h"

namespace rapport::app::transfer {

enum class Field : std::uint8_t {
  kFirstName,
  kLastName,
  kFullName,
  kEmail,
  kOtherEmails,
  kPhone,
  kOtherPhones,
  kAddressLine1,
  kAddressLine2,
  kCity,
  kRegion,
  kPostalCode,
  kCountryCode,
  kBirthday,
  kGender,
  kLocale,
  kTimeZone,
  kSource,
  kExternalId,
  kRoles,
  kCompany,
  kJobTitle,
  kCustom,
};

// Where a column's value goes.
struct FieldTarget {
  Field field = Field::kFirstName;
  std::string custom_key{};  // kCustom only
};

std::string_view FieldName(Field field);  // "first_name"; "custom" for kCustom
// "email" → kEmail; "custom.tier" → kCustom with key "tier"; nullopt otherwise.
std::optional<FieldTarget> ParseFieldTarget(std::string_view name);
std::string FieldTargetName(const FieldTarget& target);  // the inverse

// The header lower-cased, trimmed, separators turned into '_'.
std::string NormalizeHeader(std::string_view header);

// Suggests a mapping for these columns (see the file comment).
ColumnMapping SuggestMapping(const std::vector<std::string>& columns, const std::vector<std::string>& custom_keys);

// Applies a mapping to a file's columns: the target of each column (nullopt
// when unmapped). A mapping column matches a header exactly, else ignoring
// ASCII case and surrounding spaces.
std::vector<std::optional<FieldTarget>> ResolveColumns(const ColumnMapping& mapping,
                                                       const std::vector<std::string>& columns);

// A mapping that is usable: every target a known field, custom keys defined,
// default calling code digits only. kInvalidArgument names the first problem.
Status CheckMapping(const ColumnMapping& mapping, const std::vector<std::string>& custom_keys);

}  // namespace rapport::app::transfer

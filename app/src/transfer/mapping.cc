// See mapping.h. Also defines the mapping functions of contact_transfer.h
// (JSON form, presets, the list of mappable fields).
#include "transfer/mapping.h"

#include <algorithm>
#include <array>
#include <utility>

#include <rapidjson/document.h>

#include "transfer/text_formats.h"

#include "rapport/base/limits.h"
#include "rapport/domain/contact_rules.h"

namespace rapport::app {
namespace transfer {
namespace {

constexpr std::array<std::string_view, 22> kFieldNames = {
    "first_name",   "last_name",     "full_name",     "email",     "other_emails", "phone",
    "other_phones", "address_line1", "address_line2", "city",      "region",       "postal_code",
    "country_code", "birthday",      "gender",        "locale",    "time_zone",    "source",
    "external_id",  "roles",         "company",       "job_title",
};

struct Alias {
  std::string_view header;  // normalised
  Field field;
};

// Beyond the field names themselves. Normalised headers (see NormalizeHeader).
constexpr Alias kAliases[] = {
    {"firstname", Field::kFirstName},
    {"first", Field::kFirstName},
    {"given_name", Field::kFirstName},
    {"givenname", Field::kFirstName},
    {"forename", Field::kFirstName},
    {"имя", Field::kFirstName},
    {"Имя", Field::kFirstName},
    {"lastname", Field::kLastName},
    {"last", Field::kLastName},
    {"surname", Field::kLastName},
    {"family_name", Field::kLastName},
    {"familyname", Field::kLastName},
    {"фамилия", Field::kLastName},
    {"Фамилия", Field::kLastName},
    {"name", Field::kFullName},
    {"fullname", Field::kFullName},
    {"contact_name", Field::kFullName},
    {"display_name", Field::kFullName},
    {"фио", Field::kFullName},
    {"ФИО", Field::kFullName},
    {"e_mail", Field::kEmail},
    {"mail", Field::kEmail},
    {"email_address", Field::kEmail},
    {"e_mail_address", Field::kEmail},
    {"primary_email", Field::kEmail},
    {"почта", Field::kEmail},
    {"emails", Field::kOtherEmails},
    {"additional_emails", Field::kOtherEmails},
    {"secondary_email", Field::kOtherEmails},
    {"phone_number", Field::kPhone},
    {"telephone", Field::kPhone},
    {"tel", Field::kPhone},
    {"mobile", Field::kPhone},
    {"mobile_phone", Field::kPhone},
    {"mobile_phone_number", Field::kPhone},
    {"cell", Field::kPhone},
    {"cell_phone", Field::kPhone},
    {"телефон", Field::kPhone},
    {"Телефон", Field::kPhone},
    {"phones", Field::kOtherPhones},
    {"additional_phones", Field::kOtherPhones},
    {"address", Field::kAddressLine1},
    {"street", Field::kAddressLine1},
    {"street_address", Field::kAddressLine1},
    {"address1", Field::kAddressLine1},
    {"address_1", Field::kAddressLine1},
    {"address_line_1", Field::kAddressLine1},
    {"address2", Field::kAddressLine2},
    {"address_2", Field::kAddressLine2},
    {"address_line_2", Field::kAddressLine2},
    {"town", Field::kCity},
    {"state", Field::kRegion},
    {"province", Field::kRegion},
    {"state_region", Field::kRegion},
    {"zip", Field::kPostalCode},
    {"zip_code", Field::kPostalCode},
    {"zipcode", Field::kPostalCode},
    {"postcode", Field::kPostalCode},
    {"postal", Field::kPostalCode},
    {"country", Field::kCountryCode},
    {"birthdate", Field::kBirthday},
    {"birth_date", Field::kBirthday},
    {"date_of_birth", Field::kBirthday},
    {"dob", Field::kBirthday},
    {"sex", Field::kGender},
    {"language", Field::kLocale},
    {"lang", Field::kLocale},
    {"timezone", Field::kTimeZone},
    {"tz", Field::kTimeZone},
    {"externalid", Field::kExternalId},
    {"role", Field::kRoles},
    {"company_name", Field::kCompany},
    {"organization", Field::kCompany},
    {"organisation", Field::kCompany},
    {"org", Field::kCompany},
    {"account_name", Field::kCompany},
    {"employer", Field::kCompany},
    {"title", Field::kJobTitle},
    {"position", Field::kJobTitle},
    {"job", Field::kJobTitle},
};

std::string_view Trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

bool EqualsIgnoringCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

std::optional<Field> AutoField(std::string_view normalized) {
  for (std::size_t i = 0; i < kFieldNames.size(); ++i) {
    if (kFieldNames[i] == normalized) return static_cast<Field>(i);
  }
  for (const Alias& alias : kAliases) {
    if (alias.header == normalized) return alias.field;
  }
  return std::nullopt;
}

}  // namespace

std::string_view FieldName(Field field) {
  if (field == Field::kCustom) return "custom";
  return kFieldNames[static_cast<std::size_t>(field)];
}

std::optional<FieldTarget> ParseFieldTarget(std::string_view name) {
  if (name.starts_with("custom.")) {
    const std::string_view key = name.substr(7);
    if (!domain::IsValidCustomFieldKey(key)) return std::nullopt;
    return FieldTarget{.field = Field::kCustom, .custom_key = std::string(key)};
  }
  for (std::size_t i = 0; i < kFieldNames.size(); ++i) {
    if (kFieldNames[i] == name) return FieldTarget{.field = static_cast<Field>(i)};
  }
  return std::nullopt;
}

std::string FieldTargetName(const FieldTarget& target) {
  if (target.field == Field::kCustom) return "custom." + target.custom_key;
  return std::string(FieldName(target.field));
}

std::string NormalizeHeader(std::string_view header) {
  if (header.starts_with("\xEF\xBB\xBF")) header.remove_prefix(3);
  header = Trim(header);
  std::string out;
  out.reserve(header.size());
  for (char c : header) {
    if (c >= 'A' && c <= 'Z') {
      out.push_back(static_cast<char>(c - 'A' + 'a'));
    } else if (c == ' ' || c == '-' || c == '.' || c == '/' || c == '_') {
      if (out.empty() || out.back() != '_') out.push_back('_');
    } else {
      out.push_back(c);
    }
  }
  return out;
}

ColumnMapping SuggestMapping(const std::vector<std::string>& columns, const std::vector<std::string>& custom_keys) {
  ColumnMapping mapping;
  std::vector<bool> taken(kFieldNames.size(), false);
  std::vector<std::string> custom_taken;
  for (const std::string& column : columns) {
    const std::string_view trimmed = Trim(column);
    // Custom fields: "custom.<key>" or the bare key of a defined field.
    std::string_view custom_key;
    if (trimmed.starts_with("custom.")) custom_key = trimmed.substr(7);
    const std::string normalized = NormalizeHeader(column);
    if (custom_key.empty() && std::find(custom_keys.begin(), custom_keys.end(), normalized) != custom_keys.end()) {
      custom_key = normalized;
    }
    if (!custom_key.empty()) {
      if (std::find(custom_keys.begin(), custom_keys.end(), custom_key) != custom_keys.end() &&
          std::find(custom_taken.begin(), custom_taken.end(), custom_key) == custom_taken.end()) {
        custom_taken.emplace_back(custom_key);
        mapping.columns.emplace_back(column, "custom." + std::string(custom_key));
      }
      continue;
    }
    std::optional<Field> field = AutoField(normalized);
    if (!field.has_value()) continue;
    auto index = [](Field f) { return static_cast<std::size_t>(f); };
    if (taken[index(*field)]) {
      if (*field == Field::kPhone) field = Field::kOtherPhones;
      if (*field == Field::kEmail) field = Field::kOtherEmails;
      if (taken[index(*field)]) continue;
    }
    // A full name column does not compete with separate first/last columns.
    if (*field == Field::kFullName && (taken[index(Field::kFirstName)] || taken[index(Field::kLastName)])) continue;
    taken[index(*field)] = true;
    mapping.columns.emplace_back(column, std::string(FieldName(*field)));
  }
  return mapping;
}

std::vector<std::optional<FieldTarget>> ResolveColumns(const ColumnMapping& mapping,
                                                       const std::vector<std::string>& columns) {
  std::vector<std::optional<FieldTarget>> targets(columns.size());
  for (std::size_t i = 0; i < columns.size(); ++i) {
    const std::pair<std::string, std::string>* match = nullptr;
    for (const auto& entry : mapping.columns) {
      if (entry.first == columns[i]) {
        match = &entry;
        break;
      }
    }
    if (match == nullptr) {
      const std::string_view header = Trim(columns[i]);
      for (const auto& entry : mapping.columns) {
        if (EqualsIgnoringCase(Trim(entry.first), header)) {
          match = &entry;
          break;
        }
      }
    }
    if (match != nullptr) targets[i] = ParseFieldTarget(match->second);
  }
  return targets;
}

Status CheckMapping(const ColumnMapping& mapping, const std::vector<std::string>& custom_keys) {
  if (mapping.columns.size() > limits::kImportColumnsMax) {
    return InvalidArgument("the mapping has more than " + std::to_string(limits::kImportColumnsMax) + " columns");
  }
  for (const auto& [column, field] : mapping.columns) {
    const std::optional<FieldTarget> target = ParseFieldTarget(field);
    if (!target.has_value()) {
      return InvalidArgument("the mapping sends column '" + column + "' to '" + field + "', which is not a field");
    }
    if (target->field == Field::kCustom &&
        std::find(custom_keys.begin(), custom_keys.end(), target->custom_key) == custom_keys.end()) {
      return InvalidArgument("the mapping sends column '" + column + "' to custom field '" + target->custom_key +
                             "', which is not defined for contacts");
    }
  }
  for (char c : mapping.default_calling_code) {
    if (c < '0' || c > '9' || mapping.default_calling_code.size() > 3) {
      return InvalidArgument("the default calling code must be 1 to 3 digits, e.g. 7 or 44");
    }
  }
  return Status();
}

}  // namespace transfer

std::string ColumnMappingToJson(const ColumnMapping& mapping) {
  std::string out = "{\"columns\":[";
  bool first = true;
  for (const auto& [column, field] : mapping.columns) {
    if (!first) out.push_back(',');
    first = false;
    out.push_back('[');
    transfer::AppendJsonString(out, column);
    out.push_back(',');
    transfer::AppendJsonString(out, field);
    out.push_back(']');
  }
  out.append("],\"default_calling_code\":");
  transfer::AppendJsonString(out, mapping.default_calling_code);
  out.push_back('}');
  return out;
}

Result<ColumnMapping> ColumnMappingFromJson(std::string_view json) {
  rapidjson::Document document;
  document.Parse(json.data(), json.size());
  if (document.HasParseError() || !document.IsObject()) return InvalidArgument("the mapping is not a JSON object");
  ColumnMapping mapping;
  for (auto member = document.MemberBegin(); member != document.MemberEnd(); ++member) {
    const std::string_view name(member->name.GetString(), member->name.GetStringLength());
    if (name == "columns") {
      if (!member->value.IsArray()) return InvalidArgument("\"columns\" must be an array of [column, field] pairs");
      if (member->value.Size() > limits::kImportColumnsMax) {
        return InvalidArgument("the mapping has more than " + std::to_string(limits::kImportColumnsMax) + " columns");
      }
      for (const auto& pair : member->value.GetArray()) {
        if (!pair.IsArray() || pair.Size() != 2 || !pair[0].IsString() || !pair[1].IsString()) {
          return InvalidArgument("\"columns\" must be an array of [column, field] pairs of strings");
        }
        mapping.columns.emplace_back(std::string(pair[0].GetString(), pair[0].GetStringLength()),
                                     std::string(pair[1].GetString(), pair[1].GetStringLength()));
        if (!transfer::ParseFieldTarget(mapping.columns.back().second).has_value()) {
          return InvalidArgument("'" + mapping.columns.back().second + "' is not a field a column can map to");
        }
      }
    } else if (name == "default_calling_code") {
      if (!member->value.IsString()) return InvalidArgument("\"default_calling_code\" must be a string");
      mapping.default_calling_code.assign(member->value.GetString(), member->value.GetStringLength());
    } else {
      return InvalidArgument("unknown key \"" + std::string(name) + "\" in the mapping");
    }
  }
  if (mapping.default_calling_code.size() > 3 ||
      mapping.default_calling_code.find_first_not_of("0123456789") != std::string::npos) {
    return InvalidArgument("the default calling code must be 1 to 3 digits, e.g. 7 or 44");
  }
  return mapping;
}

std::optional<ColumnMapping> MappingPreset(std::string_view name) {
  if (name == "hubspot") {
    return ColumnMapping{.columns = {{"First Name", "first_name"},
                                     {"Last Name", "last_name"},
                                     {"Email", "email"},
                                     {"Phone Number", "phone"},
                                     {"Mobile Phone Number", "other_phones"},
                                     {"Company Name", "company"},
                                     {"Job Title", "job_title"},
                                     {"Street Address", "address_line1"},
                                     {"City", "city"},
                                     {"State/Region", "region"},
                                     {"Postal Code", "postal_code"},
                                     {"Country/Region", "country_code"},
                                     {"Record ID", "external_id"}}};
  }
  if (name == "salesforce") {
    return ColumnMapping{.columns = {{"First Name", "first_name"},
                                     {"Last Name", "last_name"},
                                     {"Email", "email"},
                                     {"Phone", "phone"},
                                     {"Mobile", "other_phones"},
                                     {"Account Name", "company"},
                                     {"Title", "job_title"},
                                     {"Mailing Street", "address_line1"},
                                     {"Mailing City", "city"},
                                     {"Mailing State/Province", "region"},
                                     {"Mailing Zip/Postal Code", "postal_code"},
                                     {"Mailing Country", "country_code"},
                                     {"Birthdate", "birthday"},
                                     {"Contact ID", "external_id"}}};
  }
  return std::nullopt;
}

std::span<const std::string_view> MappableFields() { return transfer::kFieldNames; }

}  // namespace rapport::app

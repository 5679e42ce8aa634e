#include "rapport/app/contact_input.h"

#include <simdjson.h>

#include <algorithm>
#include <exception>
#include <utility>

#include <date/tz.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "rapport/base/limits.h"
#include "rapport/base/utf8.h"
#include "rapport/domain/contact_rules.h"

namespace rapport::app {
namespace {

constexpr std::size_t kExternalIdBytesMax = 200;

// Collects the errors of one input and applies the fields one by one.
class Applier {
 public:
  Applier(const InputRules& rules, std::vector<FieldError>& errors) : rules_(rules), errors_(errors) {}

  void Fail(std::string field, std::string reason) { errors_.push_back({std::move(field), std::move(reason)}); }

  // A free single-line text field: trimmed, valid UTF-8, bounded.
  void Text(const std::optional<std::string>& raw, std::string_view field, std::size_t bytes_max, std::string& target) {
    if (!raw) return;
    std::string_view value = Trim(*raw);
    if (value.size() > bytes_max) {
      Fail(std::string(field), "longer than " + std::to_string(bytes_max) + " bytes");
    } else if (!IsSingleLineText(value)) {
      Fail(std::string(field), "not a single line of UTF-8 text");
    } else {
      target = std::string(value);
    }
  }

  void Name(const std::optional<std::string>& raw, std::string_view field, std::string& target) {
    if (!raw) return;
    Take(domain::NormalizeName(*raw), field, target);
  }

  void Email(const std::optional<std::string>& raw, std::string& target) {
    if (!raw) return;
    if (Trim(*raw).empty()) {
      target.clear();
      return;
    }
    Take(domain::NormalizeEmail(*raw), "email", target);
  }

  void Phone(const std::optional<std::string>& raw, std::string& target) {
    if (!raw) return;
    if (Trim(*raw).empty()) {
      target.clear();
      return;
    }
    Take(domain::NormalizePhone(*raw, rules_.default_calling_code), "phone", target);
  }

  template <typename Normalize>
  void List(const std::optional<std::vector<std::string>>& raw, std::string_view field, std::size_t count_max,
            Normalize normalize, std::vector<std::string>& target) {
    if (!raw) return;
    std::vector<std::string> values;
    for (const std::string& item : *raw) {
      if (Trim(item).empty()) continue;
      domain::Checked<std::string> checked = normalize(item);
      if (!checked.ok()) {
        Fail(std::string(field), checked.error->reason + " (" + std::string(Trim(item)) + ")");
        continue;
      }
      if (std::find(values.begin(), values.end(), *checked.value) == values.end()) {
        values.push_back(std::move(*checked.value));
      }
    }
    if (values.size() > count_max) {
      Fail(std::string(field), "more than " + std::to_string(count_max) + " values");
      return;
    }
    target = std::move(values);
  }

  void Date(const std::optional<std::string>& raw, std::optional<std::string>& target) {
    if (!raw) return;
    if (Trim(*raw).empty()) {
      target.reset();
      return;
    }
    domain::Checked<std::string> checked = domain::NormalizeDate(*raw);
    if (!checked.ok()) {
      Fail("birthday", checked.error->reason);
      return;
    }
    target = std::move(*checked.value);
  }

  void Gender(const std::optional<std::string>& raw, std::optional<domain::Gender>& target) {
    if (!raw) return;
    std::string_view value = Trim(*raw);
    if (value.empty()) {
      target.reset();
      return;
    }
    std::optional<domain::Gender> gender = domain::ParseGender(value);
    if (!gender) {
      Fail("gender", "not one of: female, male, other");
      return;
    }
    target = gender;
  }

  void Locale(const std::optional<std::string>& raw, std::string& target) {
    if (!raw) return;
    std::string_view value = Trim(*raw);
    if (!value.empty() && !domain::IsSupportedLocale(value)) {
      Fail("locale", "not one of: en, ru");
      return;
    }
    target = std::string(value);
  }

  void TimeZone(const std::optional<std::string>& raw, std::string& target) {
    if (!raw) return;
    std::string_view value = Trim(*raw);
    if (!value.empty() && (!domain::LooksLikeTimeZoneName(value) || (rules_.check_time_zones && !ZoneExists(value)))) {
      Fail("time_zone", "not a time zone of the IANA database (like Europe/Moscow)");
      return;
    }
    target = std::string(value);
  }

  void CountryCode(const std::optional<std::string>& raw, std::string& target) {
    if (!raw) return;
    std::string value(Trim(*raw));
    for (char& c : value) {
      if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    }
    const bool valid = value.empty() || (value.size() == 2 && std::all_of(value.begin(), value.end(),
                                                                          [](char c) { return c >= 'A' && c <= 'Z'; }));
    if (!valid) {
      Fail("country_code", "not a two-letter ISO 3166 country code");
      return;
    }
    target = std::move(value);
  }

  void Roles(const std::optional<std::vector<std::string>>& raw, domain::RelationshipRoleSet& target) {
    if (!raw) return;
    domain::RelationshipRoleSet roles = 0;
    for (const std::string& name : *raw) {
      std::string_view value = Trim(name);
      if (value.empty()) continue;
      std::optional<domain::RelationshipRole> role = domain::ParseRelationshipRole(value);
      if (!role) {
        Fail("roles",
             "unknown role " + std::string(value) + " (one of: customer, supplier, distributor, partner, investor)");
        continue;
      }
      roles |= domain::RoleBit(*role);
    }
    target = roles;
  }

  void Custom(const std::map<std::string, std::string>& raw, std::string& target) {
    Result<std::map<std::string, std::string>> current = ParseCustomJson(target);
    std::map<std::string, std::string> values =
        current.ok() ? std::move(*current) : std::map<std::string, std::string>{};
    for (const auto& [key, value] : raw) {
      const CustomFieldDefinition* definition = Definition(key);
      if (definition == nullptr) {
        Fail("custom." + key, "no such custom field");
        continue;
      }
      domain::CustomFieldRule rule{.type = definition->type, .choices = definition->choices, .required = false};
      domain::Checked<std::string> checked = domain::NormalizeCustomValue(rule, value);
      if (!checked.ok()) {
        Fail("custom." + key, checked.error->reason);
        continue;
      }
      if (checked.value->empty()) {
        values.erase(key);
      } else {
        values[key] = std::move(*checked.value);
      }
    }
    for (const CustomFieldDefinition& definition : rules_.custom_fields) {
      if (definition.applies_to == "contact" && definition.required && !values.contains(definition.key)) {
        Fail("custom." + definition.key, "required");
      }
    }
    std::string json = CustomJson(values);
    if (json.size() > limits::kCustomJsonBytesMax) {
      Fail("custom", "custom values take more than " + std::to_string(limits::kCustomJsonBytesMax) + " bytes");
      return;
    }
    target = std::move(json);
  }

 private:
  static std::string_view Trim(std::string_view text) {
    const std::size_t first = text.find_first_not_of(" \t\r\n");
    if (first == std::string_view::npos) return {};
    const std::size_t last = text.find_last_not_of(" \t\r\n");
    return text.substr(first, last - first + 1);
  }

  static bool ZoneExists(std::string_view name) {
    try {
      (void)date::locate_zone(name);
      return true;
    } catch (const std::exception&) {
      return false;  // date reports an unknown zone by throwing: converted here, at the edge.
    }
  }

  const CustomFieldDefinition* Definition(std::string_view key) const {
    for (const CustomFieldDefinition& definition : rules_.custom_fields) {
      if (definition.applies_to == "contact" && definition.key == key) return &definition;
    }
    return nullptr;
  }

  void Take(domain::Checked<std::string> checked, std::string_view field, std::string& target) {
    if (!checked.ok()) {
      Fail(std::string(field), checked.error->reason);
      return;
    }
    target = std::move(*checked.value);
  }

  const InputRules& rules_;
  std::vector<FieldError>& errors_;
};

}  // namespace

ContactProfile NewContactProfile() {
  ContactProfile profile;
  profile.roles = domain::RoleBit(domain::RelationshipRole::kCustomer);
  return profile;
}

AppliedInput ApplyContactInput(const ContactInput& input, const ContactProfile& base, const InputRules& rules) {
  AppliedInput applied{.profile = base};
  ContactProfile& profile = applied.profile;
  Applier apply(rules, applied.errors);

  apply.Name(input.first_name, "first_name", profile.first_name);
  apply.Name(input.last_name, "last_name", profile.last_name);
  apply.Email(input.email, profile.email);
  apply.List(input.other_emails, "other_emails", limits::kOtherEmailsMax, domain::NormalizeEmail, profile.other_emails);
  apply.Phone(input.phone, profile.phone);
  apply.List(
      input.other_phones, "other_phones", limits::kOtherPhonesMax,
      [&](std::string_view raw) { return domain::NormalizePhone(raw, rules.default_calling_code); },
      profile.other_phones);
  apply.Text(input.address_line1, "address_line1", limits::kFieldBytesMax, profile.address.line1);
  apply.Text(input.address_line2, "address_line2", limits::kFieldBytesMax, profile.address.line2);
  apply.Text(input.city, "city", limits::kFieldBytesMax, profile.address.city);
  apply.Text(input.region, "region", limits::kFieldBytesMax, profile.address.region);
  apply.Text(input.postal_code, "postal_code", limits::kFieldBytesMax, profile.address.postal_code);
  apply.CountryCode(input.country_code, profile.address.country_code);
  apply.Date(input.birthday, profile.birthday);
  apply.Gender(input.gender, profile.gender);
  apply.Locale(input.locale, profile.locale);
  apply.TimeZone(input.time_zone, profile.time_zone);
  apply.Text(input.source, "source", limits::kFieldBytesMax, profile.source);
  if (input.owner_id) {
    if (*input.owner_id < 0) {
      apply.Fail("owner_id", "not a user id");
    } else if (*input.owner_id == 0) {
      profile.owner.reset();
    } else {
      profile.owner = UserId(*input.owner_id);
    }
  }
  apply.Text(input.external_id, "external_id", kExternalIdBytesMax, profile.external_id);
  apply.Roles(input.roles, profile.roles);
  if (!input.custom.empty() || !rules.custom_fields.empty()) apply.Custom(input.custom, profile.custom_json);

  // A primary e-mail or phone is not also kept among the further ones.
  std::erase(profile.other_emails, profile.email);
  std::erase(profile.other_phones, profile.phone);

  if (profile.first_name.empty() && profile.last_name.empty() && profile.email.empty() && profile.phone.empty()) {
    apply.Fail("", "a contact needs a name, an e-mail or a phone");
  }
  applied.changed = applied.errors.empty() && !(profile == base);
  return applied;
}

ContactRecord MakeContactRecord(ContactProfile profile, const std::vector<std::string>& company_names) {
  domain::SearchDocumentParts parts{.first_name = profile.first_name,
                                    .last_name = profile.last_name,
                                    .emails = {},
                                    .phones = {},
                                    .company_names = {},
                                    .external_id = profile.external_id};
  if (!profile.email.empty()) parts.emails.emplace_back(profile.email);
  for (const std::string& email : profile.other_emails) parts.emails.emplace_back(email);
  if (!profile.phone.empty()) parts.phones.emplace_back(profile.phone);
  for (const std::string& phone : profile.other_phones) parts.phones.emplace_back(phone);
  for (const std::string& name : company_names) parts.company_names.emplace_back(name);
  ContactRecord record;
  record.search_text = domain::ContactSearchDocument(parts);
  record.sort_name = domain::SortName(profile.first_name, profile.last_name);
  record.profile = std::move(profile);
  return record;
}

std::string JoinFieldErrors(const std::vector<FieldError>& errors) {
  std::string text;
  for (const FieldError& error : errors) {
    if (!text.empty()) text += "; ";
    if (!error.field.empty()) text += error.field + ": ";
    text += error.reason;
  }
  return text;
}

Result<std::map<std::string, std::string>> ParseCustomJson(std::string_view json) {
  std::map<std::string, std::string> values;
  if (json.empty() || json == "{}") return values;
  simdjson::ondemand::parser parser;
  simdjson::padded_string padded(json);
  simdjson::ondemand::document document;
  simdjson::ondemand::object object;
  if (parser.iterate(padded).get(document) != simdjson::SUCCESS || document.get_object().get(object)) {
    return DataLoss("stored custom values are not a JSON object");
  }
  for (auto field : object) {
    std::string_view key;
    std::string_view value;
    if (field.unescaped_key().get(key) || field.value().get_string().get(value)) {
      return DataLoss("stored custom values are not all strings");
    }
    values.emplace(std::string(key), std::string(value));
  }
  return values;
}

std::string CustomJson(const std::map<std::string, std::string>& values) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  writer.StartObject();
  for (const auto& [key, value] : values) {
    writer.Key(key.data(), static_cast<rapidjson::SizeType>(key.size()));
    writer.String(value.data(), static_cast<rapidjson::SizeType>(value.size()));
  }
  writer.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

std::vector<std::string> RoleNames(domain::RelationshipRoleSet roles) {
  std::vector<std::string> names;
  for (domain::RelationshipRole role : domain::kAllRelationshipRoles) {
    if ((roles & domain::RoleBit(role)) != 0) names.emplace_back(domain::RelationshipRoleName(role));
  }
  return names;
}

}  // namespace rapport::app

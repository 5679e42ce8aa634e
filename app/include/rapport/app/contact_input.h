// Contact input: a contact's values as a person, an API client or a file row
// gives them, before the rules of domain/contact_rules.h, and the one function
// that turns them into a stored profile. The API, the CLI importer and the
// merge all go through ApplyContactInput, so a value accepted by one is
// accepted by all and stored in the same canonical form.
//
// Thread safety: values and free functions; safe from any thread.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "rapport/app/relationships.h"

namespace rapport::app {

// Every field is optional: unset means "leave as it is". A set empty string
// (or empty list) clears the field; first_name and last_name cannot both end
// up empty unless an e-mail or phone is there.
struct ContactInput {
  std::optional<std::string> first_name{};
  std::optional<std::string> last_name{};
  std::optional<std::string> email{};
  std::optional<std::vector<std::string>> other_emails{};
  std::optional<std::string> phone{};
  std::optional<std::vector<std::string>> other_phones{};
  std::optional<std::string> address_line1{};
  std::optional<std::string> address_line2{};
  std::optional<std::string> city{};
  std::optional<std::string> region{};
  std::optional<std::string> postal_code{};
  std::optional<std::string> country_code{};
  std::optional<std::string> birthday{};  // "YYYY-MM-DD" or "DD.MM.YYYY"
  std::optional<std::string> gender{};    // "female", "male", "other", "" clears
  std::optional<std::string> locale{};
  std::optional<std::string> time_zone{};
  std::optional<std::string> source{};
  std::optional<std::int64_t> owner_id{};  // 0 clears
  std::optional<std::string> external_id{};
  std::optional<std::vector<std::string>> roles{};  // "customer", ...; replaces the set
  std::map<std::string, std::string> custom{};      // key → raw value; "" clears
};

// One bad value: the input field it came from ("email", "custom.tier") and why.
struct FieldError {
  std::string field{};
  std::string reason{};
};

struct InputRules {
  std::string default_calling_code{};                  // for national phone numbers ("7"); "" = require "+"
  std::vector<CustomFieldDefinition> custom_fields{};  // of contacts
  // Whether a time-zone name exists; empty = shape check only.
  bool check_time_zones = true;
};

struct AppliedInput {
  ContactProfile profile{};
  std::vector<FieldError> errors{};  // empty when the profile is valid
  bool changed = false;              // whether profile differs from the base
};

// The profile a new contact starts from: a customer, nothing else set.
ContactProfile NewContactProfile();

// `base` overlaid with `input`, every value normalised and checked. On errors
// the profile is unspecified and every bad field is listed (not only the first).
AppliedInput ApplyContactInput(const ContactInput& input, const ContactProfile& base, const InputRules& rules);

// The derived parts of a record: search text and sort name. `company_names`
// are the names of the companies the contact is linked to.
ContactRecord MakeContactRecord(ContactProfile profile, const std::vector<std::string>& company_names);

// "field: reason; field: reason" for a single-line message.
std::string JoinFieldErrors(const std::vector<FieldError>& errors);

// Custom values as stored (a JSON object of strings, keys sorted) and back.
// kDataLoss for stored text that is not such an object.
Result<std::map<std::string, std::string>> ParseCustomJson(std::string_view json);
std::string CustomJson(const std::map<std::string, std::string>& values);

// Role sets as the API and files spell them: ["customer", "partner"].
std::vector<std::string> RoleNames(domain::RelationshipRoleSet roles);

}  // namespace rapport::app

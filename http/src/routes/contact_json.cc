#include "routes/contact_json.h"

#include <simdjson.h>

#include <array>
#include <charconv>
#include <utility>

#include "routes/route_support.h"

#include "rapport/app/contact_input.h"

namespace rapport::http {
namespace {

using simdjson::ondemand::json_type;

void WriteStrings(JsonWriter& json, std::string_view key, const std::vector<std::string>& values) {
  json.Key(key);
  json.StartArray();
  for (const std::string& value : values) json.String(value);
  json.EndArray();
}

void WriteAddress(JsonWriter& json, const app::PostalAddress& address, std::string_view country_code) {
  json.Key("address");
  json.StartObject();
  json.Field("line1", address.line1);
  json.Field("line2", address.line2);
  json.Field("city", address.city);
  json.Field("region", address.region);
  json.Field("postal_code", address.postal_code);
  json.Field("country_code", country_code);
  json.EndObject();
}

void WriteCustom(JsonWriter& json, const std::string& custom_json) {
  json.Key("custom");
  json.RawValue(custom_json.empty() ? std::string_view("{}") : std::string_view(custom_json));
}

// Collects the field errors of one body.
class BodyReader {
 public:
  void Wrong(std::string field, std::string message) {
    errors_.push_back({std::move(field), "wrong_type", std::move(message)});
  }
  void Unknown(std::string field) {
    errors_.push_back({std::move(field), "unknown_field", "Not a field of this resource."});
  }

  // A string, or null meaning "clear" ("").
  void Text(simdjson::ondemand::value value, std::string field, std::optional<std::string>& target) {
    json_type type;
    if (value.type().get(type)) return Wrong(std::move(field), "Expected a string.");
    if (type == json_type::null) {
      target = std::string();
      return;
    }
    std::string_view text;
    if (value.get_string().get(text)) return Wrong(std::move(field), "Expected a string.");
    target = std::string(text);
  }

  void Strings(simdjson::ondemand::value value, std::string field, std::optional<std::vector<std::string>>& target) {
    json_type type;
    if (value.type().get(type)) return Wrong(std::move(field), "Expected an array of strings.");
    if (type == json_type::null) {
      target = std::vector<std::string>();
      return;
    }
    simdjson::ondemand::array array;
    if (value.get_array().get(array)) return Wrong(std::move(field), "Expected an array of strings.");
    std::vector<std::string> values;
    for (auto element : array) {
      std::string_view text;
      if (element.get_string().get(text)) return Wrong(std::move(field), "Expected an array of strings.");
      values.emplace_back(text);
    }
    target = std::move(values);
  }

  // An integer id, or null meaning "clear" (0).
  void Id(simdjson::ondemand::value value, std::string field, std::optional<std::int64_t>& target) {
    json_type type;
    if (value.type().get(type)) return Wrong(std::move(field), "Expected an integer or null.");
    if (type == json_type::null) {
      target = 0;
      return;
    }
    std::int64_t number = 0;
    if (value.get_int64().get(number) || number < 0) return Wrong(std::move(field), "Expected a positive integer.");
    target = number;
  }

  void Bool(simdjson::ondemand::value value, std::string field, std::optional<bool>& target) {
    bool flag = false;
    if (value.get_bool().get(flag)) return Wrong(std::move(field), "Expected true or false.");
    target = flag;
  }

  // An RFC 3339 time, or null meaning "none".
  void Time(simdjson::ondemand::value value, std::string field, std::optional<std::optional<Timestamp>>& target) {
    json_type type;
    if (value.type().get(type)) return Wrong(std::move(field), "Expected an RFC 3339 time or null.");
    if (type == json_type::null) {
      target = std::optional<Timestamp>();
      return;
    }
    std::string_view text;
    if (value.get_string().get(text)) return Wrong(std::move(field), "Expected an RFC 3339 time or null.");
    Result<Timestamp> at = ParseRfc3339(text);
    if (!at.ok()) return Wrong(std::move(field), "Expected an RFC 3339 time like 2026-11-24T10:00:00Z.");
    target = *at;
  }

  std::optional<Problem> Finish() {
    if (errors_.empty()) return std::nullopt;
    return ValidationFailedProblem(std::move(errors_));
  }

 private:
  std::vector<FieldError> errors_;
};

// The "address" object of a contact or company body into the input's
// address fields (both inputs name them alike).
template <typename Input>
void ReadAddress(BodyReader& reader, simdjson::ondemand::value value, Input& input) {
  simdjson::ondemand::object address;
  if (value.get_object().get(address)) return reader.Wrong("address", "Expected an object.");
  for (auto member : address) {
    std::string_view name;
    simdjson::ondemand::value part;
    if (member.unescaped_key().get(name) || member.value().get(part)) return reader.Wrong("address", "Not valid JSON.");
    const std::string field = "address." + std::string(name);
    if (name == "line1")
      reader.Text(part, field, input.address_line1);
    else if (name == "line2")
      reader.Text(part, field, input.address_line2);
    else if (name == "city")
      reader.Text(part, field, input.city);
    else if (name == "region")
      reader.Text(part, field, input.region);
    else if (name == "postal_code")
      reader.Text(part, field, input.postal_code);
    else if (name == "country_code")
      reader.Text(part, field, input.country_code);
    else
      reader.Unknown(field);
  }
}

// Parses `body` as one object and calls `field(key, value)` for each member.
template <typename OnField>
std::optional<Problem> ForEachField(std::string_view body, OnField on_field) {
  if (!IsJsonObject(body)) return InvalidJsonProblem("The body must be one JSON object and nothing after it.");
  simdjson::ondemand::parser parser;
  simdjson::padded_string padded(body);
  simdjson::ondemand::document document;
  simdjson::ondemand::object object;
  if (parser.iterate(padded).get(document) || document.get_object().get(object)) {
    return InvalidJsonProblem("The body must be one JSON object.");
  }
  for (auto member : object) {
    std::string_view key;
    simdjson::ondemand::value value;
    if (member.unescaped_key().get(key) || member.value().get(value)) {
      return InvalidJsonProblem("The body is not valid JSON.");
    }
    on_field(std::string(key), value);
  }
  return std::nullopt;
}

std::string Base64UrlEncode(std::string_view bytes) {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string text;
  std::uint32_t buffer = 0;
  int bits = 0;
  for (unsigned char byte : bytes) {
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      text += kAlphabet[(buffer >> bits) & 0x3F];
    }
  }
  if (bits > 0) text += kAlphabet[(buffer << (6 - bits)) & 0x3F];
  return text;
}

std::optional<std::string> Base64UrlDecode(std::string_view text) {
  std::string bytes;
  std::uint32_t buffer = 0;
  int bits = 0;
  for (char c : text) {
    int value = -1;
    if (c >= 'A' && c <= 'Z')
      value = c - 'A';
    else if (c >= 'a' && c <= 'z')
      value = c - 'a' + 26;
    else if (c >= '0' && c <= '9')
      value = c - '0' + 52;
    else if (c == '-')
      value = 62;
    else if (c == '_')
      value = 63;
    if (value < 0) return std::nullopt;
    buffer = (buffer << 6) | static_cast<std::uint32_t>(value);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      bytes += static_cast<char>((buffer >> bits) & 0xFF);
    }
  }
  return bytes;
}

std::optional<std::int64_t> ParseInteger(std::string_view text) {
  std::int64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

char SortLetter(app::ContactSort sort) {
  switch (sort) {
    case app::ContactSort::kNewest: return 'n';
    case app::ContactSort::kName: return 'a';
    case app::ContactSort::kUpdated: return 'u';
  }
  return '?';
}

}  // namespace

void WriteContact(JsonWriter& json, const app::Contact& contact) {
  const app::ContactProfile& profile = contact.profile;
  json.StartObject();
  json.Field("id", contact.id.value());
  json.Field("first_name", profile.first_name);
  json.Field("last_name", profile.last_name);
  json.Field("email", profile.email);
  WriteStrings(json, "other_emails", profile.other_emails);
  json.Field("phone", profile.phone);
  WriteStrings(json, "other_phones", profile.other_phones);
  WriteAddress(json, profile.address, profile.address.country_code);
  json.Key("birthday");
  if (profile.birthday) {
    json.String(*profile.birthday);
  } else {
    json.Null();
  }
  json.Key("gender");
  if (profile.gender) {
    json.String(domain::GenderName(*profile.gender));
  } else {
    json.Null();
  }
  json.Field("locale", profile.locale);
  json.Field("time_zone", profile.time_zone);
  json.Field("source", profile.source);
  json.Key("owner_id");
  if (profile.owner) {
    json.Int64(profile.owner->value());
  } else {
    json.Null();
  }
  json.Field("external_id", profile.external_id);
  WriteStrings(json, "roles", app::RoleNames(profile.roles));
  WriteCustom(json, profile.custom_json);
  json.Key("companies");
  json.StartArray();
  for (const app::CompanyLink& link : contact.companies) {
    json.StartObject();
    json.Field("company_id", link.company_id.value());
    json.Field("name", link.company_name);
    json.Field("job_title", link.job_title);
    json.Field("primary", link.primary);
    json.EndObject();
  }
  json.EndArray();
  json.Key("merged_into");
  if (contact.merged_into) {
    json.Int64(contact.merged_into->value());
  } else {
    json.Null();
  }
  json.Field("created_at", FormatRfc3339(contact.created_at));
  json.Field("updated_at", FormatRfc3339(contact.updated_at));
  json.EndObject();
}

void WriteCompany(JsonWriter& json, const app::Company& company) {
  const app::CompanyProfile& profile = company.profile;
  json.StartObject();
  json.Field("id", company.id.value());
  json.Field("name", profile.name);
  json.Field("country_code", profile.country_code);
  json.Field("website", profile.website);
  json.Field("email", profile.email);
  json.Field("phone", profile.phone);
  WriteAddress(json, profile.address, profile.country_code);
  WriteStrings(json, "roles", app::RoleNames(profile.roles));
  json.Key("owner_id");
  if (profile.owner) {
    json.Int64(profile.owner->value());
  } else {
    json.Null();
  }
  json.Field("external_id", profile.external_id);
  WriteCustom(json, profile.custom_json);
  json.Field("contact_count", company.contact_count);
  json.Field("created_at", FormatRfc3339(company.created_at));
  json.Field("updated_at", FormatRfc3339(company.updated_at));
  json.EndObject();
}

void WriteEvent(JsonWriter& json, const app::Event& event) {
  json.StartObject();
  json.Field("sequence", std::to_string(event.sequence.value()));
  json.Field("kind", event.kind);
  json.Field("subject_type", event.subject_type);
  json.Field("subject_id", event.subject_id);
  json.Field("occurred_at", FormatRfc3339(event.occurred_at));
  json.Field("recorded_at", FormatRfc3339(event.recorded_at));
  json.Field("actor", event.actor);
  json.Key("payload");
  json.RawValue(IsJsonObject(event.payload_json) ? std::string_view(event.payload_json) : std::string_view("{}"));
  json.EndObject();
}

void WriteTimeline(JsonWriter& json, const app::TimelinePage& page) {
  json.StartObject();
  json.Key("items");
  json.StartArray();
  for (const app::Event& event : page.items) WriteEvent(json, event);
  json.EndArray();
  json.Key("next");
  if (page.next) {
    json.String(std::to_string(page.next->value()));
  } else {
    json.Null();
  }
  json.EndObject();
}

void WriteNote(JsonWriter& json, const app::Note& note) {
  json.StartObject();
  json.Field("id", note.id.value());
  json.Field("contact_id", note.contact_id.value());
  json.Field("body", note.body);
  json.Field("author", note.author);
  json.Field("created_at", FormatRfc3339(note.created_at));
  json.Field("updated_at", FormatRfc3339(note.updated_at));
  json.EndObject();
}

void WriteTask(JsonWriter& json, const app::Task& task) {
  json.StartObject();
  json.Field("id", task.id.value());
  json.Field("contact_id", task.contact_id.value());
  json.Field("title", task.title);
  json.Field("details", task.details);
  json.Key("assignee_id");
  if (task.assignee) {
    json.Int64(task.assignee->value());
  } else {
    json.Null();
  }
  WriteOptionalTime(json, "due_at", task.due_at);
  WriteOptionalTime(json, "remind_at", task.remind_at);
  json.Field("done", task.done);
  WriteOptionalTime(json, "done_at", task.done_at);
  json.Field("created_by", task.created_by);
  json.Field("created_at", FormatRfc3339(task.created_at));
  json.Field("updated_at", FormatRfc3339(task.updated_at));
  json.EndObject();
}

void WriteConsent(JsonWriter& json, const app::ConsentEntry& consent) {
  json.StartObject();
  json.Field("id", consent.id);
  json.Field("channel", domain::ConsentChannelName(consent.channel));
  json.Field("purpose", domain::ConsentPurposeName(consent.purpose));
  json.Field("status", domain::ConsentStatusName(consent.status));
  json.Field("recorded_at", FormatRfc3339(consent.recorded_at));
  json.Field("method", consent.method);
  json.Field("proof", consent.proof);
  json.Field("actor", consent.actor);
  json.EndObject();
}

void WriteContactInterest(JsonWriter& json, const app::ContactInterest& interest) {
  json.StartObject();
  json.Field("interest", interest.interest_key);
  json.Field("name", interest.interest_name);
  json.Field("category", interest.category_key);
  json.Field("source", domain::InterestSourceName(interest.source));
  json.Field("strength", static_cast<std::int64_t>(interest.strength));
  json.Field("updated_at", FormatRfc3339(interest.updated_at));
  json.EndObject();
}

void WriteMerge(JsonWriter& json, const app::MergeRecord& merge) {
  json.StartObject();
  json.Field("id", merge.id.value());
  json.Field("survivor_id", merge.survivor.value());
  json.Field("merged_id", merge.merged.value());
  json.Field("actor", merge.actor);
  json.Field("merged_at", FormatRfc3339(merge.merged_at));
  WriteOptionalTime(json, "undone_at", merge.undone_at);
  json.EndObject();
}

void WriteCustomField(JsonWriter& json, const app::CustomFieldDefinition& field) {
  json.StartObject();
  json.Field("id", field.id.value());
  json.Field("key", field.key);
  json.Field("label", field.label);
  json.Field("type", domain::CustomFieldTypeName(field.type));
  WriteStrings(json, "choices", field.choices);
  json.Field("required", field.required);
  json.Field("applies_to", field.applies_to);
  json.EndObject();
}

void WriteDuplicatePair(JsonWriter& json, const app::DuplicatePair& pair) {
  json.StartObject();
  json.Field("id", pair.candidate.id.value());
  json.Key("first");
  WriteContact(json, pair.first);
  json.Key("second");
  WriteContact(json, pair.second);
  json.Field("score", static_cast<std::int64_t>(pair.candidate.score));
  json.Key("rules");
  json.StartArray();
  for (domain::DuplicateRule rule : pair.candidate.rules) json.String(domain::DuplicateRuleName(rule));
  json.EndArray();
  json.Field("status", app::DuplicateStatusName(pair.candidate.status));
  json.Field("found_at", FormatRfc3339(pair.candidate.found_at));
  json.EndObject();
}

std::optional<Problem> ReadContactInput(std::string_view body, app::ContactInput& input,
                                        std::optional<std::int64_t>* company_id, std::string* job_title) {
  BodyReader reader;
  std::optional<Problem> problem = ForEachField(body, [&](std::string key, simdjson::ondemand::value value) {
    if (key == "first_name") return reader.Text(value, key, input.first_name);
    if (key == "last_name") return reader.Text(value, key, input.last_name);
    if (key == "email") return reader.Text(value, key, input.email);
    if (key == "phone") return reader.Text(value, key, input.phone);
    if (key == "birthday") return reader.Text(value, key, input.birthday);
    if (key == "gender") return reader.Text(value, key, input.gender);
    if (key == "locale") return reader.Text(value, key, input.locale);
    if (key == "time_zone") return reader.Text(value, key, input.time_zone);
    if (key == "source") return reader.Text(value, key, input.source);
    if (key == "external_id") return reader.Text(value, key, input.external_id);
    if (key == "other_emails") return reader.Strings(value, key, input.other_emails);
    if (key == "other_phones") return reader.Strings(value, key, input.other_phones);
    if (key == "roles") return reader.Strings(value, key, input.roles);
    if (key == "owner_id") return reader.Id(value, key, input.owner_id);
    if (key == "address") return ReadAddress(reader, value, input);
    if (key == "custom") {
      simdjson::ondemand::object custom;
      if (value.get_object().get(custom)) return reader.Wrong(key, "Expected an object.");
      for (auto member : custom) {
        std::string_view name;
        simdjson::ondemand::value part;
        if (member.unescaped_key().get(name) || member.value().get(part)) return reader.Wrong(key, "Not valid JSON.");
        std::optional<std::string> text;
        json_type type;
        if (!part.type().get(type) && type == json_type::number) {
          std::string_view raw = part.raw_json_token();
          while (!raw.empty() && (raw.back() == ' ' || raw.back() == '\n' || raw.back() == ',' || raw.back() == '}')) {
            raw.remove_suffix(1);
          }
          text = std::string(raw);
        } else {
          reader.Text(part, "custom." + std::string(name), text);
        }
        if (text) input.custom[std::string(name)] = std::move(*text);
      }
      return;
    }
    if (company_id != nullptr && key == "company_id") {
      std::optional<std::int64_t> id;
      reader.Id(value, key, id);
      if (id && *id > 0) *company_id = id;
      return;
    }
    if (job_title != nullptr && key == "job_title") {
      std::optional<std::string> title;
      reader.Text(value, key, title);
      if (title) *job_title = std::move(*title);
      return;
    }
    reader.Unknown(key);
  });
  if (problem) return problem;
  return reader.Finish();
}

std::optional<Problem> ReadCompanyInput(std::string_view body, app::CompanyInput& input) {
  BodyReader reader;
  std::optional<Problem> problem = ForEachField(body, [&](std::string key, simdjson::ondemand::value value) {
    if (key == "name") return reader.Text(value, key, input.name);
    if (key == "country_code") return reader.Text(value, key, input.country_code);
    if (key == "website") return reader.Text(value, key, input.website);
    if (key == "email") return reader.Text(value, key, input.email);
    if (key == "phone") return reader.Text(value, key, input.phone);
    if (key == "external_id") return reader.Text(value, key, input.external_id);
    if (key == "roles") return reader.Strings(value, key, input.roles);
    if (key == "owner_id") return reader.Id(value, key, input.owner_id);
    if (key == "address") return ReadAddress(reader, value, input);
    reader.Unknown(key);
  });
  if (problem) return problem;
  return reader.Finish();
}

std::optional<Problem> ReadTaskInput(std::string_view body, app::TaskInput& input) {
  BodyReader reader;
  std::optional<Problem> problem = ForEachField(body, [&](std::string key, simdjson::ondemand::value value) {
    if (key == "title") return reader.Text(value, key, input.title);
    if (key == "details") return reader.Text(value, key, input.details);
    if (key == "assignee_id") return reader.Id(value, key, input.assignee_id);
    if (key == "due_at") return reader.Time(value, key, input.due_at);
    if (key == "remind_at") return reader.Time(value, key, input.remind_at);
    if (key == "done") return reader.Bool(value, key, input.done);
    reader.Unknown(key);
  });
  if (problem) return problem;
  return reader.Finish();
}

std::optional<std::vector<std::string>> ReadStringArray(std::string_view json) {
  simdjson::ondemand::parser parser;
  simdjson::padded_string padded(json);
  simdjson::ondemand::document document;
  simdjson::ondemand::array array;
  if (parser.iterate(padded).get(document) || document.get_array().get(array)) return std::nullopt;
  std::vector<std::string> values;
  for (auto element : array) {
    std::string_view text;
    if (element.get_string().get(text)) return std::nullopt;
    values.emplace_back(text);
  }
  return values;
}

Problem ContactProblem(const Status& status, const std::vector<app::FieldError>& errors,
                       std::optional<ContactId> existing) {
  if (status.code() == StatusCode::kInvalidArgument && !errors.empty()) {
    Problem problem{.status = 422,
                    .code = "invalid_contact",
                    .title = "The record has invalid values",
                    .detail = status.message(),
                    .errors = {}};
    for (const app::FieldError& error : errors) problem.errors.push_back({error.field, "invalid_value", error.reason});
    return problem;
  }
  if (status.code() == StatusCode::kAlreadyExists && existing) {
    Problem problem{.status = 409,
                    .code = "contact_exists",
                    .title = "Another contact holds this key",
                    .detail = status.message(),
                    .errors = {}};
    problem.integer_members.emplace_back("contact_id", existing->value());
    return problem;
  }
  return ProblemFromStatus(status);
}

std::string EncodeContactCursor(app::ContactSort sort, const app::ContactCursor& cursor) {
  std::string raw(1, SortLetter(sort));
  raw += "." + std::to_string(cursor.id.value());
  if (sort == app::ContactSort::kUpdated) raw += "." + std::to_string(cursor.number_key);
  if (sort == app::ContactSort::kName) raw += "." + cursor.text_key;
  return Base64UrlEncode(raw);
}

std::optional<app::ContactCursor> DecodeContactCursor(app::ContactSort sort, std::string_view text) {
  std::optional<std::string> raw = Base64UrlDecode(text);
  if (!raw || raw->size() < 3 || (*raw)[0] != SortLetter(sort) || (*raw)[1] != '.') return std::nullopt;
  std::string_view rest = std::string_view(*raw).substr(2);
  const std::size_t dot = rest.find('.');
  std::optional<std::int64_t> id = ParseInteger(rest.substr(0, dot));
  if (!id || *id <= 0) return std::nullopt;
  app::ContactCursor cursor{.id = ContactId(*id)};
  const std::string_view key = dot == std::string_view::npos ? std::string_view() : rest.substr(dot + 1);
  switch (sort) {
    case app::ContactSort::kNewest:
      if (dot != std::string_view::npos) return std::nullopt;
      break;
    case app::ContactSort::kUpdated: {
      std::optional<std::int64_t> micros = ParseInteger(key);
      if (!micros || dot == std::string_view::npos) return std::nullopt;
      cursor.number_key = *micros;
      break;
    }
    case app::ContactSort::kName:
      if (dot == std::string_view::npos) return std::nullopt;
      cursor.text_key = std::string(key);
      break;
  }
  return cursor;
}

std::string EncodeCompanyCursor(std::string_view name, CompanyId id) {
  return Base64UrlEncode("c." + std::to_string(id.value()) + "." + std::string(name));
}

std::optional<std::pair<std::string, CompanyId>> DecodeCompanyCursor(std::string_view text) {
  std::optional<std::string> raw = Base64UrlDecode(text);
  if (!raw || !raw->starts_with("c.")) return std::nullopt;
  std::string_view rest = std::string_view(*raw).substr(2);
  const std::size_t dot = rest.find('.');
  if (dot == std::string_view::npos) return std::nullopt;
  std::optional<std::int64_t> id = ParseInteger(rest.substr(0, dot));
  if (!id || *id <= 0) return std::nullopt;
  return std::pair{std::string(rest.substr(dot + 1)), CompanyId(*id)};
}

}  // namespace rapport::http

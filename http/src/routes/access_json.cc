// JSON forms of access-control records (see access_json.h).
#include "routes/access_json.h"

#include <string>

namespace rapport::http {
namespace {

void OptionalTime(JsonWriter& json, std::string_view key, const std::optional<Timestamp>& at) {
  json.Key(key);
  if (at) {
    json.String(FormatRfc3339(*at));
  } else {
    json.Null();
  }
}

}  // namespace

void WriteUser(JsonWriter& json, const app::User& user) {
  json.StartObject();
  json.Field("id", user.id.value());
  json.Field("email", user.email);
  json.Field("display_name", user.display_name);
  json.Field("role", domain::RoleName(user.role));
  json.Field("disabled", user.disabled);
  json.Field("created_at", FormatRfc3339(user.created_at));
  json.Field("updated_at", FormatRfc3339(user.updated_at));
  json.EndObject();
}

void WriteToken(JsonWriter& json, const app::ApiToken& token) {
  json.StartObject();
  json.Field("id", token.id.value());
  json.Field("name", token.name);
  json.Field("role", domain::RoleName(token.role));
  json.Key("created_by");
  if (token.created_by) {
    json.Int64(token.created_by->value());
  } else {
    json.Null();
  }
  json.Field("created_at", FormatRfc3339(token.created_at));
  OptionalTime(json, "last_used_at", token.last_used_at);
  OptionalTime(json, "revoked_at", token.revoked_at);
  json.EndObject();
}

void WriteAuditRecord(JsonWriter& json, const app::AuditRecord& record) {
  json.StartObject();
  json.Field("sequence", record.sequence);
  json.Field("at", FormatRfc3339(record.at));
  json.Field("actor", record.actor);
  json.Field("action", record.action);
  json.Field("subject_type", record.subject_type);
  json.Field("subject_id", record.subject_id);
  json.Field("remote", record.remote);
  json.Key("details");
  // Details were written by AccessService as a JSON object; keep a malformed
  // value (an edited row) from breaking the response by sending it as text.
  if (IsJsonObject(record.details_json)) {
    json.RawValue(record.details_json);
  } else {
    json.StartObject();
    json.Field("text", record.details_json);
    json.EndObject();
  }
  json.Field("hash", record.hash);
  json.EndObject();
}

void WritePermissions(JsonWriter& json, domain::Role role) {
  json.StartObject();
  for (domain::Resource resource : domain::kAllResources) {
    json.Key(domain::ResourceName(resource));
    json.StartArray();
    for (domain::Action action : domain::kAllActions) {
      if (domain::IsAllowed(role, resource, action)) json.String(domain::ActionName(action));
    }
    json.EndArray();
  }
  json.EndObject();
}

std::optional<Problem> ParseRoleField(std::string_view field, std::string_view text, domain::Role* role) {
  if (const auto parsed = domain::ParseRole(text)) {
    *role = *parsed;
    return std::nullopt;
  }
  return ValidationFailedProblem(
      {{std::string(field), "invalid_value", "Expected one of admin, manager, agent, analyst."}});
}

}  // namespace rapport::http

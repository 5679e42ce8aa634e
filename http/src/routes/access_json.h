// JSON forms of the access-control records (users, API tokens, audit
// records) and their JSON Schemas for the OpenAPI document. Secrets never
// appear: password hashes and token digests are not written.
//
// Thread safety: stateless functions.
#pragma once

#include <optional>
#include <string_view>

#include "json.h"

#include "rapport/app/access_service.h"
#include "rapport/domain/access.h"

namespace rapport::http {

void WriteUser(JsonWriter& json, const app::User& user);
void WriteToken(JsonWriter& json, const app::ApiToken& token);
void WriteAuditRecord(JsonWriter& json, const app::AuditRecord& record);
// {"users":["read"],"audit":[],...}: what the role may do, for the UI.
void WritePermissions(JsonWriter& json, domain::Role role);

// A role name from a request body; a 400 problem names the field otherwise.
std::optional<Problem> ParseRoleField(std::string_view field, std::string_view text, domain::Role* role);

inline constexpr std::string_view kUserSchema =
    R"({"type":"object","required":["id","email","display_name","role","disabled","created_at","updated_at"],"properties":{"id":{"type":"integer"},"email":{"type":"string","format":"email"},"display_name":{"type":"string"},"role":{"enum":["admin","manager","agent","analyst"]},"disabled":{"type":"boolean"},"created_at":{"type":"string","format":"date-time"},"updated_at":{"type":"string","format":"date-time"}}})";
inline constexpr std::string_view kTokenSchema =
    R"({"type":"object","required":["id","name","role","created_by","created_at","last_used_at","revoked_at"],"properties":{"id":{"type":"integer"},"name":{"type":"string"},"role":{"enum":["admin","manager","agent","analyst"]},"created_by":{"type":["integer","null"]},"created_at":{"type":"string","format":"date-time"},"last_used_at":{"type":["string","null"],"format":"date-time"},"revoked_at":{"type":["string","null"],"format":"date-time"}}})";
inline constexpr std::string_view kAuditRecordSchema =
    R"({"type":"object","required":["sequence","at","actor","action","subject_type","subject_id","remote","details","hash"],"properties":{"sequence":{"type":"integer"},"at":{"type":"string","format":"date-time"},"actor":{"type":"string","description":"user:ID, token:ID, cli:NAME, system or anonymous"},"action":{"type":"string"},"subject_type":{"type":"string"},"subject_id":{"type":"integer"},"remote":{"type":"string"},"details":{"type":"object"},"hash":{"type":"string","description":"SHA-256 of the previous hash and this record"}}})";

}  // namespace rapport::http

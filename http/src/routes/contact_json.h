// JSON codecs of the client-card API: the public shapes of contacts,
// companies, timeline events, notes, tasks, consents, interests, merges and
// duplicate pairs (see the OpenAPI schemas in contact_schemas.h), the readers
// of contact and company bodies, and the opaque list cursors.
//
// Thread safety: free functions over values.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "json.h"
#include "problem.h"

#include "rapport/app/card_details_service.h"
#include "rapport/app/contact_service.h"
#include "rapport/app/duplicate_service.h"

namespace rapport::http {

void WriteContact(JsonWriter& json, const app::Contact& contact);
void WriteCompany(JsonWriter& json, const app::Company& company);
void WriteEvent(JsonWriter& json, const app::Event& event);
void WriteNote(JsonWriter& json, const app::Note& note);
void WriteTask(JsonWriter& json, const app::Task& task);
void WriteConsent(JsonWriter& json, const app::ConsentEntry& consent);
void WriteContactInterest(JsonWriter& json, const app::ContactInterest& interest);
void WriteMerge(JsonWriter& json, const app::MergeRecord& merge);
void WriteCustomField(JsonWriter& json, const app::CustomFieldDefinition& field);
void WriteDuplicatePair(JsonWriter& json, const app::DuplicatePair& pair);
void WriteTimeline(JsonWriter& json, const app::TimelinePage& page);  // {"items": [...], "next": ...}

// A contact body (POST: any editable field; PATCH: the ones to change).
// `company_id` and `job_title` are read only when not null (POST).
std::optional<Problem> ReadContactInput(std::string_view body, app::ContactInput& input,
                                        std::optional<std::int64_t>* company_id, std::string* job_title);
std::optional<Problem> ReadCompanyInput(std::string_view body, app::CompanyInput& input);
std::optional<Problem> ReadTaskInput(std::string_view body, app::TaskInput& input);

// A JSON array of strings; nullopt when `json` is anything else.
std::optional<std::vector<std::string>> ReadStringArray(std::string_view json);

// The problem for a failed contact or company write: 422 with every bad
// field, 409 naming the contact that holds the key, else by status code.
Problem ContactProblem(const Status& status, const std::vector<app::FieldError>& errors,
                       std::optional<ContactId> existing);

// Cursors are opaque to clients: base64url of the keyset position.
std::string EncodeContactCursor(app::ContactSort sort, const app::ContactCursor& cursor);
std::optional<app::ContactCursor> DecodeContactCursor(app::ContactSort sort, std::string_view text);
std::string EncodeCompanyCursor(std::string_view name, CompanyId id);
std::optional<std::pair<std::string, CompanyId>> DecodeCompanyCursor(std::string_view text);

}  // namespace rapport::http

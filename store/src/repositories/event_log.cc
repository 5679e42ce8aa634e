#include "repositories/event_log.h"

#include <limits>
#include <string>

#include "rapport/base/limits.h"

namespace rapport::store {
namespace {

Status ValidateLimit(int limit) {
  if (limit < 1 || limit > limits::kEventBatchMax) {
    return InvalidArgument("event read limit must be 1.." + std::to_string(limits::kEventBatchMax) + ", got " +
                           std::to_string(limit));
  }
  return {};
}

Status ValidateEvent(const app::NewEvent& event) {
  if (event.kind.empty()) return InvalidArgument("event kind must not be empty");
  if (event.subject_type.empty()) return InvalidArgument("event subject_type must not be empty");
  if (event.payload_json.empty()) return InvalidArgument("event payload must be a JSON object, got nothing");
  if (event.payload_json.size() > limits::kEventPayloadBytesMax) {
    return InvalidArgument("event payload is " + std::to_string(event.payload_json.size()) + " bytes, over the " +
                           std::to_string(limits::kEventPayloadBytesMax) + " byte limit");
  }
  return {};
}

// Column order of every event-returning query (queries/*/events.sql).
app::Event EventFromRow(const SqlRow& row) {
  app::Event event;
  event.sequence = EventSequence(row.Int(0));
  event.kind = std::string(row.Text(1));
  event.subject_type = std::string(row.Text(2));
  event.subject_id = row.Int(3);
  event.occurred_at = FromUnixMicros(row.Int(4));
  event.recorded_at = FromUnixMicros(row.Int(5));
  event.actor = std::string(row.Text(6));
  event.payload_json = std::string(row.Text(7));
  return event;
}

Result<std::vector<app::Event>> QueryEvents(SqlSession& session, std::string_view query_name,
                                            std::span<const SqlParam> params) {
  std::vector<app::Event> events;
  RAPPORT_RETURN_IF_ERROR(session.Query(query_name, params, [&](const SqlRow& row) {
    events.push_back(EventFromRow(row));
    return Status();
  }));
  return events;
}

// A JSON array of strings. Event kinds are snake_case, but any text is escaped
// so a caller's value can never change the array's shape.
std::string JsonStringArray(std::span<const std::string> values) {
  std::string json = "[";
  for (const std::string& value : values) {
    if (json.size() > 1) json += ',';
    json += '"';
    for (const char c : value) {
      const auto byte = static_cast<unsigned char>(c);
      if (c == '"' || c == '\\') {
        json += '\\';
        json += c;
      } else if (byte < 0x20) {
        static constexpr char kHex[] = "0123456789abcdef";
        json += "\\u00";
        json += kHex[byte >> 4];
        json += kHex[byte & 0xf];
      } else {
        json += c;
      }
    }
    json += '"';
  }
  json += ']';
  return json;
}

std::string JsonIntArray(std::span<const std::int64_t> values) {
  std::string json = "[";
  for (const std::int64_t value : values) {
    if (json.size() > 1) json += ',';
    json += std::to_string(value);
  }
  json += ']';
  return json;
}

}  // namespace

Result<EventSequence> SqlEventLog::Append(const app::NewEvent& event) {
  RAPPORT_RETURN_IF_ERROR(ValidateEvent(event));
  const SqlParam params[] = {std::string_view(event.kind),
                             std::string_view(event.subject_type),
                             event.subject_id,
                             ToUnixMicros(event.occurred_at),
                             ToUnixMicros(now_),
                             std::string_view(event.actor),
                             std::string_view(event.payload_json)};
  EventSequence sequence;
  RAPPORT_RETURN_IF_ERROR(session_.Query("event_append", params, [&](const SqlRow& row) {
    sequence = EventSequence(row.Int(0));
    return Status();
  }));
  RAPPORT_ASSERT(sequence.valid());
  return sequence;
}

Result<std::vector<app::Event>> SqlEventLog::ReadAfter(EventSequence after, int limit) {
  RAPPORT_RETURN_IF_ERROR(ValidateLimit(limit));
  const SqlParam params[] = {after.value(), std::int64_t{limit}};
  std::vector<app::Event> events;
  bool held_back = false;
  RAPPORT_RETURN_IF_ERROR(session_.Query("event_read_after", params, [&](const SqlRow& row) {
    // Past the first event not yet released, a consumer could skip it: stop.
    held_back = held_back || row.Int(8) == 0;
    if (!held_back) events.push_back(EventFromRow(row));
    return Status();
  }));
  return events;
}

Result<std::vector<app::Event>> SqlEventLog::ReadSubject(std::string_view subject_type, std::int64_t subject_id,
                                                         std::optional<EventSequence> before, int limit) {
  RAPPORT_RETURN_IF_ERROR(ValidateLimit(limit));
  const std::int64_t before_value = before ? before->value() : std::numeric_limits<std::int64_t>::max();
  const SqlParam params[] = {subject_type, subject_id, before_value, std::int64_t{limit}};
  return QueryEvents(session_, "event_read_subject", params);
}

Result<std::vector<app::Event>> SqlEventLog::ReadSubjects(std::string_view subject_type,
                                                          std::span<const std::int64_t> subject_ids,
                                                          std::span<const std::string> kinds,
                                                          std::optional<EventSequence> before, int limit) {
  RAPPORT_RETURN_IF_ERROR(ValidateLimit(limit));
  if (subject_ids.empty()) return std::vector<app::Event>{};
  if (subject_ids.size() > kReadSubjectsIdsMax) {
    return InvalidArgument("at most " + std::to_string(kReadSubjectsIdsMax) + " subjects per read, got " +
                           std::to_string(subject_ids.size()));
  }
  if (kinds.size() > kReadSubjectsKindsMax) {
    return InvalidArgument("at most " + std::to_string(kReadSubjectsKindsMax) + " kinds per read, got " +
                           std::to_string(kinds.size()));
  }
  const std::int64_t before_value = before ? before->value() : std::numeric_limits<std::int64_t>::max();
  const std::string ids_json = JsonIntArray(subject_ids);
  if (kinds.empty()) {
    const SqlParam params[] = {subject_type, std::string_view(ids_json), before_value, std::int64_t{limit}};
    return QueryEvents(session_, "event_read_subjects", params);
  }
  const std::string kinds_json = JsonStringArray(kinds);
  const SqlParam params[] = {subject_type, std::string_view(ids_json), before_value, std::int64_t{limit},
                             std::string_view(kinds_json)};
  return QueryEvents(session_, "event_read_subjects_of_kinds", params);
}

Result<EventSequence> SqlEventLog::LastSequence() {
  EventSequence last(0);
  RAPPORT_RETURN_IF_ERROR(session_.Query("event_last_sequence", {}, [&](const SqlRow& row) {
    last = EventSequence(row.Int(0));
    return Status();
  }));
  return last;
}

}  // namespace rapport::store

// The event log: the append-only record of every domain change, written in
// the same transaction as the state it describes. It is at once the client-card
// timeline and the outbox that consumers (automations, webhooks, segments, the
// analytics snapshot) read from their checkpoints.
//
// Ordering contract: a consumer reading with ReadAfter(position) never misses
// an event. Sequences are assigned at append; an event becomes visible to
// ReadAfter only once every transaction that could still commit a smaller
// sequence has finished (trivial on SQLite's single writer; on PostgreSQL the
// adapter holds back events above the oldest running transaction).
//
// Thread safety: repositories are obtained from a transaction and used only by
// the thread running that transaction's body.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "rapport/base/clock.h"
#include "rapport/base/ids.h"
#include "rapport/base/status.h"

namespace rapport::app {

struct NewEvent {
  std::string kind;             // snake_case, past tense: "contact_created", "points_earned"
  std::string subject_type;     // what the event is about: "contact", "company", "job", "system"
  std::int64_t subject_id = 0;  // 0 when the subject has no id
  Timestamp occurred_at;        // when it happened in the world (may precede recording)
  std::string actor;            // who caused it: "user:12", "token:shop", "cli", "system"
  std::string payload_json;     // a JSON object; at most limits::kEventPayloadBytesMax bytes
};

struct Event {
  EventSequence sequence;
  std::string kind;
  std::string subject_type;
  std::int64_t subject_id = 0;
  Timestamp occurred_at;
  Timestamp recorded_at;
  std::string actor;
  std::string payload_json;
};

class EventLogWriter {
 public:
  virtual ~EventLogWriter() = default;
  // Appends one event; its recorded_at is the transaction's clock reading.
  // Fails with kInvalidArgument for an empty kind or an oversized payload.
  virtual Result<EventSequence> Append(const NewEvent& event) = 0;
};

class EventLogReader {
 public:
  virtual ~EventLogReader() = default;
  // Events with sequence > after, ascending, at most `limit` (≤ kEventBatchMax),
  // honouring the ordering contract above.
  virtual Result<std::vector<Event>> ReadAfter(EventSequence after, int limit) = 0;
  // A subject's events newest first, strictly before `before` when given (a
  // keyset cursor), at most `limit`. Used by timelines.
  virtual Result<std::vector<Event>> ReadSubject(std::string_view subject_type, std::int64_t subject_id,
                                                 std::optional<EventSequence> before, int limit) = 0;
  // The events of several subjects of one type (a contact and the contacts
  // merged into it), newest first, only the given kinds when `kinds` is not
  // empty, strictly before `before` when given, at most `limit`.
  virtual Result<std::vector<Event>> ReadSubjects(std::string_view subject_type,
                                                  std::span<const std::int64_t> subject_ids,
                                                  std::span<const std::string> kinds,
                                                  std::optional<EventSequence> before, int limit) = 0;
  // The highest sequence visible to ReadAfter (0 when the log is empty).
  virtual Result<EventSequence> LastSequence() = 0;
};

}  // namespace rapport::app

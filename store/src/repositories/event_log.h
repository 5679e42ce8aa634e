// SqlEventLog: the event log over a SqlSession, for both dialects. Appends
// stamp recorded_at with the transaction's clock reading. The ordering
// contract of app/event_log.h is kept by the queries: trivially on SQLite (one
// writer), on PostgreSQL by each event's xid horizon (see
// migrations/postgres/0001_foundation.sql): ReadAfter returns events only up to
// the first one not yet released.
//
// Thread safety: belongs to the thread running the transaction body.
#pragma once

#include <cstddef>

#include "sql/session.h"

#include "rapport/app/event_log.h"

namespace rapport::store {

// Bounds of one ReadSubjects call: a card's subjects are the contact and the
// contacts merged into it (SqlCardDetails keeps those below this), and kinds
// are a timeline filter.
inline constexpr std::size_t kReadSubjectsIdsMax = 1'000;
inline constexpr std::size_t kReadSubjectsKindsMax = 100;

class SqlEventLog final : public app::EventLogWriter, public app::EventLogReader {
 public:
  SqlEventLog(SqlSession& session, Timestamp now) : session_(session), now_(now) {}

  Result<EventSequence> Append(const app::NewEvent& event) override;
  Result<std::vector<app::Event>> ReadAfter(EventSequence after, int limit) override;
  Result<std::vector<app::Event>> ReadSubject(std::string_view subject_type, std::int64_t subject_id,
                                              std::optional<EventSequence> before, int limit) override;
  // Subject ids and kinds travel as one JSON array parameter each (queries
  // expand them), so one prepared statement serves any list length.
  Result<std::vector<app::Event>> ReadSubjects(std::string_view subject_type, std::span<const std::int64_t> subject_ids,
                                               std::span<const std::string> kinds, std::optional<EventSequence> before,
                                               int limit) override;
  Result<EventSequence> LastSequence() override;

 private:
  SqlSession& session_;
  Timestamp now_;
};

}  // namespace rapport::store

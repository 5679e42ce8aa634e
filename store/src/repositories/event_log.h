// SqlEventLog: the event log over a SqlSession, for both dialects. Appends
// stamp recorded_at with the transaction's clock reading. The ordering
// contract of app/event_log.h is kept by the queries: trivially on SQLite (one
// writer), on PostgreSQL by each event's xid horizon (see
// migrations/postgres/0001_foundation.sql): ReadAfter returns events only up to
// the first one not yet released.
//
// Thread safety: belongs to the thread running the transaction body.
#pragma once

#include "sql/session.h"

#include "rapport/app/event_log.h"

namespace rapport::store {

class SqlEventLog final : public app::EventLogWriter, public app::EventLogReader {
 public:
  SqlEventLog(SqlSession& session, Timestamp now) : session_(session), now_(now) {}

  Result<EventSequence> Append(const app::NewEvent& event) override;
  Result<std::vector<app::Event>> ReadAfter(EventSequence after, int limit) override;
  Result<std::vector<app::Event>> ReadSubject(std::string_view subject_type, std::int64_t subject_id,
                                              std::optional<EventSequence> before, int limit) override;
  Result<EventSequence> LastSequence() override;

 private:
  SqlSession& session_;
  Timestamp now_;
};

}  // namespace rapport::store

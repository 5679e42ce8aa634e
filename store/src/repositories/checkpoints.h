// SqlCheckpoints: consumer checkpoints over a SqlSession. Acquire creates the
// row at position 0 when new and then locks it; on PostgreSQL another node's
// transaction skips a locked checkpoint (FOR UPDATE SKIP LOCKED).
//
// Thread safety: belongs to the thread running the transaction body.
#pragma once

#include "sql/session.h"

#include "rapport/app/checkpoints.h"

namespace rapport::store {

class SqlCheckpoints final : public app::ConsumerCheckpoints {
 public:
  SqlCheckpoints(SqlSession& session, Timestamp now) : session_(session), now_(now) {}

  Result<std::optional<EventSequence>> Acquire(std::string_view consumer) override;
  Status Advance(std::string_view consumer, EventSequence position) override;
  Result<std::vector<app::Checkpoint>> List() override;

 private:
  SqlSession& session_;
  Timestamp now_;
};

}  // namespace rapport::store

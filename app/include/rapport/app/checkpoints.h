// Consumer checkpoints: how far each named consumer of the event log has
// processed. A consumer reads events after its checkpoint, applies their
// effects and advances the checkpoint in the same write transaction, so its
// effects in the store happen exactly once even though delivery is at least
// once (a crash before commit replays the batch).
//
// With several server processes on one PostgreSQL, Acquire takes a row lock
// that other processes skip, so one process at a time runs a given consumer.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "rapport/base/clock.h"
#include "rapport/base/ids.h"
#include "rapport/base/status.h"

namespace rapport::app {

struct Checkpoint {
  std::string consumer;
  EventSequence position;  // last processed sequence; 0 before the first event
  Timestamp updated_at;
};

class ConsumerCheckpoints {
 public:
  virtual ~ConsumerCheckpoints() = default;
  // Locks the consumer's checkpoint for the rest of the transaction, creating
  // it at position 0 when new. Returns nullopt when another process holds it.
  virtual Result<std::optional<EventSequence>> Acquire(std::string_view consumer) = 0;
  // Moves the checkpoint forward; moving it backwards is a bug (asserts).
  virtual Status Advance(std::string_view consumer, EventSequence position) = 0;
  virtual Result<std::vector<Checkpoint>> List() = 0;
};

}  // namespace rapport::app

// Event-log consumers: code that reacts to the event log (app/event_log.h)
// from a durable checkpoint (app/checkpoints.h). Two contracts:
//
//  * EventConsumer: effects IN THE STORE, exactly once. For each batch the
//    runner opens ONE store write in which it Acquires the consumer's
//    checkpoint (skipping the consumer when another process holds it), reads
//    the events after it, calls Handle with the same transaction, and Advances
//    the checkpoint to the batch's last sequence. Handle's writes and the
//    checkpoint commit together, so a failure or crash anywhere rolls both back
//    and the batch is handled again from scratch. Handle runs inside the
//    store's write transaction: it must not block on anything but the store
//    (no network, no sleeping). Timelines, segment membership, automations
//    that enqueue jobs, and the analytics snapshot's feed use this.
//
//  * ExternalEventConsumer: effects OUTSIDE the store (webhooks), at least once.
//    The runner reads a batch in one write (holding the checkpoint only for
//    that read), calls Deliver with no transaction open, and advances the
//    checkpoint in a second write. A crash or a failure between Deliver and the
//    advance delivers the batch again, as can two processes racing for the
//    same consumer on PostgreSQL; receivers deduplicate by event sequence
//    (Standard Webhooks' message id).
//
// A failing consumer is retried after error_backoff (by the Clock) and does
// not hold up the others. Per-consumer statistics expose the lag
// (last visible sequence − checkpoint) for /metrics.
//
// Thread safety: Add before Start. RunPass, Stats, Notify and Stop may be
// called from any thread (passes are serialised). Consumers are called from
// one thread at a time.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "rapport/app/store.h"
#include "rapport/base/clock.h"
#include "rapport/base/limits.h"
#include "rapport/base/status.h"

namespace rapport::jobs {

inline constexpr std::size_t kConsumersMax = 100;

class EventConsumer {
 public:
  virtual ~EventConsumer() = default;
  // Stable, unique among consumers: the checkpoint's key.
  virtual std::string_view name() const = 0;
  // Applies the effects of `events` (non-empty, ascending) in `transaction`.
  // A non-ok Status rolls back the whole batch, which is retried later.
  virtual Status Handle(std::span<const app::Event> events, app::WriteTransaction& transaction) = 0;
};

class ExternalEventConsumer {
 public:
  virtual ~ExternalEventConsumer() = default;
  virtual std::string_view name() const = 0;
  // Delivers `events` (non-empty, ascending) to the outside world; called with
  // no transaction open. A non-ok Status redelivers the batch later.
  virtual Status Deliver(std::span<const app::Event> events) = 0;
};

struct ConsumerRunnerOptions {
  int batch_size = 500;                   // 1..limits::kEventBatchMax (asserted)
  Microseconds poll_interval{1'000'000};  // wait when no consumer has a backlog
  Microseconds error_backoff{5'000'000};  // a failing consumer's pause
};

struct ConsumerStats {
  std::string name;
  bool external = false;
  EventSequence position;       // the checkpoint after the last pass
  EventSequence last_sequence;  // the log's last visible sequence at that pass
  std::int64_t lag = 0;         // last_sequence − position
  std::uint64_t events_handled = 0;
  std::uint64_t batches_handled = 0;
  std::uint64_t failures = 0;
  std::uint64_t busy_skips = 0;  // another process held the checkpoint
  std::string last_error;
};

class ConsumerRunner {
 public:
  // `store`, `clock` and every added consumer must outlive the runner.
  ConsumerRunner(app::Store& store, const Clock& clock, ConsumerRunnerOptions options = {});
  ~ConsumerRunner();  // Stop()s
  ConsumerRunner(const ConsumerRunner&) = delete;
  ConsumerRunner& operator=(const ConsumerRunner&) = delete;

  // kAlreadyExists for a duplicate name, kInvalidArgument for an empty one,
  // kResourceExhausted beyond kConsumersMax, kFailedPrecondition after Start.
  Status Add(EventConsumer& consumer);
  Status Add(ExternalEventConsumer& consumer);

  // Runs at most one batch for every consumer not in error backoff. Returns
  // true when some consumer may have more events waiting.
  bool RunPass();

  Status Start();
  void Notify();  // wakes the loop now (e.g. after appending events)
  void Stop();    // finishes the current batch; idempotent

  std::vector<ConsumerStats> Stats() const;

 private:
  struct Entry;
  struct Batch;

  Status AddEntry(std::unique_ptr<Entry> entry);
  Result<Batch> RunTransactional(Entry& entry);
  Result<Batch> RunExternal(Entry& entry);
  bool RunEntry(Entry& entry);
  void Loop();

  app::Store& store_;
  const Clock& clock_;
  const ConsumerRunnerOptions options_;

  std::mutex pass_mutex_;     // serialises passes (and Add against them)
  mutable std::mutex mutex_;  // guards the entries' statistics; entries_ changes only under both
  std::vector<std::unique_ptr<Entry>> entries_;

  std::mutex loop_mutex_;
  std::condition_variable wake_;
  bool started_ = false;
  bool stopping_ = false;
  std::uint64_t notify_generation_ = 0;
  std::thread thread_;
};

}  // namespace rapport::jobs

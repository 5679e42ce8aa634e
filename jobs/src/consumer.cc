// ConsumerRunner implementation (see consumer.h).
#include "rapport/jobs/consumer.h"

#include <optional>

#include <spdlog/spdlog.h>

namespace rapport::jobs {

struct ConsumerRunner::Entry {
  EventConsumer* transactional = nullptr;  // exactly one of the two is set
  ExternalEventConsumer* external = nullptr;
  std::string name;
  std::optional<Timestamp> retry_not_before;  // error backoff, by the Clock
  ConsumerStats stats;                        // guarded by mutex_
};

struct ConsumerRunner::Batch {
  bool busy = false;  // another process holds the checkpoint
  std::size_t events = 0;
  EventSequence position;
  EventSequence last_sequence;
  bool more = false;  // a backlog remains after this batch
};

ConsumerRunner::ConsumerRunner(app::Store& store, const Clock& clock, ConsumerRunnerOptions options)
    : store_(store), clock_(clock), options_(options) {
  RAPPORT_ASSERT(options_.batch_size >= 1 && options_.batch_size <= limits::kEventBatchMax);
}

ConsumerRunner::~ConsumerRunner() { Stop(); }

Status ConsumerRunner::Add(EventConsumer& consumer) {
  auto entry = std::make_unique<Entry>();
  entry->transactional = &consumer;
  entry->name = std::string(consumer.name());
  return AddEntry(std::move(entry));
}

Status ConsumerRunner::Add(ExternalEventConsumer& consumer) {
  auto entry = std::make_unique<Entry>();
  entry->external = &consumer;
  entry->name = std::string(consumer.name());
  entry->stats.external = true;
  return AddEntry(std::move(entry));
}

Status ConsumerRunner::AddEntry(std::unique_ptr<Entry> entry) {
  if (entry->name.empty()) return InvalidArgument("a consumer needs a name");
  {
    std::lock_guard loop_lock(loop_mutex_);
    if (started_) return FailedPrecondition("add consumers before the runner starts");
  }
  std::lock_guard pass_lock(pass_mutex_);
  std::lock_guard lock(mutex_);
  if (entries_.size() >= kConsumersMax) return ResourceExhausted("at most 100 consumers");
  for (const auto& existing : entries_) {
    if (existing->name == entry->name) return AlreadyExists("consumer '" + entry->name + "' is already added");
  }
  entry->stats.name = entry->name;
  entries_.push_back(std::move(entry));
  return {};
}

bool ConsumerRunner::RunPass() {
  std::lock_guard pass_lock(pass_mutex_);
  bool more = false;
  for (const auto& entry : entries_) more = RunEntry(*entry) || more;
  return more;
}

// One batch for one consumer, with its bookkeeping. Returns true on backlog.
bool ConsumerRunner::RunEntry(Entry& entry) {
  const Timestamp now = clock_.Now();
  if (entry.retry_not_before && now < *entry.retry_not_before) return false;
  const Result<Batch> batch = entry.transactional ? RunTransactional(entry) : RunExternal(entry);
  std::lock_guard lock(mutex_);
  if (!batch.ok()) {
    entry.retry_not_before = now + options_.error_backoff;
    ++entry.stats.failures;
    entry.stats.last_error = batch.status().ToString();
    spdlog::warn("consumer {} failed, retrying in {} ms: {}", entry.name, options_.error_backoff.count() / 1000,
                 entry.stats.last_error);
    return false;
  }
  entry.retry_not_before.reset();
  if (batch->busy) {
    ++entry.stats.busy_skips;
    return false;
  }
  entry.stats.position = batch->position;
  entry.stats.last_sequence = batch->last_sequence;
  entry.stats.lag = std::max<std::int64_t>(0, batch->last_sequence.value() - batch->position.value());
  if (batch->events > 0) {
    entry.stats.events_handled += batch->events;
    ++entry.stats.batches_handled;
  }
  return batch->more;
}

Result<ConsumerRunner::Batch> ConsumerRunner::RunTransactional(Entry& entry) {
  Batch batch;
  const Status status = store_.Write([&](app::WriteTransaction& transaction) -> Status {
    batch = Batch{};
    RAPPORT_ASSIGN_OR_RETURN(const std::optional<EventSequence> position,
                             transaction.Checkpoints().Acquire(entry.name));
    if (!position) {
      batch.busy = true;
      return {};
    }
    RAPPORT_ASSIGN_OR_RETURN(const std::vector<app::Event> events,
                             transaction.Events().ReadAfter(*position, options_.batch_size));
    RAPPORT_ASSIGN_OR_RETURN(batch.last_sequence, transaction.Events().LastSequence());
    batch.position = *position;
    if (events.empty()) return {};
    RAPPORT_RETURN_IF_ERROR(entry.transactional->Handle(events, transaction));
    RAPPORT_RETURN_IF_ERROR(transaction.Checkpoints().Advance(entry.name, events.back().sequence));
    batch.events = events.size();
    batch.position = events.back().sequence;
    batch.more = static_cast<int>(events.size()) == options_.batch_size || batch.position < batch.last_sequence;
    return {};
  });
  if (!status.ok()) return status.WithContext("consumer '" + entry.name + "'");
  return batch;
}

Result<ConsumerRunner::Batch> ConsumerRunner::RunExternal(Entry& entry) {
  Batch batch;
  std::vector<app::Event> events;
  // 1. Read the batch while holding the checkpoint.
  RAPPORT_RETURN_IF_ERROR(store_.Write([&](app::WriteTransaction& transaction) -> Status {
    batch = Batch{};
    events.clear();
    RAPPORT_ASSIGN_OR_RETURN(const std::optional<EventSequence> position,
                             transaction.Checkpoints().Acquire(entry.name));
    if (!position) {
      batch.busy = true;
      return {};
    }
    RAPPORT_ASSIGN_OR_RETURN(events, transaction.Events().ReadAfter(*position, options_.batch_size));
    RAPPORT_ASSIGN_OR_RETURN(batch.last_sequence, transaction.Events().LastSequence());
    batch.position = *position;
    return {};
  }));
  if (batch.busy || events.empty()) return batch;
  // 2. Deliver with no transaction open.
  RAPPORT_RETURN_IF_ERROR(entry.external->Deliver(events).WithContext("consumer '" + entry.name + "'"));
  // 3. Advance, unless another process already moved past this batch.
  const EventSequence delivered_to = events.back().sequence;
  RAPPORT_RETURN_IF_ERROR(store_.Write([&](app::WriteTransaction& transaction) -> Status {
    RAPPORT_ASSIGN_OR_RETURN(const std::optional<EventSequence> position,
                             transaction.Checkpoints().Acquire(entry.name));
    if (!position || *position >= delivered_to) return {};
    return transaction.Checkpoints().Advance(entry.name, delivered_to);
  }));
  batch.events = events.size();
  batch.position = delivered_to;
  batch.more = static_cast<int>(events.size()) == options_.batch_size || batch.position < batch.last_sequence;
  return batch;
}

Status ConsumerRunner::Start() {
  std::lock_guard loop_lock(loop_mutex_);
  if (started_ || stopping_) return FailedPrecondition("the consumer runner was already started");
  started_ = true;
  thread_ = std::thread([this] { Loop(); });
  return {};
}

void ConsumerRunner::Notify() {
  {
    std::lock_guard loop_lock(loop_mutex_);
    ++notify_generation_;
  }
  wake_.notify_all();
}

void ConsumerRunner::Stop() {
  {
    std::lock_guard loop_lock(loop_mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

std::vector<ConsumerStats> ConsumerRunner::Stats() const {
  std::lock_guard lock(mutex_);
  std::vector<ConsumerStats> stats;
  for (const auto& entry : entries_) stats.push_back(entry->stats);
  return stats;
}

void ConsumerRunner::Loop() {
  std::unique_lock loop_lock(loop_mutex_);
  while (!stopping_) {
    const std::uint64_t seen_generation = notify_generation_;
    loop_lock.unlock();
    const bool more = RunPass();
    loop_lock.lock();
    if (more) continue;
    wake_.wait_for(loop_lock, options_.poll_interval,
                   [&] { return stopping_ || notify_generation_ != seen_generation; });
  }
}

}  // namespace rapport::jobs

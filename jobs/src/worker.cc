// Worker implementation (see worker.h). Store transactions are kept short:
// one for the claim, one per lease renewal, one for the outcome; handlers run
// between them on the worker thread.
#include "rapport/jobs/worker.h"

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <exception>

#include <spdlog/spdlog.h>

namespace rapport::jobs {
namespace {

constexpr std::size_t kHostNameBytesMax = 64;

std::string Truncate(std::string text, std::size_t bytes_max) {
  if (text.size() > bytes_max) text.resize(bytes_max);
  return text;
}

Status ValidateOptions(const WorkerOptions& options) {
  if (options.threads < 1 || options.threads > kWorkerThreadsMax) {
    return InvalidArgument("worker threads must be 1.." + std::to_string(kWorkerThreadsMax));
  }
  if (options.lease <= Microseconds(0)) return InvalidArgument("job lease must be positive");
  if (options.poll_interval_min <= Microseconds(0) || options.poll_interval_max < options.poll_interval_min) {
    return InvalidArgument("worker poll intervals must satisfy 0 < min <= max");
  }
  return {};
}

}  // namespace

std::string MakeWorkerId(app::Random& random) {
  char host[kHostNameBytesMax + 1] = {};
  if (gethostname(host, kHostNameBytesMax) != 0) (void)std::snprintf(host, sizeof host, "unknown-host");
  char suffix[16];
  (void)std::snprintf(suffix, sizeof suffix, "%08llx", static_cast<unsigned long long>(random.Next() & 0xffffffffULL));
  return std::string(host) + ":" + std::to_string(getpid()) + ":" + suffix;
}

Worker::Worker(app::Store& store, const Clock& clock, app::Random& random, WorkerOptions options)
    : store_(store),
      clock_(clock),
      random_(random),
      options_(std::move(options)),
      id_(options_.worker_id.empty() ? MakeWorkerId(random) : options_.worker_id) {}

Worker::~Worker() { Stop(); }

Status Worker::Register(std::string kind, JobHandler handler) {
  std::lock_guard lock(mutex_);
  if (started_) return FailedPrecondition("register job handlers before the worker starts");
  if (kind.empty() || !handler) return InvalidArgument("a job handler needs a kind and a function");
  const auto [it, inserted] = handlers_.emplace(std::move(kind), std::move(handler));
  if (!inserted) return AlreadyExists("a handler for job kind '" + it->first + "' is already registered");
  return {};
}

Status Worker::Start() {
  RAPPORT_RETURN_IF_ERROR(ValidateOptions(options_));
  std::lock_guard lock(mutex_);
  if (started_ || stopping_) return FailedPrecondition("the worker was already started");
  started_ = true;
  for (int index = 0; index < options_.threads; ++index) threads_.emplace_back([this] { ThreadLoop(); });
  threads_.emplace_back([this] { LeaseKeeperLoop(); });
  spdlog::info("job worker {} started with {} threads", id_, options_.threads);
  return {};
}

void Worker::Notify() {
  {
    std::lock_guard lock(mutex_);
    ++notify_generation_;
  }
  wake_.notify_all();
}

StopOutcome Worker::Stop() {
  StopOutcome outcome = StopOutcome::kDrained;
  {
    std::unique_lock lock(mutex_);
    if (stopping_ && threads_.empty()) return outcome;
    stopping_ = true;
    wake_.notify_all();
    const bool drained =
        idle_.wait_for(lock, options_.stop_grace, [this] { return active_threads_ == 0 && running_.empty(); });
    if (!drained) {
      outcome = StopOutcome::kCancelled;
      spdlog::warn("job worker {}: {} jobs still running after the stop grace; cancelling them", id_, running_.size());
      for (auto& [id, running] : running_) running.cancelled->store(true);
    }
  }
  for (std::thread& thread : threads_) thread.join();
  threads_.clear();
  return outcome;
}

Result<bool> Worker::RunOne() { return ClaimAndRun(std::make_shared<std::atomic<bool>>(false)); }

WorkerStats Worker::Stats() const {
  WorkerStats stats;
  stats.claimed = claimed_.load();
  stats.succeeded = succeeded_.load();
  stats.failed = failed_.load();
  stats.dead = dead_.load();
  stats.lease_lost = lease_lost_.load();
  stats.abandoned = abandoned_.load();
  std::lock_guard lock(mutex_);
  stats.running = running_.size();
  return stats;
}

void Worker::ThreadLoop() {
  Microseconds idle_wait = options_.poll_interval_min;
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    const std::uint64_t seen_generation = notify_generation_;
    ++active_threads_;  // counted before the claim, so Stop waits for a job claimed concurrently
    lock.unlock();
    const Result<bool> ran = ClaimAndRun(std::make_shared<std::atomic<bool>>(false));
    lock.lock();
    --active_threads_;
    idle_.notify_all();
    if (ran.ok() && *ran) {
      idle_wait = options_.poll_interval_min;
      continue;
    }
    if (!ran.ok()) spdlog::warn("job worker {}: claiming failed: {}", id_, ran.status().ToString());
    wake_.wait_for(lock, idle_wait, [&] { return stopping_ || notify_generation_ != seen_generation; });
    idle_wait = std::min(idle_wait * 2, options_.poll_interval_max);
  }
}

void Worker::LeaseKeeperLoop() {
  const Microseconds interval =
      options_.lease_renew_interval > Microseconds(0) ? options_.lease_renew_interval : options_.lease / 3;
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    wake_.wait_for(lock, interval, [this] { return stopping_; });
    if (stopping_) break;
    lock.unlock();
    const Status renewed = RenewLeases();
    if (!renewed.ok()) spdlog::warn("job worker {}: renewing leases failed: {}", id_, renewed.ToString());
    lock.lock();
  }
}

Status Worker::RenewLeases() {
  std::vector<RunningJob> running;
  {
    std::lock_guard lock(mutex_);
    for (const auto& [id, job] : running_) running.push_back(job);
  }
  Status first_error;
  for (const RunningJob& job : running) {
    const Status renewed = store_.Write([&](app::WriteTransaction& transaction) {
      return transaction.Jobs().Renew(job.id, id_, clock_.Now() + options_.lease);
    });
    if (renewed.code() == StatusCode::kConflict) {
      spdlog::warn("job worker {}: lost the lease of job {}; cancelling its handler", id_, job.id.value());
      job.cancelled->store(true);
    } else if (!renewed.ok() && first_error.ok()) {
      first_error = renewed;
    }
  }
  return first_error;
}

Result<bool> Worker::ClaimAndRun(const std::shared_ptr<std::atomic<bool>>& cancelled) {
  std::vector<app::Job> claimed;
  const Status claim_status = store_.Write([&](app::WriteTransaction& transaction) -> Status {
    RAPPORT_ASSIGN_OR_RETURN(claimed, transaction.Jobs().Claim(id_, clock_.Now(), options_.lease, 1));
    return {};
  });
  if (!claim_status.ok()) return claim_status;
  if (claimed.empty()) return false;
  RAPPORT_ASSERT(claimed.size() == 1);
  claimed_.fetch_add(1);
  RAPPORT_RETURN_IF_ERROR(RunClaimed(claimed.front(), cancelled));
  return true;
}

Status Worker::RunClaimed(const app::Job& job, const std::shared_ptr<std::atomic<bool>>& cancelled) {
  {
    std::lock_guard lock(mutex_);
    running_[job.id.value()] = RunningJob{job.id, cancelled};
  }
  const Status handler_status = Invoke(job, *cancelled);
  {
    std::lock_guard lock(mutex_);
    running_.erase(job.id.value());
  }
  idle_.notify_all();
  return RecordOutcome(job, handler_status, cancelled->load());
}

// Runs the handler, converting exceptions (the adapter edge for handler code).
Status Worker::Invoke(const app::Job& job, std::atomic<bool>& cancelled) {
  const auto handler = handlers_.find(job.kind);
  if (handler == handlers_.end()) {
    return FailedPrecondition("no handler is registered for job kind '" + job.kind + "'");
  }
  JobContext context(store_, clock_, id_, cancelled);
  try {
    return handler->second(job, context);
  } catch (const std::exception& exception) {
    return Internal(std::string("the handler threw: ") + exception.what());
  } catch (...) {
    return Internal("the handler threw a non-standard exception");
  }
}

Status Worker::RecordOutcome(const app::Job& job, Status handler_status, bool cancelled) {
  const Timestamp now = clock_.Now();
  const bool unknown_kind = !handlers_.contains(job.kind);
  if (!handler_status.ok() && cancelled && !unknown_kind) {
    abandoned_.fetch_add(1);
    spdlog::info("job {} ({}) failed after cancellation; its lease will expire: {}", job.id.value(), job.kind,
                 handler_status.ToString());
    return {};
  }
  std::optional<Timestamp> retry_at;
  if (!handler_status.ok() && !unknown_kind) retry_at = RetryAt(job, now);
  const Status recorded = store_.Write([&](app::WriteTransaction& transaction) {
    if (handler_status.ok()) return transaction.Jobs().Complete(job.id, id_, now);
    return transaction.Jobs().Fail(job.id, id_, now, Truncate(handler_status.ToString(), kJobErrorBytesMax), retry_at);
  });
  if (recorded.code() == StatusCode::kConflict) {
    lease_lost_.fetch_add(1);
    spdlog::warn("job {} ({}): lease lost before its outcome was recorded", job.id.value(), job.kind);
    return {};
  }
  RAPPORT_RETURN_IF_ERROR(recorded);
  if (handler_status.ok()) {
    succeeded_.fetch_add(1);
  } else if (retry_at) {
    failed_.fetch_add(1);
    spdlog::warn("job {} ({}) attempt {}/{} failed, retry at {}: {}", job.id.value(), job.kind, job.attempts,
                 job.attempts_max, FormatRfc3339(*retry_at), handler_status.ToString());
  } else {
    dead_.fetch_add(1);
    spdlog::error("job {} ({}) is dead after attempt {}/{}: {}", job.id.value(), job.kind, job.attempts,
                  job.attempts_max, handler_status.ToString());
  }
  return {};
}

std::optional<Timestamp> Worker::RetryAt(const app::Job& job, Timestamp now) {
  domain::RetryPolicy policy = options_.retry;
  policy.attempts_max = job.attempts_max;
  double draw = 0;
  {
    std::lock_guard lock(random_mutex_);
    draw = random_.Unit();
  }
  const std::optional<std::chrono::milliseconds> delay = domain::RetryDelay(policy, job.attempts, draw);
  if (!delay) return std::nullopt;
  return now + std::chrono::duration_cast<Microseconds>(*delay);
}

}  // namespace rapport::jobs

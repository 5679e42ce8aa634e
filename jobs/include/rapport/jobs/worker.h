// Worker: runs durable jobs (app/job_queue.h) with a pool of threads.
//
// Each thread claims one due job at a time in its own store write (Claim with a
// lease), runs the job's handler OUTSIDE that transaction, then records the
// outcome in another write: Complete on success; on failure Fail with a retry
// time from the RetryPolicy (full jitter through app::Random), or dead once the
// job has used its attempts_max. A job of an unknown kind is dead at once; a
// handler's exception is caught here and counts as a failure. A lease keeper
// thread renews the leases of running jobs; when a renewal finds the lease
// lost (another worker took the job over), the handler's cancellation flag is
// raised and its outcome is not recorded.
//
// Delivery is at least once: a job whose worker dies is claimed again after
// its lease expires, so handlers must be idempotent.
//
// Idle threads poll with exponential backoff between poll_interval_min and
// poll_interval_max; Notify() wakes them at once (call it after enqueueing).
//
// Stop(): no new claims; running handlers get stop_grace to finish, then their
// cancellation flag is raised and Stop joins the threads. A handler whose
// attempt fails after cancellation is not recorded as failed: its lease
// expires and another node retries it. Handlers must therefore check
// JobContext::cancelled() at least every few seconds when they run long.
//
// Thread safety: Register before Start, from one thread. Start, Notify, Stop,
// RunOne and Stats may be called from any thread. Handlers run concurrently
// on worker threads.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "rapport/app/random.h"
#include "rapport/app/store.h"
#include "rapport/base/clock.h"
#include "rapport/base/limits.h"
#include "rapport/base/status.h"
#include "rapport/domain/retry_policy.h"

namespace rapport::jobs {

inline constexpr int kWorkerThreadsMax = 64;
inline constexpr std::size_t kJobErrorBytesMax = 2'000;  // last_error is truncated to this

// What a handler may use while it runs. Valid for the duration of the call.
class JobContext {
 public:
  JobContext(app::Store& store, const Clock& clock, std::string_view worker_id, const std::atomic<bool>& cancelled)
      : store_(store), clock_(clock), worker_id_(worker_id), cancelled_(cancelled) {}

  app::Store& store() const { return store_; }
  const Clock& clock() const { return clock_; }
  std::string_view worker_id() const { return worker_id_; }
  // True once the worker is stopping past its grace or the lease was lost:
  // return soon; the outcome of a failed attempt will not be recorded.
  bool cancelled() const { return cancelled_.load(std::memory_order_relaxed); }

 private:
  app::Store& store_;
  const Clock& clock_;
  std::string_view worker_id_;
  const std::atomic<bool>& cancelled_;
};

// Returns ok when the job's work is done; any other Status is a failed attempt
// (its message becomes the job's last_error).
using JobHandler = std::function<Status(const app::Job& job, JobContext& context)>;

struct WorkerOptions {
  int threads = 2;  // 1..kWorkerThreadsMax
  Microseconds lease{limits::kJobLeaseMsDefault * 1'000};
  Microseconds lease_renew_interval{0};  // 0: a third of the lease
  Microseconds poll_interval_min{100'000};
  Microseconds poll_interval_max{5'000'000};
  Microseconds stop_grace{static_cast<std::int64_t>(limits::kHttpShutdownGraceMs) * 1'000};
  // Backoff base and cap; each job's own attempts_max decides when it is dead.
  domain::RetryPolicy retry{.base = std::chrono::milliseconds(1'000),
                            .cap = std::chrono::milliseconds(limits::kJobBackoffMsMax)};
  std::string worker_id;  // empty: "<host>:<pid>:<random hex>"
};

// Counters for /metrics; monotonic except the running gauge.
struct WorkerStats {
  std::uint64_t claimed = 0;
  std::uint64_t succeeded = 0;
  std::uint64_t failed = 0;      // failed attempts that will be retried
  std::uint64_t dead = 0;        // failed attempts that were the last (or unknown kinds)
  std::uint64_t lease_lost = 0;  // outcomes not recorded because another worker took over
  std::uint64_t abandoned = 0;   // failed after cancellation at Stop; left to lease expiry
  std::uint64_t running = 0;     // gauge
};

enum class StopOutcome : std::uint8_t {
  kDrained,    // every handler finished within the grace
  kCancelled,  // some handlers had to be cancelled after the grace
};

// "<host>:<pid>:<8 random hex digits>": unique per process and per Worker.
std::string MakeWorkerId(app::Random& random);

class Worker {
 public:
  // `store`, `clock` and `random` must outlive the Worker.
  Worker(app::Store& store, const Clock& clock, app::Random& random, WorkerOptions options);
  ~Worker();  // Stop()s
  Worker(const Worker&) = delete;
  Worker& operator=(const Worker&) = delete;

  // kInvalidArgument for an empty kind, kAlreadyExists for a kind registered
  // twice, kFailedPrecondition after Start.
  Status Register(std::string kind, JobHandler handler);

  // Starts the threads. kFailedPrecondition when already started or stopped,
  // kInvalidArgument for options out of range.
  Status Start();
  // Wakes idle threads to claim now.
  void Notify();
  // Idempotent; see the file comment.
  StopOutcome Stop();

  // Claims at most one due job and runs it on the calling thread. Returns
  // false when nothing was due. For tests and `rapport jobs run-once`.
  Result<bool> RunOne();

  WorkerStats Stats() const;
  const std::string& id() const { return id_; }

 private:
  struct RunningJob {
    JobId id;
    std::shared_ptr<std::atomic<bool>> cancelled;
  };

  void ThreadLoop();
  void LeaseKeeperLoop();
  Status RenewLeases();
  Result<bool> ClaimAndRun(const std::shared_ptr<std::atomic<bool>>& cancelled);
  Status RunClaimed(const app::Job& job, const std::shared_ptr<std::atomic<bool>>& cancelled);
  Status Invoke(const app::Job& job, std::atomic<bool>& cancelled);
  Status RecordOutcome(const app::Job& job, Status handler_status, bool cancelled);
  std::optional<Timestamp> RetryAt(const app::Job& job, Timestamp now);

  app::Store& store_;
  const Clock& clock_;
  app::Random& random_;
  const WorkerOptions options_;
  const std::string id_;
  std::map<std::string, JobHandler, std::less<>> handlers_;

  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::condition_variable idle_;  // signalled when a handler finishes (for Stop's grace)
  bool started_ = false;
  bool stopping_ = false;
  std::uint64_t notify_generation_ = 0;
  int active_threads_ = 0;  // worker threads between deciding to claim and recording the outcome
  std::map<std::int64_t, RunningJob> running_;
  std::vector<std::thread> threads_;
  std::mutex random_mutex_;

  std::atomic<std::uint64_t> claimed_{0};
  std::atomic<std::uint64_t> succeeded_{0};
  std::atomic<std::uint64_t> failed_{0};
  std::atomic<std::uint64_t> dead_{0};
  std::atomic<std::uint64_t> lease_lost_{0};
  std::atomic<std::uint64_t> abandoned_{0};
};

}  // namespace rapport::jobs

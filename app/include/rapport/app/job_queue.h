// The durable job queue: work that must happen even if the process dies
// (sending a mail, expiring points, a scheduled report). Jobs are rows in the
// store; a worker claims due jobs under a lease, and a job whose lease ran out
// (its worker died) is claimed again. Effects must therefore be idempotent.
//
// Several server processes may share one PostgreSQL: claims use
// FOR UPDATE SKIP LOCKED, so no job is claimed by two live workers at once.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "rapport/base/clock.h"
#include "rapport/base/ids.h"
#include "rapport/base/status.h"

namespace rapport::app {

enum class JobState : std::uint8_t {
  kReady = 0,    // waiting for run_at
  kRunning = 1,  // claimed by a worker until locked_until
  kDone = 2,     // finished successfully
  kDead = 3,     // failed its last attempt; kept for inspection
};

std::string_view JobStateName(JobState state);
std::optional<JobState> JobStateFromName(std::string_view name);

struct NewJob {
  std::string kind;          // the handler that runs it: "store.optimize", "mail.send"
  std::string payload_json;  // a JSON object; at most limits::kJobPayloadBytesMax bytes
  Timestamp run_at;          // not before
  int attempts_max = 10;     // 1..limits::kJobAttemptsMax
  // When set, at most one job with this key ever exists: enqueueing it again
  // returns the existing job. Schedulers use it so several nodes enqueue once.
  std::optional<std::string> dedupe_key;
};

struct Job {
  JobId id;
  std::string kind;
  std::string payload_json;
  JobState state = JobState::kReady;
  int attempts = 0;  // claims so far, including the current one
  int attempts_max = 0;
  Timestamp run_at;
  Timestamp created_at;
  std::optional<Timestamp> finished_at;
  std::string locked_by;  // worker id while running
  std::optional<Timestamp> locked_until;
  std::string last_error;
  std::optional<std::string> dedupe_key;
};

struct EnqueueOutcome {
  JobId id;
  bool created = false;  // false: a job with the same dedupe_key already existed
};

struct JobCounts {
  std::int64_t ready = 0;
  std::int64_t ready_due = 0;  // ready with run_at <= now
  std::int64_t running = 0;
  std::int64_t done = 0;
  std::int64_t dead = 0;
};

class JobQueue {
 public:
  virtual ~JobQueue() = default;
  virtual Result<EnqueueOutcome> Enqueue(const NewJob& job, Timestamp now) = 0;
  // Claims up to `limit` (≤ kJobClaimBatchMax) jobs that are ready and due, or
  // running with an expired lease, oldest run_at first; each claim increments
  // attempts and sets the lease to now + lease.
  virtual Result<std::vector<Job>> Claim(std::string_view worker, Timestamp now, Microseconds lease, int limit) = 0;
  // Extends the lease of a job this worker still holds; kConflict otherwise.
  virtual Status Renew(JobId id, std::string_view worker, Timestamp locked_until) = 0;
  // Marks a job this worker holds done; kConflict when the lease was lost.
  virtual Status Complete(JobId id, std::string_view worker, Timestamp now) = 0;
  // Records a failed attempt. With retry_at the job becomes ready again then;
  // without it the job is dead. kConflict when the lease was lost.
  virtual Status Fail(JobId id, std::string_view worker, Timestamp now, std::string_view error,
                      std::optional<Timestamp> retry_at) = 0;
  virtual Result<std::optional<Job>> Find(JobId id) = 0;
  // Jobs in `state`, newest id first, strictly below `before` when given.
  virtual Result<std::vector<Job>> List(JobState state, std::optional<JobId> before, int limit) = 0;
  virtual Result<JobCounts> Counts(Timestamp now) = 0;
  // Deletes done jobs finished before `cutoff`; returns how many.
  virtual Result<std::int64_t> PruneDone(Timestamp cutoff, int limit) = 0;
};

}  // namespace rapport::app

// SqlJobQueue: the durable job queue over a SqlSession. A claim takes due
// ready jobs and running jobs whose lease ran out (their worker died), oldest
// run_at first; PostgreSQL claims with FOR UPDATE SKIP LOCKED so concurrent
// claimers never get the same job. A running job whose lease expired on its
// last allowed attempt is moved to dead by the next claim.
//
// Thread safety: belongs to the thread running the transaction body.
#pragma once

#include "sql/session.h"

#include "rapport/app/job_queue.h"

namespace rapport::store {

class SqlJobQueue final : public app::JobQueue {
 public:
  explicit SqlJobQueue(SqlSession& session) : session_(session) {}

  Result<app::EnqueueOutcome> Enqueue(const app::NewJob& job, Timestamp now) override;
  Result<std::vector<app::Job>> Claim(std::string_view worker, Timestamp now, Microseconds lease, int limit) override;
  Status Renew(JobId id, std::string_view worker, Timestamp locked_until) override;
  Status Complete(JobId id, std::string_view worker, Timestamp now) override;
  Status Fail(JobId id, std::string_view worker, Timestamp now, std::string_view error,
              std::optional<Timestamp> retry_at) override;
  Result<std::optional<app::Job>> Find(JobId id) override;
  Result<std::vector<app::Job>> List(app::JobState state, std::optional<JobId> before, int limit) override;
  Result<app::JobCounts> Counts(Timestamp now) override;
  Result<std::int64_t> PruneDone(Timestamp cutoff, int limit) override;

 private:
  SqlSession& session_;
};

// Bounds of the job queue's inputs besides those in base/limits.h.
inline constexpr std::size_t kJobKindBytesMax = 200;
inline constexpr std::size_t kJobWorkerBytesMax = 200;
inline constexpr std::size_t kJobErrorBytesMax = 4096;  // longer errors are truncated, not refused
inline constexpr std::size_t kJobDedupeKeyBytesMax = 500;
inline constexpr int kJobPruneBatchMax = 10'000;

}  // namespace rapport::store

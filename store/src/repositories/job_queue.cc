#include "repositories/job_queue.h"

#include <algorithm>
#include <limits>
#include <string>

#include "rapport/base/limits.h"

namespace rapport::store {
namespace {

Status ValidateWorker(std::string_view worker) {
  if (worker.empty()) return InvalidArgument("job worker id must not be empty");
  if (worker.size() > kJobWorkerBytesMax) return InvalidArgument("job worker id is too long");
  return {};
}

Status ValidateNewJob(const app::NewJob& job) {
  if (job.kind.empty()) return InvalidArgument("job kind must not be empty");
  if (job.kind.size() > kJobKindBytesMax) return InvalidArgument("job kind is too long");
  if (job.payload_json.empty()) return InvalidArgument("job payload must be a JSON object, got nothing");
  if (job.payload_json.size() > limits::kJobPayloadBytesMax) {
    return InvalidArgument("job payload is " + std::to_string(job.payload_json.size()) + " bytes, over the " +
                           std::to_string(limits::kJobPayloadBytesMax) + " byte limit");
  }
  if (job.attempts_max < 1 || job.attempts_max > limits::kJobAttemptsMax) {
    return InvalidArgument("job attempts_max must be 1.." + std::to_string(limits::kJobAttemptsMax) + ", got " +
                           std::to_string(job.attempts_max));
  }
  if (job.dedupe_key && (job.dedupe_key->empty() || job.dedupe_key->size() > kJobDedupeKeyBytesMax)) {
    return InvalidArgument("job dedupe_key must be 1.." + std::to_string(kJobDedupeKeyBytesMax) + " bytes");
  }
  return {};
}

Status ValidateLimit(int limit, int limit_max) {
  if (limit < 1 || limit > limit_max) {
    return InvalidArgument("limit must be 1.." + std::to_string(limit_max) + ", got " + std::to_string(limit));
  }
  return {};
}

std::optional<Timestamp> OptionalTimestamp(const SqlRow& row, int column) {
  if (row.IsNull(column)) return std::nullopt;
  return FromUnixMicros(row.Int(column));
}

// Column order of every job-returning query (queries/*/jobs.sql).
app::Job JobFromRow(const SqlRow& row) {
  app::Job job;
  job.id = JobId(row.Int(0));
  job.kind = std::string(row.Text(1));
  job.payload_json = std::string(row.Text(2));
  const std::optional<app::JobState> state = app::JobStateFromName(row.Text(3));
  RAPPORT_ASSERT_MSG(state.has_value(), "the jobs.state CHECK constraint admits only known states");
  job.state = *state;
  job.attempts = static_cast<int>(row.Int(4));
  job.attempts_max = static_cast<int>(row.Int(5));
  job.run_at = FromUnixMicros(row.Int(6));
  job.created_at = FromUnixMicros(row.Int(7));
  job.finished_at = OptionalTimestamp(row, 8);
  job.locked_by = std::string(row.Text(9));
  job.locked_until = OptionalTimestamp(row, 10);
  job.last_error = std::string(row.Text(11));
  if (!row.IsNull(12)) job.dedupe_key = std::string(row.Text(12));
  return job;
}

Result<std::vector<app::Job>> QueryJobs(SqlSession& session, std::string_view query_name,
                                        std::span<const SqlParam> params) {
  std::vector<app::Job> jobs;
  RAPPORT_RETURN_IF_ERROR(session.Query(query_name, params, [&](const SqlRow& row) {
    jobs.push_back(JobFromRow(row));
    return Status();
  }));
  return jobs;
}

Status LeaseLostUnlessChanged(std::int64_t changed, JobId id) {
  if (changed == 1) return {};
  return Conflict("job " + std::to_string(id.value()) + " is not held by this worker (its lease was lost)");
}

std::string_view Truncated(std::string_view text, std::size_t bytes_max) {
  if (text.size() <= bytes_max) return text;
  std::size_t cut = bytes_max;
  // Do not split a UTF-8 sequence: back up over continuation bytes.
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  return text.substr(0, cut);
}

}  // namespace

Result<app::EnqueueOutcome> SqlJobQueue::Enqueue(const app::NewJob& job, Timestamp now) {
  RAPPORT_RETURN_IF_ERROR(ValidateNewJob(job));
  const SqlParam dedupe_key = job.dedupe_key ? SqlParam(std::string_view(*job.dedupe_key)) : SqlParam(SqlNull{});
  const SqlParam params[] = {std::string_view(job.kind),
                             std::string_view(job.payload_json),
                             std::int64_t{job.attempts_max},
                             ToUnixMicros(job.run_at),
                             ToUnixMicros(now),
                             dedupe_key};
  std::optional<JobId> created;
  RAPPORT_RETURN_IF_ERROR(session_.Query("job_enqueue", params, [&](const SqlRow& row) {
    created = JobId(row.Int(0));
    return Status();
  }));
  if (created) return app::EnqueueOutcome{*created, true};
  RAPPORT_ASSERT(job.dedupe_key.has_value());  // only a dedupe conflict skips the insert
  const SqlParam find_params[] = {dedupe_key};
  std::optional<JobId> existing;
  RAPPORT_RETURN_IF_ERROR(session_.Query("job_find_by_dedupe_key", find_params, [&](const SqlRow& row) {
    existing = JobId(row.Int(0));
    return Status();
  }));
  if (!existing) return Unavailable("job with dedupe_key '" + *job.dedupe_key + "' vanished; retry");
  return app::EnqueueOutcome{*existing, false};
}

Result<std::vector<app::Job>> SqlJobQueue::Claim(std::string_view worker, Timestamp now, Microseconds lease,
                                                 int limit) {
  RAPPORT_RETURN_IF_ERROR(ValidateWorker(worker));
  RAPPORT_RETURN_IF_ERROR(ValidateLimit(limit, limits::kJobClaimBatchMax));
  if (lease.count() <= 0) return InvalidArgument("job lease must be positive");
  const SqlParam bury_params[] = {ToUnixMicros(now)};
  RAPPORT_RETURN_IF_ERROR(session_.Execute("job_bury_expired", bury_params).status());
  const SqlParam params[] = {worker, ToUnixMicros(now + lease), ToUnixMicros(now), std::int64_t{limit}};
  RAPPORT_ASSIGN_OR_RETURN(std::vector<app::Job> jobs, QueryJobs(session_, "job_claim", params));
  // UPDATE … RETURNING does not promise an order.
  std::sort(jobs.begin(), jobs.end(), [](const app::Job& a, const app::Job& b) {
    return a.run_at != b.run_at ? a.run_at < b.run_at : a.id < b.id;
  });
  return jobs;
}

Status SqlJobQueue::Renew(JobId id, std::string_view worker, Timestamp locked_until) {
  RAPPORT_RETURN_IF_ERROR(ValidateWorker(worker));
  const SqlParam params[] = {id.value(), worker, ToUnixMicros(locked_until)};
  RAPPORT_ASSIGN_OR_RETURN(std::int64_t changed, session_.Execute("job_renew", params));
  return LeaseLostUnlessChanged(changed, id);
}

Status SqlJobQueue::Complete(JobId id, std::string_view worker, Timestamp now) {
  RAPPORT_RETURN_IF_ERROR(ValidateWorker(worker));
  const SqlParam params[] = {id.value(), worker, ToUnixMicros(now)};
  RAPPORT_ASSIGN_OR_RETURN(std::int64_t changed, session_.Execute("job_complete", params));
  return LeaseLostUnlessChanged(changed, id);
}

Status SqlJobQueue::Fail(JobId id, std::string_view worker, Timestamp now, std::string_view error,
                         std::optional<Timestamp> retry_at) {
  RAPPORT_RETURN_IF_ERROR(ValidateWorker(worker));
  const SqlParam retry = retry_at ? SqlParam(ToUnixMicros(*retry_at)) : SqlParam(SqlNull{});
  const SqlParam params[] = {id.value(), worker, ToUnixMicros(now), Truncated(error, kJobErrorBytesMax), retry};
  RAPPORT_ASSIGN_OR_RETURN(std::int64_t changed, session_.Execute("job_fail", params));
  return LeaseLostUnlessChanged(changed, id);
}

Result<std::optional<app::Job>> SqlJobQueue::Find(JobId id) {
  const SqlParam params[] = {id.value()};
  RAPPORT_ASSIGN_OR_RETURN(std::vector<app::Job> jobs, QueryJobs(session_, "job_find", params));
  if (jobs.empty()) return std::optional<app::Job>();
  return std::optional<app::Job>(std::move(jobs.front()));
}

Result<std::vector<app::Job>> SqlJobQueue::List(app::JobState state, std::optional<JobId> before, int limit) {
  RAPPORT_RETURN_IF_ERROR(ValidateLimit(limit, limits::kPageSizeMax));
  const std::int64_t before_value = before ? before->value() : std::numeric_limits<std::int64_t>::max();
  const SqlParam params[] = {app::JobStateName(state), before_value, std::int64_t{limit}};
  return QueryJobs(session_, "job_list", params);
}

Result<app::JobCounts> SqlJobQueue::Counts(Timestamp now) {
  const SqlParam params[] = {ToUnixMicros(now)};
  app::JobCounts counts;
  RAPPORT_RETURN_IF_ERROR(session_.Query("job_counts", params, [&](const SqlRow& row) {
    counts = app::JobCounts{row.Int(0), row.Int(1), row.Int(2), row.Int(3), row.Int(4)};
    return Status();
  }));
  return counts;
}

Result<std::int64_t> SqlJobQueue::PruneDone(Timestamp cutoff, int limit) {
  RAPPORT_RETURN_IF_ERROR(ValidateLimit(limit, kJobPruneBatchMax));
  const SqlParam params[] = {ToUnixMicros(cutoff), std::int64_t{limit}};
  return session_.Execute("job_prune_done", params);
}

}  // namespace rapport::store

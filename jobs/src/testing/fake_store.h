// FakeStore: an in-memory app::Store for the jobs layer's unit tests. It keeps
// the semantics the job runtime relies on (claims with leases, dedupe keys,
// checkpoints, rollback of a failed body) and adds fault injection: failing
// the next writes, or pretending another process holds a checkpoint.
//
// Every Write runs under one mutex on a copy of the state, committed only when
// the body succeeds, which models a transaction with rollback.
//
// Thread safety: all methods may be called from any thread.
#pragma once

#include <algorithm>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "rapport/app/store.h"

namespace rapport::jobs::testing {

struct FakeState {
  std::vector<app::Event> events;
  std::map<std::int64_t, app::Job> jobs;
  std::int64_t next_job_id = 1;
  std::map<std::string, app::Checkpoint, std::less<>> checkpoints;
  std::int64_t companies = 0;
};

class FakeJobQueue final : public app::JobQueue {
 public:
  explicit FakeJobQueue(FakeState& state) : state_(state) {}

  Result<app::EnqueueOutcome> Enqueue(const app::NewJob& job, Timestamp now) override {
    if (job.kind.empty()) return InvalidArgument("job kind must not be empty");
    if (job.dedupe_key) {
      for (const auto& [id, existing] : state_.jobs) {
        if (existing.dedupe_key == job.dedupe_key) return app::EnqueueOutcome{existing.id, false};
      }
    }
    app::Job row;
    row.id = JobId(state_.next_job_id++);
    row.kind = job.kind;
    row.payload_json = job.payload_json;
    row.attempts_max = job.attempts_max;
    row.run_at = job.run_at;
    row.created_at = now;
    row.dedupe_key = job.dedupe_key;
    state_.jobs[row.id.value()] = row;
    return app::EnqueueOutcome{row.id, true};
  }

  Result<std::vector<app::Job>> Claim(std::string_view worker, Timestamp now, Microseconds lease, int limit) override {
    std::vector<app::Job*> due;
    for (auto& [id, job] : state_.jobs) {
      const bool ready = job.state == app::JobState::kReady && job.run_at <= now;
      const bool expired =
          job.state == app::JobState::kRunning && *job.locked_until <= now && job.attempts < job.attempts_max;
      if (ready || expired) due.push_back(&job);
    }
    std::stable_sort(due.begin(), due.end(),
                     [](const app::Job* a, const app::Job* b) { return a->run_at < b->run_at; });
    std::vector<app::Job> claimed;
    for (app::Job* job : due) {
      if (static_cast<int>(claimed.size()) == limit) break;
      job->state = app::JobState::kRunning;
      job->attempts += 1;
      job->locked_by = std::string(worker);
      job->locked_until = now + lease;
      claimed.push_back(*job);
    }
    return claimed;
  }

  Status Renew(JobId id, std::string_view worker, Timestamp locked_until) override {
    RAPPORT_ASSIGN_OR_RETURN(app::Job * job, Held(id, worker));
    job->locked_until = locked_until;
    return {};
  }

  Status Complete(JobId id, std::string_view worker, Timestamp now) override {
    RAPPORT_ASSIGN_OR_RETURN(app::Job * job, Held(id, worker));
    job->state = app::JobState::kDone;
    job->finished_at = now;
    Unlock(*job);
    return {};
  }

  Status Fail(JobId id, std::string_view worker, Timestamp now, std::string_view error,
              std::optional<Timestamp> retry_at) override {
    RAPPORT_ASSIGN_OR_RETURN(app::Job * job, Held(id, worker));
    job->last_error = std::string(error);
    if (retry_at && job->attempts < job->attempts_max) {
      job->state = app::JobState::kReady;
      job->run_at = *retry_at;
    } else {
      job->state = app::JobState::kDead;
      job->finished_at = now;
    }
    Unlock(*job);
    return {};
  }

  Result<std::optional<app::Job>> Find(JobId id) override {
    const auto found = state_.jobs.find(id.value());
    if (found == state_.jobs.end()) return std::optional<app::Job>();
    return std::optional<app::Job>(found->second);
  }

  Result<std::vector<app::Job>> List(app::JobState state, std::optional<JobId> before, int limit) override {
    std::vector<app::Job> listed;
    for (auto it = state_.jobs.rbegin(); it != state_.jobs.rend() && static_cast<int>(listed.size()) < limit; ++it) {
      if (it->second.state == state && (!before || it->second.id < *before)) listed.push_back(it->second);
    }
    return listed;
  }

  Result<app::JobCounts> Counts(Timestamp now) override {
    app::JobCounts counts;
    for (const auto& [id, job] : state_.jobs) {
      switch (job.state) {
        case app::JobState::kReady:
          ++counts.ready;
          if (job.run_at <= now) ++counts.ready_due;
          break;
        case app::JobState::kRunning: ++counts.running; break;
        case app::JobState::kDone: ++counts.done; break;
        case app::JobState::kDead: ++counts.dead; break;
      }
    }
    return counts;
  }

  Result<std::int64_t> PruneDone(Timestamp cutoff, int limit) override {
    std::int64_t deleted = 0;
    for (auto it = state_.jobs.begin(); it != state_.jobs.end() && deleted < limit;) {
      if (it->second.state == app::JobState::kDone && *it->second.finished_at < cutoff) {
        it = state_.jobs.erase(it);
        ++deleted;
      } else {
        ++it;
      }
    }
    return deleted;
  }

 private:
  Result<app::Job*> Held(JobId id, std::string_view worker) {
    const auto found = state_.jobs.find(id.value());
    if (found == state_.jobs.end() || found->second.state != app::JobState::kRunning ||
        found->second.locked_by != worker) {
      return Conflict("job " + std::to_string(id.value()) + " is not held by " + std::string(worker));
    }
    return &found->second;
  }
  static void Unlock(app::Job& job) {
    job.locked_by.clear();
    job.locked_until.reset();
  }

  FakeState& state_;
};

class FakeEventLog final : public app::EventLogReader, public app::EventLogWriter {
 public:
  FakeEventLog(FakeState& state, Timestamp now) : state_(state), now_(now) {}

  Result<EventSequence> Append(const app::NewEvent& event) override {
    if (event.kind.empty()) return InvalidArgument("event kind must not be empty");
    app::Event row{EventSequence(static_cast<std::int64_t>(state_.events.size()) + 1),
                   event.kind,
                   event.subject_type,
                   event.subject_id,
                   event.occurred_at,
                   now_,
                   event.actor,
                   event.payload_json};
    state_.events.push_back(row);
    return row.sequence;
  }
  Result<std::vector<app::Event>> ReadAfter(EventSequence after, int limit) override {
    std::vector<app::Event> read;
    for (const app::Event& event : state_.events) {
      if (event.sequence > after && static_cast<int>(read.size()) < limit) read.push_back(event);
    }
    return read;
  }
  Result<std::vector<app::Event>> ReadSubject(std::string_view, std::int64_t, std::optional<EventSequence>,
                                              int) override {
    return std::vector<app::Event>();
  }
  Result<EventSequence> LastSequence() override {
    return EventSequence(static_cast<std::int64_t>(state_.events.size()));
  }

 private:
  FakeState& state_;
  Timestamp now_;
};

class FakeCheckpoints final : public app::ConsumerCheckpoints {
 public:
  FakeCheckpoints(FakeState& state, const std::set<std::string, std::less<>>& held_elsewhere, Timestamp now)
      : state_(state), held_elsewhere_(held_elsewhere), now_(now) {}

  Result<std::optional<EventSequence>> Acquire(std::string_view consumer) override {
    if (held_elsewhere_.contains(consumer)) return std::optional<EventSequence>();
    auto [it, created] = state_.checkpoints.try_emplace(std::string(consumer));
    if (created) it->second = app::Checkpoint{std::string(consumer), EventSequence(0), now_};
    return std::optional<EventSequence>(it->second.position);
  }
  Status Advance(std::string_view consumer, EventSequence position) override {
    const auto found = state_.checkpoints.find(consumer);
    if (found == state_.checkpoints.end()) return NotFound("no checkpoint");
    RAPPORT_ASSERT(found->second.position <= position);
    found->second.position = position;
    found->second.updated_at = now_;
    return {};
  }
  Result<std::vector<app::Checkpoint>> List() override {
    std::vector<app::Checkpoint> listed;
    for (const auto& [name, checkpoint] : state_.checkpoints) listed.push_back(checkpoint);
    return listed;
  }

 private:
  FakeState& state_;
  const std::set<std::string, std::less<>>& held_elsewhere_;
  Timestamp now_;
};

class FakeDirectory final : public app::DirectoryReader, public app::DirectoryWriter {
 public:
  explicit FakeDirectory(FakeState& state) : state_(state) {}
  Result<std::vector<CompanyId>> InsertCompanies(std::span<const app::NewCompany> companies) override {
    std::vector<CompanyId> ids;
    for (std::size_t index = 0; index < companies.size(); ++index) ids.emplace_back(++state_.companies);
    return ids;
  }
  Result<std::vector<ContactId>> InsertContacts(std::span<const app::NewContact>) override {
    return Internal("not faked");
  }
  Result<std::vector<PurchaseId>> InsertPurchases(std::span<const app::NewPurchase>) override {
    return Internal("not faked");
  }
  Result<app::DirectoryCounts> Counts() override { return app::DirectoryCounts{.companies = state_.companies}; }
  Result<bool> ContactExists(ContactId) override { return false; }

 private:
  FakeState& state_;
};

class FakeTransaction final : public app::WriteTransaction {
 public:
  FakeTransaction(FakeState& state, const std::set<std::string, std::less<>>& held_elsewhere, Timestamp now)
      : jobs_(state), events_(state, now), checkpoints_(state, held_elsewhere, now), directory_(state) {}
  app::EventLogReader& Events() override { return events_; }
  app::JobQueue& Jobs() override { return jobs_; }
  app::DirectoryReader& Directory() override { return directory_; }
  app::EventLogWriter& EventsOut() override { return events_; }
  app::ConsumerCheckpoints& Checkpoints() override { return checkpoints_; }
  app::DirectoryWriter& DirectoryOut() override { return directory_; }

 private:
  FakeJobQueue jobs_;
  FakeEventLog events_;
  FakeCheckpoints checkpoints_;
  FakeDirectory directory_;
};

class FakeStore final : public app::Store {
 public:
  explicit FakeStore(const Clock& clock) : clock_(clock) {}

  app::StoreKind kind() const override { return app::StoreKind::kSqlite; }

  Status Write(WriteBody body) override {
    std::lock_guard lock(mutex_);
    ++stats_.write_commands;
    if (writes_to_fail_ > 0) {
      --writes_to_fail_;
      ++stats_.write_commands_failed;
      return Unavailable("injected write failure");
    }
    FakeState draft = state_;
    FakeTransaction transaction(draft, held_elsewhere_, clock_.Now());
    Status status = body(transaction);
    if (status.ok()) {
      state_ = std::move(draft);
      ++stats_.write_transactions;
    } else {
      ++stats_.write_commands_failed;
    }
    return status;
  }
  void WriteAsync(WriteBody body, WriteDone done) override { done(Write(std::move(body))); }
  Status Read(ReadBody body) override {
    std::lock_guard lock(mutex_);
    FakeState snapshot = state_;
    FakeTransaction transaction(snapshot, held_elsewhere_, clock_.Now());
    return body(transaction);
  }
  Status Ping() override { return {}; }
  Status Backup(const std::string&) override { return FailedPrecondition("not faked"); }
  Status Close() override { return {}; }
  app::StoreStats Stats() const override {
    std::lock_guard lock(mutex_);
    return stats_;
  }

  // Fault injection and inspection for tests.
  void FailNextWrites(int count) {
    std::lock_guard lock(mutex_);
    writes_to_fail_ = count;
  }
  void HoldCheckpointElsewhere(std::string consumer, bool held) {
    std::lock_guard lock(mutex_);
    if (held) {
      held_elsewhere_.insert(std::move(consumer));
    } else {
      held_elsewhere_.erase(consumer);
    }
  }
  FakeState Snapshot() const {
    std::lock_guard lock(mutex_);
    return state_;
  }

 private:
  const Clock& clock_;
  mutable std::mutex mutex_;
  FakeState state_;
  std::set<std::string, std::less<>> held_elsewhere_;
  int writes_to_fail_ = 0;
  app::StoreStats stats_;
};

}  // namespace rapport::jobs::testing

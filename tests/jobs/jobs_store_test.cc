// The job runtime against the real store adapters: retries and burial, lease
// expiry and takeover, exclusive execution under concurrency, schedules across
// daylight-saving changes with two nodes, exactly-once consumer effects, and
// graceful stop. Runs on SQLite, and on PostgreSQL when
// RAPPORT_TEST_POSTGRES_URL is set (there the two nodes are two stores).
//
// Deterministic: time comes from a FakeClock; the only waits are on worker
// threads, polled against a generous deadline, never asserted as durations.
#include <atomic>
#include <chrono>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include <gtest/gtest.h>

#include "store_test_support.h"

#include "rapport/jobs/builtins.h"
#include "rapport/jobs/consumer.h"
#include "rapport/jobs/scheduler.h"
#include "rapport/jobs/worker.h"
#include "rapport/store/open_store.h"

namespace rapport::jobs {
namespace {

using std::chrono::days;
using std::chrono::hours;
using std::chrono::milliseconds;
using std::chrono::minutes;
using std::chrono::seconds;
using store::testing::Backend;

constexpr auto kDeadline = seconds(120);

Timestamp At(std::string_view text) { return ParseRfc3339(text).value(); }

template <typename Predicate>
bool WaitUntil(Predicate predicate) {
  const auto deadline = std::chrono::steady_clock::now() + kDeadline;
  while (!predicate()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(milliseconds(2));
  }
  return true;
}

// Runs at most one job; a store error fails the test with its message.
bool RunOne(Worker& worker) {
  const Result<bool> ran = worker.RunOne();
  EXPECT_TRUE(ran.ok()) << ran.status().ToString();
  return ran.ok() && *ran;
}

class JobsOnStore : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    if (GetParam() == Backend::kPostgres) {
      const std::optional<std::string> url = store::testing::PostgresTestUrl();
      if (!url) GTEST_SKIP() << "RAPPORT_TEST_POSTGRES_URL is not set; PostgreSQL runs skipped";
      schema_ = std::make_unique<store::testing::PostgresSchema>(*url);
      options_.database = schema_->url();
    } else {
      options_.database = directory_.path() + "/data/rapport.db";
      options_.sqlite_synchronous = app::SqliteSynchronous::kNormal;
    }
    options_.clock = &clock_;
    options_.reader_pool_size = 4;
    store_ = Open();
  }

  void TearDown() override {
    if (second_store_) {
      EXPECT_TRUE(second_store_->Close().ok());
    }
    if (store_) {
      EXPECT_TRUE(store_->Close().ok());
    }
  }

  std::unique_ptr<app::Store> Open() {
    auto opened = store::OpenStore(options_);
    EXPECT_TRUE(opened.ok()) << opened.status().ToString();
    return opened.ok() ? std::move(opened).value() : nullptr;
  }

  // A second "node": its own store on PostgreSQL; SQLite has one writer per
  // file, so there the nodes share the store.
  app::Store& SecondNode() {
    if (GetParam() == Backend::kSqlite) return *store_;
    if (!second_store_) second_store_ = Open();
    return *second_store_;
  }

  JobId Enqueue(const std::string& kind, int attempts_max = 3) {
    app::EnqueueOutcome outcome;
    EXPECT_TRUE(store_
                    ->Write([&](app::WriteTransaction& transaction) -> Status {
                      RAPPORT_ASSIGN_OR_RETURN(outcome,
                                               transaction.Jobs().Enqueue(app::NewJob{.kind = kind,
                                                                                      .payload_json = "{}",
                                                                                      .run_at = clock_.Now(),
                                                                                      .attempts_max = attempts_max,
                                                                                      .dedupe_key = std::nullopt},
                                                                          clock_.Now()));
                      return {};
                    })
                    .ok());
    return outcome.id;
  }

  app::Job Find(JobId id) {
    std::optional<app::Job> found;
    EXPECT_TRUE(store_
                    ->Read([&](app::ReadTransaction& transaction) -> Status {
                      RAPPORT_ASSIGN_OR_RETURN(found, transaction.Jobs().Find(id));
                      return {};
                    })
                    .ok());
    EXPECT_TRUE(found.has_value());
    return found.value_or(app::Job{});
  }

  app::JobCounts Counts() {
    app::JobCounts counts;
    EXPECT_TRUE(store_
                    ->Read([&](app::ReadTransaction& transaction) -> Status {
                      RAPPORT_ASSIGN_OR_RETURN(counts, transaction.Jobs().Counts(clock_.Now()));
                      return {};
                    })
                    .ok());
    return counts;
  }

  std::vector<app::Job> ListAll(app::JobState state) {
    std::vector<app::Job> jobs;
    EXPECT_TRUE(store_
                    ->Read([&](app::ReadTransaction& transaction) -> Status {
                      RAPPORT_ASSIGN_OR_RETURN(jobs, transaction.Jobs().List(state, std::nullopt, 500));
                      return {};
                    })
                    .ok());
    return jobs;
  }

  WorkerOptions Options(std::string worker_id) {
    WorkerOptions options;
    options.threads = 2;
    options.lease = minutes(5);
    options.poll_interval_min = milliseconds(1);
    options.poll_interval_max = milliseconds(20);
    options.retry = domain::RetryPolicy{.base = seconds(10), .cap = hours(1)};
    options.worker_id = std::move(worker_id);
    return options;
  }

  store::testing::TempDirectory directory_;
  std::unique_ptr<store::testing::PostgresSchema> schema_;  // PostgreSQL runs: this test's own schema
  FakeClock clock_{At("2026-03-01T12:00:00Z")};
  app::StoreOptions options_;
  std::unique_ptr<app::Store> store_;
  std::unique_ptr<app::Store> second_store_;
  app::SeededRandom random_{2026};
};

TEST_P(JobsOnStore, FailingJobRetriesWithBackoffThenIsDead) {
  Worker worker(*store_, clock_, random_, Options("node-a"));
  int runs = 0;
  ASSERT_TRUE(worker
                  .Register("mail.send",
                            [&](const app::Job&, JobContext&) {
                              ++runs;
                              return Unavailable("smtp: connection refused");
                            })
                  .ok());
  const JobId id = Enqueue("mail.send", 3);
  Microseconds previous_ceiling = seconds(10);
  for (int attempt = 1; attempt <= 2; ++attempt) {
    ASSERT_TRUE(RunOne(worker));
    const app::Job job = Find(id);
    ASSERT_EQ(job.state, app::JobState::kReady);
    EXPECT_EQ(job.attempts, attempt);
    EXPECT_LE(job.run_at, clock_.Now() + previous_ceiling);  // base·2^(attempt-1) with jitter
    EXPECT_NE(job.last_error.find("connection refused"), std::string::npos);
    previous_ceiling *= 2;
    clock_.Set(std::max(job.run_at, clock_.Now()));
  }
  ASSERT_TRUE(RunOne(worker));
  const app::Job job = Find(id);
  EXPECT_EQ(job.state, app::JobState::kDead);
  EXPECT_EQ(job.attempts, 3);
  EXPECT_TRUE(job.finished_at.has_value());
  clock_.Advance(days(1));
  EXPECT_FALSE(RunOne(worker));
  EXPECT_EQ(runs, 3);
  EXPECT_EQ(Counts().dead, 1);
}

TEST_P(JobsOnStore, ExpiredLeaseIsRerunByAnotherWorker) {
  Worker worker_b(SecondNode(), clock_, random_, Options("node-b"));
  std::atomic<int> runs_b{0};
  ASSERT_TRUE(worker_b
                  .Register("report.build",
                            [&](const app::Job& job, JobContext&) {
                              EXPECT_EQ(job.attempts, 2);
                              ++runs_b;
                              return Status();
                            })
                  .ok());
  Worker worker_a(*store_, clock_, random_, Options("node-a"));
  ASSERT_TRUE(worker_a
                  .Register("report.build",
                            [&](const app::Job&, JobContext&) {
                              // Node A stalls past its lease; node B takes the job over meanwhile.
                              clock_.Advance(minutes(6));
                              EXPECT_TRUE(RunOne(worker_b));
                              return Status();
                            })
                  .ok());
  const JobId id = Enqueue("report.build", 3);
  ASSERT_TRUE(RunOne(worker_a));
  EXPECT_EQ(runs_b, 1);
  const app::Job job = Find(id);
  EXPECT_EQ(job.state, app::JobState::kDone);
  EXPECT_EQ(job.attempts, 2);
  EXPECT_EQ(worker_a.Stats().lease_lost, 1u);
  EXPECT_EQ(worker_b.Stats().succeeded, 1u);
}

TEST_P(JobsOnStore, TwoWorkersNeverRunTheSameJobConcurrentlyAndRunEachOnce) {
  constexpr int kJobs = 300;
  for (int index = 0; index < kJobs; ++index) Enqueue("count.me");
  std::mutex mutex;
  std::set<std::int64_t> running;
  std::map<std::int64_t, int> executions;
  std::atomic<bool> overlap{false};
  const JobHandler handler = [&](const app::Job& job, JobContext&) {
    {
      std::lock_guard lock(mutex);
      if (!running.insert(job.id.value()).second) overlap = true;
    }
    std::this_thread::yield();
    std::lock_guard lock(mutex);
    running.erase(job.id.value());
    ++executions[job.id.value()];
    return Status();
  };
  Worker worker_a(*store_, clock_, random_, Options("node-a"));
  Worker worker_b(SecondNode(), clock_, random_, Options("node-b"));
  ASSERT_TRUE(worker_a.Register("count.me", handler).ok());
  ASSERT_TRUE(worker_b.Register("count.me", handler).ok());
  ASSERT_TRUE(worker_a.Start().ok());
  ASSERT_TRUE(worker_b.Start().ok());
  ASSERT_TRUE(WaitUntil([&] { return worker_a.Stats().succeeded + worker_b.Stats().succeeded == kJobs; }));
  EXPECT_EQ(worker_a.Stop(), StopOutcome::kDrained);
  EXPECT_EQ(worker_b.Stop(), StopOutcome::kDrained);
  EXPECT_FALSE(overlap);
  EXPECT_EQ(executions.size(), static_cast<std::size_t>(kJobs));
  for (const auto& [id, count] : executions) EXPECT_EQ(count, 1) << "job " << id;
  EXPECT_EQ(Counts().done, kJobs);
  EXPECT_EQ(worker_a.Stats().lease_lost + worker_b.Stats().lease_lost, 0u);
}

TEST_P(JobsOnStore, TwoSchedulersAcrossDaylightSavingEnqueueEachOccurrenceOnce) {
  const ScheduleDefinition nightly{.name = "nightly",
                                   .spec = "daily 02:30",
                                   .time_zone = "America/New_York",
                                   .job_kind = "report.send",
                                   .payload_json = R"({"report":"daily"})",
                                   .attempts_max = 3};
  Scheduler node_a(*store_, clock_);
  Scheduler node_b(SecondNode(), clock_);
  ASSERT_TRUE(node_a.Add(nightly).ok());
  ASSERT_TRUE(node_b.Add(nightly).ok());
  for (Timestamp now = At("2024-03-09T00:00:00Z"); now < At("2024-03-12T00:00:00Z"); now += minutes(15)) {
    node_a.Tick(now);
    node_b.Tick(now);
  }
  // A restarted node (fresh memory) must not enqueue the latest occurrence again.
  Scheduler restarted(*store_, clock_);
  ASSERT_TRUE(restarted.Add(nightly).ok());
  const TickOutcome after_restart = restarted.Tick(At("2024-03-11T23:59:00Z"));
  EXPECT_EQ(after_restart.enqueued, 0);
  EXPECT_EQ(after_restart.already_enqueued, 1);

  std::vector<std::string> run_times;
  for (const app::Job& job : ListAll(app::JobState::kReady)) run_times.push_back(FormatRfc3339(job.run_at));
  std::sort(run_times.begin(), run_times.end());
  EXPECT_EQ(run_times, (std::vector<std::string>{"2024-03-08T07:30:00.000000Z", "2024-03-09T07:30:00.000000Z",
                                                 "2024-03-10T07:00:00.000000Z", "2024-03-11T06:30:00.000000Z"}));
  for (const app::Job& job : ListAll(app::JobState::kReady)) {
    EXPECT_EQ(job.payload_json, R"({"report":"daily"})");
    EXPECT_EQ(job.dedupe_key, "schedule:nightly:" + std::to_string(ToUnixMicros(job.run_at)));
  }
}

// Inserts one company per event; while armed, fails on one sequence after
// having inserted the batch's earlier events.
class CompanyPerEvent final : public EventConsumer {
 public:
  std::string_view name() const override { return "companies"; }
  Status Handle(std::span<const app::Event> events, app::WriteTransaction& transaction) override {
    std::vector<app::NewCompany> companies;
    for (const app::Event& event : events) {
      if (fail_at_sequence && event.sequence.value() == *fail_at_sequence) {
        fail_at_sequence.reset();
        RAPPORT_RETURN_IF_ERROR(transaction.DirectoryOut().InsertCompanies(companies).status());
        return Unavailable("failed mid-batch");
      }
      companies.push_back(app::NewCompany{.name = "company " + std::to_string(event.sequence.value()),
                                          .country_code = "",
                                          .created_at = event.recorded_at});
    }
    return transaction.DirectoryOut().InsertCompanies(companies).status();
  }
  std::optional<std::int64_t> fail_at_sequence;
};

TEST_P(JobsOnStore, ConsumerEffectsAreExactlyOnceWhenAHandlerFailsMidwayAndIsRetried) {
  constexpr int kEvents = 25;
  ASSERT_TRUE(store_
                  ->Write([&](app::WriteTransaction& transaction) -> Status {
                    for (int index = 0; index < kEvents; ++index) {
                      RAPPORT_RETURN_IF_ERROR(transaction.EventsOut()
                                                  .Append(app::NewEvent{.kind = "contact_created",
                                                                        .subject_type = "contact",
                                                                        .subject_id = index + 1,
                                                                        .occurred_at = clock_.Now(),
                                                                        .actor = "system",
                                                                        .payload_json = "{}"})
                                                  .status());
                    }
                    return {};
                  })
                  .ok());
  CompanyPerEvent consumer;
  consumer.fail_at_sequence = 13;
  ConsumerRunner runner(
      *store_, clock_,
      ConsumerRunnerOptions{.batch_size = 10, .poll_interval = seconds(1), .error_backoff = seconds(5)});
  ASSERT_TRUE(runner.Add(consumer).ok());
  EXPECT_TRUE(runner.RunPass());   // 1-10
  EXPECT_FALSE(runner.RunPass());  // 11-20 fails at 13 after inserting 11 and 12: rolled back
  clock_.Advance(seconds(5));
  while (runner.RunPass()) {
  }
  app::DirectoryCounts counts;
  ASSERT_TRUE(store_
                  ->Read([&](app::ReadTransaction& transaction) -> Status {
                    RAPPORT_ASSIGN_OR_RETURN(counts, transaction.Directory().Counts());
                    return {};
                  })
                  .ok());
  EXPECT_EQ(counts.companies, kEvents);
  const ConsumerStats stats = runner.Stats().at(0);
  EXPECT_EQ(stats.position, EventSequence(kEvents));
  EXPECT_EQ(stats.lag, 0);
  EXPECT_EQ(stats.failures, 1u);
  EXPECT_EQ(stats.events_handled, static_cast<std::uint64_t>(kEvents));
}

TEST_P(JobsOnStore, GracefulStopLeavesACancelledJobToAnotherNodeAfterItsLease) {
  WorkerOptions options = Options("node-a");
  options.threads = 1;
  options.stop_grace = milliseconds(20);
  Worker stopping(*store_, clock_, random_, options);
  std::atomic<bool> entered{false};
  ASSERT_TRUE(stopping
                  .Register("long.export",
                            [&](const app::Job&, JobContext& context) -> Status {
                              entered = true;
                              const auto deadline = std::chrono::steady_clock::now() + kDeadline;
                              while (!context.cancelled() && std::chrono::steady_clock::now() < deadline) {
                                std::this_thread::sleep_for(milliseconds(1));
                              }
                              return Unavailable("cancelled at shutdown");
                            })
                  .ok());
  const JobId id = Enqueue("long.export", 3);
  ASSERT_TRUE(stopping.Start().ok());
  ASSERT_TRUE(WaitUntil([&] { return entered.load(); }));
  EXPECT_EQ(stopping.Stop(), StopOutcome::kCancelled);
  EXPECT_EQ(Find(id).state, app::JobState::kRunning);

  Worker survivor(SecondNode(), clock_, random_, Options("node-b"));
  ASSERT_TRUE(survivor.Register("long.export", [](const app::Job&, JobContext&) { return Status(); }).ok());
  EXPECT_FALSE(RunOne(survivor));  // the lease still holds
  clock_.Advance(minutes(5));
  EXPECT_TRUE(RunOne(survivor));
  EXPECT_EQ(Find(id).state, app::JobState::kDone);
  EXPECT_EQ(Find(id).attempts, 2);
}

TEST_P(JobsOnStore, PruneDoneDeletesOnlyOldDoneJobs) {
  Worker worker(*store_, clock_, random_, Options("node-a"));
  Scheduler scheduler(*store_, clock_);
  ASSERT_TRUE(worker.Register("old.work", [](const app::Job&, JobContext&) { return Status(); }).ok());
  ASSERT_TRUE(
      RegisterBuiltins(worker, scheduler, BuiltinOptions{.time_zone = "Europe/Moscow", .prune_batch_size = 3}).ok());
  for (int index = 0; index < 7; ++index) Enqueue("old.work");
  while (RunOne(worker)) {
  }
  clock_.Set(At("2026-03-10T12:00:00Z"));
  Enqueue("old.work");
  ASSERT_TRUE(RunOne(worker));
  clock_.Set(At("2026-03-16T00:30:00Z"));  // 03:30 in Moscow, 14.5 days after the first batch
  EXPECT_EQ(scheduler.Tick(clock_.Now()).enqueued, 1);
  ASSERT_TRUE(RunOne(worker));
  EXPECT_EQ(Counts().done, 2);  // the recent job and the prune job itself
}

INSTANTIATE_TEST_SUITE_P(Backends, JobsOnStore, ::testing::Values(Backend::kSqlite, Backend::kPostgres),
                         [](const ::testing::TestParamInfo<Backend>& param_info) {
                           return store::testing::BackendName(param_info.param);
                         });

}  // namespace
}  // namespace rapport::jobs

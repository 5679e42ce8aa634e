#include "rapport/jobs/worker.h"

#include <chrono>
#include <mutex>
#include <set>
#include <thread>

#include <gtest/gtest.h>

#include "testing/fake_store.h"

namespace rapport::jobs {
namespace {

using std::chrono::hours;
using std::chrono::milliseconds;
using std::chrono::minutes;
using std::chrono::seconds;

constexpr auto kDeadline = seconds(60);  // generous: only for waits on threads

Timestamp Start() { return ParseRfc3339("2026-03-01T12:00:00Z").value(); }

class WorkerTest : public ::testing::Test {
 protected:
  WorkerOptions Options() {
    WorkerOptions options;
    options.threads = 2;
    options.lease = minutes(5);
    options.poll_interval_min = milliseconds(1);
    options.poll_interval_max = milliseconds(20);
    options.retry = domain::RetryPolicy{.base = seconds(10), .cap = hours(1)};
    return options;
  }

  JobId Enqueue(std::string kind, int attempts_max = 3) {
    app::EnqueueOutcome outcome;
    EXPECT_TRUE(store_
                    .Write([&](app::WriteTransaction& transaction) -> Status {
                      RAPPORT_ASSIGN_OR_RETURN(outcome,
                                               transaction.Jobs().Enqueue(app::NewJob{.kind = std::move(kind),
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

  app::Job Find(JobId id) { return store_.Snapshot().jobs.at(id.value()); }

  template <typename Predicate>
  static bool WaitUntil(Predicate predicate) {
    const auto deadline = std::chrono::steady_clock::now() + kDeadline;
    while (!predicate()) {
      if (std::chrono::steady_clock::now() > deadline) return false;
      std::this_thread::sleep_for(milliseconds(1));
    }
    return true;
  }

  FakeClock clock_{Start()};
  testing::FakeStore store_{clock_};
  app::SeededRandom random_{42};
};

TEST_F(WorkerTest, CompletesASuccessfulJob) {
  Worker worker(store_, clock_, random_, Options());
  int runs = 0;
  ASSERT_TRUE(worker
                  .Register("test.ok",
                            [&](const app::Job&, JobContext&) {
                              ++runs;
                              return Status();
                            })
                  .ok());
  const JobId id = Enqueue("test.ok");
  EXPECT_TRUE(worker.RunOne().value());
  EXPECT_FALSE(worker.RunOne().value());  // nothing else is due
  EXPECT_EQ(runs, 1);
  EXPECT_EQ(Find(id).state, app::JobState::kDone);
  EXPECT_EQ(worker.Stats().claimed, 1u);
  EXPECT_EQ(worker.Stats().succeeded, 1u);
}

TEST_F(WorkerTest, RetriesWithBackoffThenBuriesTheJob) {
  Worker worker(store_, clock_, random_, Options());
  int runs = 0;
  ASSERT_TRUE(worker
                  .Register("test.fails",
                            [&](const app::Job&, JobContext&) {
                              ++runs;
                              return Unavailable("the mail server is down");
                            })
                  .ok());
  const JobId id = Enqueue("test.fails", 3);

  ASSERT_TRUE(worker.RunOne().value());
  app::Job job = Find(id);
  EXPECT_EQ(job.state, app::JobState::kReady);
  EXPECT_NE(job.last_error.find("the mail server is down"), std::string::npos);
  // Full jitter: the first retry is within [now, now + base].
  EXPECT_GE(job.run_at, clock_.Now());
  EXPECT_LE(job.run_at, clock_.Now() + seconds(10));
  const Timestamp first_retry = job.run_at;

  clock_.Set(first_retry - Microseconds(1));
  if (first_retry > Start()) {
    EXPECT_FALSE(worker.RunOne().value());  // not due yet
  }
  clock_.Set(first_retry);
  ASSERT_TRUE(worker.RunOne().value());
  job = Find(id);
  EXPECT_EQ(job.state, app::JobState::kReady);
  EXPECT_LE(job.run_at, clock_.Now() + seconds(20));  // base·2 after the second attempt

  clock_.Set(job.run_at);
  ASSERT_TRUE(worker.RunOne().value());
  job = Find(id);
  EXPECT_EQ(job.state, app::JobState::kDead);
  EXPECT_EQ(job.attempts, 3);
  EXPECT_EQ(runs, 3);
  clock_.Advance(hours(24));
  EXPECT_FALSE(worker.RunOne().value());
  EXPECT_EQ(worker.Stats().failed, 2u);
  EXPECT_EQ(worker.Stats().dead, 1u);
}

TEST_F(WorkerTest, UnknownKindIsDeadAtOnce) {
  Worker worker(store_, clock_, random_, Options());
  const JobId id = Enqueue("test.nobody", 5);
  ASSERT_TRUE(worker.RunOne().value());
  const app::Job job = Find(id);
  EXPECT_EQ(job.state, app::JobState::kDead);
  EXPECT_EQ(job.attempts, 1);
  EXPECT_NE(job.last_error.find("no handler is registered for job kind 'test.nobody'"), std::string::npos);
  EXPECT_EQ(worker.Stats().dead, 1u);
}

TEST_F(WorkerTest, HandlerExceptionIsAFailedAttempt) {
  Worker worker(store_, clock_, random_, Options());
  ASSERT_TRUE(
      worker
          .Register("test.throws",
                    [](const app::Job&, JobContext&) -> Status { throw std::runtime_error("parse error at byte 3"); })
          .ok());
  const JobId id = Enqueue("test.throws", 2);
  ASSERT_TRUE(worker.RunOne().value());
  const app::Job job = Find(id);
  EXPECT_EQ(job.state, app::JobState::kReady);
  EXPECT_NE(job.last_error.find("threw: parse error at byte 3"), std::string::npos);
}

TEST_F(WorkerTest, RegisterRejectsDuplicatesEmptyKindsAndLateRegistration) {
  Worker worker(store_, clock_, random_, Options());
  const JobHandler handler = [](const app::Job&, JobContext&) { return Status(); };
  EXPECT_TRUE(worker.Register("test.a", handler).ok());
  EXPECT_EQ(worker.Register("test.a", handler).code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(worker.Register("", handler).code(), StatusCode::kInvalidArgument);
  ASSERT_TRUE(worker.Start().ok());
  EXPECT_EQ(worker.Register("test.b", handler).code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(worker.Start().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(worker.Stop(), StopOutcome::kDrained);
}

TEST_F(WorkerTest, StartRejectsOptionsOutOfRange) {
  WorkerOptions options = Options();
  options.threads = kWorkerThreadsMax + 1;
  Worker too_many(store_, clock_, random_, options);
  EXPECT_EQ(too_many.Start().code(), StatusCode::kInvalidArgument);
  options.threads = 0;
  Worker none(store_, clock_, random_, options);
  EXPECT_EQ(none.Start().code(), StatusCode::kInvalidArgument);
}

TEST_F(WorkerTest, WorkerIdNamesHostProcessAndRandomSuffix) {
  Worker first(store_, clock_, random_, Options());
  Worker second(store_, clock_, random_, Options());
  EXPECT_NE(first.id(), second.id());
  EXPECT_NE(first.id().find(":" + std::to_string(getpid()) + ":"), std::string::npos);
}

// Worker A's lease runs out while its handler is still busy; worker B claims
// the job, runs it, and A's late outcome is discarded.
TEST_F(WorkerTest, ExpiredLeaseLetsAnotherWorkerRunTheJob) {
  WorkerOptions options = Options();
  options.worker_id = "node-b";
  Worker worker_b(store_, clock_, random_, options);
  int runs_b = 0;
  ASSERT_TRUE(worker_b
                  .Register("test.slow",
                            [&](const app::Job&, JobContext&) {
                              ++runs_b;
                              return Status();
                            })
                  .ok());
  options.worker_id = "node-a";
  Worker worker_a(store_, clock_, random_, options);
  ASSERT_TRUE(worker_a
                  .Register("test.slow",
                            [&](const app::Job& job, JobContext&) {
                              EXPECT_EQ(job.attempts, 1);
                              clock_.Advance(minutes(6));  // past the 5-minute lease
                              EXPECT_TRUE(worker_b.RunOne().value());
                              return Status();
                            })
                  .ok());
  const JobId id = Enqueue("test.slow", 3);
  ASSERT_TRUE(worker_a.RunOne().value());
  EXPECT_EQ(runs_b, 1);
  const app::Job job = Find(id);
  EXPECT_EQ(job.state, app::JobState::kDone);
  EXPECT_EQ(job.attempts, 2);
  EXPECT_EQ(worker_a.Stats().lease_lost, 1u);
  EXPECT_EQ(worker_a.Stats().succeeded, 0u);
  EXPECT_EQ(worker_b.Stats().succeeded, 1u);
}

TEST_F(WorkerTest, ThreadsRunEveryJobOnceAndNeverTheSameJobTwiceAtOnce) {
  Worker worker(store_, clock_, random_, Options());
  std::mutex mutex;
  std::set<std::int64_t> running;
  std::multiset<std::int64_t> finished;
  bool overlap = false;
  ASSERT_TRUE(worker
                  .Register("test.count",
                            [&](const app::Job& job, JobContext&) {
                              {
                                std::lock_guard lock(mutex);
                                overlap = overlap || !running.insert(job.id.value()).second;
                              }
                              std::this_thread::yield();
                              std::lock_guard lock(mutex);
                              running.erase(job.id.value());
                              finished.insert(job.id.value());
                              return Status();
                            })
                  .ok());
  constexpr int kJobs = 200;
  for (int index = 0; index < kJobs; ++index) Enqueue("test.count");
  ASSERT_TRUE(worker.Start().ok());
  ASSERT_TRUE(WaitUntil([&] { return worker.Stats().succeeded == kJobs; }));
  EXPECT_EQ(worker.Stop(), StopOutcome::kDrained);
  EXPECT_FALSE(overlap);
  EXPECT_EQ(finished.size(), static_cast<std::size_t>(kJobs));
  for (const std::int64_t id : finished) EXPECT_EQ(finished.count(id), 1u) << id;
}

TEST_F(WorkerTest, NotifyWakesAnIdleWorker) {
  WorkerOptions options = Options();
  options.poll_interval_min = hours(1);  // without Notify the job would wait an hour
  options.poll_interval_max = hours(1);
  Worker worker(store_, clock_, random_, options);
  ASSERT_TRUE(worker.Register("test.ok", [](const app::Job&, JobContext&) { return Status(); }).ok());
  ASSERT_TRUE(worker.Start().ok());
  // Let both threads find the queue empty and go to sleep.
  ASSERT_TRUE(WaitUntil([&] { return store_.Stats().write_commands >= 2; }));
  Enqueue("test.ok");
  worker.Notify();
  EXPECT_TRUE(WaitUntil([&] { return worker.Stats().succeeded == 1; }));
  EXPECT_EQ(worker.Stop(), StopOutcome::kDrained);
}

TEST_F(WorkerTest, StopCancelsHandlersAfterTheGraceAndLeavesTheirJobsToLeaseExpiry) {
  WorkerOptions options = Options();
  options.threads = 1;
  options.stop_grace = milliseconds(10);
  Worker worker(store_, clock_, random_, options);
  std::atomic<bool> entered{false};
  ASSERT_TRUE(worker
                  .Register("test.long",
                            [&](const app::Job&, JobContext& context) -> Status {
                              entered = true;
                              const auto deadline = std::chrono::steady_clock::now() + kDeadline;
                              while (!context.cancelled() && std::chrono::steady_clock::now() < deadline) {
                                std::this_thread::sleep_for(milliseconds(1));
                              }
                              return Unavailable("interrupted");
                            })
                  .ok());
  const JobId id = Enqueue("test.long", 3);
  ASSERT_TRUE(worker.Start().ok());
  ASSERT_TRUE(WaitUntil([&] { return entered.load(); }));
  EXPECT_EQ(worker.Stop(), StopOutcome::kCancelled);
  const app::Job job = Find(id);
  EXPECT_EQ(job.state, app::JobState::kRunning);  // no failure recorded: the lease expires
  EXPECT_EQ(job.attempts, 1);
  EXPECT_EQ(worker.Stats().abandoned, 1u);
  EXPECT_EQ(worker.Stats().failed, 0u);
}

TEST_F(WorkerTest, StopWaitsForHandlersThatFinishWithinTheGrace) {
  WorkerOptions options = Options();
  options.threads = 1;
  options.stop_grace = kDeadline;
  Worker worker(store_, clock_, random_, options);
  std::atomic<bool> entered{false};
  std::atomic<bool> release{false};
  ASSERT_TRUE(worker
                  .Register("test.short",
                            [&](const app::Job&, JobContext&) {
                              entered = true;
                              while (!release) std::this_thread::sleep_for(milliseconds(1));
                              return Status();
                            })
                  .ok());
  const JobId id = Enqueue("test.short");
  ASSERT_TRUE(worker.Start().ok());
  ASSERT_TRUE(WaitUntil([&] { return entered.load(); }));
  std::thread releaser([&] {
    std::this_thread::sleep_for(milliseconds(5));
    release = true;
  });
  EXPECT_EQ(worker.Stop(), StopOutcome::kDrained);
  releaser.join();
  EXPECT_EQ(Find(id).state, app::JobState::kDone);
}

TEST_F(WorkerTest, LeaseKeeperRenewsLongJobsAndCancelsOnLostLease) {
  WorkerOptions options = Options();
  options.threads = 1;
  options.lease_renew_interval = milliseconds(1);
  Worker worker(store_, clock_, random_, options);
  std::atomic<bool> saw_renewal{false};
  std::atomic<bool> saw_cancel{false};
  const JobId id = Enqueue("test.long", 3);
  ASSERT_TRUE(worker
                  .Register("test.long",
                            [&](const app::Job& job, JobContext& context) -> Status {
                              if (job.attempts > 1) return Status();  // the retry after the takeover
                              const Timestamp first_lease_end = *job.locked_until;
                              clock_.Advance(minutes(1));
                              saw_renewal = WaitUntil([&] { return *Find(id).locked_until > first_lease_end; });
                              // Another node takes the job over: the next renewal fails and cancels us.
                              EXPECT_TRUE(store_
                                              .Write([&](app::WriteTransaction& transaction) {
                                                return transaction.Jobs().Fail(id, worker.id(), clock_.Now(),
                                                                               "taken over", clock_.Now());
                                              })
                                              .ok());
                              saw_cancel = WaitUntil([&] { return context.cancelled(); });
                              return Unavailable("cancelled");
                            })
                  .ok());
  ASSERT_TRUE(worker.Start().ok());
  ASSERT_TRUE(WaitUntil([&] { return worker.Stats().abandoned == 1; }));
  worker.Stop();
  EXPECT_TRUE(saw_renewal);
  EXPECT_TRUE(saw_cancel);
}

}  // namespace
}  // namespace rapport::jobs

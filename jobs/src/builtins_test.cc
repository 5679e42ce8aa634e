#include "rapport/jobs/builtins.h"

#include <chrono>

#include <gtest/gtest.h>

#include "testing/fake_store.h"

namespace rapport::jobs {
namespace {

using std::chrono::days;
using std::chrono::hours;

class BuiltinsTest : public ::testing::Test {
 protected:
  // Enqueues and completes a job now, so it is done with finished_at = now.
  void AddDoneJob() {
    ASSERT_TRUE(store_
                    .Write([&](app::WriteTransaction& transaction) -> Status {
                      RAPPORT_ASSIGN_OR_RETURN(const app::EnqueueOutcome enqueued,
                                               transaction.Jobs().Enqueue(app::NewJob{.kind = "old.work",
                                                                                      .payload_json = "{}",
                                                                                      .run_at = clock_.Now(),
                                                                                      .attempts_max = 1,
                                                                                      .dedupe_key = std::nullopt},
                                                                          clock_.Now()));
                      RAPPORT_ASSIGN_OR_RETURN(const auto claimed,
                                               transaction.Jobs().Claim("setup", clock_.Now(), hours(1), 1));
                      RAPPORT_ASSERT(claimed.size() == 1 && claimed[0].id == enqueued.id);
                      return transaction.Jobs().Complete(enqueued.id, "setup", clock_.Now());
                    })
                    .ok());
  }
  std::int64_t DoneJobs() const {
    std::int64_t done = 0;
    for (const auto& [id, job] : store_.Snapshot().jobs) done += job.state == app::JobState::kDone ? 1 : 0;
    return done;
  }

  FakeClock clock_{ParseRfc3339("2026-03-01T00:00:00Z").value()};
  testing::FakeStore store_{clock_};
  app::SeededRandom random_{7};
};

TEST_F(BuiltinsTest, PruneDoneRunsNightlyInTheServerZoneAndKeepsRecentJobs) {
  Worker worker(store_, clock_, random_, WorkerOptions{});
  Scheduler scheduler(store_, clock_);
  const BuiltinOptions options{.time_zone = "Europe/Moscow", .prune_batch_size = 2};
  ASSERT_TRUE(RegisterBuiltins(worker, scheduler, options).ok());
  ASSERT_EQ(scheduler.Describe().size(), 1u);
  EXPECT_EQ(scheduler.Describe()[0].spec, "daily 03:30");
  EXPECT_EQ(scheduler.Describe()[0].time_zone, "Europe/Moscow");

  for (int index = 0; index < 5; ++index) AddDoneJob();  // 5 old jobs: three batches of 2
  clock_.Advance(days(10));
  AddDoneJob();                                              // 4 days old when the prune runs
  clock_.Set(ParseRfc3339("2026-03-15T00:30:00Z").value());  // 03:30 in Moscow

  EXPECT_EQ(scheduler.Tick(clock_.Now()).enqueued, 1);
  const auto jobs = store_.Snapshot().jobs;
  EXPECT_EQ(FormatRfc3339(jobs.rbegin()->second.run_at), "2026-03-15T00:30:00.000000Z");
  EXPECT_EQ(jobs.rbegin()->second.kind, kPruneDoneJobKind);
  ASSERT_TRUE(worker.RunOne().value());
  // The recent job and the prune job itself (done just now) remain.
  EXPECT_EQ(DoneJobs(), 2);
  EXPECT_EQ(worker.Stats().succeeded, 1u);
}

TEST_F(BuiltinsTest, PruneStopsAfterTheBatchLimit) {
  for (int index = 0; index < 5; ++index) AddDoneJob();
  clock_.Advance(days(15));
  const std::atomic<bool> not_cancelled{false};
  JobContext context(store_, clock_, "worker", not_cancelled);
  const BuiltinOptions options{.prune_batch_size = 2, .prune_batches_per_run_max = 2};
  EXPECT_EQ(PruneDoneJobs(context, options).value(), 4);
  EXPECT_EQ(DoneJobs(), 1);
}

TEST_F(BuiltinsTest, RejectsBatchSizesOutOfRange) {
  Worker worker(store_, clock_, random_, WorkerOptions{});
  Scheduler scheduler(store_, clock_);
  EXPECT_EQ(RegisterBuiltins(worker, scheduler, BuiltinOptions{.prune_batch_size = 0}).code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(RegisterBuiltins(worker, scheduler, BuiltinOptions{.prune_batch_size = kPruneBatchSizeMax + 1}).code(),
            StatusCode::kInvalidArgument);
  EXPECT_TRUE(RegisterBuiltins(worker, scheduler, BuiltinOptions{.prune_batch_size = kPruneBatchSizeMax}).ok());
}

}  // namespace
}  // namespace rapport::jobs

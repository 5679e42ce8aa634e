#include "rapport/jobs/scheduler.h"

#include <chrono>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "testing/fake_store.h"

namespace rapport::jobs {
namespace {

using std::chrono::days;
using std::chrono::minutes;

Timestamp At(std::string_view text) { return ParseRfc3339(text).value(); }

ScheduleDefinition Daily(std::string name, std::string spec, std::string zone = "America/New_York") {
  return ScheduleDefinition{
      .name = std::move(name), .spec = std::move(spec), .time_zone = std::move(zone), .job_kind = "report.send"};
}

class SchedulerTest : public ::testing::Test {
 protected:
  std::vector<app::Job> Jobs() const {
    std::vector<app::Job> jobs;
    for (const auto& [id, job] : store_.Snapshot().jobs) jobs.push_back(job);
    return jobs;
  }
  std::vector<std::string> RunTimes() const {
    std::vector<std::string> times;
    for (const app::Job& job : Jobs()) times.push_back(FormatRfc3339(job.run_at));
    return times;
  }

  FakeClock clock_{At("2024-03-08T00:00:00Z")};
  testing::FakeStore store_{clock_};
};

TEST_F(SchedulerTest, AddValidatesEveryField) {
  Scheduler scheduler(store_, clock_);
  EXPECT_EQ(scheduler.Add(Daily("Bad Name", "daily 03:00")).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(scheduler.Add(Daily("", "daily 03:00")).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(scheduler.Add(Daily(std::string(kScheduleNameBytesMax + 1, 'a'), "daily 03:00")).code(),
            StatusCode::kInvalidArgument);
  EXPECT_TRUE(scheduler.Add(Daily(std::string(kScheduleNameBytesMax, 'a'), "daily 03:00")).ok());
  EXPECT_EQ(scheduler.Add(Daily("report", "daily 25:00")).code(), StatusCode::kInvalidArgument);
  const Status unknown_zone = scheduler.Add(Daily("report", "daily 03:00", "Mars/Olympus_Mons"));
  EXPECT_EQ(unknown_zone.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(unknown_zone.message().find("Mars/Olympus_Mons"), std::string::npos);
  ScheduleDefinition no_kind = Daily("report", "daily 03:00");
  no_kind.job_kind.clear();
  EXPECT_EQ(scheduler.Add(no_kind).code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(scheduler.Add(Daily("report", "daily 03:00")).ok());
  EXPECT_EQ(scheduler.Add(Daily("report", "daily 04:00")).code(), StatusCode::kAlreadyExists);
}

TEST_F(SchedulerTest, TickEnqueuesTheLatestOccurrenceWithADedupeKey) {
  Scheduler scheduler(store_, clock_);
  ASSERT_TRUE(scheduler.Add(Daily("nightly", "daily 03:00")).ok());
  const TickOutcome outcome = scheduler.Tick(clock_.Now());  // 2024-03-07 19:00 in New York
  EXPECT_EQ(outcome.enqueued, 1);
  ASSERT_TRUE(outcome.next_due.has_value());
  EXPECT_EQ(FormatRfc3339(*outcome.next_due), "2024-03-08T08:00:00.000000Z");
  const std::vector<app::Job> jobs = Jobs();
  ASSERT_EQ(jobs.size(), 1u);
  EXPECT_EQ(jobs[0].kind, "report.send");
  EXPECT_EQ(FormatRfc3339(jobs[0].run_at), "2024-03-07T08:00:00.000000Z");
  EXPECT_EQ(jobs[0].dedupe_key, "schedule:nightly:" + std::to_string(ToUnixMicros(jobs[0].run_at)));
  EXPECT_EQ(jobs[0].attempts_max, 3);
  // Ticking again before the next occurrence writes nothing.
  const std::uint64_t writes = store_.Stats().write_commands;
  EXPECT_EQ(scheduler.Tick(clock_.Now() + minutes(5)).enqueued, 0);
  EXPECT_EQ(store_.Stats().write_commands, writes);
}

TEST_F(SchedulerTest, ARestartedSchedulerDoesNotEnqueueTheSameOccurrenceAgain) {
  {
    Scheduler before_restart(store_, clock_);
    ASSERT_TRUE(before_restart.Add(Daily("nightly", "daily 03:00")).ok());
    EXPECT_EQ(before_restart.Tick(clock_.Now()).enqueued, 1);
  }
  Scheduler after_restart(store_, clock_);
  ASSERT_TRUE(after_restart.Add(Daily("nightly", "daily 03:00")).ok());
  const TickOutcome outcome = after_restart.Tick(clock_.Now());
  EXPECT_EQ(outcome.enqueued, 0);
  EXPECT_EQ(outcome.already_enqueued, 1);
  EXPECT_EQ(Jobs().size(), 1u);
}

TEST_F(SchedulerTest, MissedOccurrencesAreCaughtUpOnlyOnce) {
  Scheduler scheduler(store_, clock_);
  ASSERT_TRUE(scheduler.Add(Daily("nightly", "daily 03:00")).ok());
  scheduler.Tick(clock_.Now());
  // Down for four nights: one catch-up job, for the latest night.
  EXPECT_EQ(scheduler.Tick(clock_.Now() + days(4)).enqueued, 1);
  EXPECT_EQ(RunTimes(), (std::vector<std::string>{"2024-03-07T08:00:00.000000Z", "2024-03-11T07:00:00.000000Z"}));
}

// Two nodes tick every ten minutes through New York's spring-forward and
// fall-back weeks: every occurrence is enqueued exactly once, the one in the
// gap at the end of the gap and the ambiguous one at the earlier instant.
TEST_F(SchedulerTest, TwoNodesAcrossDaylightSavingChangesEnqueueEachOccurrenceOnce) {
  Scheduler node_a(store_, clock_);
  Scheduler node_b(store_, clock_);
  for (Scheduler* node : {&node_a, &node_b}) {
    ASSERT_TRUE(node->Add(Daily("gap", "daily 02:30")).ok());
    ASSERT_TRUE(node->Add(Daily("overlap", "daily 01:30")).ok());
  }
  int enqueued = 0;
  int already = 0;
  auto run = [&](Timestamp from, Timestamp to) {
    for (Timestamp now = from; now < to; now += minutes(10)) {
      for (Scheduler* node : {&node_a, &node_b}) {
        const TickOutcome outcome = node->Tick(now);
        enqueued += outcome.enqueued;
        already += outcome.already_enqueued;
      }
    }
  };
  run(At("2024-03-09T00:00:00Z"), At("2024-03-12T00:00:00Z"));
  run(At("2024-11-02T00:00:00Z"), At("2024-11-05T00:00:00Z"));

  std::multiset<std::string> gap;
  std::multiset<std::string> overlap;
  for (const app::Job& job : Jobs()) {
    (job.dedupe_key->starts_with("schedule:gap:") ? gap : overlap).insert(FormatRfc3339(job.run_at));
  }
  EXPECT_EQ(gap, (std::multiset<std::string>{
                     "2024-03-08T07:30:00.000000Z",                                 // caught up at the first tick
                     "2024-03-09T07:30:00.000000Z", "2024-03-10T07:00:00.000000Z",  // 02:30 did not exist
                     "2024-03-11T06:30:00.000000Z",
                     "2024-11-01T06:30:00.000000Z",  // caught up after the months in between
                     "2024-11-02T06:30:00.000000Z", "2024-11-03T07:30:00.000000Z", "2024-11-04T07:30:00.000000Z"}));
  EXPECT_EQ(overlap, (std::multiset<std::string>{"2024-03-08T06:30:00.000000Z", "2024-03-09T06:30:00.000000Z",
                                                 "2024-03-10T06:30:00.000000Z", "2024-03-11T05:30:00.000000Z",
                                                 "2024-11-01T05:30:00.000000Z", "2024-11-02T05:30:00.000000Z",
                                                 "2024-11-03T05:30:00.000000Z",  // 01:30 EDT, not again at 01:30 EST
                                                 "2024-11-04T06:30:00.000000Z"}));
  EXPECT_EQ(enqueued, 16);
  EXPECT_EQ(already, 16);  // the other node found each one already there
}

TEST_F(SchedulerTest, AFailedEnqueueIsRetriedOnTheNextTick) {
  Scheduler scheduler(
      store_, clock_,
      SchedulerOptions{
          .idle_wait_max = std::chrono::seconds(60), .retry_wait = std::chrono::seconds(5), .on_enqueued = nullptr});
  ASSERT_TRUE(scheduler.Add(Daily("nightly", "daily 03:00")).ok());
  store_.FailNextWrites(1);
  const TickOutcome failed = scheduler.Tick(clock_.Now());
  EXPECT_EQ(failed.failed, 1);
  EXPECT_EQ(*failed.next_due, clock_.Now() + std::chrono::seconds(5));
  EXPECT_TRUE(Jobs().empty());
  EXPECT_EQ(scheduler.Tick(clock_.Now() + std::chrono::seconds(5)).enqueued, 1);
}

TEST_F(SchedulerTest, IntervalSchedulesIgnoreTheZoneAndShareInstantsAcrossNodes) {
  Scheduler scheduler(store_, clock_);
  ASSERT_TRUE(scheduler.Add(Daily("poll", "every 5m", "Europe/Moscow")).ok());
  for (Timestamp now = At("2024-03-08T00:00:01Z"); now < At("2024-03-08T00:20:00Z"); now += minutes(1)) {
    scheduler.Tick(now);
  }
  EXPECT_EQ(RunTimes(), (std::vector<std::string>{"2024-03-08T00:00:00.000000Z", "2024-03-08T00:05:00.000000Z",
                                                  "2024-03-08T00:10:00.000000Z", "2024-03-08T00:15:00.000000Z"}));
}

TEST_F(SchedulerTest, LoopThreadEnqueuesAndCallsBack) {
  std::atomic<int> callbacks{0};
  Scheduler scheduler(store_, clock_, SchedulerOptions{.on_enqueued = [&] { ++callbacks; }});
  ASSERT_TRUE(scheduler.Add(Daily("nightly", "daily 03:00")).ok());
  ASSERT_TRUE(scheduler.Start().ok());
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (callbacks == 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  scheduler.Stop();
  EXPECT_EQ(callbacks, 1);
  EXPECT_EQ(Jobs().size(), 1u);
  EXPECT_EQ(scheduler.Add(Daily("late", "daily 04:00")).code(), StatusCode::kFailedPrecondition);
  ASSERT_EQ(scheduler.Describe().size(), 1u);
  EXPECT_EQ(scheduler.Describe()[0].spec, "daily 03:00");
}

}  // namespace
}  // namespace rapport::jobs

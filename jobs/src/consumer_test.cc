#include "rapport/jobs/consumer.h"

#include <chrono>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "testing/fake_store.h"

namespace rapport::jobs {
namespace {

using std::chrono::seconds;

// Inserts one company per event; fails on a chosen sequence while armed, after
// writing part of the batch, to prove the partial writes roll back.
class CompanyPerEvent final : public EventConsumer {
 public:
  std::string_view name() const override { return "companies"; }
  Status Handle(std::span<const app::Event> events, app::WriteTransaction& transaction) override {
    for (const app::Event& event : events) {
      if (fail_at_sequence && event.sequence.value() == *fail_at_sequence) {
        fail_at_sequence.reset();
        return Unavailable("failed mid-batch");
      }
      const app::NewCompany company{.name = "from event " + std::to_string(event.sequence.value()),
                                    .country_code = "",
                                    .created_at = event.recorded_at};
      RAPPORT_RETURN_IF_ERROR(transaction.DirectoryOut().InsertCompanies({&company, 1}).status());
    }
    return {};
  }
  std::optional<std::int64_t> fail_at_sequence;
};

class RecordingWebhook final : public ExternalEventConsumer {
 public:
  std::string_view name() const override { return "webhooks"; }
  Status Deliver(std::span<const app::Event> events) override {
    for (const app::Event& event : events) delivered.push_back(event.sequence.value());
    if (failures_left > 0) {
      --failures_left;
      return Unavailable("receiver answered 503");
    }
    return {};
  }
  std::vector<std::int64_t> delivered;
  int failures_left = 0;
};

class ConsumerRunnerTest : public ::testing::Test {
 protected:
  void AppendEvents(int count) {
    ASSERT_TRUE(store_
                    .Write([&](app::WriteTransaction& transaction) -> Status {
                      for (int index = 0; index < count; ++index) {
                        RAPPORT_RETURN_IF_ERROR(transaction.EventsOut()
                                                    .Append(app::NewEvent{.kind = "contact_created",
                                                                          .subject_type = "contact",
                                                                          .occurred_at = clock_.Now(),
                                                                          .actor = "system",
                                                                          .payload_json = "{}"})
                                                    .status());
                      }
                      return {};
                    })
                    .ok());
  }
  std::int64_t Companies() const { return store_.Snapshot().companies; }
  std::int64_t Position(const std::string& consumer) const {
    const auto state = store_.Snapshot();
    const auto found = state.checkpoints.find(consumer);
    return found == state.checkpoints.end() ? -1 : found->second.position.value();
  }

  FakeClock clock_{ParseRfc3339("2026-03-01T12:00:00Z").value()};
  testing::FakeStore store_{clock_};
};

TEST_F(ConsumerRunnerTest, StoreEffectsHappenExactlyOnceDespiteAFailureMidBatch) {
  ConsumerRunner runner(store_, clock_, ConsumerRunnerOptions{.batch_size = 4, .error_backoff = seconds(5)});
  CompanyPerEvent consumer;
  consumer.fail_at_sequence = 7;
  ASSERT_TRUE(runner.Add(consumer).ok());
  AppendEvents(10);

  EXPECT_TRUE(runner.RunPass());  // events 1-4
  EXPECT_EQ(Companies(), 4);
  EXPECT_EQ(runner.Stats()[0].lag, 6);

  EXPECT_FALSE(runner.RunPass());  // events 5-8 fail at 7: 5 and 6 roll back with it
  EXPECT_EQ(Companies(), 4);
  EXPECT_EQ(Position("companies"), 4);
  EXPECT_EQ(runner.Stats()[0].failures, 1u);
  EXPECT_NE(runner.Stats()[0].last_error.find("failed mid-batch"), std::string::npos);

  EXPECT_FALSE(runner.RunPass());  // backing off: nothing happens
  EXPECT_EQ(Position("companies"), 4);

  clock_.Advance(seconds(5));
  EXPECT_TRUE(runner.RunPass());   // 5-8 again, now successfully
  EXPECT_FALSE(runner.RunPass());  // 9-10
  EXPECT_EQ(Companies(), 10);
  EXPECT_EQ(Position("companies"), 10);
  const ConsumerStats stats = runner.Stats()[0];
  EXPECT_EQ(stats.lag, 0);
  EXPECT_EQ(stats.events_handled, 10u);
  EXPECT_EQ(stats.batches_handled, 3u);
  EXPECT_FALSE(runner.RunPass());
}

TEST_F(ConsumerRunnerTest, SkipsAConsumerHeldByAnotherProcess) {
  ConsumerRunner runner(store_, clock_);
  CompanyPerEvent consumer;
  ASSERT_TRUE(runner.Add(consumer).ok());
  AppendEvents(3);
  store_.HoldCheckpointElsewhere("companies", true);
  EXPECT_FALSE(runner.RunPass());
  EXPECT_EQ(Companies(), 0);
  EXPECT_EQ(runner.Stats()[0].busy_skips, 1u);
  store_.HoldCheckpointElsewhere("companies", false);
  runner.RunPass();
  EXPECT_EQ(Companies(), 3);
}

TEST_F(ConsumerRunnerTest, ExternalConsumerRedeliversAfterAFailureAndAdvancesAfterSuccess) {
  ConsumerRunner runner(store_, clock_, ConsumerRunnerOptions{.batch_size = 3, .error_backoff = seconds(1)});
  RecordingWebhook webhook;
  webhook.failures_left = 1;
  ASSERT_TRUE(runner.Add(webhook).ok());
  AppendEvents(5);
  EXPECT_FALSE(runner.RunPass());
  EXPECT_EQ(Position("webhooks"), 0);
  clock_.Advance(seconds(1));
  EXPECT_TRUE(runner.RunPass());
  EXPECT_FALSE(runner.RunPass());
  EXPECT_EQ(webhook.delivered, (std::vector<std::int64_t>{1, 2, 3, 1, 2, 3, 4, 5}));  // at least once
  EXPECT_EQ(Position("webhooks"), 5);
  EXPECT_TRUE(runner.Stats()[0].external);
  EXPECT_EQ(runner.Stats()[0].lag, 0);
}

TEST_F(ConsumerRunnerTest, ExternalConsumerDoesNotMoveACheckpointBackwards) {
  ConsumerRunner runner(store_, clock_, ConsumerRunnerOptions{.batch_size = 2});
  // Another process delivers and advances while this one is delivering.
  class RacingWebhook final : public ExternalEventConsumer {
   public:
    explicit RacingWebhook(testing::FakeStore& store) : store_(store) {}
    std::string_view name() const override { return "webhooks"; }
    Status Deliver(std::span<const app::Event>) override {
      return store_.Write([](app::WriteTransaction& transaction) {
        return transaction.Checkpoints().Advance("webhooks", EventSequence(4));
      });
    }

   private:
    testing::FakeStore& store_;
  } webhook(store_);
  ASSERT_TRUE(runner.Add(webhook).ok());
  AppendEvents(4);
  runner.RunPass();
  EXPECT_EQ(Position("webhooks"), 4);
}

TEST_F(ConsumerRunnerTest, AddRejectsDuplicatesAndLateConsumers) {
  ConsumerRunner runner(store_, clock_);
  CompanyPerEvent first;
  CompanyPerEvent second;
  ASSERT_TRUE(runner.Add(first).ok());
  EXPECT_EQ(runner.Add(second).code(), StatusCode::kAlreadyExists);
  ASSERT_TRUE(runner.Start().ok());
  RecordingWebhook webhook;
  EXPECT_EQ(runner.Add(webhook).code(), StatusCode::kFailedPrecondition);
  runner.Stop();
}

TEST_F(ConsumerRunnerTest, LoopHandlesEventsAppendedLaterWhenNotified) {
  ConsumerRunner runner(store_, clock_, ConsumerRunnerOptions{.batch_size = 2, .poll_interval = std::chrono::hours(1)});
  CompanyPerEvent consumer;
  ASSERT_TRUE(runner.Add(consumer).ok());
  ASSERT_TRUE(runner.Start().ok());
  AppendEvents(7);
  runner.Notify();
  const auto deadline = std::chrono::steady_clock::now() + seconds(60);
  while (Companies() < 7 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  runner.Stop();
  EXPECT_EQ(Companies(), 7);
  EXPECT_EQ(Position("companies"), 7);
}

}  // namespace
}  // namespace rapport::jobs

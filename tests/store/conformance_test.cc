// The store conformance suite: one set of behaviours every app::Store adapter
// must show, run on SQLite (a temp file) and on PostgreSQL (the database at
// RAPPORT_TEST_POSTGRES_URL, emptied per test; skipped when unset).
//
// Concurrency in these tests is made deterministic with gates (a body that
// waits for the test to open it), never with sleeps or timing thresholds.
#include <algorithm>
#include <atomic>
#include <filesystem>
#include <future>
#include <latch>
#include <mutex>
#include <set>
#include <thread>

#include <gtest/gtest.h>

#include "store_test_support.h"

#include "rapport/base/limits.h"
#include "rapport/store/open_store.h"

namespace rapport::store {
namespace {

using testing::Backend;
using testing::RawDatabase;

const Timestamp kStart = testing::kStoreTestStart;  // 2026-11-18

// A one-shot gate a store body can wait on.
class Gate {
 public:
  void Open() { opened_.set_value(); }
  void Wait() { opened_future_.wait(); }

 private:
  std::promise<void> opened_;
  std::shared_future<void> opened_future_ = opened_.get_future().share();
};

app::NewEvent MakeEvent(std::string kind, std::int64_t subject_id, std::string payload = "{}") {
  return app::NewEvent{std::move(kind), "contact", subject_id, kStart, "test", std::move(payload)};
}

app::NewJob MakeJob(std::string kind, Timestamp run_at, int attempts_max = 3) {
  return app::NewJob{std::move(kind), R"({"n":1})", run_at, attempts_max, std::nullopt};
}

class StoreConformance : public testing::StoreConformanceTest {
 protected:
  StoreConformance() : StoreConformanceTest({.reader_pool_size = 4, .raw_connection = false}) {}

  std::unique_ptr<RawDatabase> Raw() const { return Connect(); }

  // Appends events in one write; returns their sequences.
  std::vector<EventSequence> AppendEvents(const std::vector<app::NewEvent>& events) {
    std::vector<EventSequence> sequences;
    Status status = store_->Write([&](app::WriteTransaction& tx) {
      for (const app::NewEvent& event : events) {
        RAPPORT_ASSIGN_OR_RETURN(EventSequence sequence, tx.EventsOut().Append(event));
        sequences.push_back(sequence);
      }
      return Status();
    });
    EXPECT_TRUE(status.ok()) << status.ToString();
    return sequences;
  }

  std::vector<app::Event> ReadAfter(EventSequence after, int limit) {
    std::vector<app::Event> events;
    Status status = store_->Read([&](app::ReadTransaction& tx) {
      RAPPORT_ASSIGN_OR_RETURN(events, tx.Events().ReadAfter(after, limit));
      return Status();
    });
    EXPECT_TRUE(status.ok()) << status.ToString();
    return events;
  }

  app::JobCounts JobCounts() {
    app::JobCounts counts;
    EXPECT_TRUE(store_
                    ->Read([&](app::ReadTransaction& tx) {
                      RAPPORT_ASSIGN_OR_RETURN(counts, tx.Jobs().Counts(clock_.Now()));
                      return Status();
                    })
                    .ok());
    return counts;
  }

  // Runs one write body and returns its status (for validation checks).
  Status WriteStatus(const std::function<Status(app::WriteTransaction&)>& body) { return store_->Write(body); }

  // The test database's parts, for tests that start over in them.
  const testing::TempDirectory& directory_ = database_.directory();
  const std::unique_ptr<testing::PostgresSchema>& schema_ = database_.schema();  // PostgreSQL only
};

// --- migrations -------------------------------------------------------------

TEST_P(StoreConformance, MigrationsAreAppliedOnceAndVersioned) {
  auto version = SchemaVersion(options_);
  ASSERT_TRUE(version.ok()) << version.status().ToString();
  EXPECT_EQ(*version, LatestSchemaVersion(options_));
  EXPECT_GE(*version, 1);
  auto again = MigrateDatabase(options_);
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_TRUE(again->applied.empty());
  EXPECT_EQ(again->version_before, *version);
  EXPECT_EQ(again->version_after, *version);
  EXPECT_EQ(Raw()->Column("SELECT name FROM schema_migrations WHERE version = 1"),
            std::vector<std::string>{"foundation"});
}

TEST_P(StoreConformance, FreshDatabaseReportsEveryMigrationApplied) {
  store_->Close().ok();
  store_.reset();
  if (IsPostgres()) {
    ASSERT_TRUE(schema_->Reset().ok());
  } else {
    options_.database = directory_.path() + "/fresh/other.db";
  }
  auto before = SchemaVersion(options_);
  ASSERT_TRUE(before.ok()) << before.status().ToString();
  EXPECT_EQ(*before, 0);
  if (!IsPostgres()) {
    EXPECT_FALSE(std::filesystem::exists(options_.database)) << "asking for the version created the file";
  }
  auto report = MigrateDatabase(options_);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(report->version_before, 0);
  EXPECT_EQ(report->version_after, LatestSchemaVersion(options_));
  ASSERT_FALSE(report->applied.empty());
  EXPECT_EQ(report->applied.front(), "0001_foundation");
  Reopen();
}

TEST_P(StoreConformance, ConcurrentMigratorsApplyEachMigrationOnce) {
  store_->Close().ok();
  store_.reset();
  if (IsPostgres()) {
    ASSERT_TRUE(schema_->Reset().ok());
  } else {
    options_.database = directory_.path() + "/race.db";
  }
  constexpr int kMigrators = 4;
  std::vector<std::future<Result<MigrationReport>>> reports;
  for (int i = 0; i < kMigrators; ++i) {
    reports.push_back(std::async(std::launch::async, [this] { return MigrateDatabase(options_); }));
  }
  int applied_total = 0;
  for (auto& report : reports) {
    Result<MigrationReport> outcome = report.get();
    ASSERT_TRUE(outcome.ok()) << outcome.status().ToString();
    applied_total += static_cast<int>(outcome->applied.size());
  }
  EXPECT_EQ(applied_total, LatestSchemaVersion(options_));
  Reopen();
}

TEST_P(StoreConformance, DatabaseNewerThanTheBinaryIsRefused) {
  ASSERT_EQ(Raw()->Execute("INSERT INTO schema_migrations (version, name, checksum, applied_at_us) "
                           "VALUES (9999, 'future', 'x', 0)"),
            "");
  auto opened = OpenStore(options_);
  ASSERT_FALSE(opened.ok());
  EXPECT_EQ(opened.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(opened.status().message().find("9999"), std::string::npos) << opened.status().message();
  app::StoreOptions without_migration = options_;
  without_migration.migrate_on_open = false;
  EXPECT_EQ(OpenStore(without_migration).status().code(), StatusCode::kFailedPrecondition);
}

TEST_P(StoreConformance, EditedMigrationIsDataLoss) {
  ASSERT_EQ(Raw()->Execute("UPDATE schema_migrations SET checksum = 'fnv1a64:0000000000000000' WHERE version = 1"), "");
  auto report = MigrateDatabase(options_);
  ASSERT_FALSE(report.ok());
  EXPECT_EQ(report.status().code(), StatusCode::kDataLoss);
  EXPECT_NE(report.status().message().find("0001_foundation"), std::string::npos) << report.status().message();
}

// --- event log --------------------------------------------------------------

TEST_P(StoreConformance, AppendedEventsReadBackInOrderWithPagination) {
  clock_.Set(kStart + Microseconds(42));
  const std::string payload = "{\"name\":\"Анна\\tО'Нил\",\"note\":\"line1\\nline2 \\\\ end\"}";
  std::vector<app::NewEvent> events;
  for (int i = 0; i < 5; ++i) events.push_back(MakeEvent("contact_created", 100 + i % 2, payload));
  const std::vector<EventSequence> sequences = AppendEvents(events);
  ASSERT_EQ(sequences.size(), 5u);
  EXPECT_TRUE(std::is_sorted(sequences.begin(), sequences.end()));
  EXPECT_EQ(std::set<EventSequence>(sequences.begin(), sequences.end()).size(), 5u);

  const std::vector<app::Event> first_page = ReadAfter(EventSequence(0), 2);
  ASSERT_EQ(first_page.size(), 2u);
  EXPECT_EQ(first_page[0].sequence, sequences[0]);
  EXPECT_EQ(first_page[1].sequence, sequences[1]);
  EXPECT_EQ(first_page[0].payload_json, payload);  // byte-identical
  EXPECT_EQ(first_page[0].kind, "contact_created");
  EXPECT_EQ(first_page[0].subject_type, "contact");
  EXPECT_EQ(first_page[0].subject_id, 100);
  EXPECT_EQ(first_page[0].actor, "test");
  EXPECT_EQ(first_page[0].occurred_at, kStart);
  EXPECT_EQ(first_page[0].recorded_at, kStart + Microseconds(42));
  const std::vector<app::Event> second_page = ReadAfter(first_page.back().sequence, 2);
  ASSERT_EQ(second_page.size(), 2u);
  EXPECT_EQ(second_page[0].sequence, sequences[2]);
  const std::vector<app::Event> last_page = ReadAfter(second_page.back().sequence, 2);
  ASSERT_EQ(last_page.size(), 1u);
  EXPECT_TRUE(ReadAfter(last_page.back().sequence, 2).empty());

  ASSERT_TRUE(store_
                  ->Read([&](app::ReadTransaction& tx) {
                    RAPPORT_ASSIGN_OR_RETURN(EventSequence last, tx.Events().LastSequence());
                    EXPECT_EQ(last, sequences.back());
                    // Subject 100 has events 0, 2, 4; newest first, keyset cursor.
                    RAPPORT_ASSIGN_OR_RETURN(auto newest, tx.Events().ReadSubject("contact", 100, std::nullopt, 2));
                    EXPECT_EQ(newest.size(), 2u);
                    if (newest.size() == 2) {
                      EXPECT_EQ(newest[0].sequence, sequences[4]);
                      EXPECT_EQ(newest[1].sequence, sequences[2]);
                      RAPPORT_ASSIGN_OR_RETURN(auto older,
                                               tx.Events().ReadSubject("contact", 100, newest[1].sequence, 2));
                      EXPECT_EQ(older.size(), 1u);
                      if (!older.empty()) {
                        EXPECT_EQ(older[0].sequence, sequences[0]);
                      }
                    }
                    RAPPORT_ASSIGN_OR_RETURN(auto none, tx.Events().ReadSubject("company", 100, std::nullopt, 10));
                    EXPECT_TRUE(none.empty());
                    return Status();
                  })
                  .ok());
}

TEST_P(StoreConformance, EmptyLogHasLastSequenceZero) {
  ASSERT_TRUE(store_
                  ->Read([&](app::ReadTransaction& tx) {
                    RAPPORT_ASSIGN_OR_RETURN(EventSequence last, tx.Events().LastSequence());
                    EXPECT_EQ(last, EventSequence(0));
                    return Status();
                  })
                  .ok());
}

TEST_P(StoreConformance, FailingBodyRollsBackOnlyItselfAmongConcurrentWrites) {
  constexpr int kBodies = 16;
  constexpr int kFailing = 7;
  const app::StoreStats before = store_->Stats();
  Gate gate;
  std::promise<Status> gate_done;
  // The first body holds the writer (SQLite) until every other command is queued,
  // so the rest are committed together in one group.
  store_->WriteAsync(
      [&](app::WriteTransaction& tx) {
        gate.Wait();
        return tx.EventsOut().Append(MakeEvent("gate_opened", 0)).status();
      },
      [&](Status status) { gate_done.set_value(std::move(status)); });
  std::vector<std::promise<Status>> outcomes(kBodies);
  for (int i = 0; i < kBodies; ++i) {
    store_->WriteAsync(
        [i](app::WriteTransaction& tx) {
          RAPPORT_RETURN_IF_ERROR(tx.EventsOut().Append(MakeEvent("body_ran", i)).status());
          if (i == kFailing) return Conflict("this body fails on purpose");
          return Status();
        },
        [&outcomes, i](Status status) { outcomes[i].set_value(std::move(status)); });
  }
  gate.Open();
  EXPECT_TRUE(gate_done.get_future().get().ok());
  for (int i = 0; i < kBodies; ++i) {
    const Status status = outcomes[i].get_future().get();
    if (i == kFailing) {
      EXPECT_EQ(status.code(), StatusCode::kConflict);
    } else {
      EXPECT_TRUE(status.ok()) << i << ": " << status.ToString();
    }
  }
  std::set<std::int64_t> subjects;
  for (const app::Event& event : ReadAfter(EventSequence(0), 100)) {
    if (event.kind == "body_ran") subjects.insert(event.subject_id);
  }
  EXPECT_EQ(subjects.size(), static_cast<std::size_t>(kBodies - 1));
  EXPECT_FALSE(subjects.contains(kFailing));
  const app::StoreStats after = store_->Stats();
  EXPECT_EQ(after.write_commands - before.write_commands, static_cast<std::uint64_t>(kBodies + 1));
  EXPECT_EQ(after.write_commands_failed - before.write_commands_failed, 1u);
  if (!IsPostgres()) {
    // Group commit: the gate's batch (which may already hold some of the
    // bodies), then all the bodies queued behind it in one transaction.
    EXPECT_LE(after.write_transactions - before.write_transactions, 2u);
  }
}

TEST_P(StoreConformance, FailingFirstBodyOfAGroupRollsBackOnlyItself) {
  constexpr int kBodies = 8;
  Gate gate;
  std::promise<Status> first_done;
  // The first body (alone in the queue, so first in its transaction) writes,
  // holds the writer until the rest are queued, then fails.
  store_->WriteAsync(
      [&](app::WriteTransaction& tx) {
        RAPPORT_RETURN_IF_ERROR(tx.EventsOut().Append(MakeEvent("first_ran", 0)).status());
        gate.Wait();
        return Conflict("the first body fails on purpose");
      },
      [&](Status status) { first_done.set_value(std::move(status)); });
  std::vector<std::promise<Status>> outcomes(kBodies);
  for (int i = 0; i < kBodies; ++i) {
    store_->WriteAsync(
        [i](app::WriteTransaction& tx) { return tx.EventsOut().Append(MakeEvent("body_ran", i)).status(); },
        [&outcomes, i](Status status) { outcomes[i].set_value(std::move(status)); });
  }
  gate.Open();
  EXPECT_EQ(first_done.get_future().get().code(), StatusCode::kConflict);
  for (int i = 0; i < kBodies; ++i) {
    const Status status = outcomes[i].get_future().get();
    EXPECT_TRUE(status.ok()) << i << ": " << status.ToString();
  }
  std::set<std::int64_t> subjects;
  bool first_kept = false;
  for (const app::Event& event : ReadAfter(EventSequence(0), 100)) {
    if (event.kind == "body_ran") subjects.insert(event.subject_id);
    first_kept = first_kept || event.kind == "first_ran";
  }
  EXPECT_EQ(subjects.size(), static_cast<std::size_t>(kBodies));
  EXPECT_FALSE(first_kept);
}

TEST_P(StoreConformance, CommittedWriteIsVisibleToLaterReads) {
  ContactId id;
  ASSERT_TRUE(store_
                  ->Write([&](app::WriteTransaction& tx) {
                    app::ContactRecord contact;
                    contact.profile.first_name = "Ivan";
                    contact.profile.last_name = "Petrov";
                    contact.profile.email = "ivan@example.com";
                    contact.profile.phone = "+79161234567";
                    contact.profile.birthday = "1990-05-01";
                    contact.profile.locale = "ru";
                    contact.profile.time_zone = "Europe/Moscow";
                    RAPPORT_ASSIGN_OR_RETURN(auto ids, tx.RelationshipsOut().InsertContacts({&contact, 1}, kStart));
                    id = ids.at(0);
                    return Status();
                  })
                  .ok());
  ASSERT_TRUE(store_
                  ->Read([&](app::ReadTransaction& tx) {
                    RAPPORT_ASSIGN_OR_RETURN(bool exists, tx.Directory().ContactExists(id));
                    EXPECT_TRUE(exists);
                    RAPPORT_ASSIGN_OR_RETURN(bool other, tx.Directory().ContactExists(ContactId(id.value() + 1)));
                    EXPECT_FALSE(other);
                    return Status();
                  })
                  .ok());
  EXPECT_GE(store_->Stats().read_transactions, 1u);
  EXPECT_TRUE(store_->Ping().ok());
}

TEST_P(StoreConformance, FailedWriteLeavesNothingBehind) {
  const Status status = store_->Write([&](app::WriteTransaction& tx) {
    RAPPORT_RETURN_IF_ERROR(tx.EventsOut().Append(MakeEvent("never_seen", 1)).status());
    return InvalidArgument("rejected");
  });
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(ReadAfter(EventSequence(0), 10).empty());
}

TEST_P(StoreConformance, ReadTransactionsCannotWrite) {
  const Status status = store_->Read(
      [&](app::ReadTransaction& tx) { return tx.Jobs().Enqueue(MakeJob("x.y", kStart), kStart).status(); });
  EXPECT_FALSE(status.ok());
}

// --- checkpoints ------------------------------------------------------------

TEST_P(StoreConformance, CheckpointsAcquireAdvanceAndList) {
  ASSERT_TRUE(store_
                  ->Write([&](app::WriteTransaction& tx) {
                    RAPPORT_ASSIGN_OR_RETURN(auto position, tx.Checkpoints().Acquire("segments"));
                    EXPECT_EQ(position, std::optional<EventSequence>(EventSequence(0)));
                    return tx.Checkpoints().Advance("segments", EventSequence(17));
                  })
                  .ok());
  clock_.Advance(Microseconds(5));
  ASSERT_TRUE(store_
                  ->Write([&](app::WriteTransaction& tx) {
                    RAPPORT_ASSIGN_OR_RETURN(auto position, tx.Checkpoints().Acquire("segments"));
                    EXPECT_EQ(position, std::optional<EventSequence>(EventSequence(17)));
                    RAPPORT_RETURN_IF_ERROR(tx.Checkpoints().Advance("segments", EventSequence(17)));  // same is fine
                    RAPPORT_RETURN_IF_ERROR(tx.Checkpoints().Acquire("automations").status());
                    RAPPORT_ASSIGN_OR_RETURN(auto list, tx.Checkpoints().List());
                    EXPECT_EQ(list.size(), 2u);
                    if (list.size() == 2) {
                      EXPECT_EQ(list[0].consumer, "automations");
                      EXPECT_EQ(list[1].consumer, "segments");
                      EXPECT_EQ(list[1].position, EventSequence(17));
                      EXPECT_EQ(list[1].updated_at, kStart + Microseconds(5));
                    }
                    return Status();
                  })
                  .ok());
  EXPECT_EQ(WriteStatus([](app::WriteTransaction& tx) {
              return tx.Checkpoints().Advance("nobody", EventSequence(1));
            }).code(),
            StatusCode::kNotFound);
  EXPECT_EQ(WriteStatus([](app::WriteTransaction& tx) { return tx.Checkpoints().Acquire("").status(); }).code(),
            StatusCode::kInvalidArgument);
}

TEST_P(StoreConformance, LockedCheckpointIsSkippedByAnotherTransaction) {
  if (!IsPostgres()) GTEST_SKIP() << "SQLite runs one write transaction at a time; nothing can hold the row";
  // Created and committed first: creating a row another transaction is still
  // inserting waits for that transaction, by design of unique indexes.
  ASSERT_TRUE(
      WriteStatus([](app::WriteTransaction& tx) { return tx.Checkpoints().Acquire("webhooks").status(); }).ok());
  Gate acquired;
  Gate release;
  auto holder = std::async(std::launch::async, [&] {
    return store_->Write([&](app::WriteTransaction& tx) {
      RAPPORT_ASSIGN_OR_RETURN(auto position, tx.Checkpoints().Acquire("webhooks"));
      EXPECT_TRUE(position.has_value());
      acquired.Open();
      release.Wait();
      return Status();
    });
  });
  acquired.Wait();
  std::optional<EventSequence> second;
  const Status status = store_->Write([&](app::WriteTransaction& tx) {
    RAPPORT_ASSIGN_OR_RETURN(second, tx.Checkpoints().Acquire("webhooks"));
    return Status();
  });
  release.Open();
  EXPECT_TRUE(status.ok()) << status.ToString();
  EXPECT_FALSE(second.has_value());
  EXPECT_TRUE(holder.get().ok());
}

// --- jobs -------------------------------------------------------------------

TEST_P(StoreConformance, JobLifecycle) {
  const Microseconds lease(60'000'000);
  JobId first;
  JobId deduped;
  ASSERT_TRUE(store_
                  ->Write([&](app::WriteTransaction& tx) {
                    RAPPORT_ASSIGN_OR_RETURN(auto outcome, tx.Jobs().Enqueue(MakeJob("mail.send", kStart), kStart));
                    EXPECT_TRUE(outcome.created);
                    first = outcome.id;
                    app::NewJob scheduled = MakeJob("report.daily", kStart + Microseconds(1000));
                    scheduled.dedupe_key = "report:2026-11-18";
                    RAPPORT_ASSIGN_OR_RETURN(auto a, tx.Jobs().Enqueue(scheduled, kStart));
                    RAPPORT_ASSIGN_OR_RETURN(auto b, tx.Jobs().Enqueue(scheduled, kStart));
                    EXPECT_TRUE(a.created);
                    EXPECT_FALSE(b.created);
                    EXPECT_EQ(a.id, b.id);
                    deduped = a.id;
                    return Status();
                  })
                  .ok());
  app::JobCounts counts = JobCounts();
  EXPECT_EQ(counts.ready, 2);
  EXPECT_EQ(counts.ready_due, 1);

  // Claim: only the due job; attempts and lease set.
  std::vector<app::Job> claimed;
  ASSERT_TRUE(store_
                  ->Write([&](app::WriteTransaction& tx) {
                    RAPPORT_ASSIGN_OR_RETURN(claimed, tx.Jobs().Claim("worker-a", kStart, lease, 10));
                    return Status();
                  })
                  .ok());
  ASSERT_EQ(claimed.size(), 1u);
  EXPECT_EQ(claimed[0].id, first);
  EXPECT_EQ(claimed[0].state, app::JobState::kRunning);
  EXPECT_EQ(claimed[0].attempts, 1);
  EXPECT_EQ(claimed[0].locked_by, "worker-a");
  EXPECT_EQ(claimed[0].locked_until, std::optional<Timestamp>(kStart + lease));
  EXPECT_EQ(claimed[0].payload_json, R"({"n":1})");

  // The lease expires: another worker reclaims it; the first lost it.
  clock_.Set(kStart + lease);
  ASSERT_TRUE(store_
                  ->Write([&](app::WriteTransaction& tx) {
                    RAPPORT_ASSIGN_OR_RETURN(claimed, tx.Jobs().Claim("worker-b", clock_.Now(), lease, 10));
                    return Status();
                  })
                  .ok());
  ASSERT_EQ(claimed.size(), 2u);  // the reclaimed job and the now-due report, oldest run_at first
  EXPECT_EQ(claimed[0].id, first);
  EXPECT_EQ(claimed[0].attempts, 2);
  EXPECT_EQ(claimed[1].id, deduped);
  const Timestamp now = clock_.Now();
  EXPECT_EQ(WriteStatus([&](app::WriteTransaction& tx) { return tx.Jobs().Complete(first, "worker-a", now); }).code(),
            StatusCode::kConflict);
  EXPECT_EQ(WriteStatus([&](app::WriteTransaction& tx) { return tx.Jobs().Renew(first, "worker-a", now); }).code(),
            StatusCode::kConflict);
  EXPECT_TRUE(WriteStatus([&](app::WriteTransaction& tx) {
                return tx.Jobs().Renew(first, "worker-b", now + lease + lease);
              }).ok());
  EXPECT_TRUE(WriteStatus([&](app::WriteTransaction& tx) { return tx.Jobs().Complete(first, "worker-b", now); }).ok());

  // Fail with a retry: ready again at retry_at with the error kept.
  const Timestamp retry_at = now + Microseconds(5'000'000);
  EXPECT_TRUE(WriteStatus([&](app::WriteTransaction& tx) {
                return tx.Jobs().Fail(deduped, "worker-b", now, "smtp timeout", retry_at);
              }).ok());
  std::optional<app::Job> found;
  ASSERT_TRUE(store_
                  ->Read([&](app::ReadTransaction& tx) {
                    RAPPORT_ASSIGN_OR_RETURN(found, tx.Jobs().Find(deduped));
                    return Status();
                  })
                  .ok());
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->state, app::JobState::kReady);
  EXPECT_EQ(found->run_at, retry_at);
  EXPECT_EQ(found->last_error, "smtp timeout");
  EXPECT_EQ(found->dedupe_key, std::optional<std::string>("report:2026-11-18"));
  EXPECT_EQ(found->locked_by, "");

  // Fail without a retry: dead.
  clock_.Set(retry_at);
  ASSERT_TRUE(store_
                  ->Write([&](app::WriteTransaction& tx) {
                    RAPPORT_ASSIGN_OR_RETURN(claimed, tx.Jobs().Claim("worker-c", retry_at, lease, 10));
                    EXPECT_EQ(claimed.size(), 1u);
                    return tx.Jobs().Fail(deduped, "worker-c", retry_at, "bad template", std::nullopt);
                  })
                  .ok());
  counts = JobCounts();
  EXPECT_EQ(counts.ready, 0);
  EXPECT_EQ(counts.running, 0);
  EXPECT_EQ(counts.done, 1);
  EXPECT_EQ(counts.dead, 1);

  std::vector<app::Job> dead;
  ASSERT_TRUE(store_
                  ->Read([&](app::ReadTransaction& tx) {
                    RAPPORT_ASSIGN_OR_RETURN(dead, tx.Jobs().List(app::JobState::kDead, std::nullopt, 10));
                    return Status();
                  })
                  .ok());
  ASSERT_EQ(dead.size(), 1u);
  EXPECT_EQ(dead[0].last_error, "bad template");
  EXPECT_TRUE(dead[0].finished_at.has_value());

  // Prune: only done jobs finished before the cutoff.
  std::int64_t pruned = -1;
  ASSERT_TRUE(store_
                  ->Write([&](app::WriteTransaction& tx) {
                    RAPPORT_ASSIGN_OR_RETURN(pruned, tx.Jobs().PruneDone(now, 100));
                    EXPECT_EQ(pruned, 0);  // finished exactly at `now`, not before
                    RAPPORT_ASSIGN_OR_RETURN(pruned, tx.Jobs().PruneDone(now + Microseconds(1), 100));
                    return Status();
                  })
                  .ok());
  EXPECT_EQ(pruned, 1);
  counts = JobCounts();
  EXPECT_EQ(counts.done, 0);
  EXPECT_EQ(counts.dead, 1);
}

TEST_P(StoreConformance, RetryOnTheLastAttemptBuriesTheJob) {
  JobId id;
  ASSERT_TRUE(store_
                  ->Write([&](app::WriteTransaction& tx) {
                    RAPPORT_ASSIGN_OR_RETURN(auto outcome, tx.Jobs().Enqueue(MakeJob("x.once", kStart, 1), kStart));
                    id = outcome.id;
                    RAPPORT_RETURN_IF_ERROR(tx.Jobs().Claim("w", kStart, Microseconds(10), 1).status());
                    return tx.Jobs().Fail(id, "w", kStart, "boom", kStart + Microseconds(100));
                  })
                  .ok());
  EXPECT_EQ(JobCounts().dead, 1);
}

TEST_P(StoreConformance, ExpiredLeaseOnTheLastAttemptIsNotClaimedAgain) {
  ASSERT_TRUE(store_
                  ->Write([&](app::WriteTransaction& tx) {
                    RAPPORT_RETURN_IF_ERROR(tx.Jobs().Enqueue(MakeJob("x.once", kStart, 1), kStart).status());
                    return tx.Jobs().Claim("w", kStart, Microseconds(10), 1).status();
                  })
                  .ok());
  std::vector<app::Job> claimed;
  ASSERT_TRUE(store_
                  ->Write([&](app::WriteTransaction& tx) {
                    RAPPORT_ASSIGN_OR_RETURN(claimed,
                                             tx.Jobs().Claim("v", kStart + Microseconds(10), Microseconds(10), 1));
                    return Status();
                  })
                  .ok());
  EXPECT_TRUE(claimed.empty());
  EXPECT_EQ(JobCounts().dead, 1);
}

TEST_P(StoreConformance, ConcurrentClaimersNeverGetTheSameJob) {
  constexpr int kJobs = 120;
  constexpr int kClaimers = 4;
  ASSERT_TRUE(store_
                  ->Write([&](app::WriteTransaction& tx) {
                    for (int i = 0; i < kJobs; ++i) {
                      RAPPORT_RETURN_IF_ERROR(tx.Jobs().Enqueue(MakeJob("x.y", kStart), kStart).status());
                    }
                    return Status();
                  })
                  .ok());
  std::mutex mutex;
  std::vector<JobId> all;
  std::vector<std::thread> claimers;
  std::atomic<int> failures{0};
  for (int c = 0; c < kClaimers; ++c) {
    claimers.emplace_back([&, c] {
      const std::string worker = "worker-" + std::to_string(c);
      while (true) {
        std::vector<app::Job> batch;
        const Status status = store_->Write([&](app::WriteTransaction& tx) {
          RAPPORT_ASSIGN_OR_RETURN(batch, tx.Jobs().Claim(worker, kStart, Microseconds(60'000'000), 7));
          return Status();
        });
        if (!status.ok()) {
          if (status.code() != StatusCode::kUnavailable) failures.fetch_add(1);
          continue;
        }
        if (batch.empty()) return;
        std::lock_guard lock(mutex);
        for (const app::Job& job : batch) all.push_back(job.id);
      }
    });
  }
  for (std::thread& claimer : claimers) claimer.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(all.size(), static_cast<std::size_t>(kJobs));
  EXPECT_EQ(std::set<JobId>(all.begin(), all.end()).size(), static_cast<std::size_t>(kJobs));
}

// --- directory --------------------------------------------------------------

TEST_P(StoreConformance, DirectoryBulkInsertsAndCounts) {
  constexpr int kCompanies = 3;
  constexpr int kContacts = 2'500;
  std::vector<CompanyId> company_ids;
  std::vector<ContactId> contact_ids;
  std::vector<PurchaseId> purchase_ids;
  const std::string tricky_name = "Ольга\t\"Tab\" \\ back\nslash";
  ASSERT_TRUE(store_
                  ->Write([&](app::WriteTransaction& tx) {
                    std::vector<app::NewCompany> companies;
                    for (int i = 0; i < kCompanies; ++i) {
                      companies.push_back({"ООО Ромашка " + std::to_string(i), i == 0 ? "" : "RU", kStart});
                    }
                    RAPPORT_ASSIGN_OR_RETURN(company_ids, tx.DirectoryOut().InsertCompanies(companies));
                    std::vector<app::ContactRecord> contacts(kContacts);
                    for (int i = 0; i < kContacts; ++i) {
                      app::ContactProfile& profile = contacts[i].profile;
                      profile.first_name = i == 0 ? tricky_name : "Name" + std::to_string(i);
                      profile.last_name = "Фамилия";
                      profile.email = "c" + std::to_string(i) + "@example.com";
                      if (i % 2) profile.birthday = "1985-02-28";
                      profile.locale = "ru";
                      profile.time_zone = "Europe/Moscow";
                      if (i % 3)
                        contacts[i].primary_company = app::CompanyLink{company_ids[i % kCompanies], "", "", true};
                    }
                    RAPPORT_ASSIGN_OR_RETURN(contact_ids, tx.RelationshipsOut().InsertContacts(contacts, kStart));
                    std::vector<app::NewPurchase> purchases;
                    for (int i = 0; i < kContacts; ++i) {
                      purchases.push_back({contact_ids[i], 12'345 + i, "RUB", "store", kStart, ""});
                    }
                    RAPPORT_ASSIGN_OR_RETURN(purchase_ids, tx.DirectoryOut().InsertPurchases(purchases));
                    return Status();
                  })
                  .ok());
  ASSERT_EQ(contact_ids.size(), static_cast<std::size_t>(kContacts));
  EXPECT_TRUE(std::is_sorted(contact_ids.begin(), contact_ids.end()));
  EXPECT_EQ(std::set<ContactId>(contact_ids.begin(), contact_ids.end()).size(), contact_ids.size());
  ASSERT_TRUE(store_
                  ->Read([&](app::ReadTransaction& tx) {
                    RAPPORT_ASSIGN_OR_RETURN(auto counts, tx.Directory().Counts());
                    EXPECT_EQ(counts.companies, kCompanies);
                    EXPECT_EQ(counts.contacts, kContacts);
                    EXPECT_EQ(counts.purchases, kContacts);
                    RAPPORT_ASSIGN_OR_RETURN(bool exists, tx.Directory().ContactExists(contact_ids.back()));
                    EXPECT_TRUE(exists);
                    return Status();
                  })
                  .ok());
  auto raw = Raw();
  EXPECT_EQ(raw->Column("SELECT first_name FROM contacts WHERE id = " + std::to_string(contact_ids[0].value())),
            std::vector<std::string>{tricky_name});
  EXPECT_EQ(raw->Column("SELECT count(*) FROM contacts WHERE birthday IS NULL"),
            std::vector<std::string>{std::to_string(kContacts / 2)});
  EXPECT_EQ(raw->Column("SELECT count(*) FROM contacts WHERE company_id IS NULL"),
            std::vector<std::string>{std::to_string((kContacts + 2) / 3)});
  EXPECT_EQ(raw->Column("SELECT total_minor FROM purchases WHERE id = " + std::to_string(purchase_ids[1].value())),
            std::vector<std::string>{"12346"});

  // A second batch continues the ids.
  std::vector<CompanyId> more;
  ASSERT_TRUE(store_
                  ->Write([&](app::WriteTransaction& tx) {
                    app::NewCompany company{"Next", "DE", kStart};
                    RAPPORT_ASSIGN_OR_RETURN(more, tx.DirectoryOut().InsertCompanies({&company, 1}));
                    return Status();
                  })
                  .ok());
  ASSERT_EQ(more.size(), 1u);
  EXPECT_GT(more[0], company_ids.back());
}

TEST_P(StoreConformance, PurchaseOfUnknownContactIsRefused) {
  const Status status = WriteStatus([&](app::WriteTransaction& tx) {
    app::NewPurchase purchase{ContactId(999'999), 100, "EUR", "web", kStart, "x"};
    return tx.DirectoryOut().InsertPurchases({&purchase, 1}).status();
  });
  EXPECT_EQ(status.code(), StatusCode::kFailedPrecondition) << status.ToString();
}

// --- limits at their edges --------------------------------------------------

TEST_P(StoreConformance, EventLimitsAtTheirEdges) {
  const std::string at_limit = "{\"x\":\"" + std::string(limits::kEventPayloadBytesMax - 8, 'a') + "\"}";
  ASSERT_EQ(at_limit.size(), limits::kEventPayloadBytesMax);
  EXPECT_TRUE(WriteStatus([&](app::WriteTransaction& tx) {
                return tx.EventsOut().Append(MakeEvent("big", 1, at_limit)).status();
              }).ok());
  EXPECT_EQ(WriteStatus([&](app::WriteTransaction& tx) {
              return tx.EventsOut().Append(MakeEvent("big", 1, at_limit + " ")).status();
            }).code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(
      WriteStatus([&](app::WriteTransaction& tx) { return tx.EventsOut().Append(MakeEvent("", 1)).status(); }).code(),
      StatusCode::kInvalidArgument);
  ASSERT_EQ(ReadAfter(EventSequence(0), limits::kEventBatchMax).size(), 1u);
  EXPECT_EQ(ReadAfter(EventSequence(0), limits::kEventBatchMax)[0].payload_json, at_limit);
  for (int bad_limit : {0, limits::kEventBatchMax + 1}) {
    const Status status = store_->Read(
        [&](app::ReadTransaction& tx) { return tx.Events().ReadAfter(EventSequence(0), bad_limit).status(); });
    EXPECT_EQ(status.code(), StatusCode::kInvalidArgument) << bad_limit;
    const Status subject_status = store_->Read([&](app::ReadTransaction& tx) {
      return tx.Events().ReadSubject("contact", 1, std::nullopt, bad_limit).status();
    });
    EXPECT_EQ(subject_status.code(), StatusCode::kInvalidArgument) << bad_limit;
  }
}

TEST_P(StoreConformance, JobLimitsAtTheirEdges) {
  auto enqueue_with_attempts = [&](int attempts_max) {
    return WriteStatus([&](app::WriteTransaction& tx) {
      return tx.Jobs().Enqueue(MakeJob("x.y", kStart, attempts_max), kStart).status();
    });
  };
  EXPECT_EQ(enqueue_with_attempts(0).code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(enqueue_with_attempts(1).ok());
  EXPECT_TRUE(enqueue_with_attempts(limits::kJobAttemptsMax).ok());
  EXPECT_EQ(enqueue_with_attempts(limits::kJobAttemptsMax + 1).code(), StatusCode::kInvalidArgument);

  app::NewJob big = MakeJob("x.y", kStart);
  big.payload_json = std::string(limits::kJobPayloadBytesMax, ' ');
  EXPECT_TRUE(WriteStatus([&](app::WriteTransaction& tx) { return tx.Jobs().Enqueue(big, kStart).status(); }).ok());
  big.payload_json.push_back(' ');
  EXPECT_EQ(WriteStatus([&](app::WriteTransaction& tx) { return tx.Jobs().Enqueue(big, kStart).status(); }).code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(WriteStatus([&](app::WriteTransaction& tx) {
              return tx.Jobs().Enqueue(MakeJob("", kStart), kStart).status();
            }).code(),
            StatusCode::kInvalidArgument);
  EXPECT_TRUE(WriteStatus([&](app::WriteTransaction& tx) {
                return tx.Jobs().Claim("w", kStart, Microseconds(1), limits::kJobClaimBatchMax).status();
              }).ok());
  EXPECT_EQ(WriteStatus([&](app::WriteTransaction& tx) {
              return tx.Jobs().Claim("w", kStart, Microseconds(1), limits::kJobClaimBatchMax + 1).status();
            }).code(),
            StatusCode::kInvalidArgument);
  auto list_with_limit = [&](int limit) {
    return store_->Read(
        [&](app::ReadTransaction& tx) { return tx.Jobs().List(app::JobState::kReady, std::nullopt, limit).status(); });
  };
  EXPECT_TRUE(list_with_limit(limits::kPageSizeMax).ok());
  EXPECT_EQ(list_with_limit(limits::kPageSizeMax + 1).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(list_with_limit(0).code(), StatusCode::kInvalidArgument);
}

TEST_P(StoreConformance, BulkRowsLimitAtItsEdge) {
  std::vector<app::NewCompany> companies(limits::kBulkRowsPerTransactionMax + 1, {"c", "", kStart});
  EXPECT_EQ(WriteStatus([&](app::WriteTransaction& tx) {
              return tx.DirectoryOut().InsertCompanies(companies).status();
            }).code(),
            StatusCode::kInvalidArgument);
  companies.pop_back();
  EXPECT_TRUE(WriteStatus([&](app::WriteTransaction& tx) {
                return tx.DirectoryOut().InsertCompanies(companies).status();
              }).ok());
}

TEST_P(StoreConformance, FullWriteQueueRefusesWithResourceExhausted) {
  Gate gate;
  std::atomic<int> finished{0};
  std::atomic<int> refused{0};
  std::size_t accepted = 0;
  // Bodies wait on the gate, so the store threads stay busy and the queue fills.
  // Store threads may hold up to one group-commit batch besides the queue.
  const std::size_t attempts_max = limits::kWriteQueueDepthMax + limits::kGroupCommitBatchMax + 1;
  for (std::size_t i = 0; i < attempts_max && refused.load() == 0; ++i) {
    bool refused_now = false;
    store_->WriteAsync(
        [&gate](app::WriteTransaction&) {
          gate.Wait();
          return Status();
        },
        [&](Status status) {
          if (status.code() == StatusCode::kResourceExhausted) {
            refused.fetch_add(1);
            refused_now = true;
          } else {
            finished.fetch_add(1);
          }
        });
    if (!refused_now) ++accepted;
  }
  EXPECT_EQ(refused.load(), 1);
  EXPECT_GE(accepted, limits::kWriteQueueDepthMax);
  EXPECT_LT(accepted, attempts_max);
  gate.Open();
  ASSERT_TRUE(store_->Close().ok());  // drains the queue
  EXPECT_EQ(static_cast<std::size_t>(finished.load()), accepted);
}

// --- backup and close -------------------------------------------------------

TEST_P(StoreConformance, BackupProducesAnOpenableCopy) {
  AppendEvents({MakeEvent("before_backup", 1), MakeEvent("before_backup", 2)});
  const std::string destination = directory_.path() + "/backups/copy.db";
  const Status status = store_->Backup(destination);
  if (IsPostgres()) {
    EXPECT_EQ(status.code(), StatusCode::kFailedPrecondition);
    EXPECT_NE(status.message().find("pg_dump --format=custom"), std::string::npos) << status.message();
    return;
  }
  ASSERT_TRUE(status.ok()) << status.ToString();
  AppendEvents({MakeEvent("after_backup", 3)});
  app::StoreOptions copy_options = options_;
  copy_options.database = destination;
  auto copy = OpenStore(copy_options);
  ASSERT_TRUE(copy.ok()) << copy.status().ToString();
  std::vector<app::Event> events;
  ASSERT_TRUE((*copy)
                  ->Read([&](app::ReadTransaction& tx) {
                    RAPPORT_ASSIGN_OR_RETURN(events, tx.Events().ReadAfter(EventSequence(0), 10));
                    return Status();
                  })
                  .ok());
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[1].kind, "before_backup");
  EXPECT_TRUE((*copy)->Close().ok());
}

TEST_P(StoreConformance, CallsAfterCloseAreUnavailable) {
  ASSERT_TRUE(store_->Close().ok());
  EXPECT_TRUE(store_->Close().ok());  // idempotent
  EXPECT_EQ(WriteStatus([](app::WriteTransaction&) { return Status(); }).code(), StatusCode::kUnavailable);
  EXPECT_EQ(store_->Read([](app::ReadTransaction&) { return Status(); }).code(), StatusCode::kUnavailable);
  EXPECT_EQ(store_->Ping().code(), StatusCode::kUnavailable);
  std::optional<Status> async_outcome;
  store_->WriteAsync([](app::WriteTransaction&) { return Status(); },
                     [&](Status status) { async_outcome = std::move(status); });
  ASSERT_TRUE(async_outcome.has_value());
  EXPECT_EQ(async_outcome->code(), StatusCode::kUnavailable);
}

TEST_P(StoreConformance, CloseFinishesQueuedWrites) {
  constexpr int kWrites = 50;
  std::atomic<int> committed{0};
  for (int i = 0; i < kWrites; ++i) {
    store_->WriteAsync(
        [i](app::WriteTransaction& tx) { return tx.EventsOut().Append(MakeEvent("queued", i)).status(); },
        [&](Status status) {
          if (status.ok()) committed.fetch_add(1);
        });
  }
  ASSERT_TRUE(store_->Close().ok());
  EXPECT_EQ(committed.load(), kWrites);
  Reopen();
  EXPECT_EQ(ReadAfter(EventSequence(0), 100).size(), static_cast<std::size_t>(kWrites));
}

// --- the event-ordering contract (PostgreSQL) --------------------------------

TEST_P(StoreConformance, ReadAfterHoldsBackEventsBehindAnOpenTransaction) {
  if (!IsPostgres()) GTEST_SKIP() << "SQLite has one writer; commit order is sequence order";
  auto transaction_a = Raw();
  ASSERT_EQ(transaction_a->Execute("BEGIN"), "");
  ASSERT_EQ(transaction_a->Execute("INSERT INTO events (kind, subject_type, subject_id, occurred_at_us, "
                                   "recorded_at_us, actor, payload) VALUES ('from_a', 'system', 0, 0, 0, 'a', '{}')"),
            "");
  const std::vector<EventSequence> b = AppendEvents({MakeEvent("from_b", 1)});  // commits
  ASSERT_EQ(b.size(), 1u);
  for (const app::Event& event : ReadAfter(EventSequence(0), 10)) {
    EXPECT_NE(event.kind, "from_b") << "B's event is visible while A, holding a smaller sequence, is open";
  }
  ASSERT_TRUE(store_
                  ->Read([&](app::ReadTransaction& tx) {
                    RAPPORT_ASSIGN_OR_RETURN(EventSequence last, tx.Events().LastSequence());
                    EXPECT_LT(last, b[0]);
                    return Status();
                  })
                  .ok());
  ASSERT_EQ(transaction_a->Execute("COMMIT"), "");
  const std::vector<app::Event> events = ReadAfter(EventSequence(0), 10);
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].kind, "from_a");
  EXPECT_EQ(events[1].kind, "from_b");
}

// The case a plain `tx_id < xmin` rule gets wrong: T1 owns the older xid but
// takes its sequence after T2, which is still open. Showing T1's event would
// let a consumer move past T2's smaller sequence before T2 commits.
TEST_P(StoreConformance, ReadAfterHoldsBackEventsOfAnOlderTransactionWithALaterSequence) {
  if (!IsPostgres()) GTEST_SKIP() << "SQLite has one writer; commit order is sequence order";
  auto t1 = Raw();
  auto t2 = Raw();
  ASSERT_EQ(t1->Execute("BEGIN"), "");
  ASSERT_EQ(t1->Execute("SELECT pg_current_xact_id()"), "");
  ASSERT_EQ(t2->Execute("BEGIN"), "");
  ASSERT_EQ(t2->Execute("SELECT rapport_append_event('from_t2', 'system', 0, 0, 0, 't2', '{}')"), "");
  ASSERT_EQ(t1->Execute("SELECT rapport_append_event('from_t1', 'system', 0, 0, 0, 't1', '{}')"), "");
  ASSERT_EQ(t1->Execute("COMMIT"), "");
  EXPECT_TRUE(ReadAfter(EventSequence(0), 10).empty());
  ASSERT_TRUE(store_
                  ->Read([&](app::ReadTransaction& tx) {
                    RAPPORT_ASSIGN_OR_RETURN(EventSequence last, tx.Events().LastSequence());
                    EXPECT_EQ(last, EventSequence(0));
                    return Status();
                  })
                  .ok());
  ASSERT_EQ(t2->Execute("COMMIT"), "");
  const std::vector<app::Event> events = ReadAfter(EventSequence(0), 10);
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].kind, "from_t2");
  EXPECT_EQ(events[1].kind, "from_t1");
}

INSTANTIATE_TEST_SUITE_P(Backends, StoreConformance, ::testing::Values(Backend::kSqlite, Backend::kPostgres),
                         [](const ::testing::TestParamInfo<Backend>& param_info) {
                           return BackendName(param_info.param);
                         });

}  // namespace
}  // namespace rapport::store

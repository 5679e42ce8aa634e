// The kill -9 crash test: starts rapport_store_crash_writer, lets it
// acknowledge a seeded-random number of commits, kills it with SIGKILL,
// restarts it, several times; then checks the database: every acknowledged
// contact exists and has exactly one contact_created event, no event lacks its
// contact, and event sequences strictly increase. Runs on SQLite always and on
// PostgreSQL when RAPPORT_TEST_POSTGRES_URL is set. The seed is printed and
// can be replayed with RAPPORT_CRASH_SEED.
#include <signal.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <random>
#include <set>
#include <string>

#include <gtest/gtest.h>
#include <sys/wait.h>

#include "store_test_support.h"

#include "rapport/store/open_store.h"

namespace rapport::store {
namespace {

using testing::Backend;

constexpr int kRounds = 6;
constexpr int kAcknowledgedPerRoundMin = 1;
constexpr int kAcknowledgedPerRoundMax = 400;

std::uint64_t Seed() {
  const char* text = std::getenv("RAPPORT_CRASH_SEED");
  return text != nullptr ? std::strtoull(text, nullptr, 10) : 20261124;
}

// Runs the writer until it has acknowledged `kill_after` ids, kills it with
// SIGKILL and returns every id it acknowledged (including lines still in the
// pipe when it died).
std::vector<std::int64_t> RunWriterUntilKilled(const std::string& database, int kill_after) {
  int pipe_ends[2];
  EXPECT_EQ(pipe(pipe_ends), 0);
  const pid_t child = fork();
  if (child == 0) {
    dup2(pipe_ends[1], STDOUT_FILENO);
    close(pipe_ends[0]);
    close(pipe_ends[1]);
    execl(RAPPORT_CRASH_WRITER, RAPPORT_CRASH_WRITER, database.c_str(), "4", static_cast<char*>(nullptr));
    _exit(127);
  }
  close(pipe_ends[1]);
  FILE* lines = fdopen(pipe_ends[0], "r");
  std::vector<std::int64_t> acknowledged;
  char line[64];
  bool killed = false;
  while (std::fgets(line, sizeof line, lines) != nullptr) {
    acknowledged.push_back(std::strtoll(line, nullptr, 10));
    if (!killed && static_cast<int>(acknowledged.size()) >= kill_after) {
      kill(child, SIGKILL);
      killed = true;  // keep reading: lines written before death are acknowledged too
    }
  }
  std::fclose(lines);
  int status = 0;
  waitpid(child, &status, 0);
  EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL)
      << "the writer ended on its own (status " << status << "); see its stderr";
  return acknowledged;
}

class CrashTest : public ::testing::TestWithParam<Backend> {};

TEST_P(CrashTest, AcknowledgedWritesSurviveKillNine) {
  testing::TempDirectory directory;
  std::string database = directory.path() + "/crash.db";
  std::unique_ptr<testing::PostgresSchema> schema;
  if (GetParam() == Backend::kPostgres) {
    const std::optional<std::string> url = testing::PostgresTestUrl();
    if (!url) GTEST_SKIP() << "RAPPORT_TEST_POSTGRES_URL is not set; PostgreSQL crash test skipped";
    schema = std::make_unique<testing::PostgresSchema>(*url);
    database = schema->url();
  }
  const std::uint64_t seed = Seed();
  std::printf("crash test seed %llu (replay with RAPPORT_CRASH_SEED)\n", static_cast<unsigned long long>(seed));
  std::mt19937_64 random(seed);
  std::uniform_int_distribution<int> kill_after(kAcknowledgedPerRoundMin, kAcknowledgedPerRoundMax);
  std::set<std::int64_t> acknowledged;
  for (int round = 0; round < kRounds; ++round) {
    for (std::int64_t id : RunWriterUntilKilled(database, kill_after(random))) {
      EXPECT_TRUE(acknowledged.insert(id).second) << "contact id " << id << " acknowledged twice";
    }
  }
  ASSERT_GE(acknowledged.size(), static_cast<std::size_t>(kRounds * kAcknowledgedPerRoundMin));

  auto raw = testing::RawDatabase::Connect(GetParam(), database);
  std::set<std::int64_t> contacts;
  for (const std::string& id : raw->Column("SELECT id FROM contacts")) contacts.insert(std::stoll(id));
  for (std::int64_t id : acknowledged) EXPECT_TRUE(contacts.contains(id)) << "acknowledged contact " << id << " lost";
  EXPECT_EQ(raw->Column("SELECT count(*) FROM contacts c WHERE (SELECT count(*) FROM events e WHERE "
                        "e.kind = 'contact_created' AND e.subject_id = c.id) <> 1"),
            std::vector<std::string>{"0"})
      << "a contact without exactly one event";
  EXPECT_EQ(raw->Column("SELECT count(*) FROM events e WHERE NOT EXISTS "
                        "(SELECT 1 FROM contacts c WHERE c.id = e.subject_id)"),
            std::vector<std::string>{"0"})
      << "an event without its contact";

  // Through the store: the log reads back in strictly increasing sequences and
  // each payload names its subject.
  app::StoreOptions options;
  options.database = database;
  auto store = OpenStore(options);
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  EventSequence after(0);
  std::size_t events_read = 0;
  while (true) {
    std::vector<app::Event> batch;
    ASSERT_TRUE((*store)
                    ->Read([&](app::ReadTransaction& tx) {
                      RAPPORT_ASSIGN_OR_RETURN(batch, tx.Events().ReadAfter(after, 1000));
                      return Status();
                    })
                    .ok());
    if (batch.empty()) break;
    for (const app::Event& event : batch) {
      ASSERT_GT(event.sequence, after);
      EXPECT_EQ(event.payload_json, "{\"contact_id\":" + std::to_string(event.subject_id) + "}");
      after = event.sequence;
      ++events_read;
    }
  }
  EXPECT_EQ(events_read, contacts.size());
  EXPECT_TRUE((*store)->Close().ok());
}

INSTANTIATE_TEST_SUITE_P(Backends, CrashTest, ::testing::Values(Backend::kSqlite, Backend::kPostgres),
                         [](const ::testing::TestParamInfo<Backend>& param_info) {
                           return BackendName(param_info.param);
                         });

}  // namespace
}  // namespace rapport::store

// The loyalty kill -9 test: starts rapport_loyalty_crash_writer, lets it
// acknowledge a seeded-random number of purchases, kills it with SIGKILL and
// restarts it a few ids back (so some sends repeat acknowledged purchases),
// several times; then checks the database: every acknowledged purchase is
// there exactly once with its 10 points, the member's balance is the sum of
// the purchases' points, and every ledger invariant holds. SQLite always,
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

#include "../store/store_test_support.h"

#include "rapport/app/access_service.h"
#include "rapport/app/loyalty_service.h"
#include "rapport/store/open_store.h"

namespace rapport {
namespace {

using store::testing::Backend;

constexpr int kRounds = 5;
constexpr int kAcknowledgedPerRoundMin = 1;
constexpr int kAcknowledgedPerRoundMax = 300;
constexpr int kResentPerRound = 5;

std::uint64_t Seed() {
  const char* text = std::getenv("RAPPORT_CRASH_SEED");
  return text != nullptr ? std::strtoull(text, nullptr, 10) : 20261124;
}

// Runs the writer from id `first` until it has acknowledged `kill_after`
// purchases, kills it and returns every external id it acknowledged.
std::vector<std::string> RunWriterUntilKilled(const std::string& database, long long first, int kill_after) {
  int pipe_ends[2];
  EXPECT_EQ(pipe(pipe_ends), 0);
  const std::string first_text = std::to_string(first);
  const pid_t child = fork();
  if (child == 0) {
    dup2(pipe_ends[1], STDOUT_FILENO);
    close(pipe_ends[0]);
    close(pipe_ends[1]);
    execl(RAPPORT_LOYALTY_CRASH_WRITER, RAPPORT_LOYALTY_CRASH_WRITER, database.c_str(), first_text.c_str(), "4",
          static_cast<char*>(nullptr));
    _exit(127);
  }
  close(pipe_ends[1]);
  FILE* lines = fdopen(pipe_ends[0], "r");
  std::vector<std::string> acknowledged;
  char line[64];
  bool killed = false;
  while (std::fgets(line, sizeof line, lines) != nullptr) {
    std::string id(line);
    while (!id.empty() && id.back() == '\n') id.pop_back();
    acknowledged.push_back(id);
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

class LoyaltyCrashTest : public ::testing::TestWithParam<Backend> {};

TEST_P(LoyaltyCrashTest, AcknowledgedPurchasesAndTheirPointsSurviveKillNine) {
  store::testing::TestDatabase test_database;
  if (!test_database.Open(GetParam())) {
    GTEST_SKIP() << "RAPPORT_TEST_POSTGRES_URL is not set; PostgreSQL crash test skipped";
  }
  const std::string& database = test_database.location();
  const std::uint64_t seed = Seed();
  std::printf("loyalty crash test seed %llu (replay with RAPPORT_CRASH_SEED)\n", static_cast<unsigned long long>(seed));
  std::mt19937_64 random(seed);
  std::uniform_int_distribution<int> kill_after(kAcknowledgedPerRoundMin, kAcknowledgedPerRoundMax);
  std::set<std::string> acknowledged;
  long long next = 1;
  for (int round = 0; round < kRounds; ++round) {
    const long long first = std::max(1LL, next - kResentPerRound);
    for (const std::string& id : RunWriterUntilKilled(database, first, kill_after(random))) {
      acknowledged.insert(id);
      next = std::max(next, std::stoll(id.substr(id.find('-') + 1)) + 1);
    }
  }
  ASSERT_GE(acknowledged.size(), static_cast<std::size_t>(kRounds * kAcknowledgedPerRoundMin));

  auto raw = store::testing::RawDatabase::Connect(GetParam(), database);
  std::multiset<std::string> stored;
  for (const std::string& id : raw->Column("SELECT external_id FROM purchases")) stored.insert(id);
  for (const std::string& id : acknowledged) {
    EXPECT_EQ(stored.count(id), 1u) << "acknowledged purchase " << id << " stored " << stored.count(id) << " times";
  }
  EXPECT_EQ(raw->Column("SELECT count(*) FROM purchases WHERE points_earned <> 10"), std::vector<std::string>{"0"});

  app::StoreOptions options;
  options.database = database;
  auto store = store::OpenStore(options);
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  FakeClock clock(ParseRfc3339("2026-11-24T10:00:00Z").value());
  app::LoyaltyService loyalty(**store, clock);
  const app::Principal admin = app::AccessService::Operator("crash_test");
  Result<app::LoyaltySummary> summary = loyalty.Summary(admin, ContactId(1));
  ASSERT_TRUE(summary.ok()) << summary.status().ToString();
  EXPECT_EQ(summary->account.available.count(), static_cast<std::int64_t>(10 * stored.size()));
  Result<app::LedgerCheck> check = loyalty.Check(admin, std::nullopt);
  ASSERT_TRUE(check.ok()) << check.status().ToString();
  EXPECT_EQ(check->transactions, static_cast<std::int64_t>(stored.size()));
  for (const std::string& problem : check->problems) ADD_FAILURE() << problem;
  EXPECT_TRUE((*store)->Close().ok());
}

INSTANTIATE_TEST_SUITE_P(Backends, LoyaltyCrashTest, ::testing::Values(Backend::kSqlite, Backend::kPostgres),
                         [](const ::testing::TestParamInfo<Backend>& param_info) {
                           return store::testing::BackendName(param_info.param);
                         });

}  // namespace
}  // namespace rapport

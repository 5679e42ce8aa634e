// The kill -9 test of the real server: prepares a database with the CLI
// (`rapport demo` for three members, `rapport token create` for a manager's
// API token), then in rounds starts `rapport serve`, sends purchases from
// several client threads (each with an Idempotency-Key and an external id)
// and kills the server with SIGKILL after a seeded-random number of
// acknowledgements (201 answers). After each restart it retries the purchases
// that were in flight at the kill (they must be recorded once, whether or not
// they committed) and re-sends a few acknowledged ones, by key and by external
// id: they must replay the first answer, never record a second purchase.
// After a last restart it checks through the API and then in the database:
// every acknowledged purchase is stored exactly once with the points it was
// answered with, nothing else is stored, each member's balance is the sum of
// their purchases' points and the ledger check finds no problem. SQLite
// always, PostgreSQL when RAPPORT_TEST_POSTGRES_URL is set. The seed is
// printed and can be replayed with RAPPORT_CRASH_SEED.
//
// Children (the CLI and the servers) are killed when their object goes out of
// scope and, through PR_SET_PDEATHSIG, when the test process dies.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <map>
#include <mutex>
#include <optional>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include <gtest/gtest.h>
#include <rapidjson/document.h>
#include <rapidjson/pointer.h>
#include <sys/prctl.h>
#include <sys/wait.h>

#include "../store/store_test_support.h"
#include "http_client.h"

extern char** environ;

namespace rapport::api_test {
namespace {

using namespace std::chrono_literals;
using store::testing::Backend;
using SteadyClock = std::chrono::steady_clock;

constexpr int kRounds = 5;
constexpr int kClients = 4;
constexpr int kMembers = 3;
constexpr int kAcknowledgedPerRoundMin = 1;
constexpr int kAcknowledgedPerRoundMax = 40;
constexpr int kResentPerRound = 4;
constexpr auto kCommandTimeout = 120s;
constexpr auto kServerStartTimeout = 60s;
constexpr auto kServerStopTimeout = 30s;
constexpr auto kRoundTimeout = 60s;
constexpr std::string_view kListeningPrefix = "Listening on ";
constexpr std::string_view kOccurredAt = "2026-01-15T10:00:00Z";

std::uint64_t Seed() {
  const char* text = std::getenv("RAPPORT_CRASH_SEED");
  return text != nullptr ? std::strtoull(text, nullptr, 10) : 20261124;
}

// The last part of a log file, for failure messages.
std::string Tail(const std::string& path) {
  constexpr std::size_t kTailBytes = 4'000;
  std::ifstream file(path);
  const std::string text((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
  return text.size() > kTailBytes ? "..." + text.substr(text.size() - kTailBytes) : text;
}

std::string DescribeWaitStatus(int status) {
  if (WIFEXITED(status)) return "exit code " + std::to_string(WEXITSTATUS(status));
  if (WIFSIGNALED(status)) return "signal " + std::to_string(WTERMSIG(status));
  return "wait status " + std::to_string(status);
}

// A child process with its stdout on a pipe, its stderr appended to a log
// file, stdin from /dev/null and no RAPPORT_* variable from this process's
// environment (password hashing at its test cost). Killed with SIGKILL when
// the object is destroyed with the child still running, and when this
// process dies.
class Child {
 public:
  Child() = default;
  ~Child() { (void)Kill(); }
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;

  // Starts `arguments` (the program's path first); "" or why it failed.
  std::string Spawn(const std::vector<std::string>& arguments, const std::string& log_path) {
    // Everything the child uses is made before fork: after it, the child
    // makes only async-signal-safe calls.
    std::vector<std::string> environment;
    for (char** variable = environ; *variable != nullptr; ++variable) {
      if (!std::string_view(*variable).starts_with("RAPPORT_")) environment.emplace_back(*variable);
    }
    environment.emplace_back("RAPPORT_PASSWORD_HASH_COST=min");
    std::vector<char*> argv;
    for (const std::string& argument : arguments) argv.push_back(const_cast<char*>(argument.c_str()));
    argv.push_back(nullptr);
    std::vector<char*> envp;
    for (std::string& variable : environment) envp.push_back(variable.data());
    envp.push_back(nullptr);

    int pipe_ends[2];
    if (pipe2(pipe_ends, O_CLOEXEC) != 0) return "pipe2 failed";
    const int log = open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    const int null_input = open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (log < 0 || null_input < 0) {
      for (int fd : {pipe_ends[0], pipe_ends[1], log, null_input}) {
        if (fd >= 0) close(fd);
      }
      return "cannot open " + log_path + " or /dev/null";
    }
    const pid_t parent = getpid();
    const pid_t child = fork();
    if (child == 0) {
      prctl(PR_SET_PDEATHSIG, SIGKILL);
      if (getppid() != parent) _exit(127);
      signal(SIGPIPE, SIG_DFL);
      dup2(null_input, STDIN_FILENO);
      dup2(pipe_ends[1], STDOUT_FILENO);
      dup2(log, STDERR_FILENO);
      execve(argv[0], argv.data(), envp.data());
      _exit(127);
    }
    close(pipe_ends[1]);
    close(log);
    close(null_input);
    if (child < 0) {
      close(pipe_ends[0]);
      return "fork failed";
    }
    pid_ = child;
    stdout_ = pipe_ends[0];
    ended_ = false;
    buffered_.clear();
    status_.reset();
    return "";
  }

  // The next line of the child's stdout without its newline; nullopt at the
  // end of its output or at `deadline`.
  std::optional<std::string> ReadLine(SteadyClock::time_point deadline) {
    while (true) {
      if (const std::size_t end = buffered_.find('\n'); end != std::string::npos) {
        std::string line = buffered_.substr(0, end);
        buffered_.erase(0, end + 1);
        return line;
      }
      if (!ReadMore(deadline)) return std::nullopt;
    }
  }

  // The rest of the child's stdout; nullopt when it did not end by `deadline`.
  std::optional<std::string> ReadToEnd(SteadyClock::time_point deadline) {
    while (ReadMore(deadline)) {
    }
    if (!ended_) return std::nullopt;
    return std::exchange(buffered_, std::string());
  }

  // True while the child has not ended (it is not reaped).
  bool Running() {
    if (pid_ <= 0) return false;
    int status = 0;
    pid_t waited = waitpid(pid_, &status, WNOHANG);
    while (waited < 0 && errno == EINTR) waited = waitpid(pid_, &status, WNOHANG);
    if (waited == 0) return true;
    Reaped(status);
    return false;
  }

  // Waits for the child to end by `deadline`; its wait status, or nullopt.
  std::optional<int> Wait(SteadyClock::time_point deadline) {
    while (pid_ > 0) {
      int status = 0;
      const pid_t waited = waitpid(pid_, &status, WNOHANG);
      if (waited == pid_ || (waited < 0 && errno != EINTR)) {
        Reaped(status);
        break;
      }
      if (SteadyClock::now() >= deadline) return std::nullopt;
      std::this_thread::sleep_for(10ms);
    }
    return status_;
  }

  void Signal(int signal_number) const {
    if (pid_ > 0) kill(pid_, signal_number);
  }

  // SIGKILL (when still running) and reap; the wait status.
  std::optional<int> Kill() {
    if (pid_ > 0) {
      kill(pid_, SIGKILL);
      int status = 0;
      while (waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
      }
      Reaped(status);
    }
    return status_;
  }

 private:
  // Reads what the child wrote; false at the end of its output or at `deadline`.
  bool ReadMore(SteadyClock::time_point deadline) {
    if (stdout_ < 0 || ended_) return false;
    while (true) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - SteadyClock::now());
      if (left <= 0ms) return false;
      pollfd ready{.fd = stdout_, .events = POLLIN, .revents = 0};
      const int polled = poll(&ready, 1, static_cast<int>(left.count()));
      if (polled < 0 && errno != EINTR) return false;
      if (polled <= 0) continue;
      char chunk[4'096];
      const ssize_t got = read(stdout_, chunk, sizeof chunk);
      if (got < 0 && errno == EINTR) continue;
      if (got <= 0) {
        ended_ = true;
        return false;
      }
      buffered_.append(chunk, static_cast<std::size_t>(got));
      return true;
    }
  }

  void Reaped(int status) {
    status_ = status;
    pid_ = -1;
    if (stdout_ >= 0) close(stdout_);
    stdout_ = -1;
  }

  pid_t pid_ = -1;
  int stdout_ = -1;
  bool ended_ = false;
  std::string buffered_;
  std::optional<int> status_;
};

// A purchase the test sends: the same body and key on every send.
struct Purchase {
  std::int64_t contact_id = 0;
  std::string external_id;
  std::string key;
  std::string body;
};

// What the server answered when it acknowledged a purchase.
struct Acknowledged {
  std::int64_t contact_id = 0;
  std::int64_t purchase_id = 0;
  std::int64_t points = 0;
  int status = 0;
  std::string body;
};

std::optional<std::int64_t> Int64At(const rapidjson::Document& document, const char* pointer) {
  const rapidjson::Value* value = rapidjson::Pointer(pointer).Get(document);
  if (value == nullptr || !value->IsInt64()) return std::nullopt;
  return value->GetInt64();
}

// The answer to `purchase` as an acknowledgement, or nullopt when it is not a
// purchase answer for it.
std::optional<Acknowledged> ReadAnswer(const HttpResult& result, const Purchase& purchase) {
  if (result.status != 201 && result.status != 200) return std::nullopt;
  rapidjson::Document document;
  document.Parse(result.body.c_str());
  if (document.HasParseError()) return std::nullopt;
  const rapidjson::Value* external_id = rapidjson::Pointer("/purchase/external_id").Get(document);
  if (external_id == nullptr || !external_id->IsString() || external_id->GetString() != purchase.external_id) {
    return std::nullopt;
  }
  const std::optional<std::int64_t> contact_id = Int64At(document, "/purchase/contact_id");
  const std::optional<std::int64_t> purchase_id = Int64At(document, "/purchase/id");
  const std::optional<std::int64_t> points = Int64At(document, "/points_earned");
  if (!contact_id || *contact_id != purchase.contact_id || !purchase_id || !points) return std::nullopt;
  return Acknowledged{.contact_id = *contact_id,
                      .purchase_id = *purchase_id,
                      .points = *points,
                      .status = result.status,
                      .body = result.body};
}

std::string Describe(const std::string& what, const HttpResult& result) {
  return what + ": " + std::to_string(result.status) + " " + result.body.substr(0, 300);
}

class LoyaltyServerCrashTest : public ::testing::TestWithParam<Backend> {
 protected:
  using Headers = std::vector<std::pair<std::string, std::string>>;

  // What the client threads of one round share, under `mutex`.
  struct Round {
    std::mutex mutex;
    std::condition_variable changed;
    int acknowledged = 0;
    int clients_done = 0;
    std::vector<std::string> failures;
  };

  void SetUp() override {
    struct sigaction ignore {};
    ignore.sa_handler = SIG_IGN;
    sigaction(SIGPIPE, &ignore, nullptr);  // a write to a killed server is an error, not a signal
  }

  std::string Log() const { return logs_.path() + "/rapport.log"; }

  // Runs the CLI with `arguments`; its stdout, or nullopt after recording a failure.
  std::optional<std::string> RunCli(std::vector<std::string> arguments) {
    arguments.insert(arguments.begin(), RAPPORT_BINARY);
    Child child;
    const std::string spawned = child.Spawn(arguments, Log());
    if (!spawned.empty()) {
      ADD_FAILURE() << spawned;
      return std::nullopt;
    }
    const auto deadline = SteadyClock::now() + kCommandTimeout;
    std::optional<std::string> output = child.ReadToEnd(deadline);
    const std::optional<int> status = child.Wait(deadline);
    if (!output || !status || !WIFEXITED(*status) || WEXITSTATUS(*status) != 0) {
      ADD_FAILURE() << "rapport " << arguments[1] << " failed ("
                    << (status ? DescribeWaitStatus(*status) : std::string("timed out")) << "); the log:\n"
                    << Tail(Log());
      return std::nullopt;
    }
    return output;
  }

  // Starts `rapport serve` on a free port; the port, or 0 after recording a failure.
  std::uint16_t StartServer(Child& server) {
    const std::string spawned = server.Spawn({RAPPORT_BINARY, "serve", "--database", database_, "--listen",
                                              "127.0.0.1:0", "--token-rate", "0", "--io-threads", "2"},
                                             Log());
    if (!spawned.empty()) {
      ADD_FAILURE() << spawned;
      return 0;
    }
    const auto deadline = SteadyClock::now() + kServerStartTimeout;
    while (std::optional<std::string> line = server.ReadLine(deadline)) {
      if (!line->starts_with(kListeningPrefix)) continue;
      const int port = std::atoi(line->substr(line->rfind(':') + 1).c_str());
      if (port > 0 && port <= 65'535) return static_cast<std::uint16_t>(port);
      ADD_FAILURE() << "no port in '" << *line << "'";
      return 0;
    }
    ADD_FAILURE() << "rapport serve did not say where it listens; the log:\n" << Tail(Log());
    return 0;
  }

  Purchase MakePurchase(long long number) const {
    Purchase purchase;
    purchase.contact_id = members_[static_cast<std::size_t>(number) % members_.size()];
    purchase.external_id = "crash-" + std::to_string(number);
    purchase.key = "key-" + purchase.external_id;
    const std::int64_t total_minor = 500 + (number * 7'919) % 20'000;
    purchase.body = R"({"contact_id":)" + std::to_string(purchase.contact_id) + R"(,"total_minor":)" +
                    std::to_string(total_minor) + R"(,"currency":"EUR","channel":"web","occurred_at":")" +
                    std::string(kOccurredAt) + R"(","external_id":")" + purchase.external_id + R"("})";
    return purchase;
  }

  HttpResult Send(TestClient& client, const Purchase& purchase, bool keyed) const {
    Headers headers = {{"Authorization", "Bearer " + token_}, {"Content-Type", "application/json"}};
    if (keyed) headers.emplace_back("Idempotency-Key", purchase.key);
    return client.Send("POST", "/api/v1/purchases", headers, purchase.body);
  }

  HttpResult Get(std::uint16_t port, const std::string& target) const {
    TestClient client(port);
    return client.Send("GET", target, {{"Authorization", "Bearer " + token_}});
  }

  // A client thread: sends new purchases until the server is gone (or answers
  // one wrongly). A purchase without an answer stays in flight, to be retried
  // after the restart.
  void SendUntilRefused(std::uint16_t port, Round& round) {
    std::optional<TestClient> client;
    while (true) {
      const long long number = next_.fetch_add(1);
      const Purchase purchase = MakePurchase(number);
      {
        std::lock_guard lock(round.mutex);
        in_flight_.insert(number);
      }
      HttpResult result;
      try {
        if (!client) client.emplace(port);
        result = Send(*client, purchase, true);
      } catch (const std::exception&) {
        break;
      }
      if (!result.keep_alive) client.reset();
      const std::optional<Acknowledged> answer = ReadAnswer(result, purchase);
      std::lock_guard lock(round.mutex);
      if (result.status == 201 && answer && result.Header("idempotent-replayed").empty()) {
        in_flight_.erase(number);
        acknowledged_[number] = *answer;
        ++round.acknowledged;
        round.changed.notify_all();
      } else {
        round.failures.push_back(Describe("a new purchase " + purchase.external_id, result));
        break;
      }
    }
    std::lock_guard lock(round.mutex);
    ++round.clients_done;
    round.changed.notify_all();
  }

  // Streams purchases from kClients threads until `kill_after` are
  // acknowledged, then kills the server with SIGKILL.
  void StreamAndKill(Child& server, std::uint16_t port, int kill_after) {
    Round round;
    std::vector<std::thread> clients;
    for (int i = 0; i < kClients; ++i) clients.emplace_back([&] { SendUntilRefused(port, round); });
    bool reached = false;
    {
      std::unique_lock lock(round.mutex);
      reached = round.changed.wait_for(
          lock, kRoundTimeout, [&] { return round.acknowledged >= kill_after || round.clients_done == kClients; });
    }
    const bool running = server.Running();
    const std::optional<int> status = server.Kill();
    for (std::thread& client : clients) client.join();
    for (const std::string& failure : round.failures) ADD_FAILURE() << failure;
    EXPECT_TRUE(reached) << "no " << kill_after << " acknowledgements in time; the log:\n" << Tail(Log());
    EXPECT_TRUE(running && status && WIFSIGNALED(*status) && WTERMSIG(*status) == SIGKILL)
        << "the server ended on its own (" << (status ? DescribeWaitStatus(*status) : std::string("not started"))
        << "); the log:\n"
        << Tail(Log());
  }

  // Retries every purchase in flight at the kill, with its key: recorded
  // before the kill (the first answer replayed) or now, it is acknowledged.
  void RetryInFlight(std::uint16_t port) {
    TestClient client(port);
    for (const long long number : std::exchange(in_flight_, {})) {
      const Purchase purchase = MakePurchase(number);
      const HttpResult result = Send(client, purchase, true);
      const std::optional<Acknowledged> answer = ReadAnswer(result, purchase);
      if (result.status != 201 || !answer) {
        ADD_FAILURE() << Describe("retrying " + purchase.external_id, result);
        continue;
      }
      if (!result.Header("idempotent-replayed").empty()) ++replayed_in_flight_;
      acknowledged_[number] = *answer;
    }
  }

  // Re-sends acknowledged purchases, alternately by key (the first answer
  // byte for byte) and by external id alone (200 with the same purchase).
  void Resend(std::uint16_t port, std::mt19937_64& random) {
    if (acknowledged_.empty()) return;
    TestClient client(port);
    std::uniform_int_distribution<std::size_t> pick(0, acknowledged_.size() - 1);
    for (int i = 0; i < kResentPerRound; ++i) {
      const auto chosen = std::next(acknowledged_.begin(), static_cast<std::ptrdiff_t>(pick(random)));
      const Purchase purchase = MakePurchase(chosen->first);
      const Acknowledged& first = chosen->second;
      const bool keyed = i % 2 == 0;
      const HttpResult result = Send(client, purchase, keyed);
      EXPECT_EQ(result.Header("idempotent-replayed"), "true") << Describe(purchase.external_id, result);
      if (keyed) {
        EXPECT_EQ(result.status, first.status) << purchase.external_id;
        EXPECT_EQ(result.body, first.body) << purchase.external_id;
        continue;
      }
      const std::optional<Acknowledged> answer = ReadAnswer(result, purchase);
      EXPECT_EQ(result.status, 200) << Describe(purchase.external_id, result);
      ASSERT_TRUE(answer.has_value()) << Describe(purchase.external_id, result);
      EXPECT_EQ(answer->purchase_id, first.purchase_id) << purchase.external_id;
      EXPECT_EQ(answer->points, first.points) << purchase.external_id;
    }
  }

  // Through the running server: the ledger check, and every member's balance
  // is the sum of the points of their acknowledged purchases.
  void CheckThroughApi(std::uint16_t port) {
    const HttpResult check = Get(port, "/api/v1/loyalty/check");
    ASSERT_EQ(check.status, 200) << check.body;
    rapidjson::Document document;
    document.Parse(check.body.c_str());
    ASSERT_FALSE(document.HasParseError()) << check.body;
    EXPECT_TRUE(document["ok"].IsBool() && document["ok"].GetBool()) << check.body;
    EXPECT_EQ(document["problems"].Size(), 0u) << check.body;
    EXPECT_EQ(Int64At(document, "/transactions"), static_cast<std::int64_t>(acknowledged_.size())) << check.body;

    std::map<std::int64_t, std::int64_t> expected;
    for (std::int64_t member : members_) expected[member] = 0;
    for (const auto& [number, answer] : acknowledged_) expected[answer.contact_id] += answer.points;
    for (const auto& [member, points] : expected) {
      const HttpResult summary = Get(port, "/api/v1/contacts/" + std::to_string(member) + "/loyalty");
      ASSERT_EQ(summary.status, 200) << summary.body;
      rapidjson::Document parsed;
      parsed.Parse(summary.body.c_str());
      ASSERT_FALSE(parsed.HasParseError()) << summary.body;
      EXPECT_EQ(Int64At(parsed, "/points_balance"), points) << "member " << member << ": " << summary.body;
    }
  }

  // In the database, after the server stopped: each acknowledged purchase
  // exactly once, as answered, and nothing else.
  void CheckDatabase() {
    auto raw = store::testing::RawDatabase::Connect(GetParam(), database_);
    std::map<std::string, std::vector<std::string>> stored;  // external id -> "purchase contact points" rows
    for (const std::string& row :
         raw->Column("SELECT external_id || ' ' || id || ' ' || contact_id || ' ' || points_earned FROM purchases")) {
      const std::size_t space = row.find(' ');
      stored[row.substr(0, space)].push_back(space == std::string::npos ? row : row.substr(space + 1));
    }
    for (const auto& [number, answer] : acknowledged_) {
      const std::string external_id = "crash-" + std::to_string(number);
      const auto found = stored.find(external_id);
      const std::size_t count = found == stored.end() ? 0 : found->second.size();
      EXPECT_EQ(count, 1u) << "acknowledged purchase " << external_id << " stored " << count << " times";
      if (count != 1) continue;
      EXPECT_EQ(found->second.front(), std::to_string(answer.purchase_id) + " " + std::to_string(answer.contact_id) +
                                           " " + std::to_string(answer.points))
          << external_id;
      stored.erase(found);
    }
    for (const auto& [external_id, rows] : stored) {
      ADD_FAILURE() << "purchase " << external_id << " stored " << rows.size() << " times but never acknowledged";
    }
  }

  store::testing::TempDirectory logs_;
  std::string database_;
  std::string token_;
  std::vector<std::int64_t> members_;
  std::atomic<long long> next_{1};
  std::map<long long, Acknowledged> acknowledged_;  // under a Round's mutex while clients run
  std::set<long long> in_flight_;                   // under a Round's mutex while clients run
  int replayed_in_flight_ = 0;
};

TEST_P(LoyaltyServerCrashTest, AcknowledgedPurchasesSurviveKillNineOfTheServer) {
  store::testing::TestDatabase test_database;
  if (!test_database.Open(GetParam())) {
    GTEST_SKIP() << "RAPPORT_TEST_POSTGRES_URL is not set; PostgreSQL server crash test skipped";
  }
  database_ = test_database.location();
  const std::uint64_t seed = Seed();
  std::printf("loyalty server crash test seed %llu (replay with RAPPORT_CRASH_SEED)\n",
              static_cast<unsigned long long>(seed));
  std::mt19937_64 random(seed);
  std::uniform_int_distribution<int> kill_after(kAcknowledgedPerRoundMin, kAcknowledgedPerRoundMax);

  ASSERT_TRUE(RunCli({"demo", "--database", database_, "--contacts", std::to_string(kMembers), "--purchases", "0"}));
  const std::optional<std::string> created =
      RunCli({"token", "create", "--database", database_, "--name", "crash", "--role", "manager"});
  ASSERT_TRUE(created);
  std::istringstream lines(*created);
  for (std::string line; std::getline(lines, line);) {
    if (!line.empty()) token_ = line;  // the secret is the last line
  }
  ASSERT_FALSE(token_.empty()) << *created;
  for (const std::string& id :
       store::testing::RawDatabase::Connect(GetParam(), database_)->Column("SELECT id FROM contacts ORDER BY id")) {
    members_.push_back(std::atoll(id.c_str()));
  }
  ASSERT_EQ(members_.size(), static_cast<std::size_t>(kMembers));

  for (int round = 0; round < kRounds; ++round) {
    Child server;
    const std::uint16_t port = StartServer(server);
    ASSERT_NE(port, 0);
    RetryInFlight(port);
    Resend(port, random);
    ASSERT_FALSE(HasFailure()) << "round " << round;
    StreamAndKill(server, port, kill_after(random));
    ASSERT_FALSE(HasFailure()) << "round " << round;
  }

  Child server;
  const std::uint16_t port = StartServer(server);
  ASSERT_NE(port, 0);
  RetryInFlight(port);
  Resend(port, random);
  EXPECT_TRUE(in_flight_.empty());
  ASSERT_GE(acknowledged_.size(), static_cast<std::size_t>(kRounds * kAcknowledgedPerRoundMin));
  CheckThroughApi(port);
  server.Signal(SIGTERM);
  const std::optional<int> stopped = server.Wait(SteadyClock::now() + kServerStopTimeout);
  EXPECT_TRUE(stopped && WIFEXITED(*stopped) && WEXITSTATUS(*stopped) == 0)
      << "after SIGTERM: " << (stopped ? DescribeWaitStatus(*stopped) : std::string("still running")) << "; the log:\n"
      << Tail(Log());
  (void)server.Kill();
  CheckDatabase();
  std::printf("%zu purchases acknowledged over %d kills, %d of them recorded before a kill cut their answer\n",
              acknowledged_.size(), kRounds, replayed_in_flight_);
}

INSTANTIATE_TEST_SUITE_P(Backends, LoyaltyServerCrashTest, ::testing::Values(Backend::kSqlite, Backend::kPostgres),
                         [](const ::testing::TestParamInfo<Backend>& test_info) {
                           return store::testing::BackendName(test_info.param);
                         });

}  // namespace
}  // namespace rapport::api_test

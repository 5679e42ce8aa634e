// Group-commit benchmark: durable single-row commits per second.
//
// Rapport: THREADS threads each loop store.Write(append one event) against the
// SQLite store (one writer thread, group commit). Peer, in the same run:
// THREADS threads each with its own sqlite3 connection doing autocommit
// INSERTs of the same row, with the same journal_mode=WAL, synchronous and
// busy_timeout. Both at synchronous=FULL, then at NORMAL; the ratio is
// Rapport / peer. With RAPPORT_BENCH_POSTGRES_URL set it adds the PostgreSQL
// store against THREADS autocommit libpq connections.
//
// Each pair is measured --runs times, alternating Rapport and peer, and the
// medians are printed. Database files go to a fresh directory inside --dir
// (default: the system temp directory), removed at the end.
//
// Usage: rapport_group_commit_bench [--seconds N] [--threads N] [--runs N] [--dir PARENT]
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include <libpq-fe.h>
#include <sqlite3.h>

#include "rapport/base/limits.h"
#include "rapport/store/open_store.h"

namespace {

using namespace rapport;
using SteadyClock = std::chrono::steady_clock;

struct Arguments {
  double seconds = 3.0;
  int threads = 64;
  int runs = 3;
  std::string directory;  // created by Parse inside the parent directory
};

struct Measurement {
  std::uint64_t commits = 0;
  double seconds = 0;
  double PerSecond() const { return seconds > 0 ? static_cast<double>(commits) / seconds : 0; }
};

constexpr const char* kPeerInsert =
    "INSERT INTO events (kind, subject_type, subject_id, occurred_at_us, recorded_at_us, actor, payload) "
    "VALUES ('bench_committed', 'system', 1, 1795000000000000, 1795000000000000, 'bench', '{\"n\":1}')";

// Runs `work` on `threads` threads until the deadline; each call of work()
// returns true for one durable commit.
template <typename Work>
Measurement RunThreads(const Arguments& arguments, Work make_worker) {
  std::atomic<std::uint64_t> commits{0};
  std::atomic<bool> stop{false};
  std::vector<std::thread> workers;
  const auto started = SteadyClock::now();
  for (int i = 0; i < arguments.threads; ++i) {
    workers.emplace_back([&, i] {
      auto work = make_worker(i);
      std::uint64_t mine = 0;
      while (!stop.load(std::memory_order_relaxed)) {
        if (work()) ++mine;
      }
      commits.fetch_add(mine);
    });
  }
  std::this_thread::sleep_for(std::chrono::duration<double>(arguments.seconds));
  stop.store(true);
  for (std::thread& worker : workers) worker.join();
  const double elapsed = std::chrono::duration<double>(SteadyClock::now() - started).count();
  return Measurement{commits.load(), elapsed};
}

app::NewEvent BenchEvent() {
  return app::NewEvent{"bench_committed", "system", 1, FromUnixMicros(1'795'000'000'000'000), "bench", "{\"n\":1}"};
}

Measurement MeasureRapport(const Arguments& arguments, const app::StoreOptions& options) {
  auto opened = store::OpenStore(options);
  if (!opened.ok()) {
    std::fprintf(stderr, "opening the store: %s\n", opened.status().ToString().c_str());
    std::exit(1);
  }
  std::unique_ptr<app::Store> store = std::move(opened).value();
  const app::NewEvent event = BenchEvent();
  Measurement measurement = RunThreads(arguments, [&](int) {
    return [&] {
      return store->Write([&](app::WriteTransaction& tx) { return tx.EventsOut().Append(event).status(); }).ok();
    };
  });
  (void)store->Close();
  return measurement;
}

// One sqlite3 connection per thread, autocommit INSERTs.
class PeerConnection {
 public:
  PeerConnection(const std::string& path, const char* synchronous_pragma) {
    sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, nullptr);
    sqlite3_busy_timeout(db_, limits::kStoreBusyTimeoutMs);
    sqlite3_exec(db_, "PRAGMA journal_mode = WAL", nullptr, nullptr, nullptr);
    sqlite3_exec(db_, synchronous_pragma, nullptr, nullptr, nullptr);
    sqlite3_prepare_v2(db_, kPeerInsert, -1, &insert_, nullptr);
  }
  ~PeerConnection() {
    sqlite3_finalize(insert_);
    sqlite3_close_v2(db_);
  }
  PeerConnection(PeerConnection&& other) noexcept : db_(other.db_), insert_(other.insert_) {
    other.db_ = nullptr;
    other.insert_ = nullptr;
  }
  bool Insert() {
    const int rc = sqlite3_step(insert_);
    sqlite3_reset(insert_);
    return rc == SQLITE_DONE;  // a busy timeout counts as no commit
  }

 private:
  sqlite3* db_ = nullptr;
  sqlite3_stmt* insert_ = nullptr;
};

Measurement MeasureSqlitePeer(const Arguments& arguments, const std::string& path, const char* synchronous_pragma) {
  return RunThreads(arguments, [&](int) {
    auto connection = std::make_shared<PeerConnection>(path, synchronous_pragma);
    return [connection] { return connection->Insert(); };
  });
}

Measurement MeasurePostgresPeer(const Arguments& arguments, const std::string& url) {
  return RunThreads(arguments, [&](int) {
    std::shared_ptr<PGconn> connection(PQconnectdb(url.c_str()), PQfinish);
    return [connection] {
      PGresult* result = PQexec(connection.get(), kPeerInsert);
      const bool ok = PQresultStatus(result) == PGRES_COMMAND_OK;
      PQclear(result);
      return ok;
    };
  });
}

double Median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  const std::size_t middle = values.size() / 2;
  return values.size() % 2 == 1 ? values[middle] : (values[middle - 1] + values[middle]) / 2;
}

// Medians over the runs of commits/s for both sides and of the per-run ratio.
void PrintLine(const char* label, const std::vector<double>& rapport, const std::vector<double>& peer) {
  std::vector<double> ratios;
  for (std::size_t run = 0; run < rapport.size(); ++run) ratios.push_back(peer[run] > 0 ? rapport[run] / peer[run] : 0);
  std::printf("%-28s rapport %10.0f commits/s   peer %10.0f commits/s   ratio %6.1fx   (median of %zu runs)\n", label,
              Median(rapport), Median(peer), Median(ratios), rapport.size());
  std::fflush(stdout);
}

Arguments Parse(int argc, char** argv) {
  Arguments arguments;
  std::filesystem::path parent = std::filesystem::temp_directory_path();
  for (int i = 1; i + 1 < argc; i += 2) {
    if (std::strcmp(argv[i], "--seconds") == 0)
      arguments.seconds = std::atof(argv[i + 1]);
    else if (std::strcmp(argv[i], "--threads") == 0)
      arguments.threads = std::atoi(argv[i + 1]);
    else if (std::strcmp(argv[i], "--runs") == 0)
      arguments.runs = std::atoi(argv[i + 1]);
    else if (std::strcmp(argv[i], "--dir") == 0)
      parent = argv[i + 1];
    else {
      std::fprintf(stderr, "usage: %s [--seconds N] [--threads N] [--runs N] [--dir PARENT]\n", argv[0]);
      std::exit(2);
    }
  }
  if (arguments.runs < 1 || arguments.threads < 1 || arguments.seconds <= 0) {
    std::fprintf(stderr, "%s: --runs, --threads and --seconds must be positive\n", argv[0]);
    std::exit(2);
  }
  // Always a directory of our own: it is removed at the end.
  std::string pattern = (parent / "rapport-bench-XXXXXX").string();
  if (mkdtemp(pattern.data()) == nullptr) {
    std::fprintf(stderr, "%s: cannot create a directory in %s\n", argv[0], parent.c_str());
    std::exit(1);
  }
  arguments.directory = pattern;
  return arguments;
}

}  // namespace

int main(int argc, char** argv) {
  const Arguments arguments = Parse(argc, argv);
  std::printf("group commit: %d threads, %.1f s per measurement, one event per commit, files in %s\n",
              arguments.threads, arguments.seconds, arguments.directory.c_str());
  struct Level {
    const char* label;
    app::SqliteSynchronous synchronous;
    const char* pragma;
    const char* file_tag;
  };
  const Level levels[] = {
      {"sqlite synchronous=FULL", app::SqliteSynchronous::kFull, "PRAGMA synchronous = FULL", "full"},
      {"sqlite synchronous=NORMAL", app::SqliteSynchronous::kNormal, "PRAGMA synchronous = NORMAL", "normal"}};
  for (const Level& level : levels) {
    std::vector<double> rapport_rates;
    std::vector<double> peer_rates;
    for (int run = 0; run < arguments.runs; ++run) {
      const std::string suffix = std::string(level.file_tag) + "-" + std::to_string(run) + ".db";
      app::StoreOptions options;
      options.sqlite_synchronous = level.synchronous;
      options.database = arguments.directory + "/rapport-" + suffix;
      rapport_rates.push_back(MeasureRapport(arguments, options).PerSecond());
      // The peer writes a database with the same schema, made by the store.
      app::StoreOptions peer_options = options;
      peer_options.database = arguments.directory + "/peer-" + suffix;
      auto peer_store = store::OpenStore(peer_options);
      if (!peer_store.ok()) return 1;
      (void)(*peer_store)->Close();
      peer_rates.push_back(MeasureSqlitePeer(arguments, peer_options.database, level.pragma).PerSecond());
    }
    PrintLine(level.label, rapport_rates, peer_rates);
  }
  if (const char* url = std::getenv("RAPPORT_BENCH_POSTGRES_URL"); url != nullptr && *url != '\0') {
    app::StoreOptions options;
    options.database = url;
    options.reader_pool_size = std::min(arguments.threads, limits::kReaderPoolSizeMax);
    std::vector<double> rapport_rates;
    std::vector<double> peer_rates;
    for (int run = 0; run < arguments.runs; ++run) {
      rapport_rates.push_back(MeasureRapport(arguments, options).PerSecond());
      peer_rates.push_back(MeasurePostgresPeer(arguments, url).PerSecond());
    }
    PrintLine("postgres", rapport_rates, peer_rates);
  }
  std::filesystem::remove_all(arguments.directory);
  return 0;
}

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
// Usage: rapport_group_commit_bench [--seconds N] [--threads N] [--dir PATH]
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
  std::string directory;
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

void PrintLine(const char* label, const Measurement& rapport, const Measurement& peer, const char* peer_label) {
  std::printf("%-28s rapport %10.0f commits/s   %s %10.0f commits/s   ratio %6.1fx\n", label, rapport.PerSecond(),
              peer_label, peer.PerSecond(), peer.PerSecond() > 0 ? rapport.PerSecond() / peer.PerSecond() : 0.0);
  std::fflush(stdout);
}

Arguments Parse(int argc, char** argv) {
  Arguments arguments;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (std::strcmp(argv[i], "--seconds") == 0)
      arguments.seconds = std::atof(argv[i + 1]);
    else if (std::strcmp(argv[i], "--threads") == 0)
      arguments.threads = std::atoi(argv[i + 1]);
    else if (std::strcmp(argv[i], "--dir") == 0)
      arguments.directory = argv[i + 1];
    else {
      std::fprintf(stderr, "usage: %s [--seconds N] [--threads N] [--dir PATH]\n", argv[0]);
      std::exit(2);
    }
  }
  if (arguments.directory.empty()) {
    std::string pattern = (std::filesystem::temp_directory_path() / "rapport-bench-XXXXXX").string();
    arguments.directory = mkdtemp(pattern.data());
  }
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
    app::StoreOptions options;
    options.sqlite_synchronous = level.synchronous;
    options.database = arguments.directory + "/rapport-" + level.file_tag + ".db";
    const Measurement rapport = MeasureRapport(arguments, options);
    // The peer writes a database with the same schema, made by the store.
    app::StoreOptions peer_options = options;
    peer_options.database = arguments.directory + "/peer-" + level.file_tag + ".db";
    auto peer_store = store::OpenStore(peer_options);
    if (!peer_store.ok()) return 1;
    (void)(*peer_store)->Close();
    const Measurement peer = MeasureSqlitePeer(arguments, peer_options.database, level.pragma);
    PrintLine(level.label, rapport, peer, "peer");
  }
  if (const char* url = std::getenv("RAPPORT_BENCH_POSTGRES_URL"); url != nullptr && *url != '\0') {
    app::StoreOptions options;
    options.database = url;
    options.reader_pool_size = std::min(arguments.threads, limits::kReaderPoolSizeMax);
    const Measurement rapport = MeasureRapport(arguments, options);
    const Measurement peer = MeasurePostgresPeer(arguments, url);
    PrintLine("postgres", rapport, peer, "peer");
  }
  std::filesystem::remove_all(arguments.directory);
  return 0;
}

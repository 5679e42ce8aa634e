#include "postgres/postgres_store.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

#include "adapter_support.h"
#include "postgres/postgres_connection.h"
#include "repositories/transactions.h"

#include "rapport/base/limits.h"

namespace rapport::store {
namespace {

// Threads running WriteAsync bodies; each holds a pooled connection while it runs.
constexpr int kAsyncWritersMax = 4;
constexpr int kPoolSizeMin = 2;

// The connection pool: opens connections on demand up to size_max and drops
// the ones that broke.
class ConnectionPool {
 public:
  ConnectionPool(std::string url, int size_max) : url_(std::move(url)), size_max_(size_max) {}

  Result<std::unique_ptr<PostgresConnection>> Acquire() {
    {
      std::unique_lock lock(mutex_);
      returned_.wait(lock, [this] { return closed_ || !idle_.empty() || open_ < size_max_; });
      if (closed_) return Unavailable("the store is closed");
      if (!idle_.empty()) {
        std::unique_ptr<PostgresConnection> connection = std::move(idle_.back());
        idle_.pop_back();
        return connection;
      }
      ++open_;
    }
    Result<std::unique_ptr<PostgresConnection>> connected = PostgresConnection::Connect(url_);
    if (!connected.ok()) Forget();
    return connected;
  }

  void Release(std::unique_ptr<PostgresConnection> connection) {
    if (!connection->Healthy()) {
      connection.reset();
      Forget();
      return;
    }
    {
      std::lock_guard lock(mutex_);
      idle_.push_back(std::move(connection));
    }
    returned_.notify_all();
  }

  // Refuses new acquisitions, waits for the borrowed connections, closes all.
  void Close() {
    std::unique_lock lock(mutex_);
    closed_ = true;
    returned_.notify_all();
    returned_.wait(lock, [this] { return static_cast<int>(idle_.size()) == open_; });
    idle_.clear();
    open_ = 0;
  }

 private:
  void Forget() {
    {
      std::lock_guard lock(mutex_);
      --open_;
    }
    returned_.notify_all();
  }

  const std::string url_;
  const int size_max_;
  std::mutex mutex_;
  std::condition_variable returned_;
  std::vector<std::unique_ptr<PostgresConnection>> idle_;  // guarded by mutex_
  int open_ = 0;                                           // guarded by mutex_
  bool closed_ = false;                                    // guarded by mutex_
};

class PostgresStore final : public app::Store {
 public:
  explicit PostgresStore(const app::StoreOptions& options)
      : options_(options),
        clock_(ClockOf(options)),
        pool_(options.database, std::max(kPoolSizeMin, options.reader_pool_size)) {
    const int async_writers = std::min(kAsyncWritersMax, std::max(kPoolSizeMin, options.reader_pool_size) - 1);
    for (int i = 0; i < async_writers; ++i) async_writers_.emplace_back([this] { AsyncWriterLoop(); });
  }
  ~PostgresStore() override { (void)Close(); }

  app::StoreKind kind() const override { return app::StoreKind::kPostgres; }

  Status Write(WriteBody body) override {
    if (closing_.load()) return Unavailable("the store is closed");
    return RunWrite(body);
  }

  void WriteAsync(WriteBody body, WriteDone done) override {
    RAPPORT_ASSERT(body && done);
    WriteCommand command{std::move(body), std::move(done)};
    Status refused;
    {
      std::lock_guard lock(queue_mutex_);
      if (closing_.load()) {
        refused = Unavailable("the store is closed");
      } else if (queue_.size() >= limits::kWriteQueueDepthMax) {
        refused = ResourceExhausted("the write queue holds " + std::to_string(limits::kWriteQueueDepthMax) +
                                    " commands; retry later");
      } else {
        queue_.push_back(std::move(command));
        counters_.write_queue_depth.store(queue_.size());
      }
    }
    if (!refused.ok()) {
      command.done(std::move(refused));  // on the caller's thread: no store thread ran
      return;
    }
    queue_ready_.notify_one();
  }

  Status Read(ReadBody body) override {
    RAPPORT_ASSIGN_OR_RETURN(std::unique_ptr<PostgresConnection> connection, pool_.Acquire());
    counters_.read_transactions.fetch_add(1);
    connection->Begin("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
    SqlReadTransaction read(*connection, clock_.Now());
    Status status = RunBody(body, read);
    Status ended = status.ok() ? connection->Commit() : connection->Rollback();
    if (status.ok()) status = ended;
    pool_.Release(std::move(connection));
    return status;
  }

  Status Ping() override {
    RAPPORT_ASSIGN_OR_RETURN(std::unique_ptr<PostgresConnection> connection, pool_.Acquire());
    Status status = connection->Query("ping", {}, [](const SqlRow&) { return Status(); });
    pool_.Release(std::move(connection));
    return status;
  }

  Status Backup(const std::string& destination) override {
    return FailedPrecondition("a PostgreSQL database is backed up with pg_dump: run `pg_dump --format=custom --file=" +
                              destination + " <database URL>` against the same URL");
  }

  Status Close() override {
    std::lock_guard close_lock(close_mutex_);
    if (closed_) return {};
    closed_ = true;
    {
      std::lock_guard lock(queue_mutex_);
      closing_.store(true);
    }
    queue_ready_.notify_all();
    for (std::thread& writer : async_writers_) writer.join();  // they drain the queue first
    pool_.Close();
    return {};
  }

  app::StoreStats Stats() const override { return counters_.Snapshot(); }

 private:
  struct WriteCommand {
    WriteBody body;
    WriteDone done;
  };

  Status RunWrite(const WriteBody& body) {
    Status status = RunWriteTransaction(body);
    counters_.write_commands.fetch_add(1);
    if (!status.ok()) counters_.write_commands_failed.fetch_add(1);
    return status;
  }

  Status RunWriteTransaction(const WriteBody& body) {
    RAPPORT_ASSIGN_OR_RETURN(std::unique_ptr<PostgresConnection> connection, pool_.Acquire());
    // READ COMMITTED explicitly, whatever the server default: the queries are
    // written for it (an enqueue that loses a dedupe race reads the winner).
    connection->Begin("BEGIN ISOLATION LEVEL READ COMMITTED");
    SqlWriteTransaction write(*connection, clock_.Now());
    Status status = RunBody(body, write);
    if (status.ok()) {
      const auto started = std::chrono::steady_clock::now();
      status = connection->Commit();
      counters_.commit_microseconds_total.fetch_add(MicrosecondsSince(started));
      if (status.ok()) counters_.write_transactions.fetch_add(1);
    } else {
      (void)connection->Rollback();  // the body's error is the one to report
    }
    pool_.Release(std::move(connection));
    return status;
  }

  void AsyncWriterLoop() {
    while (true) {
      WriteCommand command;
      {
        std::unique_lock lock(queue_mutex_);
        queue_ready_.wait(lock, [this] { return closing_.load() || !queue_.empty(); });
        if (queue_.empty()) return;  // closing and drained
        command = std::move(queue_.front());
        queue_.pop_front();
        counters_.write_queue_depth.store(queue_.size());
      }
      command.done(RunWrite(command.body));
    }
  }

  const app::StoreOptions options_;
  const Clock& clock_;
  ConnectionPool pool_;

  std::mutex queue_mutex_;
  std::condition_variable queue_ready_;
  std::deque<WriteCommand> queue_;    // guarded by queue_mutex_
  std::atomic<bool> closing_{false};  // written under queue_mutex_
  std::vector<std::thread> async_writers_;

  std::mutex close_mutex_;
  bool closed_ = false;  // guarded by close_mutex_

  StoreCounters counters_;
};

Status ValidateOptions(const app::StoreOptions& options) {
  if (options.reader_pool_size < 1 || options.reader_pool_size > limits::kReaderPoolSizeMax) {
    return InvalidArgument("reader_pool_size must be 1.." + std::to_string(limits::kReaderPoolSizeMax));
  }
  return {};
}

}  // namespace

Result<std::unique_ptr<SqlSession>> OpenPostgresSession(const app::StoreOptions& options) {
  RAPPORT_RETURN_IF_ERROR(ValidateOptions(options));
  RAPPORT_ASSIGN_OR_RETURN(std::unique_ptr<PostgresConnection> connection,
                           PostgresConnection::Connect(options.database));
  return std::unique_ptr<SqlSession>(std::move(connection));
}

Result<std::unique_ptr<app::Store>> OpenPostgresStore(const app::StoreOptions& options) {
  RAPPORT_RETURN_IF_ERROR(ValidateOptions(options));
  auto store = std::make_unique<PostgresStore>(options);
  // Fail at open, not at the first request, when the server is unreachable.
  RAPPORT_RETURN_IF_ERROR(store->Ping());
  return std::unique_ptr<app::Store>(std::move(store));
}

}  // namespace rapport::store

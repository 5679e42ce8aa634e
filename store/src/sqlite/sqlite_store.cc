#include "sqlite/sqlite_store.h"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <exception>
#include <filesystem>
#include <future>
#include <mutex>
#include <thread>
#include <vector>

#include <sqlite3.h>

#include "adapter_support.h"
#include "repositories/transactions.h"
#include "sqlite/sqlite_connection.h"

#include "rapport/base/limits.h"

namespace rapport::store {
namespace {

SqliteConnectionOptions ConnectionOptions(const app::StoreOptions& options, SqliteAccess access) {
  return SqliteConnectionOptions{options.database, options.sqlite_synchronous, options.busy_timeout_ms, access};
}

Status ValidateOptions(const app::StoreOptions& options) {
  if (options.database.empty()) return InvalidArgument("the SQLite database path is empty");
  if (options.reader_pool_size < 1 || options.reader_pool_size > limits::kReaderPoolSizeMax) {
    return InvalidArgument("reader_pool_size must be 1.." + std::to_string(limits::kReaderPoolSizeMax));
  }
  if (options.busy_timeout_ms < 0) return InvalidArgument("busy_timeout_ms must not be negative");
  return {};
}

Status CreateParentDirectory(const std::string& path) {
  const std::filesystem::path parent = std::filesystem::path(path).parent_path();
  if (parent.empty()) return {};
  std::error_code error;
  std::filesystem::create_directories(parent, error);
  if (error) return Internal("creating directory " + parent.string() + ": " + error.message());
  return {};
}

class SqliteStore final : public app::Store {
 public:
  SqliteStore(const app::StoreOptions& options, std::unique_ptr<SqliteConnection> writer)
      : options_(options), clock_(ClockOf(options)), writer_(std::move(writer)) {
    writer_thread_ = std::thread([this] { WriterLoop(); });
  }
  ~SqliteStore() override { (void)Close(); }

  app::StoreKind kind() const override { return app::StoreKind::kSqlite; }

  Status Write(WriteBody body) override {
    std::promise<Status> committed;
    std::future<Status> outcome = committed.get_future();
    WriteCommand command{std::move(body), [&committed](Status status) { committed.set_value(std::move(status)); }};
    Status queued = Enqueue(command);
    if (!queued.ok()) return queued;
    return outcome.get();
  }

  void WriteAsync(WriteBody body, WriteDone done) override {
    WriteCommand command{std::move(body), std::move(done)};
    // A refused command reports on the caller's thread: no store thread ran.
    Status queued = Enqueue(command);
    if (!queued.ok()) command.done(std::move(queued));
  }

  Status Read(ReadBody body) override;
  Status Ping() override {
    return Read([](app::ReadTransaction&) { return Status(); });
  }
  Status Backup(const std::string& destination) override;
  Status Close() override;
  app::StoreStats Stats() const override;

 private:
  struct WriteCommand {
    WriteBody body;
    WriteDone done;
  };

  // Moves the command into the queue only when it accepts it.
  Status Enqueue(WriteCommand& command);
  void WriterLoop();
  void RunBatch(std::vector<WriteCommand>& batch);
  Result<std::unique_ptr<SqliteConnection>> AcquireReader();
  void ReleaseReader(std::unique_ptr<SqliteConnection> reader);

  const app::StoreOptions options_;
  const Clock& clock_;
  std::unique_ptr<SqliteConnection> writer_;  // used only by writer_thread_

  std::mutex queue_mutex_;
  std::condition_variable queue_ready_;
  std::deque<WriteCommand> queue_;  // guarded by queue_mutex_
  bool closing_ = false;            // guarded by queue_mutex_
  std::thread writer_thread_;

  std::mutex readers_mutex_;
  std::condition_variable reader_returned_;
  std::vector<std::unique_ptr<SqliteConnection>> idle_readers_;  // guarded by readers_mutex_
  int readers_open_ = 0;                                         // guarded by readers_mutex_
  bool readers_closed_ = false;                                  // guarded by readers_mutex_

  std::mutex close_mutex_;
  bool closed_ = false;  // guarded by close_mutex_

  StoreCounters counters_;
};

Status SqliteStore::Enqueue(WriteCommand& command) {
  RAPPORT_ASSERT(command.body && command.done);
  {
    std::lock_guard lock(queue_mutex_);
    if (closing_) return Unavailable("the store is closed");
    if (queue_.size() >= limits::kWriteQueueDepthMax) {
      return ResourceExhausted("the write queue holds " + std::to_string(limits::kWriteQueueDepthMax) +
                               " commands; retry later");
    }
    queue_.push_back(std::move(command));
    counters_.write_queue_depth.store(queue_.size());
  }
  queue_ready_.notify_one();
  return {};
}

void SqliteStore::WriterLoop() {
  std::vector<WriteCommand> batch;
  batch.reserve(limits::kGroupCommitBatchMax);
  while (true) {
    {
      std::unique_lock lock(queue_mutex_);
      queue_ready_.wait(lock, [this] { return closing_ || !queue_.empty(); });
      if (queue_.empty()) return;  // closing and drained
      while (!queue_.empty() && batch.size() < limits::kGroupCommitBatchMax) {
        batch.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
      counters_.write_queue_depth.store(queue_.size());
    }
    RunBatch(batch);
    batch.clear();
  }
}

void SqliteStore::RunBatch(std::vector<WriteCommand>& batch) {
  const auto started = std::chrono::steady_clock::now();
  const Timestamp now = clock_.Now();
  std::vector<Status> outcomes(batch.size());
  Status transaction = writer_->ExecuteLiteral("BEGIN IMMEDIATE");
  // The first body of a transaction runs without a savepoint: if it fails,
  // the transaction is rolled back and begun again for the rest. A savepoint
  // makes SQLite copy every page the body changes to a statement journal (a
  // temporary file), which for a large body such as an import batch costs
  // more than the body's own writes.
  bool first = true;
  for (std::size_t i = 0; i < batch.size() && transaction.ok(); ++i) {
    if (!first) {
      Status savepoint = writer_->ExecuteLiteral("SAVEPOINT body");
      if (!savepoint.ok()) {
        outcomes[i] = savepoint;
        continue;
      }
    }
    SqlWriteTransaction write(*writer_, now);
    outcomes[i] = RunBody(batch[i].body, write);
    if (first) {
      if (outcomes[i].ok() && !writer_->InTransaction()) {
        transaction = Internal("SQLite rolled the write transaction back");
      } else if (!outcomes[i].ok()) {
        if (writer_->InTransaction()) transaction = writer_->ExecuteLiteral("ROLLBACK");
        if (transaction.ok()) transaction = writer_->ExecuteLiteral("BEGIN IMMEDIATE");
      } else {
        first = false;
      }
      continue;
    }
    if (!writer_->InTransaction()) {
      // SQLite rolled the whole transaction back (disk full, I/O error): the
      // bodies before this one are lost too.
      transaction = outcomes[i].ok() ? Internal("SQLite rolled the write transaction back") : outcomes[i];
      break;
    }
    if (outcomes[i].ok()) outcomes[i] = writer_->ExecuteLiteral("RELEASE body");
    if (!outcomes[i].ok()) {
      Status rolled_back = writer_->ExecuteLiteral("ROLLBACK TO body");
      if (rolled_back.ok()) rolled_back = writer_->ExecuteLiteral("RELEASE body");
      if (!rolled_back.ok()) transaction = rolled_back;
    }
  }
  if (transaction.ok()) transaction = writer_->ExecuteLiteral("COMMIT");
  if (!transaction.ok()) {
    if (writer_->InTransaction()) (void)writer_->ExecuteLiteral("ROLLBACK");
    for (Status& outcome : outcomes) {
      if (outcome.ok()) outcome = transaction;
    }
  } else {
    counters_.write_transactions.fetch_add(1);
  }
  counters_.commit_microseconds_total.fetch_add(MicrosecondsSince(started));
  counters_.write_commands.fetch_add(batch.size());
  for (std::size_t i = 0; i < batch.size(); ++i) {
    if (!outcomes[i].ok()) counters_.write_commands_failed.fetch_add(1);
    batch[i].done(std::move(outcomes[i]));
  }
}

Result<std::unique_ptr<SqliteConnection>> SqliteStore::AcquireReader() {
  {
    std::unique_lock lock(readers_mutex_);
    reader_returned_.wait(lock, [this] {
      return readers_closed_ || !idle_readers_.empty() || readers_open_ < options_.reader_pool_size;
    });
    if (readers_closed_) return Unavailable("the store is closed");
    if (!idle_readers_.empty()) {
      std::unique_ptr<SqliteConnection> reader = std::move(idle_readers_.back());
      idle_readers_.pop_back();
      return reader;
    }
    ++readers_open_;  // reserve the slot, open outside the lock
  }
  Result<std::unique_ptr<SqliteConnection>> opened =
      SqliteConnection::Open(ConnectionOptions(options_, SqliteAccess::kQueryOnly));
  if (!opened.ok()) {
    std::lock_guard lock(readers_mutex_);
    --readers_open_;
    reader_returned_.notify_one();
  }
  return opened;
}

void SqliteStore::ReleaseReader(std::unique_ptr<SqliteConnection> reader) {
  {
    std::lock_guard lock(readers_mutex_);
    idle_readers_.push_back(std::move(reader));
  }
  reader_returned_.notify_all();
}

Status SqliteStore::Read(ReadBody body) {
  RAPPORT_ASSIGN_OR_RETURN(std::unique_ptr<SqliteConnection> reader, AcquireReader());
  counters_.read_transactions.fetch_add(1);
  Status status = reader->ExecuteLiteral("BEGIN DEFERRED");
  if (status.ok()) {
    SqlReadTransaction read(*reader, clock_.Now());
    status = RunBody(body, read);
    if (reader->InTransaction()) {
      Status ended = reader->ExecuteLiteral("COMMIT");
      if (status.ok()) status = ended;
    }
  }
  ReleaseReader(std::move(reader));
  return status;
}

Status SqliteStore::Backup(const std::string& destination) {
  if (destination.empty()) return InvalidArgument("backup destination is empty");
  RAPPORT_RETURN_IF_ERROR(CreateParentDirectory(destination));
  const std::string partial = destination + ".partial";
  std::error_code ignored;
  std::filesystem::remove(partial, ignored);
  RAPPORT_ASSIGN_OR_RETURN(std::unique_ptr<SqliteConnection> source, AcquireReader());
  sqlite3* target = nullptr;
  int rc = sqlite3_open_v2(partial.c_str(), &target, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
  Status status;
  if (rc != SQLITE_OK) {
    status = SqliteStatus(target, rc, "opening backup file " + partial);
  } else {
    // Copying every page in one step holds one read snapshot throughout, so
    // the copy is consistent while the writer keeps committing to the WAL.
    sqlite3_backup* backup = sqlite3_backup_init(target, "main", source->handle(), "main");
    if (backup == nullptr) {
      status = SqliteStatus(target, sqlite3_errcode(target), "starting backup");
    } else {
      rc = sqlite3_backup_step(backup, -1);
      const int finished = sqlite3_backup_finish(backup);
      if (rc != SQLITE_DONE)
        status = SqliteStatus(target, rc, "copying the database");
      else if (finished != SQLITE_OK)
        status = SqliteStatus(target, finished, "finishing backup");
    }
  }
  sqlite3_close_v2(target);
  ReleaseReader(std::move(source));
  if (!status.ok()) {
    std::filesystem::remove(partial, ignored);
    return status;
  }
  std::error_code renamed;
  std::filesystem::rename(partial, destination, renamed);
  if (renamed) return Internal("moving backup into place at " + destination + ": " + renamed.message());
  return {};
}

Status SqliteStore::Close() {
  std::lock_guard close_lock(close_mutex_);
  if (closed_) return {};
  closed_ = true;
  {
    std::lock_guard lock(queue_mutex_);
    closing_ = true;
  }
  queue_ready_.notify_all();
  writer_thread_.join();  // drains the queue first
  writer_.reset();
  std::unique_lock lock(readers_mutex_);
  readers_closed_ = true;
  reader_returned_.notify_all();
  // Reads in flight finish on their own connections; wait for them to return.
  reader_returned_.wait(lock, [this] { return static_cast<int>(idle_readers_.size()) == readers_open_; });
  idle_readers_.clear();
  readers_open_ = 0;
  return {};
}

app::StoreStats SqliteStore::Stats() const { return counters_.Snapshot(); }

}  // namespace

Result<std::unique_ptr<SqlSession>> OpenSqliteSession(const app::StoreOptions& options) {
  RAPPORT_RETURN_IF_ERROR(ValidateOptions(options));
  RAPPORT_RETURN_IF_ERROR(CreateParentDirectory(options.database));
  RAPPORT_ASSIGN_OR_RETURN(std::unique_ptr<SqliteConnection> connection,
                           SqliteConnection::Open(ConnectionOptions(options, SqliteAccess::kReadWrite)));
  return std::unique_ptr<SqlSession>(std::move(connection));
}

Result<std::unique_ptr<app::Store>> OpenSqliteStore(const app::StoreOptions& options) {
  RAPPORT_RETURN_IF_ERROR(ValidateOptions(options));
  RAPPORT_RETURN_IF_ERROR(CreateParentDirectory(options.database));
  RAPPORT_ASSIGN_OR_RETURN(std::unique_ptr<SqliteConnection> writer,
                           SqliteConnection::Open(ConnectionOptions(options, SqliteAccess::kReadWrite)));
  return std::unique_ptr<app::Store>(std::make_unique<SqliteStore>(options, std::move(writer)));
}

}  // namespace rapport::store

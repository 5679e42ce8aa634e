// SqliteConnection: one sqlite3 connection implementing SqlSession. Named
// queries are prepared once with SQLITE_PREPARE_PERSISTENT and cached for the
// life of the connection; $1..$n placeholders are bound by name through
// sqlite3_bind_parameter_index. Text is bound without copying
// (SQLITE_STATIC), so bindings are cleared after every statement.
//
// Errors keep their meaning (see sql/session.h): unique and primary-key
// violations → kAlreadyExists, foreign-key violations → kFailedPrecondition,
// SQLITE_BUSY/LOCKED → kUnavailable, anything else → kInternal with
// sqlite3_errmsg.
//
// Thread safety: none; a connection is used by one thread at a time (opened
// with SQLITE_OPEN_NOMUTEX). The adapter hands it between threads under a lock.
#pragma once

#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "sql/session.h"

#include "rapport/app/store.h"

struct sqlite3;
struct sqlite3_stmt;

namespace rapport::store {

enum class SqliteAccess : std::uint8_t { kReadWrite, kQueryOnly };

struct SqliteConnectionOptions {
  std::string path;
  app::SqliteSynchronous synchronous = app::SqliteSynchronous::kFull;
  int busy_timeout_ms = 5'000;
  SqliteAccess access = SqliteAccess::kReadWrite;
};

class SqliteConnection final : public SqlSession {
 public:
  static Result<std::unique_ptr<SqliteConnection>> Open(const SqliteConnectionOptions& options);
  ~SqliteConnection() override;
  SqliteConnection(const SqliteConnection&) = delete;
  SqliteConnection& operator=(const SqliteConnection&) = delete;

  Dialect dialect() const override { return Dialect::kSqlite; }
  Result<std::int64_t> Execute(std::string_view query_name, std::span<const SqlParam> params) override;
  Status Query(std::string_view query_name, std::span<const SqlParam> params, const RowCallback& on_row) override;
  Status ExecuteScript(std::string_view sql) override;
  Status CopyRows(std::string_view table, std::span<const std::string_view> columns,
                  std::span<const SqlParam> values) override;

  // Runs a literal parameterless statement ("BEGIN IMMEDIATE", "SAVEPOINT body")
  // through the statement cache; the adapter's hot path uses it per command.
  Status ExecuteLiteral(std::string_view sql);
  // False once SQLite itself rolled the transaction back (e.g. SQLITE_FULL).
  bool InTransaction() const;
  sqlite3* handle() const { return db_; }

 private:
  struct Prepared {
    sqlite3_stmt* statement = nullptr;
    std::vector<int> index_of_placeholder;  // [n - 1] = SQLite's index of $n
  };

  explicit SqliteConnection(sqlite3* db) : db_(db) {}
  Result<Prepared*> Prepare(const std::string& key, std::string_view sql);
  Status Bind(const Prepared& prepared, std::span<const SqlParam> params);
  Status Run(Prepared& prepared, std::span<const SqlParam> params, const RowCallback* on_row);

  sqlite3* db_;
  std::unordered_map<std::string, Prepared> statements_;
};

// Maps a SQLite result code to a Status (see the file comment).
Status SqliteStatus(sqlite3* db, int result_code, std::string_view context);

}  // namespace rapport::store

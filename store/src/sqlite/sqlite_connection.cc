#include "sqlite/sqlite_connection.h"

#include <string>

#include <sqlite3.h>

#include "sql/query_catalog.h"

namespace rapport::store {
namespace {

// Page cache of the read-write connection, in KiB (see Open).
constexpr int kWriterCacheKib = 128 << 10;

class SqliteRow final : public SqlRow {
 public:
  explicit SqliteRow(sqlite3_stmt* statement) : statement_(statement) {}
  int ColumnCount() const override { return sqlite3_column_count(statement_); }
  bool IsNull(int column) const override { return sqlite3_column_type(statement_, column) == SQLITE_NULL; }
  std::int64_t Int(int column) const override { return sqlite3_column_int64(statement_, column); }
  double Real(int column) const override { return sqlite3_column_double(statement_, column); }
  std::string_view Text(int column) const override {
    const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(statement_, column));
    if (text == nullptr) return {};
    return {text, static_cast<std::size_t>(sqlite3_column_bytes(statement_, column))};
  }

 private:
  sqlite3_stmt* statement_;
};

std::string_view SynchronousPragma(app::SqliteSynchronous synchronous) {
  switch (synchronous) {
    case app::SqliteSynchronous::kOff: return "PRAGMA synchronous = OFF";
    case app::SqliteSynchronous::kNormal: return "PRAGMA synchronous = NORMAL";
    case app::SqliteSynchronous::kFull: return "PRAGMA synchronous = FULL";
    case app::SqliteSynchronous::kExtra: return "PRAGMA synchronous = EXTRA";
  }
  RAPPORT_UNREACHABLE();
}

bool IsIdentifier(std::string_view name) {
  if (name.empty()) return false;
  for (char c : name) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
  }
  return true;
}

}  // namespace

Status SqliteStatus(sqlite3* db, int result_code, std::string_view context) {
  const std::string message = std::string(context) + ": " + (db ? sqlite3_errmsg(db) : sqlite3_errstr(result_code));
  switch (result_code) {
    case SQLITE_CONSTRAINT_UNIQUE:
    case SQLITE_CONSTRAINT_PRIMARYKEY: return AlreadyExists(message);
    case SQLITE_CONSTRAINT_FOREIGNKEY: return FailedPrecondition(message);
    default: break;
  }
  switch (result_code & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED: return Unavailable(message);
    default: return Internal(message);
  }
}

Result<std::unique_ptr<SqliteConnection>> SqliteConnection::Open(const SqliteConnectionOptions& options) {
  sqlite3* db = nullptr;
  const int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
  const int opened = sqlite3_open_v2(options.path.c_str(), &db, flags, nullptr);
  if (opened != SQLITE_OK) {
    Status status = SqliteStatus(db, opened, "opening SQLite database " + options.path);
    sqlite3_close_v2(db);
    return status;
  }
  sqlite3_extended_result_codes(db, 1);
  sqlite3_busy_timeout(db, options.busy_timeout_ms);
  std::unique_ptr<SqliteConnection> connection(new SqliteConnection(db));
  // WAL lets readers keep a snapshot while the writer commits. The setting is
  // persistent in the file, so read-only connections need not set it.
  if (options.access == SqliteAccess::kReadWrite) {
    RAPPORT_RETURN_IF_ERROR(connection->ExecuteScript("PRAGMA journal_mode = WAL"));
    // Bulk imports update several secondary indexes and the FTS index in
    // random key order; with SQLite's default 2 MiB page cache the writer
    // spills dirty pages to the WAL mid-transaction and rereads them. The
    // cache grows only as pages are used.
    RAPPORT_RETURN_IF_ERROR(connection->ExecuteScript("PRAGMA cache_size = -" + std::to_string(kWriterCacheKib)));
  }
  RAPPORT_RETURN_IF_ERROR(connection->ExecuteScript(SynchronousPragma(options.synchronous)));
  RAPPORT_RETURN_IF_ERROR(connection->ExecuteScript("PRAGMA foreign_keys = ON"));
  if (options.access == SqliteAccess::kQueryOnly) {
    RAPPORT_RETURN_IF_ERROR(connection->ExecuteScript("PRAGMA query_only = ON"));
  }
  return connection;
}

SqliteConnection::~SqliteConnection() {
  for (auto& [key, prepared] : statements_) sqlite3_finalize(prepared.statement);
  sqlite3_close_v2(db_);
}

bool SqliteConnection::InTransaction() const { return sqlite3_get_autocommit(db_) == 0; }

Result<SqliteConnection::Prepared*> SqliteConnection::Prepare(const std::string& key, std::string_view sql) {
  auto found = statements_.find(key);
  if (found != statements_.end()) return &found->second;
  Prepared prepared;
  const int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT,
                                    &prepared.statement, nullptr);
  if (rc != SQLITE_OK) return SqliteStatus(db_, rc, "preparing " + key);
  const int placeholders = sqlite3_bind_parameter_count(prepared.statement);
  for (int number = 1; number <= placeholders; ++number) {
    const std::string name = "$" + std::to_string(number);
    const int index = sqlite3_bind_parameter_index(prepared.statement, name.c_str());
    RAPPORT_ASSERT_MSG(index > 0, "queries number their placeholders $1..$n without gaps");
    prepared.index_of_placeholder.push_back(index);
  }
  return &statements_.emplace(key, prepared).first->second;
}

Status SqliteConnection::Bind(const Prepared& prepared, std::span<const SqlParam> params) {
  RAPPORT_ASSERT_MSG(params.size() == prepared.index_of_placeholder.size(), "parameter count mismatch");
  for (std::size_t i = 0; i < params.size(); ++i) {
    const int index = prepared.index_of_placeholder[i];
    sqlite3_stmt* statement = prepared.statement;
    const int rc = std::visit(
        [&](const auto& value) -> int {
          using T = std::decay_t<decltype(value)>;
          if constexpr (std::is_same_v<T, SqlNull>) {
            return sqlite3_bind_null(statement, index);
          } else if constexpr (std::is_same_v<T, std::int64_t>) {
            return sqlite3_bind_int64(statement, index, value);
          } else if constexpr (std::is_same_v<T, double>) {
            return sqlite3_bind_double(statement, index, value);
          } else {
            // A null data pointer would bind SQL NULL; an empty string is not NULL.
            const char* data = value.data() != nullptr ? value.data() : "";
            return sqlite3_bind_text64(statement, index, data, value.size(), SQLITE_STATIC, SQLITE_UTF8);
          }
        },
        params[i]);
    if (rc != SQLITE_OK) return SqliteStatus(db_, rc, "binding a parameter");
  }
  return {};
}

Status SqliteConnection::Run(Prepared& prepared, std::span<const SqlParam> params, const RowCallback* on_row) {
  sqlite3_stmt* statement = prepared.statement;
  Status status = Bind(prepared, params);
  while (status.ok()) {
    const int rc = sqlite3_step(statement);
    if (rc == SQLITE_DONE) break;
    if (rc != SQLITE_ROW) {
      status = SqliteStatus(db_, rc, "running a statement");
      break;
    }
    if (on_row != nullptr) status = (*on_row)(SqliteRow(statement));
  }
  sqlite3_reset(statement);
  sqlite3_clear_bindings(statement);
  return status;
}

Result<std::int64_t> SqliteConnection::Execute(std::string_view query_name, std::span<const SqlParam> params) {
  const std::string key(query_name);
  RAPPORT_ASSIGN_OR_RETURN(Prepared * prepared, Prepare(key, QueryCatalog::For(Dialect::kSqlite).Get(query_name)));
  RAPPORT_RETURN_IF_ERROR(Run(*prepared, params, nullptr).WithContext(query_name));
  return static_cast<std::int64_t>(sqlite3_changes64(db_));
}

Status SqliteConnection::Query(std::string_view query_name, std::span<const SqlParam> params,
                               const RowCallback& on_row) {
  const std::string key(query_name);
  RAPPORT_ASSIGN_OR_RETURN(Prepared * prepared, Prepare(key, QueryCatalog::For(Dialect::kSqlite).Get(query_name)));
  Status status = Run(*prepared, params, &on_row);
  return status.ok() ? status : status.WithContext(query_name);
}

Status SqliteConnection::ExecuteLiteral(std::string_view sql) {
  const std::string key = "literal:" + std::string(sql);
  RAPPORT_ASSIGN_OR_RETURN(Prepared * prepared, Prepare(key, sql));
  return Run(*prepared, {}, nullptr);
}

Status SqliteConnection::ExecuteScript(std::string_view sql) {
  const std::string text(sql);
  char* error = nullptr;
  const int rc = sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &error);
  if (rc == SQLITE_OK) return {};
  std::string message = error != nullptr ? error : sqlite3_errstr(rc);
  sqlite3_free(error);
  return SqliteStatus(nullptr, rc, message);
}

Status SqliteConnection::CopyRows(std::string_view table, std::span<const std::string_view> columns,
                                  std::span<const SqlParam> values) {
  RAPPORT_ASSERT(IsIdentifier(table) && !columns.empty());
  RAPPORT_ASSERT(values.size() % columns.size() == 0);
  std::string key = "copy:" + std::string(table) + "(";
  std::string placeholders;
  for (std::size_t i = 0; i < columns.size(); ++i) {
    RAPPORT_ASSERT(IsIdentifier(columns[i]));
    key += (i ? "," : "") + std::string(columns[i]);
    placeholders += (i ? ", $" : "$") + std::to_string(i + 1);
  }
  key += ")";
  const std::string sql =
      "INSERT INTO " + std::string(table) + " " + key.substr(key.find('(')) + " VALUES (" + placeholders + ")";
  RAPPORT_ASSIGN_OR_RETURN(Prepared * prepared, Prepare(key, sql));
  for (std::size_t offset = 0; offset < values.size(); offset += columns.size()) {
    RAPPORT_RETURN_IF_ERROR(Run(*prepared, values.subspan(offset, columns.size()), nullptr)
                                .WithContext("inserting into " + std::string(table)));
  }
  return {};
}

}  // namespace rapport::store

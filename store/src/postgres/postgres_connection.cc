#include "postgres/postgres_connection.h"

#include <charconv>
#include <cstring>
#include <string>
#include <vector>

#include <libpq-fe.h>

#include "sql/query_catalog.h"

namespace rapport::store {
namespace {

constexpr std::size_t kCopyChunkBytes = 1 << 20;

class PostgresRow final : public SqlRow {
 public:
  PostgresRow(const PGresult* result, int row) : result_(result), row_(row) {}
  int ColumnCount() const override { return PQnfields(result_); }
  bool IsNull(int column) const override { return PQgetisnull(result_, row_, column) != 0; }
  std::int64_t Int(int column) const override {
    const std::string_view text = Text(column);
    std::int64_t value = 0;
    const auto parsed = std::from_chars(text.data(), text.data() + text.size(), value);
    RAPPORT_ASSERT_MSG(parsed.ec == std::errc(), "an integer column held a non-integer");
    return value;
  }
  double Real(int column) const override {
    const std::string text(Text(column));
    return std::strtod(text.c_str(), nullptr);
  }
  std::string_view Text(int column) const override {
    return {PQgetvalue(result_, row_, column), static_cast<std::size_t>(PQgetlength(result_, row_, column))};
  }

 private:
  const PGresult* result_;
  int row_;
};

Status PostgresStatus(PGconn* connection, const PGresult* result, std::string_view context) {
  std::string detail = result != nullptr ? PQresultErrorMessage(result) : PQerrorMessage(connection);
  while (!detail.empty() && (detail.back() == '\n' || detail.back() == ' ')) detail.pop_back();
  const std::string message = std::string(context) + ": " + detail;
  if (PQstatus(connection) != CONNECTION_OK) return Unavailable(message);
  const char* field = result != nullptr ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
  const std::string_view sqlstate = field != nullptr ? field : "";
  if (sqlstate == "23505") return AlreadyExists(message);
  if (sqlstate == "23503") return FailedPrecondition(message);
  if (sqlstate == "40001" || sqlstate == "40P01" || sqlstate == "55P03" || sqlstate.starts_with("08") ||
      sqlstate == "57P01") {
    return Unavailable(message);
  }
  return Internal(message);
}

bool Succeeded(const PGresult* result) {
  const ExecStatusType status = PQresultStatus(result);
  return status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK;
}

// Text form of a parameter; nullopt for SQL NULL.
void AppendText(const SqlParam& param, std::string& out) {
  std::visit(
      [&](const auto& value) {
        using T = std::decay_t<decltype(value)>;
        if constexpr (std::is_same_v<T, SqlNull>) {
          RAPPORT_UNREACHABLE();
        } else if constexpr (std::is_same_v<T, std::string_view>) {
          out.append(value);
        } else {
          char digits[32];
          const auto written = std::to_chars(digits, digits + sizeof digits, value);
          out.append(digits, written.ptr);
        }
      },
      param);
}

bool IsIdentifier(std::string_view name);

}  // namespace

void AppendCopyField(const SqlParam& param, std::string& out) {
  if (std::holds_alternative<SqlNull>(param)) {
    out.append("\\N");
    return;
  }
  if (!std::holds_alternative<std::string_view>(param)) {
    AppendText(param, out);
    return;
  }
  for (char c : std::get<std::string_view>(param)) {
    switch (c) {
      case '\\': out.append("\\\\"); break;
      case '\t': out.append("\\t"); break;
      case '\n': out.append("\\n"); break;
      case '\r': out.append("\\r"); break;
      default: out.push_back(c);
    }
  }
}

namespace {

bool IsIdentifier(std::string_view name) {
  if (name.empty()) return false;
  for (char c : name) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
  }
  return true;
}

}  // namespace

void PostgresConnection::ResultDeleter::operator()(pg_result* result) const { PQclear(result); }

Result<std::unique_ptr<PostgresConnection>> PostgresConnection::Connect(const std::string& url) {
  PGconn* connection = PQconnectdb(url.c_str());
  if (connection == nullptr) return Unavailable("connecting to PostgreSQL: out of memory");
  if (PQstatus(connection) != CONNECTION_OK) {
    std::string detail = PQerrorMessage(connection);
    while (!detail.empty() && detail.back() == '\n') detail.pop_back();
    PQfinish(connection);
    return Unavailable("connecting to PostgreSQL: " + detail);
  }
  // NOTICEs ("relation already exists, skipping") are not errors; libpq would
  // print them to stderr.
  PQsetNoticeProcessor(
      connection, [](void*, const char*) {}, nullptr);
  return std::unique_ptr<PostgresConnection>(new PostgresConnection(connection));
}

PostgresConnection::~PostgresConnection() { PQfinish(connection_); }

bool PostgresConnection::Healthy() const {
  return PQstatus(connection_) == CONNECTION_OK && PQtransactionStatus(connection_) == PQTRANS_IDLE &&
         PQpipelineStatus(connection_) == PQ_PIPELINE_OFF && pending_begin_.empty();
}

void PostgresConnection::Begin(std::string begin_sql) {
  RAPPORT_ASSERT(pending_begin_.empty() && !begin_sql.empty());
  pending_begin_ = std::move(begin_sql);
}

Status PostgresConnection::FlushBegin() {
  if (pending_begin_.empty()) return {};
  const std::string begin = std::move(pending_begin_);
  pending_begin_.clear();
  return ExecuteScript(begin);
}

Status PostgresConnection::Rollback() {
  if (!pending_begin_.empty()) {
    pending_begin_.clear();  // nothing reached the server
    return {};
  }
  return ExecuteScript("ROLLBACK");
}

Status PostgresConnection::EnsurePrepared(std::string_view query_name) {
  std::string name(query_name);
  if (prepared_.contains(name)) return {};
  const std::string text(QueryCatalog::For(Dialect::kPostgres).Get(query_name));
  ResultPtr result(PQprepare(connection_, name.c_str(), text.c_str(), 0, nullptr));
  if (!Succeeded(result.get())) return PostgresStatus(connection_, result.get(), "preparing " + name);
  prepared_.insert(std::move(name));
  return {};
}

Result<PostgresConnection::ResultPtr> PostgresConnection::RunPrepared(std::string_view query_name,
                                                                      std::span<const SqlParam> params) {
  std::vector<std::string> texts(params.size());
  std::vector<const char*> values(params.size(), nullptr);
  for (std::size_t i = 0; i < params.size(); ++i) {
    if (std::holds_alternative<SqlNull>(params[i])) continue;
    AppendText(params[i], texts[i]);
    values[i] = texts[i].c_str();
  }
  const std::string name(query_name);
  if (!pending_begin_.empty()) return RunPipelinedWithBegin(name, values);
  RAPPORT_RETURN_IF_ERROR(EnsurePrepared(query_name));
  ResultPtr result(
      PQexecPrepared(connection_, name.c_str(), static_cast<int>(params.size()), values.data(), nullptr, nullptr, 0));
  if (!Succeeded(result.get())) return PostgresStatus(connection_, result.get(), name);
  return result;
}

// Sends BEGIN, the PREPARE when this connection has not prepared the query
// yet, and the query in one pipeline, then reads every result.
Result<PostgresConnection::ResultPtr> PostgresConnection::RunPipelinedWithBegin(
    const std::string& query_name, const std::vector<const char*>& values) {
  const std::string begin = std::move(pending_begin_);
  pending_begin_.clear();
  const bool needs_prepare = !prepared_.contains(query_name);
  if (PQenterPipelineMode(connection_) != 1) return PostgresStatus(connection_, nullptr, "entering pipeline mode");
  bool sent = PQsendQueryParams(connection_, begin.c_str(), 0, nullptr, nullptr, nullptr, nullptr, 0) == 1;
  if (sent && needs_prepare) {
    const std::string text(QueryCatalog::For(Dialect::kPostgres).Get(query_name));
    sent = PQsendPrepare(connection_, query_name.c_str(), text.c_str(), 0, nullptr) == 1;
  }
  sent = sent && PQsendQueryPrepared(connection_, query_name.c_str(), static_cast<int>(values.size()), values.data(),
                                     nullptr, nullptr, 0) == 1;
  sent = sent && PQpipelineSync(connection_) == 1;
  if (!sent) {
    // The connection is in an unknown state; Healthy() keeps it from the pool.
    return Unavailable("sending a pipeline to PostgreSQL: " + std::string(PQerrorMessage(connection_)));
  }
  const int commands = needs_prepare ? 3 : 2;
  Status status;
  ResultPtr last;
  for (int command = 0; command < commands; ++command) {
    while (PGresult* raw = PQgetResult(connection_)) {
      ResultPtr result(raw);
      if (PQresultStatus(result.get()) == PGRES_PIPELINE_ABORTED) continue;  // an earlier command failed
      if (!Succeeded(result.get())) {
        if (status.ok()) status = PostgresStatus(connection_, result.get(), query_name);
      } else if (command == commands - 1) {
        last = std::move(result);
      }
    }
    if (command == commands - 2 && needs_prepare && status.ok()) prepared_.insert(query_name);
  }
  ResultPtr sync(PQgetResult(connection_));
  const bool synced = sync != nullptr && PQresultStatus(sync.get()) == PGRES_PIPELINE_SYNC;
  if (!synced || PQexitPipelineMode(connection_) != 1) {
    return Unavailable("leaving pipeline mode: " + std::string(PQerrorMessage(connection_)));
  }
  if (!status.ok()) return status;
  RAPPORT_ASSERT(last != nullptr);
  return last;
}

Result<std::int64_t> PostgresConnection::Execute(std::string_view query_name, std::span<const SqlParam> params) {
  RAPPORT_ASSIGN_OR_RETURN(ResultPtr result, RunPrepared(query_name, params));
  const char* tuples = PQcmdTuples(result.get());
  std::int64_t changed = 0;
  std::from_chars(tuples, tuples + std::strlen(tuples), changed);
  return changed;
}

Status PostgresConnection::Query(std::string_view query_name, std::span<const SqlParam> params,
                                 const RowCallback& on_row) {
  RAPPORT_ASSIGN_OR_RETURN(ResultPtr result, RunPrepared(query_name, params));
  const int rows = PQntuples(result.get());
  for (int row = 0; row < rows; ++row) RAPPORT_RETURN_IF_ERROR(on_row(PostgresRow(result.get(), row)));
  return {};
}

Status PostgresConnection::ExecuteScript(std::string_view sql) {
  RAPPORT_RETURN_IF_ERROR(FlushBegin());
  const std::string text(sql);
  ResultPtr result(PQexec(connection_, text.c_str()));
  if (!Succeeded(result.get())) return PostgresStatus(connection_, result.get(), "running SQL");
  return {};
}

Status PostgresConnection::Commit() {
  if (!pending_begin_.empty()) {
    pending_begin_.clear();  // nothing reached the server
    return {};
  }
  ResultPtr result(PQexec(connection_, "COMMIT"));
  if (!Succeeded(result.get())) return PostgresStatus(connection_, result.get(), "COMMIT");
  if (std::string_view(PQcmdStatus(result.get())) == "ROLLBACK") {
    return Internal("COMMIT: PostgreSQL rolled the transaction back after an earlier error");
  }
  return {};
}

Status PostgresConnection::PutCopyData(std::string& buffer) {
  if (buffer.empty()) return {};
  if (PQputCopyData(connection_, buffer.data(), static_cast<int>(buffer.size())) != 1) {
    return PostgresStatus(connection_, nullptr, "sending COPY data");
  }
  buffer.clear();
  return {};
}

Status PostgresConnection::CopyRows(std::string_view table, std::span<const std::string_view> columns,
                                    std::span<const SqlParam> values) {
  RAPPORT_ASSERT(IsIdentifier(table) && !columns.empty());
  RAPPORT_ASSERT(values.size() % columns.size() == 0);
  std::string command = "COPY " + std::string(table) + " (";
  for (std::size_t i = 0; i < columns.size(); ++i) {
    RAPPORT_ASSERT(IsIdentifier(columns[i]));
    command += (i ? ", " : "") + std::string(columns[i]);
  }
  command += ") FROM STDIN";
  RAPPORT_RETURN_IF_ERROR(FlushBegin());
  ResultPtr started(PQexec(connection_, command.c_str()));
  if (PQresultStatus(started.get()) != PGRES_COPY_IN) {
    return PostgresStatus(connection_, started.get(), "starting COPY into " + std::string(table));
  }
  std::string buffer;
  buffer.reserve(kCopyChunkBytes + 4096);
  Status sent;
  for (std::size_t offset = 0; offset < values.size() && sent.ok(); offset += columns.size()) {
    for (std::size_t column = 0; column < columns.size(); ++column) {
      if (column > 0) buffer.push_back('\t');
      AppendCopyField(values[offset + column], buffer);
    }
    buffer.push_back('\n');
    if (buffer.size() >= kCopyChunkBytes) sent = PutCopyData(buffer);
  }
  if (sent.ok()) sent = PutCopyData(buffer);
  if (PQputCopyEnd(connection_, sent.ok() ? nullptr : "client failed to send rows") != 1) {
    return PostgresStatus(connection_, nullptr, "ending COPY");
  }
  Status finished;
  while (PGresult* raw = PQgetResult(connection_)) {
    ResultPtr result(raw);
    if (finished.ok() && !Succeeded(result.get())) {
      finished = PostgresStatus(connection_, result.get(), "COPY into " + std::string(table));
    }
  }
  return sent.ok() ? finished : sent;
}

}  // namespace rapport::store

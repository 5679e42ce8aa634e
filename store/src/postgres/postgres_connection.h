// PostgresConnection: one libpq connection implementing SqlSession. Named
// queries are prepared lazily under their query name the first time this
// connection runs them; parameters travel in text format. CopyRows streams
// rows with COPY … FROM STDIN in text format.
//
// Errors keep their meaning (see sql/session.h): SQLSTATE 23505 →
// kAlreadyExists, 23503 → kFailedPrecondition, 40001/40P01/55P03 and any
// connection failure → kUnavailable, anything else → kInternal.
//
// Thread safety: none; used by one thread at a time, handed between threads by
// the adapter's pool under a lock.
#pragma once

#include <memory>
#include <string>
#include <unordered_set>
#include <vector>

#include "sql/session.h"

struct pg_conn;
struct pg_result;

namespace rapport::store {

class PostgresConnection final : public SqlSession {
 public:
  static Result<std::unique_ptr<PostgresConnection>> Connect(const std::string& url);
  ~PostgresConnection() override;
  PostgresConnection(const PostgresConnection&) = delete;
  PostgresConnection& operator=(const PostgresConnection&) = delete;

  Dialect dialect() const override { return Dialect::kPostgres; }
  Result<std::int64_t> Execute(std::string_view query_name, std::span<const SqlParam> params) override;
  Status Query(std::string_view query_name, std::span<const SqlParam> params, const RowCallback& on_row) override;
  Status ExecuteScript(std::string_view sql) override;
  Status CopyRows(std::string_view table, std::span<const std::string_view> columns,
                  std::span<const SqlParam> values) override;

  // Opens a transaction with `begin_sql` ("BEGIN ISOLATION LEVEL …"), sent
  // with the first statement.
  void Begin(std::string begin_sql);
  // COMMIT that notices when PostgreSQL rolled back instead (an aborted
  // transaction answers COMMIT with the tag ROLLBACK).
  Status Commit();
  Status Rollback();
  // Connected, idle, outside any transaction and pipeline: fit for the pool.
  bool Healthy() const;

 private:
  struct ResultDeleter {
    void operator()(pg_result* result) const;
  };
  using ResultPtr = std::unique_ptr<pg_result, ResultDeleter>;

  explicit PostgresConnection(pg_conn* connection) : connection_(connection) {}
  Status EnsurePrepared(std::string_view query_name);
  Result<ResultPtr> RunPrepared(std::string_view query_name, std::span<const SqlParam> params);
  Result<ResultPtr> RunPipelinedWithBegin(const std::string& query_name, const std::vector<const char*>& values);
  Status FlushBegin();
  Status PutCopyData(std::string& buffer);

  pg_conn* connection_;
  std::unordered_set<std::string> prepared_;
  std::string pending_begin_;  // a BEGIN not yet sent
};

// Appends one field in COPY text format: \N for NULL; backslash, tab, newline
// and carriage return escaped. Exposed for tests.
void AppendCopyField(const SqlParam& param, std::string& out);

}  // namespace rapport::store

// SqlSession: the narrow SQL interface the repositories are written against,
// once, for both databases. An adapter (sqlite/, postgres/) implements it on
// one connection inside one open transaction. Queries are referred to by name;
// their text lives in store/queries/<dialect>/*.sql (see query_catalog.h), so
// the dialects differ only in those files and the migrations.
//
// Placeholders are $1..$n in both dialects. Values are bound without copying
// (string_views must outlive the call). Timestamps are int64 UTC microseconds.
//
// Thread safety: a session belongs to the thread running the transaction.
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <string_view>
#include <variant>

#include "rapport/base/status.h"

namespace rapport::store {

enum class Dialect : std::uint8_t { kSqlite, kPostgres };

struct SqlNull {};
using SqlParam = std::variant<SqlNull, std::int64_t, double, std::string_view>;

// One result row, valid only inside the row callback.
class SqlRow {
 public:
  virtual ~SqlRow() = default;
  virtual int ColumnCount() const = 0;
  virtual bool IsNull(int column) const = 0;
  virtual std::int64_t Int(int column) const = 0;
  virtual double Real(int column) const = 0;
  virtual std::string_view Text(int column) const = 0;
};

using RowCallback = std::function<Status(const SqlRow&)>;

class SqlSession {
 public:
  virtual ~SqlSession() = default;
  virtual Dialect dialect() const = 0;

  // Runs a named statement; returns the number of rows it changed.
  virtual Result<std::int64_t> Execute(std::string_view query_name, std::span<const SqlParam> params) = 0;
  // Runs a named query, calling on_row per row; a non-ok return stops the scan
  // and is returned.
  virtual Status Query(std::string_view query_name, std::span<const SqlParam> params, const RowCallback& on_row) = 0;
  // Runs literal SQL with several statements and no parameters (migrations).
  virtual Status ExecuteScript(std::string_view sql) = 0;
  // Loads rows in bulk: values are row-major, columns.size() per row.
  // PostgreSQL streams them with COPY FROM STDIN; SQLite reuses one prepared INSERT.
  virtual Status CopyRows(std::string_view table, std::span<const std::string_view> columns,
                          std::span<const SqlParam> values) = 0;
};

// Errors from the databases keep their meaning: unique violations become
// kAlreadyExists, serialization failures and busy/locked become kUnavailable
// (retryable), everything else kInternal with the database's message.

}  // namespace rapport::store

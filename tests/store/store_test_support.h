// Helpers shared by the store test tiers: a fresh database per test (a temp
// SQLite file, or the PostgreSQL database at RAPPORT_TEST_POSTGRES_URL emptied
// by dropping and recreating its public schema) and raw SQL outside the store,
// for setting up states the store's API cannot produce.
//
// Thread safety: RawDatabase is used from one thread at a time.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "rapport/base/status.h"

namespace rapport::store::testing {

enum class Backend { kSqlite, kPostgres };
std::string BackendName(Backend backend);

// The PostgreSQL URL for tests, when the environment names one.
std::optional<std::string> PostgresTestUrl();

// A fresh temp directory, removed on destruction.
class TempDirectory {
 public:
  TempDirectory();
  ~TempDirectory();
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// A raw connection to the test database (sqlite3 or libpq).
class RawDatabase {
 public:
  static std::unique_ptr<RawDatabase> Connect(Backend backend, const std::string& database);
  virtual ~RawDatabase() = default;
  // Runs statements; returns the error text or "" on success.
  virtual std::string Execute(const std::string& sql) = 0;
  // The first column of every row of a query, as text ("" for NULL).
  virtual std::vector<std::string> Column(const std::string& sql) = 0;
};

// A schema of its own for one test in the shared PostgreSQL test database, so
// test processes can run in parallel. url() points connections at it (through
// the libpq `options` search_path setting); the schema is dropped on
// destruction.
class PostgresSchema {
 public:
  explicit PostgresSchema(const std::string& server_url);
  ~PostgresSchema();
  PostgresSchema(const PostgresSchema&) = delete;
  PostgresSchema& operator=(const PostgresSchema&) = delete;

  const std::string& url() const { return url_; }
  // Drops and recreates the schema: an empty database again.
  Status Reset();

 private:
  std::string server_url_;
  std::string name_;
  std::string url_;
};

// The database one test runs against: a SQLite file in a temp directory, or
// a schema of its own in the PostgreSQL test database. Open returns false
// (the test should skip) for PostgreSQL when RAPPORT_TEST_POSTGRES_URL is not
// set.
class TestDatabase {
 public:
  bool Open(Backend backend);
  // What app::StoreOptions::database takes.
  const std::string& location() const { return location_; }

 private:
  TempDirectory directory_;
  std::unique_ptr<PostgresSchema> schema_;
  std::string location_;
};

}  // namespace rapport::store::testing

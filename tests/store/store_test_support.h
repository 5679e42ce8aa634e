// Helpers shared by the store test tiers: a fresh database per test (a temp
// SQLite file, or the PostgreSQL database at RAPPORT_TEST_POSTGRES_URL emptied
// by dropping and recreating its public schema) and raw SQL outside the store,
// for setting up states the store's API cannot produce; and
// StoreConformanceTest, the base fixture of the store conformance suites.
//
// Thread safety: RawDatabase is used from one thread at a time.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "rapport/app/store.h"
#include "rapport/base/clock.h"
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
  // The temp directory; the SQLite file is data/rapport.db in it.
  const TempDirectory& directory() const { return directory_; }
  // The PostgreSQL schema; null on SQLite.
  const std::unique_ptr<PostgresSchema>& schema() const { return schema_; }

 private:
  TempDirectory directory_;
  std::unique_ptr<PostgresSchema> schema_;
  std::string location_;
};

// The status of what a store body returned: the Status itself, or a Result's.
inline Status StatusOf(const Status& status) { return status; }
template <typename T>
Status StatusOf(const Result<T>& result) {
  return result.status();
}

// Where the fixture's clock starts: 2026-11-18.
inline constexpr Timestamp kStoreTestStart{Microseconds(1'795'000'000'000'000)};

// What differs between the suites built on StoreConformanceTest.
struct StoreFixtureOptions {
  int reader_pool_size = 2;
  // Whether SetUp connects raw_ (for Raw(sql) and RawCount). Suites that open
  // a connection of their own per use (Connect()) leave it off.
  bool raw_connection = true;
};

// The base fixture of the store conformance suites, run once per Backend: a
// fresh TestDatabase per test (the test skips on PostgreSQL when
// RAPPORT_TEST_POSTGRES_URL is not set), the store opened on it with a fake
// clock, and a raw connection for rows the store's API cannot write.
class StoreConformanceTest : public ::testing::TestWithParam<Backend> {
 protected:
  explicit StoreConformanceTest(StoreFixtureOptions fixture = {});

  void SetUp() override;
  void TearDown() override;

  bool IsPostgres() const { return GetParam() == Backend::kPostgres; }

  // Closes the store when open and opens it again with options_.
  void Reopen();

  // A new raw connection to the test database.
  std::unique_ptr<RawDatabase> Connect() const;

  // Runs statements on raw_; an error fails the test.
  void Raw(const std::string& sql);

  // The one integer a query on raw_ returns (-1 when it returns no row).
  std::int64_t RawCount(const std::string& sql);

  // Runs `body(tx)` in one write transaction and returns what it returned, or
  // the store's failure when the body did not run. A non-ok outcome rolls the
  // body back.
  template <typename Body>
  auto InWriteTransaction(Body&& body) -> std::invoke_result_t<Body, app::WriteTransaction&> {
    using Outcome = std::invoke_result_t<Body, app::WriteTransaction&>;
    std::optional<Outcome> outcome;
    const Status status = store_->Write([&](app::WriteTransaction& tx) {
      outcome.emplace(body(tx));
      return StatusOf(*outcome);
    });
    if (!outcome) return status;
    return std::move(*outcome);
  }

  // Runs `body(tx)` in one read transaction and returns what it returned, or
  // the store's failure when the body did not run.
  template <typename Body>
  auto InReadTransaction(Body&& body) -> std::invoke_result_t<Body, app::ReadTransaction&> {
    using Outcome = std::invoke_result_t<Body, app::ReadTransaction&>;
    std::optional<Outcome> outcome;
    const Status status = store_->Read([&](app::ReadTransaction& tx) {
      outcome.emplace(body(tx));
      return StatusOf(*outcome);
    });
    if (!outcome) return status;
    return std::move(*outcome);
  }

  FakeClock clock_{kStoreTestStart};
  TestDatabase database_;
  app::StoreOptions options_;  // database and clock filled in by SetUp
  std::unique_ptr<app::Store> store_;
  std::unique_ptr<RawDatabase> raw_;  // null unless StoreFixtureOptions::raw_connection

 private:
  bool raw_connection_;
};

}  // namespace rapport::store::testing

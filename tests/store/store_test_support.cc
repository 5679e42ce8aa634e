#include "store_test_support.h"

#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>

#include <libpq-fe.h>
#include <sqlite3.h>

#include "rapport/store/open_store.h"

namespace rapport::store::testing {
namespace {

class RawSqlite final : public RawDatabase {
 public:
  explicit RawSqlite(const std::string& path) {
    sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
    sqlite3_busy_timeout(db_, 5'000);
  }
  ~RawSqlite() override { sqlite3_close_v2(db_); }
  std::string Execute(const std::string& sql) override {
    char* error = nullptr;
    if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &error) == SQLITE_OK) return "";
    std::string message = error != nullptr ? error : "error";
    sqlite3_free(error);
    return message;
  }
  std::vector<std::string> Column(const std::string& sql) override {
    std::vector<std::string> values;
    sqlite3_stmt* statement = nullptr;
    if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &statement, nullptr) != SQLITE_OK) return {"<error>"};
    while (sqlite3_step(statement) == SQLITE_ROW) {
      const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(statement, 0));
      values.emplace_back(text != nullptr ? text : "");
    }
    sqlite3_finalize(statement);
    return values;
  }

 private:
  sqlite3* db_ = nullptr;
};

class RawPostgres final : public RawDatabase {
 public:
  explicit RawPostgres(const std::string& url) : connection_(PQconnectdb(url.c_str())) {
    PQsetNoticeProcessor(
        connection_, [](void*, const char*) {}, nullptr);
  }
  ~RawPostgres() override { PQfinish(connection_); }
  std::string Execute(const std::string& sql) override {
    PGresult* result = PQexec(connection_, sql.c_str());
    const ExecStatusType status = PQresultStatus(result);
    std::string error;
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) error = PQresultErrorMessage(result);
    PQclear(result);
    return error;
  }
  std::vector<std::string> Column(const std::string& sql) override {
    PGresult* result = PQexec(connection_, sql.c_str());
    std::vector<std::string> values;
    if (PQresultStatus(result) == PGRES_TUPLES_OK) {
      for (int row = 0; row < PQntuples(result); ++row) values.emplace_back(PQgetvalue(result, row, 0));
    } else {
      values.emplace_back("<error> " + std::string(PQresultErrorMessage(result)));
    }
    PQclear(result);
    return values;
  }

 private:
  PGconn* connection_;
};

}  // namespace

std::string BackendName(Backend backend) { return backend == Backend::kSqlite ? "Sqlite" : "Postgres"; }

std::optional<std::string> PostgresTestUrl() {
  const char* url = std::getenv("RAPPORT_TEST_POSTGRES_URL");
  if (url == nullptr || *url == '\0') return std::nullopt;
  return std::string(url);
}

TempDirectory::TempDirectory() {
  std::string pattern = (std::filesystem::temp_directory_path() / "rapport-store-XXXXXX").string();
  char* made = mkdtemp(pattern.data());
  RAPPORT_ASSERT(made != nullptr);
  path_ = made;
}

TempDirectory::~TempDirectory() {
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

std::unique_ptr<RawDatabase> RawDatabase::Connect(Backend backend, const std::string& database) {
  if (backend == Backend::kSqlite) return std::make_unique<RawSqlite>(database);
  return std::make_unique<RawPostgres>(database);
}

PostgresSchema::PostgresSchema(const std::string& server_url) : server_url_(server_url) {
  static std::atomic<int> counter{0};
  name_ = "test_" + std::to_string(getpid()) + "_" + std::to_string(counter.fetch_add(1));
  url_ = server_url + (server_url.find('?') == std::string::npos ? "?" : "&") + "options=-csearch_path%3D" + name_;
  (void)Reset();
}

PostgresSchema::~PostgresSchema() {
  RawPostgres raw(server_url_);
  (void)raw.Execute("DROP SCHEMA IF EXISTS " + name_ + " CASCADE");
}

Status PostgresSchema::Reset() {
  RawPostgres raw(server_url_);
  const std::string error = raw.Execute("DROP SCHEMA IF EXISTS " + name_ + " CASCADE; CREATE SCHEMA " + name_);
  if (!error.empty()) return Unavailable("resetting the test schema: " + error);
  return {};
}

bool TestDatabase::Open(Backend backend) {
  if (backend == Backend::kPostgres) {
    const std::optional<std::string> url = PostgresTestUrl();
    if (!url) return false;
    schema_ = std::make_unique<PostgresSchema>(*url);
    location_ = schema_->url();
  } else {
    location_ = directory_.path() + "/data/rapport.db";
  }
  return true;
}

StoreConformanceTest::StoreConformanceTest(StoreFixtureOptions fixture) : raw_connection_(fixture.raw_connection) {
  options_.reader_pool_size = fixture.reader_pool_size;
}

void StoreConformanceTest::SetUp() {
  if (!database_.Open(GetParam())) {
    GTEST_SKIP() << "RAPPORT_TEST_POSTGRES_URL is not set; PostgreSQL conformance skipped";
  }
  options_.database = database_.location();
  options_.clock = &clock_;
  Reopen();
  if (HasFatalFailure() || !raw_connection_) return;
  raw_ = Connect();
  ASSERT_NE(raw_, nullptr);
}

void StoreConformanceTest::TearDown() {
  raw_.reset();
  if (store_) {
    EXPECT_TRUE(store_->Close().ok());
  }
}

void StoreConformanceTest::Reopen() {
  if (store_) {
    ASSERT_TRUE(store_->Close().ok());
  }
  store_.reset();
  auto opened = OpenStore(options_);
  ASSERT_TRUE(opened.ok()) << opened.status().ToString();
  store_ = std::move(opened).value();
}

std::unique_ptr<RawDatabase> StoreConformanceTest::Connect() const {
  return RawDatabase::Connect(GetParam(), options_.database);
}

void StoreConformanceTest::Raw(const std::string& sql) { ASSERT_EQ(raw_->Execute(sql), "") << sql; }

std::int64_t StoreConformanceTest::RawCount(const std::string& sql) {
  const std::vector<std::string> column = raw_->Column(sql);
  EXPECT_EQ(column.size(), 1u) << sql;
  return column.empty() ? -1 : std::stoll(column[0]);
}

}  // namespace rapport::store::testing

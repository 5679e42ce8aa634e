#include "sqlite/sqlite_connection.h"

#include <unistd.h>

#include <filesystem>

#include <gtest/gtest.h>
#include <sqlite3.h>

namespace rapport::store {
namespace {

class SqliteConnectionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (std::filesystem::temp_directory_path() / "rapport-sqlite-XXXXXX").string();
    directory_ = mkdtemp(pattern.data());
    auto opened = SqliteConnection::Open(
        {directory_ + "/test.db", app::SqliteSynchronous::kNormal, 1'000, SqliteAccess::kReadWrite});
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    connection_ = std::move(opened).value();
    ASSERT_TRUE(connection_
                    ->ExecuteScript("CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT, parent INTEGER "
                                    "REFERENCES t (id))")
                    .ok());
  }
  void TearDown() override {
    connection_.reset();
    std::filesystem::remove_all(directory_);
  }

  std::string directory_;
  std::unique_ptr<SqliteConnection> connection_;
};

TEST_F(SqliteConnectionTest, OpensInWalModeWithForeignKeys) {
  EXPECT_EQ(connection_->ExecuteScript("INSERT INTO t (id, name, parent) VALUES (1, 'a', 99)").code(),
            StatusCode::kFailedPrecondition);
  sqlite3_stmt* statement = nullptr;
  sqlite3_prepare_v2(connection_->handle(), "PRAGMA journal_mode", -1, &statement, nullptr);
  ASSERT_EQ(sqlite3_step(statement), SQLITE_ROW);
  EXPECT_STREQ(reinterpret_cast<const char*>(sqlite3_column_text(statement, 0)), "wal");
  sqlite3_finalize(statement);
}

TEST_F(SqliteConnectionTest, CopyRowsKeepsEmptyTextApartFromNull) {
  const std::string_view columns[] = {"id", "name"};
  const SqlParam values[] = {std::int64_t{1}, std::string_view(), std::int64_t{2}, SqlNull{}};
  ASSERT_TRUE(connection_->CopyRows("t", columns, values).ok());
  sqlite3_stmt* statement = nullptr;
  sqlite3_prepare_v2(connection_->handle(), "SELECT count(*) FROM t WHERE name IS NULL", -1, &statement, nullptr);
  ASSERT_EQ(sqlite3_step(statement), SQLITE_ROW);
  EXPECT_EQ(sqlite3_column_int(statement, 0), 1);
  sqlite3_finalize(statement);
}

TEST_F(SqliteConnectionTest, UniqueViolationIsAlreadyExists) {
  const std::string_view columns[] = {"id", "name"};
  const SqlParam values[] = {std::int64_t{1}, std::string_view("a")};
  ASSERT_TRUE(connection_->CopyRows("t", columns, values).ok());
  EXPECT_EQ(connection_->CopyRows("t", columns, values).code(), StatusCode::kAlreadyExists);
}

TEST_F(SqliteConnectionTest, BusyDatabaseIsUnavailable) {
  auto other =
      SqliteConnection::Open({directory_ + "/test.db", app::SqliteSynchronous::kNormal, 0, SqliteAccess::kReadWrite});
  ASSERT_TRUE(other.ok());
  ASSERT_TRUE(connection_->ExecuteLiteral("BEGIN IMMEDIATE").ok());
  EXPECT_EQ((*other)->ExecuteLiteral("BEGIN IMMEDIATE").code(), StatusCode::kUnavailable);
  ASSERT_TRUE(connection_->ExecuteLiteral("ROLLBACK").ok());
}

}  // namespace
}  // namespace rapport::store

#include "sql/query_catalog.h"

#include <set>
#include <string>

#include <gtest/gtest.h>

#include "sql/migrator.h"

namespace rapport::store {
namespace {

TEST(QueryCatalog, ParsesNamedBlocksAndDropsCommentsAndSemicolons) {
  const QueryCatalog catalog = QueryCatalog::Parse(
      "-- a file comment\n"
      "-- name: first\n"
      "-- what it does\n"
      "SELECT 1;\n"
      "\n"
      "-- name: second\n"
      "SELECT $1\n"
      "FROM t;;\n");
  EXPECT_EQ(catalog.Get("first"), "SELECT 1");
  EXPECT_EQ(catalog.Get("second"), "SELECT $1\nFROM t");
  EXPECT_FALSE(catalog.Contains("third"));
  EXPECT_EQ(catalog.Names().size(), 2u);
}

TEST(QueryCatalogDeathTest, DuplicateNameIsABug) {
  EXPECT_DEATH(QueryCatalog::Parse("-- name: a\nSELECT 1;\n-- name: a\nSELECT 2;\n"), "inserted");
}

// The repositories are written once: every query name must exist in both
// dialects, or one adapter would assert at run time.
TEST(QueryCatalog, BothDialectsDefineTheSameQueries) {
  const auto sqlite_names = QueryCatalog::For(Dialect::kSqlite).Names();
  const auto postgres_names = QueryCatalog::For(Dialect::kPostgres).Names();
  EXPECT_EQ(std::set<std::string_view>(sqlite_names.begin(), sqlite_names.end()),
            std::set<std::string_view>(postgres_names.begin(), postgres_names.end()));
  EXPECT_TRUE(QueryCatalog::For(Dialect::kSqlite).Contains("event_append"));
}

TEST(EmbeddedMigrations, AreNumberedFromOneWithoutGaps) {
  for (Dialect dialect : {Dialect::kSqlite, Dialect::kPostgres}) {
    const auto migrations = EmbeddedMigrations(dialect);
    ASSERT_FALSE(migrations.empty());
    for (std::size_t i = 0; i < migrations.size(); ++i) {
      EXPECT_EQ(migrations[i].version, static_cast<int>(i) + 1);
      EXPECT_FALSE(migrations[i].sql.empty());
    }
    EXPECT_EQ(migrations[0].name, "foundation");
  }
}

TEST(MigrationChecksum, IsStableAndSensitiveToEdits) {
  EXPECT_EQ(MigrationChecksum(""), "fnv1a64:cbf29ce484222325");  // the FNV-1a offset basis
  EXPECT_EQ(MigrationChecksum("CREATE TABLE t (x INTEGER);"), MigrationChecksum("CREATE TABLE t (x INTEGER);"));
  EXPECT_NE(MigrationChecksum("CREATE TABLE t (x INTEGER);"), MigrationChecksum("CREATE TABLE t (x INTEGER); "));
}

}  // namespace
}  // namespace rapport::store

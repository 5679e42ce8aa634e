// OpenStore and the migration entry points: dispatch on the database setting
// to the SQLite or PostgreSQL adapter and run the migrator on one connection.
#include "rapport/store/open_store.h"

#include <filesystem>

#include "adapter_support.h"
#include "postgres/postgres_store.h"
#include "sql/deferred_indexes.h"
#include "sql/migrator.h"
#include "sql/query_catalog.h"
#include "sqlite/sqlite_store.h"

namespace rapport::store {
namespace {

Result<std::unique_ptr<SqlSession>> OpenSession(const app::StoreOptions& options) {
  if (IsPostgresUrl(options.database)) return OpenPostgresSession(options);
  return OpenSqliteSession(options);
}

}  // namespace

bool IsPostgresUrl(std::string_view database) {
  return database.starts_with("postgres://") || database.starts_with("postgresql://");
}

Result<MigrationReport> MigrateDatabase(const app::StoreOptions& options) {
  RAPPORT_ASSIGN_OR_RETURN(std::unique_ptr<SqlSession> session, OpenSession(options));
  RAPPORT_ASSIGN_OR_RETURN(MigrationReport report, ApplyMigrations(*session, ClockOf(options).Now()));
  RAPPORT_ASSIGN_OR_RETURN(report.indexes_built, BuildAllDeferredIndexes(*session));
  return report;
}

Result<int> SchemaVersion(const app::StoreOptions& options) {
  // Asking about a SQLite file that does not exist must not create it.
  if (!IsPostgresUrl(options.database) && !std::filesystem::exists(options.database)) return 0;
  RAPPORT_ASSIGN_OR_RETURN(std::unique_ptr<SqlSession> session, OpenSession(options));
  return AppliedSchemaVersion(*session);
}

int LatestSchemaVersion(const app::StoreOptions& options) {
  const auto migrations = EmbeddedMigrations(IsPostgresUrl(options.database) ? Dialect::kPostgres : Dialect::kSqlite);
  return migrations.empty() ? 0 : migrations.back().version;
}

Result<std::unique_ptr<app::Store>> OpenStore(const app::StoreOptions& options) {
  // Migrating first also refuses a database newer than this binary.
  if (options.migrate_on_open) {
    RAPPORT_RETURN_IF_ERROR(MigrateDatabase(options).status());
  } else {
    RAPPORT_ASSIGN_OR_RETURN(int version, SchemaVersion(options));
    if (version > LatestSchemaVersion(options)) {
      return FailedPrecondition("the database schema is at version " + std::to_string(version) +
                                " but this binary knows versions up to " +
                                std::to_string(LatestSchemaVersion(options)) + "; run a newer rapport");
    }
  }
  if (IsPostgresUrl(options.database)) return OpenPostgresStore(options);
  return OpenSqliteStore(options);
}

}  // namespace rapport::store

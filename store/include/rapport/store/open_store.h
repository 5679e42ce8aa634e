// The store layer's public entry: opens the app::Store adapter a database
// setting names, and runs or inspects schema migrations.
//
//  * "postgres://…" or "postgresql://…" opens the PostgreSQL adapter (a libpq
//    connection pool; several server processes may share the database).
//  * Anything else is a SQLite file path; a missing parent directory is created.
//
// Migrations are embedded in the binary (store/migrations/<dialect>/NNNN_name.sql)
// and recorded in schema_migrations(version, name, checksum, applied_at_us).
// Each runs in its own transaction; on PostgreSQL under an advisory lock, so
// nodes starting together migrate once. A database migrated by a newer binary
// is refused (kFailedPrecondition); an applied migration whose text changed
// since is refused (kDataLoss).
//
// Thread safety: the functions are safe to call from any thread; the returned
// Store is thread-safe as described in app/store.h.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "rapport/app/store.h"
#include "rapport/base/status.h"

namespace rapport::store {

// Opens the store, applying pending migrations when options.migrate_on_open.
Result<std::unique_ptr<app::Store>> OpenStore(const app::StoreOptions& options);

struct MigrationReport {
  int version_before = 0;
  int version_after = 0;
  std::vector<std::string> applied;  // "0001_foundation", in the order applied
  int indexes_built = 0;             // left dropped by a bulk load that died (0008_deferred_indexes)
};

// Applies every pending migration, builds any index a bulk load that died
// left dropped, and reports what it did.
Result<MigrationReport> MigrateDatabase(const app::StoreOptions& options);

// The highest applied migration version; 0 for an empty database.
Result<int> SchemaVersion(const app::StoreOptions& options);

// The highest migration version this binary knows for the database's dialect.
int LatestSchemaVersion(const app::StoreOptions& options);

// True when options.database names a PostgreSQL server rather than a file.
bool IsPostgresUrl(std::string_view database);

}  // namespace rapport::store

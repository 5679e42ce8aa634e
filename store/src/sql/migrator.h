// The schema migrator, written once over SqlSession. The session must be on a
// connection outside any transaction: the migrator opens one transaction per
// migration (queries migrations_begin/COMMIT), takes the dialect's migration
// lock first (a PostgreSQL advisory transaction lock; a no-op on SQLite, whose
// BEGIN IMMEDIATE already excludes other writers) and re-reads what is applied
// under the lock, so concurrent migrators apply each migration once.
//
// Thread safety: uses the session from the calling thread only.
#pragma once

#include <string>
#include <string_view>

#include "sql/session.h"

#include "rapport/base/clock.h"
#include "rapport/store/open_store.h"

namespace rapport::store {

Result<MigrationReport> ApplyMigrations(SqlSession& session, Timestamp now);
Result<int> AppliedSchemaVersion(SqlSession& session);

// The checksum recorded for a migration's text ("fnv1a64:" + 16 hex digits).
// It detects a migration edited after it shipped, not tampering.
std::string MigrationChecksum(std::string_view sql);

}  // namespace rapport::store

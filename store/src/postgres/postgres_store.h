// PostgresStore: the scale-out adapter of app::Store over libpq.
//
// A pool of connections (max(2, options.reader_pool_size)) serves both reads
// and writes. Each Write body runs in its own transaction (BEGIN; body;
// COMMIT) on a pooled connection; WriteAsync hands the body to a small thread
// pool so the caller never blocks, with at most limits::kWriteQueueDepthMax
// commands waiting. Reads run in BEGIN ISOLATION LEVEL REPEATABLE READ READ
// ONLY. Statements are prepared lazily per connection under their query name.
// Backup is pg_dump's job and answers kFailedPrecondition with that advice.
//
// Thread safety: every public method may be called from any thread.
#pragma once

#include <memory>

#include "sql/session.h"

#include "rapport/app/store.h"

namespace rapport::store {

Result<std::unique_ptr<app::Store>> OpenPostgresStore(const app::StoreOptions& options);

// One connection in autocommit mode, for the migrator.
Result<std::unique_ptr<SqlSession>> OpenPostgresSession(const app::StoreOptions& options);

}  // namespace rapport::store

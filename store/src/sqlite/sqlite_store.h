// SqliteStore: the embedded adapter of app::Store.
//
// Writes: one writer thread owns the read-write connection. Queued bodies are
// taken in batches of at most limits::kGroupCommitBatchMax and run in ONE
// transaction (BEGIN IMMEDIATE … COMMIT), each inside its own SAVEPOINT: a
// failing body is rolled back to its savepoint alone and its done() gets its
// error; the others commit together with one fsync (group commit). A COMMIT
// failure fails the whole batch. The queue holds at most
// limits::kWriteQueueDepthMax commands; beyond that WriteAsync refuses with
// kResourceExhausted.
//
// Reads: a pool of query-only connections, opened on demand up to
// options.reader_pool_size; each Read runs in BEGIN DEFERRED … COMMIT, a WAL
// snapshot that writes do not disturb.
//
// Thread safety: every public method may be called from any thread. Bodies
// run on the writer thread (writes) or the caller's thread (reads).
#pragma once

#include <memory>

#include "sql/session.h"

#include "rapport/app/store.h"

namespace rapport::store {

// Opens (creating when missing) the SQLite database at options.database.
// Migrations are the caller's business (open_store.cc).
Result<std::unique_ptr<app::Store>> OpenSqliteStore(const app::StoreOptions& options);

// One read-write connection outside any transaction, for the migrator.
Result<std::unique_ptr<SqlSession>> OpenSqliteSession(const app::StoreOptions& options);

}  // namespace rapport::store

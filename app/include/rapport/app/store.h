// Store: the port to the database. Two adapters implement it (store/):
// embedded SQLite and PostgreSQL. Every app command runs as one body inside one
// write transaction, so the state change and its events commit together or not
// at all.
//
// Write semantics (both adapters):
//  * Write returns after the transaction is durable (per the configured
//    synchronous level) or has failed; nothing of a failed body is visible.
//  * A body returning a non-ok Status rolls back exactly its own changes.
//  * SQLite: one writer thread runs queued bodies back to back in one
//    transaction and commits them together (group commit): one fsync for many
//    commands. The first body of a transaction runs bare (when it fails, the
//    transaction is rolled back and begun again for the rest), each later one
//    inside a SAVEPOINT. A body runs once per Write. It must not block on
//    anything but the store, and must not call Write/Read itself.
//  * PostgreSQL: each body runs in its own transaction on a pooled connection.
// Read bodies see one consistent snapshot and may run concurrently.
//
// Thread safety: Store methods may be called from any thread. Transaction
// objects and the repositories they hand out belong to the body's thread and
// are valid only during the body.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "rapport/app/accounts.h"
#include "rapport/app/card_details.h"
#include "rapport/app/checkpoints.h"
#include "rapport/app/coupons.h"
#include "rapport/app/directory.h"
#include "rapport/app/event_log.h"
#include "rapport/app/job_queue.h"
#include "rapport/app/loyalty.h"
#include "rapport/app/referrals.h"
#include "rapport/app/relationships.h"
#include "rapport/app/rewards.h"
#include "rapport/app/tiers.h"
#include "rapport/base/clock.h"
#include "rapport/base/status.h"

namespace rapport::app {

enum class StoreKind : std::uint8_t { kSqlite, kPostgres };
std::string_view StoreKindName(StoreKind kind);

class ReadTransaction {
 public:
  virtual ~ReadTransaction() = default;
  virtual EventLogReader& Events() = 0;
  virtual JobQueue& Jobs() = 0;  // read methods only (Find, List, Counts)
  virtual DirectoryReader& Directory() = 0;
  virtual AccountsReader& Accounts() = 0;
  virtual RelationshipsReader& Relationships() = 0;
  virtual CardDetailsReader& CardDetails() = 0;
  virtual LoyaltyReader& Loyalty() = 0;
  virtual RewardsReader& Rewards() = 0;
  virtual TiersReader& Tiers() = 0;
  virtual CouponsReader& Coupons() = 0;
  virtual ReferralsReader& Referrals() = 0;
};

class WriteTransaction : public ReadTransaction {
 public:
  virtual EventLogWriter& EventsOut() = 0;
  virtual ConsumerCheckpoints& Checkpoints() = 0;
  virtual DirectoryWriter& DirectoryOut() = 0;
  virtual AccountsWriter& AccountsOut() = 0;
  virtual RelationshipsWriter& RelationshipsOut() = 0;
  virtual CardDetailsWriter& CardDetailsOut() = 0;
  virtual LoyaltyWriter& LoyaltyOut() = 0;
  virtual RewardsWriter& RewardsOut() = 0;
  virtual TiersWriter& TiersOut() = 0;
  virtual CouponsWriter& CouponsOut() = 0;
  virtual ReferralsWriter& ReferralsOut() = 0;
};

// Counters for /metrics; monotonic except the gauges marked so.
struct StoreStats {
  std::uint64_t write_commands = 0;  // bodies run
  std::uint64_t write_commands_failed = 0;
  std::uint64_t write_transactions = 0;  // commits (group commit: ≤ commands)
  std::uint64_t write_queue_depth = 0;   // gauge
  std::uint64_t read_transactions = 0;
  std::uint64_t commit_microseconds_total = 0;
};

class Store {
 public:
  using WriteBody = std::function<Status(WriteTransaction&)>;
  using ReadBody = std::function<Status(ReadTransaction&)>;
  using WriteDone = std::function<void(Status)>;

  virtual ~Store() = default;

  virtual StoreKind kind() const = 0;

  // Runs `body` in a write transaction and waits for the durable commit.
  // kResourceExhausted when the write queue is full, kUnavailable after Close.
  virtual Status Write(WriteBody body) = 0;
  // As Write, without waiting: `done` runs exactly once on a store thread after
  // the commit or the failure. `done` must be quick and must not call Write.
  virtual void WriteAsync(WriteBody body, WriteDone done) = 0;
  // Runs `body` in a read-only snapshot on the caller's thread.
  virtual Status Read(ReadBody body) = 0;

  // A cheap round trip proving the database answers (for /healthz).
  virtual Status Ping() = 0;
  // Writes an online, consistent copy of the database to `destination` (a file
  // path for SQLite). PostgreSQL answers kFailedPrecondition with pg_dump advice.
  virtual Status Backup(const std::string& destination) = 0;
  // Finishes queued writes, then closes every connection. Idempotent.
  virtual Status Close() = 0;

  virtual StoreStats Stats() const = 0;
};

enum class SqliteSynchronous : std::uint8_t { kOff, kNormal, kFull, kExtra };

struct StoreOptions {
  // A SQLite file path ("./data/rapport.db") or a postgres:// / postgresql:// URL.
  std::string database = "./data/rapport.db";
  // SQLite only. kFull: every commit survives power loss; kNormal: survives a
  // process crash, may lose the last commits on power loss (WAL).
  SqliteSynchronous sqlite_synchronous = SqliteSynchronous::kFull;
  int reader_pool_size = 8;  // SQLite readers / PostgreSQL connections, ≤ kReaderPoolSizeMax
  int busy_timeout_ms = 5'000;
  bool migrate_on_open = true;   // apply pending migrations when opening
  const Clock* clock = nullptr;  // for recorded_at; the system clock when null
};

}  // namespace rapport::app

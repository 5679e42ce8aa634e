// Secondary indexes dropped for a bulk load and built again after it, for
// both databases (app::LoyaltyWriter::DeferImportIndexes). An index's CREATE
// statement is recorded in deferred_indexes (migration 0008) in the
// transaction that drops it, and its record is deleted in the transaction
// that builds it again, so a load that dies midway loses nothing:
// MigrateDatabase builds whatever is still recorded.
//
// Thread safety: as the session.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "sql/session.h"

#include "rapport/base/clock.h"
#include "rapport/base/status.h"

namespace rapport::store {

// Drops each named index that exists, recording its definition; returns the
// names dropped. Runs inside the caller's transaction. The names are the
// store's own (they are spliced into DROP INDEX).
Result<std::vector<std::string>> DeferIndexes(SqlSession& session, std::span<const std::string_view> names,
                                              Timestamp now);

// Builds one recorded index and deletes its record; its name, or nullopt
// when none is recorded. Runs inside the caller's transaction.
Result<std::optional<std::string>> BuildDeferredIndex(SqlSession& session);

// Builds every recorded index, each in its own transaction (opening the
// store after a load that died); returns how many.
Result<int> BuildAllDeferredIndexes(SqlSession& session);

}  // namespace rapport::store

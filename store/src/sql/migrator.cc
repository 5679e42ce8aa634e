#include "sql/migrator.h"

#include <cstdio>
#include <map>

#include "sql/query_catalog.h"

namespace rapport::store {
namespace {

struct AppliedMigration {
  std::string name;
  std::string checksum;
};

std::string MigrationLabel(int version, std::string_view name) {
  char number[16];
  (void)std::snprintf(number, sizeof number, "%04d", version);
  return std::string(number) + "_" + std::string(name);
}

Result<std::map<int, AppliedMigration>> ListApplied(SqlSession& session) {
  std::map<int, AppliedMigration> applied;
  RAPPORT_RETURN_IF_ERROR(session.Query("migrations_list", {}, [&](const SqlRow& row) {
    applied[static_cast<int>(row.Int(0))] = AppliedMigration{std::string(row.Text(1)), std::string(row.Text(2))};
    return Status();
  }));
  return applied;
}

// Checks that what the database holds is what this binary shipped.
Status VerifyApplied(const std::map<int, AppliedMigration>& applied, std::span<const EmbeddedMigration> embedded) {
  const int latest_known = embedded.empty() ? 0 : embedded.back().version;
  for (const auto& [version, migration] : applied) {
    if (version > latest_known) {
      return FailedPrecondition("the database schema is at version " + std::to_string(applied.rbegin()->first) +
                                " but this binary knows versions up to " + std::to_string(latest_known) +
                                "; run a newer rapport");
    }
  }
  for (const EmbeddedMigration& known : embedded) {
    auto found = applied.find(known.version);
    if (found == applied.end()) continue;
    if (found->second.checksum != MigrationChecksum(known.sql)) {
      return DataLoss("migration " + MigrationLabel(known.version, known.name) + " was applied with checksum " +
                      found->second.checksum + " but this binary ships " + MigrationChecksum(known.sql) +
                      "; the schema history does not match this release");
    }
  }
  return {};
}

Status Rollback(SqlSession& session, Status cause) {
  Status rolled_back = session.ExecuteScript("ROLLBACK");
  (void)rolled_back;  // the cause is what the operator needs to see
  return cause;
}

// One transaction: lock, verify, apply the next pending migration if any.
// Returns the label applied, or an empty string when nothing was pending.
Result<std::string> ApplyNext(SqlSession& session, Timestamp now) {
  const QueryCatalog& catalog = QueryCatalog::For(session.dialect());
  const std::span<const EmbeddedMigration> embedded = EmbeddedMigrations(session.dialect());
  RAPPORT_RETURN_IF_ERROR(session.ExecuteScript(catalog.Get("migrations_begin")));
  auto body = [&]() -> Result<std::string> {
    RAPPORT_RETURN_IF_ERROR(session.Query("migrations_lock", {}, [](const SqlRow&) { return Status(); }));
    RAPPORT_RETURN_IF_ERROR(session.ExecuteScript(catalog.Get("migrations_create_table")));
    RAPPORT_ASSIGN_OR_RETURN(auto applied, ListApplied(session));
    RAPPORT_RETURN_IF_ERROR(VerifyApplied(applied, embedded));
    for (const EmbeddedMigration& migration : embedded) {
      if (applied.contains(migration.version)) continue;
      const std::string label = MigrationLabel(migration.version, migration.name);
      RAPPORT_RETURN_IF_ERROR(session.ExecuteScript(migration.sql).WithContext("migration " + label));
      const std::string checksum = MigrationChecksum(migration.sql);
      const SqlParam params[] = {std::int64_t{migration.version}, migration.name, std::string_view(checksum),
                                 ToUnixMicros(now)};
      RAPPORT_RETURN_IF_ERROR(session.Execute("migrations_record", params).status());
      return label;
    }
    return std::string();
  };
  Result<std::string> outcome = body();
  if (!outcome.ok()) return Rollback(session, outcome.status());
  RAPPORT_RETURN_IF_ERROR(session.ExecuteScript("COMMIT"));
  return outcome;
}

}  // namespace

std::string MigrationChecksum(std::string_view sql) {
  std::uint64_t hash = 14695981039346656037ULL;
  for (unsigned char byte : sql) {
    hash ^= byte;
    hash *= 1099511628211ULL;
  }
  char text[32];
  (void)std::snprintf(text, sizeof text, "fnv1a64:%016llx", static_cast<unsigned long long>(hash));
  return text;
}

Result<int> AppliedSchemaVersion(SqlSession& session) {
  std::int64_t tables = 0;
  RAPPORT_RETURN_IF_ERROR(session.Query("migrations_table_exists", {}, [&](const SqlRow& row) {
    tables = row.Int(0);
    return Status();
  }));
  if (tables == 0) return 0;
  RAPPORT_ASSIGN_OR_RETURN(auto applied, ListApplied(session));
  return applied.empty() ? 0 : applied.rbegin()->first;
}

Result<MigrationReport> ApplyMigrations(SqlSession& session, Timestamp now) {
  MigrationReport report;
  RAPPORT_ASSIGN_OR_RETURN(report.version_before, AppliedSchemaVersion(session));
  const std::size_t migrations_max = EmbeddedMigrations(session.dialect()).size();
  // Each round applies one migration; one more round confirms none is pending.
  for (std::size_t round = 0; round <= migrations_max; ++round) {
    RAPPORT_ASSIGN_OR_RETURN(std::string applied, ApplyNext(session, now));
    if (applied.empty()) break;
    report.applied.push_back(std::move(applied));
  }
  RAPPORT_ASSIGN_OR_RETURN(report.version_after, AppliedSchemaVersion(session));
  return report;
}

}  // namespace rapport::store

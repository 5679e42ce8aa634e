// See deferred_indexes.h. Statements are named in
// store/queries/<dialect>/loyalty_import.sql.
#include "sql/deferred_indexes.h"

#include <algorithm>
#include <cctype>

namespace rapport::store {
namespace {

// An index name the store may splice into DDL: a lower-case SQL identifier.
bool IsPlainIdentifier(std::string_view name) {
  return !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
  });
}

}  // namespace

Result<std::vector<std::string>> DeferIndexes(SqlSession& session, std::span<const std::string_view> names,
                                              Timestamp now) {
  std::vector<std::string> dropped;
  for (const std::string_view name : names) {
    if (!IsPlainIdentifier(name)) return InvalidArgument("\"" + std::string(name) + "\" is not an index name");
    std::optional<std::string> definition;
    const SqlParam lookup[] = {name};
    RAPPORT_RETURN_IF_ERROR(session.Query("deferred_index_definition", lookup, [&](const SqlRow& row) {
      definition = std::string(row.Text(0));
      return Status();
    }));
    if (!definition) continue;  // dropped already (deferred and recorded) or never made
    const SqlParam record[] = {name, std::string_view(*definition), ToUnixMicros(now)};
    RAPPORT_RETURN_IF_ERROR(session.Execute("deferred_index_record", record).status());
    RAPPORT_RETURN_IF_ERROR(session.ExecuteScript("DROP INDEX " + std::string(name)));
    dropped.emplace_back(name);
  }
  return dropped;
}

Result<std::optional<std::string>> BuildDeferredIndex(SqlSession& session) {
  std::optional<std::pair<std::string, std::string>> next;
  RAPPORT_RETURN_IF_ERROR(session.Query("deferred_index_next", {}, [&](const SqlRow& row) {
    next.emplace(std::string(row.Text(0)), std::string(row.Text(1)));
    return Status();
  }));
  if (!next) return std::optional<std::string>();
  RAPPORT_RETURN_IF_ERROR(session.ExecuteScript(next->second).WithContext("building index " + next->first));
  const SqlParam clear[] = {std::string_view(next->first)};
  RAPPORT_RETURN_IF_ERROR(session.Execute("deferred_index_clear", clear).status());
  return std::optional<std::string>(std::move(next->first));
}

Result<int> BuildAllDeferredIndexes(SqlSession& session) {
  int built = 0;
  for (;;) {
    RAPPORT_RETURN_IF_ERROR(session.ExecuteScript("BEGIN"));
    Result<std::optional<std::string>> one = BuildDeferredIndex(session);
    if (!one.ok() || !*one) {
      Status rolled_back = session.ExecuteScript("ROLLBACK");
      (void)rolled_back;  // the cause is what the operator needs to see
      if (!one.ok()) return one.status();
      return built;
    }
    RAPPORT_RETURN_IF_ERROR(session.ExecuteScript("COMMIT"));
    ++built;
  }
}

}  // namespace rapport::store

#include "sql/query_catalog.h"

#include <cctype>

#include "rapport/base/assert.h"

namespace rapport::store {
namespace embedded {
extern const std::string_view k_sqlite_queries;
extern const std::string_view k_postgres_queries;
extern const EmbeddedMigration k_sqlite_migrations[];
extern const std::size_t k_sqlite_migration_count;
extern const EmbeddedMigration k_postgres_migrations[];
extern const std::size_t k_postgres_migration_count;
}  // namespace embedded

namespace {

constexpr std::string_view kNameMarker = "-- name:";

std::string_view Trim(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) text.remove_prefix(1);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.remove_suffix(1);
  return text;
}

}  // namespace

QueryCatalog QueryCatalog::Parse(std::string_view text) {
  QueryCatalog catalog;
  std::string current_name;
  std::string current_body;
  auto flush = [&] {
    if (current_name.empty()) return;
    std::string_view body = Trim(current_body);
    while (!body.empty() && body.back() == ';') body = Trim(body.substr(0, body.size() - 1));
    RAPPORT_ASSERT_MSG(!body.empty(), current_name.c_str());
    const bool inserted = catalog.statements_.emplace(current_name, std::string(body)).second;
    RAPPORT_ASSERT_MSG(inserted, current_name.c_str());
    current_name.clear();
    current_body.clear();
  };
  while (!text.empty()) {
    const std::size_t end = text.find('\n');
    std::string_view line = text.substr(0, end);
    text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
    std::string_view trimmed = Trim(line);
    if (trimmed.starts_with(kNameMarker)) {
      flush();
      current_name = std::string(Trim(trimmed.substr(kNameMarker.size())));
      RAPPORT_ASSERT(!current_name.empty());
    } else if (!current_name.empty() && !trimmed.starts_with("--")) {
      current_body.append(line);
      current_body.push_back('\n');
    }
  }
  flush();
  return catalog;
}

const QueryCatalog& QueryCatalog::For(Dialect dialect) {
  static const QueryCatalog sqlite = Parse(embedded::k_sqlite_queries);
  static const QueryCatalog postgres = Parse(embedded::k_postgres_queries);
  return dialect == Dialect::kSqlite ? sqlite : postgres;
}

std::string_view QueryCatalog::Get(std::string_view name) const {
  auto found = statements_.find(name);
  RAPPORT_ASSERT_MSG(found != statements_.end(), std::string(name).c_str());
  return found->second;
}

bool QueryCatalog::Contains(std::string_view name) const { return statements_.find(name) != statements_.end(); }

std::vector<std::string_view> QueryCatalog::Names() const {
  std::vector<std::string_view> names;
  names.reserve(statements_.size());
  for (const auto& [name, statement] : statements_) names.push_back(name);
  return names;
}

std::span<const EmbeddedMigration> EmbeddedMigrations(Dialect dialect) {
  if (dialect == Dialect::kSqlite) return {embedded::k_sqlite_migrations, embedded::k_sqlite_migration_count};
  return {embedded::k_postgres_migrations, embedded::k_postgres_migration_count};
}

}  // namespace rapport::store

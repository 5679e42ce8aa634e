// QueryCatalog: named SQL statements parsed from the .sql files embedded at
// build time (store/queries/<dialect>/*.sql, generated into
// embedded_sql.cc). A file holds blocks that each start with a line
//   -- name: event_append
// followed by one statement. Names are unique per dialect; a duplicate or
// unknown name is a bug and asserts, because the files ship inside the binary.
//
// Thread safety: immutable after construction; Get is safe from any thread.
#pragma once

#include <map>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "sql/session.h"

namespace rapport::store {

class QueryCatalog {
 public:
  // The catalog of a dialect, built once from the embedded files.
  static const QueryCatalog& For(Dialect dialect);
  // Parses catalog text (exposed for tests).
  static QueryCatalog Parse(std::string_view text);

  // The statement text of `name`; asserts that it exists.
  std::string_view Get(std::string_view name) const;
  bool Contains(std::string_view name) const;
  std::vector<std::string_view> Names() const;

 private:
  std::map<std::string, std::string, std::less<>> statements_;
};

// A migration script embedded from store/migrations/<dialect>/NNNN_name.sql.
struct EmbeddedMigration {
  int version;
  std::string_view name;
  std::string_view sql;
};

// Ascending by version.
std::span<const EmbeddedMigration> EmbeddedMigrations(Dialect dialect);

}  // namespace rapport::store

// Reading stored values back: nullable integer and time columns, and enum
// names the domain parses. A stored name the domain does not know was written
// by hand or by a newer release, so the row cannot be read faithfully: that is
// kDataLoss, never a guess.
//
// Thread safety: free functions over one row.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "sql/session.h"

#include "rapport/base/clock.h"
#include "rapport/base/status.h"

namespace rapport::store {

inline std::optional<std::int64_t> OptionalIntColumn(const SqlRow& row, int column) {
  if (row.IsNull(column)) return std::nullopt;
  return row.Int(column);
}

inline std::optional<Timestamp> OptionalTimestamp(const SqlRow& row, int column) {
  if (row.IsNull(column)) return std::nullopt;
  return FromUnixMicros(row.Int(column));
}

// "<table> row holds the unknown <what> '<name>'; …" as kDataLoss.
inline Status UnknownStoredValue(std::string_view table, std::string_view what, std::string_view name) {
  return DataLoss(std::string(table) + " row holds the unknown " + std::string(what) + " '" + std::string(name) +
                  "'; it was written by hand or by a newer release");
}

// The enum named in `column`, parsed by `parse`.
template <typename Enum>
Result<Enum> EnumFromColumn(const SqlRow& row, int column, std::string_view table,
                            std::optional<Enum> (*parse)(std::string_view), std::string_view what = "value") {
  const std::string_view name = row.Text(column);
  const std::optional<Enum> value = parse(name);
  if (!value) return UnknownStoredValue(table, what, name);
  return *value;
}

}  // namespace rapport::store

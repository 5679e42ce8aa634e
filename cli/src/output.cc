// See output.h.
#include "output.h"

#include <algorithm>
#include <cstdio>
#include <ostream>

#include "rapport/base/assert.h"

namespace rapport::cli {

TextTable::TextTable(std::vector<std::string> header) : header_(std::move(header)) { RAPPORT_ASSERT(!header_.empty()); }

void TextTable::AddRow(std::vector<std::string> cells) {
  RAPPORT_ASSERT(cells.size() == header_.size());
  rows_.push_back(std::move(cells));
}

void TextTable::Print(std::ostream& out) const {
  std::vector<std::size_t> widths;
  widths.reserve(header_.size());
  for (const std::string& title : header_) widths.push_back(title.size());
  for (const std::vector<std::string>& row : rows_) {
    for (std::size_t column = 0; column < row.size(); ++column) {
      widths[column] = std::max(widths[column], row[column].size());
    }
  }
  const auto print_row = [&](const std::vector<std::string>& row) {
    for (std::size_t column = 0; column < row.size(); ++column) {
      const bool last = column + 1 == row.size();
      out << row[column];
      if (!last) out << std::string(widths[column] - row[column].size() + 2, ' ');
    }
    out << '\n';
  };
  print_row(header_);
  for (const std::vector<std::string>& row : rows_) print_row(row);
}

std::string JsonQuoted(std::string_view text) {
  std::string quoted;
  quoted.reserve(text.size() + 2);
  quoted.push_back('"');
  for (const char character : text) {
    switch (character) {
      case '"': quoted += "\\\""; break;
      case '\\': quoted += "\\\\"; break;
      case '\n': quoted += "\\n"; break;
      case '\r': quoted += "\\r"; break;
      case '\t': quoted += "\\t"; break;
      default:
        if (static_cast<unsigned char>(character) < 0x20) {
          char escape[8];
          (void)std::snprintf(escape, sizeof escape, "\\u%04x", static_cast<unsigned>(character));
          quoted += escape;
        } else {
          quoted.push_back(character);
        }
    }
  }
  quoted.push_back('"');
  return quoted;
}

}  // namespace rapport::cli

// Output helpers for listing commands: an aligned text table for people and
// JSON strings for one-object-per-line output that scripts read.
//
// Thread safety: TextTable is a value owned by one thread; JsonQuoted is pure.
#pragma once

#include <cstddef>
#include <iosfwd>
#include <string>
#include <string_view>
#include <vector>

namespace rapport::cli {

// Columns padded to their widest cell (counted in bytes, which is what a
// terminal shows for ASCII; wider scripts may misalign but stay readable),
// separated by two spaces; the last column is not padded.
class TextTable {
 public:
  explicit TextTable(std::vector<std::string> header);

  // A row must have as many cells as the header.
  void AddRow(std::vector<std::string> cells);
  void Print(std::ostream& out) const;
  std::size_t row_count() const { return rows_.size(); }

 private:
  std::vector<std::string> header_;
  std::vector<std::vector<std::string>> rows_;
};

// `text` as a JSON string literal with its quotes: escapes '"', '\\' and
// control characters; other bytes (UTF-8) pass through.
std::string JsonQuoted(std::string_view text);

}  // namespace rapport::cli

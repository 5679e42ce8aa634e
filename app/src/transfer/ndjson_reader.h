// NdjsonReader: a streaming reader of newline-delimited JSON over a
// ByteSource: one JSON object per line, blank lines skipped. Each object is
// flattened to (key, text) pairs the importer maps like CSV columns:
//  * strings as they are, numbers as their shortest decimal text, true/false;
//  * null is left out (a missing value, as an empty CSV cell);
//  * an array of scalars is joined with ';' ("other_emails", "roles");
//  * a nested object one level deep becomes "key.sub" ("address.line1",
//    "custom.tier");
//  * "companies" (the export's array of links) gives "company" and
//    "job_title" of the primary link (or the first).
// A line that is too long, not JSON, not an object or not UTF-8 is returned
// with `error` set and its line number, and reading goes on.
//
// Thread safety: one reader per thread; views stay valid until the next Next.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "transfer/csv_reader.h"

namespace rapport::app::transfer {

// The physical lines of a source without their line breaks (LF or CRLF),
// after a UTF-8 byte order mark at the start. A line longer than
// `line_bytes_max` comes back empty with too_long() set, and reading goes on
// with the next one.
class LineReader {
 public:
  LineReader(ByteSource& source, std::size_t line_bytes_max) : input_(source), line_bytes_max_(line_bytes_max) {}

  // The next line into line(); false at the end.
  Result<bool> Next();
  // The current line; a parser may reserve padding behind it.
  std::string& line() { return line_; }
  bool too_long() const { return too_long_; }
  std::uint64_t number() const { return number_; }  // of the current line, 1-based
  std::size_t line_bytes_max() const { return line_bytes_max_; }
  std::uint64_t bytes_read() const { return input_.bytes_read(); }

 private:
  ChunkedInput input_;
  std::size_t line_bytes_max_;
  std::string line_;
  std::uint64_t number_ = 0;
  bool too_long_ = false;
  bool started_ = false;
};

struct NdjsonRecord {
  std::uint64_t line = 0;
  std::span<const std::pair<std::string_view, std::string_view>> pairs{};
  std::string error{};
};

class NdjsonReader {
 public:
  explicit NdjsonReader(ByteSource& source, std::size_t line_bytes_max = limits::kImportRowBytesMax);
  ~NdjsonReader();

  Result<std::optional<NdjsonRecord>> Next();
  std::uint64_t bytes_read() const { return lines_.bytes_read(); }

 private:
  struct Parser;

  LineReader lines_;
  std::unique_ptr<Parser> parser_;
  std::string storage_;
  std::vector<std::pair<std::size_t, std::size_t>> key_ranges_;
  std::vector<std::pair<std::size_t, std::size_t>> value_ranges_;
  std::vector<std::pair<std::string_view, std::string_view>> pairs_;
  std::string error_;
};

}  // namespace rapport::app::transfer

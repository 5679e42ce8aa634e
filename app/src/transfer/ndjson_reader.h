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
  std::uint64_t bytes_read() const { return input_.bytes_read(); }

 private:
  struct Parser;

  // The next physical line (without its line break) into line_; false at the end.
  Result<bool> ReadLine();

  ChunkedInput input_;
  std::size_t line_bytes_max_;
  std::unique_ptr<Parser> parser_;
  std::uint64_t line_number_ = 0;
  std::string line_;
  bool line_too_long_ = false;
  bool started_ = false;
  std::string storage_;
  std::vector<std::pair<std::size_t, std::size_t>> key_ranges_;
  std::vector<std::pair<std::size_t, std::size_t>> value_ranges_;
  std::vector<std::pair<std::string_view, std::string_view>> pairs_;
  std::string error_;
};

}  // namespace rapport::app::transfer

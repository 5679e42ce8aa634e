// CsvReader: a streaming RFC 4180 reader over a ByteSource. It reads the
// source in fixed-size chunks, so memory is bounded by the chunk plus one
// record (at most limits::kImportRowBytesMax bytes are kept of a record).
//
// What it accepts: a UTF-8 BOM at the start (skipped); any one-byte delimiter
// (detected from the first line when not given: ',', ';', '\t' or '|');
// quoted fields with doubled quotes and line breaks inside; LF, CRLF or CR
// line ends; empty lines (skipped). A record that breaks a rule (too long,
// too many columns, text after a closing quote, a quote never closed, bytes
// that are not UTF-8) is still returned, with `error` set, so the caller can
// report it by line and go on with the next one.
//
// Line numbers are physical: the line where a record starts, 1-based,
// counting the line breaks inside quoted fields.
//
// Thread safety: one reader per thread; the fields of a record are views into
// the reader and stay valid until the next call to Next.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "transfer/sniffing_source.h"

#include "rapport/app/contact_transfer.h"
#include "rapport/base/limits.h"
#include "rapport/base/status.h"

namespace rapport::app::transfer {

inline constexpr std::size_t kReadChunkBytes = std::size_t{1} << 18;  // 256 KiB per read

struct CsvRecord {
  std::uint64_t line = 0;                      // where the record starts
  std::span<const std::string_view> fields{};  // views into the reader
  std::string error{};                         // "" when the record is well formed
};

struct CsvOptions {
  std::optional<char> delimiter{};  // detected when unset
  std::size_t row_bytes_max = limits::kImportRowBytesMax;
  std::size_t columns_max = limits::kImportColumnsMax;
};

// The delimiter of a CSV whose text starts with `head`: of ',', ';', '\t' and
// '|', the one seen most often outside quotes on the first line; ',' if none.
char DetectDelimiter(std::string_view head);

// Reads bytes in chunks and tracks how many were read; shared by the CSV and
// NDJSON readers. Peek/Take avoid copying: the chunk is read in place.
class ChunkedInput {
 public:
  explicit ChunkedInput(ByteSource& source, std::size_t chunk_bytes = kReadChunkBytes);
  // Makes at least one unread byte available; false at the end of the source.
  Result<bool> Fill();
  // Reads until `bytes` are available, a line break is among them, or the
  // source ends (at most one chunk): the start of a file for sniffing.
  Result<std::string_view> PeekHead(std::size_t bytes);
  std::string_view Available() const { return {buffer_.get() + position_, end_ - position_}; }
  void Consume(std::size_t bytes) { position_ += bytes; }
  std::uint64_t bytes_read() const { return bytes_read_; }
  bool at_end() const { return eof_ && position_ == end_; }

 private:
  ByteSource& source_;
  std::size_t chunk_bytes_;
  std::unique_ptr<char[]> buffer_;
  std::size_t position_ = 0;
  std::size_t end_ = 0;
  std::uint64_t bytes_read_ = 0;
  bool eof_ = false;
};

class CsvReader {
 public:
  CsvReader(ByteSource& source, CsvOptions options = {});

  // The next record; nullopt at the end of the source. The views in the
  // returned record stay valid until the next call.
  Result<std::optional<CsvRecord>> Next();

  // The delimiter in use (detected on the first call to Next).
  char delimiter() const { return delimiter_; }
  std::uint64_t bytes_read() const { return input_.bytes_read(); }

 private:
  enum class State : std::uint8_t { kFieldStart, kUnquoted, kQuoted, kQuoteInQuoted };

  Status Start();
  void EndField();
  void Append(const char* data, std::size_t size);
  void SetError(std::string reason);

  ChunkedInput input_;
  CsvOptions options_;
  char delimiter_ = ',';
  bool started_ = false;
  bool skip_line_feed_ = false;  // the previous byte was a CR ending a line
  std::uint64_t line_ = 1;       // the physical line of the next byte

  // The record being assembled: its field bytes back to back, where each ends.
  std::string storage_;
  std::vector<std::size_t> field_ends_;
  std::vector<std::string_view> fields_;
  std::uint64_t record_line_ = 0;
  std::size_t record_bytes_ = 0;  // bytes of the record consumed, delimiters included
  std::string error_;
  bool overflow_ = false;  // stopped keeping bytes or fields of this record
};

}  // namespace rapport::app::transfer

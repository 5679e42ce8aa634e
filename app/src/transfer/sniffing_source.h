// Reading an import file's head before its rows: the checks that refuse a
// file that is not UTF-8 text before anything is written, and a ByteSource
// that hands the sniffed head out again followed by the rest.
//
// Thread safety: a SniffingSource belongs to one reader thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "rapport/app/contact_transfer.h"

namespace rapport::app::transfer {

// The head examined before rows are read: for the encoding and the CSV delimiter.
inline constexpr std::size_t kSniffBytes = std::size_t{1} << 16;

enum class HeadCheck : std::uint8_t {
  kMarks,      // a UTF-16 byte order mark or NUL bytes only (rows are checked one by one)
  kWholeHead,  // also every byte of the head as UTF-8 (a sequence cut by its end excepted)
};

// Why a file's head shows it is not UTF-8 text, or "" when it may be.
std::string EncodingProblem(std::string_view head, HeadCheck check);

// Reads up to kSniffBytes first (Sniff), then hands out the same bytes again
// followed by the rest. Counts the bytes handed out.
class SniffingSource : public ByteSource {
 public:
  explicit SniffingSource(ByteSource& inner) : inner_(inner) {}

  Status Sniff();
  std::string_view head() const { return head_; }

  Result<std::size_t> Read(std::span<char> buffer) override;
  std::optional<std::uint64_t> Size() const override { return inner_.Size(); }
  Status Rewind() override;
  std::uint64_t bytes_read() const { return bytes_read_; }

 private:
  ByteSource& inner_;
  std::string head_;
  std::size_t position_ = 0;
  std::uint64_t bytes_read_ = 0;
};

}  // namespace rapport::app::transfer

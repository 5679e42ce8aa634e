// See csv_reader.h. The inner loops scan runs of plain bytes (memchr inside
// quotes, a tight loop outside) and copy them to the record in one append, so
// the cost per byte stays low and no allocation happens per record once the
// buffers have grown to the widest record.
#include "transfer/csv_reader.h"

#include <simdjson.h>

#include <algorithm>
#include <array>
#include <cstring>

namespace rapport::app::transfer {

char DetectDelimiter(std::string_view head) {
  constexpr std::array<char, 4> kCandidates = {',', ';', '\t', '|'};
  std::array<std::size_t, 4> counts{};
  bool quoted = false;
  for (char c : head) {
    if (c == '"') {
      quoted = !quoted;
      continue;
    }
    if (quoted) continue;
    if (c == '\n' || c == '\r') break;
    for (std::size_t i = 0; i < kCandidates.size(); ++i) {
      if (c == kCandidates[i]) ++counts[i];
    }
  }
  std::size_t best = 0;
  for (std::size_t i = 1; i < counts.size(); ++i) {
    if (counts[i] > counts[best]) best = i;
  }
  return counts[best] == 0 ? ',' : kCandidates[best];
}

ChunkedInput::ChunkedInput(ByteSource& source, std::size_t chunk_bytes)
    : source_(source), chunk_bytes_(chunk_bytes), buffer_(new char[chunk_bytes]) {}

Result<bool> ChunkedInput::Fill() {
  if (position_ < end_) return true;
  if (eof_) return false;
  RAPPORT_ASSIGN_OR_RETURN(const std::size_t read, source_.Read(std::span<char>(buffer_.get(), chunk_bytes_)));
  position_ = 0;
  end_ = read;
  bytes_read_ += read;
  if (read == 0) eof_ = true;
  return read > 0;
}

Result<std::string_view> ChunkedInput::PeekHead(std::size_t bytes) {
  bytes = std::min(bytes, chunk_bytes_);
  if (position_ > 0) {  // keep the unread bytes at the front
    std::memmove(buffer_.get(), buffer_.get() + position_, end_ - position_);
    end_ -= position_;
    position_ = 0;
  }
  while (!eof_ && end_ < bytes && std::memchr(buffer_.get(), '\n', end_) == nullptr) {
    RAPPORT_ASSIGN_OR_RETURN(const std::size_t read,
                             source_.Read(std::span<char>(buffer_.get() + end_, chunk_bytes_ - end_)));
    bytes_read_ += read;
    end_ += read;
    if (read == 0) eof_ = true;
  }
  return Available();
}

CsvReader::CsvReader(ByteSource& source, CsvOptions options) : input_(source), options_(options) {
  fields_.reserve(64);
  field_ends_.reserve(64);
  storage_.reserve(1024);
}

Status CsvReader::Start() {
  started_ = true;
  RAPPORT_ASSIGN_OR_RETURN(std::string_view head, input_.PeekHead(kSniffBytes));
  if (head.starts_with("\xEF\xBB\xBF")) {
    input_.Consume(3);
    head.remove_prefix(3);
  }
  delimiter_ = options_.delimiter.has_value() ? *options_.delimiter : DetectDelimiter(head);
  return Status();
}

void CsvReader::SetError(std::string reason) {
  if (error_.empty()) error_ = std::move(reason);
}

void CsvReader::Append(const char* data, std::size_t size) {
  if (overflow_) return;
  if (storage_.size() + size > options_.row_bytes_max) {
    SetError("the record is longer than " + std::to_string(options_.row_bytes_max) + " bytes");
    overflow_ = true;
    return;
  }
  storage_.append(data, size);
}

void CsvReader::EndField() {
  if (overflow_) return;
  if (field_ends_.size() >= options_.columns_max) {
    SetError("the record has more than " + std::to_string(options_.columns_max) + " columns");
    overflow_ = true;
    return;
  }
  field_ends_.push_back(storage_.size());
}

Result<std::optional<CsvRecord>> CsvReader::Next() {
  if (!started_) RAPPORT_RETURN_IF_ERROR(Start());
  storage_.clear();
  field_ends_.clear();
  error_.clear();
  overflow_ = false;
  record_line_ = line_;
  State state = State::kFieldStart;
  bool in_record = false;
  bool done = false;
  const char delimiter = delimiter_;
  while (!done) {
    RAPPORT_ASSIGN_OR_RETURN(const bool more, input_.Fill());
    if (!more) {
      if (!in_record) return std::optional<CsvRecord>();
      if (state == State::kQuoted) SetError("a quoted field is not closed before the end of the file");
      EndField();
      break;
    }
    const std::string_view chunk = input_.Available();
    const char* const begin = chunk.data();
    const char* const end = begin + chunk.size();
    const char* p = begin;
    while (p < end) {
      if (skip_line_feed_) {
        skip_line_feed_ = false;
        if (*p == '\n') {
          ++p;
          continue;
        }
      }
      if (state == State::kQuoted) {
        const void* quote = std::memchr(p, '"', static_cast<std::size_t>(end - p));
        const char* stop = quote != nullptr ? static_cast<const char*>(quote) : end;
        line_ += static_cast<std::uint64_t>(std::count(p, stop, '\n'));
        Append(p, static_cast<std::size_t>(stop - p));
        p = stop;
        if (p < end) {
          ++p;
          state = State::kQuoteInQuoted;
        }
        continue;
      }
      if (state == State::kQuoteInQuoted) {
        if (*p == '"') {
          Append(p, 1);
          ++p;
          state = State::kQuoted;
          continue;
        }
        state = State::kUnquoted;
        if (*p != delimiter && *p != '\n' && *p != '\r') SetError("text follows a closing quote");
      }
      if (state == State::kFieldStart && *p == '"') {
        state = State::kQuoted;
        in_record = true;
        ++p;
        continue;
      }
      const char* stop = p;
      while (stop < end && *stop != delimiter && *stop != '\n' && *stop != '\r') ++stop;
      if (stop > p) {
        Append(p, static_cast<std::size_t>(stop - p));
        in_record = true;
        state = State::kUnquoted;
        p = stop;
      }
      if (p == end) break;
      const char c = *p++;
      if (c == delimiter) {
        EndField();
        state = State::kFieldStart;
        in_record = true;
        continue;
      }
      ++line_;
      if (c == '\r') skip_line_feed_ = true;
      if (!in_record) {  // an empty line
        record_line_ = line_;
        continue;
      }
      EndField();
      done = true;
      break;
    }
    input_.Consume(static_cast<std::size_t>(p - begin));
  }
  if (error_.empty() && !simdjson::validate_utf8(storage_.data(), storage_.size())) {
    SetError("the record is not valid UTF-8");
  }
  fields_.clear();
  std::size_t start = 0;
  for (std::size_t field_end : field_ends_) {
    fields_.emplace_back(storage_.data() + start, field_end - start);
    start = field_end;
  }
  return std::optional<CsvRecord>(CsvRecord{.line = record_line_, .fields = fields_, .error = error_});
}

}  // namespace rapport::app::transfer

// See sniffing_source.h.
#include "transfer/sniffing_source.h"

#include <simdjson.h>

#include <algorithm>
#include <cstring>

namespace rapport::app::transfer {

std::string EncodingProblem(std::string_view head, HeadCheck check) {
  if (head.starts_with("\xFF\xFE") || head.starts_with("\xFE\xFF")) {
    return "the file is UTF-16 (it starts with a UTF-16 byte order mark); save it as UTF-8 and import it again";
  }
  if (head.find('\0') != std::string_view::npos) {
    return "the file holds NUL bytes: it is not UTF-8 text (UTF-16 or a binary file?); save it as UTF-8";
  }
  if (check == HeadCheck::kMarks) return "";
  // A multi-byte sequence cut by the end of the head is not an error.
  std::size_t end = head.size();
  for (std::size_t back = 0; back < 3 && end > 0; ++back) {
    const auto byte = static_cast<unsigned char>(head[end - 1]);
    if ((byte & 0xC0) == 0x80) {
      --end;
      continue;
    }
    if (byte >= 0xC0) --end;
    break;
  }
  if (head.size() < kSniffBytes) end = head.size();  // the whole file: nothing is cut
  if (!simdjson::validate_utf8(head.data(), end)) {
    return "the file is not UTF-8 (perhaps Windows-1251 or Latin-1); save it as UTF-8 and import it again";
  }
  return "";
}

Status SniffingSource::Sniff() {
  head_.resize(kSniffBytes);
  std::size_t filled = 0;
  while (filled < head_.size()) {
    RAPPORT_ASSIGN_OR_RETURN(const std::size_t read,
                             inner_.Read(std::span<char>(head_.data() + filled, head_.size() - filled)));
    if (read == 0) break;
    filled += read;
  }
  head_.resize(filled);
  position_ = 0;
  return Status();
}

Result<std::size_t> SniffingSource::Read(std::span<char> buffer) {
  if (position_ < head_.size()) {
    const std::size_t size = std::min(buffer.size(), head_.size() - position_);
    std::memcpy(buffer.data(), head_.data() + position_, size);
    position_ += size;
    bytes_read_ += size;
    return size;
  }
  RAPPORT_ASSIGN_OR_RETURN(const std::size_t read, inner_.Read(buffer));
  bytes_read_ += read;
  return read;
}

Status SniffingSource::Rewind() {
  RAPPORT_RETURN_IF_ERROR(inner_.Rewind());
  head_.clear();
  position_ = 0;
  bytes_read_ = 0;
  return Status();
}

}  // namespace rapport::app::transfer

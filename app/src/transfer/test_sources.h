// Test doubles for the transfer tests: a ByteSource over a string that hands
// out at most `chunk` bytes per read (to cross every buffer boundary), and a
// ByteSink that collects what is written.
#pragma once

#include <algorithm>
#include <cstring>
#include <string>

#include "rapport/app/contact_transfer.h"

namespace rapport::app::transfer {

class StringSource : public ByteSource {
 public:
  explicit StringSource(std::string text, std::size_t chunk = 1 << 20) : text_(std::move(text)), chunk_(chunk) {}
  Result<std::size_t> Read(std::span<char> buffer) override {
    const std::size_t size = std::min({buffer.size(), chunk_, text_.size() - position_});
    std::memcpy(buffer.data(), text_.data() + position_, size);
    position_ += size;
    return size;
  }
  std::optional<std::uint64_t> Size() const override { return text_.size(); }
  Status Rewind() override {
    position_ = 0;
    return Status();
  }

 private:
  std::string text_;
  std::size_t chunk_;
  std::size_t position_ = 0;
};

class StringSink : public ByteSink {
 public:
  Status Write(std::string_view bytes) override {
    text.append(bytes);
    return Status();
  }
  std::string text;
};

}  // namespace rapport::app::transfer

// See file_io.h.
#include "file_io.h"

#include <ostream>

#include <sys/stat.h>

namespace rapport::cli {

FileSource::~FileSource() { std::fclose(file_); }

Result<std::size_t> FileSource::Read(std::span<char> buffer) {
  const std::size_t read = std::fread(buffer.data(), 1, buffer.size(), file_);
  if (read == 0 && std::ferror(file_) != 0) return Internal("reading the file failed");
  return read;
}

std::optional<std::uint64_t> FileSource::Size() const {
  struct stat info {};
  if (fstat(fileno(file_), &info) != 0 || !S_ISREG(info.st_mode)) return std::nullopt;
  return static_cast<std::uint64_t>(info.st_size);
}

Status FileSource::Rewind() {
  if (std::fseek(file_, 0, SEEK_SET) != 0) return FailedPrecondition("the file cannot be read twice (a pipe?)");
  std::clearerr(file_);
  return Status();
}

FileSink::~FileSink() {
  if (file_ != nullptr) std::fclose(file_);
}

Status FileSink::Write(std::string_view bytes) {
  if (bytes.empty()) return Status();
  if (stream_ != nullptr) {
    stream_->write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    return stream_->good() ? Status() : Internal("writing the output failed");
  }
  if (file_ == nullptr) {
    file_ = std::fopen(path_.c_str(), "wb");
    if (file_ == nullptr) return Internal("cannot create " + path_);
  }
  if (std::fwrite(bytes.data(), 1, bytes.size(), file_) != bytes.size()) {
    return Internal("writing " + path_ + " failed");
  }
  return Status();
}

Status FileSink::Open() {
  if (stream_ != nullptr || file_ != nullptr) return Status();
  file_ = std::fopen(path_.c_str(), "wb");
  return file_ != nullptr ? Status() : Internal("cannot create " + path_);
}

Status FileSink::Close() {
  if (file_ != nullptr && std::fclose(file_) != 0) {
    file_ = nullptr;
    return Internal("writing " + path_ + " failed");
  }
  file_ = nullptr;
  if (stream_ != nullptr) stream_->flush();
  return Status();
}

}  // namespace rapport::cli

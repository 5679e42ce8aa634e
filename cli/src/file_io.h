// The files an import reads and an export or error report writes, as the
// app's byte ports. Private to cli/.
//
// Thread safety: each object belongs to the CLI's one thread.
#pragma once

#include <cstdint>
#include <cstdio>
#include <iosfwd>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "rapport/app/contact_transfer.h"

namespace rapport::cli {

// A file read in chunks; rewindable for all-or-nothing imports. Owns the
// handle.
class FileSource : public app::ByteSource {
 public:
  explicit FileSource(std::FILE* file) : file_(file) {}
  ~FileSource() override;
  FileSource(const FileSource&) = delete;
  FileSource& operator=(const FileSource&) = delete;

  Result<std::size_t> Read(std::span<char> buffer) override;
  std::optional<std::uint64_t> Size() const override;
  Status Rewind() override;

 private:
  std::FILE* file_;
};

// Writes to a file opened on the first write (an error report only exists
// when there are errors), or to a stream.
class FileSink : public app::ByteSink {
 public:
  explicit FileSink(std::string path) : path_(std::move(path)) {}
  explicit FileSink(std::ostream& stream) : stream_(&stream) {}
  ~FileSink() override;
  FileSink(const FileSink&) = delete;
  FileSink& operator=(const FileSink&) = delete;

  Status Write(std::string_view bytes) override;
  // Creates the file now (an export of no rows still leaves a file).
  Status Open();
  Status Close();

 private:
  std::string path_;
  std::ostream* stream_ = nullptr;
  std::FILE* file_ = nullptr;
};

}  // namespace rapport::cli

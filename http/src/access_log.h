// AccessLog: one log line per request without a lock or a system call on the
// request path. Each io thread owns one spdlog logger whose sink collects
// formatted lines in a buffer and writes them to stderr in chunks of whole
// lines of at most kChunkBytesMax (so a chunk never interleaves with other
// writers on a pipe), plus a flush from a timer on that io thread; nginx's
// `access_log … buffer= flush=` works the same way. Lines keep the process's
// log format (text or JSON) because the loggers are initialised from the
// spdlog registry that main configured.
//
// Thread safety: logger(index) is used only by io thread `index`; Flush may
// be called from any thread once the io threads have stopped.
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <vector>

#include <spdlog/logger.h>

namespace rapport::http {

class AccessLog {
 public:
  static constexpr std::size_t kChunkBytesMax = 4'096;  // PIPE_BUF: atomic on pipes
  static constexpr std::chrono::milliseconds kFlushInterval{250};

  explicit AccessLog(int io_threads);
  spdlog::logger& logger(std::size_t io_thread_index) { return *loggers_[io_thread_index]; }
  void FlushAll();

 private:
  std::vector<std::shared_ptr<spdlog::logger>> loggers_;
};

}  // namespace rapport::http

#include "access_log.h"

#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdint>
#include <string>

#include <spdlog/details/null_mutex.h>
#include <spdlog/sinks/base_sink.h>
#include <spdlog/spdlog.h>

namespace rapport::http {
namespace {

// Buffers formatted lines and writes whole lines to stderr. Single-threaded
// by contract (null_mutex): one io thread owns it.
class ChunkedStderrSink final : public spdlog::sinks::base_sink<spdlog::details::null_mutex> {
 public:
  ChunkedStderrSink() { buffer_.reserve(AccessLog::kChunkBytesMax); }
  ~ChunkedStderrSink() override { WriteBuffer(); }

 protected:
  void sink_it_(const spdlog::details::log_msg& message) override {
    spdlog::memory_buf_t line;
    formatter_->format(message, line);
    if (buffer_.size() + line.size() > AccessLog::kChunkBytesMax) WriteBuffer();
    buffer_.append(line.data(), line.size());
  }
  void flush_() override { WriteBuffer(); }

 private:
  void WriteBuffer() {
    std::size_t written = 0;
    while (written < buffer_.size()) {
      const ssize_t result = ::write(STDERR_FILENO, buffer_.data() + written, buffer_.size() - written);
      if (result < 0 && errno == EINTR) continue;
      if (result <= 0) break;  // stderr is gone: drop the lines rather than block serving
      written += static_cast<std::size_t>(result);
    }
    buffer_.clear();
  }

  std::string buffer_;
};

}  // namespace

AccessLog::AccessLog(int io_threads) {
  // Names are unique per process: the registry refuses a name twice, and a
  // process (a test) may run several servers.
  static std::atomic<std::uint64_t> instances{0};
  const std::string prefix = "access-" + std::to_string(instances.fetch_add(1)) + "-";
  for (int index = 0; index < io_threads; ++index) {
    auto logger =
        std::make_shared<spdlog::logger>(prefix + std::to_string(index), std::make_shared<ChunkedStderrSink>());
    // Takes the registry's formatter and level, as main configured them.
    spdlog::initialize_logger(logger);
    spdlog::drop(logger->name());  // owned here, not by the registry
    loggers_.push_back(std::move(logger));
  }
}

void AccessLog::FlushAll() {
  for (const std::shared_ptr<spdlog::logger>& logger : loggers_) logger->flush();
}

}  // namespace rapport::http

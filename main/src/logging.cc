#include "logging.h"

#include <cstdio>
#include <cstdlib>
#include <string_view>

#include <spdlog/async.h>
#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

namespace rapport::main {
namespace {

constexpr std::size_t kLogQueueLinesMax = 16'384;

// %* in a pattern: the message escaped as the inside of a JSON string, so a
// request path with quotes or control characters cannot break a log line.
class JsonEscapedMessage final : public spdlog::custom_flag_formatter {
 public:
  void format(const spdlog::details::log_msg& message, const std::tm&, spdlog::memory_buf_t& out) override {
    for (char c : std::string_view(message.payload.data(), message.payload.size())) {
      switch (c) {
        case '"': Append(out, "\\\""); break;
        case '\\': Append(out, "\\\\"); break;
        case '\n': Append(out, "\\n"); break;
        case '\r': Append(out, "\\r"); break;
        case '\t': Append(out, "\\t"); break;
        default:
          if (static_cast<unsigned char>(c) < 0x20) {
            char escaped[8];
            (void)std::snprintf(escaped, sizeof escaped, "\\u%04x", c);
            Append(out, escaped);
          } else {
            out.push_back(c);
          }
      }
    }
  }
  std::unique_ptr<custom_flag_formatter> clone() const override { return std::make_unique<JsonEscapedMessage>(); }

 private:
  static void Append(spdlog::memory_buf_t& out, std::string_view text) {
    out.append(text.data(), text.data() + text.size());
  }
};

}  // namespace

void ConfigureLogging() {
  // Log lines (one per HTTP request among them) are formatted and written by
  // one background thread, so io threads never wait on stderr. A full queue
  // blocks the caller rather than dropping lines.
  spdlog::init_thread_pool(kLogQueueLinesMax, 1);
  auto logger = spdlog::create_async<spdlog::sinks::stderr_color_sink_mt>("rapport");
  spdlog::set_default_logger(logger);
  const char* level = std::getenv("RAPPORT_LOG_LEVEL");
  spdlog::set_level(level != nullptr ? spdlog::level::from_str(level) : spdlog::level::info);
  const char* format = std::getenv("RAPPORT_LOG_FORMAT");
  if (format != nullptr && std::string_view(format) == "json") {
    auto formatter = std::make_unique<spdlog::pattern_formatter>(spdlog::pattern_time_type::utc);
    formatter->add_flag<JsonEscapedMessage>('*').set_pattern(
        R"({"time":"%Y-%m-%dT%H:%M:%S.%fZ","level":"%l","thread":%t,"message":"%*"})");
    spdlog::set_formatter(std::move(formatter));
  } else {
    spdlog::set_pattern("%Y-%m-%dT%H:%M:%S.%eZ %^%l%$ %v", spdlog::pattern_time_type::utc);
  }
}

void FlushLogging() { spdlog::shutdown(); }

}  // namespace rapport::main

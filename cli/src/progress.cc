#include "progress.h"

#include <cstdio>
#include <ostream>

namespace rapport::cli {
namespace {
constexpr auto kRedrawInterval = std::chrono::milliseconds(100);
}

void TerminalProgress::Update(std::string_view label, std::int64_t done, std::int64_t total) {
  const auto now = std::chrono::steady_clock::now();
  if (label != label_) {
    Finish();
    label_ = std::string(label);
    started_ = previous_update_;
    last_tenth_ = -1;
  }
  previous_update_ = now;
  const double fraction = total > 0 ? static_cast<double>(done) / static_cast<double>(total) : 1.0;
  const int tenth = static_cast<int>(fraction * 10);
  const bool complete = done >= total;
  if (is_terminal_ ? (now - last_draw_ < kRedrawInterval && !complete) : (tenth == last_tenth_ && !complete)) {
    return;
  }
  if (!is_terminal_ && complete && last_tenth_ == 10) return;
  last_draw_ = now;
  last_tenth_ = complete ? 10 : tenth;
  const double seconds = std::chrono::duration<double>(now - started_).count();
  const double rate = seconds > 0 ? static_cast<double>(done) / seconds : 0;
  char line[160];
  (void)std::snprintf(line, sizeof line, "%-10s %3d%% %lld/%lld  %.0f rows/s", label_.c_str(),
                      static_cast<int>(fraction * 100), static_cast<long long>(done), static_cast<long long>(total),
                      rate);
  if (is_terminal_) {
    out_ << "\r\033[K" << line << std::flush;
    line_open_ = true;
  } else {
    out_ << line << '\n';
  }
}

void TerminalProgress::Finish() {
  if (line_open_) out_ << '\n' << std::flush;
  line_open_ = false;
}

}  // namespace rapport::cli

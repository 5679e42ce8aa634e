#include "progress.h"

#include <cstdio>
#include <ostream>

namespace rapport::cli {
namespace {
constexpr auto kRedrawInterval = std::chrono::milliseconds(100);
}

bool TerminalProgress::Due(std::string_view label, double fraction, bool complete) {
  const auto now = std::chrono::steady_clock::now();
  if (label != label_) {
    Finish();
    label_ = std::string(label);
    started_ = previous_update_;
    last_tenth_ = -1;
  }
  previous_update_ = now;
  const int tenth = static_cast<int>(fraction * 10);
  if (is_terminal_ ? (now - last_draw_ < kRedrawInterval && !complete) : (tenth == last_tenth_ && !complete)) {
    return false;
  }
  if (!is_terminal_ && complete && last_tenth_ == 10) return false;
  last_draw_ = now;
  last_tenth_ = complete ? 10 : tenth;
  return true;
}

double TerminalProgress::Seconds() const { return std::chrono::duration<double>(previous_update_ - started_).count(); }

void TerminalProgress::Emit(const char* line) {
  if (is_terminal_) {
    out_ << "\r\033[K" << line << std::flush;
    line_open_ = true;
  } else {
    out_ << line << '\n';
  }
}

void TerminalProgress::Update(std::string_view label, std::int64_t done, std::int64_t total) {
  const double fraction = total > 0 ? static_cast<double>(done) / static_cast<double>(total) : 1.0;
  if (!Due(label, fraction, done >= total)) return;
  const double seconds = Seconds();
  const double rate = seconds > 0 ? static_cast<double>(done) / seconds : 0;
  char line[160];
  (void)std::snprintf(line, sizeof line, "%-10s %3d%% %lld/%lld  %.0f rows/s", label_.c_str(),
                      static_cast<int>(fraction * 100), static_cast<long long>(done), static_cast<long long>(total),
                      rate);
  Emit(line);
}

void TerminalProgress::UpdateImport(std::uint64_t bytes_read, std::optional<std::uint64_t> bytes_total,
                                    std::uint64_t rows) {
  constexpr double kMegabyte = 1024.0 * 1024.0;
  const bool sized = bytes_total.has_value() && *bytes_total > 0;
  const double fraction = sized ? static_cast<double>(bytes_read) / static_cast<double>(*bytes_total) : 0.0;
  if (!Due("import", fraction, sized && bytes_read >= *bytes_total)) return;
  const double seconds = Seconds();
  const double megabytes = static_cast<double>(bytes_read) / kMegabyte;
  const double rate = seconds > 0 ? megabytes / seconds : 0;
  char line[160];
  if (sized) {
    (void)std::snprintf(line, sizeof line, "%-10s %3d%% %.1f/%.1f MB  %.1f MB/s  %llu rows", label_.c_str(),
                        static_cast<int>(fraction * 100), megabytes, static_cast<double>(*bytes_total) / kMegabyte,
                        rate, static_cast<unsigned long long>(rows));
  } else {
    (void)std::snprintf(line, sizeof line, "%-10s %.1f MB  %.1f MB/s  %llu rows", label_.c_str(), megabytes, rate,
                        static_cast<unsigned long long>(rows));
  }
  Emit(line);
}

void TerminalProgress::Finish() {
  if (line_open_) out_ << '\n' << std::flush;
  line_open_ = false;
}

}  // namespace rapport::cli

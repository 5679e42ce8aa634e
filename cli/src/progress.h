// TerminalProgress: progress of long operations on stderr. On a terminal it
// redraws one line in place ("contacts  45% 450000/1000000  312k rows/s");
// otherwise (CI logs, pipes) it prints a line at every tenth, so logs stay short.
//
// Thread safety: one instance per operation, used from one thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <iosfwd>
#include <optional>
#include <string>
#include <string_view>

namespace rapport::cli {

class TerminalProgress {
 public:
  TerminalProgress(std::ostream& out, bool is_terminal)
      : out_(out), is_terminal_(is_terminal), previous_update_(std::chrono::steady_clock::now()) {}
  void Update(std::string_view label, std::int64_t done, std::int64_t total);
  // A file import: how much of it is read (its size, when known) and the
  // rows so far ("import      30% 445.0/1480.3 MB  2.8 MB/s  3000000 rows").
  void UpdateImport(std::uint64_t bytes_read, std::optional<std::uint64_t> bytes_total, std::uint64_t rows);
  void Finish();

 private:
  // Whether to draw now (switching to `label` ends the previous line).
  bool Due(std::string_view label, double fraction, bool complete);
  double Seconds() const;  // since `label_` started
  void Emit(const char* line);

  std::ostream& out_;
  bool is_terminal_;
  std::string label_;
  std::chrono::steady_clock::time_point started_;
  std::chrono::steady_clock::time_point last_draw_;
  // A table's work starts when the previous update (or construction) ended.
  std::chrono::steady_clock::time_point previous_update_;
  int last_tenth_ = -1;
  bool line_open_ = false;
};

}  // namespace rapport::cli

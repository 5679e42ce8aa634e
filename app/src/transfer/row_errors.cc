#include "transfer/row_errors.h"

#include "transfer/text_formats.h"

namespace rapport::app::transfer {

void RowErrors::Add(std::uint64_t line, std::string_view field, std::string_view reason) {
  if (kept_.size() < kImportErrorsKept) {
    kept_.push_back({line, std::string(field), std::string(reason)});
  } else {
    truncated_ = true;
  }
  if (file_ == nullptr) return;
  if (!header_written_) {
    pending_ += "line,field,reason\n";
    header_written_ = true;
  }
  pending_ += std::to_string(line);
  pending_.push_back(',');
  AppendCsvCell(pending_, field);
  pending_.push_back(',');
  AppendCsvCell(pending_, reason);
  pending_.push_back('\n');
}

Status RowErrors::Flush() {
  if (file_ == nullptr || pending_.empty()) return Status();
  const Status written = file_->Write(pending_);
  pending_.clear();
  return written;
}

}  // namespace rapport::app::transfer

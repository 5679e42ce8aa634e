#include "import_options.h"

#include <string>

#include "rapport/base/limits.h"

namespace rapport::cli {

Result<ImportOptions> ParseImportOptions(std::string_view file, std::string_view format, std::string_view delimiter,
                                         std::string_view commit, std::size_t batch_rows, app::ImportFormat fallback) {
  ImportOptions options;
  if (format.empty()) {
    if (file.ends_with(".csv") || file.ends_with(".tsv")) {
      options.format = app::ImportFormat::kCsv;
    } else if (file.ends_with(".ndjson") || file.ends_with(".jsonl")) {
      options.format = app::ImportFormat::kNdjson;
    } else {
      options.format = fallback;
    }
  } else {
    const std::optional<app::ImportFormat> parsed = app::ParseImportFormat(format);
    if (!parsed.has_value()) return InvalidArgument("--format must be csv or ndjson");
    options.format = *parsed;
  }
  if (!delimiter.empty()) {
    if (delimiter == "tab" || delimiter == "\\t") {
      options.delimiter = '\t';
    } else if (delimiter.size() == 1 && delimiter[0] != '"' && delimiter[0] != '\n') {
      options.delimiter = delimiter[0];
    } else {
      return InvalidArgument("--delimiter must be one character (or \"tab\")");
    }
  }
  if (commit == "batch") {
    options.commit = app::CommitMode::kPerBatch;
  } else if (commit == "all") {
    options.commit = app::CommitMode::kAllOrNothing;
  } else {
    return InvalidArgument("--commit must be batch or all");
  }
  if (batch_rows < 1 || batch_rows > limits::kImportBatchRowsMax) {
    return InvalidArgument("--batch-rows must be between 1 and " + std::to_string(limits::kImportBatchRowsMax));
  }
  options.batch_rows = batch_rows;
  return options;
}

}  // namespace rapport::cli

// The options the contact and purchase imports share, checked: the format
// (from the file's extension unless given), the CSV delimiter, the commit
// mode and the rows per transaction. Private to cli/.
//
// Thread safety: a free function over values.
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>

#include "rapport/app/contact_transfer.h"
#include "rapport/base/status.h"

namespace rapport::cli {

struct ImportOptions {
  app::ImportFormat format = app::ImportFormat::kCsv;
  std::optional<char> delimiter{};  // detected when unset
  app::CommitMode commit = app::CommitMode::kPerBatch;
  std::size_t batch_rows = 0;
};

// `format` "" takes it from the file's extension (.csv or .tsv: CSV; .ndjson
// or .jsonl: NDJSON; else `fallback`); `delimiter` "" leaves it to be
// detected. kInvalidArgument names the option at fault.
Result<ImportOptions> ParseImportOptions(std::string_view file, std::string_view format, std::string_view delimiter,
                                         std::string_view commit, std::size_t batch_rows, app::ImportFormat fallback);

}  // namespace rapport::cli

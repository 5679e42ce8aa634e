// An import run's row errors: the first kImportErrorsKept go into the report
// the caller returns; every one goes to the CSV error report file
// ("line,field,reason" after a header line) when the run has one, written out
// at each Flush (after each batch), so the file follows the import.
//
// Thread safety: belongs to one run, used by one thread at a time.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "rapport/app/contact_transfer.h"
#include "rapport/base/status.h"

namespace rapport::app::transfer {

class RowErrors {
 public:
  // `kept` and `truncated` are the report's; `file` may be null.
  RowErrors(std::vector<ImportRowError>& kept, bool& truncated, ByteSink* file)
      : kept_(kept), truncated_(truncated), file_(file) {}

  void Add(std::uint64_t line, std::string_view field, std::string_view reason);
  // Writes the lines added since the last Flush to the file.
  Status Flush();

 private:
  std::vector<ImportRowError>& kept_;
  bool& truncated_;
  ByteSink* file_;
  std::string pending_;
  bool header_written_ = false;
};

}  // namespace rapport::app::transfer

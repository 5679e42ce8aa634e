// Contact transfer: importing contacts from CSV or NDJSON and exporting them
// as CSV, NDJSON or vCard — the bulk paths of the client card, shared by the
// CLI (`rapport import contacts`, `rapport export contacts`) and the HTTP API.
//
// Import, in words a user sees:
//  * CSV with any delimiter (detected from the header line when not given),
//    UTF-8 with or without a BOM, quoted fields with doubled quotes and line
//    breaks inside; or NDJSON, one JSON object per line.
//  * Columns map to contact fields by a mapping: a saved one (by name), a
//    preset ("hubspot", "salesforce"), or automatically from header names.
//    Unmapped columns are ignored and listed in the report.
//  * Each row is matched on a natural key (e-mail, phone or external id):
//    an existing contact is updated with the row's non-empty cells, a new one
//    is created. A row whose values are all equal to the stored ones is
//    "unchanged" and writes nothing, so re-running an interrupted import
//    creates no duplicates and no events.
//  * A bad row is reported with its line number (where the record starts) and
//    every reason, and none of it is written. A file that is not UTF-8 (or is
//    UTF-16) is refused before anything is written.
//  * Commit per batch (the default: each batch of rows is one transaction; an
//    interruption keeps the batches already committed) or all-or-nothing (the
//    file is checked in full first; any bad row → nothing written).
//  * Memory stays bounded whatever the file size: the file is read in chunks
//    and rows are processed in batches of limits::kImportBatchRowsMax at most.
//  * One audit record per import run (counts, key, file name) and one event
//    per created ("contact_created") or updated ("contact_updated") contact.
//
// Export writes every contact matching a filter in id order, streaming; CSV
// cells that begin with '=', '+', '-', '@', a tab or a carriage return get a
// leading apostrophe so spreadsheets do not run them as formulas (the importer
// removes that apostrophe again).
//
// Thread safety: the services are safe to call from several threads; one
// import or export call runs on the caller's thread.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "rapport/app/access_service.h"
#include "rapport/app/relationships.h"
#include "rapport/app/store.h"
#include "rapport/base/clock.h"
#include "rapport/base/status.h"

namespace rapport::app {

// Where import bytes come from (a file, a request body). Read returns the
// number of bytes written to `buffer`, 0 at the end.
class ByteSource {
 public:
  virtual ~ByteSource() = default;
  virtual Result<std::size_t> Read(std::span<char> buffer) = 0;
  // Total size when known (for progress), else nullopt.
  virtual std::optional<std::uint64_t> Size() const = 0;
  // Starts reading from the first byte again. All-or-nothing imports read
  // the source twice (check, then write); a source that cannot answers
  // kFailedPrecondition, as this default does.
  virtual Status Rewind() { return FailedPrecondition("the import source cannot be read twice"); }
};

// Where export bytes and error reports go.
class ByteSink {
 public:
  virtual ~ByteSink() = default;
  virtual Status Write(std::string_view bytes) = 0;
};

// A column mapping: source column (as in the header, exact) → contact field.
// Fields: first_name, last_name, full_name (split at the last space), email,
// other_emails (';'-separated), phone, other_phones, address_line1,
// address_line2, city, region, postal_code, country_code, birthday, gender,
// locale, time_zone, source, external_id, roles (','-separated), company,
// job_title, custom.<key>.
struct ColumnMapping {
  std::vector<std::pair<std::string, std::string>> columns{};
  std::string default_calling_code{};
};

enum class ImportFormat : std::uint8_t { kCsv, kNdjson };
enum class CommitMode : std::uint8_t { kPerBatch, kAllOrNothing };

struct ImportRequest {
  ImportFormat format = ImportFormat::kCsv;
  std::optional<char> delimiter{};  // CSV; detected when unset (',', ';', '\t', '|')
  ContactKey key = ContactKey::kEmail;
  std::string mapping_name{};              // a saved mapping or a preset; "" = from the header names
  std::optional<ColumnMapping> mapping{};  // given directly (a file); wins over mapping_name
  bool dry_run = false;
  CommitMode commit = CommitMode::kPerBatch;
  std::size_t batch_rows = 5'000;       // 1..limits::kImportBatchRowsMax
  std::string file_name{};              // for the audit record and the report
  std::string source_label = "import";  // stored as the source of created contacts
  std::string default_calling_code{};   // for national phone numbers
};

struct ImportRowError {
  std::uint64_t line = 0;  // where the record starts, 1-based (line 1 is the header in CSV)
  std::string field{};     // contact field or source column, "" for the whole row
  std::string reason{};
};

struct ImportProgress {
  std::uint64_t bytes_read = 0;
  std::optional<std::uint64_t> bytes_total{};
  std::uint64_t rows = 0;
};

struct ImportReport {
  bool dry_run = false;
  bool committed = false;  // all-or-nothing: whether anything was written
  std::uint64_t rows = 0;  // data rows read (header excluded)
  std::uint64_t created = 0;
  std::uint64_t updated = 0;
  std::uint64_t unchanged = 0;
  std::uint64_t failed = 0;
  std::vector<std::string> unmapped_columns{};
  std::vector<ImportRowError> errors{};  // the first kImportErrorsKept; all go to the error sink
  bool errors_truncated = false;
};
inline constexpr std::size_t kImportErrorsKept = 1'000;

struct ImportHooks {
  std::function<void(const ImportProgress&)> on_progress{};  // at most every batch
  // Receives every row error as a CSV line ("line,field,reason\n" after a
  // header line) when set: the per-row error report file.
  ByteSink* error_report = nullptr;
};

std::string ColumnMappingToJson(const ColumnMapping& mapping);
Result<ColumnMapping> ColumnMappingFromJson(std::string_view json);
// The built-in presets by name ("hubspot", "salesforce"); nullopt otherwise.
std::optional<ColumnMapping> MappingPreset(std::string_view name);
// The fields a column may map to (for help texts and the UI).
std::span<const std::string_view> MappableFields();

// The first rows of a file, for the import wizard's mapping preview.
struct ImportPreview {
  char delimiter = ',';
  std::vector<std::string> columns{};
  std::vector<std::vector<std::string>> rows{};  // at most `rows` asked
  ColumnMapping suggested{};                     // from the header names
};
Result<ImportPreview> PreviewImport(ByteSource& source, ImportFormat format, std::optional<char> delimiter, int rows);

class ContactImporter {
 public:
  ContactImporter(Store& store, const Clock& clock);
  // kPermissionDenied unless relationships:admin. A bad file (not UTF-8, no
  // header, an unknown mapping) is an error Status with nothing written;
  // bad rows are in the report.
  Result<ImportReport> Import(const Principal& principal, const Origin& origin, ByteSource& source,
                              const ImportRequest& request, const ImportHooks& hooks = {});

 private:
  Store& store_;
  const Clock& clock_;
};

enum class ExportFormat : std::uint8_t { kCsv, kNdjson, kVcard };
std::optional<ExportFormat> ParseExportFormat(std::string_view name);  // "csv", "ndjson", "vcard"
std::optional<ImportFormat> ParseImportFormat(std::string_view name);  // "csv", "ndjson"

struct ExportRequest {
  ExportFormat format = ExportFormat::kCsv;
  ContactFilter filter{};
  std::int64_t rows_max = 0;  // 0 = no limit; the API sets one
};

struct ExportReport {
  std::uint64_t rows = 0;
  bool truncated = false;  // rows_max reached with more to go
};

class ContactExporter {
 public:
  ContactExporter(Store& store, const Clock& clock);
  // kPermissionDenied unless relationships:admin. Audited once per export.
  Result<ExportReport> Export(const Principal& principal, const Origin& origin, const ExportRequest& request,
                              ByteSink& sink, const std::function<void(std::uint64_t rows)>& on_progress = {});

 private:
  Store& store_;
  const Clock& clock_;
};

// The CSV escaping export uses, exposed for tests: quoting when needed and
// the formula-injection apostrophe.
std::string CsvCell(std::string_view value);

}  // namespace rapport::app

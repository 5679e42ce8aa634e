// See purchase_commands.h. Usage errors (an unknown format or commit mode, a
// bad delimiter or batch size, a missing file) are caught before the store is
// opened, so they never create a database.
#include "purchase_commands.h"

#include <cstdio>
#include <iostream>
#include <memory>

#include "file_io.h"
#include "import_options.h"
#include "progress.h"

#include "rapport/app/access_service.h"
#include "rapport/app/purchase_import.h"

namespace rapport::cli {
namespace {

int Usage(const Environment& environment, const std::string& message) {
  *environment.err << "rapport: import purchases: " << message << '\n';
  return kExitUsage;
}

Result<app::PurchaseImportRequest> ParseRequest(const PurchaseCommandLine& line) {
  RAPPORT_ASSIGN_OR_RETURN(const ImportOptions options,
                           ParseImportOptions(line.file, line.format, line.delimiter, line.commit, line.batch_rows,
                                              app::ImportFormat::kNdjson));
  app::PurchaseImportRequest request;
  request.format = options.format;
  request.delimiter = options.delimiter;
  request.commit = options.commit;
  request.batch_rows = options.batch_rows;
  request.dry_run = line.dry_run;
  request.defer_indexes = line.defer_indexes;
  request.file_name = line.file;
  return request;
}

int ImportPurchases(const Environment& environment, const PurchaseCommandLine& line) {
  Result<app::PurchaseImportRequest> parsed = ParseRequest(line);
  if (!parsed.ok()) return Usage(environment, parsed.status().message());
  const app::PurchaseImportRequest& request = *parsed;
  std::FILE* handle = std::fopen(line.file.c_str(), "rb");
  if (handle == nullptr) return Usage(environment, "cannot open " + line.file);
  auto source = std::make_unique<FileSource>(handle);
  const std::string errors_path = line.errors_file.empty() ? line.file + ".errors.csv" : line.errors_file;
  return RunAsActor(environment, line.data, line.token,
                    [&](app::Store& store, const app::Principal& principal, const app::Origin& origin) {
                      FileSink errors(errors_path);
                      TerminalProgress progress(*environment.err, environment.err_is_terminal);
                      app::ImportHooks hooks;
                      hooks.error_report = &errors;
                      hooks.on_progress = [&](const app::ImportProgress& at) {
                        progress.UpdateImport(at.bytes_read, at.bytes_total, at.rows);
                      };
                      app::PurchaseImporter importer(store, *environment.clock);
                      Result<app::PurchaseImportReport> report =
                          importer.Import(principal, origin, *source, request, hooks);
                      progress.Finish();
                      const Status closed = errors.Close();
                      if (!report.ok()) return Fail(environment, report.status());
                      if (!closed.ok()) return Fail(environment, closed);
                      std::ostream& out = *environment.out;
                      out << (request.dry_run ? "dry run of " : "imported ") << line.file << ": " << report->rows
                          << " rows, " << report->created << " created, " << report->unchanged << " unchanged, "
                          << report->failed << " failed; " << report->points << " points earned";
                      if (report->welcome_bonuses > 0) out << ", " << report->welcome_bonuses << " welcome bonuses";
                      if (report->tier_changes > 0) out << ", " << report->tier_changes << " tier changes";
                      out << '\n';
                      if (!report->indexes_built.empty())
                        out << report->indexes_built.size() << " deferred indexes built\n";
                      if (!report->unmapped_columns.empty()) {
                        out << "ignored columns:";
                        for (const std::string& column : report->unmapped_columns) out << " \"" << column << '"';
                        out << '\n';
                      }
                      if (request.dry_run) out << "dry run: nothing was written\n";
                      if (request.commit == app::CommitMode::kAllOrNothing && !request.dry_run && report->failed > 0) {
                        out << "nothing was written: all-or-nothing import with failed rows\n";
                      }
                      if (report->failed > 0) {
                        out << report->failed << " rows failed; the error report is " << errors_path << '\n';
                        for (std::size_t i = 0; i < report->errors.size() && i < 5; ++i) {
                          const app::ImportRowError& error = report->errors[i];
                          out << "  line " << error.line << (error.field.empty() ? "" : " " + error.field) << ": "
                              << error.reason << '\n';
                        }
                      }
                      return report->failed > 0 ? kExitFailure : kExitSuccess;
                    });
}

}  // namespace

void AddPurchaseCommands(CLI::App& app, PurchaseCommandLine& line) {
  CLI::App* import = app.get_subcommand("import");
  line.import_purchases = import->add_subcommand(
      "purchases", "Import purchases with their points from NDJSON or CSV: per-row error report, safe to re-run");
  CLI::App& purchases = *line.import_purchases;
  AddDataOptions(purchases, line.data);
  purchases
      .add_option("--token", line.token,
                  "Act as this API token (its role's permissions) instead of as the operator (admin)")
      ->envname("RAPPORT_TOKEN");
  purchases.add_option("FILE", line.file, "The NDJSON or CSV file; every row needs an external_id")->required();
  purchases.add_option("--format", line.format, "ndjson or csv (default: csv for .csv/.tsv files, else ndjson)");
  purchases.add_option("--delimiter", line.delimiter, "CSV delimiter, one character or \"tab\" (default: detected)");
  purchases.add_option("--commit", line.commit, "batch: commit each batch; all: nothing unless every row is good")
      ->capture_default_str();
  purchases.add_option("--batch-rows", line.batch_rows, "Rows per transaction")->capture_default_str();
  purchases.add_flag("--dry-run", line.dry_run, "Report what would be created, unchanged and refused; write nothing");
  purchases.add_flag("--defer-indexes", line.defer_indexes,
                     "Bulk load of history: drop the ledger's secondary indexes an import does not read and build "
                     "them once at the end (card reads are slow meanwhile)");
  purchases.add_option("--errors", line.errors_file,
                       "Where to write the per-row error report (default FILE.errors.csv)");
}

std::optional<int> RunPurchaseCommand(const Environment& environment, const PurchaseCommandLine& line) {
  if (line.import_purchases != nullptr && *line.import_purchases) return ImportPurchases(environment, line);
  return std::nullopt;
}

}  // namespace rapport::cli

// See transfer_commands.h. Usage errors (an unknown key, format or commit
// mode, a bad delimiter, a missing file, an unreadable mapping file) are
// caught before the store is opened, so they never create a database.
#include "transfer_commands.h"

#include <cstdio>
#include <fstream>
#include <functional>
#include <iostream>
#include <memory>
#include <sstream>

#include "file_io.h"
#include "import_options.h"
#include "progress.h"

#include "rapport/app/access_service.h"
#include "rapport/app/contact_transfer.h"
#include "rapport/app/import_mappings.h"
#include "rapport/domain/contact_rules.h"
#include "rapport/domain/relationship.h"

namespace rapport::cli {
namespace {

int Usage(const Environment& environment, const std::string& message) {
  *environment.err << "rapport: " << message << '\n';
  return kExitUsage;
}

void AddActor(CLI::App& command, TransferCommandLine& line) {
  TransferActor& actor = line.actors[&command];
  AddDataOptions(command, actor.data);
  command
      .add_option("--token", actor.token,
                  "Act as this API token (its role's permissions) instead of as the operator (admin)")
      ->envname("RAPPORT_TOKEN");
}

// --- import contacts

struct ParsedImport {
  app::ImportRequest request;
  std::string errors_path;
};

Result<ParsedImport> ParseImport(const TransferCommandLine& line) {
  ParsedImport parsed;
  app::ImportRequest& request = parsed.request;
  const std::optional<app::ContactKey> key = app::ParseContactKey(line.key);
  if (!key.has_value()) return InvalidArgument("--key must be email, phone or external_id");
  request.key = *key;
  RAPPORT_ASSIGN_OR_RETURN(const ImportOptions options,
                           ParseImportOptions(line.file, line.format, line.delimiter, line.commit, line.batch_rows,
                                              app::ImportFormat::kCsv));
  request.format = options.format;
  request.delimiter = options.delimiter;
  request.commit = options.commit;
  request.batch_rows = options.batch_rows;
  if (line.calling_code.size() > 3 || line.calling_code.find_first_not_of("0123456789") != std::string::npos) {
    return InvalidArgument("--calling-code must be 1 to 3 digits, e.g. 7 or 44");
  }
  request.default_calling_code = line.calling_code;
  request.dry_run = line.dry_run;
  request.file_name = line.file;
  if (line.mapping.ends_with(".json")) {
    std::ifstream file(line.mapping, std::ios::binary);
    if (!file) return InvalidArgument("cannot read the mapping file " + line.mapping);
    std::ostringstream text;
    text << file.rdbuf();
    Result<app::ColumnMapping> mapping = app::ColumnMappingFromJson(text.str());
    if (!mapping.ok()) return InvalidArgument(line.mapping + ": " + mapping.status().message());
    request.mapping = std::move(*mapping);
  } else {
    request.mapping_name = line.mapping;
  }
  parsed.errors_path = line.errors_file.empty() ? line.file + ".errors.csv" : line.errors_file;
  return parsed;
}

// The mapping an import used, to save under --save-mapping.
Result<app::ColumnMapping> MappingToSave(app::Store& store, const Clock& clock, const app::Principal& principal,
                                         const app::ImportRequest& request, const std::string& file) {
  if (request.mapping.has_value()) return *request.mapping;
  if (!request.mapping_name.empty()) {
    if (std::optional<app::ColumnMapping> preset = app::MappingPreset(request.mapping_name)) return *preset;
    app::ImportMappingService mappings(store, clock);
    RAPPORT_ASSIGN_OR_RETURN(std::vector<app::SavedMapping> saved, mappings.List(principal));
    for (app::SavedMapping& mapping : saved) {
      if (mapping.name == request.mapping_name) return std::move(mapping.mapping);
    }
    return NotFound("no saved mapping is named '" + request.mapping_name + "'");
  }
  std::FILE* handle = std::fopen(file.c_str(), "rb");
  if (handle == nullptr) return NotFound("cannot open " + file);
  FileSource source(handle);
  RAPPORT_ASSIGN_OR_RETURN(app::ImportPreview preview,
                           app::PreviewImport(source, request.format, request.delimiter, 1));
  preview.suggested.default_calling_code = request.default_calling_code;
  return preview.suggested;
}

int ImportContacts(const Environment& environment, const TransferCommandLine& line) {
  Result<ParsedImport> parsed = ParseImport(line);
  if (!parsed.ok()) return Usage(environment, "import contacts: " + parsed.status().message());
  std::FILE* handle = std::fopen(line.file.c_str(), "rb");
  if (handle == nullptr) return Usage(environment, "import contacts: cannot open " + line.file);
  auto source = std::make_unique<FileSource>(handle);
  const app::ImportRequest& request = parsed->request;
  const TransferActor& actor = line.actors.at(line.import_contacts);
  return RunAsActor(environment, actor.data, actor.token,
                    [&](app::Store& store, const app::Principal& principal, const app::Origin& origin) {
                      FileSink errors(parsed->errors_path);
                      TerminalProgress progress(*environment.err, environment.err_is_terminal);
                      app::ImportHooks hooks;
                      hooks.error_report = &errors;
                      hooks.on_progress = [&](const app::ImportProgress& at) {
                        progress.UpdateImport(at.bytes_read, at.bytes_total, at.rows);
                      };
                      app::ContactImporter importer(store, *environment.clock);
                      Result<app::ImportReport> report = importer.Import(principal, origin, *source, request, hooks);
                      progress.Finish();
                      const Status closed = errors.Close();
                      if (!report.ok()) return Fail(environment, report.status());
                      if (!closed.ok()) return Fail(environment, closed);
                      std::ostream& out = *environment.out;
                      out << (request.dry_run ? "dry run of " : "imported ") << line.file << ": " << report->rows
                          << " rows, " << report->created << " created, " << report->updated << " updated, "
                          << report->unchanged << " unchanged, " << report->failed << " failed\n";
                      if (!report->unmapped_columns.empty()) {
                        out << "unmapped columns:";
                        for (const std::string& column : report->unmapped_columns) out << " \"" << column << '"';
                        out << '\n';
                      }
                      if (request.dry_run) out << "dry run: nothing was written\n";
                      if (request.commit == app::CommitMode::kAllOrNothing && !request.dry_run && !report->committed) {
                        out << "nothing was written: all-or-nothing import with failed rows\n";
                      }
                      if (report->failed > 0) {
                        out << report->failed << " rows failed; the error report is " << parsed->errors_path << '\n';
                        for (std::size_t i = 0; i < report->errors.size() && i < 5; ++i) {
                          const app::ImportRowError& error = report->errors[i];
                          out << "  line " << error.line << (error.field.empty() ? "" : " " + error.field) << ": "
                              << error.reason << '\n';
                        }
                      }
                      if (!line.save_mapping.empty()) {
                        Result<app::ColumnMapping> mapping =
                            MappingToSave(store, *environment.clock, principal, request, line.file);
                        if (!mapping.ok()) return Fail(environment, mapping.status());
                        app::ImportMappingService mappings(store, *environment.clock);
                        Result<app::SavedMapping> saved = mappings.Save(principal, origin, line.save_mapping, *mapping);
                        if (!saved.ok()) return Fail(environment, saved.status());
                        out << "mapping saved as " << line.save_mapping << '\n';
                      }
                      return report->failed > 0 ? kExitFailure : kExitSuccess;
                    });
}

// --- export contacts

int ExportContacts(const Environment& environment, const TransferCommandLine& line) {
  app::ExportRequest request;
  const std::optional<app::ExportFormat> format = app::ParseExportFormat(line.export_format);
  if (!format.has_value()) return Usage(environment, "export contacts: --format must be csv, ndjson or vcard");
  request.format = *format;
  if (!line.query.empty()) request.filter.search_terms = domain::SearchTerms(line.query);
  if (!line.role.empty()) {
    request.filter.role = domain::ParseRelationshipRole(line.role);
    if (!request.filter.role.has_value()) {
      return Usage(environment, "export contacts: --role must be customer, supplier, distributor, partner or investor");
    }
  }
  if (line.company_id < 0) return Usage(environment, "export contacts: --company-id must be positive");
  if (line.company_id > 0) request.filter.company = CompanyId(line.company_id);
  const TransferActor& actor = line.actors.at(line.export_contacts);
  return RunAsActor(
      environment, actor.data, actor.token,
      [&](app::Store& store, const app::Principal& principal, const app::Origin& origin) {
        std::unique_ptr<FileSink> sink = line.output.empty() ? std::make_unique<FileSink>(*environment.out)
                                                             : std::make_unique<FileSink>(line.output);
        const Status opened = sink->Open();
        if (!opened.ok()) return Fail(environment, opened);
        TerminalProgress progress(*environment.err, environment.err_is_terminal && !line.output.empty());
        app::ContactExporter exporter(store, *environment.clock);
        Result<app::ExportReport> report = exporter.Export(principal, origin, request, *sink, [&](std::uint64_t rows) {
          if (!line.output.empty()) {
            progress.Update("contacts", static_cast<std::int64_t>(rows), static_cast<std::int64_t>(rows));
          }
        });
        progress.Finish();
        if (!report.ok()) return Fail(environment, report.status());
        const Status closed = sink->Close();
        if (!closed.ok()) return Fail(environment, closed);
        if (!line.output.empty()) {
          *environment.err << "exported " << report->rows << " contacts to " << line.output << '\n';
        }
        return kExitSuccess;
      });
}

}  // namespace

void AddTransferCommands(CLI::App& app, TransferCommandLine& line) {
  CLI::App* import = app.add_subcommand("import", "Import data from files");
  import->require_subcommand(1);
  line.import_contacts = import->add_subcommand(
      "contacts", "Import contacts from CSV or NDJSON: upsert on a key, per-row error report, safe to re-run");
  CLI::App& contacts = *line.import_contacts;
  AddActor(contacts, line);
  contacts.add_option("FILE", line.file, "The CSV or NDJSON file")->required();
  contacts.add_option("--key", line.key, "Match rows on: email, phone or external_id")->capture_default_str();
  contacts.add_flag("--dry-run", line.dry_run, "Report creates, updates and errors without writing");
  contacts.add_option("--mapping", line.mapping,
                      "Column mapping: a saved mapping's name, a preset (hubspot, salesforce) or a FILE.json");
  contacts.add_option("--save-mapping", line.save_mapping, "Save the mapping used under this name");
  contacts.add_option("--format", line.format, "csv or ndjson (default: from the file's extension)");
  contacts.add_option("--delimiter", line.delimiter, "CSV delimiter, one character or \"tab\" (default: detected)");
  contacts.add_option("--commit", line.commit, "batch: commit each batch; all: nothing unless every row is good")
      ->capture_default_str();
  contacts.add_option("--errors", line.errors_file,
                      "Where to write the per-row error report (default FILE.errors.csv)");
  contacts.add_option("--batch-rows", line.batch_rows, "Rows per transaction")->capture_default_str();
  contacts.add_option("--calling-code", line.calling_code, "Calling code for national phone numbers, e.g. 7");

  CLI::App* exporting = app.add_subcommand("export", "Export data to files");
  exporting->require_subcommand(1);
  line.export_contacts = exporting->add_subcommand("contacts", "Export contacts as CSV, NDJSON or vCard");
  CLI::App& out = *line.export_contacts;
  AddActor(out, line);
  out.add_option("--format", line.export_format, "csv, ndjson or vcard")->capture_default_str();
  out.add_option("--output,-o", line.output, "Write to this file instead of standard output");
  out.add_option("--q", line.query, "Only contacts matching this search");
  out.add_option("--role", line.role, "Only contacts with this role");
  out.add_option("--company-id", line.company_id, "Only contacts linked to this company");
}

std::optional<int> RunTransferCommand(const Environment& environment, const TransferCommandLine& line) {
  if (line.import_contacts != nullptr && *line.import_contacts) return ImportContacts(environment, line);
  if (line.export_contacts != nullptr && *line.export_contacts) return ExportContacts(environment, line);
  return std::nullopt;
}

}  // namespace rapport::cli

// Contact import and export over HTTP: a preview of a file's first rows for
// the mapping step of the import wizard, the import itself (dry run or real,
// per batch or all-or-nothing), saved column mappings, and the export of a
// filtered list as CSV, NDJSON or vCard. The work is app::ContactImporter's and
// app::ContactExporter's, the same code the CLI runs.
//
// Bodies here are files, not JSON: the routes accept text/csv,
// application/x-ndjson, text/plain and application/octet-stream, the import
// up to limits::kImportUploadBytesMax. Over HTTP an export holds at most
// kHttpExportRowsMax rows in memory; the CLI streams any number.
#include <algorithm>
#include <optional>
#include <string>

#include "json.h"
#include "request_context.h"
#include "routes/contact_json.h"
#include "routes/contact_schemas.h"
#include "routes/import_support.h"
#include "routes/route_support.h"
#include "routes/routes.h"

#include "rapport/base/limits.h"
#include "rapport/domain/contact_rules.h"

namespace rapport::http {
namespace {

using domain::Action;
using domain::Resource;

constexpr std::int64_t kHttpExportRowsMax = 100'000;
constexpr std::size_t kPreviewBytesMax = std::size_t{1} << 20;
constexpr int kPreviewRows = 10;

class StringSink final : public app::ByteSink {
 public:
  Status Write(std::string_view bytes) override {
    text_.append(bytes);
    return Status::Ok();
  }
  std::string Take() { return std::move(text_); }

 private:
  std::string text_;
};

std::optional<Response> CheckFileMediaType(const RequestContext& context) {
  const auto content_type = context.request().FindHeader("content-type");
  if (!content_type) return std::nullopt;  // a bare upload is taken as text
  const std::string type = MediaType(*content_type);
  for (std::string_view accepted : {"text/csv", "application/x-ndjson", "application/ndjson", "text/plain",
                                    "application/octet-stream", "text/tab-separated-values"}) {
    if (type == accepted) return std::nullopt;
  }
  return context.ProblemFor(
      UnsupportedMediaTypeProblem("Upload the file as text/csv, application/x-ndjson or application/octet-stream."));
}

// format from ?format=, else from the media type; answers 400 into `problem`.
std::optional<app::ImportFormat> FileFormat(const RequestContext& context, std::optional<Response>& problem) {
  if (const auto name = QueryParam(context.request().query, "format"); name && !name->empty()) {
    std::optional<app::ImportFormat> format = app::ParseImportFormat(*name);
    if (!format) problem = InvalidParameter(context, "format", "One of: csv, ndjson.");
    return format;
  }
  const auto content_type = context.request().FindHeader("content-type");
  if (content_type && MediaType(*content_type).find("ndjson") != std::string::npos) return app::ImportFormat::kNdjson;
  return app::ImportFormat::kCsv;
}

std::optional<std::optional<char>> Delimiter(const RequestContext& context, std::optional<Response>& problem) {
  const auto text = QueryParam(context.request().query, "delimiter");
  if (!text || text->empty()) return std::optional<char>();
  if (*text == "tab" || *text == "\t") return std::optional<char>('\t');
  if (text->size() != 1 || std::string_view(",;|").find((*text)[0]) == std::string_view::npos) {
    problem = InvalidParameter(context, "delimiter", "One of: , ; | or tab.");
    return std::nullopt;
  }
  return std::optional<char>((*text)[0]);
}

void WriteMapping(JsonWriter& json, const app::ColumnMapping& mapping) {
  json.StartObject();
  json.Key("columns");
  json.StartArray();
  for (const auto& [column, field] : mapping.columns) {
    json.StartArray();
    json.String(column);
    json.String(field);
    json.EndArray();
  }
  json.EndArray();
  json.Field("default_calling_code", mapping.default_calling_code);
  json.EndObject();
}

boost::asio::awaitable<Response> PreviewImport(RequestContext& context) {
  if (auto refused = CheckFileMediaType(context)) co_return std::move(*refused);
  std::optional<Response> problem;
  const std::optional<app::ImportFormat> format = FileFormat(context, problem);
  if (!format) co_return std::move(*problem);
  const std::optional<std::optional<char>> delimiter = Delimiter(context, problem);
  if (!delimiter) co_return std::move(*problem);
  BodySource source(context.request().body);
  Result<app::ImportPreview> preview = co_await context.Call<app::ImportPreview>(
      [&] { return app::PreviewImport(source, *format, *delimiter, kPreviewRows); });
  if (!preview.ok()) {
    co_return ImportRefused(context, preview.status().message());
  }
  JsonWriter json;
  json.StartObject();
  json.Field("delimiter", std::string_view(&preview->delimiter, 1));
  json.Key("columns");
  json.StartArray();
  for (const std::string& column : preview->columns) json.String(column);
  json.EndArray();
  json.Key("rows");
  json.StartArray();
  for (const auto& row : preview->rows) {
    json.StartArray();
    for (const std::string& cell : row) json.String(cell);
    json.EndArray();
  }
  json.EndArray();
  json.Key("suggested");
  json.StartObject();
  for (const auto& [column, field] : preview->suggested.columns) json.Field(column, field);
  json.EndObject();
  json.Key("fields");
  json.StartArray();
  for (std::string_view field : app::MappableFields()) json.String(field);
  json.EndArray();
  json.EndObject();
  co_return RequestContext::Json(200, json.Take());
}

boost::asio::awaitable<Response> ImportContacts(RequestContext& context) {
  if (auto refused = CheckFileMediaType(context)) co_return std::move(*refused);
  const std::string_view query = context.request().query;
  std::optional<Response> problem;
  app::ImportRequest request;
  const std::optional<app::ImportFormat> format = FileFormat(context, problem);
  if (!format) co_return std::move(*problem);
  request.format = *format;
  const std::optional<std::optional<char>> delimiter = Delimiter(context, problem);
  if (!delimiter) co_return std::move(*problem);
  request.delimiter = *delimiter;
  if (const auto key = QueryParam(query, "key"); key && !key->empty()) {
    std::optional<app::ContactKey> parsed = app::ParseContactKey(*key);
    if (!parsed) co_return InvalidParameter(context, "key", "One of: email, phone, external_id.");
    request.key = *parsed;
  }
  if (auto refused = ReadImportModes(context, request.dry_run, request.commit)) co_return std::move(*refused);
  if (const auto mapping = QueryParam(query, "mapping")) request.mapping_name = *mapping;
  if (const auto calling_code = QueryParam(query, "calling_code")) request.default_calling_code = *calling_code;
  request.file_name = QueryParam(query, "file_name").value_or("upload");
  request.source_label = "import";

  app::ContactImporter* importer = context.services().relationships.importer;
  const app::Principal principal = *context.principal();
  const app::Origin origin = context.Origin();
  BodySource source(context.request().body);
  Result<app::ImportReport> report =
      co_await context.Call<app::ImportReport>([&] { return importer->Import(principal, origin, source, request); });
  if (!report.ok()) {
    const StatusCode code = report.status().code();
    if (code == StatusCode::kInvalidArgument || code == StatusCode::kFailedPrecondition ||
        code == StatusCode::kNotFound) {
      co_return ImportRefused(context, report.status().message());
    }
    co_return context.StatusProblem(report.status());
  }
  JsonWriter json;
  json.StartObject();
  json.Field("dry_run", report->dry_run);
  json.Field("committed", report->committed);
  json.Field("rows", static_cast<std::int64_t>(report->rows));
  json.Field("created", static_cast<std::int64_t>(report->created));
  json.Field("updated", static_cast<std::int64_t>(report->updated));
  json.Field("unchanged", static_cast<std::int64_t>(report->unchanged));
  json.Field("failed", static_cast<std::int64_t>(report->failed));
  json.Key("unmapped_columns");
  json.StartArray();
  for (const std::string& column : report->unmapped_columns) json.String(column);
  json.EndArray();
  WriteRowErrors(json, report->errors, report->errors_truncated);
  json.EndObject();
  co_return RequestContext::Json(200, json.Take());
}

boost::asio::awaitable<Response> ListMappings(RequestContext& context) {
  app::ImportMappingService* mappings = context.services().relationships.mappings;
  const app::Principal principal = *context.principal();
  Result<std::vector<app::SavedMapping>> saved =
      co_await context.Call<std::vector<app::SavedMapping>>([&] { return mappings->List(principal); });
  if (!saved.ok()) co_return context.StatusProblem(saved.status());
  JsonWriter json;
  json.StartObject();
  json.Key("items");
  json.StartArray();
  for (const app::SavedMapping& mapping : *saved) {
    json.StartObject();
    json.Field("name", mapping.name);
    json.Key("mapping");
    WriteMapping(json, mapping.mapping);
    json.Field("updated_at", FormatRfc3339(mapping.updated_at));
    json.EndObject();
  }
  json.EndArray();
  json.EndObject();
  co_return RequestContext::Json(200, json.Take());
}

boost::asio::awaitable<Response> SaveMapping(RequestContext& context) {
  const std::string name(context.Param("name"));
  Result<app::ColumnMapping> mapping = app::ColumnMappingFromJson(context.request().body);
  if (!mapping.ok()) co_return InvalidParameter(context, "columns", mapping.status().message());
  app::ImportMappingService* mappings = context.services().relationships.mappings;
  const app::Principal principal = *context.principal();
  const app::Origin origin = context.Origin();
  Result<app::SavedMapping> saved =
      co_await context.Call<app::SavedMapping>([&] { return mappings->Save(principal, origin, name, *mapping); });
  if (!saved.ok()) co_return context.StatusProblem(saved.status());
  JsonWriter json;
  json.StartObject();
  json.Field("name", saved->name);
  json.Key("mapping");
  WriteMapping(json, saved->mapping);
  json.Field("updated_at", FormatRfc3339(saved->updated_at));
  json.EndObject();
  co_return RequestContext::Json(200, json.Take());
}

boost::asio::awaitable<Response> DeleteMapping(RequestContext& context) {
  const std::string name(context.Param("name"));
  app::ImportMappingService* mappings = context.services().relationships.mappings;
  const app::Principal principal = *context.principal();
  const app::Origin origin = context.Origin();
  Result<bool> deleted = co_await context.Call<bool>([&]() -> Result<bool> {
    RAPPORT_RETURN_IF_ERROR(mappings->Delete(principal, origin, name));
    return true;
  });
  if (!deleted.ok()) co_return context.StatusProblem(deleted.status());
  co_return NoContent();
}

boost::asio::awaitable<Response> ExportContacts(RequestContext& context) {
  const std::string_view query = context.request().query;
  app::ExportRequest request{.rows_max = kHttpExportRowsMax};
  if (const auto format = QueryParam(query, "format"); format && !format->empty()) {
    std::optional<app::ExportFormat> parsed = app::ParseExportFormat(*format);
    if (!parsed) co_return InvalidParameter(context, "format", "One of: csv, ndjson, vcard.");
    request.format = *parsed;
  }
  if (const auto q = QueryParam(query, "q")) request.filter.search_terms = domain::SearchTerms(*q);
  if (const auto role = QueryParam(query, "role"); role && !role->empty()) {
    request.filter.role = domain::ParseRelationshipRole(*role);
    if (!request.filter.role) {
      co_return InvalidParameter(context, "role", "One of: customer, supplier, distributor, partner, investor.");
    }
  }
  if (const auto company = QueryParam(query, "company_id"); company && !company->empty()) {
    const auto id = PositiveInteger(*company);
    if (!id) co_return InvalidParameter(context, "company_id", "Expected a positive integer.");
    request.filter.company = CompanyId(*id);
  }
  if (const auto locale = QueryParam(query, "locale")) request.filter.locale = *locale;
  if (const auto source = QueryParam(query, "source")) request.filter.source = *source;

  app::ContactExporter* exporter = context.services().relationships.exporter;
  const app::Principal principal = *context.principal();
  const app::Origin origin = context.Origin();
  StringSink sink;
  Result<app::ExportReport> report =
      co_await context.Call<app::ExportReport>([&] { return exporter->Export(principal, origin, request, sink); });
  if (!report.ok()) co_return context.StatusProblem(report.status());
  Response response;
  response.status = 200;
  const char* extension = "csv";
  switch (request.format) {
    case app::ExportFormat::kCsv: response.content_type = "text/csv; charset=utf-8"; break;
    case app::ExportFormat::kNdjson:
      response.content_type = "application/x-ndjson";
      extension = "ndjson";
      break;
    case app::ExportFormat::kVcard:
      response.content_type = "text/vcard; charset=utf-8";
      extension = "vcf";
      break;
  }
  response.body = sink.Take();
  response.SetHeader("Content-Disposition", std::string("attachment; filename=\"contacts.") + extension + "\"");
  response.SetHeader("X-Export-Rows", std::to_string(report->rows));
  if (report->truncated) response.SetHeader("X-Export-Truncated", "true");
  co_return response;
}

}  // namespace

void RegisterTransferRoutes(Router& router) {
  const auto read = app::Permission::Require(Resource::kRelationships, Action::kRead);
  const auto admin = app::Permission::Require(Resource::kRelationships, Action::kAdmin);
  const std::vector<std::string> tags = {"import and export"};
  const std::vector<OpenApiParameter> file_parameters = {
      {.name = "format", .description = "csv (default) or ndjson"},
      {.name = "delimiter", .description = "CSV: , ; | or tab; detected from the header when absent"}};

  Route preview{Method::kPost, "/api/v1/contacts/import/preview", admin, PreviewImport,
                OpenApiOperation{
                    .operation_id = "previewContactImport",
                    .summary = "The columns, first rows and a suggested mapping of a file",
                    .description = "Send the first bytes of the file (at most 1 MiB).",
                    .tags = tags,
                    .parameters = file_parameters,
                    .responses = {{"200", "The preview", "application/json", std::string(schemas::kImportPreview)}}}};
  preview.body_bytes_max = kPreviewBytesMax;
  preview.file_body = true;
  router.Add(std::move(preview));

  std::vector<OpenApiParameter> import_parameters = file_parameters;
  import_parameters.push_back({.name = "key", .description = "email (default), phone or external_id"});
  import_parameters.push_back({.name = "dry_run", .description = "true: report, write nothing"});
  import_parameters.push_back({.name = "commit", .description = "batch (default) or all (all-or-nothing)"});
  import_parameters.push_back({.name = "mapping", .description = "A saved mapping, hubspot or salesforce"});
  import_parameters.push_back({.name = "calling_code", .description = "For national phone numbers, e.g. 7"});
  import_parameters.push_back({.name = "file_name", .description = "For the audit log"});
  Route import{Method::kPost, "/api/v1/contacts/import", admin, ImportContacts,
               OpenApiOperation{.operation_id = "importContacts",
                                .summary = "Import contacts from CSV or NDJSON (upsert on a natural key)",
                                .description = "Bad rows are reported with their line and reason and never half "
                                               "written. A file that is not UTF-8 is refused (422 import_refused).",
                                .tags = tags,
                                .parameters = std::move(import_parameters),
                                .responses = {{"200", "The import report", "application/json",
                                               std::string(schemas::kImportReport)}}}};
  import.body_bytes_max = limits::kImportUploadBytesMax;
  import.file_body = true;
  router.Add(std::move(import));

  router.Add(
      {Method::kGet, "/api/v1/import-mappings", read, ListMappings,
       OpenApiOperation{.operation_id = "listImportMappings",
                        .summary = "Saved import mappings (hubspot and salesforce are built in)",
                        .tags = tags,
                        .responses = {{"200", "Mappings", "application/json", ItemsSchema(schemas::kImportMapping)}}}});
  router.Add({Method::kPut, "/api/v1/import-mappings/{name}", admin, SaveMapping,
              OpenApiOperation{
                  .operation_id = "saveImportMapping",
                  .summary = "Create or replace a saved import mapping",
                  .tags = tags,
                  .request_schema_json = std::string(schemas::kImportMappingInput),
                  .responses = {{"200", "The mapping", "application/json", std::string(schemas::kImportMapping)}}}});
  router.Add({Method::kDelete, "/api/v1/import-mappings/{name}", admin, DeleteMapping,
              OpenApiOperation{.operation_id = "deleteImportMapping",
                               .summary = "Delete a saved import mapping",
                               .tags = tags,
                               .responses = {{"204", "Deleted", "", ""}}}});
  router.Add({Method::kGet, "/api/v1/contacts/export", admin, ExportContacts,
              OpenApiOperation{.operation_id = "exportContacts",
                               .summary = "Export a filtered list as CSV, NDJSON or vCard",
                               .description = "At most 100,000 rows over HTTP (X-Export-Truncated: true when cut); "
                                              "`rapport export contacts` has no limit. CSV cells that could run as "
                                              "spreadsheet formulas start with an apostrophe.",
                               .tags = tags,
                               .parameters = {{.name = "format", .description = "csv (default), ndjson or vcard"},
                                              {.name = "q", .description = "Search terms"},
                                              {.name = "role", .description = "A relationship role"},
                                              {.name = "company_id", .description = "Linked to this company"}},
                               .responses = {{"200", "The file", "text/csv", R"({"type":"string"})"}}}});
}

}  // namespace rapport::http

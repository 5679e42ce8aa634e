// Purchase import over HTTP: POST /api/v1/purchases/import records the
// purchases of an NDJSON or CSV body with their points — the work is
// app::PurchaseImporter's, the same code `rapport import purchases` runs —
// and answers the report. The body is a file, not a JSON document: NDJSON
// (application/x-ndjson, or application/json for a single purchase) or CSV
// (text/csv), up to limits::kImportUploadBytesMax; ?format= overrides the
// media type, ?dry_run=true writes nothing, ?commit=all writes nothing unless
// every row is good.
#include <algorithm>
#include <optional>
#include <string>

#include "json.h"
#include "request_context.h"
#include "routes/import_support.h"
#include "routes/route_support.h"
#include "routes/routes.h"

#include "rapport/app/purchase_import.h"
#include "rapport/base/limits.h"

namespace rapport::http {
namespace {

using domain::Action;
using domain::Resource;

constexpr std::string_view kPurchaseImportReport =
    R"({"type":"object","required":["dry_run","committed","rows","created","unchanged","failed","points","errors"],"properties":{"dry_run":{"type":"boolean"},"committed":{"type":"boolean"},"rows":{"type":"integer"},"created":{"type":"integer"},"unchanged":{"type":"integer"},"failed":{"type":"integer"},"points":{"type":"integer"},"welcome_bonuses":{"type":"integer"},"tier_changes":{"type":"integer"},"ignored_columns":{"type":"array","items":{"type":"string"}},"errors":{"type":"array","items":{"type":"object","properties":{"line":{"type":"integer"},"field":{"type":"string"},"reason":{"type":"string"}}}},"errors_truncated":{"type":"boolean"}}})";

// One line of the body (NDJSON; application/json sends one purchase).
constexpr std::string_view kImportedPurchase =
    R"({"type":"object","required":["total_minor","currency","occurred_at","external_id"],"properties":{"contact_id":{"type":"integer"},"contact_external_id":{"type":"string"},"contact_email":{"type":"string"},"company_id":{"type":["integer","null"]},"lines":{"type":"array","items":{"type":"object","required":["unit_price_minor"],"properties":{"sku":{"type":"string"},"category":{"type":"string"},"quantity":{"type":"integer"},"unit_price_minor":{"type":"integer"}}}},"total_minor":{"type":"integer"},"currency":{"type":"string"},"channel":{"type":"string"},"store":{"type":"string"},"occurred_at":{"type":"string","format":"date-time"},"external_id":{"type":"string"}}})";

// The format of the body: ?format=, else its media type (NDJSON unless CSV).
std::optional<app::ImportFormat> BodyFormat(const RequestContext& context, std::optional<Response>& problem) {
  if (const auto name = QueryParam(context.request().query, "format"); name && !name->empty()) {
    std::optional<app::ImportFormat> format = app::ParseImportFormat(*name);
    if (!format) problem = InvalidParameter(context, "format", "One of: ndjson, csv.");
    return format;
  }
  const auto content_type = context.request().FindHeader("content-type");
  if (!content_type) return app::ImportFormat::kNdjson;
  const std::string type = MediaType(*content_type);
  if (type == "text/csv" || type == "text/tab-separated-values") return app::ImportFormat::kCsv;
  for (std::string_view accepted :
       {"application/x-ndjson", "application/ndjson", "application/json", "text/plain", "application/octet-stream"}) {
    if (type == accepted) return app::ImportFormat::kNdjson;
  }
  problem = context.ProblemFor(
      UnsupportedMediaTypeProblem("Upload the purchases as application/x-ndjson (one purchase per line) or text/csv."));
  return std::nullopt;
}

boost::asio::awaitable<Response> ImportPurchases(RequestContext& context) {
  const std::string_view query = context.request().query;
  std::optional<Response> problem;
  app::PurchaseImportRequest request;
  const std::optional<app::ImportFormat> format = BodyFormat(context, problem);
  if (!format) co_return std::move(*problem);
  request.format = *format;
  if (auto refused = ReadImportModes(context, request.dry_run, request.commit)) co_return std::move(*refused);
  request.file_name = QueryParam(query, "file_name").value_or("upload");

  const app::Principal principal = *context.principal();
  const app::Origin origin = context.Origin();
  BodySource source(context.request().body);
  app::Store& store = *context.services().store;
  const Clock& clock = *context.services().clock;
  Result<app::PurchaseImportReport> report = co_await context.Call<app::PurchaseImportReport>([&] {
    app::PurchaseImporter importer(store, clock);
    return importer.Import(principal, origin, source, request);
  });
  if (!report.ok()) {
    const StatusCode code = report.status().code();
    if (code == StatusCode::kInvalidArgument || code == StatusCode::kFailedPrecondition) {
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
  json.Field("unchanged", static_cast<std::int64_t>(report->unchanged));
  json.Field("failed", static_cast<std::int64_t>(report->failed));
  json.Field("points", report->points);
  json.Field("welcome_bonuses", static_cast<std::int64_t>(report->welcome_bonuses));
  json.Field("tier_changes", static_cast<std::int64_t>(report->tier_changes));
  json.Key("ignored_columns");
  json.StartArray();
  for (const std::string& column : report->unmapped_columns) json.String(column);
  json.EndArray();
  WriteRowErrors(json, report->errors, report->errors_truncated);
  json.EndObject();
  co_return RequestContext::Json(200, json.Take());
}

}  // namespace

void RegisterPurchaseImportRoutes(Router& router) {
  Route import{
      Method::kPost, "/api/v1/purchases/import", app::Permission::Require(Resource::kLoyalty, Action::kAdmin),
      ImportPurchases,
      OpenApiOperation{
          .operation_id = "importPurchases",
          .summary = "Import purchases with their points from NDJSON or CSV",
          .description =
              "NDJSON: one POST /api/v1/purchases body per line, the member as contact_id, contact_external_id "
              "or contact_email. CSV: a header naming those fields (one purchase line per row: sku, category, "
              "quantity, unit_price_minor). Every row needs an external_id: a row already recorded with the same "
              "content is unchanged, so re-running an interrupted import creates nothing twice. Points are "
              "earned as by POST /api/v1/purchases (tier multiplier, caps, welcome bonus, tier upgrades; no "
              "coupons or referral codes). Bad rows are reported with their line and reasons and never half "
              "written; a file that cannot be read is refused (422 import_refused).",
          .tags = {"loyalty"},
          .parameters = {{.name = "format", .description = "ndjson or csv (default: from the Content-Type)"},
                         {.name = "dry_run", .description = "true: report, write nothing"},
                         {.name = "commit", .description = "batch (default) or all (all-or-nothing)"},
                         {.name = "file_name", .description = "For the audit log"}},
          .request_schema_json = std::string(kImportedPurchase),
          .responses = {{"200", "The import report", "application/json", std::string(kPurchaseImportReport)}}}};
  import.body_bytes_max = limits::kImportUploadBytesMax;
  import.file_body = true;
  router.Add(std::move(import));
}

}  // namespace rapport::http

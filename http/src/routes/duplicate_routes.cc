// Duplicates and merges: the review queue of probable duplicate pairs, a scan
// of all contacts, dismissing a pair, merging two cards with per-field
// choices, and undoing a merge. Every operation goes through
// app::DuplicateService.
#include <charconv>
#include <optional>
#include <string>

#include "json.h"
#include "request_context.h"
#include "routes/contact_json.h"
#include "routes/contact_schemas.h"
#include "routes/route_support.h"
#include "routes/routes.h"

namespace rapport::http {
namespace {

using domain::Action;
using domain::Resource;

Response MergeResponse(const app::MergeResult& result) {
  JsonWriter json;
  json.StartObject();
  json.Key("merge");
  WriteMerge(json, result.merge);
  json.Key("contact");
  WriteContact(json, result.survivor);
  json.EndObject();
  return RequestContext::Json(200, json.Take());
}

// "95.17": the score and id of the last pair of a page.
std::optional<std::pair<int, DuplicateId>> DecodeDuplicateCursor(std::string_view text) {
  const std::size_t dot = text.find('.');
  if (dot == std::string_view::npos) return std::nullopt;
  int score = 0;
  const auto [score_end, score_error] = std::from_chars(text.data(), text.data() + dot, score);
  const auto id = PositiveInteger(text.substr(dot + 1));
  if (score_error != std::errc() || score_end != text.data() + dot || !id) return std::nullopt;
  return std::pair{score, DuplicateId(*id)};
}

boost::asio::awaitable<Response> ListDuplicates(RequestContext& context) {
  const std::string_view query = context.request().query;
  app::DuplicateStatus status = app::DuplicateStatus::kOpen;
  if (const auto name = QueryParam(query, "status"); name && !name->empty()) {
    const auto parsed = app::ParseDuplicateStatus(*name);
    if (!parsed) co_return InvalidParameter(context, "status", "One of: open, merged, dismissed.");
    status = *parsed;
  }
  std::optional<std::pair<int, DuplicateId>> after;
  if (const auto cursor = QueryParam(query, "cursor"); cursor && !cursor->empty()) {
    after = DecodeDuplicateCursor(*cursor);
    if (!after) co_return InvalidParameter(context, "cursor", "Not a cursor of this list.");
  }
  std::optional<Response> problem;
  const std::optional<int> limit = PageLimit(context, 50, problem);
  if (!limit) co_return std::move(*problem);
  app::DuplicateService* duplicates = context.services().relationships.duplicates;
  const app::Principal principal = *context.principal();
  Result<std::vector<app::DuplicatePair>> pairs = co_await context.Call<std::vector<app::DuplicatePair>>(
      [&] { return duplicates->List(principal, status, after, *limit); });
  if (!pairs.ok()) co_return context.StatusProblem(pairs.status());
  JsonWriter json;
  json.StartObject();
  json.Key("items");
  json.StartArray();
  for (const app::DuplicatePair& pair : *pairs) WriteDuplicatePair(json, pair);
  json.EndArray();
  json.Key("next");
  if (std::ssize(*pairs) == *limit) {
    const app::DuplicateCandidate& last = pairs->back().candidate;
    json.String(std::to_string(last.score) + "." + std::to_string(last.id.value()));
  } else {
    json.Null();
  }
  json.EndObject();
  co_return RequestContext::Json(200, json.Take());
}

boost::asio::awaitable<Response> ScanDuplicates(RequestContext& context) {
  std::int64_t contacts_max = 0;
  if (const auto limit = QueryParam(context.request().query, "limit"); limit && !limit->empty()) {
    const auto value = PositiveInteger(*limit);
    if (!value) co_return InvalidParameter(context, "limit", "Expected a positive number of contacts to scan.");
    contacts_max = *value;
  }
  app::DuplicateService* duplicates = context.services().relationships.duplicates;
  const app::Principal principal = *context.principal();
  const app::Origin origin = context.Origin();
  Result<app::DuplicateScanReport> report = co_await context.Call<app::DuplicateScanReport>(
      [&] { return duplicates->Scan(principal, origin, contacts_max); });
  if (!report.ok()) co_return context.StatusProblem(report.status());
  JsonWriter json;
  json.StartObject();
  json.Field("scanned", report->scanned);
  json.Field("candidates", report->candidates);
  json.EndObject();
  co_return RequestContext::Json(200, json.Take());
}

boost::asio::awaitable<Response> DismissDuplicate(RequestContext& context) {
  const auto id = PositiveInteger(context.Param("duplicate_id"));
  if (!id) co_return InvalidParameter(context, "duplicate_id", "Expected a positive integer.");
  app::DuplicateService* duplicates = context.services().relationships.duplicates;
  const app::Principal principal = *context.principal();
  const app::Origin origin = context.Origin();
  Result<app::DuplicateCandidate> candidate = co_await context.Call<app::DuplicateCandidate>(
      [&] { return duplicates->Dismiss(principal, origin, DuplicateId(*id)); });
  if (!candidate.ok()) co_return context.StatusProblem(candidate.status());
  JsonWriter json;
  json.StartObject();
  json.Field("id", candidate->id.value());
  json.Field("status", app::DuplicateStatusName(candidate->status));
  json.EndObject();
  co_return RequestContext::Json(200, json.Take());
}

boost::asio::awaitable<Response> MergeContacts(RequestContext& context) {
  const auto id = PositiveInteger(context.Param("contact_id"));
  if (!id) co_return InvalidParameter(context, "contact_id", "Expected a positive integer.");
  std::int64_t other_id = 0;
  RawJson fields;
  JsonObjectReader reader;
  reader.Field("other_id", &other_id, Presence::kRequired).Field("fields", &fields, Presence::kOptional);
  if (auto problem = reader.Read(context.request().body)) co_return context.ProblemFor(*problem);
  if (other_id <= 0) co_return InvalidParameter(context, "other_id", "Expected a positive integer.");
  app::MergeRequest request{.survivor = ContactId(*id), .other = ContactId(other_id)};
  if (!fields.text.empty()) {
    // {"email": "other", "first_name": "survivor"}: parsed with the generic reader, one field per key.
    std::vector<std::string> names;
    std::vector<std::string> sides(app::MergeableFields().size());
    JsonObjectReader choices;
    for (std::size_t i = 0; i < app::MergeableFields().size(); ++i) {
      choices.Field(app::MergeableFields()[i], &sides[i], Presence::kOptional);
    }
    if (auto problem = choices.Read(fields.text)) co_return context.ProblemFor(*problem);
    for (std::size_t i = 0; i < sides.size(); ++i) {
      if (sides[i].empty()) continue;
      if (sides[i] != "survivor" && sides[i] != "other") {
        co_return InvalidParameter(context, "fields." + std::string(app::MergeableFields()[i]),
                                   "Expected survivor or other.");
      }
      request.fields[std::string(app::MergeableFields()[i])] =
          sides[i] == "other" ? app::MergeSide::kOther : app::MergeSide::kSurvivor;
    }
  }
  app::DuplicateService* duplicates = context.services().relationships.duplicates;
  const app::Principal principal = *context.principal();
  const app::Origin origin = context.Origin();
  Result<app::MergeResult> result =
      co_await context.Call<app::MergeResult>([&] { return duplicates->Merge(principal, origin, request); });
  if (!result.ok()) co_return context.StatusProblem(result.status());
  co_return MergeResponse(*result);
}

boost::asio::awaitable<Response> UndoMerge(RequestContext& context) {
  const auto id = PositiveInteger(context.Param("merge_id"));
  if (!id) co_return InvalidParameter(context, "merge_id", "Expected a positive integer.");
  app::DuplicateService* duplicates = context.services().relationships.duplicates;
  const app::Principal principal = *context.principal();
  const app::Origin origin = context.Origin();
  Result<app::MergeResult> result =
      co_await context.Call<app::MergeResult>([&] { return duplicates->Undo(principal, origin, MergeId(*id)); });
  if (!result.ok()) co_return context.StatusProblem(result.status());
  co_return MergeResponse(*result);
}

boost::asio::awaitable<Response> ListMerges(RequestContext& context) {
  const auto id = PositiveInteger(context.Param("contact_id"));
  if (!id) co_return InvalidParameter(context, "contact_id", "Expected a positive integer.");
  app::DuplicateService* duplicates = context.services().relationships.duplicates;
  const app::Principal principal = *context.principal();
  Result<std::vector<app::MergeRecord>> merges = co_await context.Call<std::vector<app::MergeRecord>>(
      [&] { return duplicates->MergesInto(principal, ContactId(*id)); });
  if (!merges.ok()) co_return context.StatusProblem(merges.status());
  JsonWriter json;
  json.StartObject();
  json.Key("items");
  json.StartArray();
  for (const app::MergeRecord& merge : *merges) WriteMerge(json, merge);
  json.EndArray();
  json.EndObject();
  co_return RequestContext::Json(200, json.Take());
}

}  // namespace

void RegisterDuplicateRoutes(Router& router) {
  const auto read = app::Permission::Require(Resource::kRelationships, Action::kRead);
  const auto write = app::Permission::Require(Resource::kRelationships, Action::kWrite);
  const auto admin = app::Permission::Require(Resource::kRelationships, Action::kAdmin);
  const std::vector<std::string> tags = {"duplicates"};
  const std::string merge_result(schemas::kMergeResult);

  router.Add({Method::kGet, "/api/v1/duplicates", read, ListDuplicates,
              OpenApiOperation{
                  .operation_id = "listDuplicates",
                  .summary = "Probable duplicate pairs, highest score first",
                  .tags = tags,
                  .parameters = {{.name = "status", .description = "open (default), merged, dismissed"},
                                 {.name = "limit", .description = "1 to 500, default 50"},
                                 {.name = "cursor", .description = "The next of the previous page"}},
                  .responses = {{"200", "A page of pairs", "application/json", PageSchema(schemas::kDuplicate)}}}});
  router.Add(
      {Method::kPost, "/api/v1/duplicates/scan", write, ScanDuplicates,
       OpenApiOperation{
           .operation_id = "scanDuplicates",
           .summary = "Look for duplicates among all contacts (or the first limit)",
           .tags = tags,
           .parameters = {{.name = "limit", .description = "Contacts to scan; all by default"}},
           .responses = {
               {"200", "What the scan found", "application/json",
                R"({"type":"object","properties":{"scanned":{"type":"integer"},"candidates":{"type":"integer"}}})"}}}});
  router.Add({Method::kPost, "/api/v1/duplicates/{duplicate_id}/dismiss", write, DismissDuplicate,
              OpenApiOperation{.operation_id = "dismissDuplicate",
                               .summary = "Mark a pair as not a duplicate",
                               .tags = tags,
                               .responses = {{"200", "The pair", "application/json", R"({"type":"object"})"}}}});
  router.Add({Method::kPost, "/api/v1/contacts/{contact_id}/merge", admin, MergeContacts,
              OpenApiOperation{
                  .operation_id = "mergeContacts",
                  .summary = "Merge another contact into this one",
                  .description = "Moves notes, tasks, consents, purchases, company links and "
                                 "interests; fields picks per field whose value is kept. Undoable.",
                  .tags = tags,
                  .request_schema_json = std::string(schemas::kMergeRequest),
                  .responses = {{"200", "The merge and the surviving contact", "application/json", merge_result}}}});
  router.Add({Method::kGet, "/api/v1/contacts/{contact_id}/merges", read, ListMerges,
              OpenApiOperation{.operation_id = "listMerges",
                               .summary = "The merges into a contact, newest first",
                               .tags = tags,
                               .responses = {{"200", "Merges", "application/json", ItemsSchema(schemas::kMerge)}}}});
  router.Add(
      {Method::kPost, "/api/v1/merges/{merge_id}/undo", admin, UndoMerge,
       OpenApiOperation{.operation_id = "undoMerge",
                        .summary = "Undo a merge: rows move back, both profiles are restored",
                        .description = "422 when a later merge into the same contact is still in place.",
                        .tags = tags,
                        .responses = {{"200", "The undone merge and the contact", "application/json", merge_result}}}});
}

}  // namespace rapport::http

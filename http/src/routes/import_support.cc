#include "routes/import_support.h"

#include <algorithm>
#include <utility>

#include "problem.h"
#include "routes/route_support.h"

namespace rapport::http {

Result<std::size_t> BodySource::Read(std::span<char> buffer) {
  const std::size_t count = std::min(buffer.size(), body_.size() - offset_);
  std::copy_n(body_.data() + offset_, count, buffer.data());
  offset_ += count;
  return count;
}

Status BodySource::Rewind() {
  offset_ = 0;
  return Status::Ok();
}

std::optional<Response> ReadImportModes(const RequestContext& context, bool& dry_run, app::CommitMode& commit) {
  const std::string_view query = context.request().query;
  if (const auto text = QueryParam(query, "dry_run"); text && !text->empty()) {
    if (*text != "true" && *text != "false") return InvalidParameter(context, "dry_run", "true or false.");
    dry_run = *text == "true";
  }
  if (const auto text = QueryParam(query, "commit"); text && !text->empty()) {
    if (*text != "batch" && *text != "all") return InvalidParameter(context, "commit", "batch or all.");
    commit = *text == "all" ? app::CommitMode::kAllOrNothing : app::CommitMode::kPerBatch;
  }
  return std::nullopt;
}

Response ImportRefused(const RequestContext& context, std::string detail) {
  return context.ProblemFor(Problem{.status = 422,
                                    .code = "import_refused",
                                    .title = "The file cannot be imported",
                                    .detail = std::move(detail),
                                    .errors = {}});
}

void WriteRowErrors(JsonWriter& json, std::span<const app::ImportRowError> errors, bool truncated) {
  json.Key("errors");
  json.StartArray();
  for (const app::ImportRowError& error : errors) {
    json.StartObject();
    json.Field("line", static_cast<std::int64_t>(error.line));
    json.Field("field", error.field);
    json.Field("reason", error.reason);
    json.EndObject();
  }
  json.EndArray();
  json.Field("errors_truncated", truncated);
}

}  // namespace rapport::http

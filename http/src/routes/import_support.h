// What the contact and purchase import routes share: the request body as an
// import source, the ?dry_run= and ?commit= parameters, the 422 for a file
// that cannot be imported, and a report's per-row errors.
//
// Thread safety: a BodySource belongs to one request; the rest are free
// functions over values.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "json.h"
#include "message.h"
#include "request_context.h"

#include "rapport/app/contact_transfer.h"

namespace rapport::http {

// The request body as an import source; rewindable, as all-or-nothing needs.
class BodySource final : public app::ByteSource {
 public:
  explicit BodySource(std::string_view body) : body_(body) {}
  Result<std::size_t> Read(std::span<char> buffer) override;
  std::optional<std::uint64_t> Size() const override { return body_.size(); }
  Status Rewind() override;

 private:
  std::string_view body_;
  std::size_t offset_ = 0;
};

// ?dry_run=true|false and ?commit=batch|all into the request's fields (left
// as they are when absent); the 400 naming the parameter when malformed.
std::optional<Response> ReadImportModes(const RequestContext& context, bool& dry_run, app::CommitMode& commit);

// 422 import_refused: the file cannot be imported at all (`detail` says why).
Response ImportRefused(const RequestContext& context, std::string detail);

// "errors": [{line, field, reason}...] and "errors_truncated".
void WriteRowErrors(JsonWriter& json, std::span<const app::ImportRowError> errors, bool truncated);

}  // namespace rapport::http

// What every route file needs: path and query parameters, the 400 for a bad
// one, and the OpenAPI fragments lists share.
//
// Thread safety: free functions over values.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "json.h"
#include "message.h"
#include "request_context.h"

#include "rapport/base/clock.h"

namespace rapport::http {

// A positive integer path or query parameter; nullopt when malformed.
std::optional<std::int64_t> PositiveInteger(std::string_view text);

// The decoded value of query parameter `name` (percent-decoding, '+' as space);
// nullopt when absent or badly encoded.
std::optional<std::string> QueryParam(std::string_view query, std::string_view name);

// 400 validation_failed naming the parameter.
Response InvalidParameter(const RequestContext& context, std::string name, std::string message);

// The page size from ?limit= (1..limits::kPageSizeMax, `fallback` when absent);
// nullopt after answering 400 into `problem`.
std::optional<int> PageLimit(const RequestContext& context, int fallback, std::optional<Response>& problem);

// The positive integer path parameter `name`; nullopt when malformed.
std::optional<std::int64_t> PathId(const RequestContext& context, std::string_view name);

// ?cursor= of a list whose cursor is the id of the last item of the previous
// page: an empty inner value for the first page; nullopt after answering 400
// into `problem`.
std::optional<std::optional<std::int64_t>> IdCursor(const RequestContext& context, std::optional<Response>& problem);

// "next": that id as a string, or null on the last page.
void WriteIdNext(JsonWriter& json, const std::optional<std::int64_t>& next);
// "key": the time in RFC 3339 (UTC), or null.
void WriteOptionalTime(JsonWriter& json, std::string_view key, const std::optional<Timestamp>& at);
// "key": the integer, or null.
void WriteOptionalInteger(JsonWriter& json, std::string_view key, const std::optional<std::int64_t>& value);

// 204 with no body.
Response NoContent();

// {"type":"object","required":["items"],"properties":{"items":{"type":"array","items":ITEM}}}
std::string ItemsSchema(std::string_view item_schema);
// The same with "next" (a cursor string or null) for keyset pages.
std::string PageSchema(std::string_view item_schema);

}  // namespace rapport::http

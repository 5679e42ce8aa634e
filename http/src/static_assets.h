// Serving the embedded web UI from the asset table.
//
// Selection: the exact path; "/" is /index.html; a path whose last segment has
// no extension is a client-side route and gets /index.html; an unknown path
// with an extension is 404. Conditional and encoded responses: If-None-Match
// with the asset's ETag gives 304; gzip bytes are sent when the client accepts
// gzip (Vary: Accept-Encoding either way). Hashed assets are cached forever,
// everything else must revalidate (no-cache). With an empty table (built with
// RAPPORT_UI=OFF) page paths answer a small HTML page saying so.
//
// Thread safety: pure functions over immutable data.
#pragma once

#include <span>
#include <string_view>

#include "message.h"

#include "rapport/http/server.h"

namespace rapport::http {

// The asset for `path`, or nullptr when the path names no asset.
const StaticAsset* SelectAsset(std::span<const StaticAsset> assets, std::string_view path);
// True when the last path segment looks like a file name ("app.js").
bool HasFileExtension(std::string_view path);
// RFC 9110 If-None-Match with weak comparison: a list of tags or "*".
bool IfNoneMatchMatches(std::string_view if_none_match, std::string_view etag);
// True when Accept-Encoding lists gzip (or *) without q=0.
bool AcceptsGzip(std::string_view accept_encoding);

// The full response for a GET/HEAD of a UI path (the body is a view of the table).
Response ServeStaticAsset(std::span<const StaticAsset> assets, const Request& request);

}  // namespace rapport::http

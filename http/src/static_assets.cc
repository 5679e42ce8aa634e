// Asset selection, ETag and encoding negotiation for the embedded UI.
#include "static_assets.h"

#include "problem.h"

namespace rapport::http {
namespace {

constexpr std::string_view kIndexPath = "/index.html";

constexpr std::string_view kNoUiPage =
    "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Rapport</title></head>"
    "<body><h1>Rapport</h1><p>This build has no web UI: it was built without Node (RAPPORT_UI=OFF). "
    "The API is available under <a href=\"/api/v1/openapi.json\">/api/v1</a>.</p></body></html>\n";

std::string_view Trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

std::string_view WithoutWeakPrefix(std::string_view tag) {
  if (tag.starts_with("W/")) tag.remove_prefix(2);
  return tag;
}

std::string_view AsChars(std::span<const unsigned char> bytes) {
  return {reinterpret_cast<const char*>(bytes.data()), bytes.size()};
}

const StaticAsset* FindExact(std::span<const StaticAsset> assets, std::string_view path) {
  for (const StaticAsset& asset : assets) {
    if (asset.path == path) return &asset;
  }
  return nullptr;
}

}  // namespace

bool HasFileExtension(std::string_view path) {
  const std::size_t slash = path.rfind('/');
  const std::string_view last = slash == std::string_view::npos ? path : path.substr(slash + 1);
  const std::size_t dot = last.rfind('.');
  return dot != std::string_view::npos && dot + 1 < last.size();
}

const StaticAsset* SelectAsset(std::span<const StaticAsset> assets, std::string_view path) {
  if (path == "/") return FindExact(assets, kIndexPath);
  if (const StaticAsset* exact = FindExact(assets, path)) return exact;
  if (HasFileExtension(path)) return nullptr;
  return FindExact(assets, kIndexPath);  // client-side route
}

bool IfNoneMatchMatches(std::string_view if_none_match, std::string_view etag) {
  if (Trim(if_none_match) == "*") return true;
  while (!if_none_match.empty()) {
    const std::size_t comma = if_none_match.find(',');
    const std::string_view candidate = Trim(if_none_match.substr(0, comma));
    if (!candidate.empty() && WithoutWeakPrefix(candidate) == WithoutWeakPrefix(etag)) return true;
    if (comma == std::string_view::npos) break;
    if_none_match.remove_prefix(comma + 1);
  }
  return false;
}

bool AcceptsGzip(std::string_view accept_encoding) {
  while (!accept_encoding.empty()) {
    const std::size_t comma = accept_encoding.find(',');
    std::string_view item = Trim(accept_encoding.substr(0, comma));
    accept_encoding = comma == std::string_view::npos ? std::string_view() : accept_encoding.substr(comma + 1);
    const std::size_t semicolon = item.find(';');
    const std::string coding = ToLowerAscii(Trim(item.substr(0, semicolon)));
    if (coding != "gzip" && coding != "*") continue;
    if (semicolon == std::string_view::npos) return true;
    std::string parameters = ToLowerAscii(item.substr(semicolon + 1));
    std::erase(parameters, ' ');
    // q=0, q=0.0, q=0.00… refuse; any other weight accepts.
    if (parameters.starts_with("q=0") && parameters.find_first_not_of("0.", 2) == std::string::npos) continue;
    return true;
  }
  return false;
}

Response ServeStaticAsset(std::span<const StaticAsset> assets, const Request& request) {
  Response response;
  if (assets.empty()) {
    if (HasFileExtension(request.path)) return ProblemResponse(NotFoundProblem("No such file."), request);
    response.content_type = "text/html; charset=utf-8";
    response.SetHeader("Cache-Control", "no-cache");
    response.static_body = kNoUiPage;
    return response;
  }
  const StaticAsset* asset = SelectAsset(assets, request.path);
  if (asset == nullptr) return ProblemResponse(NotFoundProblem("No such file."), request);

  response.SetHeader("ETag", std::string(asset->etag));
  response.SetHeader("Vary", "Accept-Encoding");
  response.SetHeader("Cache-Control", asset->immutable ? "public, max-age=31536000, immutable" : "no-cache");
  if (const auto if_none_match = request.FindHeader("if-none-match");
      if_none_match && IfNoneMatchMatches(*if_none_match, asset->etag)) {
    response.status = 304;
    return response;
  }
  response.content_type = std::string(asset->content_type);
  const auto accept_encoding = request.FindHeader("accept-encoding");
  if (!asset->gzip.empty() && accept_encoding && AcceptsGzip(*accept_encoding)) {
    response.SetHeader("Content-Encoding", "gzip");
    response.static_body = AsChars(asset->gzip);
  } else {
    response.static_body = AsChars(asset->identity);
  }
  return response;
}

}  // namespace rapport::http

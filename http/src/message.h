// Request and Response: the transport-neutral HTTP messages handlers see. The
// server (server.cc) converts Beast messages to and from these, so no other
// file of the layer depends on Beast.
//
// Invariants: header names in Request::headers are lower-case; Request::path
// is the target up to '?', percent-encoding untouched. A Response body is either
// owned (`body`) or a view into static memory that outlives the server
// (`static_body`, for embedded assets), never both.
//
// Thread safety: plain values, owned by one request at a time.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace rapport::http {

enum class Method : std::uint8_t { kGet, kHead, kPost, kPut, kPatch, kDelete, kOptions, kOther };

std::string_view MethodName(Method method);
Method MethodFromName(std::string_view name);

struct Header {
  std::string name;  // lower-case in requests
  std::string value;
};

struct Request {
  Method method = Method::kGet;
  std::string method_name;  // as sent, for logs and metrics of unknown methods
  std::string target;       // path and query as sent
  std::string path;         // target before '?'
  std::string query;        // target after '?', without it
  std::vector<Header> headers;
  std::string body;
  bool has_body = false;  // Content-Length > 0 or chunked
  std::string remote;     // client address ("127.0.0.1:50312" or the forwarded one)
  std::string request_id;
  bool secure_transport = false;  // reached us over TLS (X-Forwarded-Proto: https from a trusted proxy)

  // The first header of that name (case-insensitive), if present.
  std::optional<std::string_view> FindHeader(std::string_view name) const;
};

struct Response {
  int status = 200;
  std::string content_type;  // empty: no Content-Type header
  std::vector<Header> headers;
  std::string body;
  std::string_view static_body;  // alternative to `body` for embedded assets

  void SetHeader(std::string name, std::string value) { headers.push_back({std::move(name), std::move(value)}); }
  std::size_t BodySize() const { return static_body.empty() ? body.size() : static_body.size(); }
};

// Lower-cases ASCII letters.
std::string ToLowerAscii(std::string_view text);
bool EqualsIgnoreCase(std::string_view a, std::string_view b);

// The media type of a Content-Type value: lower-cased, without parameters.
std::string MediaType(std::string_view content_type);
// True for application/json and any application/*+json.
bool IsJsonMediaType(std::string_view content_type);

// X-Request-Id values we accept from clients: 1–64 of [A-Za-z0-9-_].
bool IsSaneRequestId(std::string_view candidate);

// The query string with the values of secret-looking parameters (token, key,
// password, secret, signature, code, auth…) replaced by "REDACTED", for logs.
std::string RedactQuery(std::string_view query);

}  // namespace rapport::http

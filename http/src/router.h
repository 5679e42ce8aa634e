// Router: the table of API operations. Each route names a method, a path
// pattern whose `{name}` segments capture parameters, the permission the caller
// needs, the handler coroutine and its OpenAPI operation, so the document at
// /api/v1/openapi.json is generated from the same table that serves requests.
//
// Matching is exact per segment (no trailing-slash folding). A path that some
// route matches with another method gives kMethodNotAllowed with the Allow list;
// HEAD matches a GET route. Routes are added before the server starts; after
// that the router is read-only.
//
// Thread safety: Add() during setup only; Find() from any thread afterwards.
#pragma once

#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <utility>  // before awaitable.hpp (Asio 1.74)
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "message.h"

#include "rapport/app/permission.h"

namespace rapport::http {

class RequestContext;
using Handler = std::function<boost::asio::awaitable<Response>(RequestContext&)>;

struct OpenApiParameter {
  std::string name;
  std::string in = "query";  // "path", "query", "header"
  std::string description;
  std::string schema_json = R"({"type":"string"})";
  bool required = false;
};

struct OpenApiResponse {
  std::string status;  // "200", "default"
  std::string description;
  std::string content_type = "application/json";  // empty: no body
  std::string schema_json;                        // a JSON Schema object
};

struct OpenApiOperation {
  std::string operation_id{};
  std::string summary{};
  std::string description{};
  std::vector<std::string> tags{};
  std::vector<OpenApiParameter> parameters{};  // path parameters are added when not listed
  std::string request_schema_json{};           // empty: no request body
  std::vector<OpenApiResponse> responses{};
  bool documented = true;  // false for routes kept out of the document
};

struct Route {
  Method method = Method::kGet;
  std::string pattern;  // "/api/v1/contacts/{contact_id}"
  app::Permission permission;
  Handler handler;
  OpenApiOperation operation;
  // The largest request body this route accepts; 0 = the server's default
  // (ServerOptions::body_bytes_max). Only bulk uploads raise it.
  std::size_t body_bytes_max = 0;
  // Whether the body is a file (CSV, NDJSON) the handler reads as it is,
  // instead of JSON; the handler then checks the media type itself.
  bool file_body = false;
};

struct PathParam {
  std::string_view name;
  std::string_view value;
};

struct RouteMatch {
  enum class Kind : std::uint8_t { kFound, kMethodNotAllowed, kNotFound };
  Kind kind = Kind::kNotFound;
  const Route* route = nullptr;   // kFound only
  std::size_t route_index = 0;    // kFound only: position in routes()
  std::vector<PathParam> params;  // kFound only; views into the path and pattern
  std::string allow;              // kMethodNotAllowed only: "GET, HEAD"
};

class Router {
 public:
  // Adds a route. A malformed pattern or a duplicate (method, pattern) is a bug.
  void Add(Route route);
  RouteMatch Find(Method method, std::string_view path) const;
  std::span<const Route> routes() const { return routes_; }

 private:
  struct Compiled {
    std::vector<std::string> segments;  // "{name}" for parameters
  };
  bool Matches(const Compiled& compiled, std::string_view path, std::vector<PathParam>* params) const;

  std::vector<Route> routes_;
  std::vector<Compiled> compiled_;
};

// Splits "/a/b" into {"a", "b"}; "/" gives {""}.
std::vector<std::string_view> SplitPath(std::string_view path);
bool IsParameterSegment(std::string_view segment);

}  // namespace rapport::http

#include "routes/route_support.h"

#include <charconv>

#include "rapport/base/limits.h"

namespace rapport::http {

std::optional<std::int64_t> PositiveInteger(std::string_view text) {
  std::int64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || value <= 0) return std::nullopt;
  return value;
}

std::optional<std::string> QueryParam(std::string_view query, std::string_view name) {
  while (!query.empty()) {
    const auto amp = query.find('&');
    const std::string_view pair = query.substr(0, amp);
    const auto equals = pair.find('=');
    if (pair.substr(0, equals) == name) {
      const std::string_view raw = equals == std::string_view::npos ? std::string_view() : pair.substr(equals + 1);
      std::string decoded;
      for (std::size_t i = 0; i < raw.size(); ++i) {
        if (raw[i] == '+') {
          decoded += ' ';
        } else if (raw[i] == '%') {
          if (i + 2 >= raw.size()) return std::nullopt;
          int byte = 0;
          const auto [end, error] = std::from_chars(raw.data() + i + 1, raw.data() + i + 3, byte, 16);
          if (error != std::errc() || end != raw.data() + i + 3) return std::nullopt;
          decoded += static_cast<char>(byte);
          i += 2;
        } else {
          decoded += raw[i];
        }
      }
      return decoded;
    }
    if (amp == std::string_view::npos) break;
    query.remove_prefix(amp + 1);
  }
  return std::nullopt;
}

Response InvalidParameter(const RequestContext& context, std::string name, std::string message) {
  return context.ProblemFor(ValidationFailedProblem({{std::move(name), "invalid_value", std::move(message)}}));
}

std::optional<int> PageLimit(const RequestContext& context, int fallback, std::optional<Response>& problem) {
  const auto limit = QueryParam(context.request().query, "limit");
  if (!limit) return fallback;
  const auto value = PositiveInteger(*limit);
  if (!value || *value > limits::kPageSizeMax) {
    problem = InvalidParameter(context, "limit",
                               "Expected an integer from 1 to " + std::to_string(limits::kPageSizeMax) + ".");
    return std::nullopt;
  }
  return static_cast<int>(*value);
}

Response NoContent() {
  Response response;
  response.status = 204;
  return response;
}

std::string ItemsSchema(std::string_view item_schema) {
  return R"({"type":"object","required":["items"],"properties":{"items":{"type":"array","items":)" +
         std::string(item_schema) + "}}}";
}

std::string PageSchema(std::string_view item_schema) {
  return R"({"type":"object","required":["items","next"],"properties":{"items":{"type":"array","items":)" +
         std::string(item_schema) + R"(},"next":{"type":["string","null"]}}})";
}

std::optional<std::int64_t> PathId(const RequestContext& context, std::string_view name) {
  return PositiveInteger(context.Param(name));
}

std::optional<std::optional<std::int64_t>> IdCursor(const RequestContext& context, std::optional<Response>& problem) {
  const auto cursor = QueryParam(context.request().query, "cursor");
  if (!cursor || cursor->empty()) return std::optional<std::int64_t>();
  const auto value = PositiveInteger(*cursor);
  if (!value) {
    problem = InvalidParameter(context, "cursor", "Not a cursor of this list.");
    return std::nullopt;
  }
  return std::optional<std::int64_t>(*value);
}

void WriteIdNext(JsonWriter& json, const std::optional<std::int64_t>& next) {
  json.Key("next");
  if (next) {
    json.String(std::to_string(*next));
  } else {
    json.Null();
  }
}

void WriteOptionalTime(JsonWriter& json, std::string_view key, const std::optional<Timestamp>& at) {
  json.Key(key);
  if (at) {
    json.String(FormatRfc3339(*at));
  } else {
    json.Null();
  }
}

void WriteOptionalInteger(JsonWriter& json, std::string_view key, const std::optional<std::int64_t>& value) {
  json.Key(key);
  if (value) {
    json.Int64(*value);
  } else {
    json.Null();
  }
}

}  // namespace rapport::http

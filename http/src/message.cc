// Small helpers for the transport-neutral messages (see message.h).
#include "message.h"

#include <algorithm>
#include <array>
#include <cctype>

namespace rapport::http {
namespace {

constexpr std::array<std::pair<Method, std::string_view>, 7> kMethodNames = {{
    {Method::kGet, "GET"},
    {Method::kHead, "HEAD"},
    {Method::kPost, "POST"},
    {Method::kPut, "PUT"},
    {Method::kPatch, "PATCH"},
    {Method::kDelete, "DELETE"},
    {Method::kOptions, "OPTIONS"},
}};

char LowerAscii(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

std::string_view TrimSpaces(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

bool IsSecretParameter(std::string_view name) {
  static constexpr std::array<std::string_view, 9> kSecretWords = {
      "token", "key", "password", "secret", "signature", "code", "auth", "session", "credential"};
  const std::string lower = ToLowerAscii(name);
  return std::any_of(kSecretWords.begin(), kSecretWords.end(),
                     [&](std::string_view word) { return lower.find(word) != std::string::npos; });
}

}  // namespace

std::string_view MethodName(Method method) {
  for (const auto& [candidate, name] : kMethodNames) {
    if (candidate == method) return name;
  }
  return "OTHER";
}

Method MethodFromName(std::string_view name) {
  for (const auto& [method, candidate] : kMethodNames) {
    if (candidate == name) return method;
  }
  return Method::kOther;
}

std::optional<std::string_view> Request::FindHeader(std::string_view name) const {
  for (const Header& header : headers) {
    if (EqualsIgnoreCase(header.name, name)) return std::string_view(header.value);
  }
  return std::nullopt;
}

std::string ToLowerAscii(std::string_view text) {
  std::string lower(text);
  std::transform(lower.begin(), lower.end(), lower.begin(), LowerAscii);
  return lower;
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) { return LowerAscii(x) == LowerAscii(y); });
}

std::string MediaType(std::string_view content_type) {
  const std::size_t semicolon = content_type.find(';');
  return ToLowerAscii(TrimSpaces(content_type.substr(0, semicolon)));
}

bool IsJsonMediaType(std::string_view content_type) {
  const std::string media_type = MediaType(content_type);
  if (media_type == "application/json") return true;
  return media_type.starts_with("application/") && media_type.ends_with("+json");
}

bool IsSaneRequestId(std::string_view candidate) {
  constexpr std::size_t kRequestIdBytesMax = 64;
  if (candidate.empty() || candidate.size() > kRequestIdBytesMax) return false;
  return std::all_of(candidate.begin(), candidate.end(),
                     [](char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '-' || c == '_'; });
}

std::string RedactQuery(std::string_view query) {
  std::string redacted;
  redacted.reserve(query.size());
  while (!query.empty()) {
    const std::size_t ampersand = query.find('&');
    const std::string_view pair = query.substr(0, ampersand);
    query = ampersand == std::string_view::npos ? std::string_view() : query.substr(ampersand + 1);
    if (!redacted.empty()) redacted += '&';
    const std::size_t equals = pair.find('=');
    const std::string_view name = pair.substr(0, equals);
    if (equals != std::string_view::npos && IsSecretParameter(name)) {
      redacted.append(name).append("=REDACTED");
    } else {
      redacted.append(pair);
    }
  }
  return redacted;
}

}  // namespace rapport::http

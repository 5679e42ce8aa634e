// UTF-8 checks (see utf8.h).
#include "rapport/base/utf8.h"

#include <cstdint>

namespace rapport {
namespace {

// How a UTF-8 sequence starts: its length, the payload bits of its lead byte
// and the smallest code point it may encode (anything below is overlong).
struct SequenceStart {
  std::size_t length = 0;  // 0: not a valid lead byte
  char32_t payload = 0;
  char32_t minimum = 0;
};

SequenceStart ReadLeadByte(unsigned char lead) {
  if (lead < 0x80) return {1, lead, 0};
  if ((lead & 0xE0) == 0xC0) return {2, static_cast<char32_t>(lead & 0x1F), 0x80};
  if ((lead & 0xF0) == 0xE0) return {3, static_cast<char32_t>(lead & 0x0F), 0x800};
  if ((lead & 0xF8) == 0xF0) return {4, static_cast<char32_t>(lead & 0x07), 0x10000};
  return {};
}

// Decodes the code point at text[*index] and advances *index past it; nullopt
// when the bytes there are not well-formed UTF-8.
std::optional<char32_t> NextCodePoint(std::string_view text, std::size_t* index) {
  const SequenceStart start = ReadLeadByte(static_cast<unsigned char>(text[*index]));
  if (start.length == 0 || text.size() - *index < start.length) return std::nullopt;
  char32_t code_point = start.payload;
  for (std::size_t offset = 1; offset < start.length; ++offset) {
    const auto continuation = static_cast<unsigned char>(text[*index + offset]);
    if ((continuation & 0xC0) != 0x80) return std::nullopt;
    code_point = (code_point << 6) | (continuation & 0x3F);
  }
  if (code_point < start.minimum || code_point > 0x10FFFF) return std::nullopt;
  if (code_point >= 0xD800 && code_point <= 0xDFFF) return std::nullopt;
  *index += start.length;
  return code_point;
}

bool IsControl(char32_t code_point) { return code_point < 0x20 || (code_point >= 0x7F && code_point <= 0x9F); }

}  // namespace

std::optional<std::size_t> CountCodePoints(std::string_view text) {
  std::size_t count = 0;
  std::size_t index = 0;
  while (index < text.size()) {
    if (!NextCodePoint(text, &index)) return std::nullopt;
    ++count;
  }
  return count;
}

bool IsSingleLineText(std::string_view text) {
  std::size_t index = 0;
  while (index < text.size()) {
    const std::optional<char32_t> code_point = NextCodePoint(text, &index);
    if (!code_point || IsControl(*code_point)) return false;
  }
  return true;
}

}  // namespace rapport

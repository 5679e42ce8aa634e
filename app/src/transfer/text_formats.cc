// See text_formats.h.
#include "transfer/text_formats.h"

#include <array>

namespace rapport::app::transfer {

bool LooksLikeFormula(std::string_view text) {
  if (text.empty()) return false;
  const char first = text.front();
  return first == '=' || first == '+' || first == '-' || first == '@' || first == '\t' || first == '\r';
}

void AppendCsvCell(std::string& out, std::string_view value, char delimiter) {
  const bool formula = LooksLikeFormula(value);
  bool quote = !value.empty() && (value.front() == ' ' || value.back() == ' ');
  if (!quote) {
    for (char c : value) {
      if (c == delimiter || c == '"' || c == '\n' || c == '\r') {
        quote = true;
        break;
      }
    }
  }
  if (!quote) {
    if (formula) out.push_back('\'');
    out.append(value);
    return;
  }
  out.push_back('"');
  if (formula) out.push_back('\'');
  for (char c : value) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  out.push_back('"');
}

std::string_view RemoveFormulaApostrophe(std::string_view cell) {
  if (cell.size() >= 2 && cell.front() == '\'' && LooksLikeFormula(cell.substr(1))) return cell.substr(1);
  return cell;
}

void AppendJsonString(std::string& out, std::string_view value) {
  static constexpr char kHex[] = "0123456789abcdef";
  out.push_back('"');
  for (char c : value) {
    const auto byte = static_cast<unsigned char>(c);
    switch (c) {
      case '"': out.append("\\\""); break;
      case '\\': out.append("\\\\"); break;
      case '\n': out.append("\\n"); break;
      case '\r': out.append("\\r"); break;
      case '\t': out.append("\\t"); break;
      default:
        if (byte < 0x20) {
          out.append("\\u00");
          out.push_back(kHex[byte >> 4]);
          out.push_back(kHex[byte & 0xF]);
        } else {
          out.push_back(c);
        }
    }
  }
  out.push_back('"');
}

std::string VcardEscape(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (std::size_t i = 0; i < value.size(); ++i) {
    const char c = value[i];
    if (c == '\\' || c == ',' || c == ';') {
      out.push_back('\\');
      out.push_back(c);
    } else if (c == '\r') {
      out.append("\\n");
      if (i + 1 < value.size() && value[i + 1] == '\n') ++i;
    } else if (c == '\n') {
      out.append("\\n");
    } else {
      out.push_back(c);
    }
  }
  return out;
}

void AppendVcardLine(std::string& out, std::string_view line) {
  constexpr std::size_t kLineOctetsMax = 75;
  std::size_t limit = kLineOctetsMax;  // the first line; continuations spend one octet on the space
  while (line.size() > limit) {
    std::size_t cut = limit;
    // Back up to the start of a UTF-8 sequence (never cut before a continuation byte).
    while (cut > 0 && (static_cast<unsigned char>(line[cut]) & 0xC0) == 0x80) --cut;
    if (cut == 0) cut = limit;
    out.append(line.substr(0, cut));
    out.append("\r\n ");
    line.remove_prefix(cut);
    limit = kLineOctetsMax - 1;
  }
  out.append(line);
  out.append("\r\n");
}

}  // namespace rapport::app::transfer

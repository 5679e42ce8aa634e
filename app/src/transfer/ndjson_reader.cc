// See ndjson_reader.h. Lines are copied into one reused buffer with simdjson's
// padding reserved, so parsing needs no further copy or allocation.
#include "transfer/ndjson_reader.h"

#include <simdjson.h>

#include <array>
#include <charconv>
#include <cstring>

namespace rapport::app::transfer {

struct NdjsonReader::Parser {
  simdjson::dom::parser parser;
};

Result<bool> LineReader::Next() {
  if (!started_) {
    started_ = true;
    RAPPORT_ASSIGN_OR_RETURN(const std::string_view head, input_.PeekHead(3));
    if (head.starts_with("\xEF\xBB\xBF")) input_.Consume(3);
  }
  line_.clear();
  too_long_ = false;
  bool any = false;
  while (true) {
    RAPPORT_ASSIGN_OR_RETURN(const bool more, input_.Fill());
    if (!more) break;
    any = true;
    const std::string_view chunk = input_.Available();
    const void* newline = std::memchr(chunk.data(), '\n', chunk.size());
    const std::size_t length =
        newline != nullptr ? static_cast<std::size_t>(static_cast<const char*>(newline) - chunk.data()) : chunk.size();
    if (!too_long_) {
      if (line_.size() + length > line_bytes_max_) {
        too_long_ = true;
        line_.clear();
      } else {
        line_.append(chunk.data(), length);
      }
    }
    if (newline != nullptr) {
      input_.Consume(length + 1);
      break;
    }
    input_.Consume(length);
  }
  if (!any) return false;
  ++number_;
  if (!line_.empty() && line_.back() == '\r') line_.pop_back();
  return true;
}

NdjsonReader::NdjsonReader(ByteSource& source, std::size_t line_bytes_max)
    : lines_(source, line_bytes_max), parser_(std::make_unique<Parser>()) {}

NdjsonReader::~NdjsonReader() = default;

namespace {

bool IsBlank(std::string_view text) {
  for (char c : text) {
    if (c != ' ' && c != '\t' && c != '\r') return false;
  }
  return true;
}

// Appends the text of a scalar; false for arrays, objects and null.
bool AppendScalar(simdjson::dom::element value, std::string& out) {
  switch (value.type()) {
    case simdjson::dom::element_type::STRING: {
      std::string_view text;
      if (value.get(text) != simdjson::SUCCESS) return false;
      out.append(text);
      return true;
    }
    case simdjson::dom::element_type::INT64:
    case simdjson::dom::element_type::UINT64:
    case simdjson::dom::element_type::DOUBLE: {
      std::array<char, 32> digits{};
      std::to_chars_result result{};
      if (value.type() == simdjson::dom::element_type::INT64) {
        result = std::to_chars(digits.data(), digits.data() + digits.size(), value.get_int64().value_unsafe());
      } else if (value.type() == simdjson::dom::element_type::UINT64) {
        result = std::to_chars(digits.data(), digits.data() + digits.size(), value.get_uint64().value_unsafe());
      } else {
        result = std::to_chars(digits.data(), digits.data() + digits.size(), value.get_double().value_unsafe());
      }
      out.append(digits.data(), result.ptr);
      return true;
    }
    case simdjson::dom::element_type::BOOL: out.append(value.get_bool().value_unsafe() ? "true" : "false"); return true;
    default: return false;
  }
}

}  // namespace

Result<std::optional<NdjsonRecord>> NdjsonReader::Next() {
  error_.clear();
  storage_.clear();
  key_ranges_.clear();
  value_ranges_.clear();
  pairs_.clear();
  while (true) {
    RAPPORT_ASSIGN_OR_RETURN(const bool got, lines_.Next());
    if (!got) return std::optional<NdjsonRecord>();
    if (lines_.too_long() || !IsBlank(lines_.line())) break;
  }
  const std::uint64_t line = lines_.number();
  std::string& text = lines_.line();
  auto result = [&]() {
    return std::optional<NdjsonRecord>(NdjsonRecord{.line = line, .pairs = pairs_, .error = error_});
  };
  if (lines_.too_long()) {
    error_ = "the line is longer than " + std::to_string(lines_.line_bytes_max()) + " bytes";
    return result();
  }
  if (!simdjson::validate_utf8(text.data(), text.size())) {
    error_ = "the line is not valid UTF-8";
    return result();
  }
  text.reserve(text.size() + simdjson::SIMDJSON_PADDING);
  simdjson::dom::element document;
  const simdjson::error_code parsed = parser_->parser.parse(text.data(), text.size(), false).get(document);
  if (parsed != simdjson::SUCCESS) {
    error_ = std::string("the line is not valid JSON (") + simdjson::error_message(parsed) + ")";
    return result();
  }
  simdjson::dom::object object;
  if (document.get(object) != simdjson::SUCCESS) {
    error_ = "the line is not a JSON object";
    return result();
  }
  auto add = [&](std::size_t key_start, std::size_t value_start) {
    key_ranges_.emplace_back(key_start, value_start);
    value_ranges_.emplace_back(value_start, storage_.size());
  };
  for (auto field : object) {
    const std::string_view key = field.key;
    const simdjson::dom::element value = field.value;
    const simdjson::dom::element_type type = value.type();
    if (type == simdjson::dom::element_type::NULL_VALUE) continue;
    if (type == simdjson::dom::element_type::OBJECT) {
      const simdjson::dom::object members = value.get_object().value_unsafe();
      for (auto inner : members) {
        const std::size_t key_start = storage_.size();
        storage_.append(key).append(".").append(inner.key);
        const std::size_t value_start = storage_.size();
        if (AppendScalar(inner.value, storage_)) {
          add(key_start, value_start);
        } else {
          storage_.resize(key_start);
        }
      }
      continue;
    }
    if (type == simdjson::dom::element_type::ARRAY) {
      const simdjson::dom::array items = value.get_array().value_unsafe();
      if (key == "companies") {
        // The primary link, else the first: its name and job title.
        simdjson::dom::object chosen;
        bool found = false;
        for (simdjson::dom::element item : items) {
          simdjson::dom::object link;
          if (item.get(link) != simdjson::SUCCESS) continue;
          bool primary = false;
          if (link["primary"].get(primary) != simdjson::SUCCESS) primary = false;
          if (primary) {
            chosen = link;
            found = true;
            break;
          }
          if (!found) {
            chosen = link;
            found = true;
          }
        }
        if (!found) continue;
        for (std::string_view part : {std::string_view("name"), std::string_view("job_title")}) {
          simdjson::dom::element inner;
          if (chosen[part].get(inner) != simdjson::SUCCESS) continue;
          const std::size_t key_start = storage_.size();
          storage_.append(part == "name" ? "company" : "job_title");
          const std::size_t value_start = storage_.size();
          if (AppendScalar(inner, storage_)) {
            add(key_start, value_start);
          } else {
            storage_.resize(key_start);
          }
        }
        continue;
      }
      const std::size_t key_start = storage_.size();
      storage_.append(key);
      const std::size_t value_start = storage_.size();
      bool first = true;
      for (simdjson::dom::element item : items) {
        if (!first) storage_.push_back(';');
        first = false;
        AppendScalar(item, storage_);
      }
      add(key_start, value_start);
      continue;
    }
    const std::size_t key_start = storage_.size();
    storage_.append(key);
    const std::size_t value_start = storage_.size();
    AppendScalar(value, storage_);
    add(key_start, value_start);
  }
  for (std::size_t i = 0; i < key_ranges_.size(); ++i) {
    pairs_.emplace_back(
        std::string_view(storage_).substr(key_ranges_[i].first, key_ranges_[i].second - key_ranges_[i].first),
        std::string_view(storage_).substr(value_ranges_[i].first, value_ranges_[i].second - value_ranges_[i].first));
  }
  return result();
}

}  // namespace rapport::app::transfer

// JsonWriter over RapidJSON and JsonObjectReader over simdjson On-Demand.
#include "json.h"

#include <simdjson.h>

#include <rapidjson/memorystream.h>
#include <rapidjson/reader.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "rapport/base/assert.h"

namespace rapport::http {

struct JsonWriter::State {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer{buffer};
};

JsonWriter::JsonWriter() : state_(std::make_unique<State>()) {}
JsonWriter::~JsonWriter() = default;

void JsonWriter::StartObject() { state_->writer.StartObject(); }
void JsonWriter::EndObject() { state_->writer.EndObject(); }
void JsonWriter::StartArray() { state_->writer.StartArray(); }
void JsonWriter::EndArray() { state_->writer.EndArray(); }
void JsonWriter::Key(std::string_view key) {
  state_->writer.Key(key.data(), static_cast<rapidjson::SizeType>(key.size()));
}
void JsonWriter::String(std::string_view value) {
  state_->writer.String(value.data(), static_cast<rapidjson::SizeType>(value.size()));
}
void JsonWriter::Int64(std::int64_t value) { state_->writer.Int64(value); }
void JsonWriter::Double(double value) { state_->writer.Double(value); }
void JsonWriter::Bool(bool value) { state_->writer.Bool(value); }
void JsonWriter::Null() { state_->writer.Null(); }
void JsonWriter::RawValue(std::string_view json) {
  state_->writer.RawValue(json.data(), json.size(), rapidjson::kObjectType);
}

bool IsJsonObject(std::string_view text) {
  if (!text.starts_with('{')) return false;
  rapidjson::MemoryStream stream(text.data(), text.size());
  rapidjson::Reader reader;
  rapidjson::BaseReaderHandler<> ignore;
  return !reader.Parse<rapidjson::kParseStopWhenDoneFlag>(stream, ignore).IsError() && stream.Tell() == text.size();
}

std::string JsonWriter::Take() {
  RAPPORT_ASSERT(state_->writer.IsComplete());
  std::string result(state_->buffer.GetString(), state_->buffer.GetSize());
  state_ = std::make_unique<State>();
  return result;
}

namespace {

using simdjson::ondemand::json_type;

bool IsTypeError(simdjson::error_code error) {
  return error == simdjson::INCORRECT_TYPE || error == simdjson::NUMBER_OUT_OF_RANGE || error == simdjson::NUMBER_ERROR;
}

std::string_view TypeName(json_type type) {
  switch (type) {
    case json_type::array: return "an array";
    case json_type::object: return "an object";
    case json_type::number: return "a number";
    case json_type::string: return "a string";
    case json_type::boolean: return "a boolean";
    case json_type::null: return "null";
  }
  return "a value";
}

// Reads one value into the target; a simdjson error code on failure.
simdjson::error_code Assign(simdjson::ondemand::value& value, std::string* target) {
  std::string_view text;
  auto error = value.get_string().get(text);
  if (!error) target->assign(text);
  return error;
}
simdjson::error_code Assign(simdjson::ondemand::value& value, std::int64_t* target) {
  return value.get_int64().get(*target);
}
simdjson::error_code Assign(simdjson::ondemand::value& value, double* target) {
  return value.get_double().get(*target);
}
simdjson::error_code Assign(simdjson::ondemand::value& value, bool* target) { return value.get_bool().get(*target); }
template <typename T>
simdjson::error_code Assign(simdjson::ondemand::value& value, std::optional<T>* target) {
  T read{};
  const simdjson::error_code error = Assign(value, &read);
  if (!error) *target = std::move(read);
  return error;
}
simdjson::error_code Assign(simdjson::ondemand::value& value, RawJson* target) {
  json_type type;
  if (auto error = value.type().get(type)) return error;
  std::string_view text;
  simdjson::error_code error = simdjson::SUCCESS;
  if (type == json_type::object) {
    simdjson::ondemand::object object;
    error = value.get_object().get(object);
    if (!error) error = object.raw_json().get(text);
  } else if (type == json_type::array) {
    simdjson::ondemand::array array;
    error = value.get_array().get(array);
    if (!error) error = array.raw_json().get(text);
  } else {
    text = value.raw_json_token();
  }
  if (!error) {
    while (!text.empty() && (text.back() == ' ' || text.back() == '\n' || text.back() == '\r' || text.back() == '\t')) {
      text.remove_suffix(1);
    }
    target->text.assign(text);
  }
  return error;
}

std::string_view ExpectedTypeName(const auto& target) {
  using T = std::decay_t<decltype(target)>;
  if constexpr (std::is_same_v<T, std::string*>) return "a string";
  if constexpr (std::is_same_v<T, std::int64_t*>) return "an integer";
  if constexpr (std::is_same_v<T, double*>) return "a number";
  if constexpr (std::is_same_v<T, bool*>) return "a boolean";
  if constexpr (std::is_same_v<T, std::optional<std::string>*>) return "a string";
  if constexpr (std::is_same_v<T, std::optional<bool>*>) return "a boolean";
  return "a JSON value";
}

Problem Malformed(simdjson::error_code error) {
  return InvalidJsonProblem(std::string("The body is not valid JSON: ") + simdjson::error_message(error));
}

}  // namespace

JsonObjectReader& JsonObjectReader::Declare(std::string_view name, Target target, Presence presence) {
  RAPPORT_ASSERT(std::visit([](auto* pointer) { return pointer != nullptr; }, target));
  fields_.push_back({std::string(name), target, presence});
  return *this;
}
JsonObjectReader& JsonObjectReader::Field(std::string_view name, std::string* target, Presence presence) {
  return Declare(name, target, presence);
}
JsonObjectReader& JsonObjectReader::Field(std::string_view name, std::int64_t* target, Presence presence) {
  return Declare(name, target, presence);
}
JsonObjectReader& JsonObjectReader::Field(std::string_view name, double* target, Presence presence) {
  return Declare(name, target, presence);
}
JsonObjectReader& JsonObjectReader::Field(std::string_view name, bool* target, Presence presence) {
  return Declare(name, target, presence);
}
JsonObjectReader& JsonObjectReader::Field(std::string_view name, RawJson* target, Presence presence) {
  return Declare(name, target, presence);
}
JsonObjectReader& JsonObjectReader::Field(std::string_view name, std::optional<std::string>* target,
                                          Presence presence) {
  return Declare(name, target, presence);
}
JsonObjectReader& JsonObjectReader::Field(std::string_view name, std::optional<bool>* target, Presence presence) {
  return Declare(name, target, presence);
}

std::optional<Problem> JsonObjectReader::Read(std::string_view body) const {
  thread_local simdjson::ondemand::parser parser;
  const simdjson::padded_string padded(body);
  simdjson::ondemand::document document;
  if (auto error = parser.iterate(padded).get(document)) return Malformed(error);
  simdjson::ondemand::object object;
  if (auto error = document.get_object().get(object)) {
    if (IsTypeError(error)) return InvalidJsonProblem("The body must be a JSON object.");
    return Malformed(error);
  }

  std::vector<FieldError> errors;
  std::vector<bool> seen(fields_.size(), false);
  for (auto member : object) {
    std::string_view key;
    if (auto error = member.unescaped_key().get(key)) return Malformed(error);
    simdjson::ondemand::value value;
    if (auto error = member.value().get(value)) return Malformed(error);

    std::size_t index = 0;
    while (index < fields_.size() && fields_[index].name != key) ++index;
    if (index == fields_.size()) {
      errors.push_back({std::string(key), "unknown_field", "This field is not part of the request."});
      continue;  // On-Demand skips the unread value
    }
    if (seen[index]) {
      errors.push_back({std::string(key), "duplicate_field", "This field appears more than once."});
      continue;
    }
    seen[index] = true;
    const Declared& declared = fields_[index];

    bool is_null = false;
    if (auto error = value.is_null().get(is_null)) return Malformed(error);
    if (is_null) {
      if (declared.presence == Presence::kRequired) {
        errors.push_back({declared.name, "missing", "This field is required and may not be null."});
      }
      continue;
    }
    json_type actual_type = json_type::null;
    if (auto error = value.type().get(actual_type)) return Malformed(error);
    const simdjson::error_code error = std::visit([&](auto* target) { return Assign(value, target); }, declared.target);
    if (IsTypeError(error)) {
      const std::string_view expected =
          std::visit([](auto* target) { return ExpectedTypeName(target); }, declared.target);
      errors.push_back({declared.name, "wrong_type",
                        "Expected " + std::string(expected) + ", got " + std::string(TypeName(actual_type)) + "."});
    } else if (error) {
      return Malformed(error);
    }
  }
  // After the object, a location means more tokens follow; none is an error.
  const char* trailing = nullptr;
  if (document.current_location().get(trailing) == simdjson::SUCCESS) {
    return InvalidJsonProblem("The body has content after the JSON object.");
  }

  for (std::size_t index = 0; index < fields_.size(); ++index) {
    if (!seen[index] && fields_[index].presence == Presence::kRequired) {
      errors.push_back({fields_[index].name, "missing", "This field is required."});
    }
  }
  if (!errors.empty()) return ValidationFailedProblem(std::move(errors));
  return std::nullopt;
}

}  // namespace rapport::http

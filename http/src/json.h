// JSON for the API: JsonWriter (RapidJSON Writer) builds response bodies;
// JsonObjectReader (simdjson On-Demand) reads a request body that must be one
// JSON object with declared fields, and turns every way it can be wrong into a
// 400 problem: `invalid_json` when it does not parse, `validation_failed` with
// one FieldError per missing, unknown, duplicated or wrongly typed field.
//
// Thread safety: a JsonWriter or JsonObjectReader belongs to one thread.
// Parsing reuses a thread-local simdjson parser.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "problem.h"

namespace rapport::http {

class JsonWriter {
 public:
  JsonWriter();
  ~JsonWriter();
  JsonWriter(const JsonWriter&) = delete;
  JsonWriter& operator=(const JsonWriter&) = delete;

  void StartObject();
  void EndObject();
  void StartArray();
  void EndArray();
  void Key(std::string_view key);
  void String(std::string_view value);
  void Int64(std::int64_t value);
  void Double(double value);
  void Bool(bool value);
  void Null();
  // Inserts already-serialised JSON (e.g. a schema fragment) as one value.
  void RawValue(std::string_view json);

  void Field(std::string_view key, std::string_view value) { Key(key), String(value); }
  void Field(std::string_view key, const char* value) { Key(key), String(value); }
  void Field(std::string_view key, std::int64_t value) { Key(key), Int64(value); }
  void Field(std::string_view key, bool value) { Key(key), Bool(value); }

  // The document; the writer must be complete (every object and array closed).
  std::string Take();

 private:
  struct State;
  std::unique_ptr<State> state_;
};

// Whether `text` is exactly one well-formed JSON object (nothing after it).
bool IsJsonObject(std::string_view text);

// A JSON value kept as text (an object or array the handler parses further).
struct RawJson {
  std::string text;
};

enum class Presence : std::uint8_t { kRequired, kOptional };

class JsonObjectReader {
 public:
  // Declares a field and where its value goes. An optional field that is
  // absent or null leaves the target untouched.
  JsonObjectReader& Field(std::string_view name, std::string* target, Presence presence);
  JsonObjectReader& Field(std::string_view name, std::int64_t* target, Presence presence);
  JsonObjectReader& Field(std::string_view name, double* target, Presence presence);
  JsonObjectReader& Field(std::string_view name, bool* target, Presence presence);
  JsonObjectReader& Field(std::string_view name, RawJson* target, Presence presence);
  // Optional targets tell "absent or null" (left empty) from any value, for PATCH bodies.
  JsonObjectReader& Field(std::string_view name, std::optional<std::string>* target, Presence presence);
  JsonObjectReader& Field(std::string_view name, std::optional<bool>* target, Presence presence);

  // Reads `body` into the targets. nullopt on success, else the 400 problem.
  std::optional<Problem> Read(std::string_view body) const;

 private:
  using Target = std::variant<std::string*, std::int64_t*, double*, bool*, RawJson*, std::optional<std::string>*,
                              std::optional<bool>*>;
  struct Declared {
    std::string name;
    Target target;
    Presence presence;
  };
  JsonObjectReader& Declare(std::string_view name, Target target, Presence presence);

  std::vector<Declared> fields_;
};

}  // namespace rapport::http

// JsonBuilder: a small writer for the JSON the app itself produces (event
// payloads, audit details, merge records), over RapidJSON's Writer so strings
// are always escaped correctly.
//
// Thread safety: one builder per thread.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

namespace rapport::app {

class JsonBuilder {
 public:
  JsonBuilder() { writer_.StartObject(); }

  JsonBuilder& Add(std::string_view key, std::string_view value) {
    Key(key);
    writer_.String(value.data(), static_cast<rapidjson::SizeType>(value.size()));
    return *this;
  }
  JsonBuilder& Add(std::string_view key, const char* value) { return Add(key, std::string_view(value)); }
  JsonBuilder& Add(std::string_view key, std::int64_t value) {
    Key(key);
    writer_.Int64(value);
    return *this;
  }
  JsonBuilder& Add(std::string_view key, bool value) {
    Key(key);
    writer_.Bool(value);
    return *this;
  }
  JsonBuilder& Add(std::string_view key, std::span<const std::string> values) {
    Key(key);
    writer_.StartArray();
    for (const std::string& value : values)
      writer_.String(value.data(), static_cast<rapidjson::SizeType>(value.size()));
    writer_.EndArray();
    return *this;
  }
  JsonBuilder& Add(std::string_view key, std::span<const std::int64_t> values) {
    Key(key);
    writer_.StartArray();
    for (std::int64_t value : values) writer_.Int64(value);
    writer_.EndArray();
    return *this;
  }
  // `json` must be a valid JSON value (made by another builder).
  JsonBuilder& AddRaw(std::string_view key, std::string_view json) {
    Key(key);
    writer_.RawValue(json.data(), json.size(), rapidjson::kObjectType);
    return *this;
  }

  std::string Take() {
    writer_.EndObject();
    return std::string(buffer_.GetString(), buffer_.GetSize());
  }

 private:
  void Key(std::string_view key) { writer_.Key(key.data(), static_cast<rapidjson::SizeType>(key.size())); }

  rapidjson::StringBuffer buffer_;
  rapidjson::Writer<rapidjson::StringBuffer> writer_{buffer_};
};

}  // namespace rapport::app

// See loyalty_rules_json.h. Written with RapidJSON's Writer (members in a
// fixed order), read with its DOM: the documents are small and nested, and
// every member's type is checked and reported by path.
#include "rapport/app/loyalty_rules_json.h"

#include <cstdint>
#include <functional>
#include <initializer_list>
#include <string>

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

namespace rapport::app {
namespace {

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

void String(Writer& writer, std::string_view text) {
  writer.String(text.data(), static_cast<rapidjson::SizeType>(text.size()));
}

void Multipliers(Writer& writer, std::string_view name, const std::vector<domain::EarningMultiplier>& multipliers) {
  String(writer, name);
  writer.StartArray();
  for (const domain::EarningMultiplier& multiplier : multipliers) {
    writer.StartObject();
    String(writer, "key");
    String(writer, multiplier.key);
    String(writer, "percent");
    writer.Int(multiplier.percent);
    writer.EndObject();
  }
  writer.EndArray();
}

// Reads members of one object, reporting wrong types and unknown members.
class ObjectReader {
 public:
  ObjectReader(const rapidjson::Value& object, std::string path, std::vector<domain::RuleProblem>& problems)
      : object_(object), path_(std::move(path)), problems_(problems) {}

  // Reports every member not in `known`.
  void RefuseUnknown(std::initializer_list<std::string_view> known) {
    for (auto member = object_.MemberBegin(); member != object_.MemberEnd(); ++member) {
      const std::string_view name(member->name.GetString(), member->name.GetStringLength());
      bool listed = false;
      for (std::string_view candidate : known) listed = listed || candidate == name;
      if (!listed) Problem(Path(name), "is not a member of the rules");
    }
  }

  void Int64(std::string_view name, std::int64_t& target) {
    const rapidjson::Value* value = Find(name);
    if (value == nullptr) return;
    if (!value->IsInt64()) {
      Problem(Path(name), "must be an integer");
      return;
    }
    target = value->GetInt64();
  }
  void Int(std::string_view name, int& target) {
    const rapidjson::Value* value = Find(name);
    if (value == nullptr) return;
    if (!value->IsInt()) {
      Problem(Path(name), "must be an integer");
      return;
    }
    target = value->GetInt();
  }
  void Points(std::string_view name, rapport::Points& target) {
    std::int64_t count = target.count();
    Int64(name, count);
    target = rapport::Points(count);
  }
  void String(std::string_view name, std::string& target) {
    const rapidjson::Value* value = Find(name);
    if (value == nullptr) return;
    if (!value->IsString()) {
      Problem(Path(name), "must be a string");
      return;
    }
    target.assign(value->GetString(), value->GetStringLength());
  }
  // Calls `each` with a reader per element of an array of objects; false
  // when the member is absent or not an array.
  bool Objects(std::string_view name, const std::function<void(ObjectReader&)>& each) {
    const rapidjson::Value* value = Find(name);
    if (value == nullptr) return false;
    if (!value->IsArray()) {
      Problem(Path(name), "must be an array");
      return false;
    }
    for (rapidjson::SizeType i = 0; i < value->Size(); ++i) {
      const std::string path = Path(name) + "[" + std::to_string(i) + "]";
      if (!(*value)[i].IsObject()) {
        Problem(path, "must be an object");
        continue;
      }
      ObjectReader element((*value)[i], path, problems_);
      each(element);
    }
    return true;
  }
  void Strings(std::string_view name, std::vector<std::string>& target) {
    const rapidjson::Value* value = Find(name);
    if (value == nullptr) return;
    if (!value->IsArray()) {
      Problem(Path(name), "must be an array");
      return;
    }
    target.clear();
    for (rapidjson::SizeType i = 0; i < value->Size(); ++i) {
      if (!(*value)[i].IsString()) {
        Problem(Path(name) + "[" + std::to_string(i) + "]", "must be a string");
        continue;
      }
      target.emplace_back((*value)[i].GetString(), (*value)[i].GetStringLength());
    }
  }
  // A reader for a nested object member, or nullopt (reported) when it is not one.
  std::optional<ObjectReader> Object(std::string_view name) {
    const rapidjson::Value* value = Find(name);
    if (value == nullptr) return std::nullopt;
    if (!value->IsObject()) {
      Problem(Path(name), "must be an object");
      return std::nullopt;
    }
    return ObjectReader(*value, Path(name), problems_);
  }

  void Problem(std::string field, std::string reason) { problems_.push_back({std::move(field), std::move(reason)}); }
  std::string Path(std::string_view name) const {
    return path_.empty() ? std::string(name) : path_ + "." + std::string(name);
  }

 private:
  const rapidjson::Value* Find(std::string_view name) const {
    const auto member =
        object_.FindMember(rapidjson::Value(name.data(), static_cast<rapidjson::SizeType>(name.size())));
    return member == object_.MemberEnd() ? nullptr : &member->value;
  }

  const rapidjson::Value& object_;
  std::string path_;
  std::vector<domain::RuleProblem>& problems_;
};

void ReadMultipliers(ObjectReader& reader, std::string_view name, std::vector<domain::EarningMultiplier>& target) {
  std::vector<domain::EarningMultiplier> multipliers;
  const bool present = reader.Objects(name, [&](ObjectReader& element) {
    element.RefuseUnknown({"key", "percent"});
    domain::EarningMultiplier multiplier;
    element.String("key", multiplier.key);
    element.Int("percent", multiplier.percent);
    multipliers.push_back(std::move(multiplier));
  });
  if (present) target = std::move(multipliers);
}

}  // namespace

std::string EarningRulesToJson(const domain::EarningRules& rules) {
  rapidjson::StringBuffer buffer;
  Writer writer(buffer);
  writer.StartObject();
  String(writer, "rates");
  writer.StartArray();
  for (const domain::EarningRate& rate : rules.rates) {
    writer.StartObject();
    String(writer, "currency");
    String(writer, rate.currency);
    String(writer, "points");
    writer.Int64(rate.points);
    String(writer, "per_units");
    writer.Int64(rate.per_units);
    writer.EndObject();
  }
  writer.EndArray();
  Multipliers(writer, "category_multipliers", rules.category_multipliers);
  Multipliers(writer, "sku_multipliers", rules.sku_multipliers);
  String(writer, "minimum_spend_minor");
  writer.Int64(rules.minimum_spend_minor);
  String(writer, "channels");
  writer.StartArray();
  for (const std::string& channel : rules.channels) String(writer, channel);
  writer.EndArray();
  String(writer, "pending_days");
  writer.Int(rules.pending_days);
  String(writer, "cap_per_day");
  writer.Int64(rules.cap_per_day.count());
  String(writer, "cap_per_month");
  writer.Int64(rules.cap_per_month.count());
  String(writer, "expiry");
  writer.StartObject();
  String(writer, "kind");
  String(writer, domain::ExpiryKindName(rules.expiry.kind));
  String(writer, "months");
  writer.Int(rules.expiry.months);
  writer.EndObject();
  String(writer, "time_zone");
  String(writer, rules.time_zone);
  writer.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

Result<domain::EarningRules> EarningRulesFromJson(std::string_view json, std::vector<domain::RuleProblem>& problems) {
  rapidjson::Document document;
  document.Parse(json.data(), json.size());
  if (document.HasParseError() || !document.IsObject()) {
    return InvalidArgument("the rules must be a JSON object");
  }
  domain::EarningRules rules = domain::DefaultEarningRules();
  ObjectReader reader(document, "", problems);
  reader.RefuseUnknown({"rates", "category_multipliers", "sku_multipliers", "minimum_spend_minor", "channels",
                        "pending_days", "cap_per_day", "cap_per_month", "expiry", "time_zone"});
  std::vector<domain::EarningRate> rates;
  const bool rates_present = reader.Objects("rates", [&](ObjectReader& element) {
    element.RefuseUnknown({"currency", "points", "per_units"});
    domain::EarningRate rate;
    element.String("currency", rate.currency);
    element.Int64("points", rate.points);
    element.Int64("per_units", rate.per_units);
    rates.push_back(std::move(rate));
  });
  if (rates_present) rules.rates = std::move(rates);
  ReadMultipliers(reader, "category_multipliers", rules.category_multipliers);
  ReadMultipliers(reader, "sku_multipliers", rules.sku_multipliers);
  reader.Int64("minimum_spend_minor", rules.minimum_spend_minor);
  reader.Strings("channels", rules.channels);
  reader.Int("pending_days", rules.pending_days);
  reader.Points("cap_per_day", rules.cap_per_day);
  reader.Points("cap_per_month", rules.cap_per_month);
  if (std::optional<ObjectReader> expiry = reader.Object("expiry")) {
    expiry->RefuseUnknown({"kind", "months"});
    std::string kind_name(domain::ExpiryKindName(rules.expiry.kind));
    expiry->String("kind", kind_name);
    if (std::optional<domain::ExpiryKind> kind = domain::ParseExpiryKind(kind_name)) {
      rules.expiry.kind = *kind;
    } else {
      expiry->Problem("expiry.kind", "must be one of: never, rolling_months, end_of_year, inactivity_months");
    }
    expiry->Int("months", rules.expiry.months);
  }
  reader.String("time_zone", rules.time_zone);
  return rules;
}

}  // namespace rapport::app

// See loyalty_rules_json.h. Written with RapidJSON's Writer (members in a
// fixed order), read with its DOM: the documents are small and nested, and
// every member's type is checked and reported by path.
#include "rapport/app/loyalty_rules_json.h"

#include <cstdint>
#include <functional>
#include <initializer_list>
#include <optional>
#include <string>
#include <vector>

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
  // An RFC 3339 string.
  void Time(std::string_view name, Timestamp& target) {
    const rapidjson::Value* value = Find(name);
    if (value == nullptr) return;
    if (!value->IsString()) {
      Problem(Path(name), "must be a string");
      return;
    }
    Result<Timestamp> parsed = ParseRfc3339(std::string_view(value->GetString(), value->GetStringLength()));
    if (!parsed.ok()) {
      Problem(Path(name), "must be an RFC 3339 time such as 2026-06-01T00:00:00Z");
      return;
    }
    target = *parsed;
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

void WriteTiers(Writer& writer, const domain::TierProgramme& programme) {
  String(writer, "tiers");
  writer.StartObject();
  String(writer, "tiers");
  writer.StartArray();
  for (const domain::TierDefinition& tier : programme.tiers) {
    writer.StartObject();
    String(writer, "key");
    String(writer, tier.key);
    String(writer, "name");
    String(writer, tier.name);
    String(writer, "min_spend_minor");
    writer.Int64(tier.min_spend_minor);
    String(writer, "min_purchases");
    writer.Int64(tier.min_purchases);
    String(writer, "earn_percent");
    writer.Int(tier.earn_percent);
    String(writer, "discount_percent");
    writer.Int(tier.discount_percent);
    String(writer, "sla_class");
    String(writer, tier.sla_class);
    writer.EndObject();
  }
  writer.EndArray();
  String(writer, "qualification");
  String(writer, domain::TierQualificationName(programme.qualification));
  String(writer, "currency");
  String(writer, programme.currency);
  String(writer, "window_months");
  writer.Int(programme.window_months);
  String(writer, "period_months");
  writer.Int(programme.period_months);
  String(writer, "grace_days");
  writer.Int(programme.grace_days);
  writer.EndObject();
}

void WritePromotions(Writer& writer, const std::vector<domain::Promotion>& promotions) {
  String(writer, "promotions");
  writer.StartArray();
  for (const domain::Promotion& promotion : promotions) {
    writer.StartObject();
    String(writer, "key");
    String(writer, promotion.key);
    String(writer, "name");
    String(writer, promotion.name);
    String(writer, "starts_at");
    String(writer, FormatRfc3339(promotion.starts_at));
    String(writer, "ends_at");
    String(writer, FormatRfc3339(promotion.ends_at));
    String(writer, "category");
    String(writer, promotion.category);
    String(writer, "channel");
    String(writer, promotion.channel);
    String(writer, "percent");
    writer.Int(promotion.percent);
    String(writer, "bonus_points");
    writer.Int64(promotion.bonus_points.count());
    writer.EndObject();
  }
  writer.EndArray();
}

void WriteBonuses(Writer& writer, const domain::BonusRules& bonuses) {
  String(writer, "bonuses");
  writer.StartObject();
  String(writer, "welcome");
  writer.Int64(bonuses.welcome.count());
  String(writer, "birthday");
  writer.Int64(bonuses.birthday.count());
  String(writer, "referral_referrer");
  writer.Int64(bonuses.referral_referrer.count());
  String(writer, "referral_referred");
  writer.Int64(bonuses.referral_referred.count());
  String(writer, "referral_minimum_minor");
  writer.Int64(bonuses.referral_minimum_minor);
  String(writer, "referral_deadline_days");
  writer.Int(bonuses.referral_deadline_days);
  String(writer, "referral_limit");
  writer.Int(bonuses.referral_limit);
  writer.EndObject();
}

void ReadTiers(ObjectReader& reader, domain::TierProgramme& programme) {
  std::optional<ObjectReader> tiers = reader.Object("tiers");
  if (!tiers) return;
  tiers->RefuseUnknown({"tiers", "qualification", "currency", "window_months", "period_months", "grace_days"});
  std::vector<domain::TierDefinition> definitions;
  const bool present = tiers->Objects("tiers", [&](ObjectReader& element) {
    element.RefuseUnknown(
        {"key", "name", "min_spend_minor", "min_purchases", "earn_percent", "discount_percent", "sla_class"});
    domain::TierDefinition tier;
    element.String("key", tier.key);
    element.String("name", tier.name);
    element.Int64("min_spend_minor", tier.min_spend_minor);
    element.Int64("min_purchases", tier.min_purchases);
    element.Int("earn_percent", tier.earn_percent);
    element.Int("discount_percent", tier.discount_percent);
    element.String("sla_class", tier.sla_class);
    definitions.push_back(std::move(tier));
  });
  if (present) programme.tiers = std::move(definitions);
  std::string qualification_name(domain::TierQualificationName(programme.qualification));
  tiers->String("qualification", qualification_name);
  if (std::optional<domain::TierQualification> qualification = domain::ParseTierQualification(qualification_name)) {
    programme.qualification = *qualification;
  } else {
    tiers->Problem(tiers->Path("qualification"),
                   "must be one of: spend, purchases, spend_or_purchases, spend_and_purchases");
  }
  tiers->String("currency", programme.currency);
  tiers->Int("window_months", programme.window_months);
  tiers->Int("period_months", programme.period_months);
  tiers->Int("grace_days", programme.grace_days);
}

void ReadPromotions(ObjectReader& reader, std::vector<domain::Promotion>& target) {
  std::vector<domain::Promotion> promotions;
  const bool present = reader.Objects("promotions", [&](ObjectReader& element) {
    element.RefuseUnknown({"key", "name", "starts_at", "ends_at", "category", "channel", "percent", "bonus_points"});
    domain::Promotion promotion;
    element.String("key", promotion.key);
    element.String("name", promotion.name);
    element.Time("starts_at", promotion.starts_at);
    element.Time("ends_at", promotion.ends_at);
    element.String("category", promotion.category);
    element.String("channel", promotion.channel);
    element.Int("percent", promotion.percent);
    element.Points("bonus_points", promotion.bonus_points);
    promotions.push_back(std::move(promotion));
  });
  if (present) target = std::move(promotions);
}

void ReadBonuses(ObjectReader& reader, domain::BonusRules& bonuses) {
  std::optional<ObjectReader> object = reader.Object("bonuses");
  if (!object) return;
  object->RefuseUnknown({"welcome", "birthday", "referral_referrer", "referral_referred", "referral_minimum_minor",
                         "referral_deadline_days", "referral_limit"});
  object->Points("welcome", bonuses.welcome);
  object->Points("birthday", bonuses.birthday);
  object->Points("referral_referrer", bonuses.referral_referrer);
  object->Points("referral_referred", bonuses.referral_referred);
  object->Int64("referral_minimum_minor", bonuses.referral_minimum_minor);
  object->Int("referral_deadline_days", bonuses.referral_deadline_days);
  object->Int("referral_limit", bonuses.referral_limit);
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
  WriteTiers(writer, rules.tiers);
  WritePromotions(writer, rules.promotions);
  WriteBonuses(writer, rules.bonuses);
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
                        "pending_days", "cap_per_day", "cap_per_month", "expiry", "time_zone", "tiers", "promotions",
                        "bonuses"});
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
  ReadTiers(reader, rules.tiers);
  ReadPromotions(reader, rules.promotions);
  ReadBonuses(reader, rules.bonuses);
  return rules;
}

}  // namespace rapport::app

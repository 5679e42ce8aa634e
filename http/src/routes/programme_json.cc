#include "routes/programme_json.h"

#include <simdjson.h>

#include <limits>
#include <set>
#include <utility>
#include <vector>

#include "routes/loyalty_json.h"
#include "routes/route_support.h"

namespace rapport::http {
namespace {

std::optional<std::int64_t> OptionalId(const std::optional<ContactId>& id) {
  if (!id) return std::nullopt;
  return id->value();
}

std::optional<std::int64_t> OptionalId(const std::optional<PurchaseId>& id) {
  if (!id) return std::nullopt;
  return id->value();
}

// The members of a body read with the DOM parser, each checked for its type;
// wrong types and unknown or duplicated members are collected as 400 field
// errors.
class BodyFields {
 public:
  explicit BodyFields(std::vector<FieldError>& errors) : errors_(errors) {}

  void Wrong(std::string_view field, std::string message) {
    errors_.push_back({std::string(field), "wrong_type", std::move(message)});
  }

  // False (with an error) when the member appeared before.
  bool FirstTime(std::string_view key) {
    if (seen_.insert(std::string(key)).second) return true;
    errors_.push_back({std::string(key), "duplicate_field", "The field appears more than once."});
    return false;
  }

  std::optional<std::string> Text(std::string_view field, simdjson::dom::element value) {
    std::string_view out;
    if (value.get_string().get(out) != simdjson::SUCCESS) {
      Wrong(field, "Expected a string.");
      return std::nullopt;
    }
    return std::string(out);
  }

  std::optional<std::int64_t> Integer(std::string_view field, simdjson::dom::element value) {
    std::int64_t out = 0;
    if (value.get_int64().get(out) != simdjson::SUCCESS) {
      Wrong(field, "Expected an integer.");
      return std::nullopt;
    }
    return out;
  }

  // An integer that fits an int (percentages).
  std::optional<int> SmallInteger(std::string_view field, simdjson::dom::element value) {
    const std::optional<std::int64_t> out = Integer(field, value);
    if (!out) return std::nullopt;
    if (*out < std::numeric_limits<int>::min() || *out > std::numeric_limits<int>::max()) {
      Wrong(field, "The integer is out of range.");
      return std::nullopt;
    }
    return static_cast<int>(*out);
  }

  std::optional<bool> Boolean(std::string_view field, simdjson::dom::element value) {
    bool out = false;
    if (value.get_bool().get(out) != simdjson::SUCCESS) {
      Wrong(field, "Expected true or false.");
      return std::nullopt;
    }
    return out;
  }

  // An integer, or null meaning "none" (the outer optional: whether it was well-formed).
  std::optional<std::optional<std::int64_t>> NullableInteger(std::string_view field, simdjson::dom::element value) {
    if (value.is_null()) return std::optional<std::int64_t>();
    std::int64_t out = 0;
    if (value.get_int64().get(out) != simdjson::SUCCESS) {
      Wrong(field, "Expected an integer or null.");
      return std::nullopt;
    }
    return std::optional<std::int64_t>(out);
  }

  std::optional<std::optional<Timestamp>> NullableTime(std::string_view field, simdjson::dom::element value) {
    if (value.is_null()) return std::optional<Timestamp>();
    std::string_view out;
    Result<Timestamp> at = InvalidArgument("");
    if (value.get_string().get(out) == simdjson::SUCCESS) at = ParseRfc3339(out);
    if (!at.ok()) {
      errors_.push_back(
          {std::string(field), "invalid_value", "Expected an RFC 3339 time like 2026-11-24T10:00:00Z or null."});
      return std::nullopt;
    }
    return std::optional<Timestamp>(*at);
  }

  void Unknown(std::string_view field, std::string_view what) {
    errors_.push_back({std::string(field), "unknown_field", "The field is not part of " + std::string(what) + "."});
  }

  void Missing(std::string_view field) {
    if (!seen_.contains(field)) errors_.push_back({std::string(field), "missing", "The field is required."});
  }

 private:
  std::vector<FieldError>& errors_;
  std::set<std::string, std::less<>> seen_;
};

// The body as a JSON object, or the 400 problem.
std::optional<Problem> ParseObject(std::string_view body, simdjson::dom::parser& parser,
                                   simdjson::dom::object& object) {
  const simdjson::padded_string padded(body);
  simdjson::dom::element document;
  if (parser.parse(padded).get(document) != simdjson::SUCCESS) {
    return InvalidJsonProblem("The body is not valid JSON.");
  }
  if (document.get_object().get(object) != simdjson::SUCCESS) {
    return InvalidJsonProblem("The body must be a JSON object.");
  }
  return std::nullopt;
}

}  // namespace

void WriteCoupon(JsonWriter& json, const app::Coupon& coupon) {
  json.StartObject();
  json.Field("id", coupon.id);
  json.Field("code", coupon.code);
  json.Field("name", coupon.name);
  json.Field("kind", app::CouponKindName(coupon.kind));
  json.Field("points", coupon.points.count());
  json.Field("percent_off", static_cast<std::int64_t>(coupon.percent_off));
  json.Field("amount_off_minor", coupon.amount_off_minor);
  json.Field("currency", coupon.currency);
  WriteOptionalInteger(json, "contact_id", OptionalId(coupon.contact_id));
  WriteOptionalTime(json, "valid_from", coupon.valid_from);
  WriteOptionalTime(json, "valid_until", coupon.valid_until);
  WriteOptionalInteger(json, "max_uses", coupon.max_uses);
  json.Field("max_uses_per_member", coupon.max_uses_per_member);
  json.Field("uses", coupon.uses);
  json.Field("active", coupon.active);
  json.Field("created_at", FormatRfc3339(coupon.created_at));
  json.Field("created_by", coupon.created_by);
  json.EndObject();
}

void WriteReferral(JsonWriter& json, const app::Referral& referral) {
  json.StartObject();
  json.Field("id", referral.id);
  json.Field("referrer_id", referral.referrer_id.value());
  json.Field("referred_id", referral.referred_id.value());
  json.Field("code", referral.code);
  json.Field("referred_at", FormatRfc3339(referral.referred_at));
  json.Field("state", app::ReferralStateName(referral.state));
  WriteOptionalInteger(json, "purchase_id", OptionalId(referral.purchase_id));
  WriteOptionalTime(json, "rewarded_at", referral.rewarded_at);
  json.EndObject();
}

void WriteTierProgramme(JsonWriter& json, const domain::TierProgramme& programme) {
  json.StartObject();
  json.Key("tiers");
  json.StartArray();
  for (const domain::TierDefinition& tier : programme.tiers) {
    json.StartObject();
    json.Field("key", tier.key);
    json.Field("name", tier.name);
    json.Field("min_spend_minor", tier.min_spend_minor);
    json.Field("min_purchases", tier.min_purchases);
    json.Field("earn_percent", static_cast<std::int64_t>(tier.earn_percent));
    json.Field("discount_percent", static_cast<std::int64_t>(tier.discount_percent));
    json.Field("sla_class", tier.sla_class);
    json.EndObject();
  }
  json.EndArray();
  json.Field("qualification", domain::TierQualificationName(programme.qualification));
  json.Field("currency", programme.currency);
  json.Field("window_months", static_cast<std::int64_t>(programme.window_months));
  json.Field("period_months", static_cast<std::int64_t>(programme.period_months));
  json.Field("grace_days", static_cast<std::int64_t>(programme.grace_days));
  json.EndObject();
}

void WriteTierOverview(JsonWriter& json, const app::TierOverview& overview) {
  json.StartObject();
  json.Key("programme");
  WriteTierProgramme(json, overview.programme);
  json.Key("members");
  json.StartArray();
  for (const app::TiersReader::TierCount& count : overview.members) {
    json.StartObject();
    json.Field("tier_key", count.tier_key);
    json.Field("members", count.members);
    json.EndObject();
  }
  json.EndArray();
  json.EndObject();
}

void WriteReferralGraph(JsonWriter& json, const app::ReferralGraph& graph) {
  json.StartObject();
  json.Key("code");
  if (graph.code) {
    json.String(*graph.code);
  } else {
    json.Null();
  }
  json.Key("referred_by");
  if (graph.referred_by) {
    WriteReferral(json, *graph.referred_by);
  } else {
    json.Null();
  }
  json.Key("referrals");
  json.StartArray();
  for (const app::Referral& referral : graph.referrals) WriteReferral(json, referral);
  json.EndArray();
  json.Key("next");
  if (graph.next) {
    json.String(std::to_string(*graph.next));
  } else {
    json.Null();
  }
  json.Field("rewarded", graph.rewarded);
  json.EndObject();
}

void WriteCouponCheck(JsonWriter& json, const app::CouponCheck& check) {
  json.StartObject();
  json.Field("usable", check.usable);
  json.Field("problem", check.problem);
  json.Key("coupon");
  if (check.coupon) {
    WriteCoupon(json, *check.coupon);
  } else {
    json.Null();
  }
  json.EndObject();
}

std::optional<Problem> ReadCouponDraft(std::string_view body, app::CouponDraft& draft) {
  simdjson::dom::parser parser;
  simdjson::dom::object object;
  if (auto problem = ParseObject(body, parser, object)) return problem;
  std::vector<FieldError> errors;
  BodyFields fields(errors);
  std::optional<std::string> kind;
  for (const simdjson::dom::key_value_pair field : object) {
    const std::string_view key = field.key;
    if (!fields.FirstTime(key)) continue;
    if (key == "code") {
      if (field.value.is_null()) continue;  // generated
      if (auto code = fields.Text(key, field.value)) draft.code = std::move(*code);
    } else if (key == "name") {
      if (auto name = fields.Text(key, field.value)) draft.name = std::move(*name);
    } else if (key == "kind") {
      kind = fields.Text(key, field.value);
    } else if (key == "points") {
      if (auto points = fields.Integer(key, field.value)) draft.points = Points(*points);
    } else if (key == "percent_off") {
      if (auto percent = fields.SmallInteger(key, field.value)) draft.percent_off = *percent;
    } else if (key == "amount_off_minor") {
      if (auto amount = fields.Integer(key, field.value)) draft.amount_off_minor = *amount;
    } else if (key == "currency") {
      if (field.value.is_null()) continue;
      if (auto currency = fields.Text(key, field.value)) draft.currency = std::move(*currency);
    } else if (key == "contact_id") {
      if (auto contact = fields.NullableInteger(key, field.value)) {
        draft.contact_id = *contact ? std::optional<ContactId>(ContactId(**contact)) : std::nullopt;
      }
    } else if (key == "valid_from") {
      if (auto at = fields.NullableTime(key, field.value)) draft.valid_from = *at;
    } else if (key == "valid_until") {
      if (auto at = fields.NullableTime(key, field.value)) draft.valid_until = *at;
    } else if (key == "max_uses") {
      if (auto uses = fields.NullableInteger(key, field.value)) draft.max_uses = *uses;
    } else if (key == "max_uses_per_member") {
      if (auto uses = fields.Integer(key, field.value)) draft.max_uses_per_member = *uses;
    } else {
      fields.Unknown(key, "a coupon");
    }
  }
  fields.Missing("name");
  fields.Missing("kind");
  if (!errors.empty()) return ValidationFailedProblem(std::move(errors));
  const std::optional<app::CouponKind> parsed = app::ParseCouponKind(*kind);
  if (!parsed) {
    return UnprocessableProblem("invalid_coupon", "The coupon has invalid values",
                                "See errors for the fields to correct.",
                                {{"kind", "invalid_value", "Expected points, percent_off or amount_off."}});
  }
  draft.kind = *parsed;
  return std::nullopt;
}

std::optional<Problem> ReadCouponPatch(std::string_view body, CouponPatch& patch) {
  simdjson::dom::parser parser;
  simdjson::dom::object object;
  if (auto problem = ParseObject(body, parser, object)) return problem;
  std::vector<FieldError> errors;
  BodyFields fields(errors);
  for (const simdjson::dom::key_value_pair field : object) {
    const std::string_view key = field.key;
    if (!fields.FirstTime(key)) continue;
    if (key == "active") {
      patch.active = fields.Boolean(key, field.value);
    } else if (key == "valid_until") {
      patch.valid_until = fields.NullableTime(key, field.value);
    } else if (key == "max_uses") {
      patch.max_uses = fields.NullableInteger(key, field.value);
    } else {
      fields.Unknown(key, "a coupon's changeable fields (active, valid_until, max_uses)");
    }
  }
  if (!errors.empty()) return ValidationFailedProblem(std::move(errors));
  return std::nullopt;
}

std::optional<Problem> ReadReferralRequest(std::string_view body, ReferralRequest& request) {
  std::int64_t contact_id = 0;
  JsonObjectReader reader;
  reader.Field("contact_id", &contact_id, Presence::kRequired).Field("code", &request.code, Presence::kRequired);
  if (auto problem = reader.Read(body)) return problem;
  request.contact_id = ContactId(contact_id);
  return std::nullopt;
}

}  // namespace rapport::http

#include "routes/reward_json.h"

#include <simdjson.h>

#include <set>
#include <utility>
#include <vector>

#include "routes/route_support.h"

namespace rapport::http {

void WriteReward(JsonWriter& json, const app::Reward& reward) {
  json.StartObject();
  json.Field("id", reward.id);
  json.Field("name", reward.name);
  json.Field("description", reward.description);
  json.Field("kind", app::RewardKindName(reward.kind));
  json.Field("points_price", reward.points_price.count());
  WriteOptionalInteger(json, "stock", reward.stock);
  WriteOptionalInteger(json, "per_customer_limit", reward.per_customer_limit);
  WriteOptionalTime(json, "available_from", reward.available_from);
  WriteOptionalTime(json, "available_until", reward.available_until);
  json.Field("active", reward.active);
  json.Field("created_at", FormatRfc3339(reward.created_at));
  json.Field("updated_at", FormatRfc3339(reward.updated_at));
  json.EndObject();
}

void WriteRedemption(JsonWriter& json, const app::Redemption& redemption) {
  json.StartObject();
  json.Field("id", redemption.id);
  json.Field("reward_id", redemption.reward_id);
  json.Field("contact_id", redemption.contact_id.value());
  json.Field("quantity", redemption.quantity);
  json.Field("points", redemption.points.count());
  json.Field("state", app::RedemptionStateName(redemption.state));
  json.Field("transaction_id", redemption.transaction_id);
  WriteOptionalInteger(json, "cancel_transaction_id", redemption.cancel_transaction_id);
  json.Field("created_at", FormatRfc3339(redemption.created_at));
  WriteOptionalTime(json, "cancelled_at", redemption.cancelled_at);
  json.Field("actor", redemption.actor);
  json.Field("external_id", redemption.external_id);
  json.EndObject();
}

std::string RedemptionResponseJson(const app::RedemptionView& view) {
  JsonWriter json;
  json.StartObject();
  json.Key("redemption");
  WriteRedemption(json, view.redemption);
  json.Key("reward");
  WriteReward(json, view.reward);
  json.Field("points_balance", view.account.available.count());
  json.EndObject();
  return json.Take();
}

std::optional<Problem> ReadRewardPatch(std::string_view body, app::RewardPatch& patch) {
  simdjson::dom::parser parser;
  simdjson::padded_string padded(body);
  simdjson::dom::element document;
  if (parser.parse(padded).get(document) != simdjson::SUCCESS) {
    return InvalidJsonProblem("The body is not valid JSON.");
  }
  simdjson::dom::object object;
  if (document.get_object().get(object) != simdjson::SUCCESS) {
    return InvalidJsonProblem("The body must be a JSON object.");
  }
  std::vector<FieldError> errors;
  std::set<std::string, std::less<>> seen;
  const auto wrong = [&](std::string_view field, std::string message) {
    errors.push_back({std::string(field), "wrong_type", std::move(message)});
  };
  const auto text = [&](std::string_view field, simdjson::dom::element value) -> std::optional<std::string> {
    std::string_view out;
    if (value.get_string().get(out) != simdjson::SUCCESS) {
      wrong(field, "Expected a string.");
      return std::nullopt;
    }
    return std::string(out);
  };
  const auto integer = [&](std::string_view field, simdjson::dom::element value) -> std::optional<std::int64_t> {
    std::int64_t out = 0;
    if (value.get_int64().get(out) != simdjson::SUCCESS) {
      wrong(field, "Expected an integer.");
      return std::nullopt;
    }
    return out;
  };
  // An integer, or null meaning "none" (the outer optional: whether it was given and well-formed).
  const auto nullable_integer = [&](std::string_view field,
                                    simdjson::dom::element value) -> std::optional<std::optional<std::int64_t>> {
    if (value.is_null()) return std::optional<std::int64_t>();
    std::int64_t out = 0;
    if (value.get_int64().get(out) != simdjson::SUCCESS) {
      wrong(field, "Expected an integer or null.");
      return std::nullopt;
    }
    return std::optional<std::int64_t>(out);
  };
  const auto nullable_time = [&](std::string_view field,
                                 simdjson::dom::element value) -> std::optional<std::optional<Timestamp>> {
    if (value.is_null()) return std::optional<Timestamp>();
    std::string_view out;
    Result<Timestamp> at = InvalidArgument("");
    if (value.get_string().get(out) == simdjson::SUCCESS) at = ParseRfc3339(out);
    if (!at.ok()) {
      errors.push_back(
          {std::string(field), "invalid_value", "Expected an RFC 3339 time like 2026-11-24T10:00:00Z or null."});
      return std::nullopt;
    }
    return std::optional<Timestamp>(*at);
  };
  for (const simdjson::dom::key_value_pair field : object) {
    const std::string_view key = field.key;
    if (!seen.insert(std::string(key)).second) {
      errors.push_back({std::string(key), "duplicate_field", "The field appears more than once."});
      continue;
    }
    if (key == "name") {
      patch.name = text(key, field.value);
    } else if (key == "description") {
      patch.description = text(key, field.value);
    } else if (key == "kind") {
      patch.kind = text(key, field.value);
    } else if (key == "points_price") {
      patch.points_price = integer(key, field.value);
    } else if (key == "stock") {
      patch.stock = nullable_integer(key, field.value);
    } else if (key == "per_customer_limit") {
      patch.per_customer_limit = nullable_integer(key, field.value);
    } else if (key == "available_from") {
      patch.available_from = nullable_time(key, field.value);
    } else if (key == "available_until") {
      patch.available_until = nullable_time(key, field.value);
    } else if (key == "active") {
      bool active = false;
      if (field.value.get_bool().get(active) != simdjson::SUCCESS) {
        wrong(key, "Expected true or false.");
      } else {
        patch.active = active;
      }
    } else {
      errors.push_back({std::string(key), "unknown_field", "The field is not part of a reward."});
    }
  }
  if (!errors.empty()) return ValidationFailedProblem(std::move(errors));
  return std::nullopt;
}

std::optional<Problem> ReadRedemptionRequest(std::string_view body, app::RedemptionRequest& request) {
  std::int64_t contact_id = 0;
  JsonObjectReader reader;
  reader.Field("contact_id", &contact_id, Presence::kRequired)
      .Field("reward_id", &request.reward_id, Presence::kRequired)
      .Field("quantity", &request.quantity, Presence::kOptional)
      .Field("external_id", &request.external_id, Presence::kOptional);
  if (auto problem = reader.Read(body)) return problem;
  request.contact_id = ContactId(contact_id);
  return std::nullopt;
}

}  // namespace rapport::http

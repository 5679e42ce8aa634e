#include "routes/loyalty_json.h"

#include <simdjson.h>

#include <charconv>
#include <utility>

#include "routes/route_support.h"

#include "rapport/app/loyalty_rules_json.h"

namespace rapport::http {
namespace {

void WriteTime(JsonWriter& json, std::string_view key, Timestamp at) { json.Field(key, FormatRfc3339(at)); }

void WritePoints(JsonWriter& json, std::string_view key, Points points) { json.Field(key, points.count()); }

void WriteLine(JsonWriter& json, const domain::PurchaseLine& line) {
  json.StartObject();
  json.Field("sku", line.sku);
  json.Field("category", line.category);
  json.Field("quantity", line.quantity);
  json.Field("unit_price_minor", line.unit_price_minor);
  json.EndObject();
}

void WriteEarningSteps(JsonWriter& json, const std::vector<domain::EarningStep>& steps) {
  json.StartArray();
  for (const domain::EarningStep& step : steps) {
    json.StartObject();
    json.Field("rule", step.rule);
    json.Field("detail", step.detail);
    WritePoints(json, "points", step.points);
    json.EndObject();
  }
  json.EndArray();
}

std::optional<std::int64_t> OptionalId(const std::optional<PurchaseId>& id) {
  if (!id) return std::nullopt;
  return id->value();
}

// A stored JSON text embedded as a value; anything that is not an object or
// an array (an empty column of an older row) reads as {}.
std::string_view EmbeddableJson(std::string_view text) {
  if (text.starts_with('{') || text.starts_with('[')) return text;
  return "{}";
}

std::optional<Timestamp> ReadTime(const std::string& text, std::string_view field, std::vector<FieldError>& errors) {
  Result<Timestamp> at = ParseRfc3339(text);
  if (!at.ok()) {
    errors.push_back({std::string(field), "invalid_value", "Expected an RFC 3339 time like 2026-11-24T10:00:00Z."});
    return std::nullopt;
  }
  return *at;
}

// One element of "lines" (an object), read by the common body reader so its
// errors are the same as a body's, named "lines[3].quantity".
std::optional<Problem> ReadLine(std::string_view text, std::size_t index, domain::PurchaseLine& line,
                                std::vector<FieldError>& errors) {
  JsonObjectReader reader;
  reader.Field("sku", &line.sku, Presence::kOptional)
      .Field("category", &line.category, Presence::kOptional)
      .Field("quantity", &line.quantity, Presence::kOptional)
      .Field("unit_price_minor", &line.unit_price_minor, Presence::kRequired);
  std::optional<Problem> problem = reader.Read(text);
  if (!problem) return std::nullopt;
  if (problem->errors.empty()) return problem;  // not JSON: cannot happen inside a parsed array
  const std::string prefix = "lines[" + std::to_string(index) + "].";
  for (FieldError& error : problem->errors) errors.push_back({prefix + error.field, error.code, error.message});
  return std::nullopt;
}

// "lines": an array of at most kPurchaseLinesMax objects. Wrong types go to
// `errors` (400); too many lines is a 422 returned at once.
std::optional<Problem> ReadLines(std::string_view text, std::vector<domain::PurchaseLine>& lines,
                                 std::vector<FieldError>& errors) {
  simdjson::ondemand::parser parser;
  const simdjson::padded_string padded(text);
  simdjson::ondemand::document document;
  simdjson::ondemand::array array;
  if (parser.iterate(padded).get(document) || document.get_array().get(array)) {
    errors.push_back({"lines", "wrong_type", "Expected an array of purchase lines."});
    return std::nullopt;
  }
  std::size_t index = 0;
  for (auto element : array) {
    if (index == app::kPurchaseLinesMax) {
      return UnprocessableProblem(
          "invalid_purchase", "The purchase has invalid values", "See errors for the fields to correct.",
          {{"lines", "invalid_value", "At most " + std::to_string(app::kPurchaseLinesMax) + " lines."}});
    }
    simdjson::ondemand::object object;
    std::string_view raw;
    if (element.get_object().get(object) || object.raw_json().get(raw)) {
      errors.push_back({"lines[" + std::to_string(index) + "]", "wrong_type", "Expected an object."});
      return std::nullopt;  // the array cannot be walked further after a failed element
    }
    domain::PurchaseLine line;
    if (auto problem = ReadLine(raw, index, line, errors)) return problem;
    lines.push_back(std::move(line));
    ++index;
  }
  return std::nullopt;
}

// A tier key, or null for none ("").
void WriteTierKey(JsonWriter& json, std::string_view key, const std::string& tier) {
  json.Key(key);
  if (tier.empty()) {
    json.Null();
  } else {
    json.String(tier);
  }
}

void WriteAppliedCoupon(JsonWriter& json, const app::AppliedCoupon& applied) {
  const app::Coupon& coupon = applied.coupon;
  json.StartObject();
  json.Field("id", coupon.id);
  json.Field("code", coupon.code);
  json.Field("kind", app::CouponKindName(coupon.kind));
  WritePoints(json, "points", coupon.points);
  json.Field("percent_off", static_cast<std::int64_t>(coupon.percent_off));
  json.Field("amount_off_minor", coupon.amount_off_minor);
  json.Field("currency", coupon.currency);
  json.Field("use_id", applied.use_id);
  json.EndObject();
}

void WriteTierMove(JsonWriter& json, const app::TierMove& move) {
  json.StartObject();
  json.Field("change", domain::TierChangeName(move.change));
  WriteTierKey(json, "from", move.from);
  WriteTierKey(json, "to", move.to);
  WriteOptionalTime(json, "review_at", move.status.review_at);
  WriteOptionalTime(json, "grace_until", move.status.grace_until);
  json.EndObject();
}

void WriteTierSummary(JsonWriter& json, const app::TierSummary& tier) {
  json.StartObject();
  json.Key("current");
  if (tier.current) {
    const domain::TierDefinition& current = *tier.current;
    json.StartObject();
    json.Field("key", current.key);
    json.Field("name", current.name);
    json.Field("earn_percent", static_cast<std::int64_t>(current.earn_percent));
    json.Field("discount_percent", static_cast<std::int64_t>(current.discount_percent));
    json.Field("sla_class", current.sla_class);
    json.EndObject();
  } else {
    json.Null();
  }
  WriteOptionalTime(json, "since", tier.status.since);
  WriteOptionalTime(json, "review_at", tier.status.review_at);
  WriteOptionalTime(json, "grace_until", tier.status.grace_until);
  json.Key("next");
  if (tier.next) {
    const domain::TierDefinition& next = *tier.next;
    json.StartObject();
    json.Field("key", next.key);
    json.Field("name", next.name);
    json.Field("min_spend_minor", next.min_spend_minor);
    json.Field("min_purchases", next.min_purchases);
    json.EndObject();
  } else {
    json.Null();
  }
  const domain::TierProgress& progress = tier.progress;
  json.Key("progress");
  json.StartObject();
  json.Field("spend_minor", progress.qualifier.spend_minor);
  json.Field("purchases", progress.qualifier.purchases);
  json.Field("spend_to_next_minor", progress.spend_to_next_minor);
  json.Field("purchases_to_next", progress.purchases_to_next);
  json.Field("spend_to_keep_minor", progress.spend_to_keep_minor);
  json.Field("purchases_to_keep", progress.purchases_to_keep);
  json.EndObject();
  json.Field("currency", tier.currency);
  json.Field("window_months", static_cast<std::int64_t>(tier.window_months));
  json.EndObject();
}

// A positive integer id given as a raw JSON token; nullopt when it is not one.
std::optional<std::int64_t> PositiveId(std::string_view token) {
  std::int64_t value = 0;
  const auto [end, error] = std::from_chars(token.data(), token.data() + token.size(), value);
  if (error != std::errc() || end != token.data() + token.size() || value <= 0) return std::nullopt;
  return value;
}

}  // namespace

void WritePurchaseMembers(JsonWriter& json, const app::Purchase& purchase) {
  json.Field("id", purchase.id.value());
  json.Field("contact_id", purchase.contact_id.value());
  json.Key("company_id");
  if (purchase.company_id) {
    json.Int64(purchase.company_id->value());
  } else {
    json.Null();
  }
  json.Key("lines");
  json.StartArray();
  for (const domain::PurchaseLine& line : purchase.lines) WriteLine(json, line);
  json.EndArray();
  json.Field("total_minor", purchase.total_minor);
  json.Field("currency", purchase.currency);
  json.Field("channel", purchase.channel);
  json.Field("store", purchase.store);
  WriteTime(json, "occurred_at", purchase.occurred_at);
  json.Field("external_id", purchase.external_id);
  WritePoints(json, "points_earned", purchase.points_earned);
  json.Field("rules_version", purchase.rules_version);
  json.Field("refunded_minor", purchase.refunded_minor);
  WritePoints(json, "points_reversed", purchase.points_reversed);
  WriteTime(json, "recorded_at", purchase.recorded_at);
}

void WritePurchase(JsonWriter& json, const app::Purchase& purchase) {
  json.StartObject();
  WritePurchaseMembers(json, purchase);
  json.EndObject();
}

void WriteRefund(JsonWriter& json, const app::Refund& refund) {
  json.StartObject();
  json.Field("id", refund.id);
  json.Field("purchase_id", refund.purchase_id.value());
  json.Field("amount_minor", refund.amount_minor);
  json.Field("reason", refund.reason);
  json.Field("external_id", refund.external_id);
  WriteTime(json, "occurred_at", refund.occurred_at);
  WritePoints(json, "points_reversed", refund.points_reversed);
  WritePoints(json, "points_written_off", refund.points_written_off);
  WriteTime(json, "recorded_at", refund.recorded_at);
  json.EndObject();
}

void WriteLot(JsonWriter& json, const app::Lot& lot) {
  json.StartObject();
  json.Field("id", lot.id);
  WritePoints(json, "points", lot.points);
  WritePoints(json, "remaining", lot.remaining);
  json.Field("state", app::LotStateName(lot.state));
  WriteTime(json, "earned_at", lot.earned_at);
  WriteTime(json, "available_at", lot.available_at);
  WriteOptionalTime(json, "expires_at", lot.expires_at);
  WriteOptionalInteger(json, "purchase_id", OptionalId(lot.purchase_id));
  json.EndObject();
}

void WriteLedgerTransaction(JsonWriter& json, const app::LedgerTransaction& transaction) {
  std::int64_t available_change = 0;
  std::int64_t pending_change = 0;
  for (const app::LedgerEntry& entry : transaction.entries) {
    if (entry.account == app::LedgerAccount::kAvailable) available_change += entry.points.count();
    if (entry.account == app::LedgerAccount::kPending) pending_change += entry.points.count();
  }
  json.StartObject();
  json.Field("id", transaction.id);
  json.Field("kind", app::LedgerKindName(transaction.kind));
  WriteTime(json, "occurred_at", transaction.occurred_at);
  WriteTime(json, "recorded_at", transaction.recorded_at);
  json.Field("points", available_change + pending_change);
  json.Field("available_change", available_change);
  json.Field("pending_change", pending_change);
  WriteOptionalInteger(json, "purchase_id", OptionalId(transaction.purchase_id));
  WriteOptionalInteger(json, "refund_id", transaction.refund_id);
  json.Field("actor", transaction.actor);
  json.Field("reason", transaction.reason);
  json.Key("explanation");
  json.RawValue(EmbeddableJson(transaction.explanation_json));
  json.Key("entries");
  json.StartArray();
  for (const app::LedgerEntry& entry : transaction.entries) {
    json.StartObject();
    json.Field("account", app::LedgerAccountName(entry.account));
    WritePoints(json, "points", entry.points);
    WriteOptionalInteger(json, "lot_id", entry.lot_id);
    json.EndObject();
  }
  json.EndArray();
  json.EndObject();
}

void WriteSummary(JsonWriter& json, ContactId contact, const app::LoyaltySummary& summary) {
  const app::LoyaltyAccount& account = summary.account;
  json.StartObject();
  json.Field("contact_id", contact.value());
  WritePoints(json, "points_balance", account.available);
  WritePoints(json, "points_pending", account.pending);
  WritePoints(json, "earned_total", account.earned_total);
  WritePoints(json, "redeemed_total", account.redeemed_total);
  WritePoints(json, "expired_total", account.expired_total);
  WriteOptionalTime(json, "last_activity_at", account.last_activity_at);
  WritePoints(json, "expiring_soon", summary.expiring_soon);
  WriteOptionalTime(json, "next_expiry_at", summary.next_expiry_at);
  WriteOptionalTime(json, "inactivity_expiry_at", summary.inactivity_expiry_at);
  json.Key("lots");
  json.StartArray();
  for (const app::Lot& lot : summary.lots) WriteLot(json, lot);
  json.EndArray();
  json.Key("tier");
  if (summary.tier) {
    WriteTierSummary(json, *summary.tier);
  } else {
    json.Null();
  }
  json.EndObject();
}

void WriteRulesView(JsonWriter& json, const app::RulesView& view) {
  json.StartObject();
  json.Field("version", view.version);
  WriteOptionalTime(json, "updated_at", view.updated_at);
  json.Field("updated_by", view.updated_by);
  json.Key("rules");
  json.RawValue(app::EarningRulesToJson(view.rules));
  json.EndObject();
}

void WriteLedgerCheck(JsonWriter& json, const app::LedgerCheck& check) {
  json.StartObject();
  json.Field("ok", check.problems.empty());
  json.Field("transactions", check.transactions);
  json.Field("entries", check.entries);
  WritePoints(json, "issued", check.issued);
  json.Key("problems");
  json.StartArray();
  for (const std::string& problem : check.problems) json.String(problem);
  json.EndArray();
  json.EndObject();
}

std::string PurchaseResponseJson(const app::RecordedPurchase& recorded) {
  JsonWriter json;
  json.StartObject();
  json.Key("purchase");
  WritePurchase(json, recorded.purchase);
  WritePoints(json, "points_earned", recorded.purchase.points_earned);
  json.Key("explanation");
  WriteEarningSteps(json, recorded.earning.steps);
  json.Key("lot");
  if (recorded.lot) {
    WriteLot(json, *recorded.lot);
  } else {
    json.Null();
  }
  WritePoints(json, "points_balance", recorded.account.available);
  WritePoints(json, "points_pending", recorded.account.pending);
  json.Key("bonuses");
  json.StartArray();
  for (const app::GrantedBonus& bonus : recorded.bonuses) {
    json.StartObject();
    json.Field("kind", bonus.kind);
    json.Field("contact_id", bonus.contact_id.value());
    WritePoints(json, "points", bonus.points);
    json.Field("transaction_id", bonus.transaction_id);
    json.EndObject();
  }
  json.EndArray();
  json.Key("coupon");
  if (recorded.coupon) {
    WriteAppliedCoupon(json, *recorded.coupon);
  } else {
    json.Null();
  }
  json.Key("tier");
  if (recorded.tier) {
    WriteTierMove(json, *recorded.tier);
  } else {
    json.Null();
  }
  json.EndObject();
  return json.Take();
}

std::string RefundResponseJson(const app::RecordedRefund& recorded) {
  JsonWriter json;
  json.StartObject();
  json.Key("refund");
  WriteRefund(json, recorded.refund);
  json.Key("purchase");
  WritePurchase(json, recorded.purchase);
  WritePoints(json, "points_balance", recorded.account.available);
  WritePoints(json, "points_pending", recorded.account.pending);
  json.EndObject();
  return json.Take();
}

std::optional<Problem> ReadPurchaseRequest(std::string_view body, app::PurchaseRequest& request) {
  std::int64_t contact_id = 0;
  RawJson company_id;
  RawJson lines;
  std::string occurred_at;
  JsonObjectReader reader;
  reader.Field("contact_id", &contact_id, Presence::kRequired)
      .Field("company_id", &company_id, Presence::kOptional)
      .Field("lines", &lines, Presence::kOptional)
      .Field("total_minor", &request.total_minor, Presence::kRequired)
      .Field("currency", &request.currency, Presence::kRequired)
      .Field("channel", &request.channel, Presence::kOptional)
      .Field("store", &request.store, Presence::kOptional)
      .Field("occurred_at", &occurred_at, Presence::kRequired)
      .Field("external_id", &request.external_id, Presence::kOptional)
      .Field("coupon_code", &request.coupon_code, Presence::kOptional)
      .Field("referral_code", &request.referral_code, Presence::kOptional);
  if (auto problem = reader.Read(body)) return problem;

  std::vector<FieldError> errors;
  request.contact_id = ContactId(contact_id);
  if (!company_id.text.empty()) {
    const std::optional<std::int64_t> id = PositiveId(company_id.text);
    if (id) {
      request.company_id = CompanyId(*id);
    } else {
      errors.push_back({"company_id", "wrong_type", "Expected a positive integer or null."});
    }
  }
  if (!lines.text.empty()) {
    if (auto problem = ReadLines(lines.text, request.lines, errors)) return problem;
  }
  if (std::optional<Timestamp> at = ReadTime(occurred_at, "occurred_at", errors)) request.occurred_at = *at;
  if (!errors.empty()) return ValidationFailedProblem(std::move(errors));
  return std::nullopt;
}

std::optional<Problem> ReadRefundRequest(std::string_view body, app::RefundRequest& request) {
  std::optional<std::string> occurred_at;
  JsonObjectReader reader;
  reader.Field("amount_minor", &request.amount_minor, Presence::kRequired)
      .Field("reason", &request.reason, Presence::kOptional)
      .Field("external_id", &request.external_id, Presence::kOptional)
      .Field("occurred_at", &occurred_at, Presence::kOptional);
  if (auto problem = reader.Read(body)) return problem;
  std::vector<FieldError> errors;
  if (occurred_at) request.occurred_at = ReadTime(*occurred_at, "occurred_at", errors);
  if (!errors.empty()) return ValidationFailedProblem(std::move(errors));
  if (request.amount_minor <= 0) {
    return UnprocessableProblem("invalid_refund", "The refund has invalid values",
                                "See errors for the fields to correct.",
                                {{"amount_minor", "invalid_value", "Expected a positive amount in minor units."}});
  }
  return std::nullopt;
}

std::optional<Problem> ReadAdjustmentRequest(std::string_view body, AdjustmentRequest& request) {
  std::int64_t points = 0;
  JsonObjectReader reader;
  reader.Field("points", &points, Presence::kRequired).Field("reason", &request.reason, Presence::kOptional);
  if (auto problem = reader.Read(body)) return problem;
  request.points = Points(points);
  std::vector<FieldError> errors;
  if (points == 0) errors.push_back({"points", "invalid_value", "Expected a non-zero number of points."});
  if (request.reason.find_first_not_of(" \t\r\n") == std::string::npos) {
    errors.push_back({"reason", "invalid_value", "Say why the points are adjusted."});
  }
  if (!errors.empty()) {
    return UnprocessableProblem("invalid_adjustment", "The adjustment has invalid values",
                                "See errors for the fields to correct.", std::move(errors));
  }
  return std::nullopt;
}

Problem UnprocessableProblem(std::string code, std::string title, std::string detail, std::vector<FieldError> errors) {
  Problem problem{.status = 422, .code = std::move(code), .title = std::move(title), .detail = std::move(detail)};
  problem.errors = std::move(errors);
  return problem;
}

std::string RuleProblemsJson(const std::vector<domain::RuleProblem>& problems) {
  JsonWriter json;
  json.StartArray();
  for (const domain::RuleProblem& problem : problems) {
    json.StartObject();
    json.Field("field", problem.field);
    json.Field("reason", problem.reason);
    json.EndObject();
  }
  json.EndArray();
  return json.Take();
}

}  // namespace rapport::http

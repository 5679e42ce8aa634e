// OpenAPI schemas of the loyalty API (JSON Schema fragments), matching the
// writers and readers of loyalty_json.h. Money is integer minor units with an
// ISO 4217 currency; points are signed integers; times are RFC 3339 UTC.
#pragma once

#include <string_view>

namespace rapport::http::schemas {

inline constexpr std::string_view kPurchaseLine =
    R"({"type":"object","required":["unit_price_minor"],"properties":{"sku":{"type":"string"},"category":{"type":"string"},"quantity":{"type":"integer","minimum":1,"default":1},"unit_price_minor":{"type":"integer","minimum":0}}})";

inline constexpr std::string_view kPurchase =
    R"({"type":"object","required":["id","contact_id","company_id","lines","total_minor","currency","channel","store","occurred_at","external_id","points_earned","rules_version","refunded_minor","points_reversed","recorded_at"],"properties":{"id":{"type":"integer"},"contact_id":{"type":"integer"},"company_id":{"type":["integer","null"]},"lines":{"type":"array","items":{"type":"object","properties":{"sku":{"type":"string"},"category":{"type":"string"},"quantity":{"type":"integer"},"unit_price_minor":{"type":"integer"}}}},"total_minor":{"type":"integer"},"currency":{"type":"string","description":"ISO 4217"},"channel":{"type":"string"},"store":{"type":"string"},"occurred_at":{"type":"string","format":"date-time"},"external_id":{"type":"string"},"points_earned":{"type":"integer"},"rules_version":{"type":"integer","description":"0: the default programme"},"refunded_minor":{"type":"integer"},"points_reversed":{"type":"integer"},"recorded_at":{"type":"string","format":"date-time"}}})";

inline constexpr std::string_view kPurchaseInput =
    R"({"type":"object","required":["contact_id","total_minor","currency","occurred_at"],"additionalProperties":false,"properties":{"contact_id":{"type":"integer"},"company_id":{"type":["integer","null"]},"lines":{"type":"array","maxItems":500,"items":{"type":"object","required":["unit_price_minor"],"additionalProperties":false,"properties":{"sku":{"type":"string"},"category":{"type":"string"},"quantity":{"type":"integer","minimum":1},"unit_price_minor":{"type":"integer","minimum":0}}}},"total_minor":{"type":"integer","minimum":0},"currency":{"type":"string","description":"ISO 4217"},"channel":{"type":"string"},"store":{"type":"string"},"occurred_at":{"type":"string","format":"date-time"},"external_id":{"type":"string","description":"The seller's id: a retry with the same content replays the first answer"}}})";

inline constexpr std::string_view kLot =
    R"({"type":"object","required":["id","points","remaining","state","earned_at","available_at","expires_at","purchase_id"],"properties":{"id":{"type":"integer"},"points":{"type":"integer"},"remaining":{"type":"integer"},"state":{"enum":["pending","available","spent","expired"]},"earned_at":{"type":"string","format":"date-time"},"available_at":{"type":"string","format":"date-time"},"expires_at":{"type":["string","null"],"format":"date-time"},"purchase_id":{"type":["integer","null"]}}})";

inline constexpr std::string_view kEarningStep =
    R"({"type":"object","required":["rule","detail","points"],"properties":{"rule":{"type":"string","description":"base, category, sku, tier, minimum_spend, channel, no_rate, cap_day, cap_month"},"detail":{"type":"string"},"points":{"type":"integer"}}})";

inline constexpr std::string_view kRefund =
    R"({"type":"object","required":["id","purchase_id","amount_minor","reason","external_id","occurred_at","points_reversed","points_written_off","recorded_at"],"properties":{"id":{"type":"integer"},"purchase_id":{"type":"integer"},"amount_minor":{"type":"integer"},"reason":{"type":"string"},"external_id":{"type":"string"},"occurred_at":{"type":"string","format":"date-time"},"points_reversed":{"type":"integer"},"points_written_off":{"type":"integer","description":"Points the refund should have taken back but the member had spent"},"recorded_at":{"type":"string","format":"date-time"}}})";

inline constexpr std::string_view kRefundInput =
    R"({"type":"object","required":["amount_minor"],"additionalProperties":false,"properties":{"amount_minor":{"type":"integer","minimum":1},"reason":{"type":"string"},"external_id":{"type":"string","description":"A retry with the same id replays the first answer"},"occurred_at":{"type":"string","format":"date-time","description":"Default: now"}}})";

inline constexpr std::string_view kLedgerTransaction =
    R"({"type":"object","required":["id","kind","occurred_at","recorded_at","points","available_change","pending_change","purchase_id","refund_id","actor","reason","explanation","entries"],"properties":{"id":{"type":"integer"},"kind":{"enum":["earn","release","redeem","redeem_cancel","expire","refund","adjust","bonus"]},"occurred_at":{"type":"string","format":"date-time"},"recorded_at":{"type":"string","format":"date-time"},"points":{"type":"integer","description":"Signed change of the member's points, available and pending"},"available_change":{"type":"integer"},"pending_change":{"type":"integer"},"purchase_id":{"type":["integer","null"]},"refund_id":{"type":["integer","null"]},"actor":{"type":"string"},"reason":{"type":"string"},"explanation":{"description":"Why: the earning steps of an earn, details of other kinds"},"entries":{"type":"array","items":{"type":"object","required":["account","points","lot_id"],"properties":{"account":{"enum":["available","pending","issued","redeemed","expired","adjustments","written_off"]},"points":{"type":"integer"},"lot_id":{"type":["integer","null"]}}}}}})";

inline constexpr std::string_view kAdjustmentInput =
    R"({"type":"object","required":["points","reason"],"additionalProperties":false,"properties":{"points":{"type":"integer","not":{"const":0},"description":"Positive credits a new lot, negative debits the oldest lots first"},"reason":{"type":"string","minLength":1,"maxLength":500}}})";

// The summary's members before "lots" (an array of kLot) and "tier".
inline constexpr std::string_view kLoyaltySummaryMembers =
    R"("contact_id":{"type":"integer"},"points_balance":{"type":"integer","description":"Available points"},"points_pending":{"type":"integer"},"earned_total":{"type":"integer"},"redeemed_total":{"type":"integer"},"expired_total":{"type":"integer"},"last_activity_at":{"type":["string","null"],"format":"date-time"},"expiring_soon":{"type":"integer","description":"Available points expiring within 30 days"},"next_expiry_at":{"type":["string","null"],"format":"date-time"},"inactivity_expiry_at":{"type":["string","null"],"format":"date-time"},"tier":{"type":"null","description":"Tiers are not configured yet"})";

inline constexpr std::string_view kEarningRules =
    R"({"type":"object","additionalProperties":false,"properties":{"rates":{"type":"array","items":{"type":"object","properties":{"currency":{"type":"string","description":"ISO 4217, or empty for any other currency"},"points":{"type":"integer"},"per_units":{"type":"integer"}}}},"category_multipliers":{"type":"array","items":{"type":"object","properties":{"key":{"type":"string"},"percent":{"type":"integer"}}}},"sku_multipliers":{"type":"array","items":{"type":"object","properties":{"key":{"type":"string"},"percent":{"type":"integer"}}}},"minimum_spend_minor":{"type":"integer"},"channels":{"type":"array","items":{"type":"string"}},"pending_days":{"type":"integer"},"cap_per_day":{"type":"integer"},"cap_per_month":{"type":"integer"},"expiry":{"type":"object","properties":{"kind":{"enum":["never","rolling_months","end_of_year","inactivity_months"]},"months":{"type":"integer"}}},"time_zone":{"type":"string","description":"IANA name"}}})";

// The rules view's members before "rules" (kEarningRules).
inline constexpr std::string_view kRulesViewMembers =
    R"("version":{"type":"integer","description":"0: the defaults, never saved"},"updated_at":{"type":["string","null"],"format":"date-time"},"updated_by":{"type":"string"})";

inline constexpr std::string_view kRulesInput =
    R"({"type":"object","required":["version","rules"],"additionalProperties":false,"properties":{"version":{"type":"integer","description":"The version the change is based on: 409 rules_changed when another was saved since"},"rules":{"type":"object","description":"Members left out keep their defaults"}}})";

inline constexpr std::string_view kLedgerCheck =
    R"({"type":"object","required":["ok","transactions","entries","issued","problems"],"properties":{"ok":{"type":"boolean"},"transactions":{"type":"integer"},"entries":{"type":"integer"},"issued":{"type":"integer","description":"The issued account's balance, negative: points given out"},"problems":{"type":"array","items":{"type":"string"}}}})";

}  // namespace rapport::http::schemas

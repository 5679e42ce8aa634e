// OpenAPI schemas of the rewards API (JSON Schema fragments), matching the
// writers and readers of reward_json.h. Points are integers; times are
// RFC 3339 UTC; a null stock is unlimited, a null limit or window end is none.
#pragma once

#include <string_view>

namespace rapport::http::schemas {

inline constexpr std::string_view kReward =
    R"({"type":"object","required":["id","name","description","kind","points_price","stock","per_customer_limit","available_from","available_until","active","created_at","updated_at"],"properties":{"id":{"type":"integer"},"name":{"type":"string"},"description":{"type":"string"},"kind":{"enum":["goods","discount"]},"points_price":{"type":"integer","minimum":1},"stock":{"type":["integer","null"],"description":"null: unlimited"},"per_customer_limit":{"type":["integer","null"],"description":"The most one member may hold in active redemptions; null: none"},"available_from":{"type":["string","null"],"format":"date-time","description":"Inclusive"},"available_until":{"type":["string","null"],"format":"date-time","description":"Exclusive"},"active":{"type":"boolean"},"created_at":{"type":"string","format":"date-time"},"updated_at":{"type":"string","format":"date-time"}}})";

// POST requires name and points_price; PATCH takes any subset, null clearing the nullable ones.
inline constexpr std::string_view kRewardInput =
    R"({"type":"object","additionalProperties":false,"properties":{"name":{"type":"string","minLength":1,"maxLength":200},"description":{"type":"string","maxLength":4000},"kind":{"enum":["goods","discount"],"default":"goods"},"points_price":{"type":"integer","minimum":1},"stock":{"type":["integer","null"],"minimum":0},"per_customer_limit":{"type":["integer","null"],"minimum":1},"available_from":{"type":["string","null"],"format":"date-time"},"available_until":{"type":["string","null"],"format":"date-time"},"active":{"type":"boolean","default":true}}})";

inline constexpr std::string_view kRedemption =
    R"({"type":"object","required":["id","reward_id","contact_id","quantity","points","state","transaction_id","cancel_transaction_id","created_at","cancelled_at","actor","external_id"],"properties":{"id":{"type":"integer"},"reward_id":{"type":"integer"},"contact_id":{"type":"integer"},"quantity":{"type":"integer"},"points":{"type":"integer","description":"points_price × quantity"},"state":{"enum":["active","cancelled"]},"transaction_id":{"type":"integer","description":"The ledger posting that spent the points"},"cancel_transaction_id":{"type":["integer","null"]},"created_at":{"type":"string","format":"date-time"},"cancelled_at":{"type":["string","null"],"format":"date-time"},"actor":{"type":"string"},"external_id":{"type":"string"}}})";

inline constexpr std::string_view kRedemptionInput =
    R"({"type":"object","required":["contact_id","reward_id"],"additionalProperties":false,"properties":{"contact_id":{"type":"integer"},"reward_id":{"type":"integer"},"quantity":{"type":"integer","minimum":1,"maximum":100,"default":1},"external_id":{"type":"string","maxLength":128,"description":"Unique per contact: a retry with the same reward and quantity replays the first answer"}}})";

}  // namespace rapport::http::schemas

// OpenAPI schemas of the programme API (JSON Schema fragments): coupons,
// referrals and the tiers overview, matching the writers and readers of
// programme_json.h. Points are integers; money is integer minor units with an
// ISO 4217 currency; times are RFC 3339 UTC.
#pragma once

#include <string_view>

namespace rapport::http::schemas {

inline constexpr std::string_view kCoupon =
    R"({"type":"object","required":["id","code","name","kind","points","percent_off","amount_off_minor","currency","contact_id","valid_from","valid_until","max_uses","max_uses_per_member","uses","active","created_at","created_by"],"properties":{"id":{"type":"integer"},"code":{"type":"string","description":"Upper-case letters, digits, '-' and '_'"},"name":{"type":"string"},"kind":{"enum":["points","percent_off","amount_off"]},"points":{"type":"integer","description":"points: the bonus credited with the purchase; else 0"},"percent_off":{"type":"integer","description":"percent_off: the discount the till applies; else 0"},"amount_off_minor":{"type":"integer","description":"amount_off: the discount in currency; else 0"},"currency":{"type":"string","description":"amount_off: ISO 4217; else empty"},"contact_id":{"type":["integer","null"],"description":"A personal coupon: only this contact may use it"},"valid_from":{"type":["string","null"],"format":"date-time","description":"Inclusive"},"valid_until":{"type":["string","null"],"format":"date-time","description":"Exclusive"},"max_uses":{"type":["integer","null"],"description":"Overall; null: unlimited"},"max_uses_per_member":{"type":"integer"},"uses":{"type":"integer"},"active":{"type":"boolean"},"created_at":{"type":"string","format":"date-time"},"created_by":{"type":"string"}}})";

inline constexpr std::string_view kCouponInput =
    R"({"type":"object","required":["name","kind"],"additionalProperties":false,"properties":{"code":{"type":["string","null"],"maxLength":40,"description":"3 to 40 letters, digits, '-' or '_', stored upper-case; empty or left out: generated"},"name":{"type":"string","minLength":1,"maxLength":200},"kind":{"enum":["points","percent_off","amount_off"]},"points":{"type":"integer","minimum":1,"description":"Required for points"},"percent_off":{"type":"integer","minimum":1,"maximum":100,"description":"Required for percent_off"},"amount_off_minor":{"type":"integer","minimum":1,"description":"Required for amount_off"},"currency":{"type":"string","description":"ISO 4217; required for amount_off only"},"contact_id":{"type":["integer","null"],"description":"A personal coupon: a personal discount"
}
, "valid_from" : {"type" : [ "string", "null" ], "format" : "date-time"},
                 "valid_until" : {"type" : [ "string", "null" ], "format" : "date-time"},
                                 "max_uses"
    : {"type" : [ "integer", "null" ], "minimum" : 1, "description" : "null: unlimited"},
      "max_uses_per_member" : {
  "type" : "integer", "minimum" : 1, "default" : 1
}
}
})";

inline constexpr std::string_view kCouponPatch =
    R"({"type":"object","additionalProperties":false,"properties":{"active":{"type":"boolean"},"valid_until":{"type":["string","null"],"format":"date-time","description":"null: open-ended"},"max_uses":{"type":["integer","null"],"minimum":1,"description":"Not below the uses made; null: unlimited"}}})";

// The members of a coupon check before "coupon" (a coupon or null).
inline constexpr std::string_view kCouponCheckMembers =
    R"("usable":{"type":"boolean"},"problem":{"type":"string","description":"Why not, when not usable; else empty"})";

inline constexpr std::string_view kReferral =
    R"({"type":"object","required":["id","referrer_id","referred_id","code","referred_at","state","purchase_id","rewarded_at"],"properties":{"id":{"type":"integer"},"referrer_id":{"type":"integer"},"referred_id":{"type":"integer"},"code":{"type":"string"},"referred_at":{"type":"string","format":"date-time"},"state":{"enum":["pending","rewarded"]},"purchase_id":{"type":["integer","null"],"description":"The purchase that earned the reward"},"rewarded_at":{"type":["string","null"],"format":"date-time"}}})";

inline constexpr std::string_view kReferralInput =
    R"({"type":"object","required":["contact_id","code"],"additionalProperties":false,"properties":{"contact_id":{"type":"integer","description":"The new member"},"code":{"type":"string","minLength":1,"maxLength":32,"description":"The referrer's code, case-insensitive"
}
}
})";

inline constexpr std::string_view kReferralCode =
    R"({"type":"object","required":["code"],"properties":{"code":{"type":"string","description":"The same code on every call"}}})";

inline constexpr std::string_view kTierDefinition =
    R"({"type":"object","required":["key","name","min_spend_minor","min_purchases","earn_percent","discount_percent","sla_class"],"properties":{"key":{"type":"string"},"name":{"type":"string"},"min_spend_minor":{"type":"integer","minimum":0},"min_purchases":{"type":"integer","minimum":0},"earn_percent":{"type":"integer","minimum":100,"description":"The earning multiplier"},"discount_percent":{"type":"integer","minimum":0,"maximum":100},"sla_class":{"type":"string"}}})";

// The rules' "tiers" object, before its "tiers" array (of kTierDefinition).
inline constexpr std::string_view kTierProgrammeMembers =
    R"("qualification":{"enum":["spend","purchases","spend_or_purchases","spend_and_purchases"]},"currency":{"type":"string","description":"ISO 4217: spend in other currencies does not count"},"window_months":{"type":"integer","minimum":1,"maximum":60,"description":"The rolling qualification window"},"period_months":{"type":"integer","minimum":1,"maximum":60,"description":"How long a tier is held before a review"},"grace_days":{"type":"integer","minimum":0,"maximum":365})";

inline constexpr std::string_view kTierCount =
    R"({"type":"object","required":["tier_key","members"],"properties":{"tier_key":{"type":"string"},"members":{"type":"integer"}}})";

}  // namespace rapport::http::schemas

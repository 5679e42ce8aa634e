// The JSON form of the programme's earning rules: how they are stored
// (loyalty_rules.rules_json) and how the API shows and takes them.
//
//   {"rates": [{"currency": "", "points": 1, "per_units": 1}],
//    "category_multipliers": [{"key": "shoes", "percent": 200}],
//    "sku_multipliers": [], "minimum_spend_minor": 0, "channels": [],
//    "pending_days": 0, "cap_per_day": 0, "cap_per_month": 0,
//    "expiry": {"kind": "never", "months": 0}, "time_zone": "UTC",
//    "tiers": {"tiers": [{"key": "gold", "name": "Gold", "min_spend_minor": 50000,
//                         "min_purchases": 0, "earn_percent": 150,
//                         "discount_percent": 5, "sla_class": "priority"}],
//              "qualification": "spend", "currency": "EUR",
//              "window_months": 12, "period_months": 12, "grace_days": 0},
//    "promotions": [{"key": "summer", "name": "Summer", "starts_at":
//                    "2026-06-01T00:00:00.000000Z", "ends_at": "2026-09-01T00:00:00.000000Z",
//                    "category": "", "channel": "", "percent": 200, "bonus_points": 0}],
//    "bonuses": {"welcome": 0, "birthday": 0, "referral_referrer": 0,
//                "referral_referred": 0, "referral_minimum_minor": 0,
//                "referral_deadline_days": 30, "referral_limit": 0}}
//
// Every member is optional when reading: a missing one keeps the default of
// domain::EarningRules, so rules stored before tiers, promotions and bonuses
// existed read as a programme without them. Unknown members are refused, so a
// typo never passes silently. Times are RFC 3339 strings (read with any
// offset, written in UTC). Writing always writes every member, in this order.
//
// Thread safety: pure functions.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "rapport/base/status.h"
#include "rapport/domain/loyalty.h"

namespace rapport::app {

std::string EarningRulesToJson(const domain::EarningRules& rules);

// kInvalidArgument for text that is not such an object; the members' types
// and unknown members are reported in `problems` (field paths as in
// domain::ValidateEarningRules: "rates[1].points"), values are not checked
// here (domain::ValidateEarningRules does that).
Result<domain::EarningRules> EarningRulesFromJson(std::string_view json, std::vector<domain::RuleProblem>& problems);

}  // namespace rapport::app

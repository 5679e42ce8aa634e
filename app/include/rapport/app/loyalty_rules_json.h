// The JSON form of the programme's earning rules: how they are stored
// (loyalty_rules.rules_json) and how the API shows and takes them.
//
//   {"rates": [{"currency": "", "points": 1, "per_units": 1}],
//    "category_multipliers": [{"key": "shoes", "percent": 200}],
//    "sku_multipliers": [], "minimum_spend_minor": 0, "channels": [],
//    "pending_days": 0, "cap_per_day": 0, "cap_per_month": 0,
//    "expiry": {"kind": "never", "months": 0}, "time_zone": "UTC"}
//
// Every member is optional when reading: a missing one keeps the default of
// domain::EarningRules. Unknown members are refused, so a typo never passes
// silently. Writing always writes every member, in this order.
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

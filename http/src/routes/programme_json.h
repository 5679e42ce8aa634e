// JSON of the programme API: coupons, referrals and the tiers overview as the
// API writes them, and the request bodies it reads (a coupon to create or
// patch, a referral). Field names match programme_schemas.h.
//
// Readers turn a malformed body (not JSON, wrong types, unknown or duplicated
// members) into the 400 problem of json.h; values are judged by
// app::ProgrammeService (422 with field errors).
//
// Thread safety: free functions over caller-owned values.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "json.h"
#include "problem.h"

#include "rapport/app/programme_service.h"

namespace rapport::http {

void WriteCoupon(JsonWriter& json, const app::Coupon& coupon);
void WriteReferral(JsonWriter& json, const app::Referral& referral);
// The programme's "tiers" object, as in the rules (app/loyalty_rules_json.h).
void WriteTierProgramme(JsonWriter& json, const domain::TierProgramme& programme);
// {"programme": <tiers object>, "members": [{"tier_key", "members"}]}
void WriteTierOverview(JsonWriter& json, const app::TierOverview& overview);
// {"code", "referred_by", "referrals", "next", "rewarded"}
void WriteReferralGraph(JsonWriter& json, const app::ReferralGraph& graph);
// {"usable", "problem", "coupon"}
void WriteCouponCheck(JsonWriter& json, const app::CouponCheck& check);

// POST /api/v1/coupons: name and kind are required; the rest keeps the
// draft's defaults when absent (null for the nullable members).
std::optional<Problem> ReadCouponDraft(std::string_view body, app::CouponDraft& draft);

// PATCH /api/v1/coupons/{id}: each member is either left out (nullopt) or
// given; for valid_until and max_uses an explicit null is kept as "none".
struct CouponPatch {
  std::optional<bool> active{};
  std::optional<std::optional<Timestamp>> valid_until{};
  std::optional<std::optional<std::int64_t>> max_uses{};
};
std::optional<Problem> ReadCouponPatch(std::string_view body, CouponPatch& patch);

// POST /api/v1/referrals.
struct ReferralRequest {
  ContactId contact_id{};
  std::string code{};
};
std::optional<Problem> ReadReferralRequest(std::string_view body, ReferralRequest& request);

}  // namespace rapport::http

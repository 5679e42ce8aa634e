// What recording a purchase does beyond its own earning, inside the same
// transaction (LoyaltyService::RecordPurchase): the member's tier multiplier
// before earning; then the coupon it presents, the referral it names, the
// welcome and referral bonuses and a tier upgrade after it is written.
//
// Two steps, so that every check that can refuse the request runs before
// anything is written: PrepareExtras reads and checks (field errors for a bad
// coupon or referral code), ApplyExtras writes.
//
// Thread safety: free functions run inside a write body.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <date/tz.h>

#include "rapport/app/loyalty_service.h"
#include "rapport/app/store.h"
#include "rapport/domain/loyalty.h"

namespace rapport::app {

// A coupon or referral code as stored: trimmed, ASCII letters upper-cased.
std::string NormaliseCode(std::string_view code);

// Why `contact` cannot use the coupon on a purchase in `currency` at `at`,
// having used it `used_by_member` times; "" when they can.
std::string CouponProblem(const Coupon& coupon, ContactId contact, std::string_view currency, Timestamp at,
                          std::int64_t used_by_member);

struct PurchaseExtrasContext {
  WriteTransaction& transaction;
  const domain::EarningRules& rules;
  const date::time_zone& zone;
  Timestamp now;
  const std::string& actor;
};

struct PreparedExtras {
  std::optional<MemberTier> tier{};                 // the member's status before the purchase
  const domain::TierDefinition* tier_definition{};  // its tier in the rules, or null
  bool first_purchase = false;     // the member had no purchase before (read when a welcome bonus or referral needs it)
  std::optional<Coupon> coupon{};  // checked, not yet used
  std::optional<ContactId> referrer{};  // a new referral to record
};

// Reads what the extras need and checks the request's codes; a problem is
// appended to `errors` (fields "coupon_code", "referral_code") and the
// result is kInvalidArgument.
Result<PreparedExtras> PrepareExtras(PurchaseExtrasContext& context, const PurchaseRequest& request,
                                     std::vector<LoyaltyFieldError>& errors);

// After the purchase is written: uses the coupon, records the referral, pays
// the welcome, coupon and referral bonuses, upgrades the tier; fills the
// RecordedPurchase's bonuses, coupon and tier. kInvalidArgument with an
// error on "coupon_code" when the coupon was used up in between.
Status ApplyExtras(PurchaseExtrasContext& context, const PreparedExtras& prepared, const Purchase& purchase,
                   RecordedPurchase& recorded, std::vector<LoyaltyFieldError>& errors);

// The member's tier summary for the card; nullopt without tiers.
Result<std::optional<TierSummary>> SummariseTier(ReadTransaction& transaction, const domain::EarningRules& rules,
                                                 const date::time_zone& zone, ContactId contact, Timestamp now);

// After a merge moved `merged`'s purchases to `survivor`: the survivor keeps
// the higher of the two members' tiers (with that status's review dates) and
// is upgraded at once when their purchases together qualify for more. A merge
// undone later takes nothing back: the next review decides, as after a
// refund. No-op without tiers.
Status ReviewTierAfterMerge(WriteTransaction& transaction, const domain::EarningRules& rules,
                            const date::time_zone& zone, ContactId survivor, ContactId merged, Timestamp now,
                            const std::string& actor);

// Writes a tier change and its "tier_changed" contact event.
Status RecordTierChange(WriteTransaction& transaction, ContactId contact, const std::string& from,
                        const domain::TierDecision& decision, Timestamp at, const std::string& actor);

}  // namespace rapport::app

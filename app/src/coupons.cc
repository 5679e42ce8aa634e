// The names of the coupons port's enums (app/coupons.h), as the store and the
// API spell them.
#include "rapport/app/coupons.h"

namespace rapport::app {

std::string_view CouponKindName(CouponKind kind) {
  switch (kind) {
    case CouponKind::kPoints: return "points";
    case CouponKind::kPercentOff: return "percent_off";
    case CouponKind::kAmountOff: return "amount_off";
  }
  return "points";
}

std::optional<CouponKind> ParseCouponKind(std::string_view name) {
  if (name == "points") return CouponKind::kPoints;
  if (name == "percent_off") return CouponKind::kPercentOff;
  if (name == "amount_off") return CouponKind::kAmountOff;
  return std::nullopt;
}

}  // namespace rapport::app

// The names of the referrals port's enums (app/referrals.h), as the store and
// the API spell them.
#include "rapport/app/referrals.h"

namespace rapport::app {

std::string_view ReferralStateName(ReferralState state) {
  switch (state) {
    case ReferralState::kPending: return "pending";
    case ReferralState::kRewarded: return "rewarded";
  }
  return "pending";
}

std::optional<ReferralState> ParseReferralState(std::string_view name) {
  if (name == "pending") return ReferralState::kPending;
  if (name == "rewarded") return ReferralState::kRewarded;
  return std::nullopt;
}

}  // namespace rapport::app

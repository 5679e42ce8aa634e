// The names of the rewards port's enums (app/rewards.h), as the store and the
// API spell them.
#include "rapport/app/rewards.h"

namespace rapport::app {

std::string_view RewardKindName(RewardKind kind) {
  switch (kind) {
    case RewardKind::kGoods: return "goods";
    case RewardKind::kDiscount: return "discount";
  }
  return "goods";
}

std::optional<RewardKind> ParseRewardKind(std::string_view name) {
  if (name == "goods") return RewardKind::kGoods;
  if (name == "discount") return RewardKind::kDiscount;
  return std::nullopt;
}

std::string_view RedemptionStateName(RedemptionState state) {
  switch (state) {
    case RedemptionState::kActive: return "active";
    case RedemptionState::kCancelled: return "cancelled";
  }
  return "active";
}

std::optional<RedemptionState> ParseRedemptionState(std::string_view name) {
  if (name == "active") return RedemptionState::kActive;
  if (name == "cancelled") return RedemptionState::kCancelled;
  return std::nullopt;
}

}  // namespace rapport::app

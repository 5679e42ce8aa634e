// JSON of the rewards API: rewards and redemptions as the API writes them,
// and the request bodies it reads (a reward to create or patch, a redemption).
// Field names match reward_schemas.h.
//
// Thread safety: free functions over caller-owned values.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "json.h"
#include "problem.h"

#include "rapport/app/reward_service.h"

namespace rapport::http {

void WriteReward(JsonWriter& json, const app::Reward& reward);
void WriteRedemption(JsonWriter& json, const app::Redemption& redemption);
// {"redemption": ..., "reward": ..., "points_balance": N}
std::string RedemptionResponseJson(const app::RedemptionView& view);

// A reward body: every field optional here (the caller checks what POST
// requires); for the nullable fields an explicit null is kept as a clear.
// nullopt on success, else the 400 problem.
std::optional<Problem> ReadRewardPatch(std::string_view body, app::RewardPatch& patch);
std::optional<Problem> ReadRedemptionRequest(std::string_view body, app::RedemptionRequest& request);

}  // namespace rapport::http

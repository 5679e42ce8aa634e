// The planning of one purchase's earning, shared by LoyaltyService::
// RecordPurchase and PurchaseImporter so that both apply the programme's
// rules identically: the request's checks, the earning input (the member's
// tier multiplier, the earlier earnings the caps count), the earning itself
// (domain::CalculateEarning), and the earn posting — its lot pending until
// the return window ends (AvailableAt) and expiring by the policy (LotExpiry),
// its explanation (the steps as JSON).
//
// Thread safety: pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <date/tz.h>

#include "rapport/app/loyalty.h"
#include "rapport/app/loyalty_service.h"
#include "rapport/domain/loyalty.h"
#include "rapport/domain/loyalty_programme.h"

namespace rapport::app {

// The field errors of a purchase request, before anything is read.
std::vector<LoyaltyFieldError> CheckPurchaseRequest(const PurchaseRequest& request, Timestamp now);

// Whether a stored purchase is the request again (a retry with its external id).
bool SameContent(const Purchase& stored, const PurchaseRequest& request);

// The earn posting's explanation: {"rules_version":N,"steps":[{rule,detail,points}...]}.
std::string StepsJson(const domain::Earning& earning, std::int64_t rules_version);

struct EarningContext {
  const domain::EarningRules& rules;
  std::int64_t rules_version = 0;
  const date::time_zone& zone;
  Timestamp now{};
};

// The member's earnings (earn postings) the caps count for a purchase at
// `at`: those occurring in [StartOfLocalDay(at), at] and [StartOfLocalMonth(at), at].
struct EarlierEarnings {
  Points same_day{0};
  Points same_month{0};
};

struct EarningPlan {
  domain::Earning earning{};
  bool pending = false;  // the lot waits for the return window
  Timestamp available_at{};
  std::optional<Timestamp> expires_at{};
  std::string explanation_json{};
};

// What the purchase earns for a member at `tier` (null: none) who earned
// `earlier` before it.
EarningPlan PlanEarning(const EarningContext& context, const PurchaseRequest& request,
                        const domain::TierDefinition* tier, const EarlierEarnings& earlier);

// The earn posting of a planned purchase with points, once it has an id.
NewLedgerTransaction EarnPosting(const EarningPlan& plan, const PurchaseRequest& request, PurchaseId purchase,
                                 const std::string& actor);

}  // namespace rapport::app

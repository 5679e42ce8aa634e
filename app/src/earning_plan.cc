// See earning_plan.h.
#include "earning_plan.h"

#include <chrono>
#include <utility>

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "rapport/app/coupons.h"
#include "rapport/app/referrals.h"
#include "rapport/base/limits.h"

namespace rapport::app {
namespace {

constexpr std::size_t kPurchaseTextBytesMax = 128;  // channel, store, external id, line SKU and category
constexpr auto kFutureTolerance = std::chrono::hours(24);

}  // namespace

std::vector<LoyaltyFieldError> CheckPurchaseRequest(const PurchaseRequest& request, Timestamp now) {
  std::vector<LoyaltyFieldError> errors;
  const auto fail = [&](std::string field, std::string reason) {
    errors.push_back({std::move(field), std::move(reason)});
  };
  const auto check_text = [&](const std::string& field, const std::string& text) {
    if (text.size() > kPurchaseTextBytesMax) {
      fail(field, "is longer than " + std::to_string(kPurchaseTextBytesMax) + " bytes");
    }
  };
  if (!request.contact_id.valid()) fail("contact_id", "is required");
  if (!Currency::FromCode(request.currency).ok()) fail("currency", "is not an ISO 4217 currency code");
  if (request.total_minor < 0 || request.total_minor > kPurchaseTotalMinorMax) {
    fail("total_minor", "must be between 0 and " + std::to_string(kPurchaseTotalMinorMax));
  }
  if (request.occurred_at > now + kFutureTolerance) fail("occurred_at", "is more than a day in the future");
  check_text("channel", request.channel);
  check_text("store", request.store);
  check_text("external_id", request.external_id);
  if (request.coupon_code.size() > kCouponCodeBytesMax) {
    fail("coupon_code", "is longer than " + std::to_string(kCouponCodeBytesMax) + " bytes");
  }
  if (request.referral_code.size() > kReferralCodeBytesMax) {
    fail("referral_code", "is longer than " + std::to_string(kReferralCodeBytesMax) + " bytes");
  }
  if (request.lines.size() > kPurchaseLinesMax) {
    fail("lines", "has more than " + std::to_string(kPurchaseLinesMax) + " lines");
    return errors;
  }
  for (std::size_t i = 0; i < request.lines.size(); ++i) {
    const domain::PurchaseLine& line = request.lines[i];
    const std::string prefix = "lines[" + std::to_string(i) + "].";
    if (line.quantity < 1 || line.quantity > 1'000'000) fail(prefix + "quantity", "must be between 1 and 1000000");
    if (line.unit_price_minor < 0 || line.unit_price_minor > kPurchaseTotalMinorMax) {
      fail(prefix + "unit_price_minor", "must be between 0 and " + std::to_string(kPurchaseTotalMinorMax));
    }
    check_text(prefix + "sku", line.sku);
    check_text(prefix + "category", line.category);
  }
  return errors;
}

bool SameContent(const Purchase& stored, const PurchaseRequest& request) {
  return stored.contact_id == request.contact_id && stored.company_id == request.company_id &&
         stored.lines == request.lines && stored.total_minor == request.total_minor &&
         stored.currency == request.currency && stored.channel == request.channel && stored.store == request.store &&
         stored.occurred_at == request.occurred_at;
}

std::string StepsJson(const domain::Earning& earning, std::int64_t rules_version) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  writer.StartObject();
  writer.Key("rules_version");
  writer.Int64(rules_version);
  writer.Key("steps");
  writer.StartArray();
  for (const domain::EarningStep& step : earning.steps) {
    writer.StartObject();
    writer.Key("rule");
    writer.String(step.rule.c_str(), static_cast<rapidjson::SizeType>(step.rule.size()));
    writer.Key("detail");
    writer.String(step.detail.c_str(), static_cast<rapidjson::SizeType>(step.detail.size()));
    writer.Key("points");
    writer.Int64(step.points.count());
    writer.EndObject();
  }
  writer.EndArray();
  writer.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

EarningPlan PlanEarning(const EarningContext& context, const PurchaseRequest& request,
                        const domain::TierDefinition* tier, const EarlierEarnings& earlier) {
  domain::EarningInput input{.total_minor = request.total_minor,
                             .currency = Currency::FromCode(request.currency).value(),
                             .channel = request.channel,
                             .occurred_at = request.occurred_at,
                             .lines = request.lines};
  if (tier != nullptr) {
    input.tier_percent = tier->earn_percent;
    input.tier_name = tier->name;
  }
  input.earned_same_day = earlier.same_day;
  input.earned_same_month = earlier.same_month;
  EarningPlan plan;
  plan.earning = domain::CalculateEarning(input, context.rules);
  if (plan.earning.points.zero()) return plan;
  plan.available_at = domain::AvailableAt(request.occurred_at, context.rules.pending_days, context.zone);
  plan.pending = plan.available_at > context.now;
  plan.expires_at = domain::LotExpiry(request.occurred_at, context.rules.expiry, context.zone);
  plan.explanation_json = StepsJson(plan.earning, context.rules_version);
  return plan;
}

NewLedgerTransaction EarnPosting(const EarningPlan& plan, const PurchaseRequest& request, PurchaseId purchase,
                                 const std::string& actor) {
  NewLedgerTransaction posting{.kind = LedgerKind::kEarn,
                               .contact_id = request.contact_id,
                               .purchase_id = purchase,
                               .occurred_at = request.occurred_at,
                               .actor = actor,
                               .explanation_json = plan.explanation_json,
                               .activity_at = request.occurred_at};
  posting.lots.push_back(NewLot{.points = plan.earning.points,
                                .state = plan.pending ? LotState::kPending : LotState::kAvailable,
                                .earned_at = request.occurred_at,
                                .available_at = plan.available_at,
                                .expires_at = plan.expires_at,
                                .purchase_id = purchase});
  posting.entries.push_back({.account = LedgerAccount::kIssued, .points = -plan.earning.points});
  posting.entries.push_back({.account = plan.pending ? LedgerAccount::kPending : LedgerAccount::kAvailable,
                             .points = plan.earning.points,
                             .new_lot = 0});
  return posting;
}

}  // namespace rapport::app

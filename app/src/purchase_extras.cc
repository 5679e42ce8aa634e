// See purchase_extras.h. The domain decides (domain/loyalty_programme.h: tiers,
// referral deadlines); this file reads what it needs and writes the outcome.
#include "purchase_extras.h"

#include <chrono>
#include <utility>

#include "json_builder.h"
#include "loyalty_support.h"
#include "relationship_support.h"

#include "rapport/domain/loyalty_programme.h"

namespace rapport::app {
namespace {

void Refuse(std::vector<LoyaltyFieldError>& errors, std::string field, std::string reason) {
  errors.push_back({std::move(field), std::move(reason)});
}

Status Invalid() { return InvalidArgument("the purchase has invalid fields"); }

std::string Day(Timestamp at) { return FormatRfc3339(at).substr(0, 10); }

// The instant purchase-linked bonuses become available: the programme's
// pending window, as for the purchase's own points.
Timestamp BonusAvailableAt(const PurchaseExtrasContext& context, const Purchase& purchase) {
  return domain::AvailableAt(purchase.occurred_at, context.rules.pending_days, context.zone);
}

Status Pay(PurchaseExtrasContext& context, const Purchase& purchase, RecordedPurchase& recorded, ContactId contact,
           Points points, std::string kind, std::string key, std::string detail) {
  if (points.count() <= 0) return Status::Ok();
  RAPPORT_ASSIGN_OR_RETURN(std::optional<BonusAward> paid, context.transaction.Tiers().GetBonusAward(contact, key));
  if (paid) return Status::Ok();
  RAPPORT_ASSIGN_OR_RETURN(const std::int64_t transaction_id,
                           CreditBonus(context.transaction,
                                       BonusCredit{.contact = contact,
                                                   .points = points,
                                                   .key = std::move(key),
                                                   .kind = kind == "referrer" ? "referral" : kind,
                                                   .detail = std::move(detail),
                                                   .earned_at = purchase.occurred_at,
                                                   .available_at = BonusAvailableAt(context, purchase),
                                                   .purchase_id = purchase.id},
                                       context.rules, context.zone, context.now, context.actor));
  recorded.bonuses.push_back(
      {.kind = std::move(kind), .contact_id = contact, .points = points, .transaction_id = transaction_id});
  return Status::Ok();
}

Status ApplyCoupon(PurchaseExtrasContext& context, const Coupon& checked, const Purchase& purchase,
                   RecordedPurchase& recorded, std::vector<LoyaltyFieldError>& errors) {
  WriteTransaction& transaction = context.transaction;
  RAPPORT_ASSIGN_OR_RETURN(const bool taken, transaction.CouponsOut().TakeCouponUse(checked.id));
  if (!taken) {
    Refuse(errors, "coupon_code", "coupon " + checked.code + " has been used up");
    return Invalid();
  }
  CouponUse use{.coupon_id = checked.id, .contact_id = purchase.contact_id, .purchase_id = purchase.id};
  RAPPORT_ASSIGN_OR_RETURN(use.id, transaction.CouponsOut().InsertCouponUse(use));
  if (checked.kind == CouponKind::kPoints) {
    RAPPORT_RETURN_IF_ERROR(Pay(context, purchase, recorded, purchase.contact_id, checked.points, "coupon",
                                "coupon:" + std::to_string(use.id), "coupon " + checked.code));
  }
  RAPPORT_ASSIGN_OR_RETURN(std::optional<Coupon> after, transaction.Coupons().GetCoupon(checked.id));
  if (!after) return Internal("coupon " + std::to_string(checked.id) + " vanished while used");
  recorded.coupon = AppliedCoupon{.coupon = std::move(*after), .use_id = use.id};
  return AppendContactEvent(transaction, "coupon_used", purchase.contact_id, purchase.occurred_at, context.actor,
                            JsonBuilder()
                                .Add("coupon_id", checked.id)
                                .Add("code", checked.code)
                                .Add("kind", CouponKindName(checked.kind))
                                .Add("purchase_id", purchase.id.value())
                                .Take());
}

// The live contact `id` was merged into, following merges; `id` itself when live.
Result<ContactId> SurvivorOf(RelationshipsReader& relationships, ContactId id) {
  constexpr int kMergeHopsMax = 64;
  for (int hop = 0; hop < kMergeHopsMax; ++hop) {
    RAPPORT_ASSIGN_OR_RETURN(const std::optional<Contact> contact, relationships.GetContact(id));
    if (!contact || !contact->merged_into) return id;
    id = *contact->merged_into;
  }
  return FailedPrecondition("contact " + std::to_string(id.value()) + " is at the end of over " +
                            std::to_string(kMergeHopsMax) + " merges");
}

Status ApplyReferral(PurchaseExtrasContext& context, const PreparedExtras& prepared, const Purchase& purchase,
                     RecordedPurchase& recorded) {
  WriteTransaction& transaction = context.transaction;
  if (prepared.referrer) {
    RAPPORT_ASSIGN_OR_RETURN(std::optional<std::string> code,
                             transaction.Referrals().GetReferralCode(*prepared.referrer));
    const Referral referral{.referrer_id = *prepared.referrer,
                            .referred_id = purchase.contact_id,
                            .code = code.value_or(""),
                            .referred_at = purchase.occurred_at,
                            .actor = context.actor};
    RAPPORT_ASSIGN_OR_RETURN(const std::int64_t id, transaction.ReferralsOut().InsertReferral(referral));
    RAPPORT_RETURN_IF_ERROR(
        AppendContactEvent(transaction, "referred", purchase.contact_id, purchase.occurred_at, context.actor,
                           JsonBuilder().Add("referral_id", id).Add("referrer_id", prepared.referrer->value()).Take()));
  }
  RAPPORT_ASSIGN_OR_RETURN(std::optional<Referral> referral,
                           transaction.Referrals().GetReferralOf(purchase.contact_id));
  if (!referral || referral->state != ReferralState::kPending) return Status::Ok();
  const domain::BonusRules& bonuses = context.rules.bonuses;
  if (!domain::ReferralQualifies(referral->referred_at, purchase.occurred_at, purchase.total_minor, bonuses,
                                 context.zone)) {
    return Status::Ok();
  }
  RAPPORT_ASSIGN_OR_RETURN(const std::int64_t rewarded_before,
                           transaction.Referrals().CountRewardedReferrals(referral->referrer_id));
  RAPPORT_RETURN_IF_ERROR(transaction.ReferralsOut().MarkReferralRewarded(referral->id, purchase.id, context.now));
  const std::string key = "referral:" + std::to_string(referral->id);
  RAPPORT_RETURN_IF_ERROR(Pay(context, purchase, recorded, purchase.contact_id, bonuses.referral_referred, "referral",
                              key, "referred by contact " + std::to_string(referral->referrer_id.value())));
  const bool under_limit = bonuses.referral_limit == 0 || rewarded_before < bonuses.referral_limit;
  Result<Contact> referrer = LiveContact(transaction.Relationships(), referral->referrer_id);
  if (under_limit && referrer.ok()) {
    RAPPORT_RETURN_IF_ERROR(Pay(context, purchase, recorded, referral->referrer_id, bonuses.referral_referrer,
                                "referrer", key, "referral of contact " + std::to_string(purchase.contact_id.value())));
  }
  return Status::Ok();
}

Status ApplyTier(PurchaseExtrasContext& context, const PreparedExtras& prepared, const Purchase& purchase,
                 RecordedPurchase& recorded) {
  const domain::TierProgramme& tiers = context.rules.tiers;
  if (tiers.tiers.empty()) return Status::Ok();
  const domain::TierStatus before = prepared.tier ? prepared.tier->status : domain::TierStatus{};
  RAPPORT_ASSIGN_OR_RETURN(
      const domain::TierQualifier qualifier,
      context.transaction.Tiers().Qualifier(purchase.contact_id, tiers.currency,
                                            domain::TierWindowStart(purchase.occurred_at, tiers, context.zone),
                                            purchase.occurred_at + Microseconds(1)));
  const domain::TierDecision decision =
      domain::TierAfterPurchase(before, tiers, qualifier, purchase.occurred_at, context.zone);
  if (decision.change == domain::TierChange::kNone) return Status::Ok();
  RAPPORT_RETURN_IF_ERROR(RecordTierChange(context.transaction, purchase.contact_id, before.tier_key, decision,
                                           purchase.occurred_at, context.actor));
  recorded.tier = TierMove{
      .change = decision.change, .from = before.tier_key, .to = decision.status.tier_key, .status = decision.status};
  return Status::Ok();
}

}  // namespace

std::string CouponProblem(const Coupon& coupon, ContactId contact, std::string_view currency, Timestamp at,
                          std::int64_t used_by_member) {
  if (!coupon.active) return "coupon " + coupon.code + " is no longer active";
  if (coupon.valid_from && at < *coupon.valid_from) {
    return "coupon " + coupon.code + " is valid from " + Day(*coupon.valid_from);
  }
  if (coupon.valid_until && at >= *coupon.valid_until) {
    return "coupon " + coupon.code + " expired on " + Day(*coupon.valid_until);
  }
  if (coupon.contact_id && *coupon.contact_id != contact) return "coupon " + coupon.code + " belongs to another member";
  if (coupon.kind == CouponKind::kAmountOff && coupon.currency != currency) {
    return "coupon " + coupon.code + " is for purchases in " + coupon.currency;
  }
  if (used_by_member >= coupon.max_uses_per_member) {
    return "coupon " + coupon.code + " was already used " + std::to_string(used_by_member) + " of " +
           std::to_string(coupon.max_uses_per_member) + " times by this member";
  }
  if (coupon.max_uses && coupon.uses >= *coupon.max_uses) return "coupon " + coupon.code + " has been used up";
  return {};
}

std::string NormaliseCode(std::string_view code) {
  while (!code.empty() && (code.front() == ' ' || code.front() == '\t')) code.remove_prefix(1);
  while (!code.empty() && (code.back() == ' ' || code.back() == '\t')) code.remove_suffix(1);
  std::string normal(code);
  for (char& c : normal) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return normal;
}

Result<PreparedExtras> PrepareExtras(PurchaseExtrasContext& context, const PurchaseRequest& request,
                                     std::vector<LoyaltyFieldError>& errors) {
  WriteTransaction& transaction = context.transaction;
  PreparedExtras prepared;
  if (!context.rules.tiers.tiers.empty()) {
    RAPPORT_ASSIGN_OR_RETURN(prepared.tier, transaction.Tiers().GetMemberTier(request.contact_id));
    if (prepared.tier) {
      prepared.tier_definition = domain::FindTier(context.rules.tiers, prepared.tier->status.tier_key);
    }
  }
  if (context.rules.bonuses.welcome.count() > 0 || !request.referral_code.empty()) {
    RAPPORT_ASSIGN_OR_RETURN(const std::vector<Purchase> earlier,
                             transaction.Loyalty().ListPurchases(request.contact_id, std::nullopt, 1));
    prepared.first_purchase = earlier.empty();
  }

  if (!request.coupon_code.empty()) {
    const std::string code = NormaliseCode(request.coupon_code);
    RAPPORT_ASSIGN_OR_RETURN(std::optional<Coupon> coupon, transaction.Coupons().FindCouponByCode(code));
    if (!coupon) {
      Refuse(errors, "coupon_code", "no coupon " + code);
    } else {
      RAPPORT_ASSIGN_OR_RETURN(const std::int64_t used,
                               transaction.Coupons().CountCouponUses(coupon->id, request.contact_id));
      if (std::string problem = CouponProblem(*coupon, request.contact_id, request.currency, request.occurred_at, used);
          !problem.empty()) {
        Refuse(errors, "coupon_code", std::move(problem));
      } else {
        prepared.coupon = std::move(coupon);
      }
    }
  }
  if (!request.referral_code.empty()) {
    const std::string code = NormaliseCode(request.referral_code);
    RAPPORT_ASSIGN_OR_RETURN(std::optional<ContactId> referrer, transaction.Referrals().FindReferrerByCode(code));
    // A code kept by a card merged into another (the survivor had its own) brings members to the survivor.
    if (referrer) {
      RAPPORT_ASSIGN_OR_RETURN(referrer, SurvivorOf(transaction.Relationships(), *referrer));
    }
    RAPPORT_ASSIGN_OR_RETURN(std::optional<Referral> existing,
                             transaction.Referrals().GetReferralOf(request.contact_id));
    if (!referrer) {
      Refuse(errors, "referral_code", "no referral code " + code);
    } else if (*referrer == request.contact_id) {
      Refuse(errors, "referral_code", "is the member's own referral code");
    } else if (existing) {
      if (existing->referrer_id != *referrer) {
        Refuse(errors, "referral_code",
               "the member was already referred by contact " + std::to_string(existing->referrer_id.value()));
      }
    } else if (!prepared.first_purchase) {
      Refuse(errors, "referral_code", "a referral code counts only with a member's first purchase");
    } else {
      prepared.referrer = *referrer;
    }
  }
  if (!errors.empty()) return Invalid();
  return prepared;
}

Status ApplyExtras(PurchaseExtrasContext& context, const PreparedExtras& prepared, const Purchase& purchase,
                   RecordedPurchase& recorded, std::vector<LoyaltyFieldError>& errors) {
  if (prepared.coupon) RAPPORT_RETURN_IF_ERROR(ApplyCoupon(context, *prepared.coupon, purchase, recorded, errors));
  if (prepared.first_purchase) {
    RAPPORT_RETURN_IF_ERROR(Pay(context, purchase, recorded, purchase.contact_id, context.rules.bonuses.welcome,
                                "welcome", "welcome", "welcome bonus"));
  }
  RAPPORT_RETURN_IF_ERROR(ApplyReferral(context, prepared, purchase, recorded));
  return ApplyTier(context, prepared, purchase, recorded);
}

Result<std::optional<TierSummary>> SummariseTier(ReadTransaction& transaction, const domain::EarningRules& rules,
                                                 const date::time_zone& zone, ContactId contact, Timestamp now) {
  const domain::TierProgramme& tiers = rules.tiers;
  if (tiers.tiers.empty()) return std::optional<TierSummary>();
  TierSummary summary{.currency = tiers.currency, .window_months = tiers.window_months};
  RAPPORT_ASSIGN_OR_RETURN(std::optional<MemberTier> member, transaction.Tiers().GetMemberTier(contact));
  if (member) summary.status = member->status;
  RAPPORT_ASSIGN_OR_RETURN(
      const domain::TierQualifier qualifier,
      transaction.Tiers().Qualifier(contact, tiers.currency, domain::TierWindowStart(now, tiers, zone),
                                    now + Microseconds(1)));
  summary.progress = domain::ComputeTierProgress(summary.status, tiers, qualifier);
  if (summary.progress.current) summary.current = tiers.tiers[*summary.progress.current];
  if (summary.progress.next) summary.next = tiers.tiers[*summary.progress.next];
  return std::optional<TierSummary>(std::move(summary));
}

Status ReviewTierAfterMerge(WriteTransaction& transaction, const domain::EarningRules& rules,
                            const date::time_zone& zone, ContactId survivor, ContactId merged, Timestamp now,
                            const std::string& actor) {
  const domain::TierProgramme& tiers = rules.tiers;
  if (tiers.tiers.empty()) return Status::Ok();
  // A tier's rank in the programme (lowest first); -1 for none or a tier it no longer has.
  const auto rank = [&tiers](const std::optional<MemberTier>& member) -> std::ptrdiff_t {
    const domain::TierDefinition* tier = member ? domain::FindTier(tiers, member->status.tier_key) : nullptr;
    return tier == nullptr ? -1 : tier - tiers.tiers.data();
  };
  RAPPORT_ASSIGN_OR_RETURN(const std::optional<MemberTier> kept, transaction.Tiers().GetMemberTier(survivor));
  RAPPORT_ASSIGN_OR_RETURN(const std::optional<MemberTier> taken, transaction.Tiers().GetMemberTier(merged));
  const domain::TierStatus before = kept ? kept->status : domain::TierStatus{};
  const domain::TierStatus start = rank(taken) > rank(kept) ? taken->status : before;
  RAPPORT_ASSIGN_OR_RETURN(
      const domain::TierQualifier qualifier,
      transaction.Tiers().Qualifier(survivor, tiers.currency, domain::TierWindowStart(now, tiers, zone),
                                    now + Microseconds(1)));
  domain::TierDecision decision = domain::TierAfterPurchase(start, tiers, qualifier, now, zone);
  if (decision.change == domain::TierChange::kNone) {
    if (start == before) return Status::Ok();
    decision = {.change = domain::TierChange::kUpgrade, .status = start};
  }
  return RecordTierChange(transaction, survivor, before.tier_key, decision, now, actor);
}

Status RecordTierChange(WriteTransaction& transaction, ContactId contact, const std::string& from,
                        const domain::TierDecision& decision, Timestamp at, const std::string& actor) {
  RAPPORT_RETURN_IF_ERROR(transaction.TiersOut().PutMemberTier(contact, decision.status));
  JsonBuilder payload;
  payload.Add("change", domain::TierChangeName(decision.change)).Add("from", from).Add("to", decision.status.tier_key);
  if (decision.status.review_at) payload.Add("review_at", FormatRfc3339(*decision.status.review_at));
  if (decision.status.grace_until) payload.Add("grace_until", FormatRfc3339(*decision.status.grace_until));
  return AppendContactEvent(transaction, "tier_changed", contact, at, actor, payload.Take());
}

}  // namespace rapport::app

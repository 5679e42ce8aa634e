// See programme_service.h. Each write is one store transaction with its
// events and, for manager actions, its audit record; the domain decides
// (domain/loyalty_programme.h), the store keeps counts and uniqueness.
#include "rapport/app/programme_service.h"

#include <sodium.h>

#include <utility>

#include "json_builder.h"
#include "loyalty_support.h"
#include "purchase_extras.h"
#include "relationship_support.h"
#include "sodium_support.h"

#include "rapport/base/limits.h"
#include "rapport/domain/access.h"
#include "rapport/domain/loyalty_programme.h"

namespace rapport::app {
namespace {

constexpr std::size_t kCouponCodeBytesMin = 3;
constexpr int kCodeAttempts = 8;  // generated codes that collide are drawn again
constexpr std::int64_t kCouponUsesMax = 1'000'000'000;

// Without 0/O and 1/I/L, which people misread.
constexpr std::string_view kCodeAlphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789";

std::string GenerateCode() {
  internal::EnsureSodiumReady();
  std::string code(kGeneratedCodeLength, 'A');
  for (char& c : code) {
    c = kCodeAlphabet[randombytes_uniform(static_cast<std::uint32_t>(kCodeAlphabet.size()))];
  }
  return code;
}

bool CodeCharacters(std::string_view code) {
  for (char c : code) {
    const bool allowed = (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
    if (!allowed) return false;
  }
  return true;
}

void Refuse(std::vector<LoyaltyFieldError>& errors, std::string field, std::string reason) {
  errors.push_back({std::move(field), std::move(reason)});
}

std::vector<LoyaltyFieldError> CheckDraft(const CouponDraft& draft, const std::string& code) {
  std::vector<LoyaltyFieldError> errors;
  if (!draft.code.empty() &&
      (code.size() < kCouponCodeBytesMin || code.size() > kCouponCodeBytesMax || !CodeCharacters(code))) {
    Refuse(errors, "code",
           "must be " + std::to_string(kCouponCodeBytesMin) + " to " + std::to_string(kCouponCodeBytesMax) +
               " letters, digits, '-' or '_'");
  }
  if (draft.name.empty() || draft.name.size() > kCouponNameBytesMax) {
    Refuse(errors, "name", "must be 1 to " + std::to_string(kCouponNameBytesMax) + " bytes");
  }
  switch (draft.kind) {
    case CouponKind::kPoints:
      if (draft.points.count() <= 0 || draft.points.count() > limits::kPointsAbsMax) {
        Refuse(errors, "points", "must be between 1 and " + std::to_string(limits::kPointsAbsMax));
      }
      break;
    case CouponKind::kPercentOff:
      if (draft.percent_off < 1 || draft.percent_off > 100) Refuse(errors, "percent_off", "must be between 1 and 100");
      break;
    case CouponKind::kAmountOff:
      if (draft.amount_off_minor <= 0 || draft.amount_off_minor > kPurchaseTotalMinorMax) {
        Refuse(errors, "amount_off_minor", "must be between 1 and " + std::to_string(kPurchaseTotalMinorMax));
      }
      if (!Currency::FromCode(draft.currency).ok()) Refuse(errors, "currency", "is not an ISO 4217 currency code");
      break;
  }
  if (draft.kind != CouponKind::kAmountOff && !draft.currency.empty()) {
    Refuse(errors, "currency", "applies only to amount_off coupons");
  }
  if (draft.valid_from && draft.valid_until && *draft.valid_until <= *draft.valid_from) {
    Refuse(errors, "valid_until", "must be after valid_from");
  }
  if (draft.max_uses && (*draft.max_uses < 1 || *draft.max_uses > kCouponUsesMax)) {
    Refuse(errors, "max_uses", "must be between 1 and " + std::to_string(kCouponUsesMax));
  }
  if (draft.max_uses_per_member < 1 || draft.max_uses_per_member > kCouponUsesMax) {
    Refuse(errors, "max_uses_per_member", "must be between 1 and " + std::to_string(kCouponUsesMax));
  }
  return errors;
}

std::string CouponJson(const Coupon& coupon) {
  JsonBuilder json;
  json.Add("code", coupon.code)
      .Add("name", coupon.name)
      .Add("kind", CouponKindName(coupon.kind))
      .Add("active", coupon.active);
  if (coupon.contact_id) json.Add("contact_id", coupon.contact_id->value());
  if (coupon.max_uses) json.Add("max_uses", *coupon.max_uses);
  if (coupon.valid_until) json.Add("valid_until", FormatRfc3339(*coupon.valid_until));
  return json.Take();
}

}  // namespace

ProgrammeService::ProgrammeService(Store& store, const Clock& clock) : store_(store), clock_(clock) {}

// ---- coupons ------------------------------------------------------------------

ProgrammeService::CouponOutcome ProgrammeService::CreateCoupon(const Principal& principal, const Origin& origin,
                                                               const CouponDraft& draft) {
  CouponOutcome outcome;
  if (Status allowed = RequireLoyalty(principal, domain::Action::kAdmin); !allowed.ok()) {
    outcome.status = std::move(allowed);
    return outcome;
  }
  const std::string requested_code = NormaliseCode(draft.code);
  outcome.errors = CheckDraft(draft, requested_code);
  if (!outcome.errors.empty()) {
    outcome.status = InvalidArgument("the coupon has invalid fields");
    return outcome;
  }
  const Timestamp now = clock_.Now();
  outcome.status = store_.Write([&](WriteTransaction& transaction) -> Status {
    outcome.errors.clear();
    if (draft.contact_id) {
      if (Result<Contact> contact = LiveContact(transaction.Relationships(), *draft.contact_id); !contact.ok()) {
        Refuse(outcome.errors, "contact_id", "no such contact");
        return InvalidArgument("the coupon has invalid fields");
      }
    }
    Coupon coupon{.code = requested_code,
                  .name = draft.name,
                  .kind = draft.kind,
                  .points = draft.kind == CouponKind::kPoints ? draft.points : Points(0),
                  .percent_off = draft.kind == CouponKind::kPercentOff ? draft.percent_off : 0,
                  .amount_off_minor = draft.kind == CouponKind::kAmountOff ? draft.amount_off_minor : 0,
                  .currency = draft.kind == CouponKind::kAmountOff ? draft.currency : "",
                  .contact_id = draft.contact_id,
                  .valid_from = draft.valid_from,
                  .valid_until = draft.valid_until,
                  .max_uses = draft.max_uses,
                  .max_uses_per_member = draft.max_uses_per_member,
                  .created_by = principal.Actor()};
    for (int attempt = 0; coupon.code.empty() && attempt < kCodeAttempts; ++attempt) {
      std::string candidate = GenerateCode();
      RAPPORT_ASSIGN_OR_RETURN(std::optional<Coupon> taken, transaction.Coupons().FindCouponByCode(candidate));
      if (!taken) coupon.code = std::move(candidate);
    }
    if (coupon.code.empty()) return Internal("no free coupon code after " + std::to_string(kCodeAttempts) + " draws");
    Result<std::int64_t> id = transaction.CouponsOut().InsertCoupon(coupon);
    if (id.status().code() == StatusCode::kAlreadyExists) {
      Refuse(outcome.errors, "code", "coupon " + coupon.code + " already exists");
      return id.status();
    }
    RAPPORT_RETURN_IF_ERROR(id.status());
    coupon.id = *id;
    RAPPORT_RETURN_IF_ERROR(RecordChange(transaction, principal, origin, now, "coupon_created", "coupons.create",
                                         "coupon", coupon.id, CouponJson(coupon)));
    RAPPORT_ASSIGN_OR_RETURN(outcome.coupon, transaction.Coupons().GetCoupon(coupon.id));
    return Status::Ok();
  });
  if (!outcome.status.ok()) outcome.coupon.reset();
  return outcome;
}

ProgrammeService::CouponOutcome ProgrammeService::UpdateCoupon(const Principal& principal, const Origin& origin,
                                                               std::int64_t id, bool active,
                                                               std::optional<Timestamp> valid_until,
                                                               std::optional<std::int64_t> max_uses) {
  CouponOutcome outcome;
  if (Status allowed = RequireLoyalty(principal, domain::Action::kAdmin); !allowed.ok()) {
    outcome.status = std::move(allowed);
    return outcome;
  }
  if (max_uses && (*max_uses < 1 || *max_uses > kCouponUsesMax)) {
    Refuse(outcome.errors, "max_uses", "must be between 1 and " + std::to_string(kCouponUsesMax));
    outcome.status = InvalidArgument("the coupon has invalid fields");
    return outcome;
  }
  const Timestamp now = clock_.Now();
  outcome.status = store_.Write([&](WriteTransaction& transaction) -> Status {
    outcome.errors.clear();
    RAPPORT_ASSIGN_OR_RETURN(std::optional<Coupon> coupon, transaction.Coupons().GetCoupon(id));
    if (!coupon) return NotFound("no coupon " + std::to_string(id));
    if (max_uses && *max_uses < coupon->uses) {
      Refuse(outcome.errors, "max_uses", "is below the " + std::to_string(coupon->uses) + " uses already made");
      return InvalidArgument("the coupon has invalid fields");
    }
    if (valid_until && coupon->valid_from && *valid_until <= *coupon->valid_from) {
      Refuse(outcome.errors, "valid_until", "must be after valid_from");
      return InvalidArgument("the coupon has invalid fields");
    }
    RAPPORT_RETURN_IF_ERROR(transaction.CouponsOut().UpdateCoupon(id, active, valid_until, max_uses));
    RAPPORT_ASSIGN_OR_RETURN(outcome.coupon, transaction.Coupons().GetCoupon(id));
    if (!outcome.coupon) return Internal("coupon " + std::to_string(id) + " vanished while updated");
    return RecordChange(transaction, principal, origin, now, "coupon_updated", "coupons.update", "coupon", id,
                        CouponJson(*outcome.coupon));
  });
  if (!outcome.status.ok()) outcome.coupon.reset();
  return outcome;
}

Result<std::optional<Coupon>> ProgrammeService::GetCoupon(const Principal& principal, std::int64_t id) {
  RAPPORT_RETURN_IF_ERROR(RequireLoyalty(principal, domain::Action::kRead));
  std::optional<Coupon> coupon;
  RAPPORT_RETURN_IF_ERROR(store_.Read([&](ReadTransaction& transaction) -> Status {
    RAPPORT_ASSIGN_OR_RETURN(coupon, transaction.Coupons().GetCoupon(id));
    return Status::Ok();
  }));
  return coupon;
}

Result<CouponPage> ProgrammeService::ListCoupons(const Principal& principal, const CouponsReader::CouponFilter& filter,
                                                 std::optional<std::int64_t> before, int limit) {
  RAPPORT_RETURN_IF_ERROR(RequireLoyalty(principal, domain::Action::kRead));
  RAPPORT_RETURN_IF_ERROR(ValidatePageLimit(limit, kCouponsPageMax));
  CouponPage page;
  RAPPORT_RETURN_IF_ERROR(store_.Read([&](ReadTransaction& transaction) -> Status {
    RAPPORT_ASSIGN_OR_RETURN(page.items, transaction.Coupons().ListCoupons(filter, before, limit + 1));
    return Status::Ok();
  }));
  page.next = TrimToPage(page.items, limit);
  return page;
}

Result<CouponCheck> ProgrammeService::CheckCoupon(const Principal& principal, const std::string& code,
                                                  ContactId contact, const std::string& currency,
                                                  std::optional<Timestamp> at) {
  RAPPORT_RETURN_IF_ERROR(RequireLoyalty(principal, domain::Action::kRead));
  const Timestamp when = at.value_or(clock_.Now());
  const std::string normal = NormaliseCode(code);
  CouponCheck check;
  RAPPORT_RETURN_IF_ERROR(store_.Read([&](ReadTransaction& transaction) -> Status {
    RAPPORT_RETURN_IF_ERROR(LiveContact(transaction.Relationships(), contact).status());
    RAPPORT_ASSIGN_OR_RETURN(check.coupon, transaction.Coupons().FindCouponByCode(normal));
    if (!check.coupon) {
      check.problem = "no coupon " + normal;
      return Status::Ok();
    }
    RAPPORT_ASSIGN_OR_RETURN(const std::int64_t used, transaction.Coupons().CountCouponUses(check.coupon->id, contact));
    check.problem = CouponProblem(*check.coupon, contact, currency, when, used);
    check.usable = check.problem.empty();
    return Status::Ok();
  }));
  return check;
}

// ---- referrals --------------------------------------------------------------

Result<std::string> ProgrammeService::ReferralCode(const Principal& principal, const Origin& origin,
                                                   ContactId contact) {
  (void)origin;  // a member's code is a business record with its own event, not an audited action
  RAPPORT_RETURN_IF_ERROR(RequireLoyalty(principal, domain::Action::kWrite));
  const Timestamp now = clock_.Now();
  std::string code;
  RAPPORT_RETURN_IF_ERROR(store_.Write([&](WriteTransaction& transaction) -> Status {
    RAPPORT_RETURN_IF_ERROR(LiveContact(transaction.Relationships(), contact).status());
    RAPPORT_ASSIGN_OR_RETURN(std::optional<std::string> existing, transaction.Referrals().GetReferralCode(contact));
    if (existing) {
      code = std::move(*existing);
      return Status::Ok();
    }
    code.clear();
    for (int attempt = 0; code.empty() && attempt < kCodeAttempts; ++attempt) {
      std::string candidate = GenerateCode();
      RAPPORT_ASSIGN_OR_RETURN(std::optional<ContactId> holder, transaction.Referrals().FindReferrerByCode(candidate));
      if (!holder) code = std::move(candidate);
    }
    if (code.empty()) return Internal("no free referral code after " + std::to_string(kCodeAttempts) + " draws");
    RAPPORT_RETURN_IF_ERROR(transaction.ReferralsOut().PutReferralCode(contact, code, now));
    return AppendContactEvent(transaction, "referral_code_given", contact, now, principal.Actor(),
                              JsonBuilder().Add("code", code).Take());
  }));
  return code;
}

Result<Referral> ProgrammeService::Refer(const Principal& principal, const Origin& origin, ContactId referred,
                                         const std::string& code) {
  (void)origin;
  RAPPORT_RETURN_IF_ERROR(RequireLoyalty(principal, domain::Action::kWrite));
  const std::string normal = NormaliseCode(code);
  if (normal.empty() || normal.size() > kReferralCodeBytesMax) {
    return InvalidArgument("code must be 1 to " + std::to_string(kReferralCodeBytesMax) + " bytes");
  }
  const Timestamp now = clock_.Now();
  const std::string actor = principal.Actor();
  Referral result;
  RAPPORT_RETURN_IF_ERROR(store_.Write([&](WriteTransaction& transaction) -> Status {
    RAPPORT_RETURN_IF_ERROR(LiveContact(transaction.Relationships(), referred).status());
    RAPPORT_ASSIGN_OR_RETURN(std::optional<ContactId> referrer, transaction.Referrals().FindReferrerByCode(normal));
    if (!referrer) return InvalidArgument("no referral code " + normal);
    if (*referrer == referred) return InvalidArgument("a member cannot use their own referral code");
    RAPPORT_ASSIGN_OR_RETURN(std::optional<Referral> existing, transaction.Referrals().GetReferralOf(referred));
    if (existing) {
      if (existing->referrer_id != *referrer) {
        return FailedPrecondition("contact " + std::to_string(referred.value()) + " was already referred by contact " +
                                  std::to_string(existing->referrer_id.value()));
      }
      result = std::move(*existing);
      return Status::Ok();
    }
    RAPPORT_ASSIGN_OR_RETURN(const std::vector<Purchase> earlier,
                             transaction.Loyalty().ListPurchases(referred, std::nullopt, 1));
    if (!earlier.empty()) {
      return FailedPrecondition("contact " + std::to_string(referred.value()) +
                                " has already bought: a referral counts only before a member's first purchase");
    }
    result =
        Referral{.referrer_id = *referrer, .referred_id = referred, .code = normal, .referred_at = now, .actor = actor};
    RAPPORT_ASSIGN_OR_RETURN(result.id, transaction.ReferralsOut().InsertReferral(result));
    return AppendContactEvent(transaction, "referred", referred, now, actor,
                              JsonBuilder().Add("referral_id", result.id).Add("referrer_id", referrer->value()).Take());
  }));
  return result;
}

Result<ReferralGraph> ProgrammeService::Graph(const Principal& principal, ContactId contact,
                                              std::optional<std::int64_t> before, int limit) {
  RAPPORT_RETURN_IF_ERROR(RequireLoyalty(principal, domain::Action::kRead));
  RAPPORT_RETURN_IF_ERROR(ValidatePageLimit(limit, kReferralsPageMax));
  ReferralGraph graph;
  RAPPORT_RETURN_IF_ERROR(store_.Read([&](ReadTransaction& transaction) -> Status {
    RAPPORT_RETURN_IF_ERROR(LiveContact(transaction.Relationships(), contact).status());
    ReferralsReader& referrals = transaction.Referrals();
    RAPPORT_ASSIGN_OR_RETURN(graph.code, referrals.GetReferralCode(contact));
    RAPPORT_ASSIGN_OR_RETURN(graph.referred_by, referrals.GetReferralOf(contact));
    RAPPORT_ASSIGN_OR_RETURN(graph.referrals, referrals.ListReferralsBy(contact, before, limit + 1));
    RAPPORT_ASSIGN_OR_RETURN(graph.rewarded, referrals.CountRewardedReferrals(contact));
    return Status::Ok();
  }));
  graph.next = TrimToPage(graph.referrals, limit);
  return graph;
}

// ---- tiers --------------------------------------------------------------------

Result<TierOverview> ProgrammeService::Tiers(const Principal& principal) {
  RAPPORT_RETURN_IF_ERROR(RequireLoyalty(principal, domain::Action::kRead));
  TierOverview overview;
  RAPPORT_RETURN_IF_ERROR(store_.Read([&](ReadTransaction& transaction) -> Status {
    RAPPORT_ASSIGN_OR_RETURN(const RulesView rules, LoadRules(transaction.Loyalty()));
    overview.programme = rules.rules.tiers;
    RAPPORT_ASSIGN_OR_RETURN(overview.members, transaction.Tiers().CountMembersByTier());
    return Status::Ok();
  }));
  return overview;
}

// ---- jobs -------------------------------------------------------------------

Result<ProgrammeJobRun> ProgrammeService::ReviewTiers(int limit) {
  RAPPORT_RETURN_IF_ERROR(ValidatePageLimit(limit, kTiersPageMax));
  const Timestamp now = clock_.Now();
  const std::string actor = SystemPrincipal().Actor();
  ProgrammeJobRun run;
  RAPPORT_RETURN_IF_ERROR(store_.Write([&](WriteTransaction& transaction) -> Status {
    run = ProgrammeJobRun{};
    RAPPORT_ASSIGN_OR_RETURN(const RulesView rules, LoadRules(transaction.Loyalty()));
    RAPPORT_ASSIGN_OR_RETURN(const date::time_zone* zone, LocateZone(rules.rules.time_zone));
    const domain::TierProgramme& tiers = rules.rules.tiers;
    RAPPORT_ASSIGN_OR_RETURN(const std::vector<MemberTier> due, transaction.Tiers().DueTierReviews(now, limit));
    for (const MemberTier& member : due) {
      const std::optional<Timestamp> at = domain::TierReviewDue(member.status);
      if (!at) continue;
      RAPPORT_ASSIGN_OR_RETURN(const domain::TierQualifier qualifier,
                               transaction.Tiers().Qualifier(member.contact_id, tiers.currency,
                                                             domain::TierWindowStart(*at, tiers, *zone), *at));
      const domain::TierDecision decision = domain::ReviewTier(member.status, tiers, qualifier, *zone);
      if (decision.change == domain::TierChange::kNone) continue;
      RAPPORT_RETURN_IF_ERROR(
          RecordTierChange(transaction, member.contact_id, member.status.tier_key, decision, *at, actor));
      ++run.members;
    }
    run.more = due.size() == static_cast<std::size_t>(limit);
    return Status::Ok();
  }));
  return run;
}

Result<ProgrammeJobRun> ProgrammeService::PayBirthdayBonuses(int limit) {
  RAPPORT_RETURN_IF_ERROR(ValidatePageLimit(limit, kTiersPageMax));
  const Timestamp now = clock_.Now();
  const std::string actor = SystemPrincipal().Actor();
  ProgrammeJobRun run;
  RAPPORT_RETURN_IF_ERROR(store_.Write([&](WriteTransaction& transaction) -> Status {
    run = ProgrammeJobRun{};
    RAPPORT_ASSIGN_OR_RETURN(const RulesView rules, LoadRules(transaction.Loyalty()));
    const Points points = rules.rules.bonuses.birthday;
    if (points.count() <= 0) return Status::Ok();
    RAPPORT_ASSIGN_OR_RETURN(const date::time_zone* zone, LocateZone(rules.rules.time_zone));
    const std::vector<std::string> days = domain::BirthdaysCelebratedOn(now, *zone);
    const std::string key = "birthday:" + std::to_string(domain::LocalYear(now, *zone));
    std::optional<ContactId> after;
    while (run.members < limit) {
      RAPPORT_ASSIGN_OR_RETURN(const std::vector<ContactId> members,
                               transaction.Tiers().BirthdayMembers(days, after, kTiersPageMax));
      for (ContactId member : members) {
        if (run.members >= limit) {
          run.more = true;
          break;
        }
        RAPPORT_ASSIGN_OR_RETURN(std::optional<BonusAward> paid, transaction.Tiers().GetBonusAward(member, key));
        if (paid) continue;
        RAPPORT_RETURN_IF_ERROR(CreditBonus(transaction,
                                            BonusCredit{.contact = member,
                                                        .points = points,
                                                        .key = key,
                                                        .kind = "birthday",
                                                        .detail = "birthday bonus",
                                                        .earned_at = now,
                                                        .available_at = now},
                                            rules.rules, *zone, now, actor)
                                    .status());
        ++run.members;
      }
      if (members.size() < static_cast<std::size_t>(kTiersPageMax)) break;
      after = members.back();
    }
    return Status::Ok();
  }));
  return run;
}

}  // namespace rapport::app

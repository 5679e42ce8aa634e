// ProgrammeService: the loyalty programme beyond purchases and rewards —
// coupons and personal discounts, referral codes and the referral graph, the
// tiers at a glance, and the jobs that review tiers at period end and pay
// birthday bonuses. The rules themselves (tiers, promotions, bonus amounts)
// are part of the programme's versioned rules (LoyaltyService::PutRules);
// a purchase applies coupons, referral rewards, welcome bonuses and tier
// upgrades (LoyaltyService::RecordPurchase).
//
// Permissions: loyalty read for reads and the till's coupon check; loyalty
// write to give a member a referral code or record a referral; loyalty admin
// to create and change coupons. The jobs run as the system. Coupon changes
// are audited.
//
// Thread safety: safe to call from several threads.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "rapport/app/access_service.h"
#include "rapport/app/coupons.h"
#include "rapport/app/loyalty_service.h"
#include "rapport/app/referrals.h"
#include "rapport/app/store.h"
#include "rapport/app/tiers.h"
#include "rapport/base/clock.h"

namespace rapport::app {

// What a manager fills in to create a coupon. An empty code is generated
// (kGeneratedCodeLength characters from an alphabet without look-alikes).
struct CouponDraft {
  std::string code{};
  std::string name{};
  CouponKind kind = CouponKind::kPoints;
  Points points{0};
  int percent_off = 0;
  std::int64_t amount_off_minor = 0;
  std::string currency{};
  std::optional<ContactId> contact_id{};  // a personal coupon (a personal discount)
  std::optional<Timestamp> valid_from{};
  std::optional<Timestamp> valid_until{};
  std::optional<std::int64_t> max_uses{};
  std::int64_t max_uses_per_member = 1;
};

struct CouponPage {
  std::vector<Coupon> items{};
  std::optional<std::int64_t> next{};  // pass as `before`
};

// The till's question: may this member use this code now, and what does it give?
struct CouponCheck {
  std::optional<Coupon> coupon{};  // the coupon, when the code exists
  bool usable = false;
  std::string problem{};  // why not, in plain English, when not usable
};

// Who brought whom, for the card.
struct ReferralGraph {
  std::optional<std::string> code{};      // the member's own code, once given
  std::optional<Referral> referred_by{};  // the referral that brought the member
  std::vector<Referral> referrals{};      // the members they brought, newest first
  std::optional<std::int64_t> next{};     // more referrals: pass as `before`
  std::int64_t rewarded = 0;              // of their referrals, how many were rewarded
};

struct TierOverview {
  domain::TierProgramme programme{};
  std::vector<TiersReader::TierCount> members{};
};

struct ProgrammeJobRun {
  std::int64_t members = 0;  // members reviewed or paid
  bool more = false;         // stopped at the limit: run again
};

inline constexpr std::size_t kGeneratedCodeLength = 8;

class ProgrammeService {
 public:
  ProgrammeService(Store& store, const Clock& clock);

  // ---- coupons
  struct CouponOutcome {
    Status status{};
    std::vector<LoyaltyFieldError> errors{};
    std::optional<Coupon> coupon{};
  };
  // kInvalidArgument with `errors` (code alphabet and length, name, the
  // kind's own field, a currency that is not ISO 4217, a window that ends
  // before it starts, limits < 1, an unknown contact); kAlreadyExists for a
  // code in use (field "code").
  CouponOutcome CreateCoupon(const Principal& principal, const Origin& origin, const CouponDraft& draft);
  // Activates or deactivates a coupon, moves its end, changes its overall
  // limit (not below its uses). kNotFound for an unknown id.
  CouponOutcome UpdateCoupon(const Principal& principal, const Origin& origin, std::int64_t id, bool active,
                             std::optional<Timestamp> valid_until, std::optional<std::int64_t> max_uses);
  Result<std::optional<Coupon>> GetCoupon(const Principal& principal, std::int64_t id);
  Result<CouponPage> ListCoupons(const Principal& principal, const CouponsReader::CouponFilter& filter,
                                 std::optional<std::int64_t> before, int limit);
  // Whether `contact` may use `code` on a purchase in `currency` at `at`
  // (default now). kNotFound for an unknown contact.
  Result<CouponCheck> CheckCoupon(const Principal& principal, const std::string& code, ContactId contact,
                                  const std::string& currency, std::optional<Timestamp> at);

  // ---- referrals
  // The member's referral code, given on first request (generated, unique).
  Result<std::string> ReferralCode(const Principal& principal, const Origin& origin, ContactId contact);
  // Records that `referred` came with `code` (before any purchase: a new
  // member signing up). kInvalidArgument for an unknown code or the member's
  // own; kFailedPrecondition when the member already bought or was already
  // referred by someone else (the same referrer again is a replay).
  Result<Referral> Refer(const Principal& principal, const Origin& origin, ContactId referred, const std::string& code);
  Result<ReferralGraph> Graph(const Principal& principal, ContactId contact, std::optional<std::int64_t> before,
                              int limit);

  // ---- tiers
  Result<TierOverview> Tiers(const Principal& principal);

  // ---- jobs (system principal), at most `limit` members per call
  // Reviews the tiers due (domain::ReviewTier): renewals, grace, downgrades.
  Result<ProgrammeJobRun> ReviewTiers(int limit);
  // Pays the birthday bonus to members whose birthday it is today in the
  // programme's zone (29 February in common years: on 28 February), once per
  // member and local year.
  Result<ProgrammeJobRun> PayBirthdayBonuses(int limit);

 private:
  Store& store_;
  const Clock& clock_;
};

}  // namespace rapport::app

// LoyaltyService: the use cases of the loyalty programme — recording purchases
// (which earn points by the programme's rules), refunds (which take back the
// points proportionally), manual adjustments, the member's balance, lots and
// statement of account, the rules themselves, and the jobs that make pending
// points available and expire old ones. Shared by the HTTP API, the CLI and
// the jobs, so all check the same permissions and write the same events.
//
// Every write runs in one store transaction with its ledger posting, its
// events ("purchase_recorded", "points_earned", "purchase_refunded",
// "points_reversed", "points_adjusted", "points_released", "points_expired")
// and, for manager actions, its audit record.
//
// Idempotency. A purchase with an external id already recorded is a retry:
// with the same content the first outcome is returned (`replayed`), with a
// different content kFailedPrecondition ("external id ... was recorded with
// different content"). A request carrying an IdempotencyTicket is looked up
// by (scope, key) in the same transaction: the same request hash replays the
// stored response (IdempotencyOutcome::kReplayed), a different one is
// refused with kInvalidArgument ("this Idempotency-Key was used for a
// different request"), and a request with the same key still running is
// kConflict ("a request with this Idempotency-Key is in progress"). The stored
// response is rendered by the caller's `render` inside the transaction, so
// the first answer and its replays are byte for byte equal.
//
// Permissions: loyalty read for reads; loyalty write to record purchases and
// refunds; loyalty admin for adjustments, rules and the ledger check. The
// jobs run as the system.
//
// Thread safety: safe to call from several threads.
#pragma once

#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "rapport/app/access_service.h"
#include "rapport/app/coupons.h"
#include "rapport/app/loyalty.h"
#include "rapport/app/store.h"
#include "rapport/base/clock.h"
#include "rapport/domain/loyalty.h"

namespace rapport::app {

struct PurchaseRequest {
  ContactId contact_id{};
  std::optional<CompanyId> company_id{};
  std::vector<domain::PurchaseLine> lines{};
  std::int64_t total_minor = 0;
  std::string currency{};
  std::string channel{};
  std::string store{};
  Timestamp occurred_at{};
  std::string external_id{};
  std::string coupon_code{};    // "" none; a coupon the member presents (case-insensitive)
  std::string referral_code{};  // "" none; a new member's first purchase names who referred them
};

// A field the request got wrong, as {field, reason}.
struct LoyaltyFieldError {
  std::string field{};
  std::string reason{};
};

// A bonus a purchase brought (welcome, coupon, referral), to its member or,
// for a referral, to the referrer too.
struct GrantedBonus {
  std::string kind{};  // "welcome", "coupon", "referral", "referrer"
  ContactId contact_id{};
  Points points{0};
  std::int64_t transaction_id = 0;
};

struct AppliedCoupon {
  Coupon coupon{};  // after the use
  std::int64_t use_id = 0;
};

// A change of the member's tier.
struct TierMove {
  domain::TierChange change = domain::TierChange::kNone;
  std::string from{};  // tier keys, "" none
  std::string to{};
  domain::TierStatus status{};
};

struct RecordedPurchase {
  Purchase purchase{};
  domain::Earning earning{};  // the steps that produced purchase.points_earned
  std::optional<Lot> lot{};   // the lot it created (none for 0 points)
  LoyaltyAccount account{};   // the member's balances after it
  bool replayed = false;      // an earlier request with the same external id
  // What the first recording also did (not repeated in replays):
  std::vector<GrantedBonus> bonuses{};
  std::optional<AppliedCoupon> coupon{};
  std::optional<TierMove> tier{};  // an upgrade the purchase qualified for
};

struct RefundRequest {
  std::int64_t amount_minor = 0;
  std::string reason{};
  std::string external_id{};
  std::optional<Timestamp> occurred_at{};  // default: now
};

struct RecordedRefund {
  Refund refund{};
  Purchase purchase{};  // after the refund
  LoyaltyAccount account{};
  bool replayed = false;
};

// The answer stored for an Idempotency-Key and replayed to retries.
struct IdempotentResponse {
  int status_code = 0;
  std::string body{};
};

struct IdempotencyTicket {
  std::string scope{};         // route and principal: "POST /api/v1/purchases|user:7"
  std::string key{};           // 1..kIdempotencyKeyBytesMax printable ASCII bytes
  std::string request_hash{};  // of the canonical request body
};

enum class IdempotencyOutcome : std::uint8_t {
  kFirst,     // the request ran
  kReplayed,  // a stored response is returned
};

// The member's tier, its benefits and "what you need to keep or reach a
// tier" (only when the programme has tiers).
struct TierSummary {
  domain::TierStatus status{};
  std::optional<domain::TierDefinition> current{};
  std::optional<domain::TierDefinition> next{};
  domain::TierProgress progress{};
  std::string currency{};  // of the spend figures
  int window_months = 0;
};

// A member's loyalty at a glance (the card and GET .../loyalty).
struct LoyaltySummary {
  LoyaltyAccount account{};
  std::vector<Lot> lots{};  // open lots, oldest first
  Points expiring_soon{0};  // available points expiring within kExpiringSoonDays
  std::optional<Timestamp> next_expiry_at{};
  std::optional<Timestamp> inactivity_expiry_at{};  // under an inactivity policy
  std::optional<TierSummary> tier{};                // when the programme has tiers
};
inline constexpr int kExpiringSoonDays = 30;

struct RulesView {
  std::int64_t version = 0;  // 0: the defaults, never saved
  domain::EarningRules rules{};
  std::optional<Timestamp> updated_at{};
  std::string updated_by{};
};

struct LedgerPage {
  std::vector<LedgerTransaction> items{};
  std::optional<std::int64_t> next{};  // pass as `before` for the next page
};

struct PurchasePage {
  std::vector<Purchase> items{};
  std::optional<PurchaseId> next{};
};

struct JobRun {
  std::int64_t lots = 0;  // lots released or expired
  Points points{0};       // points moved
  bool more = false;      // stopped at the limit: run again
};

class LoyaltyService {
 public:
  LoyaltyService(Store& store, const Clock& clock);

  // Records a purchase and the points it earns. kInvalidArgument with
  // `errors` for bad fields (unknown contact: field "contact_id"; a currency
  // that is not ISO 4217; a negative or oversized total; lines over
  // kPurchaseLinesMax; an occurred_at more than a day in the future; a coupon
  // that is unknown, inactive, out of its window, someone else's or used up:
  // field "coupon_code"; a referral code that is unknown, the member's own,
  // or given with a member who already bought: "referral_code").
  // With the programme's tiers the member earns at their tier's multiplier
  // and is upgraded at once when the purchase qualifies them for a higher
  // tier; a first purchase brings the welcome bonus, a points coupon its
  // points and a referred member's qualifying purchase the referral bonuses
  // (RecordedPurchase::bonuses), all in the same transaction.
  struct PurchaseOutcome {
    Status status{};
    std::vector<LoyaltyFieldError> errors{};
    std::optional<RecordedPurchase> recorded{};
    // With a ticket: the response to send (rendered now or replayed).
    std::optional<IdempotentResponse> response{};
    IdempotencyOutcome idempotency = IdempotencyOutcome::kFirst;
  };
  using PurchaseRenderer = std::function<IdempotentResponse(const RecordedPurchase&)>;
  PurchaseOutcome RecordPurchase(const Principal& principal, const Origin& origin, const PurchaseRequest& request,
                                 const std::optional<IdempotencyTicket>& ticket = std::nullopt,
                                 const PurchaseRenderer& render = {});

  // Refunds part or all of a purchase. kNotFound for an unknown purchase;
  // kInvalidArgument for amount ≤ 0; kFailedPrecondition when the refunds
  // would exceed what remains ("refund of 50.00 EUR exceeds the 30.00 EUR not
  // yet refunded"). A refund external id already recorded for the purchase
  // replays the first outcome. Points come back from the purchase's own lot
  // first, then the member's oldest available lots; what the member has spent
  // is written off (Refund::points_written_off), never a negative balance.
  Result<RecordedRefund> RefundPurchase(const Principal& principal, const Origin& origin, PurchaseId purchase,
                                        const RefundRequest& request);

  // A manager's correction: points > 0 credits a new lot (expiring by the
  // policy), points < 0 debits oldest first (kFailedPrecondition beyond the
  // available balance). The reason (1..kAdjustmentReasonBytesMax bytes) is
  // required. Audited.
  Result<LedgerTransaction> Adjust(const Principal& principal, const Origin& origin, ContactId contact, Points points,
                                   const std::string& reason);

  Result<std::optional<Purchase>> GetPurchase(const Principal& principal, PurchaseId id);
  Result<PurchasePage> ListPurchases(const Principal& principal, ContactId contact, std::optional<PurchaseId> before,
                                     int limit);
  Result<std::vector<Refund>> ListRefunds(const Principal& principal, PurchaseId purchase);
  // kNotFound for an unknown contact.
  Result<LoyaltySummary> Summary(const Principal& principal, ContactId contact);
  Result<LedgerPage> Ledger(const Principal& principal, ContactId contact, std::optional<std::int64_t> before,
                            int limit);

  Result<RulesView> GetRules(const Principal& principal);
  // Replaces the rules. kConflict when `expected_version` is not the current
  // one; kInvalidArgument with `problems` (ValidateEarningRules, and an
  // unknown time zone as field "time_zone"). Audited.
  struct RulesOutcome {
    Status status{};
    std::vector<domain::RuleProblem> problems{};
    std::optional<RulesView> rules{};
  };
  RulesOutcome PutRules(const Principal& principal, const Origin& origin, const domain::EarningRules& rules,
                        std::int64_t expected_version);

  Result<LedgerCheck> Check(const Principal& principal, std::optional<ContactId> contact);

  // The jobs (system principal): make due pending lots available; expire due
  // lots and the lots of inactive members. At most `limit` lots per call.
  Result<JobRun> ReleaseDue(int limit);
  Result<JobRun> ExpireDue(int limit);

 private:
  Store& store_;
  const Clock& clock_;
  std::mutex in_flight_mutex_;
  std::set<std::pair<std::string, std::string>> in_flight_;  // (scope, key) of running requests
};

inline constexpr std::size_t kAdjustmentReasonBytesMax = 500;
inline constexpr std::int64_t kPurchaseTotalMinorMax = 1'000'000'000'000;  // 10^10 units of any currency

}  // namespace rapport::app

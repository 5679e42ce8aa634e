// What the loyalty use cases (LoyaltyService, RewardService, ProgrammeService)
// share: the permission check, the system principal of the jobs, the
// programme's rules and time zone, the lots a debit may draw from, the
// contact event of a change, reading back a posting and crediting a bonus.
//
// Thread safety: free functions; the transaction ones run inside a body.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "rapport/app/access_service.h"
#include "rapport/app/loyalty.h"
#include "rapport/app/loyalty_service.h"
#include "rapport/app/store.h"
#include "rapport/domain/access.h"
#include "rapport/domain/loyalty.h"

namespace rapport::app {

Status RequireLoyalty(const Principal& principal, domain::Action action);

// The principal the loyalty jobs act as ("system", admin).
Principal SystemPrincipal();

Result<const date::time_zone*> LocateZone(const std::string& name);

// The programme's current rules, or the defaults before any were saved;
// kDataLoss when the stored ones cannot be read.
Result<RulesView> LoadRules(LoyaltyReader& loyalty);

// The member's lots a debit may draw from at `at`: available, holding points,
// not expired; without the lots of `excluded_purchase` when given.
std::vector<domain::LotBalance> UsableBalances(const std::vector<Lot>& lots, Timestamp at,
                                               std::optional<PurchaseId> excluded_purchase = std::nullopt);

// Appends event `kind` about `contact` (its timeline).
Status AppendContactEvent(WriteTransaction& transaction, std::string_view kind, ContactId contact, Timestamp at,
                          const std::string& actor, std::string payload);

// The ledger transaction `id` of `contact`, entries included, as the ledger
// lists it; kDataLoss when it is not there.
Result<LedgerTransaction> ReadLedgerTransaction(LoyaltyReader& loyalty, ContactId contact, std::int64_t id);

// A bonus credited to a member: one kBonus posting (issued → the member, a new
// lot expiring by the programme's policy), its BonusAward under `key` (so it
// is paid once: kAlreadyExists when the key was awarded) and a
// "bonus_awarded" contact event. Pending until `available_at` when that is
// after `now`.
struct BonusCredit {
  ContactId contact{};
  Points points{0};      // > 0
  std::string key{};     // app/tiers.h: "welcome", "birthday:2027", ...
  std::string kind{};    // "welcome", "birthday", "referral", "coupon": the explanation's rule
  std::string detail{};  // plain English: "welcome bonus", "referral of contact 12"
  Timestamp earned_at{};
  Timestamp available_at{};
  std::optional<PurchaseId> purchase_id{};
};
Result<std::int64_t> CreditBonus(WriteTransaction& transaction, const BonusCredit& bonus,
                                 const domain::EarningRules& rules, const date::time_zone& zone, Timestamp now,
                                 const std::string& actor);

// Moves open lots (pending or available, holding points) of `from` to `to`,
// as when two cards of one person are merged: for each lot, `to` gets a new
// lot with its remaining points, state, dates and purchase, and `from`'s lot
// is emptied. Two balanced postings per chunk of lots (kind adjust, against
// the adjustments account, with `reason`), so the ledger shows where the
// points went. Both members are locked first (lower id first). Returns the
// new lots' ids.
Result<std::vector<std::int64_t>> TransferOpenLots(WriteTransaction& transaction, ContactId from, ContactId to,
                                                   const std::vector<Lot>& lots, Timestamp now,
                                                   const std::string& actor, const std::string& reason);

}  // namespace rapport::app

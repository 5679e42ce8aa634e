// See loyalty_support.h.
#include "loyalty_support.h"

#include <utility>

namespace rapport::app {

Status RequireLoyalty(const Principal& principal, domain::Action action) {
  return AccessService::Authorize(principal, domain::Resource::kLoyalty, action);
}

std::vector<domain::LotBalance> UsableBalances(const std::vector<Lot>& lots, Timestamp at,
                                               std::optional<PurchaseId> excluded_purchase) {
  std::vector<domain::LotBalance> balances;
  for (const Lot& lot : lots) {
    if (lot.state != LotState::kAvailable || lot.remaining.count() <= 0) continue;
    if (excluded_purchase && lot.purchase_id == excluded_purchase) continue;
    if (lot.expires_at && *lot.expires_at <= at) continue;
    balances.push_back(
        {.lot_id = lot.id, .remaining = lot.remaining, .earned_at = lot.earned_at, .expires_at = lot.expires_at});
  }
  return balances;
}

Status AppendContactEvent(WriteTransaction& transaction, std::string_view kind, ContactId contact, Timestamp at,
                          const std::string& actor, std::string payload) {
  return transaction.EventsOut()
      .Append(NewEvent{.kind = std::string(kind),
                       .subject_type = "contact",
                       .subject_id = contact.value(),
                       .occurred_at = at,
                       .actor = actor,
                       .payload_json = std::move(payload)})
      .status();
}

Result<LedgerTransaction> ReadLedgerTransaction(LoyaltyReader& loyalty, ContactId contact, std::int64_t id) {
  RAPPORT_ASSIGN_OR_RETURN(std::vector<LedgerTransaction> found, loyalty.ListLedger(contact, id + 1, 1));
  if (found.empty() || found.front().id != id) {
    return DataLoss("ledger transaction " + std::to_string(id) + " of contact " + std::to_string(contact.value()) +
                    " is missing");
  }
  return std::move(found.front());
}

}  // namespace rapport::app

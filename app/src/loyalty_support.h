// What the loyalty use cases (LoyaltyService, RewardService) share: the
// permission check, the lots a debit may draw from, the contact event of a
// change and reading back a posting.
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
#include "rapport/app/store.h"
#include "rapport/domain/access.h"
#include "rapport/domain/loyalty.h"

namespace rapport::app {

Status RequireLoyalty(const Principal& principal, domain::Action action);

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

}  // namespace rapport::app

#include "repositories/loyalty.h"

#include <algorithm>
#include <limits>
#include <map>
#include <set>
#include <string>
#include <utility>

#include "repositories/purchase_rows.h"
#include "sql/stored_values.h"

#include "rapport/base/limits.h"

namespace rapport::store {
namespace {

constexpr std::int64_t kInt64Max = std::numeric_limits<std::int64_t>::max();
// Open lots per ListOpenLots (app/loyalty.h).
constexpr int kOpenLotsMax = app::kLoyaltyPageMax * 20;
// Rows per job read (DueReleases, DueExpiries, InactiveMembers) and refunds
// per purchase read.
constexpr int kWorkRowsMax = 10'000;
// Problems CheckLedger reports per kind; a ledger this broken needs a person.
constexpr int kCheckProblemsMax = 1'000;
constexpr std::string_view kNegativeBalance = "balance would be negative";

Status ValidatePoints(std::string_view what, Points points) {
  if (points.count() < -limits::kPointsAbsMax || points.count() > limits::kPointsAbsMax) {
    return InvalidArgument(std::string(what) + " is outside ±" + std::to_string(limits::kPointsAbsMax) + " points");
  }
  return {};
}

Status ValidateMoney(std::string_view what, std::int64_t minor) {
  if (minor < -limits::kMoneyMinorAbsMax || minor > limits::kMoneyMinorAbsMax) {
    return InvalidArgument(std::string(what) + " is outside ±" + std::to_string(limits::kMoneyMinorAbsMax));
  }
  return {};
}

SqlParam OptionalMicros(const std::optional<Timestamp>& at) {
  return at ? SqlParam(ToUnixMicros(*at)) : SqlParam(SqlNull{});
}

template <typename Id>
SqlParam OptionalId(const std::optional<Id>& id) {
  if (!id) return SqlNull{};
  if constexpr (std::is_same_v<Id, std::int64_t>) {
    return *id;
  } else {
    return id->value();
  }
}

int Clamp(int limit, int limit_max) { return std::clamp(limit, 1, limit_max); }

std::string JsonIntArray(const std::vector<std::int64_t>& values) {
  std::string out = "[";
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (i > 0) out += ',';
    out += std::to_string(values[i]);
  }
  out += ']';
  return out;
}

// ---- rows (column orders in queries/<dialect>/loyalty.sql)

Result<app::Lot> LotFromRow(const SqlRow& row) {
  app::Lot lot;
  lot.id = row.Int(0);
  lot.contact_id = ContactId(row.Int(1));
  lot.transaction_id = row.Int(2);
  lot.points = Points(row.Int(3));
  lot.remaining = Points(row.Int(4));
  RAPPORT_ASSIGN_OR_RETURN(lot.state, EnumFromColumn(row, 5, "point_lots", &app::ParseLotState));
  lot.earned_at = FromUnixMicros(row.Int(6));
  lot.available_at = FromUnixMicros(row.Int(7));
  lot.expires_at = OptionalTimestamp(row, 8);
  if (!row.IsNull(9)) lot.purchase_id = PurchaseId(row.Int(9));
  return lot;
}

app::Refund RefundFromRow(const SqlRow& row) {
  app::Refund refund;
  refund.id = row.Int(0);
  refund.purchase_id = PurchaseId(row.Int(1));
  refund.amount_minor = row.Int(2);
  refund.reason = std::string(row.Text(3));
  refund.external_id = std::string(row.Text(4));
  refund.occurred_at = FromUnixMicros(row.Int(5));
  refund.points_reversed = Points(row.Int(6));
  refund.points_written_off = Points(row.Int(7));
  refund.recorded_at = FromUnixMicros(row.Int(8));
  return refund;
}

// Column order of loyalty_account_get / loyalty_account_lock.
app::LoyaltyAccount AccountFromRow(const SqlRow& row) {
  app::LoyaltyAccount account;
  account.contact_id = ContactId(row.Int(0));
  account.available = Points(row.Int(1));
  account.pending = Points(row.Int(2));
  account.earned_total = Points(row.Int(3));
  account.redeemed_total = Points(row.Int(4));
  account.expired_total = Points(row.Int(5));
  account.last_activity_at = OptionalTimestamp(row, 6);
  return account;
}

// ---- PostTransaction's validation, before anything is read or written

Status ValidatePosting(const app::NewLedgerTransaction& posting) {
  const std::size_t count = posting.entries.size();
  if (count < 2 || count > app::kLedgerEntriesPerTransactionMax) {
    return InvalidArgument("a posting has 2.." + std::to_string(app::kLedgerEntriesPerTransactionMax) +
                           " entries, not " + std::to_string(count));
  }
  RAPPORT_RETURN_IF_ERROR(ValidateText("actor", posting.actor, kLoyaltyTextBytesMax));
  RAPPORT_RETURN_IF_ERROR(ValidateText("reason", posting.reason, kLoyaltyTextBytesMax));
  RAPPORT_RETURN_IF_ERROR(ValidateText("explanation", posting.explanation_json, kLoyaltyJsonBytesMax));
  Points sum(0);
  std::vector<int> lot_credits(posting.lots.size(), 0);
  for (const app::NewEntry& entry : posting.entries) {
    if (entry.points.zero()) return InvalidArgument("a ledger entry of 0 points");
    RAPPORT_RETURN_IF_ERROR(ValidatePoints("a ledger entry", entry.points));
    sum += entry.points;  // |entries| ≤ 1000 × 10^12: far from overflow
    const bool member = app::IsMemberAccount(entry.account);
    const bool names_lot = entry.lot_id.has_value() || entry.new_lot.has_value();
    if (!member && names_lot) {
      return InvalidArgument(std::string("an entry on the programme account ") +
                             std::string(app::LedgerAccountName(entry.account)) + " names a lot");
    }
    if (member && entry.lot_id.has_value() == entry.new_lot.has_value()) {
      return InvalidArgument(std::string("an entry on the member account ") +
                             std::string(app::LedgerAccountName(entry.account)) +
                             " must name exactly one lot (existing or new)");
    }
    if (entry.new_lot) {
      if (*entry.new_lot >= posting.lots.size()) {
        return InvalidArgument("an entry names new lot " + std::to_string(*entry.new_lot) + " of " +
                               std::to_string(posting.lots.size()));
      }
      const app::NewLot& lot = posting.lots[*entry.new_lot];
      const app::LedgerAccount expected =
          lot.state == app::LotState::kPending ? app::LedgerAccount::kPending : app::LedgerAccount::kAvailable;
      if (entry.points != lot.points || entry.account != expected) {
        return InvalidArgument("the entry creating new lot " + std::to_string(*entry.new_lot) +
                               " must credit exactly its " + std::to_string(lot.points.count()) + " points to " +
                               std::string(app::LedgerAccountName(expected)));
      }
      ++lot_credits[*entry.new_lot];
    }
  }
  if (!sum.zero()) return InvalidArgument("the posting's entries sum to " + std::to_string(sum.count()) + ", not 0");
  for (std::size_t index = 0; index < posting.lots.size(); ++index) {
    const app::NewLot& lot = posting.lots[index];
    if (lot.points.count() <= 0) return InvalidArgument("new lot " + std::to_string(index) + " has no points");
    if (lot.state != app::LotState::kPending && lot.state != app::LotState::kAvailable) {
      return InvalidArgument("new lot " + std::to_string(index) + " must be pending or available");
    }
    if (lot_credits[index] != 1) {
      return InvalidArgument("new lot " + std::to_string(index) + " must be credited by exactly one entry");
    }
  }
  return {};
}

}  // namespace

// ---- queries shared by the readers

Result<std::vector<app::Purchase>> SqlLoyalty::QueryPurchases(std::string_view query_name,
                                                              std::span<const SqlParam> params) {
  std::vector<app::Purchase> purchases;
  RAPPORT_RETURN_IF_ERROR(session_.Query(query_name, params, [&](const SqlRow& row) -> Status {
    RAPPORT_ASSIGN_OR_RETURN(app::Purchase purchase, PurchaseFromRow(row));
    purchases.push_back(std::move(purchase));
    return {};
  }));
  return purchases;
}

Result<std::vector<app::Lot>> SqlLoyalty::QueryLots(std::string_view query_name, std::span<const SqlParam> params) {
  std::vector<app::Lot> lots;
  RAPPORT_RETURN_IF_ERROR(session_.Query(query_name, params, [&](const SqlRow& row) -> Status {
    RAPPORT_ASSIGN_OR_RETURN(app::Lot lot, LotFromRow(row));
    lots.push_back(std::move(lot));
    return {};
  }));
  return lots;
}

Result<std::vector<app::Refund>> SqlLoyalty::QueryRefunds(std::string_view query_name,
                                                          std::span<const SqlParam> params) {
  std::vector<app::Refund> refunds;
  RAPPORT_RETURN_IF_ERROR(session_.Query(query_name, params, [&](const SqlRow& row) {
    refunds.push_back(RefundFromRow(row));
    return Status();
  }));
  return refunds;
}

Result<std::optional<app::ProgrammeRules>> SqlLoyalty::QueryRules(std::string_view query_name,
                                                                  std::span<const SqlParam> params) {
  std::optional<app::ProgrammeRules> rules;
  RAPPORT_RETURN_IF_ERROR(session_.Query(query_name, params, [&](const SqlRow& row) {
    rules =
        app::ProgrammeRules{row.Int(0), std::string(row.Text(1)), FromUnixMicros(row.Int(2)), std::string(row.Text(3))};
    return Status();
  }));
  return rules;
}

// ---- LoyaltyReader

Result<std::optional<app::Purchase>> SqlLoyalty::GetPurchase(PurchaseId id) {
  const SqlParam params[] = {id.value()};
  RAPPORT_ASSIGN_OR_RETURN(std::vector<app::Purchase> found, QueryPurchases("loyalty_purchase_get", params));
  if (found.empty()) return std::optional<app::Purchase>();
  return std::optional<app::Purchase>(std::move(found.front()));
}

Result<std::optional<app::Purchase>> SqlLoyalty::FindPurchaseByExternalId(std::string_view external_id) {
  if (external_id.empty()) return std::optional<app::Purchase>();
  const SqlParam params[] = {external_id};
  RAPPORT_ASSIGN_OR_RETURN(std::vector<app::Purchase> found, QueryPurchases("loyalty_purchase_by_external_id", params));
  if (found.empty()) return std::optional<app::Purchase>();
  return std::optional<app::Purchase>(std::move(found.front()));
}

Result<std::vector<app::Purchase>> SqlLoyalty::ListPurchases(ContactId contact, std::optional<PurchaseId> before,
                                                             int limit) {
  std::int64_t before_occurred_us = kInt64Max;
  std::int64_t before_id = kInt64Max;
  if (before) {
    RAPPORT_ASSIGN_OR_RETURN(std::optional<app::Purchase> cursor, GetPurchase(*before));
    if (!cursor) return InvalidArgument("the cursor names no purchase: " + std::to_string(before->value()));
    before_occurred_us = ToUnixMicros(cursor->occurred_at);
    before_id = cursor->id.value();
  }
  const SqlParam params[] = {contact.value(), before_occurred_us, before_id,
                             std::int64_t{Clamp(limit, app::kLoyaltyPageMax)}};
  return QueryPurchases("loyalty_purchase_list", params);
}

Result<std::vector<app::Refund>> SqlLoyalty::ListRefunds(PurchaseId purchase) {
  const SqlParam params[] = {purchase.value(), std::int64_t{kWorkRowsMax}};
  return QueryRefunds("loyalty_refund_list", params);
}

Result<std::optional<app::Refund>> SqlLoyalty::FindRefundByExternalId(PurchaseId purchase,
                                                                      std::string_view external_id) {
  if (external_id.empty()) return std::optional<app::Refund>();
  const SqlParam params[] = {purchase.value(), external_id};
  RAPPORT_ASSIGN_OR_RETURN(std::vector<app::Refund> found, QueryRefunds("loyalty_refund_by_external_id", params));
  if (found.empty()) return std::optional<app::Refund>();
  return std::optional<app::Refund>(std::move(found.front()));
}

Result<app::LoyaltyAccount> SqlLoyalty::GetAccount(ContactId contact) {
  app::LoyaltyAccount account;
  account.contact_id = contact;
  const SqlParam params[] = {contact.value()};
  RAPPORT_RETURN_IF_ERROR(session_.Query("loyalty_account_get", params, [&](const SqlRow& row) {
    account = AccountFromRow(row);
    return Status();
  }));
  return account;
}

Result<std::vector<app::Lot>> SqlLoyalty::ListOpenLots(ContactId contact) {
  const SqlParam params[] = {contact.value(), std::int64_t{kOpenLotsMax}};
  return QueryLots("loyalty_lots_open", params);
}

Result<std::vector<app::Lot>> SqlLoyalty::ListPurchaseLots(PurchaseId purchase) {
  const SqlParam params[] = {purchase.value()};
  return QueryLots("loyalty_lots_of_purchase", params);
}

Result<std::vector<app::LedgerTransaction>> SqlLoyalty::ListLedger(ContactId contact,
                                                                   std::optional<std::int64_t> before, int limit) {
  std::vector<app::LedgerTransaction> transactions;
  const SqlParam params[] = {contact.value(), before.value_or(kInt64Max),
                             std::int64_t{Clamp(limit, app::kLoyaltyPageMax)}};
  RAPPORT_RETURN_IF_ERROR(session_.Query("loyalty_ledger_list", params, [&](const SqlRow& row) -> Status {
    app::LedgerTransaction transaction;
    transaction.id = row.Int(0);
    RAPPORT_ASSIGN_OR_RETURN(transaction.kind, EnumFromColumn(row, 1, "ledger_transactions", &app::ParseLedgerKind));
    transaction.contact_id = ContactId(row.Int(2));
    if (!row.IsNull(3)) transaction.purchase_id = PurchaseId(row.Int(3));
    if (!row.IsNull(4)) transaction.refund_id = row.Int(4);
    transaction.occurred_at = FromUnixMicros(row.Int(5));
    transaction.recorded_at = FromUnixMicros(row.Int(6));
    transaction.actor = std::string(row.Text(7));
    transaction.reason = std::string(row.Text(8));
    transaction.explanation_json = std::string(row.Text(9));
    transactions.push_back(std::move(transaction));
    return {};
  }));
  if (transactions.empty()) return transactions;
  // Newest first: the page is the contact's transactions with ids in [back, front].
  std::map<std::int64_t, app::LedgerTransaction*> by_id;
  for (app::LedgerTransaction& transaction : transactions) by_id[transaction.id] = &transaction;
  const SqlParam entry_params[] = {contact.value(), transactions.back().id, transactions.front().id};
  RAPPORT_RETURN_IF_ERROR(session_.Query("loyalty_ledger_entries", entry_params, [&](const SqlRow& row) -> Status {
    app::LedgerEntry entry;
    entry.id = row.Int(0);
    RAPPORT_ASSIGN_OR_RETURN(entry.account, EnumFromColumn(row, 2, "ledger_entries", &app::ParseLedgerAccount));
    if (!row.IsNull(3)) entry.contact_id = ContactId(row.Int(3));
    if (!row.IsNull(4)) entry.lot_id = row.Int(4);
    entry.points = Points(row.Int(5));
    const auto owner = by_id.find(row.Int(1));
    RAPPORT_ASSERT(owner != by_id.end());
    owner->second->entries.push_back(entry);
    return {};
  }));
  return transactions;
}

Result<Points> SqlLoyalty::EarnedBetween(ContactId contact, Timestamp from, Timestamp to) {
  Points earned(0);
  const SqlParam params[] = {contact.value(), ToUnixMicros(from), ToUnixMicros(to)};
  RAPPORT_RETURN_IF_ERROR(session_.Query("loyalty_earned_between", params, [&](const SqlRow& row) {
    earned = Points(row.Int(0));
    return Status();
  }));
  return earned;
}

Result<std::vector<app::Lot>> SqlLoyalty::DueReleases(Timestamp now, int limit) {
  const SqlParam params[] = {ToUnixMicros(now), std::int64_t{Clamp(limit, kWorkRowsMax)}};
  return QueryLots("loyalty_due_releases", params);
}

Result<std::vector<app::Lot>> SqlLoyalty::DueExpiries(Timestamp now, int limit) {
  const SqlParam params[] = {ToUnixMicros(now), std::int64_t{Clamp(limit, kWorkRowsMax)}};
  return QueryLots("loyalty_due_expiries", params);
}

Result<std::vector<ContactId>> SqlLoyalty::InactiveMembers(Timestamp cutoff, int limit) {
  std::vector<ContactId> members;
  const SqlParam params[] = {ToUnixMicros(cutoff), std::int64_t{Clamp(limit, kWorkRowsMax)}};
  RAPPORT_RETURN_IF_ERROR(session_.Query("loyalty_inactive_members", params, [&](const SqlRow& row) {
    members.emplace_back(row.Int(0));
    return Status();
  }));
  return members;
}

Result<app::LedgerCheck> SqlLoyalty::CheckLedger(std::optional<ContactId> contact) {
  app::LedgerCheck check;
  const std::int64_t scope = contact ? contact->value() : 0;  // 0: every contact
  const SqlParam totals_params[] = {scope};
  RAPPORT_RETURN_IF_ERROR(session_.Query("loyalty_check_totals", totals_params, [&](const SqlRow& row) {
    check.transactions = row.Int(0);
    check.entries = row.Int(1);
    check.issued = Points(row.Int(2));
    return Status();
  }));
  const SqlParam params[] = {scope, std::int64_t{kCheckProblemsMax}};
  RAPPORT_RETURN_IF_ERROR(session_.Query("loyalty_check_transactions", params, [&](const SqlRow& row) {
    const std::string id = std::to_string(row.Int(0));
    if (row.Int(1) != 0) check.problems.push_back("transaction " + id + " sums to " + std::to_string(row.Int(1)));
    if (row.Int(2) < 2) {
      check.problems.push_back("transaction " + id + " has " + std::to_string(row.Int(2)) + " entries, not 2 or more");
    }
    return Status();
  }));
  RAPPORT_RETURN_IF_ERROR(session_.Query("loyalty_check_lots", params, [&](const SqlRow& row) {
    const std::string lot = "lot " + std::to_string(row.Int(0));
    const std::int64_t remaining = row.Int(1);
    const std::string_view state = row.Text(2);
    const std::int64_t sum = row.Int(3);
    if (remaining != sum) {
      check.problems.push_back(lot + " remaining is " + std::to_string(remaining) + ", entries say " +
                               std::to_string(sum));
    }
    if (remaining < 0) check.problems.push_back(lot + " remaining is negative");
    const bool holds_points = remaining > 0;
    const bool open_state = state == "pending" || state == "available";
    if (holds_points != open_state) {
      check.problems.push_back(lot + " is " + std::string(state) + " with " + std::to_string(remaining) +
                               " points remaining");
    }
    return Status();
  }));
  RAPPORT_RETURN_IF_ERROR(session_.Query("loyalty_check_accounts", params, [&](const SqlRow& row) {
    const std::string member = "contact " + std::to_string(row.Int(0));
    const std::int64_t available_sum = row.Int(3);
    const std::int64_t pending_sum = row.Int(4);
    if (row.IsNull(1)) {
      if (available_sum != 0 || pending_sum != 0) {
        check.problems.push_back(member + " has ledger entries but no account (entries say available " +
                                 std::to_string(available_sum) + ", pending " + std::to_string(pending_sum) + ")");
      }
      return Status();
    }
    const std::int64_t available = row.Int(1);
    const std::int64_t pending = row.Int(2);
    if (available != available_sum) {
      check.problems.push_back(member + " available is " + std::to_string(available) + ", entries say " +
                               std::to_string(available_sum));
    }
    if (pending != pending_sum) {
      check.problems.push_back(member + " pending is " + std::to_string(pending) + ", entries say " +
                               std::to_string(pending_sum));
    }
    if (available < 0 || pending < 0) check.problems.push_back(member + " has a negative balance");
    return Status();
  }));
  return check;
}

Result<std::optional<app::ProgrammeRules>> SqlLoyalty::GetRules() { return QueryRules("loyalty_rules_current", {}); }

Result<std::optional<app::ProgrammeRules>> SqlLoyalty::GetRulesVersion(std::int64_t version) {
  const SqlParam params[] = {version};
  return QueryRules("loyalty_rules_version", params);
}

Result<std::optional<app::IdempotencyRecord>> SqlLoyalty::GetIdempotency(std::string_view scope, std::string_view key) {
  std::optional<app::IdempotencyRecord> record;
  const SqlParam params[] = {scope, key};
  RAPPORT_RETURN_IF_ERROR(session_.Query("loyalty_idempotency_get", params, [&](const SqlRow& row) {
    record = app::IdempotencyRecord{std::string(row.Text(0)),     std::string(row.Text(1)), std::string(row.Text(2)),
                                    static_cast<int>(row.Int(3)), std::string(row.Text(4)), FromUnixMicros(row.Int(5))};
    return Status();
  }));
  return record;
}

// ---- LoyaltyWriter

Result<PurchaseId> SqlLoyalty::InsertPurchase(const app::Purchase& purchase) {
  if (purchase.lines.size() > app::kPurchaseLinesMax) {
    return InvalidArgument("a purchase has at most " + std::to_string(app::kPurchaseLinesMax) + " lines, not " +
                           std::to_string(purchase.lines.size()));
  }
  RAPPORT_RETURN_IF_ERROR(ValidateMoney("purchase total", purchase.total_minor));
  RAPPORT_RETURN_IF_ERROR(ValidatePoints("points earned", purchase.points_earned));
  RAPPORT_RETURN_IF_ERROR(ValidateText("channel", purchase.channel, kLoyaltyTextBytesMax));
  RAPPORT_RETURN_IF_ERROR(ValidateText("store", purchase.store, kLoyaltyTextBytesMax));
  RAPPORT_RETURN_IF_ERROR(ValidateText("currency", purchase.currency, kLoyaltyTextBytesMax));
  RAPPORT_RETURN_IF_ERROR(ValidateText("external id", purchase.external_id, kExternalIdBytesMax));
  for (const domain::PurchaseLine& line : purchase.lines) {
    RAPPORT_RETURN_IF_ERROR(ValidateText("sku", line.sku, kLoyaltyTextBytesMax));
    RAPPORT_RETURN_IF_ERROR(ValidateText("category", line.category, kLoyaltyTextBytesMax));
  }
  const std::string lines_json = EncodeLines(purchase.lines);
  const SqlParam params[] = {purchase.contact_id.value(),
                             OptionalId(purchase.company_id),
                             std::string_view(lines_json),
                             purchase.total_minor,
                             std::string_view(purchase.currency),
                             std::string_view(purchase.channel),
                             std::string_view(purchase.store),
                             ToUnixMicros(purchase.occurred_at),
                             std::string_view(purchase.external_id),
                             purchase.points_earned.count(),
                             purchase.rules_version,
                             ToUnixMicros(now_)};
  std::optional<PurchaseId> id;
  RAPPORT_RETURN_IF_ERROR(session_.Query("loyalty_purchase_insert", params, [&](const SqlRow& row) {
    id = PurchaseId(row.Int(0));
    return Status();
  }));
  if (!id) return AlreadyExists("a purchase with external id '" + purchase.external_id + "' exists");
  return *id;
}

Result<std::int64_t> SqlLoyalty::InsertRefund(const app::Refund& refund) {
  if (refund.amount_minor <= 0) return InvalidArgument("a refund's amount must be positive");
  RAPPORT_RETURN_IF_ERROR(ValidateMoney("refund amount", refund.amount_minor));
  RAPPORT_RETURN_IF_ERROR(ValidatePoints("points reversed", refund.points_reversed));
  RAPPORT_RETURN_IF_ERROR(ValidatePoints("points written off", refund.points_written_off));
  RAPPORT_RETURN_IF_ERROR(ValidateText("reason", refund.reason, kLoyaltyTextBytesMax));
  RAPPORT_RETURN_IF_ERROR(ValidateText("external id", refund.external_id, kExternalIdBytesMax));
  RAPPORT_ASSIGN_OR_RETURN(std::optional<app::Purchase> purchase, GetPurchase(refund.purchase_id));
  if (!purchase) return NotFound("no purchase " + std::to_string(refund.purchase_id.value()));
  RAPPORT_ASSIGN_OR_RETURN(std::optional<app::Refund> same,
                           FindRefundByExternalId(refund.purchase_id, refund.external_id));
  const auto duplicate = [&] {
    return AlreadyExists("purchase " + std::to_string(refund.purchase_id.value()) +
                         " already has a refund with external id '" + refund.external_id + "'");
  };
  if (same) return duplicate();
  // The conditional update locks the purchase (PostgreSQL) and refuses to go
  // past the total in one step, so concurrent refunds cannot both pass.
  const SqlParam add_params[] = {refund.purchase_id.value(), refund.amount_minor, refund.points_reversed.count()};
  RAPPORT_ASSIGN_OR_RETURN(std::int64_t changed, session_.Execute("loyalty_purchase_add_refund", add_params));
  if (changed == 0) {
    return FailedPrecondition("refunds of purchase " + std::to_string(refund.purchase_id.value()) + " would exceed " +
                              "its total of " + std::to_string(purchase->total_minor) + " (already refunded " +
                              std::to_string(purchase->refunded_minor) + ")");
  }
  const SqlParam params[] = {refund.purchase_id.value(),        refund.amount_minor,
                             std::string_view(refund.reason),   std::string_view(refund.external_id),
                             ToUnixMicros(refund.occurred_at),  refund.points_reversed.count(),
                             refund.points_written_off.count(), ToUnixMicros(now_)};
  std::optional<std::int64_t> id;
  RAPPORT_RETURN_IF_ERROR(session_.Query("loyalty_refund_insert", params, [&](const SqlRow& row) {
    id = row.Int(0);
    return Status();
  }));
  if (!id) {
    // Another transaction committed the same external id after our check:
    // take our amount back off the purchase before answering.
    const SqlParam undo_params[] = {refund.purchase_id.value(), -refund.amount_minor, -refund.points_reversed.count()};
    RAPPORT_RETURN_IF_ERROR(session_.Execute("loyalty_purchase_add_refund", undo_params).status());
    return duplicate();
  }
  return *id;
}

Result<app::PostedTransaction> SqlLoyalty::PostTransaction(const app::NewLedgerTransaction& posting) {
  RAPPORT_RETURN_IF_ERROR(ValidatePosting(posting));
  const std::int64_t contact = posting.contact_id.value();

  // Lock the member's account (created empty when new), then the existing lots
  // the posting touches, in id order: postings of one member take turns. Most
  // postings find the account, so it is created only when the lock finds none.
  const SqlParam contact_params[] = {contact};
  app::LoyaltyAccount account;
  account.contact_id = posting.contact_id;
  bool account_found = false;
  const auto lock_account = [&] {
    return session_.Query("loyalty_account_lock", contact_params, [&](const SqlRow& row) {
      account = AccountFromRow(row);
      account_found = true;
      return Status();
    });
  };
  RAPPORT_RETURN_IF_ERROR(lock_account());
  if (!account_found) {
    RAPPORT_RETURN_IF_ERROR(session_.Execute("loyalty_account_ensure", contact_params).status());
    RAPPORT_RETURN_IF_ERROR(lock_account());
  }

  std::set<std::int64_t> touched(posting.released_lots.begin(), posting.released_lots.end());
  for (const app::NewEntry& entry : posting.entries) {
    if (entry.lot_id) touched.insert(*entry.lot_id);
  }
  std::map<std::int64_t, app::Lot> lots;
  if (!touched.empty()) {
    const std::string ids = JsonIntArray(std::vector<std::int64_t>(touched.begin(), touched.end()));
    const SqlParam lot_params[] = {std::string_view(ids)};
    RAPPORT_ASSIGN_OR_RETURN(std::vector<app::Lot> found, QueryLots("loyalty_lots_lock", lot_params));
    for (app::Lot& lot : found) lots.emplace(lot.id, std::move(lot));
  }
  for (std::int64_t id : touched) {
    const auto found = lots.find(id);
    if (found == lots.end() || found->second.contact_id != posting.contact_id) {
      return InvalidArgument("lot " + std::to_string(id) + " is not a lot of contact " + std::to_string(contact));
    }
  }
  for (std::int64_t id : posting.released_lots) {
    if (lots.at(id).state != app::LotState::kPending) {
      return FailedPrecondition("lot " + std::to_string(id) + " is " +
                                std::string(app::LotStateName(lots.at(id).state)) + ", not pending");
    }
  }

  // The balances after the posting, checked before anything is written.
  std::map<std::int64_t, Points> lot_remaining;
  for (const auto& [id, lot] : lots) lot_remaining[id] = lot.remaining;
  Points available = account.available;
  Points pending = account.pending;
  Points earned_total = account.earned_total;
  Points redeemed_total = account.redeemed_total;
  Points expired_total = account.expired_total;
  for (const app::NewEntry& entry : posting.entries) {
    if (!app::IsMemberAccount(entry.account)) continue;
    if (entry.lot_id) lot_remaining[*entry.lot_id] += entry.points;
    (entry.account == app::LedgerAccount::kAvailable ? available : pending) += entry.points;
    const bool credit = !entry.points.negative();
    switch (posting.kind) {
      case app::LedgerKind::kEarn:
      case app::LedgerKind::kBonus:
        if (credit) earned_total += entry.points;
        break;
      case app::LedgerKind::kRedeem:
        if (!credit) redeemed_total -= entry.points;
        break;
      case app::LedgerKind::kRedeemCancel:
        if (credit) redeemed_total -= entry.points;
        break;
      case app::LedgerKind::kExpire:
        if (!credit) expired_total -= entry.points;
        break;
      default: break;
    }
  }
  const bool negative_lot = std::any_of(lot_remaining.begin(), lot_remaining.end(),
                                        [](const auto& remaining) { return remaining.second.negative(); });
  if (negative_lot || available.negative() || pending.negative()) {
    return FailedPrecondition(std::string(kNegativeBalance));
  }

  // Append the transaction, its new lots and its entries.
  app::PostedTransaction posted;
  const std::string kind(app::LedgerKindName(posting.kind));
  const SqlParam transaction_params[] = {std::string_view(kind),
                                         contact,
                                         OptionalId(posting.purchase_id),
                                         OptionalId(posting.refund_id),
                                         ToUnixMicros(posting.occurred_at),
                                         ToUnixMicros(now_),
                                         std::string_view(posting.actor),
                                         std::string_view(posting.reason),
                                         std::string_view(posting.explanation_json)};
  RAPPORT_RETURN_IF_ERROR(session_.Query("loyalty_transaction_insert", transaction_params, [&](const SqlRow& row) {
    posted.transaction_id = row.Int(0);
    return Status();
  }));
  for (const app::NewLot& lot : posting.lots) {
    const std::string state(app::LotStateName(lot.state));
    const SqlParam lot_params[] = {contact,
                                   posted.transaction_id,
                                   lot.points.count(),
                                   lot.points.count(),  // its creating entry credits exactly its points
                                   std::string_view(state),
                                   ToUnixMicros(lot.earned_at),
                                   ToUnixMicros(lot.available_at),
                                   OptionalMicros(lot.expires_at),
                                   OptionalId(lot.purchase_id)};
    RAPPORT_RETURN_IF_ERROR(session_.Query("loyalty_lot_insert", lot_params, [&](const SqlRow& row) {
      posted.lot_ids.push_back(row.Int(0));
      return Status();
    }));
  }
  static constexpr std::string_view kEntryColumns[] = {"transaction_id", "account", "contact_id", "lot_id", "points"};
  std::vector<SqlParam> values;
  values.reserve(posting.entries.size() * std::size(kEntryColumns));
  for (const app::NewEntry& entry : posting.entries) {
    const bool member = app::IsMemberAccount(entry.account);
    SqlParam lot = SqlNull{};
    if (entry.lot_id) lot = *entry.lot_id;
    if (entry.new_lot) lot = posted.lot_ids[*entry.new_lot];
    values.insert(values.end(), {posted.transaction_id, app::LedgerAccountName(entry.account),
                                 member ? SqlParam(contact) : SqlParam(SqlNull{}), lot, entry.points.count()});
  }
  RAPPORT_RETURN_IF_ERROR(session_.CopyRows("ledger_entries", kEntryColumns, values));

  // Keep the lots and the account in step.
  const std::set<std::int64_t> released(posting.released_lots.begin(), posting.released_lots.end());
  for (const auto& [id, remaining] : lot_remaining) {
    const app::Lot& lot = lots.at(id);
    app::LotState state = lot.state;
    if (remaining.zero()) {
      state = posting.kind == app::LedgerKind::kExpire ? app::LotState::kExpired : app::LotState::kSpent;
    } else if (released.contains(id)) {
      state = app::LotState::kAvailable;
    } else if (state == app::LotState::kSpent || state == app::LotState::kExpired) {
      state = app::LotState::kAvailable;  // points came back (a cancelled redemption)
    }
    if (remaining == lot.remaining && state == lot.state) continue;
    const std::string state_name(app::LotStateName(state));
    const SqlParam set_params[] = {id, remaining.count(), std::string_view(state_name)};
    RAPPORT_RETURN_IF_ERROR(session_.Execute("loyalty_lot_set", set_params).status());
  }
  std::optional<Timestamp> last_activity = account.last_activity_at;
  if (posting.activity_at && (!last_activity || *last_activity < *posting.activity_at)) {
    last_activity = posting.activity_at;
  }
  const SqlParam account_params[] = {contact,
                                     available.count(),
                                     pending.count(),
                                     earned_total.count(),
                                     redeemed_total.count(),
                                     expired_total.count(),
                                     OptionalMicros(last_activity)};
  RAPPORT_RETURN_IF_ERROR(session_.Execute("loyalty_account_set", account_params).status());
  return posted;
}

Result<std::int64_t> SqlLoyalty::PutRules(std::string_view rules_json, std::int64_t expected_version, Timestamp at,
                                          std::string_view actor) {
  if (expected_version < 0) return InvalidArgument("the expected rules version must be 0 or more");
  RAPPORT_RETURN_IF_ERROR(ValidateText("rules", rules_json, kLoyaltyJsonBytesMax));
  RAPPORT_RETURN_IF_ERROR(ValidateText("actor", actor, kLoyaltyTextBytesMax));
  RAPPORT_ASSIGN_OR_RETURN(std::optional<app::ProgrammeRules> current, GetRules());
  const std::int64_t current_version = current ? current->version : 0;
  const auto changed = [&](std::int64_t version) {
    return Conflict("the rules are at version " + std::to_string(version) + ", not " +
                    std::to_string(expected_version) + ": someone saved in between");
  };
  if (current_version != expected_version) return changed(current_version);
  const std::int64_t version = expected_version + 1;
  const SqlParam params[] = {version, rules_json, ToUnixMicros(at), actor};
  bool inserted = false;
  RAPPORT_RETURN_IF_ERROR(session_.Query("loyalty_rules_insert", params, [&](const SqlRow&) {
    inserted = true;
    return Status();
  }));
  if (!inserted) return changed(version);
  return version;
}

Status SqlLoyalty::PutIdempotency(const app::IdempotencyRecord& record) {
  if (record.key.empty() || record.key.size() > app::kIdempotencyKeyBytesMax) {
    return InvalidArgument("an idempotency key has 1.." + std::to_string(app::kIdempotencyKeyBytesMax) +
                           " bytes, not " + std::to_string(record.key.size()));
  }
  RAPPORT_RETURN_IF_ERROR(ValidateText("idempotency scope", record.scope, kLoyaltyTextBytesMax));
  RAPPORT_RETURN_IF_ERROR(ValidateText("request hash", record.request_hash, kLoyaltyTextBytesMax));
  RAPPORT_RETURN_IF_ERROR(ValidateText("idempotent response", record.response_json, kLoyaltyJsonBytesMax));
  const SqlParam params[] = {std::string_view(record.scope),         std::string_view(record.key),
                             std::string_view(record.request_hash),  std::int64_t{record.status_code},
                             std::string_view(record.response_json), ToUnixMicros(record.created_at)};
  RAPPORT_ASSIGN_OR_RETURN(std::int64_t inserted, session_.Execute("loyalty_idempotency_insert", params));
  if (inserted == 0) return AlreadyExists("idempotency key '" + record.key + "' is held in " + record.scope);
  return {};
}

Result<std::int64_t> SqlLoyalty::PruneIdempotency(Timestamp cutoff, int limit) {
  const SqlParam params[] = {ToUnixMicros(cutoff), std::int64_t{Clamp(limit, kWorkRowsMax)}};
  return session_.Execute("loyalty_idempotency_prune", params);
}

}  // namespace rapport::store

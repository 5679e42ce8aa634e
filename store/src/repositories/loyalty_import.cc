// SqlLoyalty's bulk import methods (repositories/loyalty.h): the reads of an
// import batch (purchases by external id, contact states, itemised earnings)
// and ImportPurchases, which writes a whole batch in a few statements per
// table — reserved ids and CopyRows (COPY on PostgreSQL, one prepared INSERT
// on SQLite) for purchases, ledger transactions, lots and entries, one JSON
// upsert for the balances and one JSON statement for the events — keeping the
// invariants PostTransaction keeps: every posting sums to zero, each new lot's
// remaining is its one entry, each balance the sum of the member's entries.
//
// Thread safety: belongs to the thread running the transaction body.
#include <algorithm>
#include <map>
#include <string>
#include <unordered_set>
#include <utility>

#include "repositories/loyalty.h"
#include "repositories/purchase_rows.h"
#include "sql/deferred_indexes.h"

#include "rapport/base/limits.h"

namespace rapport::store {
namespace {

// Rows per CopyRows call and per JSON statement: bounds the parameter arrays
// whatever the batch size.
constexpr std::size_t kChunkRows = 8'192;

Status ValidateCount(std::size_t count) {
  if (count > app::kImportPurchasesMax) {
    return InvalidArgument("at most " + std::to_string(app::kImportPurchasesMax) + " items per import call, not " +
                           std::to_string(count));
  }
  return {};
}

void AppendJsonString(std::string& out, std::string_view text) {
  out += '"';
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (byte < 0x20) {
      static constexpr char kHex[] = "0123456789abcdef";
      out += "\\u00";
      out += kHex[byte >> 4];
      out += kHex[byte & 0xf];
    } else {
      out += c;
    }
  }
  out += '"';
}

std::string JsonStrings(std::span<const std::string> values) {
  std::string json = "[";
  for (const std::string& value : values) {
    if (json.size() > 1) json += ',';
    AppendJsonString(json, value);
  }
  json += ']';
  return json;
}

std::string JsonIds(std::span<const ContactId> ids) {
  std::string json = "[";
  for (const ContactId id : ids) {
    if (json.size() > 1) json += ',';
    json += std::to_string(id.value());
  }
  json += ']';
  return json;
}

Status ValidateImported(const app::ImportedPurchase& imported) {
  const app::Purchase& purchase = imported.purchase;
  if (purchase.lines.size() > app::kPurchaseLinesMax) {
    return InvalidArgument("a purchase has at most " + std::to_string(app::kPurchaseLinesMax) + " lines, not " +
                           std::to_string(purchase.lines.size()));
  }
  if (purchase.total_minor < -limits::kMoneyMinorAbsMax || purchase.total_minor > limits::kMoneyMinorAbsMax) {
    return InvalidArgument("purchase total is outside ±" + std::to_string(limits::kMoneyMinorAbsMax));
  }
  if (purchase.points_earned.negative() || purchase.points_earned.count() > limits::kPointsAbsMax) {
    return InvalidArgument("points earned must be 0.." + std::to_string(limits::kPointsAbsMax));
  }
  if (!purchase.contact_id.valid()) return InvalidArgument("an imported purchase names no contact");
  RAPPORT_RETURN_IF_ERROR(ValidateText("channel", purchase.channel, kLoyaltyTextBytesMax));
  RAPPORT_RETURN_IF_ERROR(ValidateText("store", purchase.store, kLoyaltyTextBytesMax));
  RAPPORT_RETURN_IF_ERROR(ValidateText("currency", purchase.currency, kLoyaltyTextBytesMax));
  RAPPORT_RETURN_IF_ERROR(ValidateText("external id", purchase.external_id, kExternalIdBytesMax));
  RAPPORT_RETURN_IF_ERROR(ValidateText("explanation", imported.explanation_json, kLoyaltyJsonBytesMax));
  for (const domain::PurchaseLine& line : purchase.lines) {
    RAPPORT_RETURN_IF_ERROR(ValidateText("sku", line.sku, kLoyaltyTextBytesMax));
    RAPPORT_RETURN_IF_ERROR(ValidateText("category", line.category, kLoyaltyTextBytesMax));
  }
  if (imported.lot_state != app::LotState::kPending && imported.lot_state != app::LotState::kAvailable) {
    return InvalidArgument("an imported purchase's lot must be pending or available");
  }
  return {};
}

// A member's part of a batch: what its entries add to the account.
struct AccountDelta {
  std::int64_t available = 0;
  std::int64_t pending = 0;
  std::int64_t earned = 0;
  std::int64_t last_activity_us = 0;
};

}  // namespace

// ---- reads

Result<std::vector<app::Purchase>> SqlLoyalty::FindPurchasesByExternalIds(std::span<const std::string> external_ids) {
  RAPPORT_RETURN_IF_ERROR(ValidateCount(external_ids.size()));
  std::vector<app::Purchase> found;
  for (std::size_t begin = 0; begin < external_ids.size(); begin += kChunkRows) {
    const std::size_t end = std::min(external_ids.size(), begin + kChunkRows);
    const std::string json = JsonStrings(external_ids.subspan(begin, end - begin));
    const SqlParam params[] = {std::string_view(json)};
    RAPPORT_RETURN_IF_ERROR(
        session_.Query("loyalty_import_purchases_by_external_ids", params, [&](const SqlRow& row) -> Status {
          RAPPORT_ASSIGN_OR_RETURN(app::Purchase purchase, PurchaseFromRow(row));
          found.push_back(std::move(purchase));
          return {};
        }));
  }
  return found;
}

Result<std::vector<app::ContactState>> SqlLoyalty::GetContactStates(std::span<const ContactId> ids) {
  RAPPORT_RETURN_IF_ERROR(ValidateCount(ids.size()));
  std::vector<app::ContactState> states;
  for (std::size_t begin = 0; begin < ids.size(); begin += kChunkRows) {
    const std::size_t end = std::min(ids.size(), begin + kChunkRows);
    const std::string json = JsonIds(ids.subspan(begin, end - begin));
    const SqlParam params[] = {std::string_view(json)};
    RAPPORT_RETURN_IF_ERROR(session_.Query("loyalty_import_contact_states", params, [&](const SqlRow& row) {
      app::ContactState state{.id = ContactId(row.Int(0))};
      if (!row.IsNull(1)) state.merged_into = ContactId(row.Int(1));
      states.push_back(state);
      return Status();
    }));
  }
  return states;
}

Result<std::vector<app::EarnedPoints>> SqlLoyalty::ListEarnings(std::span<const ContactId> contacts, Timestamp from,
                                                                Timestamp to) {
  RAPPORT_RETURN_IF_ERROR(ValidateCount(contacts.size()));
  std::vector<app::EarnedPoints> earnings;
  for (std::size_t begin = 0; begin < contacts.size(); begin += kChunkRows) {
    const std::size_t end = std::min(contacts.size(), begin + kChunkRows);
    const std::string json = JsonIds(contacts.subspan(begin, end - begin));
    const SqlParam params[] = {std::string_view(json), ToUnixMicros(from), ToUnixMicros(to)};
    RAPPORT_RETURN_IF_ERROR(session_.Query("loyalty_import_earnings", params, [&](const SqlRow& row) {
      earnings.push_back({.contact_id = ContactId(row.Int(0)),
                          .occurred_at = FromUnixMicros(row.Int(1)),
                          .points = Points(row.Int(2))});
      return Status();
    }));
  }
  // Chunks are each in order; the whole is when the contacts were sorted.
  std::stable_sort(earnings.begin(), earnings.end(), [](const app::EarnedPoints& a, const app::EarnedPoints& b) {
    return a.contact_id.value() != b.contact_id.value() ? a.contact_id.value() < b.contact_id.value()
                                                        : a.occurred_at < b.occurred_at;
  });
  return earnings;
}

// ---- the batch write

Result<std::vector<PurchaseId>> SqlLoyalty::ImportPurchases(std::span<const app::ImportedPurchase> batch,
                                                            std::string_view actor) {
  if (batch.empty()) return InvalidArgument("an import batch holds at least one purchase");
  RAPPORT_RETURN_IF_ERROR(ValidateCount(batch.size()));
  RAPPORT_RETURN_IF_ERROR(ValidateText("actor", actor, kLoyaltyTextBytesMax));
  std::unordered_set<std::string_view> external_ids;
  external_ids.reserve(batch.size());
  std::size_t earning = 0;
  for (const app::ImportedPurchase& imported : batch) {
    RAPPORT_RETURN_IF_ERROR(ValidateImported(imported));
    const std::string& external_id = imported.purchase.external_id;
    if (!external_id.empty() && !external_ids.insert(external_id).second) {
      return AlreadyExists("external id '" + external_id + "' is repeated in the import batch");
    }
    if (imported.purchase.points_earned.count() > 0) ++earning;
  }

  // Ids up front, so that every row can be copied with its references.
  const auto reserve = [&](std::string_view query, std::size_t count) -> Result<std::vector<std::int64_t>> {
    std::vector<std::int64_t> ids;
    if (count == 0) return ids;
    ids.reserve(count);
    const SqlParam params[] = {static_cast<std::int64_t>(count)};
    RAPPORT_RETURN_IF_ERROR(session_.Query(query, params, [&](const SqlRow& row) {
      ids.push_back(row.Int(0));
      return Status();
    }));
    RAPPORT_ASSERT(ids.size() == count);
    return ids;
  };
  RAPPORT_ASSIGN_OR_RETURN(const std::vector<std::int64_t> purchase_ids, reserve("purchase_reserve_ids", batch.size()));
  RAPPORT_ASSIGN_OR_RETURN(const std::vector<std::int64_t> transaction_ids,
                           reserve("loyalty_import_reserve_transaction_ids", earning));
  RAPPORT_ASSIGN_OR_RETURN(const std::vector<std::int64_t> lot_ids, reserve("loyalty_import_reserve_lot_ids", earning));

  static constexpr std::string_view kPurchaseColumns[] = {"id",
                                                          "contact_id",
                                                          "company_id",
                                                          "lines_json",
                                                          "total_minor",
                                                          "currency",
                                                          "channel",
                                                          "store",
                                                          "occurred_at_us",
                                                          "external_id",
                                                          "points_earned",
                                                          "rules_version",
                                                          "refunded_minor",
                                                          "points_reversed",
                                                          "recorded_at_us"};
  static constexpr std::string_view kTransactionColumns[] = {"id",          "kind",           "contact_id",
                                                             "purchase_id", "occurred_at_us", "recorded_at_us",
                                                             "actor",       "reason",         "explanation_json"};
  static constexpr std::string_view kLotColumns[] = {
      "id",    "contact_id",   "transaction_id",  "points",        "remaining",
      "state", "earned_at_us", "available_at_us", "expires_at_us", "purchase_id"};
  static constexpr std::string_view kEntryColumns[] = {"transaction_id", "account", "contact_id", "lot_id", "points"};
  const std::int64_t now_us = ToUnixMicros(now_);
  std::map<std::int64_t, AccountDelta> accounts;

  std::vector<SqlParam> purchases;
  std::vector<SqlParam> transactions;
  std::vector<SqlParam> lots;
  std::vector<SqlParam> entries;
  std::vector<std::string> lines_json;  // reserved per chunk: views into it stay valid
  std::string events;
  std::size_t posting = 0;  // index into transaction_ids / lot_ids
  for (std::size_t begin = 0; begin < batch.size(); begin += kChunkRows) {
    const std::size_t end = std::min(batch.size(), begin + kChunkRows);
    purchases.clear();
    transactions.clear();
    lots.clear();
    entries.clear();
    lines_json.clear();
    lines_json.reserve(end - begin);
    events = "[";
    for (std::size_t i = begin; i < end; ++i) {
      const app::ImportedPurchase& imported = batch[i];
      const app::Purchase& purchase = imported.purchase;
      const std::int64_t id = purchase_ids[i];
      const std::int64_t contact = purchase.contact_id.value();
      const std::int64_t occurred_us = ToUnixMicros(purchase.occurred_at);
      const std::int64_t points = purchase.points_earned.count();
      purchases.insert(purchases.end(),
                       {id, contact, purchase.company_id ? SqlParam(purchase.company_id->value()) : SqlParam(SqlNull{}),
                        std::string_view(lines_json.emplace_back(EncodeLines(purchase.lines))), purchase.total_minor,
                        std::string_view(purchase.currency), std::string_view(purchase.channel),
                        std::string_view(purchase.store), occurred_us, std::string_view(purchase.external_id), points,
                        purchase.rules_version, std::int64_t{0}, std::int64_t{0}, now_us});
      if (points > 0) {
        const std::int64_t transaction = transaction_ids[posting];
        const std::int64_t lot = lot_ids[posting];
        ++posting;
        const bool pending = imported.lot_state == app::LotState::kPending;
        transactions.insert(transactions.end(),
                            {transaction, std::string_view("earn"), contact, id, occurred_us, now_us, actor,
                             std::string_view(), std::string_view(imported.explanation_json)});
        lots.insert(lots.end(),
                    {lot, contact, transaction, points, points, app::LotStateName(imported.lot_state), occurred_us,
                     ToUnixMicros(imported.available_at),
                     imported.expires_at ? SqlParam(ToUnixMicros(*imported.expires_at)) : SqlParam(SqlNull{}), id});
        entries.insert(entries.end(), {transaction, app::LedgerAccountName(app::LedgerAccount::kIssued),
                                       SqlParam(SqlNull{}), SqlParam(SqlNull{}), -points});
        entries.insert(entries.end(),
                       {transaction,
                        app::LedgerAccountName(pending ? app::LedgerAccount::kPending : app::LedgerAccount::kAvailable),
                        contact, lot, points});
        AccountDelta& delta = accounts[contact];
        (pending ? delta.pending : delta.available) += points;
        delta.earned += points;
        delta.last_activity_us = std::max(delta.last_activity_us, occurred_us);
      }
      if (events.size() > 1) events += ',';
      events += "[\"purchase_recorded\"," + std::to_string(contact) + "," + std::to_string(occurred_us) + ",";
      std::string payload = "{\"purchase_id\":" + std::to_string(id) +
                            ",\"total_minor\":" + std::to_string(purchase.total_minor) + ",\"currency\":";
      AppendJsonString(payload, purchase.currency);
      payload += ",\"channel\":";
      AppendJsonString(payload, purchase.channel);
      payload += ",\"points\":" + std::to_string(points) + ",\"source\":\"import\"}";
      AppendJsonString(events, payload);
      events += ']';
    }
    events += ']';
    RAPPORT_RETURN_IF_ERROR(session_.CopyRows("purchases", kPurchaseColumns, purchases));
    if (!transactions.empty()) {
      RAPPORT_RETURN_IF_ERROR(session_.CopyRows("ledger_transactions", kTransactionColumns, transactions));
      RAPPORT_RETURN_IF_ERROR(session_.CopyRows("point_lots", kLotColumns, lots));
      RAPPORT_RETURN_IF_ERROR(session_.CopyRows("ledger_entries", kEntryColumns, entries));
    }
    const SqlParam event_params[] = {std::string_view(events), now_us, actor};
    RAPPORT_RETURN_IF_ERROR(
        session_.Query("loyalty_import_events", event_params, [](const SqlRow&) { return Status(); }));
  }

  // The balances, once per member, in contact order.
  std::string deltas = "[";
  std::size_t in_statement = 0;
  const auto flush = [&]() -> Status {
    if (in_statement == 0) return {};
    deltas += ']';
    const SqlParam params[] = {std::string_view(deltas)};
    RAPPORT_RETURN_IF_ERROR(session_.Execute("loyalty_import_accounts_add", params).status());
    deltas = "[";
    in_statement = 0;
    return {};
  };
  for (const auto& [contact, delta] : accounts) {
    if (in_statement > 0) deltas += ',';
    deltas += "[" + std::to_string(contact) + "," + std::to_string(delta.available) + "," +
              std::to_string(delta.pending) + "," + std::to_string(delta.earned) + "," +
              std::to_string(delta.last_activity_us) + "]";
    if (++in_statement == kChunkRows) RAPPORT_RETURN_IF_ERROR(flush());
  }
  RAPPORT_RETURN_IF_ERROR(flush());

  std::vector<PurchaseId> ids;
  ids.reserve(purchase_ids.size());
  for (const std::int64_t id : purchase_ids) ids.emplace_back(id);
  return ids;
}

namespace {

// Random-key indexes an import writes but never reads (see the port), and
// the two it reads for the rules' member history.
constexpr std::string_view kImportUnreadIndexes[] = {"events_subject",
                                                     "ledger_transactions_contact",
                                                     "point_lots_open",
                                                     "point_lots_due_release",
                                                     "point_lots_due_expiry",
                                                     "point_lots_purchase",
                                                     "ledger_entries_transaction",
                                                     "ledger_entries_lot",
                                                     "ledger_entries_contact",
                                                     "loyalty_accounts_inactive"};
constexpr std::string_view kMemberHistoryIndexes[] = {"purchases_contact", "ledger_transactions_earn"};

}  // namespace

Result<std::vector<std::string>> SqlLoyalty::DeferImportIndexes(bool keep_member_history) {
  RAPPORT_ASSIGN_OR_RETURN(std::vector<std::string> dropped, DeferIndexes(session_, kImportUnreadIndexes, now_));
  if (keep_member_history) return dropped;
  RAPPORT_ASSIGN_OR_RETURN(const std::vector<std::string> more, DeferIndexes(session_, kMemberHistoryIndexes, now_));
  dropped.insert(dropped.end(), more.begin(), more.end());
  return dropped;
}

Result<std::optional<std::string>> SqlLoyalty::BuildDeferredIndex() { return store::BuildDeferredIndex(session_); }

}  // namespace rapport::store

// See loyalty_support.h.
#include "loyalty_support.h"

#include <algorithm>
#include <exception>
#include <utility>

#include "json_builder.h"

#include "rapport/app/loyalty_rules_json.h"

namespace rapport::app {

Status RequireLoyalty(const Principal& principal, domain::Action action) {
  return AccessService::Authorize(principal, domain::Resource::kLoyalty, action);
}

Principal SystemPrincipal() {
  Principal principal;
  principal.kind = Principal::Kind::kSystem;
  principal.role = domain::Role::kAdmin;
  principal.name = "system";
  return principal;
}

Result<const date::time_zone*> LocateZone(const std::string& name) {
  try {
    return date::locate_zone(name);
  } catch (const std::exception&) {
    return InvalidArgument("unknown time zone \"" + name + "\"");
  }
}

Result<RulesView> LoadRules(LoyaltyReader& loyalty) {
  RAPPORT_ASSIGN_OR_RETURN(std::optional<ProgrammeRules> stored, loyalty.GetRules());
  RulesView view;
  if (!stored) {
    view.rules = domain::DefaultEarningRules();
    return view;
  }
  std::vector<domain::RuleProblem> problems;
  Result<domain::EarningRules> rules = EarningRulesFromJson(stored->rules_json, problems);
  if (!rules.ok() || !problems.empty()) {
    return DataLoss("stored loyalty rules version " + std::to_string(stored->version) + " cannot be read");
  }
  view.version = stored->version;
  view.rules = std::move(*rules);
  view.updated_at = stored->updated_at;
  view.updated_by = stored->updated_by;
  return view;
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

Result<std::int64_t> CreditBonus(WriteTransaction& transaction, const BonusCredit& bonus,
                                 const domain::EarningRules& rules, const date::time_zone& zone, Timestamp now,
                                 const std::string& actor) {
  RAPPORT_ASSERT(bonus.points.count() > 0);
  const bool pending = bonus.available_at > now;
  NewLedgerTransaction posting{
      .kind = LedgerKind::kBonus,
      .contact_id = bonus.contact,
      .purchase_id = bonus.purchase_id,
      .occurred_at = bonus.earned_at,
      .actor = actor,
      .reason = bonus.detail,
      .explanation_json =
          JsonBuilder().Add("rule", bonus.kind).Add("key", bonus.key).Add("detail", bonus.detail).Take()};
  posting.lots.push_back(NewLot{.points = bonus.points,
                                .state = pending ? LotState::kPending : LotState::kAvailable,
                                .earned_at = bonus.earned_at,
                                .available_at = bonus.available_at,
                                .expires_at = domain::LotExpiry(bonus.earned_at, rules.expiry, zone)});
  posting.entries.push_back({.account = LedgerAccount::kIssued, .points = -bonus.points});
  posting.entries.push_back(
      {.account = pending ? LedgerAccount::kPending : LedgerAccount::kAvailable, .points = bonus.points, .new_lot = 0});
  RAPPORT_ASSIGN_OR_RETURN(const PostedTransaction posted, transaction.LoyaltyOut().PostTransaction(posting));
  RAPPORT_RETURN_IF_ERROR(transaction.TiersOut().InsertBonusAward(
      BonusAward{.contact_id = bonus.contact, .key = bonus.key, .transaction_id = posted.transaction_id}));
  RAPPORT_RETURN_IF_ERROR(AppendContactEvent(transaction, "bonus_awarded", bonus.contact, bonus.earned_at, actor,
                                             JsonBuilder()
                                                 .Add("kind", bonus.kind)
                                                 .Add("points", bonus.points.count())
                                                 .Add("detail", bonus.detail)
                                                 .Add("pending", pending)
                                                 .Add("transaction_id", posted.transaction_id)
                                                 .Take()));
  return posted.transaction_id;
}

Result<std::vector<std::int64_t>> TransferOpenLots(WriteTransaction& transaction, ContactId from, ContactId to,
                                                   const std::vector<Lot>& lots, Timestamp now,
                                                   const std::string& actor, const std::string& reason) {
  RAPPORT_RETURN_IF_ERROR(transaction.RewardsOut().LockMember(std::min(from, to)));
  RAPPORT_RETURN_IF_ERROR(transaction.RewardsOut().LockMember(std::max(from, to)));
  RAPPORT_ASSIGN_OR_RETURN(const LoyaltyAccount source, transaction.Loyalty().GetAccount(from));
  std::vector<const Lot*> open;
  for (const Lot& lot : lots) {
    const bool holding = lot.state == LotState::kPending || lot.state == LotState::kAvailable;
    if (holding && lot.remaining.count() > 0 && lot.contact_id == from) open.push_back(&lot);
  }
  // Each posting holds one entry per lot and one against the adjustments account.
  constexpr std::size_t kLotsPerPosting = kLedgerEntriesPerTransactionMax / 2;
  std::vector<std::int64_t> created;
  for (std::size_t first = 0; first < open.size(); first += kLotsPerPosting) {
    const std::size_t last = std::min(open.size(), first + kLotsPerPosting);
    const std::string explanation = JsonBuilder()
                                        .Add("transfer", reason)
                                        .Add("from_contact_id", from.value())
                                        .Add("to_contact_id", to.value())
                                        .Take();
    NewLedgerTransaction out{.kind = LedgerKind::kAdjust,
                             .contact_id = from,
                             .occurred_at = now,
                             .actor = actor,
                             .reason = reason,
                             .explanation_json = explanation};
    NewLedgerTransaction in{.kind = LedgerKind::kAdjust,
                            .contact_id = to,
                            .occurred_at = now,
                            .actor = actor,
                            .reason = reason,
                            .explanation_json = explanation,
                            .activity_at = source.last_activity_at};
    Points total{0};
    for (std::size_t i = first; i < last; ++i) {
      const Lot& lot = *open[i];
      const LedgerAccount account =
          lot.state == LotState::kPending ? LedgerAccount::kPending : LedgerAccount::kAvailable;
      out.entries.push_back({.account = account, .points = -lot.remaining, .lot_id = lot.id});
      in.lots.push_back(NewLot{.points = lot.remaining,
                               .state = lot.state,
                               .earned_at = lot.earned_at,
                               .available_at = lot.available_at,
                               .expires_at = lot.expires_at,
                               .purchase_id = lot.purchase_id});
      in.entries.push_back({.account = account, .points = lot.remaining, .new_lot = in.lots.size() - 1});
      total += lot.remaining;
    }
    out.entries.push_back({.account = LedgerAccount::kAdjustments, .points = total});
    in.entries.push_back({.account = LedgerAccount::kAdjustments, .points = -total});
    RAPPORT_RETURN_IF_ERROR(transaction.LoyaltyOut().PostTransaction(out).status());
    RAPPORT_ASSIGN_OR_RETURN(const PostedTransaction posted, transaction.LoyaltyOut().PostTransaction(in));
    created.insert(created.end(), posted.lot_ids.begin(), posted.lot_ids.end());
    RAPPORT_RETURN_IF_ERROR(AppendContactEvent(transaction, "points_transferred", to, now, actor,
                                               JsonBuilder()
                                                   .Add("points", total.count())
                                                   .Add("from_contact_id", from.value())
                                                   .Add("reason", reason)
                                                   .Add("transaction_id", posted.transaction_id)
                                                   .Take()));
  }
  return created;
}

}  // namespace rapport::app

// See loyalty_service.h. Each use case is one store transaction: read what
// the rules need (the programme's rules, the member's lots and earlier
// earnings), let the domain compute (domain/loyalty.h), then write the
// purchase or refund, one balanced ledger posting, the events and, for
// manager actions, the audit record. The store re-checks that postings
// balance and that nothing goes below zero.
#include "rapport/app/loyalty_service.h"

#include <algorithm>
#include <chrono>
#include <exception>
#include <utility>

#include <rapidjson/document.h>

#include "earning_plan.h"
#include "json_builder.h"
#include "loyalty_support.h"
#include "purchase_extras.h"
#include "relationship_support.h"

#include "rapport/app/loyalty_rules_json.h"
#include "rapport/base/limits.h"
#include "rapport/domain/access.h"

namespace rapport::app {
namespace {

constexpr std::size_t kPurchaseTextBytesMax = 128;  // channel, store, external id, line SKU and category
constexpr std::size_t kRefundReasonBytesMax = 500;

std::string FormatMinor(std::int64_t minor, std::string_view currency_code) {
  Result<Currency> currency = Currency::FromCode(currency_code);
  if (!currency.ok()) return std::to_string(minor) + " " + std::string(currency_code);
  return Money(minor, *currency).ToString();
}

// The steps written by StepsJson, for replays of a purchase.
std::vector<domain::EarningStep> StepsFromJson(std::string_view json) {
  std::vector<domain::EarningStep> steps;
  rapidjson::Document document;
  document.Parse(json.data(), json.size());
  if (document.HasParseError() || !document.IsObject() || !document.HasMember("steps") ||
      !document["steps"].IsArray()) {
    return steps;
  }
  for (const rapidjson::Value& step : document["steps"].GetArray()) {
    if (!step.IsObject() || !step.HasMember("rule") || !step["rule"].IsString() || !step.HasMember("detail") ||
        !step["detail"].IsString() || !step.HasMember("points") || !step["points"].IsInt64()) {
      continue;
    }
    steps.push_back({.rule = step["rule"].GetString(),
                     .detail = step["detail"].GetString(),
                     .points = Points(step["points"].GetInt64())});
  }
  return steps;
}

LedgerAccount AccountOf(const Lot& lot) {
  return lot.state == LotState::kPending ? LedgerAccount::kPending : LedgerAccount::kAvailable;
}

Points Sum(const std::vector<domain::LotBalance>& balances) {
  Points sum{0};
  for (const domain::LotBalance& balance : balances) sum += balance.remaining;
  return sum;
}

// Removes a key from the in-flight set when the request ends.
class InFlightGuard {
 public:
  InFlightGuard(std::mutex& mutex, std::set<std::pair<std::string, std::string>>& keys,
                std::pair<std::string, std::string> key)
      : mutex_(mutex), keys_(keys), key_(std::move(key)) {}
  ~InFlightGuard() {
    std::lock_guard lock(mutex_);
    keys_.erase(key_);
  }
  InFlightGuard(const InFlightGuard&) = delete;
  InFlightGuard& operator=(const InFlightGuard&) = delete;

 private:
  std::mutex& mutex_;
  std::set<std::pair<std::string, std::string>>& keys_;
  std::pair<std::string, std::string> key_;
};

}  // namespace

LoyaltyService::LoyaltyService(Store& store, const Clock& clock) : store_(store), clock_(clock) {}

// ---- purchases --------------------------------------------------------------

LoyaltyService::PurchaseOutcome LoyaltyService::RecordPurchase(const Principal& principal, const Origin& origin,
                                                               const PurchaseRequest& request,
                                                               const std::optional<IdempotencyTicket>& ticket,
                                                               const PurchaseRenderer& render) {
  (void)origin;  // purchases are business records with their own events, not audited actions
  PurchaseOutcome outcome;
  if (Status allowed = RequireLoyalty(principal, domain::Action::kWrite); !allowed.ok()) {
    outcome.status = std::move(allowed);
    return outcome;
  }
  const Timestamp now = clock_.Now();
  outcome.errors = CheckPurchaseRequest(request, now);
  if (ticket && (ticket->key.empty() || ticket->key.size() > kIdempotencyKeyBytesMax)) {
    outcome.errors.push_back({"Idempotency-Key", "must be 1 to " + std::to_string(kIdempotencyKeyBytesMax) + " bytes"});
  }
  if (!outcome.errors.empty()) {
    outcome.status = InvalidArgument("the purchase has invalid fields");
    return outcome;
  }
  std::optional<InFlightGuard> guard;
  if (ticket) {
    std::pair<std::string, std::string> key{ticket->scope, ticket->key};
    {
      std::lock_guard lock(in_flight_mutex_);
      if (!in_flight_.insert(key).second) {
        outcome.status = Conflict("a request with this Idempotency-Key is in progress");
        return outcome;
      }
    }
    guard.emplace(in_flight_mutex_, in_flight_, std::move(key));
  }

  const std::string actor = principal.Actor();
  const auto body = [&](WriteTransaction& transaction) -> Status {
    outcome = PurchaseOutcome{};
    LoyaltyReader& loyalty = transaction.Loyalty();
    if (ticket) {
      RAPPORT_ASSIGN_OR_RETURN(std::optional<IdempotencyRecord> stored,
                               loyalty.GetIdempotency(ticket->scope, ticket->key));
      if (stored) {
        if (stored->request_hash != ticket->request_hash) {
          return InvalidArgument("this Idempotency-Key was used for a different request");
        }
        outcome.response = IdempotentResponse{.status_code = stored->status_code, .body = stored->response_json};
        outcome.idempotency = IdempotencyOutcome::kReplayed;
        return Status::Ok();
      }
    }
    if (!request.external_id.empty()) {
      RAPPORT_ASSIGN_OR_RETURN(std::optional<Purchase> existing, loyalty.FindPurchaseByExternalId(request.external_id));
      if (existing) {
        if (!SameContent(*existing, request)) {
          return FailedPrecondition("external id \"" + request.external_id +
                                    "\" was recorded with different content (purchase " +
                                    std::to_string(existing->id.value()) + ")");
        }
        RecordedPurchase replay;
        replay.replayed = true;
        replay.earning.points = existing->points_earned;
        RAPPORT_ASSIGN_OR_RETURN(std::vector<Lot> lots, loyalty.ListPurchaseLots(existing->id));
        if (!lots.empty()) {
          replay.lot = lots.front();
          RAPPORT_ASSIGN_OR_RETURN(LedgerTransaction earn,
                                   ReadLedgerTransaction(loyalty, existing->contact_id, lots.front().transaction_id));
          replay.earning.steps = StepsFromJson(earn.explanation_json);
        }
        RAPPORT_ASSIGN_OR_RETURN(replay.account, loyalty.GetAccount(existing->contact_id));
        replay.purchase = std::move(*existing);
        outcome.recorded = std::move(replay);
        return Status::Ok();
      }
    }
    const ContactId member[] = {request.contact_id};
    RAPPORT_ASSIGN_OR_RETURN(const std::vector<ContactState> states, loyalty.GetContactStates(member));
    if (states.empty() || states.front().merged_into) {
      outcome.errors.push_back({"contact_id", states.empty()
                                                  ? "no such contact"
                                                  : "the contact was merged into contact " +
                                                        std::to_string(states.front().merged_into->value())});
      return InvalidArgument("the purchase has invalid fields");
    }
    RAPPORT_ASSIGN_OR_RETURN(const RulesView rules, LoadRules(loyalty));
    RAPPORT_ASSIGN_OR_RETURN(const date::time_zone* zone, LocateZone(rules.rules.time_zone));
    PurchaseExtrasContext extras{
        .transaction = transaction, .rules = rules.rules, .zone = *zone, .now = now, .actor = actor};
    RAPPORT_ASSIGN_OR_RETURN(const PreparedExtras prepared, PrepareExtras(extras, request, outcome.errors));

    EarlierEarnings earlier;
    if (!rules.rules.cap_per_day.zero()) {
      const Timestamp day = domain::StartOfLocalDay(request.occurred_at, *zone);
      RAPPORT_ASSIGN_OR_RETURN(earlier.same_day,
                               loyalty.EarnedBetween(request.contact_id, day, request.occurred_at + Microseconds(1)));
    }
    if (!rules.rules.cap_per_month.zero()) {
      const Timestamp month = domain::StartOfLocalMonth(request.occurred_at, *zone);
      RAPPORT_ASSIGN_OR_RETURN(earlier.same_month,
                               loyalty.EarnedBetween(request.contact_id, month, request.occurred_at + Microseconds(1)));
    }
    const EarningPlan plan =
        PlanEarning({.rules = rules.rules, .rules_version = rules.version, .zone = *zone, .now = now}, request,
                    prepared.tier_definition, earlier);
    RecordedPurchase recorded;
    recorded.earning = plan.earning;

    Purchase purchase{.contact_id = request.contact_id,
                      .company_id = request.company_id,
                      .lines = request.lines,
                      .total_minor = request.total_minor,
                      .currency = request.currency,
                      .channel = request.channel,
                      .store = request.store,
                      .occurred_at = request.occurred_at,
                      .external_id = request.external_id,
                      .points_earned = recorded.earning.points,
                      .rules_version = rules.version};
    RAPPORT_ASSIGN_OR_RETURN(purchase.id, transaction.LoyaltyOut().InsertPurchase(purchase));
    RAPPORT_RETURN_IF_ERROR(AppendContactEvent(transaction, "purchase_recorded", request.contact_id,
                                               request.occurred_at, actor,
                                               JsonBuilder()
                                                   .Add("purchase_id", purchase.id.value())
                                                   .Add("total_minor", request.total_minor)
                                                   .Add("currency", request.currency)
                                                   .Add("channel", request.channel)
                                                   .Take()));
    if (!recorded.earning.points.zero()) {
      const bool pending = plan.pending;
      const NewLedgerTransaction posting = EarnPosting(plan, request, purchase.id, actor);
      RAPPORT_ASSIGN_OR_RETURN(const PostedTransaction posted, transaction.LoyaltyOut().PostTransaction(posting));
      // The one lot, as the posting wrote it.
      const NewLot& written = posting.lots.front();
      recorded.lot = Lot{.id = posted.lot_ids.front(),
                         .contact_id = request.contact_id,
                         .transaction_id = posted.transaction_id,
                         .points = written.points,
                         .remaining = written.points,
                         .state = written.state,
                         .earned_at = written.earned_at,
                         .available_at = written.available_at,
                         .expires_at = written.expires_at,
                         .purchase_id = purchase.id};
      RAPPORT_RETURN_IF_ERROR(AppendContactEvent(transaction, "points_earned", request.contact_id, request.occurred_at,
                                                 actor,
                                                 JsonBuilder()
                                                     .Add("purchase_id", purchase.id.value())
                                                     .Add("points", recorded.earning.points.count())
                                                     .Add("pending", pending)
                                                     .Add("transaction_id", posted.transaction_id)
                                                     .Take()));
    }
    RAPPORT_RETURN_IF_ERROR(ApplyExtras(extras, prepared, purchase, recorded, outcome.errors));
    RAPPORT_ASSIGN_OR_RETURN(std::optional<Purchase> stored, loyalty.GetPurchase(purchase.id));
    if (!stored) return Internal("purchase " + std::to_string(purchase.id.value()) + " vanished after insert");
    recorded.purchase = std::move(*stored);
    RAPPORT_ASSIGN_OR_RETURN(recorded.account, loyalty.GetAccount(request.contact_id));
    if (ticket && render) {
      IdempotentResponse response = render(recorded);
      RAPPORT_RETURN_IF_ERROR(transaction.LoyaltyOut().PutIdempotency(IdempotencyRecord{
          .scope = ticket->scope,
          .key = ticket->key,
          .request_hash = ticket->request_hash,
          .status_code = response.status_code,
          .response_json = response.body,
          .created_at = now,
      }));
      outcome.response = std::move(response);
    }
    outcome.recorded = std::move(recorded);
    return Status::Ok();
  };
  Status written = store_.Write(body);
  if (written.code() == StatusCode::kAlreadyExists) {
    // Another node recorded the same external id or key between our read and
    // our write: run again, which now finds and replays it.
    written = store_.Write(body);
  }
  outcome.status = std::move(written);
  if (!outcome.status.ok()) outcome.recorded.reset();
  if (outcome.status.ok() && outcome.recorded && outcome.recorded->replayed && ticket && render && !outcome.response) {
    outcome.response = render(*outcome.recorded);
  }
  return outcome;
}

Result<RecordedRefund> LoyaltyService::RefundPurchase(const Principal& principal, const Origin& origin,
                                                      PurchaseId purchase_id, const RefundRequest& request) {
  (void)origin;
  RAPPORT_RETURN_IF_ERROR(RequireLoyalty(principal, domain::Action::kWrite));
  if (request.amount_minor <= 0 || request.amount_minor > kPurchaseTotalMinorMax) {
    return InvalidArgument("amount_minor must be between 1 and " + std::to_string(kPurchaseTotalMinorMax));
  }
  if (request.reason.size() > kRefundReasonBytesMax) {
    return InvalidArgument("reason is longer than " + std::to_string(kRefundReasonBytesMax) + " bytes");
  }
  if (request.external_id.size() > kPurchaseTextBytesMax) {
    return InvalidArgument("external_id is longer than " + std::to_string(kPurchaseTextBytesMax) + " bytes");
  }
  const Timestamp now = clock_.Now();
  const std::string actor = principal.Actor();
  RecordedRefund result;
  RAPPORT_RETURN_IF_ERROR(store_.Write([&](WriteTransaction& transaction) -> Status {
    result = RecordedRefund{};
    LoyaltyReader& loyalty = transaction.Loyalty();
    RAPPORT_ASSIGN_OR_RETURN(std::optional<Purchase> purchase, loyalty.GetPurchase(purchase_id));
    if (!purchase) return NotFound("no purchase " + std::to_string(purchase_id.value()));
    if (!request.external_id.empty()) {
      RAPPORT_ASSIGN_OR_RETURN(std::optional<Refund> existing,
                               loyalty.FindRefundByExternalId(purchase_id, request.external_id));
      if (existing) {
        if (existing->amount_minor != request.amount_minor) {
          return FailedPrecondition("refund external id \"" + request.external_id +
                                    "\" was recorded with a different amount");
        }
        result.refund = std::move(*existing);
        result.purchase = std::move(*purchase);
        result.replayed = true;
        RAPPORT_ASSIGN_OR_RETURN(result.account, loyalty.GetAccount(result.purchase.contact_id));
        return Status::Ok();
      }
    }
    const std::int64_t not_refunded = purchase->total_minor - purchase->refunded_minor;
    if (request.amount_minor > not_refunded) {
      return FailedPrecondition("refund of " + FormatMinor(request.amount_minor, purchase->currency) + " exceeds the " +
                                FormatMinor(not_refunded, purchase->currency) + " not yet refunded");
    }
    const Points reversal = domain::RefundReversal(purchase->points_earned, purchase->total_minor,
                                                   purchase->refunded_minor, request.amount_minor);
    const Timestamp occurred_at = request.occurred_at.value_or(now);

    // Points come back from the purchase's own lot first, then the oldest
    // available ones; what the member has already spent is written off.
    std::vector<std::pair<Lot, Points>> draws;
    Points needed = reversal;
    if (needed.count() > 0) {
      RAPPORT_ASSIGN_OR_RETURN(std::vector<Lot> own, loyalty.ListPurchaseLots(purchase_id));
      for (const Lot& lot : own) {
        if (needed.zero()) break;
        if (lot.remaining.count() <= 0 || (lot.state != LotState::kPending && lot.state != LotState::kAvailable)) {
          continue;
        }
        const Points taken = std::min(needed, lot.remaining);
        draws.emplace_back(lot, taken);
        needed -= taken;
      }
    }
    if (needed.count() > 0) {
      RAPPORT_ASSIGN_OR_RETURN(std::vector<Lot> open, loyalty.ListOpenLots(purchase->contact_id));
      const std::vector<domain::LotBalance> usable = UsableBalances(open, now, purchase_id);
      const Points amount = std::min(needed, Sum(usable));
      if (amount.count() > 0) {
        RAPPORT_ASSIGN_OR_RETURN(std::vector<domain::LotDraw> taken, domain::DrawOldestFirst(usable, amount, now));
        for (const domain::LotDraw& draw : taken) {
          const auto lot = std::find_if(open.begin(), open.end(), [&](const Lot& l) { return l.id == draw.lot_id; });
          RAPPORT_ASSERT(lot != open.end());
          draws.emplace_back(*lot, draw.points);
        }
        needed -= amount;
      }
    }
    const Points taken = reversal - needed;
    Refund refund{.purchase_id = purchase_id,
                  .amount_minor = request.amount_minor,
                  .reason = request.reason,
                  .external_id = request.external_id,
                  .occurred_at = occurred_at,
                  .points_reversed = taken,
                  .points_written_off = needed};
    RAPPORT_ASSIGN_OR_RETURN(refund.id, transaction.LoyaltyOut().InsertRefund(refund));
    RAPPORT_RETURN_IF_ERROR(AppendContactEvent(transaction, "purchase_refunded", purchase->contact_id, occurred_at,
                                               actor,
                                               JsonBuilder()
                                                   .Add("purchase_id", purchase_id.value())
                                                   .Add("refund_id", refund.id)
                                                   .Add("amount_minor", request.amount_minor)
                                                   .Add("currency", purchase->currency)
                                                   .Take()));
    if (reversal.count() > 0) {
      NewLedgerTransaction posting{
          .kind = LedgerKind::kRefund,
          .contact_id = purchase->contact_id,
          .purchase_id = purchase_id,
          .refund_id = refund.id,
          .occurred_at = occurred_at,
          .actor = actor,
          .reason = request.reason,
          .explanation_json =
              JsonBuilder().Add("reversal", reversal.count()).Add("written_off", needed.count()).Take()};
      for (const auto& [lot, points] : draws) {
        posting.entries.push_back({.account = AccountOf(lot), .points = -points, .lot_id = lot.id});
      }
      if (taken.count() > 0) posting.entries.push_back({.account = LedgerAccount::kIssued, .points = taken});
      if (needed.count() > 0) {
        posting.entries.push_back({.account = LedgerAccount::kIssued, .points = needed});
        posting.entries.push_back({.account = LedgerAccount::kWrittenOff, .points = -needed});
      }
      RAPPORT_ASSIGN_OR_RETURN(const PostedTransaction posted, transaction.LoyaltyOut().PostTransaction(posting));
      RAPPORT_RETURN_IF_ERROR(AppendContactEvent(transaction, "points_reversed", purchase->contact_id, occurred_at,
                                                 actor,
                                                 JsonBuilder()
                                                     .Add("purchase_id", purchase_id.value())
                                                     .Add("points", taken.count())
                                                     .Add("written_off", needed.count())
                                                     .Add("transaction_id", posted.transaction_id)
                                                     .Take()));
    }
    RAPPORT_ASSIGN_OR_RETURN(std::optional<Purchase> after, loyalty.GetPurchase(purchase_id));
    if (!after) return Internal("purchase " + std::to_string(purchase_id.value()) + " vanished during a refund");
    RAPPORT_ASSIGN_OR_RETURN(std::vector<Refund> refunds, loyalty.ListRefunds(purchase_id));
    for (Refund& stored : refunds) {
      if (stored.id == refund.id) result.refund = std::move(stored);
    }
    result.purchase = std::move(*after);
    RAPPORT_ASSIGN_OR_RETURN(result.account, loyalty.GetAccount(result.purchase.contact_id));
    return Status::Ok();
  }));
  return result;
}

// ---- adjustments ------------------------------------------------------------

Result<LedgerTransaction> LoyaltyService::Adjust(const Principal& principal, const Origin& origin, ContactId contact,
                                                 Points points, const std::string& reason) {
  RAPPORT_RETURN_IF_ERROR(RequireLoyalty(principal, domain::Action::kAdmin));
  if (points.zero() || points.count() > limits::kPointsAbsMax || points.count() < -limits::kPointsAbsMax) {
    return InvalidArgument("points must be a non-zero integer between -" + std::to_string(limits::kPointsAbsMax) +
                           " and " + std::to_string(limits::kPointsAbsMax));
  }
  if (reason.empty() || reason.size() > kAdjustmentReasonBytesMax) {
    return InvalidArgument("a reason of 1 to " + std::to_string(kAdjustmentReasonBytesMax) + " bytes is required");
  }
  const Timestamp now = clock_.Now();
  const std::string actor = principal.Actor();
  LedgerTransaction result;
  RAPPORT_RETURN_IF_ERROR(store_.Write([&](WriteTransaction& transaction) -> Status {
    RAPPORT_RETURN_IF_ERROR(LiveContact(transaction.Relationships(), contact).status());
    LoyaltyReader& loyalty = transaction.Loyalty();
    NewLedgerTransaction posting{
        .kind = LedgerKind::kAdjust, .contact_id = contact, .occurred_at = now, .actor = actor, .reason = reason};
    if (points.count() > 0) {
      RAPPORT_ASSIGN_OR_RETURN(const RulesView rules, LoadRules(loyalty));
      RAPPORT_ASSIGN_OR_RETURN(const date::time_zone* zone, LocateZone(rules.rules.time_zone));
      posting.lots.push_back(NewLot{.points = points,
                                    .state = LotState::kAvailable,
                                    .earned_at = now,
                                    .available_at = now,
                                    .expires_at = domain::LotExpiry(now, rules.rules.expiry, *zone)});
      posting.entries.push_back({.account = LedgerAccount::kAdjustments, .points = -points});
      posting.entries.push_back({.account = LedgerAccount::kAvailable, .points = points, .new_lot = 0});
    } else {
      RAPPORT_ASSIGN_OR_RETURN(std::vector<Lot> open, loyalty.ListOpenLots(contact));
      RAPPORT_ASSIGN_OR_RETURN(std::vector<domain::LotDraw> draws,
                               domain::DrawOldestFirst(UsableBalances(open, now), -points, now));
      for (const domain::LotDraw& draw : draws) {
        posting.entries.push_back(
            {.account = LedgerAccount::kAvailable, .points = -draw.points, .lot_id = draw.lot_id});
      }
      posting.entries.push_back({.account = LedgerAccount::kAdjustments, .points = -points});
    }
    RAPPORT_ASSIGN_OR_RETURN(const PostedTransaction posted, transaction.LoyaltyOut().PostTransaction(posting));
    RAPPORT_RETURN_IF_ERROR(RecordChange(transaction, principal, origin, now, "points_adjusted", "loyalty.adjust",
                                         "contact", contact.value(),
                                         JsonBuilder()
                                             .Add("points", points.count())
                                             .Add("reason", reason)
                                             .Add("transaction_id", posted.transaction_id)
                                             .Take()));
    RAPPORT_ASSIGN_OR_RETURN(result, ReadLedgerTransaction(loyalty, contact, posted.transaction_id));
    return Status::Ok();
  }));
  return result;
}

// ---- reads ------------------------------------------------------------------

Result<std::optional<Purchase>> LoyaltyService::GetPurchase(const Principal& principal, PurchaseId id) {
  RAPPORT_RETURN_IF_ERROR(RequireLoyalty(principal, domain::Action::kRead));
  std::optional<Purchase> purchase;
  RAPPORT_RETURN_IF_ERROR(store_.Read([&](ReadTransaction& transaction) -> Status {
    RAPPORT_ASSIGN_OR_RETURN(purchase, transaction.Loyalty().GetPurchase(id));
    return Status::Ok();
  }));
  return purchase;
}

Result<PurchasePage> LoyaltyService::ListPurchases(const Principal& principal, ContactId contact,
                                                   std::optional<PurchaseId> before, int limit) {
  RAPPORT_RETURN_IF_ERROR(RequireLoyalty(principal, domain::Action::kRead));
  RAPPORT_RETURN_IF_ERROR(ValidatePageLimit(limit, kLoyaltyPageMax));
  PurchasePage page;
  RAPPORT_RETURN_IF_ERROR(store_.Read([&](ReadTransaction& transaction) -> Status {
    RAPPORT_RETURN_IF_ERROR(LiveContact(transaction.Relationships(), contact).status());
    RAPPORT_ASSIGN_OR_RETURN(page.items, transaction.Loyalty().ListPurchases(contact, before, limit + 1));
    return Status::Ok();
  }));
  page.next = TrimToPage(page.items, limit);
  return page;
}

Result<std::vector<Refund>> LoyaltyService::ListRefunds(const Principal& principal, PurchaseId purchase) {
  RAPPORT_RETURN_IF_ERROR(RequireLoyalty(principal, domain::Action::kRead));
  std::vector<Refund> refunds;
  RAPPORT_RETURN_IF_ERROR(store_.Read([&](ReadTransaction& transaction) -> Status {
    RAPPORT_ASSIGN_OR_RETURN(refunds, transaction.Loyalty().ListRefunds(purchase));
    return Status::Ok();
  }));
  return refunds;
}

Result<LoyaltySummary> LoyaltyService::Summary(const Principal& principal, ContactId contact) {
  RAPPORT_RETURN_IF_ERROR(RequireLoyalty(principal, domain::Action::kRead));
  const Timestamp now = clock_.Now();
  LoyaltySummary summary;
  RulesView rules;
  RAPPORT_RETURN_IF_ERROR(store_.Read([&](ReadTransaction& transaction) -> Status {
    RAPPORT_RETURN_IF_ERROR(LiveContact(transaction.Relationships(), contact).status());
    LoyaltyReader& loyalty = transaction.Loyalty();
    RAPPORT_ASSIGN_OR_RETURN(summary.account, loyalty.GetAccount(contact));
    RAPPORT_ASSIGN_OR_RETURN(summary.lots, loyalty.ListOpenLots(contact));
    RAPPORT_ASSIGN_OR_RETURN(rules, LoadRules(loyalty));
    RAPPORT_ASSIGN_OR_RETURN(const date::time_zone* zone, LocateZone(rules.rules.time_zone));
    RAPPORT_ASSIGN_OR_RETURN(summary.tier, SummariseTier(transaction, rules.rules, *zone, contact, now));
    return Status::Ok();
  }));
  const Timestamp soon = now + std::chrono::days(kExpiringSoonDays);
  for (const Lot& lot : summary.lots) {
    if (lot.state != LotState::kAvailable || !lot.expires_at) continue;
    if (*lot.expires_at <= soon) summary.expiring_soon += lot.remaining;
    if (!summary.next_expiry_at || *lot.expires_at < *summary.next_expiry_at) summary.next_expiry_at = lot.expires_at;
  }
  if (rules.rules.expiry.kind == domain::ExpiryKind::kInactivityMonths && summary.account.last_activity_at &&
      summary.account.available.count() > 0) {
    RAPPORT_ASSIGN_OR_RETURN(const date::time_zone* zone, LocateZone(rules.rules.time_zone));
    summary.inactivity_expiry_at =
        domain::InactivityExpiry(*summary.account.last_activity_at, rules.rules.expiry, *zone);
  }
  return summary;
}

Result<LedgerPage> LoyaltyService::Ledger(const Principal& principal, ContactId contact,
                                          std::optional<std::int64_t> before, int limit) {
  RAPPORT_RETURN_IF_ERROR(RequireLoyalty(principal, domain::Action::kRead));
  RAPPORT_RETURN_IF_ERROR(ValidatePageLimit(limit, kLoyaltyPageMax));
  LedgerPage page;
  RAPPORT_RETURN_IF_ERROR(store_.Read([&](ReadTransaction& transaction) -> Status {
    RAPPORT_RETURN_IF_ERROR(LiveContact(transaction.Relationships(), contact).status());
    RAPPORT_ASSIGN_OR_RETURN(page.items, transaction.Loyalty().ListLedger(contact, before, limit + 1));
    return Status::Ok();
  }));
  page.next = TrimToPage(page.items, limit);
  return page;
}

Result<LedgerCheck> LoyaltyService::Check(const Principal& principal, std::optional<ContactId> contact) {
  RAPPORT_RETURN_IF_ERROR(RequireLoyalty(principal, domain::Action::kAdmin));
  LedgerCheck check;
  RAPPORT_RETURN_IF_ERROR(store_.Read([&](ReadTransaction& transaction) -> Status {
    RAPPORT_ASSIGN_OR_RETURN(check, transaction.Loyalty().CheckLedger(contact));
    return Status::Ok();
  }));
  return check;
}

// ---- rules ------------------------------------------------------------------

Result<RulesView> LoyaltyService::GetRules(const Principal& principal) {
  RAPPORT_RETURN_IF_ERROR(RequireLoyalty(principal, domain::Action::kRead));
  RulesView view;
  RAPPORT_RETURN_IF_ERROR(store_.Read([&](ReadTransaction& transaction) -> Status {
    RAPPORT_ASSIGN_OR_RETURN(view, LoadRules(transaction.Loyalty()));
    return Status::Ok();
  }));
  return view;
}

LoyaltyService::RulesOutcome LoyaltyService::PutRules(const Principal& principal, const Origin& origin,
                                                      const domain::EarningRules& rules,
                                                      std::int64_t expected_version) {
  RulesOutcome outcome;
  if (Status allowed = RequireLoyalty(principal, domain::Action::kAdmin); !allowed.ok()) {
    outcome.status = std::move(allowed);
    return outcome;
  }
  outcome.problems = domain::ValidateEarningRules(rules);
  if (!LocateZone(rules.time_zone).ok()) outcome.problems.push_back({"time_zone", "is not a known time zone"});
  if (!outcome.problems.empty()) {
    outcome.status = InvalidArgument("the rules have problems");
    return outcome;
  }
  const Timestamp now = clock_.Now();
  const std::string json = EarningRulesToJson(rules);
  outcome.status = store_.Write([&](WriteTransaction& transaction) -> Status {
    RAPPORT_ASSIGN_OR_RETURN(const std::int64_t version,
                             transaction.LoyaltyOut().PutRules(json, expected_version, now, principal.Actor()));
    RAPPORT_RETURN_IF_ERROR(
        AccessService::Record(transaction, principal, origin, now, "loyalty.rules", "loyalty_rules", version, json)
            .status());
    RAPPORT_ASSIGN_OR_RETURN(RulesView view, LoadRules(transaction.Loyalty()));
    outcome.rules = std::move(view);
    return Status::Ok();
  });
  if (!outcome.status.ok()) outcome.rules.reset();
  return outcome;
}

// ---- jobs -------------------------------------------------------------------

Result<JobRun> LoyaltyService::ReleaseDue(int limit) {
  RAPPORT_RETURN_IF_ERROR(ValidatePageLimit(limit, kLoyaltyPageMax));
  const Timestamp now = clock_.Now();
  const std::string actor = SystemPrincipal().Actor();
  JobRun run;
  RAPPORT_RETURN_IF_ERROR(store_.Write([&](WriteTransaction& transaction) -> Status {
    run = JobRun{};
    RAPPORT_ASSIGN_OR_RETURN(const std::vector<Lot> due, transaction.Loyalty().DueReleases(now, limit));
    for (const Lot& lot : due) {
      NewLedgerTransaction posting{.kind = LedgerKind::kRelease,
                                   .contact_id = lot.contact_id,
                                   .purchase_id = lot.purchase_id,
                                   .occurred_at = lot.available_at,
                                   .actor = actor,
                                   .released_lots = {lot.id}};
      posting.entries.push_back({.account = LedgerAccount::kPending, .points = -lot.remaining, .lot_id = lot.id});
      posting.entries.push_back({.account = LedgerAccount::kAvailable, .points = lot.remaining, .lot_id = lot.id});
      RAPPORT_ASSIGN_OR_RETURN(const PostedTransaction posted, transaction.LoyaltyOut().PostTransaction(posting));
      RAPPORT_RETURN_IF_ERROR(AppendContactEvent(transaction, "points_released", lot.contact_id, lot.available_at,
                                                 actor,
                                                 JsonBuilder()
                                                     .Add("points", lot.remaining.count())
                                                     .Add("lot_id", lot.id)
                                                     .Add("transaction_id", posted.transaction_id)
                                                     .Take()));
      ++run.lots;
      run.points += lot.remaining;
    }
    run.more = due.size() == static_cast<std::size_t>(limit);
    return Status::Ok();
  }));
  return run;
}

Result<JobRun> LoyaltyService::ExpireDue(int limit) {
  RAPPORT_RETURN_IF_ERROR(ValidatePageLimit(limit, kLoyaltyPageMax));
  const Timestamp now = clock_.Now();
  const std::string actor = SystemPrincipal().Actor();
  JobRun run;
  RAPPORT_RETURN_IF_ERROR(store_.Write([&](WriteTransaction& transaction) -> Status {
    run = JobRun{};
    LoyaltyReader& loyalty = transaction.Loyalty();
    // One posting per member: the lots to expire, each emptied.
    const auto expire = [&](ContactId contact, const std::vector<Lot>& lots, std::string_view why) -> Status {
      NewLedgerTransaction posting{
          .kind = LedgerKind::kExpire, .contact_id = contact, .occurred_at = now, .actor = actor, .reason = ""};
      Points total{0};
      for (const Lot& lot : lots) {
        posting.entries.push_back({.account = LedgerAccount::kAvailable, .points = -lot.remaining, .lot_id = lot.id});
        total += lot.remaining;
      }
      if (total.zero()) return Status::Ok();
      posting.entries.push_back({.account = LedgerAccount::kExpired, .points = total});
      posting.explanation_json = JsonBuilder().Add("why", why).Take();
      RAPPORT_ASSIGN_OR_RETURN(const PostedTransaction posted, transaction.LoyaltyOut().PostTransaction(posting));
      RAPPORT_RETURN_IF_ERROR(AppendContactEvent(transaction, "points_expired", contact, now, actor,
                                                 JsonBuilder()
                                                     .Add("points", total.count())
                                                     .Add("why", why)
                                                     .Add("transaction_id", posted.transaction_id)
                                                     .Take()));
      run.lots += static_cast<std::int64_t>(lots.size());
      run.points += total;
      return Status::Ok();
    };

    RAPPORT_ASSIGN_OR_RETURN(const std::vector<Lot> due, loyalty.DueExpiries(now, limit));
    std::vector<Lot> group;
    for (const Lot& lot : due) {
      if (!group.empty() && group.front().contact_id != lot.contact_id) {
        RAPPORT_RETURN_IF_ERROR(expire(group.front().contact_id, group, "expiry_date"));
        group.clear();
      }
      group.push_back(lot);
    }
    if (!group.empty()) RAPPORT_RETURN_IF_ERROR(expire(group.front().contact_id, group, "expiry_date"));
    bool more = due.size() == static_cast<std::size_t>(limit);

    RAPPORT_ASSIGN_OR_RETURN(const RulesView rules, LoadRules(loyalty));
    if (rules.rules.expiry.kind == domain::ExpiryKind::kInactivityMonths) {
      RAPPORT_ASSIGN_OR_RETURN(const date::time_zone* zone, LocateZone(rules.rules.time_zone));
      const std::optional<Timestamp> cutoff = domain::InactivityCutoff(now, rules.rules.expiry, *zone);
      if (cutoff) {
        RAPPORT_ASSIGN_OR_RETURN(const std::vector<ContactId> members, loyalty.InactiveMembers(*cutoff, limit));
        for (ContactId member : members) {
          RAPPORT_ASSIGN_OR_RETURN(const LoyaltyAccount account, loyalty.GetAccount(member));
          if (!account.last_activity_at) continue;
          const std::optional<Timestamp> deadline =
              domain::InactivityExpiry(*account.last_activity_at, rules.rules.expiry, *zone);
          if (!deadline || *deadline > now) continue;
          RAPPORT_ASSIGN_OR_RETURN(const std::vector<Lot> open, loyalty.ListOpenLots(member));
          std::vector<Lot> available;
          for (const Lot& lot : open) {
            if (lot.state == LotState::kAvailable && lot.remaining.count() > 0) available.push_back(lot);
          }
          RAPPORT_RETURN_IF_ERROR(expire(member, available, "inactivity"));
        }
        more = more || members.size() == static_cast<std::size_t>(limit);
      }
    }
    run.more = more;
    return Status::Ok();
  }));
  return run;
}

}  // namespace rapport::app

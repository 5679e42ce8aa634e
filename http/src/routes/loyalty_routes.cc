// The loyalty programme's API: purchases (idempotent by Idempotency-Key or
// external id) and their refunds, a member's points summary and statement of
// account, managers' adjustments, the earning rules and the ledger check.
// Every operation goes through app::LoyaltyService, which checks the
// permission again and writes the ledger, events and audit records in the
// change's transaction.
//
// Replays. A purchase retried with the same Idempotency-Key and body, or with
// an external id already recorded with the same content, answers the first
// outcome with `Idempotent-Replayed: true`. The body of a keyed purchase is
// rendered inside the service's transaction and stored, so a replay is the
// first answer byte for byte.
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "json.h"
#include "request_context.h"
#include "routes/loyalty_json.h"
#include "routes/loyalty_schemas.h"
#include "routes/route_support.h"
#include "routes/routes.h"

#include "rapport/app/loyalty_rules_json.h"
#include "rapport/app/loyalty_service.h"
#include "rapport/app/passwords.h"
#include "rapport/base/assert.h"

namespace rapport::http {
namespace {

using domain::Action;
using domain::Resource;

constexpr std::string_view kPurchasesPath = "/api/v1/purchases";
constexpr std::string_view kReplayedHeader = "Idempotent-Replayed";
constexpr int kLoyaltyPageDefault = 50;

Problem ProblemWithCode(int status, std::string code, std::string title, std::string detail) {
  return Problem{.status = status, .code = std::move(code), .title = std::move(title), .detail = std::move(detail)};
}

// A problem with a further member holding JSON (invalid_rules' "problems"):
// the rendered document is an object, so the member goes before its last '}'.
Response ProblemWithJsonMember(const RequestContext& context, const Problem& problem, std::string_view name,
                               std::string_view json) {
  Response response = context.ProblemFor(problem);
  RAPPORT_ASSERT(response.body.ends_with('}'));
  response.body.pop_back();
  response.body += ",\"" + std::string(name) + "\":" + std::string(json) + "}";
  return response;
}

template <typename T>
Response JsonFrom(int status, const T& value, void (*write)(JsonWriter&, const T&)) {
  JsonWriter json;
  write(json, value);
  return RequestContext::Json(status, json.Take());
}

Response Replayed(Response response) {
  response.SetHeader(std::string(kReplayedHeader), "true");
  return response;
}

// The Idempotency-Key header: 1..kIdempotencyKeyBytesMax printable ASCII.
bool IsValidIdempotencyKey(std::string_view key) {
  if (key.empty() || key.size() > app::kIdempotencyKeyBytesMax) return false;
  for (char c : key) {
    if (c < 0x20 || c > 0x7E) return false;
  }
  return true;
}

// --- Purchases

Response PurchaseProblem(const RequestContext& context, const app::LoyaltyService::PurchaseOutcome& outcome) {
  const Status& status = outcome.status;
  switch (status.code()) {
    case StatusCode::kInvalidArgument: {
      if (outcome.errors.empty()) {
        // Only the ticket path refuses without naming a field.
        return context.ProblemFor(ProblemWithCode(
            422, "idempotency_key_reused", "The Idempotency-Key was used for another request", status.message()));
      }
      std::vector<FieldError> errors;
      for (const app::LoyaltyFieldError& error : outcome.errors) {
        errors.push_back({error.field, "invalid_value", error.reason});
      }
      return context.ProblemFor(UnprocessableProblem("invalid_purchase", "The purchase has invalid values",
                                                     status.message(), std::move(errors)));
    }
    // The service reports a running request with the same key as kConflict
    // (base/status.h has no "aborted"); so is a rules version mismatch.
    case StatusCode::kConflict:
      return context.ProblemFor(ProblemWithCode(
          409, "idempotency_key_in_flight", "A request with this Idempotency-Key is in progress", status.message()));
    case StatusCode::kFailedPrecondition:
      return context.ProblemFor(ProblemWithCode(409, "external_id_reused",
                                                "The external id was recorded with other content", status.message()));
    default: return context.StatusProblem(status);
  }
}

// The stored and sent answer: 201 for a new purchase, 200 for one recorded
// before under the same external id.
app::IdempotentResponse RenderPurchase(const app::RecordedPurchase& recorded) {
  return app::IdempotentResponse{.status_code = recorded.replayed ? 200 : 201, .body = PurchaseResponseJson(recorded)};
}

boost::asio::awaitable<Response> RecordPurchase(RequestContext& context) {
  const Request& request = context.request();
  std::optional<app::IdempotencyTicket> ticket;
  if (const std::optional<std::string_view> key = request.FindHeader("idempotency-key")) {
    if (!IsValidIdempotencyKey(*key)) {
      co_return context.ProblemFor(ProblemWithCode(
          400, "invalid_idempotency_key", "The Idempotency-Key header is invalid",
          "Expected 1 to " + std::to_string(app::kIdempotencyKeyBytesMax) + " printable ASCII characters."));
    }
    ticket = app::IdempotencyTicket{.scope = "POST " + std::string(kPurchasesPath) + "|" + context.principal()->Actor(),
                                    .key = std::string(*key),
                                    // TokenDigest is the hex SHA-256 of its input: here the raw body.
                                    .request_hash = app::TokenDigest(request.body)};
  }
  app::PurchaseRequest purchase;
  if (auto problem = ReadPurchaseRequest(request.body, purchase)) co_return context.ProblemFor(*problem);

  app::LoyaltyService* loyalty = context.services().loyalty;
  const app::Principal principal = *context.principal();
  const app::Origin origin = context.Origin();
  std::optional<app::LoyaltyService::PurchaseOutcome> outcome;
  const Status ran = co_await context.RunBlocking([&] {
    outcome.emplace(loyalty->RecordPurchase(principal, origin, purchase, ticket, RenderPurchase));
    return Status::Ok();
  });
  if (!ran.ok()) co_return context.StatusProblem(ran);
  if (!outcome->status.ok()) co_return PurchaseProblem(context, *outcome);

  app::IdempotentResponse answer;
  if (outcome->response) {
    answer = *outcome->response;
  } else {
    RAPPORT_ASSERT(outcome->recorded.has_value());
    answer = RenderPurchase(*outcome->recorded);
  }
  Response response = RequestContext::Json(answer.status_code, std::move(answer.body));
  const bool replayed =
      outcome->idempotency == app::IdempotencyOutcome::kReplayed || (outcome->recorded && outcome->recorded->replayed);
  co_return replayed ? Replayed(std::move(response)) : response;
}

boost::asio::awaitable<Response> GetPurchase(RequestContext& context) {
  const auto id = PathId(context, "purchase_id");
  if (!id) co_return InvalidParameter(context, "purchase_id", "Expected a positive integer.");
  app::LoyaltyService* loyalty = context.services().loyalty;
  const app::Principal principal = *context.principal();
  using Found = std::optional<std::pair<app::Purchase, std::vector<app::Refund>>>;
  Result<Found> found = co_await context.Call<Found>([&]() -> Result<Found> {
    RAPPORT_ASSIGN_OR_RETURN(std::optional<app::Purchase> purchase, loyalty->GetPurchase(principal, PurchaseId(*id)));
    if (!purchase) return Found();
    RAPPORT_ASSIGN_OR_RETURN(std::vector<app::Refund> refunds, loyalty->ListRefunds(principal, PurchaseId(*id)));
    return Found(std::make_pair(std::move(*purchase), std::move(refunds)));
  });
  if (!found.ok()) co_return context.StatusProblem(found.status());
  if (!found->has_value()) co_return context.ProblemFor(NotFoundProblem("No purchase " + std::to_string(*id) + "."));
  JsonWriter json;
  json.StartObject();
  WritePurchaseMembers(json, (*found)->first);
  json.Key("refunds");
  json.StartArray();
  for (const app::Refund& refund : (*found)->second) WriteRefund(json, refund);
  json.EndArray();
  json.EndObject();
  co_return RequestContext::Json(200, json.Take());
}

boost::asio::awaitable<Response> ListPurchases(RequestContext& context) {
  const auto id = PathId(context, "contact_id");
  if (!id) co_return InvalidParameter(context, "contact_id", "Expected a positive integer.");
  std::optional<Response> problem;
  const std::optional<int> limit = PageLimit(context, kLoyaltyPageDefault, problem);
  if (!limit) co_return std::move(*problem);
  const auto cursor = IdCursor(context, problem);
  if (!cursor) co_return std::move(*problem);
  std::optional<PurchaseId> before;
  if (*cursor) before = PurchaseId(**cursor);
  app::LoyaltyService* loyalty = context.services().loyalty;
  const app::Principal principal = *context.principal();
  Result<app::PurchasePage> page = co_await context.Call<app::PurchasePage>(
      [&] { return loyalty->ListPurchases(principal, ContactId(*id), before, *limit); });
  if (!page.ok()) co_return context.StatusProblem(page.status());
  JsonWriter json;
  json.StartObject();
  json.Key("items");
  json.StartArray();
  for (const app::Purchase& purchase : page->items) WritePurchase(json, purchase);
  json.EndArray();
  WriteIdNext(json, page->next ? std::optional<std::int64_t>(page->next->value()) : std::nullopt);
  json.EndObject();
  co_return RequestContext::Json(200, json.Take());
}

boost::asio::awaitable<Response> RefundPurchase(RequestContext& context) {
  const auto id = PathId(context, "purchase_id");
  if (!id) co_return InvalidParameter(context, "purchase_id", "Expected a positive integer.");
  app::RefundRequest refund;
  if (auto problem = ReadRefundRequest(context.request().body, refund)) co_return context.ProblemFor(*problem);
  app::LoyaltyService* loyalty = context.services().loyalty;
  const app::Principal principal = *context.principal();
  const app::Origin origin = context.Origin();
  Result<app::RecordedRefund> recorded = co_await context.Call<app::RecordedRefund>(
      [&] { return loyalty->RefundPurchase(principal, origin, PurchaseId(*id), refund); });
  if (!recorded.ok()) {
    const Status& status = recorded.status();
    if (status.code() == StatusCode::kInvalidArgument) {
      co_return context.ProblemFor(
          UnprocessableProblem("invalid_refund", "The refund has invalid values", status.message(), {}));
    }
    if (status.code() == StatusCode::kFailedPrecondition) {
      co_return context.ProblemFor(
          ProblemWithCode(409, "refund_exceeds_purchase", "The refunds would exceed the purchase", status.message()));
    }
    co_return context.StatusProblem(status);
  }
  Response response = RequestContext::Json(recorded->replayed ? 200 : 201, RefundResponseJson(*recorded));
  co_return recorded->replayed ? Replayed(std::move(response)) : response;
}

// --- A member's points

boost::asio::awaitable<Response> GetSummary(RequestContext& context) {
  const auto id = PathId(context, "contact_id");
  if (!id) co_return InvalidParameter(context, "contact_id", "Expected a positive integer.");
  app::LoyaltyService* loyalty = context.services().loyalty;
  const app::Principal principal = *context.principal();
  Result<app::LoyaltySummary> summary =
      co_await context.Call<app::LoyaltySummary>([&] { return loyalty->Summary(principal, ContactId(*id)); });
  if (!summary.ok()) co_return context.StatusProblem(summary.status());
  JsonWriter json;
  WriteSummary(json, ContactId(*id), *summary);
  co_return RequestContext::Json(200, json.Take());
}

boost::asio::awaitable<Response> GetLedger(RequestContext& context) {
  const auto id = PathId(context, "contact_id");
  if (!id) co_return InvalidParameter(context, "contact_id", "Expected a positive integer.");
  std::optional<Response> problem;
  const std::optional<int> limit = PageLimit(context, kLoyaltyPageDefault, problem);
  if (!limit) co_return std::move(*problem);
  const auto cursor = IdCursor(context, problem);
  if (!cursor) co_return std::move(*problem);
  app::LoyaltyService* loyalty = context.services().loyalty;
  const app::Principal principal = *context.principal();
  Result<app::LedgerPage> page = co_await context.Call<app::LedgerPage>(
      [&] { return loyalty->Ledger(principal, ContactId(*id), *cursor, *limit); });
  if (!page.ok()) co_return context.StatusProblem(page.status());
  JsonWriter json;
  json.StartObject();
  json.Key("items");
  json.StartArray();
  for (const app::LedgerTransaction& transaction : page->items) WriteLedgerTransaction(json, transaction);
  json.EndArray();
  WriteIdNext(json, page->next);
  json.EndObject();
  co_return RequestContext::Json(200, json.Take());
}

boost::asio::awaitable<Response> Adjust(RequestContext& context) {
  const auto id = PathId(context, "contact_id");
  if (!id) co_return InvalidParameter(context, "contact_id", "Expected a positive integer.");
  AdjustmentRequest adjustment;
  if (auto problem = ReadAdjustmentRequest(context.request().body, adjustment)) co_return context.ProblemFor(*problem);
  app::LoyaltyService* loyalty = context.services().loyalty;
  const app::Principal principal = *context.principal();
  const app::Origin origin = context.Origin();
  Result<app::LedgerTransaction> transaction = co_await context.Call<app::LedgerTransaction>(
      [&] { return loyalty->Adjust(principal, origin, ContactId(*id), adjustment.points, adjustment.reason); });
  if (!transaction.ok()) {
    const Status& status = transaction.status();
    if (status.code() == StatusCode::kFailedPrecondition) {
      co_return context.ProblemFor(
          ProblemWithCode(409, "insufficient_points", "The member does not have the points", status.message()));
    }
    if (status.code() == StatusCode::kInvalidArgument) {
      co_return context.ProblemFor(
          UnprocessableProblem("invalid_adjustment", "The adjustment has invalid values", status.message(), {}));
    }
    co_return context.StatusProblem(status);
  }
  co_return JsonFrom(201, *transaction, WriteLedgerTransaction);
}

// --- The programme

boost::asio::awaitable<Response> GetRules(RequestContext& context) {
  app::LoyaltyService* loyalty = context.services().loyalty;
  const app::Principal principal = *context.principal();
  Result<app::RulesView> rules = co_await context.Call<app::RulesView>([&] { return loyalty->GetRules(principal); });
  if (!rules.ok()) co_return context.StatusProblem(rules.status());
  co_return JsonFrom(200, *rules, WriteRulesView);
}

Response InvalidRules(const RequestContext& context, std::string detail,
                      const std::vector<domain::RuleProblem>& problems) {
  return ProblemWithJsonMember(
      context, ProblemWithCode(422, "invalid_rules", "The rules have invalid values", std::move(detail)), "problems",
      RuleProblemsJson(problems));
}

boost::asio::awaitable<Response> PutRules(RequestContext& context) {
  std::int64_t version = 0;
  RawJson rules_json;
  JsonObjectReader reader;
  reader.Field("version", &version, Presence::kRequired).Field("rules", &rules_json, Presence::kRequired);
  if (auto problem = reader.Read(context.request().body)) co_return context.ProblemFor(*problem);
  std::vector<domain::RuleProblem> problems;
  Result<domain::EarningRules> rules = app::EarningRulesFromJson(rules_json.text, problems);
  if (!rules.ok() || !problems.empty()) {
    if (problems.empty()) problems.push_back({"rules", rules.status().message()});
    co_return InvalidRules(context, "See problems for the rules to correct.", problems);
  }
  app::LoyaltyService* loyalty = context.services().loyalty;
  const app::Principal principal = *context.principal();
  const app::Origin origin = context.Origin();
  std::optional<app::LoyaltyService::RulesOutcome> outcome;
  const Status ran = co_await context.RunBlocking([&] {
    outcome.emplace(loyalty->PutRules(principal, origin, *rules, version));
    return Status::Ok();
  });
  if (!ran.ok()) co_return context.StatusProblem(ran);
  const Status& status = outcome->status;
  if (status.code() == StatusCode::kConflict) {
    co_return context.ProblemFor(
        ProblemWithCode(409, "rules_changed", "The rules were changed since this version", status.message()));
  }
  if (status.code() == StatusCode::kInvalidArgument)
    co_return InvalidRules(context, status.message(), outcome->problems);
  if (!status.ok()) co_return context.StatusProblem(status);
  RAPPORT_ASSERT(outcome->rules.has_value());
  co_return JsonFrom(200, *outcome->rules, WriteRulesView);
}

boost::asio::awaitable<Response> CheckLedger(RequestContext& context) {
  std::optional<ContactId> contact;
  if (const auto text = QueryParam(context.request().query, "contact_id"); text && !text->empty()) {
    const auto id = PositiveInteger(*text);
    if (!id) co_return InvalidParameter(context, "contact_id", "Expected a positive integer.");
    contact = ContactId(*id);
  }
  app::LoyaltyService* loyalty = context.services().loyalty;
  const app::Principal principal = *context.principal();
  Result<app::LedgerCheck> check =
      co_await context.Call<app::LedgerCheck>([&] { return loyalty->Check(principal, contact); });
  if (!check.ok()) co_return context.StatusProblem(check.status());
  co_return JsonFrom(200, *check, WriteLedgerCheck);
}

OpenApiOperation Operation(std::string id, std::string summary, std::string description, std::string request_schema,
                           std::vector<OpenApiResponse> responses, std::vector<OpenApiParameter> parameters = {}) {
  return OpenApiOperation{.operation_id = std::move(id),
                          .summary = std::move(summary),
                          .description = std::move(description),
                          .tags = {"loyalty"},
                          .parameters = std::move(parameters),
                          .request_schema_json = std::move(request_schema),
                          .responses = std::move(responses)};
}

std::string ArrayOf(std::string_view item) { return R"({"type":"array","items":)" + std::string(item) + "}"; }

}  // namespace

void RegisterLoyaltyRoutes(Router& router) {
  const auto read = app::Permission::Require(Resource::kLoyalty, Action::kRead);
  const auto write = app::Permission::Require(Resource::kLoyalty, Action::kWrite);
  const auto admin = app::Permission::Require(Resource::kLoyalty, Action::kAdmin);
  const std::string purchase(schemas::kPurchase);
  const std::string refund(schemas::kRefund);
  const std::string lot(schemas::kLot);
  const std::string balances = R"("points_balance":{"type":"integer"},"points_pending":{"type":"integer"})";
  const std::string recorded_purchase =
      R"({"type":"object","required":["purchase","points_earned","explanation","lot","points_balance","points_pending","bonuses","coupon","tier"],"properties":{"purchase":)" +
      purchase + R"(,"points_earned":{"type":"integer"},"explanation":)" + ArrayOf(schemas::kEarningStep) +
      R"(,"lot":{"oneOf":[)" + lot + R"(,{"type":"null"}]},)" + balances + "," +
      std::string(schemas::kPurchaseExtrasMembers) + "}}";
  const std::string recorded_refund =
      R"({"type":"object","required":["refund","purchase","points_balance","points_pending"],"properties":{"refund":)" +
      refund + R"(,"purchase":)" + purchase + "," + balances + "}}";
  const std::string purchase_with_refunds = R"({"allOf":[)" + purchase +
                                            R"(,{"type":"object","required":["refunds"],"properties":{"refunds":)" +
                                            ArrayOf(refund) + "}}]}";
  const std::string summary =
      R"({"type":"object","required":["contact_id","points_balance","points_pending","earned_total","redeemed_total","expired_total","last_activity_at","expiring_soon","next_expiry_at","inactivity_expiry_at","lots","tier"],"properties":{)" +
      std::string(schemas::kLoyaltySummaryMembers) + R"(,"lots":)" + ArrayOf(lot) + "}}";
  const std::string ledger_item(schemas::kLedgerTransaction);
  const std::string rules_view =
      R"({"type":"object","required":["version","updated_at","updated_by","rules"],"properties":{)" +
      std::string(schemas::kRulesViewMembers) + R"(,"rules":)" + std::string(schemas::kEarningRules) + "}}";
  const std::string rules_input = std::string(schemas::kRulesInput);
  const std::string replayed_note =
      "A retry answers the first outcome with the header Idempotent-Replayed: true (200 for a retry by external id).";
  const OpenApiParameter limit{.name = "limit", .description = "1 to 500, default 50"};
  const OpenApiParameter cursor{.name = "cursor", .description = "The next of the previous page"};
  const OpenApiParameter idempotency_key{.name = "Idempotency-Key",
                                         .in = "header",
                                         .description =
                                             "1 to 255 printable ASCII characters; a retry with the same "
                                             "key and body answers the first outcome"};

  router.Add({Method::kPost, std::string(kPurchasesPath), write, RecordPurchase,
              Operation("recordPurchase", "Record a purchase and the points it earns",
                        "Points follow the earning rules (tier multiplier and promotions included); explanation says "
                        "why. The same transaction uses a coupon_code, records a referral_code, pays the welcome, "
                        "coupon and referral bonuses and upgrades the member's tier (bonuses, coupon, tier). " +
                            replayed_note +
                            " 422 invalid_purchase (field errors) or idempotency_key_reused; 409 "
                            "idempotency_key_in_flight or external_id_reused; 400 invalid_idempotency_key.",
                        std::string(schemas::kPurchaseInput),
                        {{"201", "Recorded", "application/json", recorded_purchase},
                         {"200", "A retry of a purchase recorded before", "application/json", recorded_purchase}},
                        {idempotency_key})});
  router.Add({Method::kGet, "/api/v1/purchases/{purchase_id}", read, GetPurchase,
              Operation("getPurchase", "A purchase and its refunds", "", "",
                        {{"200", "The purchase", "application/json", purchase_with_refunds}})});
  router.Add({Method::kGet, "/api/v1/contacts/{contact_id}/purchases", read, ListPurchases,
              Operation("listPurchases", "A contact's purchases, newest first", "", "",
                        {{"200", "A page of purchases", "application/json", PageSchema(purchase)}}, {limit, cursor})});
  router.Add({Method::kPost, "/api/v1/purchases/{purchase_id}/refunds", write, RefundPurchase,
              Operation("refundPurchase", "Refund part or all of a purchase, taking back its points proportionally",
                        "Refunds adding up to the total take back exactly the points earned. A retry with the same "
                        "external_id answers the first outcome (200, Idempotent-Replayed: true). 409 "
                        "refund_exceeds_purchase beyond what remains.",
                        std::string(schemas::kRefundInput),
                        {{"201", "Refunded", "application/json", recorded_refund},
                         {"200", "A retry of a refund recorded before", "application/json", recorded_refund}})});
  router.Add({Method::kGet, "/api/v1/contacts/{contact_id}/loyalty", read, GetSummary,
              Operation("getLoyalty", "A member's points: balance, pending, lots with their expiry, tier",
                        "tier is null when the programme has no tiers.", "",
                        {{"200", "The summary", "application/json", summary}})});
  router.Add({Method::kGet, "/api/v1/contacts/{contact_id}/loyalty/ledger", read, GetLedger,
              Operation("getLoyaltyLedger", "A member's statement of account, newest first", "", "",
                        {{"200", "A page of ledger transactions", "application/json", PageSchema(ledger_item)}},
                        {limit, cursor})});
  router.Add({Method::kPost, "/api/v1/contacts/{contact_id}/loyalty/adjustments", admin, Adjust,
              Operation("adjustPoints", "Credit or debit a member's points by hand, with a reason",
                        "Audited. 409 insufficient_points when a debit exceeds the available balance.",
                        std::string(schemas::kAdjustmentInput),
                        {{"201", "The adjustment's ledger transaction", "application/json", ledger_item}})});
  router.Add({Method::kGet, "/api/v1/loyalty/rules", read, GetRules,
              Operation("getLoyaltyRules", "The programme's earning rules", "", "",
                        {{"200", "The rules", "application/json", rules_view}})});
  router.Add({Method::kPut, "/api/v1/loyalty/rules", admin, PutRules,
              Operation("putLoyaltyRules", "Replace the programme's earning rules",
                        "Audited. 409 rules_changed when version is not the current one; 422 invalid_rules with "
                        "problems [{field, reason}].",
                        rules_input, {{"200", "The rules saved", "application/json", rules_view}})});
  router.Add({Method::kGet, "/api/v1/loyalty/check", admin, CheckLedger,
              Operation("checkLoyaltyLedger", "Verify the ledger's invariants",
                        "Debits equal credits, balances equal the "
                        "sums of entries, nothing negative; for one contact with contact_id.",
                        "", {{"200", "What the check found", "application/json", std::string(schemas::kLedgerCheck)}},
                        {{.name = "contact_id", .description = "Check only this contact's part of the ledger"}})});
}

}  // namespace rapport::http

// The rewards API: the catalogue (list, read, create, patch), redemptions
// (which spend a member's points and take stock in one transaction), their
// cancellation and a member's redemptions. Every operation goes through
// app::RewardService, which checks the permission again and writes the
// ledger, events and audit records in the change's transaction.
//
// Refusals. The service names why a redemption or a cancel was refused
// (app::RedemptionRefusal); each reason is a 409 with its own code:
// not_available, out_of_stock, limit_reached, insufficient_points,
// already_cancelled, external_id_reused. Field errors are 422 invalid_reward
// or invalid_redemption. A redemption retried with an external id already
// used answers the first outcome with 200 and `Idempotent-Replayed: true`.
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "json.h"
#include "request_context.h"
#include "routes/loyalty_json.h"
#include "routes/reward_json.h"
#include "routes/reward_schemas.h"
#include "routes/route_support.h"
#include "routes/routes.h"

#include "rapport/app/reward_service.h"
#include "rapport/base/assert.h"

namespace rapport::http {
namespace {

using domain::Action;
using domain::Resource;

constexpr int kRewardsPageDefault = 50;

Problem Conflict(std::string code, std::string title, std::string detail) {
  return Problem{.status = 409, .code = std::move(code), .title = std::move(title), .detail = std::move(detail)};
}

std::vector<FieldError> FieldErrorsOf(const std::vector<app::LoyaltyFieldError>& errors) {
  std::vector<FieldError> out;
  for (const app::LoyaltyFieldError& error : errors) out.push_back({error.field, "invalid_value", error.reason});
  return out;
}

// --- The catalogue

Response RewardProblem(const RequestContext& context, const app::RewardService::RewardOutcome& outcome) {
  if (outcome.status.code() == StatusCode::kInvalidArgument) {
    return context.ProblemFor(UnprocessableProblem("invalid_reward", "The reward has invalid values",
                                                   outcome.status.message(), FieldErrorsOf(outcome.errors)));
  }
  return context.StatusProblem(outcome.status);
}

Response RewardJson(int status, const app::Reward& reward) {
  JsonWriter json;
  WriteReward(json, reward);
  return RequestContext::Json(status, json.Take());
}

boost::asio::awaitable<Response> ListRewards(RequestContext& context) {
  std::optional<Response> problem;
  const std::optional<int> limit = PageLimit(context, kRewardsPageDefault, problem);
  if (!limit) co_return std::move(*problem);
  const auto cursor = IdCursor(context, problem);
  if (!cursor) co_return std::move(*problem);
  app::RewardService::ListOptions options;
  if (const auto all = QueryParam(context.request().query, "include_inactive"); all && !all->empty()) {
    if (*all != "true" && *all != "false") {
      co_return InvalidParameter(context, "include_inactive", "Expected true or false.");
    }
    options.include_inactive = *all == "true";
  }
  app::RewardService* rewards = context.services().rewards;
  const app::Principal principal = *context.principal();
  Result<app::RewardPage> page =
      co_await context.Call<app::RewardPage>([&] { return rewards->List(principal, options, *cursor, *limit); });
  if (!page.ok()) co_return context.StatusProblem(page.status());
  JsonWriter json;
  json.StartObject();
  json.Key("items");
  json.StartArray();
  for (const app::Reward& reward : page->items) WriteReward(json, reward);
  json.EndArray();
  WriteIdNext(json, page->next);
  json.EndObject();
  co_return RequestContext::Json(200, json.Take());
}

boost::asio::awaitable<Response> GetReward(RequestContext& context) {
  const auto id = PathId(context, "reward_id");
  if (!id) co_return InvalidParameter(context, "reward_id", "Expected a positive integer.");
  app::RewardService* rewards = context.services().rewards;
  const app::Principal principal = *context.principal();
  Result<std::optional<app::Reward>> reward =
      co_await context.Call<std::optional<app::Reward>>([&] { return rewards->Get(principal, *id); });
  if (!reward.ok()) co_return context.StatusProblem(reward.status());
  if (!reward->has_value()) co_return context.ProblemFor(NotFoundProblem("No reward " + std::to_string(*id) + "."));
  co_return RewardJson(200, **reward);
}

boost::asio::awaitable<Response> CreateReward(RequestContext& context) {
  app::RewardPatch patch;
  if (auto problem = ReadRewardPatch(context.request().body, patch)) co_return context.ProblemFor(*problem);
  std::vector<FieldError> missing;
  if (!patch.name) missing.push_back({"name", "missing", "The field is required."});
  if (!patch.points_price) missing.push_back({"points_price", "missing", "The field is required."});
  if (!missing.empty()) co_return context.ProblemFor(ValidationFailedProblem(std::move(missing)));
  app::RewardInput input{.name = *patch.name,
                         .description = patch.description.value_or(""),
                         .kind = patch.kind.value_or("goods"),
                         .points_price = *patch.points_price,
                         .stock = patch.stock.value_or(std::nullopt),
                         .per_customer_limit = patch.per_customer_limit.value_or(std::nullopt),
                         .available_from = patch.available_from.value_or(std::nullopt),
                         .available_until = patch.available_until.value_or(std::nullopt),
                         .active = patch.active.value_or(true)};
  app::RewardService* rewards = context.services().rewards;
  const app::Principal principal = *context.principal();
  const app::Origin origin = context.Origin();
  std::optional<app::RewardService::RewardOutcome> outcome;
  const Status ran = co_await context.RunBlocking([&] {
    outcome.emplace(rewards->Create(principal, origin, input));
    return Status::Ok();
  });
  if (!ran.ok()) co_return context.StatusProblem(ran);
  if (!outcome->status.ok()) co_return RewardProblem(context, *outcome);
  RAPPORT_ASSERT(outcome->reward.has_value());
  co_return RewardJson(201, *outcome->reward);
}

boost::asio::awaitable<Response> UpdateReward(RequestContext& context) {
  const auto id = PathId(context, "reward_id");
  if (!id) co_return InvalidParameter(context, "reward_id", "Expected a positive integer.");
  app::RewardPatch patch;
  if (auto problem = ReadRewardPatch(context.request().body, patch)) co_return context.ProblemFor(*problem);
  app::RewardService* rewards = context.services().rewards;
  const app::Principal principal = *context.principal();
  const app::Origin origin = context.Origin();
  std::optional<app::RewardService::RewardOutcome> outcome;
  const Status ran = co_await context.RunBlocking([&] {
    outcome.emplace(rewards->Update(principal, origin, *id, patch));
    return Status::Ok();
  });
  if (!ran.ok()) co_return context.StatusProblem(ran);
  if (!outcome->status.ok()) co_return RewardProblem(context, *outcome);
  RAPPORT_ASSERT(outcome->reward.has_value());
  co_return RewardJson(200, *outcome->reward);
}

// --- Redemptions

Response RedemptionProblem(const RequestContext& context, const app::RewardService::RedemptionOutcome& outcome) {
  const Status& status = outcome.status;
  if (status.code() == StatusCode::kInvalidArgument) {
    return context.ProblemFor(UnprocessableProblem("invalid_redemption", "The redemption has invalid values",
                                                   status.message(), FieldErrorsOf(outcome.errors)));
  }
  if (status.code() == StatusCode::kFailedPrecondition) {
    switch (outcome.refusal) {
      case app::RedemptionRefusal::kNotAvailable:
        return context.ProblemFor(Conflict("not_available", "The reward is not available", status.message()));
      case app::RedemptionRefusal::kOutOfStock:
        return context.ProblemFor(Conflict("out_of_stock", "The reward is out of stock", status.message()));
      case app::RedemptionRefusal::kLimitReached:
        return context.ProblemFor(
            Conflict("limit_reached", "The member reached the reward's per-customer limit", status.message()));
      case app::RedemptionRefusal::kInsufficientPoints:
        return context.ProblemFor(
            Conflict("insufficient_points", "The member does not have the points", status.message()));
      case app::RedemptionRefusal::kAlreadyCancelled:
        return context.ProblemFor(
            Conflict("already_cancelled", "The redemption is already cancelled", status.message()));
      case app::RedemptionRefusal::kExternalIdReused:
        return context.ProblemFor(
            Conflict("external_id_reused", "The external id was used for another redemption", status.message()));
      case app::RedemptionRefusal::kNone: break;
    }
  }
  return context.StatusProblem(status);
}

boost::asio::awaitable<Response> Redeem(RequestContext& context) {
  app::RedemptionRequest request;
  if (auto problem = ReadRedemptionRequest(context.request().body, request)) co_return context.ProblemFor(*problem);
  app::RewardService* rewards = context.services().rewards;
  const app::Principal principal = *context.principal();
  const app::Origin origin = context.Origin();
  std::optional<app::RewardService::RedemptionOutcome> outcome;
  const Status ran = co_await context.RunBlocking([&] {
    outcome.emplace(rewards->Redeem(principal, origin, request));
    return Status::Ok();
  });
  if (!ran.ok()) co_return context.StatusProblem(ran);
  if (!outcome->status.ok()) co_return RedemptionProblem(context, *outcome);
  RAPPORT_ASSERT(outcome->view.has_value());
  const bool replayed = outcome->view->replayed;
  Response response = RequestContext::Json(replayed ? 200 : 201, RedemptionResponseJson(*outcome->view));
  if (replayed) response.SetHeader("Idempotent-Replayed", "true");
  co_return response;
}

boost::asio::awaitable<Response> CancelRedemption(RequestContext& context) {
  const auto id = PathId(context, "redemption_id");
  if (!id) co_return InvalidParameter(context, "redemption_id", "Expected a positive integer.");
  app::RewardService* rewards = context.services().rewards;
  const app::Principal principal = *context.principal();
  const app::Origin origin = context.Origin();
  std::optional<app::RewardService::RedemptionOutcome> outcome;
  const Status ran = co_await context.RunBlocking([&] {
    outcome.emplace(rewards->Cancel(principal, origin, *id));
    return Status::Ok();
  });
  if (!ran.ok()) co_return context.StatusProblem(ran);
  if (!outcome->status.ok()) co_return RedemptionProblem(context, *outcome);
  RAPPORT_ASSERT(outcome->view.has_value());
  co_return RequestContext::Json(200, RedemptionResponseJson(*outcome->view));
}

boost::asio::awaitable<Response> ListRedemptions(RequestContext& context) {
  const auto id = PathId(context, "contact_id");
  if (!id) co_return InvalidParameter(context, "contact_id", "Expected a positive integer.");
  std::optional<Response> problem;
  const std::optional<int> limit = PageLimit(context, kRewardsPageDefault, problem);
  if (!limit) co_return std::move(*problem);
  const auto cursor = IdCursor(context, problem);
  if (!cursor) co_return std::move(*problem);
  app::RewardService* rewards = context.services().rewards;
  const app::Principal principal = *context.principal();
  Result<app::RedemptionPage> page = co_await context.Call<app::RedemptionPage>(
      [&] { return rewards->ListRedemptions(principal, ContactId(*id), *cursor, *limit); });
  if (!page.ok()) co_return context.StatusProblem(page.status());
  JsonWriter json;
  json.StartObject();
  json.Key("items");
  json.StartArray();
  for (const app::Redemption& redemption : page->items) WriteRedemption(json, redemption);
  json.EndArray();
  WriteIdNext(json, page->next);
  json.EndObject();
  co_return RequestContext::Json(200, json.Take());
}

OpenApiOperation Operation(std::string id, std::string summary, std::string description, std::string request_schema,
                           std::vector<OpenApiResponse> responses, std::vector<OpenApiParameter> parameters = {}) {
  return OpenApiOperation{.operation_id = std::move(id),
                          .summary = std::move(summary),
                          .description = std::move(description),
                          .tags = {"rewards"},
                          .parameters = std::move(parameters),
                          .request_schema_json = std::move(request_schema),
                          .responses = std::move(responses)};
}

}  // namespace

void RegisterRewardRoutes(Router& router) {
  const auto read = app::Permission::Require(Resource::kLoyalty, Action::kRead);
  const auto write = app::Permission::Require(Resource::kLoyalty, Action::kWrite);
  const auto admin = app::Permission::Require(Resource::kLoyalty, Action::kAdmin);
  const std::string reward(schemas::kReward);
  const std::string redemption(schemas::kRedemption);
  const std::string redeemed =
      R"({"type":"object","required":["redemption","reward","points_balance"],"properties":{"redemption":)" +
      redemption + R"(,"reward":)" + reward + R"(,"points_balance":{"type":"integer"}}})";
  const OpenApiParameter limit{.name = "limit", .description = "1 to 500, default 50"};
  const OpenApiParameter cursor{.name = "cursor", .description = "The next of the previous page"};
  const OpenApiParameter include_inactive{.name = "include_inactive",
                                          .description = "true: inactive rewards too (default false)"};

  router.Add({Method::kGet, "/api/v1/rewards", read, ListRewards,
              Operation("listRewards", "The rewards catalogue by id", "Active rewards unless include_inactive=true.",
                        "", {{"200", "A page of rewards", "application/json", PageSchema(reward)}},
                        {limit, cursor, include_inactive})});
  router.Add({Method::kPost, "/api/v1/rewards", admin, CreateReward,
              Operation("createReward", "Add a reward to the catalogue",
                        "name and points_price are required. Audited. 422 invalid_reward with field errors.",
                        std::string(schemas::kRewardInput), {{"201", "The reward", "application/json", reward}})});
  router.Add({Method::kGet, "/api/v1/rewards/{reward_id}", read, GetReward,
              Operation("getReward", "A reward", "", "", {{"200", "The reward", "application/json", reward}})});
  router.Add({Method::kPatch, "/api/v1/rewards/{reward_id}", admin, UpdateReward,
              Operation("updateReward", "Change a reward",
                        "Fields left out stay; null clears stock (unlimited), per_customer_limit and the window "
                        "ends. Audited. 422 invalid_reward with field errors.",
                        std::string(schemas::kRewardInput), {{"200", "The reward", "application/json", reward}})});
  router.Add({Method::kPost, "/api/v1/redemptions", write, Redeem,
              Operation("redeemReward", "Spend a member's points on a reward",
                        "One transaction: takes the stock and debits the points oldest lot first. A retry with the "
                        "same external_id, reward and quantity answers the first outcome (200, "
                        "Idempotent-Replayed: true). 409 not_available, out_of_stock, limit_reached, "
                        "insufficient_points or external_id_reused; 422 invalid_redemption with field errors.",
                        std::string(schemas::kRedemptionInput),
                        {{"201", "Redeemed", "application/json", redeemed},
                         {"200", "A retry of a redemption made before", "application/json", redeemed}})});
  router.Add({Method::kPost, "/api/v1/redemptions/{redemption_id}/cancel", write, CancelRedemption,
              Operation("cancelRedemption", "Cancel a redemption, giving back its points and stock",
                        "Every lot the redemption drew from is credited back exactly. 409 already_cancelled.", "",
                        {{"200", "Cancelled", "application/json", redeemed}})});
  router.Add(
      {Method::kGet, "/api/v1/contacts/{contact_id}/redemptions", read, ListRedemptions,
       Operation("listRedemptions", "A member's redemptions, newest first", "", "",
                 {{"200", "A page of redemptions", "application/json", PageSchema(redemption)}}, {limit, cursor})});
}

}  // namespace rapport::http

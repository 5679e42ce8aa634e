// See reward_service.h. Each write is one store transaction; the member's
// account row is locked first so concurrent redemptions of one member take
// turns and every read after it (lots, active quantities) is current.
#include "rapport/app/reward_service.h"

#include <string_view>
#include <utility>

#include "json_builder.h"
#include "loyalty_support.h"
#include "relationship_support.h"

#include "rapport/base/limits.h"
#include "rapport/domain/access.h"
#include "rapport/domain/loyalty.h"

namespace rapport::app {
namespace {

std::string RewardJson(const Reward& reward) {
  JsonBuilder json;
  json.Add("name", reward.name)
      .Add("kind", RewardKindName(reward.kind))
      .Add("points_price", reward.points_price.count())
      .Add("active", reward.active);
  if (reward.stock) json.Add("stock", *reward.stock);
  if (reward.per_customer_limit) json.Add("per_customer_limit", *reward.per_customer_limit);
  if (reward.available_from) json.Add("available_from", FormatRfc3339(*reward.available_from));
  if (reward.available_until) json.Add("available_until", FormatRfc3339(*reward.available_until));
  return json.Take();
}

// Checks a whole reward; every problem as a field error.
std::vector<LoyaltyFieldError> CheckReward(const Reward& reward, std::string_view kind_name) {
  std::vector<LoyaltyFieldError> errors;
  if (reward.name.empty() || reward.name.size() > kRewardNameBytesMax) {
    errors.push_back({"name", "must be 1 to " + std::to_string(kRewardNameBytesMax) + " bytes"});
  }
  if (reward.description.size() > kRewardDescriptionBytesMax) {
    errors.push_back({"description", "is longer than " + std::to_string(kRewardDescriptionBytesMax) + " bytes"});
  }
  if (!ParseRewardKind(kind_name)) errors.push_back({"kind", "must be \"goods\" or \"discount\""});
  if (reward.points_price.count() <= 0 || reward.points_price.count() > limits::kPointsAbsMax) {
    errors.push_back({"points_price", "must be between 1 and " + std::to_string(limits::kPointsAbsMax)});
  }
  if (reward.stock && (*reward.stock < 0 || *reward.stock > kRewardStockMax)) {
    errors.push_back({"stock", "must be between 0 and " + std::to_string(kRewardStockMax)});
  }
  if (reward.per_customer_limit && (*reward.per_customer_limit < 1 || *reward.per_customer_limit > kRewardStockMax)) {
    errors.push_back({"per_customer_limit", "must be between 1 and " + std::to_string(kRewardStockMax)});
  }
  if (reward.available_from && reward.available_until && *reward.available_until <= *reward.available_from) {
    errors.push_back({"available_until", "must be after available_from"});
  }
  return errors;
}

// Why the reward cannot be redeemed at `now`, or "" when it can.
std::string Unavailability(const Reward& reward, Timestamp now) {
  const std::string name = "reward \"" + reward.name + "\"";
  if (!reward.active) return name + " is not available: it is inactive";
  if (reward.available_from && now < *reward.available_from) {
    return name + " is not available until " + FormatRfc3339(*reward.available_from);
  }
  if (reward.available_until && now >= *reward.available_until) {
    return name + " is not available since " + FormatRfc3339(*reward.available_until);
  }
  return "";
}

}  // namespace

RewardService::RewardService(Store& store, const Clock& clock) : store_(store), clock_(clock) {}

// ---- catalogue --------------------------------------------------------------

RewardService::RewardOutcome RewardService::Create(const Principal& principal, const Origin& origin,
                                                   const RewardInput& input) {
  RewardOutcome outcome;
  if (Status allowed = RequireLoyalty(principal, domain::Action::kAdmin); !allowed.ok()) {
    outcome.status = std::move(allowed);
    return outcome;
  }
  Reward reward{.name = input.name,
                .description = input.description,
                .kind = ParseRewardKind(input.kind).value_or(RewardKind::kGoods),
                .points_price = Points(input.points_price),
                .stock = input.stock,
                .per_customer_limit = input.per_customer_limit,
                .available_from = input.available_from,
                .available_until = input.available_until,
                .active = input.active};
  outcome.errors = CheckReward(reward, input.kind);
  if (!outcome.errors.empty()) {
    outcome.status = InvalidArgument("the reward has problems");
    return outcome;
  }
  const Timestamp now = clock_.Now();
  outcome.status = store_.Write([&](WriteTransaction& transaction) -> Status {
    RAPPORT_ASSIGN_OR_RETURN(const std::int64_t id, transaction.RewardsOut().InsertReward(reward));
    RAPPORT_RETURN_IF_ERROR(
        AccessService::Record(transaction, principal, origin, now, "reward.create", "reward", id, RewardJson(reward))
            .status());
    RAPPORT_ASSIGN_OR_RETURN(outcome.reward, transaction.Rewards().GetReward(id));
    return Status::Ok();
  });
  if (!outcome.status.ok()) outcome.reward.reset();
  return outcome;
}

RewardService::RewardOutcome RewardService::Update(const Principal& principal, const Origin& origin, std::int64_t id,
                                                   const RewardPatch& patch) {
  RewardOutcome outcome;
  if (Status allowed = RequireLoyalty(principal, domain::Action::kAdmin); !allowed.ok()) {
    outcome.status = std::move(allowed);
    return outcome;
  }
  const Timestamp now = clock_.Now();
  outcome.status = store_.Write([&](WriteTransaction& transaction) -> Status {
    outcome.errors.clear();
    RAPPORT_ASSIGN_OR_RETURN(std::optional<Reward> stored, transaction.Rewards().GetReward(id));
    if (!stored) return NotFound("no reward " + std::to_string(id));
    Reward reward = std::move(*stored);
    std::string kind_name(RewardKindName(reward.kind));
    if (patch.name) reward.name = *patch.name;
    if (patch.description) reward.description = *patch.description;
    if (patch.kind) {
      kind_name = *patch.kind;
      reward.kind = ParseRewardKind(kind_name).value_or(reward.kind);
    }
    if (patch.points_price) reward.points_price = Points(*patch.points_price);
    if (patch.stock) reward.stock = *patch.stock;
    if (patch.per_customer_limit) reward.per_customer_limit = *patch.per_customer_limit;
    if (patch.available_from) reward.available_from = *patch.available_from;
    if (patch.available_until) reward.available_until = *patch.available_until;
    if (patch.active) reward.active = *patch.active;
    outcome.errors = CheckReward(reward, kind_name);
    if (!outcome.errors.empty()) return InvalidArgument("the reward has problems");
    RAPPORT_RETURN_IF_ERROR(transaction.RewardsOut().UpdateReward(reward));
    RAPPORT_RETURN_IF_ERROR(
        AccessService::Record(transaction, principal, origin, now, "reward.update", "reward", id, RewardJson(reward))
            .status());
    RAPPORT_ASSIGN_OR_RETURN(outcome.reward, transaction.Rewards().GetReward(id));
    return Status::Ok();
  });
  if (!outcome.status.ok()) outcome.reward.reset();
  return outcome;
}

Result<std::optional<Reward>> RewardService::Get(const Principal& principal, std::int64_t id) {
  RAPPORT_RETURN_IF_ERROR(RequireLoyalty(principal, domain::Action::kRead));
  std::optional<Reward> reward;
  RAPPORT_RETURN_IF_ERROR(store_.Read([&](ReadTransaction& transaction) -> Status {
    RAPPORT_ASSIGN_OR_RETURN(reward, transaction.Rewards().GetReward(id));
    return Status::Ok();
  }));
  return reward;
}

Result<RewardPage> RewardService::List(const Principal& principal, const ListOptions& options,
                                       std::optional<std::int64_t> after, int limit) {
  RAPPORT_RETURN_IF_ERROR(RequireLoyalty(principal, domain::Action::kRead));
  RAPPORT_RETURN_IF_ERROR(ValidatePageLimit(limit, kRewardsPageMax));
  RewardPage page;
  RAPPORT_RETURN_IF_ERROR(store_.Read([&](ReadTransaction& transaction) -> Status {
    RAPPORT_ASSIGN_OR_RETURN(page.items, transaction.Rewards().ListRewards(
                                             {.include_inactive = options.include_inactive}, after, limit + 1));
    return Status::Ok();
  }));
  page.next = TrimToPage(page.items, limit);
  return page;
}

// ---- redemptions ------------------------------------------------------------

RewardService::RedemptionOutcome RewardService::Redeem(const Principal& principal, const Origin& origin,
                                                       const RedemptionRequest& request) {
  (void)origin;
  RedemptionOutcome outcome;
  if (Status allowed = RequireLoyalty(principal, domain::Action::kWrite); !allowed.ok()) {
    outcome.status = std::move(allowed);
    return outcome;
  }
  if (!request.contact_id.valid()) outcome.errors.push_back({"contact_id", "is required"});
  if (request.reward_id <= 0) outcome.errors.push_back({"reward_id", "is required"});
  if (request.quantity < 1 || request.quantity > kRedemptionQuantityMax) {
    outcome.errors.push_back({"quantity", "must be between 1 and " + std::to_string(kRedemptionQuantityMax)});
  }
  if (request.external_id.size() > kRedemptionExternalIdBytesMax) {
    outcome.errors.push_back(
        {"external_id", "is longer than " + std::to_string(kRedemptionExternalIdBytesMax) + " bytes"});
  }
  if (!outcome.errors.empty()) {
    outcome.status = InvalidArgument("the redemption has problems");
    return outcome;
  }
  const Timestamp now = clock_.Now();
  const std::string actor = principal.Actor();
  const ContactId contact = request.contact_id;
  const auto refuse = [&](RedemptionRefusal refusal, std::string message) {
    outcome.refusal = refusal;
    return FailedPrecondition(std::move(message));
  };
  const auto body = [&](WriteTransaction& transaction) -> Status {
    outcome.refusal = RedemptionRefusal::kNone;
    outcome.errors.clear();
    outcome.view.reset();
    RAPPORT_RETURN_IF_ERROR(LiveContact(transaction.Relationships(), contact).status());
    RewardsWriter& rewards_out = transaction.RewardsOut();
    RewardsReader& rewards = transaction.Rewards();
    LoyaltyReader& loyalty = transaction.Loyalty();
    RAPPORT_RETURN_IF_ERROR(rewards_out.LockMember(contact));

    if (!request.external_id.empty()) {
      RAPPORT_ASSIGN_OR_RETURN(std::optional<Redemption> existing,
                               rewards.FindRedemptionByExternalId(contact, request.external_id));
      if (existing) {
        if (existing->reward_id != request.reward_id || existing->quantity != request.quantity) {
          return refuse(RedemptionRefusal::kExternalIdReused,
                        "external id \"" + request.external_id + "\" was used for a different redemption");
        }
        RedemptionView view{.redemption = std::move(*existing), .replayed = true};
        RAPPORT_ASSIGN_OR_RETURN(std::optional<Reward> reward, rewards.GetReward(view.redemption.reward_id));
        if (reward) view.reward = std::move(*reward);
        RAPPORT_ASSIGN_OR_RETURN(view.account, loyalty.GetAccount(contact));
        outcome.view = std::move(view);
        return Status::Ok();
      }
    }

    RAPPORT_ASSIGN_OR_RETURN(std::optional<Reward> reward, rewards.GetReward(request.reward_id));
    if (!reward) {
      outcome.errors.push_back({"reward_id", "is not a reward"});
      return InvalidArgument("the redemption has problems");
    }
    if (const std::string why = Unavailability(*reward, now); !why.empty()) {
      return refuse(RedemptionRefusal::kNotAvailable, why);
    }
    RAPPORT_ASSIGN_OR_RETURN(const bool taken, rewards_out.TakeStock(reward->id, request.quantity));
    if (!taken) return refuse(RedemptionRefusal::kOutOfStock, "reward \"" + reward->name + "\" is out of stock");
    if (reward->per_customer_limit) {
      RAPPORT_ASSIGN_OR_RETURN(const std::int64_t held, rewards.ActiveQuantity(contact, reward->id));
      if (held + request.quantity > *reward->per_customer_limit) {
        return refuse(RedemptionRefusal::kLimitReached, "reward \"" + reward->name + "\" has a limit of " +
                                                            std::to_string(*reward->per_customer_limit) +
                                                            " per customer; the member holds " + std::to_string(held));
      }
    }
    const Points points(reward->points_price.count() * request.quantity);
    RAPPORT_ASSIGN_OR_RETURN(const std::vector<Lot> open, loyalty.ListOpenLots(contact));
    Result<std::vector<domain::LotDraw>> draws = domain::DrawOldestFirst(UsableBalances(open, now), points, now);
    if (!draws.ok()) {
      if (draws.status().code() == StatusCode::kFailedPrecondition) {
        outcome.refusal = RedemptionRefusal::kInsufficientPoints;
      }
      return draws.status();
    }
    NewLedgerTransaction posting{.kind = LedgerKind::kRedeem,
                                 .contact_id = contact,
                                 .occurred_at = now,
                                 .actor = actor,
                                 .explanation_json = JsonBuilder()
                                                         .Add("reward_id", reward->id)
                                                         .Add("reward", reward->name)
                                                         .Add("quantity", request.quantity)
                                                         .Take()};
    for (const domain::LotDraw& draw : *draws) {
      posting.entries.push_back({.account = LedgerAccount::kAvailable, .points = -draw.points, .lot_id = draw.lot_id});
    }
    posting.entries.push_back({.account = LedgerAccount::kRedeemed, .points = points});
    Result<PostedTransaction> posted = transaction.LoyaltyOut().PostTransaction(posting);
    if (!posted.ok()) {
      if (posted.status().code() == StatusCode::kFailedPrecondition) {
        outcome.refusal = RedemptionRefusal::kInsufficientPoints;
      }
      return posted.status();
    }
    Redemption redemption{.reward_id = reward->id,
                          .contact_id = contact,
                          .quantity = request.quantity,
                          .points = points,
                          .transaction_id = posted->transaction_id,
                          .actor = actor,
                          .external_id = request.external_id};
    RAPPORT_ASSIGN_OR_RETURN(const std::int64_t id, rewards_out.InsertRedemption(redemption));
    RAPPORT_RETURN_IF_ERROR(AppendContactEvent(transaction, "points_redeemed", contact, now, actor,
                                               JsonBuilder()
                                                   .Add("redemption_id", id)
                                                   .Add("reward_id", reward->id)
                                                   .Add("quantity", request.quantity)
                                                   .Add("points", points.count())
                                                   .Add("transaction_id", posted->transaction_id)
                                                   .Take()));
    RedemptionView view;
    RAPPORT_ASSIGN_OR_RETURN(std::optional<Redemption> stored, rewards.GetRedemption(id));
    if (!stored) return Internal("redemption " + std::to_string(id) + " vanished after insert");
    view.redemption = std::move(*stored);
    RAPPORT_ASSIGN_OR_RETURN(std::optional<Reward> after, rewards.GetReward(reward->id));
    view.reward = after.value_or(*reward);
    RAPPORT_ASSIGN_OR_RETURN(view.account, loyalty.GetAccount(contact));
    outcome.view = std::move(view);
    return Status::Ok();
  };
  Status written = store_.Write(body);
  if (written.code() == StatusCode::kAlreadyExists) {
    // The same external id was committed between our read and our write: run
    // again, which now finds and replays it.
    written = store_.Write(body);
  }
  outcome.status = std::move(written);
  if (!outcome.status.ok()) outcome.view.reset();
  if (outcome.status.code() != StatusCode::kFailedPrecondition) outcome.refusal = RedemptionRefusal::kNone;
  return outcome;
}

RewardService::RedemptionOutcome RewardService::Cancel(const Principal& principal, const Origin& origin,
                                                       std::int64_t redemption_id) {
  (void)origin;
  RedemptionOutcome outcome;
  if (Status allowed = RequireLoyalty(principal, domain::Action::kWrite); !allowed.ok()) {
    outcome.status = std::move(allowed);
    return outcome;
  }
  const Timestamp now = clock_.Now();
  const std::string actor = principal.Actor();
  outcome.status = store_.Write([&](WriteTransaction& transaction) -> Status {
    outcome.refusal = RedemptionRefusal::kNone;
    outcome.view.reset();
    RewardsWriter& rewards_out = transaction.RewardsOut();
    RewardsReader& rewards = transaction.Rewards();
    LoyaltyReader& loyalty = transaction.Loyalty();
    RAPPORT_ASSIGN_OR_RETURN(std::optional<Redemption> found, rewards.GetRedemption(redemption_id));
    if (!found) return NotFound("no redemption " + std::to_string(redemption_id));
    const ContactId contact = found->contact_id;
    RAPPORT_RETURN_IF_ERROR(rewards_out.LockMember(contact));
    RAPPORT_ASSIGN_OR_RETURN(found, rewards.GetRedemption(redemption_id));  // current after the lock
    if (!found || found->state != RedemptionState::kActive) {
      outcome.refusal = RedemptionRefusal::kAlreadyCancelled;
      return FailedPrecondition("redemption " + std::to_string(redemption_id) + " is already cancelled");
    }
    const Redemption redemption = std::move(*found);

    // Credit every drawn lot back exactly, as the redeem posting took it.
    RAPPORT_ASSIGN_OR_RETURN(const LedgerTransaction redeem,
                             ReadLedgerTransaction(loyalty, contact, redemption.transaction_id));
    NewLedgerTransaction posting{
        .kind = LedgerKind::kRedeemCancel,
        .contact_id = contact,
        .occurred_at = now,
        .actor = actor,
        .explanation_json =
            JsonBuilder().Add("redemption_id", redemption.id).Add("reward_id", redemption.reward_id).Take()};
    Points total{0};
    for (const LedgerEntry& entry : redeem.entries) {
      if (entry.account != LedgerAccount::kAvailable || !entry.lot_id || !entry.points.negative()) continue;
      posting.entries.push_back(
          {.account = LedgerAccount::kAvailable, .points = -entry.points, .lot_id = entry.lot_id});
      total -= entry.points;
    }
    if (total != redemption.points) {
      return DataLoss("redemption " + std::to_string(redemption.id) + " took " +
                      std::to_string(redemption.points.count()) + " points but its posting drew " +
                      std::to_string(total.count()));
    }
    posting.entries.push_back({.account = LedgerAccount::kRedeemed, .points = -total});
    RAPPORT_ASSIGN_OR_RETURN(const PostedTransaction posted, transaction.LoyaltyOut().PostTransaction(posting));
    RAPPORT_RETURN_IF_ERROR(rewards_out.CancelRedemption(redemption.id, posted.transaction_id, now));
    RAPPORT_RETURN_IF_ERROR(rewards_out.RestoreStock(redemption.reward_id, redemption.quantity));
    RAPPORT_RETURN_IF_ERROR(AppendContactEvent(transaction, "redemption_cancelled", contact, now, actor,
                                               JsonBuilder()
                                                   .Add("redemption_id", redemption.id)
                                                   .Add("reward_id", redemption.reward_id)
                                                   .Add("quantity", redemption.quantity)
                                                   .Add("points", total.count())
                                                   .Add("transaction_id", posted.transaction_id)
                                                   .Take()));
    RedemptionView view;
    RAPPORT_ASSIGN_OR_RETURN(std::optional<Redemption> stored, rewards.GetRedemption(redemption.id));
    if (stored) view.redemption = std::move(*stored);
    RAPPORT_ASSIGN_OR_RETURN(std::optional<Reward> reward, rewards.GetReward(redemption.reward_id));
    if (reward) view.reward = std::move(*reward);
    RAPPORT_ASSIGN_OR_RETURN(view.account, loyalty.GetAccount(contact));
    outcome.view = std::move(view);
    return Status::Ok();
  });
  if (!outcome.status.ok()) outcome.view.reset();
  if (outcome.status.code() != StatusCode::kFailedPrecondition) outcome.refusal = RedemptionRefusal::kNone;
  return outcome;
}

Result<std::optional<Redemption>> RewardService::GetRedemption(const Principal& principal, std::int64_t id) {
  RAPPORT_RETURN_IF_ERROR(RequireLoyalty(principal, domain::Action::kRead));
  std::optional<Redemption> redemption;
  RAPPORT_RETURN_IF_ERROR(store_.Read([&](ReadTransaction& transaction) -> Status {
    RAPPORT_ASSIGN_OR_RETURN(redemption, transaction.Rewards().GetRedemption(id));
    return Status::Ok();
  }));
  return redemption;
}

Result<RedemptionPage> RewardService::ListRedemptions(const Principal& principal, ContactId contact,
                                                      std::optional<std::int64_t> before, int limit) {
  RAPPORT_RETURN_IF_ERROR(RequireLoyalty(principal, domain::Action::kRead));
  RAPPORT_RETURN_IF_ERROR(ValidatePageLimit(limit, kRewardsPageMax));
  RedemptionPage page;
  RAPPORT_RETURN_IF_ERROR(store_.Read([&](ReadTransaction& transaction) -> Status {
    RAPPORT_RETURN_IF_ERROR(LiveContact(transaction.Relationships(), contact).status());
    RAPPORT_ASSIGN_OR_RETURN(page.items, transaction.Rewards().ListRedemptions(contact, before, limit + 1));
    return Status::Ok();
  }));
  page.next = TrimToPage(page.items, limit);
  return page;
}

}  // namespace rapport::app

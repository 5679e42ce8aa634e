// See rewards.h. Every statement is named in store/queries/<dialect>/rewards.sql.
#include "repositories/rewards.h"

#include <limits>
#include <string>
#include <utility>

#include "sql/stored_values.h"

namespace rapport::store {
namespace {

constexpr std::int64_t kInt64Max = std::numeric_limits<std::int64_t>::max();
constexpr std::size_t kTextBytesMax = 10'000;  // name, description, actor, external id: the app checks tighter

SqlParam OptionalInt(const std::optional<std::int64_t>& value) {
  return value ? SqlParam(*value) : SqlParam(SqlNull{});
}

SqlParam OptionalMicros(const std::optional<Timestamp>& at) {
  return at ? SqlParam(ToUnixMicros(*at)) : SqlParam(SqlNull{});
}

Status ValidateText(std::string_view what, std::string_view text) {
  if (text.size() > kTextBytesMax) {
    return InvalidArgument(std::string(what) + " is " + std::to_string(text.size()) + " bytes, over the " +
                           std::to_string(kTextBytesMax) + " byte limit");
  }
  return {};
}

Status ValidateReward(const app::Reward& reward) {
  RAPPORT_RETURN_IF_ERROR(ValidateText("reward name", reward.name));
  RAPPORT_RETURN_IF_ERROR(ValidateText("reward description", reward.description));
  if (reward.name.empty()) return InvalidArgument("a reward needs a name");
  if (reward.points_price.count() <= 0) return InvalidArgument("a reward's points price must be positive");
  if (reward.stock && *reward.stock < 0) return InvalidArgument("a reward's stock cannot be negative");
  if (reward.per_customer_limit && *reward.per_customer_limit <= 0) {
    return InvalidArgument("a reward's per-customer limit must be positive");
  }
  return {};
}

Result<app::Reward> RewardFromRow(const SqlRow& row) {
  app::Reward reward;
  reward.id = row.Int(0);
  reward.name = std::string(row.Text(1));
  reward.description = std::string(row.Text(2));
  const std::optional<app::RewardKind> kind = app::ParseRewardKind(row.Text(3));
  if (!kind) {
    return UnknownStoredValue("rewards", "kind", row.Text(3));
  }
  reward.kind = *kind;
  reward.points_price = Points(row.Int(4));
  reward.stock = OptionalIntColumn(row, 5);
  reward.per_customer_limit = OptionalIntColumn(row, 6);
  reward.available_from = OptionalTimestamp(row, 7);
  reward.available_until = OptionalTimestamp(row, 8);
  reward.active = row.Int(9) != 0;
  reward.created_at = FromUnixMicros(row.Int(10));
  reward.updated_at = FromUnixMicros(row.Int(11));
  return reward;
}

Result<app::Redemption> RedemptionFromRow(const SqlRow& row) {
  app::Redemption redemption;
  redemption.id = row.Int(0);
  redemption.reward_id = row.Int(1);
  redemption.contact_id = ContactId(row.Int(2));
  redemption.quantity = row.Int(3);
  redemption.points = Points(row.Int(4));
  const std::optional<app::RedemptionState> state = app::ParseRedemptionState(row.Text(5));
  if (!state) {
    return UnknownStoredValue("redemptions", "state", row.Text(5));
  }
  redemption.state = *state;
  redemption.transaction_id = row.Int(6);
  redemption.cancel_transaction_id = OptionalIntColumn(row, 7);
  redemption.created_at = FromUnixMicros(row.Int(8));
  redemption.cancelled_at = OptionalTimestamp(row, 9);
  redemption.actor = std::string(row.Text(10));
  redemption.external_id = std::string(row.Text(11));
  return redemption;
}

template <typename T>
std::optional<T> First(std::vector<T> rows) {
  if (rows.empty()) return std::nullopt;
  return std::move(rows.front());
}

Status ValidateLimit(int limit) {
  if (limit < 1 || limit > app::kRewardsPageMax + 1) {
    return InvalidArgument("limit must be between 1 and " + std::to_string(app::kRewardsPageMax + 1));
  }
  return {};
}

}  // namespace

Result<std::vector<app::Reward>> SqlRewards::QueryRewards(std::string_view query_name,
                                                          std::span<const SqlParam> params) {
  std::vector<app::Reward> rewards;
  RAPPORT_RETURN_IF_ERROR(session_.Query(query_name, params, [&](const SqlRow& row) -> Status {
    RAPPORT_ASSIGN_OR_RETURN(app::Reward reward, RewardFromRow(row));
    rewards.push_back(std::move(reward));
    return Status();
  }));
  return rewards;
}

Result<std::vector<app::Redemption>> SqlRewards::QueryRedemptions(std::string_view query_name,
                                                                  std::span<const SqlParam> params) {
  std::vector<app::Redemption> redemptions;
  RAPPORT_RETURN_IF_ERROR(session_.Query(query_name, params, [&](const SqlRow& row) -> Status {
    RAPPORT_ASSIGN_OR_RETURN(app::Redemption redemption, RedemptionFromRow(row));
    redemptions.push_back(std::move(redemption));
    return Status();
  }));
  return redemptions;
}

// ---- reads ------------------------------------------------------------------

Result<std::optional<app::Reward>> SqlRewards::GetReward(std::int64_t id) {
  const SqlParam params[] = {id};
  RAPPORT_ASSIGN_OR_RETURN(std::vector<app::Reward> rows, QueryRewards("rewards_get", params));
  return First(std::move(rows));
}

Result<std::vector<app::Reward>> SqlRewards::ListRewards(const RewardFilter& filter, std::optional<std::int64_t> after,
                                                         int limit) {
  RAPPORT_RETURN_IF_ERROR(ValidateLimit(limit));
  const SqlParam params[] = {after.value_or(0), std::int64_t{filter.include_inactive ? 1 : 0}, std::int64_t{limit}};
  return QueryRewards("rewards_list", params);
}

Result<std::optional<app::Redemption>> SqlRewards::GetRedemption(std::int64_t id) {
  const SqlParam params[] = {id};
  RAPPORT_ASSIGN_OR_RETURN(std::vector<app::Redemption> rows, QueryRedemptions("redemptions_get", params));
  return First(std::move(rows));
}

Result<std::vector<app::Redemption>> SqlRewards::ListRedemptions(ContactId contact, std::optional<std::int64_t> before,
                                                                 int limit) {
  RAPPORT_RETURN_IF_ERROR(ValidateLimit(limit));
  const SqlParam params[] = {contact.value(), before.value_or(kInt64Max), std::int64_t{limit}};
  return QueryRedemptions("redemptions_list", params);
}

Result<std::optional<app::Redemption>> SqlRewards::FindRedemptionByExternalId(ContactId contact,
                                                                              std::string_view external_id) {
  if (external_id.empty()) return std::optional<app::Redemption>();
  const SqlParam params[] = {contact.value(), external_id};
  RAPPORT_ASSIGN_OR_RETURN(std::vector<app::Redemption> rows, QueryRedemptions("redemptions_by_external_id", params));
  return First(std::move(rows));
}

Result<std::int64_t> SqlRewards::ActiveQuantity(ContactId contact, std::int64_t reward) {
  const SqlParam params[] = {contact.value(), reward};
  std::int64_t quantity = 0;
  RAPPORT_RETURN_IF_ERROR(session_.Query("redemptions_active_quantity", params, [&](const SqlRow& row) {
    quantity = row.Int(0);
    return Status();
  }));
  return quantity;
}

// ---- writes -----------------------------------------------------------------

Result<std::int64_t> SqlRewards::InsertReward(const app::Reward& reward) {
  RAPPORT_RETURN_IF_ERROR(ValidateReward(reward));
  const std::string kind(app::RewardKindName(reward.kind));
  const SqlParam params[] = {std::string_view(reward.name),
                             std::string_view(reward.description),
                             std::string_view(kind),
                             reward.points_price.count(),
                             OptionalInt(reward.stock),
                             OptionalInt(reward.per_customer_limit),
                             OptionalMicros(reward.available_from),
                             OptionalMicros(reward.available_until),
                             std::int64_t{reward.active ? 1 : 0},
                             ToUnixMicros(now_)};
  std::optional<std::int64_t> id;
  RAPPORT_RETURN_IF_ERROR(session_.Query("rewards_insert", params, [&](const SqlRow& row) {
    id = row.Int(0);
    return Status();
  }));
  if (!id) return Internal("inserting a reward returned no id");
  return *id;
}

Status SqlRewards::UpdateReward(const app::Reward& reward) {
  RAPPORT_RETURN_IF_ERROR(ValidateReward(reward));
  const std::string kind(app::RewardKindName(reward.kind));
  const SqlParam params[] = {reward.id,
                             std::string_view(reward.name),
                             std::string_view(reward.description),
                             std::string_view(kind),
                             reward.points_price.count(),
                             OptionalInt(reward.stock),
                             OptionalInt(reward.per_customer_limit),
                             OptionalMicros(reward.available_from),
                             OptionalMicros(reward.available_until),
                             std::int64_t{reward.active ? 1 : 0},
                             ToUnixMicros(now_)};
  RAPPORT_ASSIGN_OR_RETURN(const std::int64_t changed, session_.Execute("rewards_update", params));
  if (changed == 0) return NotFound("no reward " + std::to_string(reward.id));
  return {};
}

Status SqlRewards::LockMember(ContactId contact) {
  const SqlParam params[] = {contact.value()};
  RAPPORT_RETURN_IF_ERROR(session_.Execute("rewards_member_ensure", params).status());
  return session_.Query("rewards_member_lock", params, [](const SqlRow&) { return Status(); });
}

Result<bool> SqlRewards::TakeStock(std::int64_t reward, std::int64_t quantity) {
  if (quantity <= 0) return InvalidArgument("a stock take must be positive");
  const SqlParam params[] = {reward, quantity};
  bool taken = false;
  RAPPORT_RETURN_IF_ERROR(session_.Query("rewards_take_stock", params, [&](const SqlRow&) {
    taken = true;
    return Status();
  }));
  if (taken) return true;
  RAPPORT_ASSIGN_OR_RETURN(const std::optional<app::Reward> found, GetReward(reward));
  if (!found) return NotFound("no reward " + std::to_string(reward));
  return false;
}

Status SqlRewards::RestoreStock(std::int64_t reward, std::int64_t quantity) {
  if (quantity <= 0) return InvalidArgument("a stock restore must be positive");
  const SqlParam params[] = {reward, quantity};
  return session_.Execute("rewards_restore_stock", params).status();
}

Result<std::int64_t> SqlRewards::InsertRedemption(const app::Redemption& redemption) {
  RAPPORT_RETURN_IF_ERROR(ValidateText("redemption actor", redemption.actor));
  RAPPORT_RETURN_IF_ERROR(ValidateText("redemption external id", redemption.external_id));
  if (redemption.quantity <= 0 || redemption.points.count() <= 0) {
    return InvalidArgument("a redemption needs a positive quantity and points");
  }
  const SqlParam params[] = {redemption.reward_id,
                             redemption.contact_id.value(),
                             redemption.quantity,
                             redemption.points.count(),
                             redemption.transaction_id,
                             ToUnixMicros(now_),
                             std::string_view(redemption.actor),
                             std::string_view(redemption.external_id)};
  std::optional<std::int64_t> id;
  RAPPORT_RETURN_IF_ERROR(session_.Query("redemptions_insert", params, [&](const SqlRow& row) {
    id = row.Int(0);
    return Status();
  }));
  if (!id) {
    return AlreadyExists("contact " + std::to_string(redemption.contact_id.value()) +
                         " already holds a redemption with external id \"" + redemption.external_id + "\"");
  }
  return *id;
}

Status SqlRewards::CancelRedemption(std::int64_t id, std::int64_t cancel_transaction_id, Timestamp at) {
  const SqlParam params[] = {id, cancel_transaction_id, ToUnixMicros(at)};
  bool cancelled = false;
  RAPPORT_RETURN_IF_ERROR(session_.Query("redemptions_cancel", params, [&](const SqlRow&) {
    cancelled = true;
    return Status();
  }));
  if (cancelled) return {};
  RAPPORT_ASSIGN_OR_RETURN(const std::optional<app::Redemption> found, GetRedemption(id));
  if (!found) return NotFound("no redemption " + std::to_string(id));
  return FailedPrecondition("redemption " + std::to_string(id) + " is already cancelled");
}

}  // namespace rapport::store

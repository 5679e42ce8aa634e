// RewardService against a real store (SQLite, and PostgreSQL when
// RAPPORT_TEST_POSTGRES_URL names a test database): the catalogue's field
// errors, and redemptions under concurrency — 200 parallel redemptions against
// one balance succeed exactly as often as the balance allows, a stock of 5 is
// never oversold — the per-customer limit, the availability window's edges,
// cancellations that give back points and stock exactly once, and replays by
// external id. Every test ends with a clean CheckLedger.
#include "rapport/app/reward_service.h"

#include <atomic>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "loyalty_test_support.h"

#include "rapport/app/access_service.h"

namespace rapport {
namespace {

using app::RedemptionRefusal;

app::Principal WithRole(domain::Role role) {
  app::Principal principal;
  principal.kind = app::Principal::Kind::kToken;
  principal.id = 9;
  principal.role = role;
  principal.name = "integration";
  return principal;
}

class RewardServiceTest : public ::testing::TestWithParam<loyalty_testing::Backend> {
 protected:
  void SetUp() override {
    if (!database_.Open(GetParam(), clock_)) GTEST_SKIP() << "RAPPORT_TEST_POSTGRES_URL is not set";
    loyalty_ = &database_.service();
    rewards_ = std::make_unique<app::RewardService>(database_.store(), clock_);
    members_ = database_.AddMembers(30, clock_.Now());
  }

  void TearDown() override { rewards_.reset(); }

  void Credit(ContactId member, std::int64_t points) {
    Result<app::LedgerTransaction> adjusted = loyalty_->Adjust(admin_, origin_, member, Points(points), "welcome");
    ASSERT_TRUE(adjusted.ok()) << adjusted.status().ToString();
  }

  std::int64_t AddReward(std::int64_t price, std::optional<std::int64_t> stock = std::nullopt,
                         std::optional<std::int64_t> limit = std::nullopt) {
    app::RewardService::RewardOutcome created = rewards_->Create(admin_, origin_,
                                                                 {.name = "Reward " + std::to_string(++rewards_made_),
                                                                  .points_price = price,
                                                                  .stock = stock,
                                                                  .per_customer_limit = limit});
    EXPECT_TRUE(created.status.ok()) << created.status.ToString();
    return created.reward ? created.reward->id : 0;
  }

  app::RewardService::RedemptionOutcome Redeem(ContactId member, std::int64_t reward, std::int64_t quantity = 1,
                                               std::string external_id = "") {
    return rewards_->Redeem(
        admin_, origin_,
        {.contact_id = member, .reward_id = reward, .quantity = quantity, .external_id = std::move(external_id)});
  }

  Points Available(ContactId member) {
    Result<app::LoyaltySummary> summary = loyalty_->Summary(admin_, member);
    EXPECT_TRUE(summary.ok()) << summary.status().ToString();
    return summary.ok() ? summary->account.available : Points(-1);
  }

  std::optional<std::int64_t> Stock(std::int64_t reward) {
    Result<std::optional<app::Reward>> read = rewards_->Get(admin_, reward);
    EXPECT_TRUE(read.ok() && read->has_value());
    return read.ok() && read->has_value() ? (*read)->stock : std::optional<std::int64_t>(-1);
  }

  void ExpectLedgerHolds() {
    Result<app::LedgerCheck> check = loyalty_->Check(admin_, std::nullopt);
    ASSERT_TRUE(check.ok()) << check.status().ToString();
    for (const std::string& problem : check->problems) ADD_FAILURE() << problem;
  }

  FakeClock clock_{ParseRfc3339("2026-11-24T10:00:00Z").value()};
  loyalty_testing::LoyaltyStore database_;
  app::LoyaltyService* loyalty_ = nullptr;
  std::unique_ptr<app::RewardService> rewards_;
  app::Principal admin_ = app::AccessService::Operator("tester");
  app::Origin origin_{};
  std::vector<ContactId> members_;
  int rewards_made_ = 0;
};

// 64 clients buy and redeem at once, every tenth request sent twice as a
// client retrying after a timeout would: nothing is lost, nothing counted
// twice, no balance goes below zero, and each member's balance is exactly what
// they earned minus what they redeemed.
TEST_P(RewardServiceTest, SixtyFourClientsBuyingAndRedeemingWithRetriesAddUp) {
  constexpr int kClients = 64;
  constexpr int kStepsPerClient = 8;
  constexpr std::int64_t kPrice = 15;
  const std::int64_t reward = AddReward(kPrice);
  std::atomic<int> failures{0};
  std::atomic<int> refusals{0};
  std::vector<std::thread> clients;
  for (int client = 0; client < kClients; ++client) {
    clients.emplace_back([&, client] {
      const ContactId member = members_[static_cast<std::size_t>(client) % members_.size()];
      for (int step = 0; step < kStepsPerClient; ++step) {
        const std::string id = "c" + std::to_string(client) + "-" + std::to_string(step);
        const int sends = (client * kStepsPerClient + step) % 10 == 0 ? 2 : 1;
        for (int send = 0; send < sends; ++send) {
          app::LoyaltyService::PurchaseOutcome bought = loyalty_->RecordPurchase(admin_, origin_,
                                                                                 {.contact_id = member,
                                                                                  .total_minor = 1'000,
                                                                                  .currency = "EUR",
                                                                                  .occurred_at = clock_.Now(),
                                                                                  .external_id = "p-" + id});
          if (!bought.status.ok()) failures.fetch_add(1);
        }
        for (int send = 0; send < sends; ++send) {
          app::RewardService::RedemptionOutcome redeemed = Redeem(member, reward, 1, "r-" + id);
          if (redeemed.status.code() == StatusCode::kFailedPrecondition) {
            refusals.fetch_add(1);  // the balance was short at that moment: allowed
          } else if (!redeemed.status.ok()) {
            failures.fetch_add(1);
          }
        }
      }
    });
  }
  for (std::thread& client : clients) client.join();
  EXPECT_EQ(failures.load(), 0);

  std::int64_t purchases = 0;
  std::int64_t redemptions = 0;
  for (std::size_t i = 0; i < members_.size(); ++i) {
    const std::int64_t clients_of_member =
        (kClients - 1 - static_cast<std::int64_t>(i)) / static_cast<std::int64_t>(members_.size()) + 1;
    Result<app::PurchasePage> bought = loyalty_->ListPurchases(admin_, members_[i], std::nullopt, app::kLoyaltyPageMax);
    ASSERT_TRUE(bought.ok()) << bought.status().ToString();
    EXPECT_EQ(static_cast<std::int64_t>(bought->items.size()), clients_of_member * kStepsPerClient);
    Result<app::RedemptionPage> redeemed = rewards_->ListRedemptions(admin_, members_[i], std::nullopt, 500);
    ASSERT_TRUE(redeemed.ok()) << redeemed.status().ToString();
    std::set<std::string> ids;
    for (const app::Redemption& redemption : redeemed->items) {
      EXPECT_TRUE(ids.insert(redemption.external_id).second) << "redeemed twice: " << redemption.external_id;
    }
    const std::int64_t earned = 10 * static_cast<std::int64_t>(bought->items.size());
    const std::int64_t spent = kPrice * static_cast<std::int64_t>(redeemed->items.size());
    EXPECT_EQ(Available(members_[i]).count(), earned - spent) << "member " << i;
    EXPECT_GE(Available(members_[i]).count(), 0);
    purchases += static_cast<std::int64_t>(bought->items.size());
    redemptions += static_cast<std::int64_t>(redeemed->items.size());
  }
  EXPECT_EQ(purchases, kClients * kStepsPerClient);
  EXPECT_GT(redemptions, 0);
  ExpectLedgerHolds();
}

TEST_P(RewardServiceTest, CatalogueFieldErrorsNameTheirFields) {
  app::RewardService::RewardOutcome created = rewards_->Create(admin_, origin_,
                                                               {.name = "",
                                                                .kind = "voucher",
                                                                .points_price = 0,
                                                                .stock = -1,
                                                                .per_customer_limit = 0,
                                                                .available_from = clock_.Now(),
                                                                .available_until = clock_.Now()});
  EXPECT_EQ(created.status.code(), StatusCode::kInvalidArgument);
  std::vector<std::string> fields;
  for (const app::LoyaltyFieldError& error : created.errors) fields.push_back(error.field);
  EXPECT_EQ(fields, (std::vector<std::string>{"name", "kind", "points_price", "stock", "per_customer_limit",
                                              "available_until"}));
  created = rewards_->Create(admin_, origin_, {.name = std::string(app::kRewardNameBytesMax, 'n'), .points_price = 1});
  EXPECT_TRUE(created.status.ok()) << created.status.ToString();
  created =
      rewards_->Create(admin_, origin_, {.name = std::string(app::kRewardNameBytesMax + 1, 'n'), .points_price = 1});
  EXPECT_EQ(created.status.code(), StatusCode::kInvalidArgument);

  const std::int64_t id = AddReward(10, 5);
  app::RewardService::RewardOutcome updated =
      rewards_->Update(admin_, origin_, id, {.stock = std::optional<std::int64_t>(), .active = false});
  ASSERT_TRUE(updated.status.ok()) << updated.status.ToString();
  EXPECT_EQ(updated.reward->stock, std::nullopt);
  EXPECT_FALSE(updated.reward->active);
  EXPECT_EQ(rewards_->Update(admin_, origin_, id + 100, {.active = true}).status.code(), StatusCode::kNotFound);
  EXPECT_EQ(rewards_->Update(admin_, origin_, id, {.points_price = -3}).status.code(), StatusCode::kInvalidArgument);

  // Catalogue writes need loyalty admin; agents may read.
  const app::Principal agent = WithRole(domain::Role::kAgent);
  EXPECT_EQ(rewards_->Create(agent, origin_, {.name = "x", .points_price = 1}).status.code(),
            StatusCode::kPermissionDenied);
  EXPECT_TRUE(rewards_->List(agent, {}, std::nullopt, 10).ok());
}

TEST_P(RewardServiceTest, TwoHundredParallelRedemptionsTakeExactlyTheBalance) {
  const ContactId member = members_[0];
  Credit(member, 600);
  Credit(member, 400);  // two lots: redemptions draw across them
  const std::int64_t reward = AddReward(10);
  constexpr int kClients = 200;
  std::atomic<int> succeeded{0};
  std::atomic<int> refused_for_balance{0};
  std::atomic<int> other{0};
  std::vector<std::thread> clients;
  for (int i = 0; i < kClients; ++i) {
    clients.emplace_back([&] {
      const app::RewardService::RedemptionOutcome outcome = Redeem(member, reward);
      if (outcome.status.ok()) {
        ++succeeded;
      } else if (outcome.status.code() == StatusCode::kFailedPrecondition &&
                 outcome.refusal == RedemptionRefusal::kInsufficientPoints &&
                 outcome.status.message().find("the balance") != std::string::npos) {
        ++refused_for_balance;
      } else {
        ++other;
        ADD_FAILURE() << outcome.status.ToString();
      }
    });
  }
  for (std::thread& client : clients) client.join();
  EXPECT_EQ(succeeded.load(), 100);
  EXPECT_EQ(refused_for_balance.load(), 100);
  EXPECT_EQ(other.load(), 0);
  EXPECT_EQ(Available(member), Points(0));
  Result<app::RedemptionPage> page = rewards_->ListRedemptions(admin_, member, std::nullopt, 500);
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(page->items.size(), 100u);
  ExpectLedgerHolds();
}

TEST_P(RewardServiceTest, AStockOfFiveIsNeverOversold) {
  const std::int64_t reward = AddReward(10, 5);
  for (int i = 0; i < 20; ++i) Credit(members_[static_cast<std::size_t>(i)], 100);
  std::atomic<int> succeeded{0};
  std::atomic<int> out_of_stock{0};
  std::vector<std::thread> clients;
  for (int i = 0; i < 20; ++i) {
    clients.emplace_back([&, i] {
      const app::RewardService::RedemptionOutcome outcome = Redeem(members_[static_cast<std::size_t>(i)], reward);
      if (outcome.status.ok()) {
        ++succeeded;
      } else if (outcome.refusal == RedemptionRefusal::kOutOfStock) {
        ++out_of_stock;
      } else {
        ADD_FAILURE() << outcome.status.ToString();
      }
    });
  }
  for (std::thread& client : clients) client.join();
  EXPECT_EQ(succeeded.load(), 5);
  EXPECT_EQ(out_of_stock.load(), 15);
  EXPECT_EQ(Stock(reward), 0);
  ExpectLedgerHolds();
}

TEST_P(RewardServiceTest, PerCustomerLimitCountsActiveQuantity) {
  const ContactId member = members_[0];
  Credit(member, 1'000);
  const std::int64_t reward = AddReward(10, std::nullopt, 3);
  ASSERT_TRUE(Redeem(member, reward, 2).status.ok());
  app::RewardService::RedemptionOutcome refused = Redeem(member, reward, 2);
  EXPECT_EQ(refused.status.code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(refused.refusal, RedemptionRefusal::kLimitReached);
  EXPECT_NE(refused.status.message().find("limit of 3 per customer"), std::string::npos) << refused.status.message();
  app::RewardService::RedemptionOutcome last = Redeem(member, reward, 1);
  ASSERT_TRUE(last.status.ok()) << last.status.ToString();
  EXPECT_EQ(Redeem(member, reward, 1).refusal, RedemptionRefusal::kLimitReached);
  // Another member has a limit of their own; a cancellation frees the quantity.
  Credit(members_[1], 100);
  EXPECT_TRUE(Redeem(members_[1], reward, 3).status.ok());
  ASSERT_TRUE(rewards_->Cancel(admin_, origin_, last.view->redemption.id).status.ok());
  EXPECT_TRUE(Redeem(member, reward, 1).status.ok());
  EXPECT_EQ(Available(member), Points(1'000 - 30));
  ExpectLedgerHolds();
}

TEST_P(RewardServiceTest, AvailabilityWindowIncludesItsStartAndExcludesItsEnd) {
  const ContactId member = members_[0];
  Credit(member, 1'000);
  const Timestamp from = clock_.Now() + std::chrono::hours(1);
  const Timestamp until = from + std::chrono::hours(24);
  app::RewardService::RewardOutcome created = rewards_->Create(
      admin_, origin_, {.name = "Weekend", .points_price = 10, .available_from = from, .available_until = until});
  ASSERT_TRUE(created.status.ok());
  const std::int64_t reward = created.reward->id;

  clock_.Set(from - Microseconds(1));
  app::RewardService::RedemptionOutcome early = Redeem(member, reward);
  EXPECT_EQ(early.refusal, RedemptionRefusal::kNotAvailable);
  EXPECT_NE(early.status.message().find("is not available until 2026-11-24T11:00:00"), std::string::npos)
      << early.status.message();
  clock_.Set(from);
  EXPECT_TRUE(Redeem(member, reward).status.ok());
  clock_.Set(until - Microseconds(1));
  EXPECT_TRUE(Redeem(member, reward).status.ok());
  clock_.Set(until);
  EXPECT_EQ(Redeem(member, reward).refusal, RedemptionRefusal::kNotAvailable);

  ASSERT_TRUE(
      rewards_->Update(admin_, origin_, reward, {.available_until = std::optional<Timestamp>(), .active = false})
          .status.ok());
  EXPECT_EQ(Redeem(member, reward).refusal, RedemptionRefusal::kNotAvailable);
  EXPECT_EQ(Available(member), Points(980));
  ExpectLedgerHolds();
}

TEST_P(RewardServiceTest, CancelRestoresPointsAndStockOnce) {
  const ContactId member = members_[0];
  Credit(member, 30);
  clock_.Advance(std::chrono::hours(1));
  Credit(member, 50);
  const std::int64_t reward = AddReward(20, 4);
  app::RewardService::RedemptionOutcome redeemed = Redeem(member, reward, 2);  // 40: 30 + 10 of the second lot
  ASSERT_TRUE(redeemed.status.ok()) << redeemed.status.ToString();
  EXPECT_EQ(redeemed.view->redemption.points, Points(40));
  EXPECT_EQ(redeemed.view->account.available, Points(40));
  EXPECT_EQ(redeemed.view->reward.stock, 2);

  app::RewardService::RedemptionOutcome cancelled = rewards_->Cancel(admin_, origin_, redeemed.view->redemption.id);
  ASSERT_TRUE(cancelled.status.ok()) << cancelled.status.ToString();
  EXPECT_EQ(cancelled.view->redemption.state, app::RedemptionState::kCancelled);
  EXPECT_TRUE(cancelled.view->redemption.cancel_transaction_id.has_value());
  EXPECT_EQ(cancelled.view->account.available, Points(80));
  EXPECT_EQ(cancelled.view->account.redeemed_total, Points(0));
  EXPECT_EQ(Stock(reward), 4);
  // Each lot holds exactly what it held before.
  Result<app::LoyaltySummary> summary = loyalty_->Summary(admin_, member);
  ASSERT_TRUE(summary.ok());
  ASSERT_EQ(summary->lots.size(), 2u);
  EXPECT_EQ(summary->lots[0].remaining, Points(30));
  EXPECT_EQ(summary->lots[0].state, app::LotState::kAvailable);
  EXPECT_EQ(summary->lots[1].remaining, Points(50));

  app::RewardService::RedemptionOutcome again = rewards_->Cancel(admin_, origin_, redeemed.view->redemption.id);
  EXPECT_EQ(again.status.code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(again.refusal, RedemptionRefusal::kAlreadyCancelled);
  EXPECT_EQ(rewards_->Cancel(admin_, origin_, 999'999).status.code(), StatusCode::kNotFound);
  EXPECT_EQ(Available(member), Points(80));

  // Redeem → cancel → redeem again works.
  app::RewardService::RedemptionOutcome redeemed_again = Redeem(member, reward, 4);
  ASSERT_TRUE(redeemed_again.status.ok()) << redeemed_again.status.ToString();
  EXPECT_EQ(Available(member), Points(0));
  EXPECT_EQ(Stock(reward), 0);
  EXPECT_EQ(Redeem(member, reward, 1).refusal, RedemptionRefusal::kOutOfStock);
  ExpectLedgerHolds();
}

TEST_P(RewardServiceTest, ExternalIdReplaysTheFirstOutcome) {
  const ContactId member = members_[0];
  Credit(member, 100);
  const std::int64_t reward = AddReward(10, 10);
  const std::int64_t other_reward = AddReward(10);
  app::RewardService::RedemptionOutcome first = Redeem(member, reward, 2, "order-1");
  ASSERT_TRUE(first.status.ok()) << first.status.ToString();
  EXPECT_FALSE(first.view->replayed);
  app::RewardService::RedemptionOutcome replay = Redeem(member, reward, 2, "order-1");
  ASSERT_TRUE(replay.status.ok()) << replay.status.ToString();
  EXPECT_TRUE(replay.view->replayed);
  EXPECT_EQ(replay.view->redemption, first.view->redemption);
  EXPECT_EQ(Available(member), Points(80));
  EXPECT_EQ(Stock(reward), 8);

  EXPECT_EQ(Redeem(member, reward, 3, "order-1").refusal, RedemptionRefusal::kExternalIdReused);
  EXPECT_EQ(Redeem(member, other_reward, 2, "order-1").refusal, RedemptionRefusal::kExternalIdReused);
  // Another member's order-1 is their own.
  Credit(members_[1], 100);
  EXPECT_TRUE(Redeem(members_[1], reward, 2, "order-1").status.ok());
  EXPECT_EQ(Available(member), Points(80));

  // Field errors.
  app::RewardService::RedemptionOutcome bad = Redeem(member, reward, app::kRedemptionQuantityMax + 1);
  EXPECT_EQ(bad.status.code(), StatusCode::kInvalidArgument);
  ASSERT_EQ(bad.errors.size(), 1u);
  EXPECT_EQ(bad.errors[0].field, "quantity");
  bad = Redeem(member, reward + 1000);
  EXPECT_EQ(bad.status.code(), StatusCode::kInvalidArgument);
  ASSERT_EQ(bad.errors.size(), 1u);
  EXPECT_EQ(bad.errors[0].field, "reward_id");
  EXPECT_EQ(Redeem(ContactId(999'999), reward).status.code(), StatusCode::kNotFound);
  ExpectLedgerHolds();
}

INSTANTIATE_TEST_SUITE_P(Backends, RewardServiceTest,
                         ::testing::Values(loyalty_testing::Backend::kSqlite, loyalty_testing::Backend::kPostgres),
                         [](const ::testing::TestParamInfo<loyalty_testing::Backend>& param_info) {
                           return store::testing::BackendName(param_info.param);
                         });

}  // namespace
}  // namespace rapport

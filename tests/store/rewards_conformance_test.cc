// The rewards conformance suite: the catalogue (insert, update, keyset lists
// of active or all rewards), stock taken by a conditional update and put back,
// redemptions (insert, external ids unique per contact, newest-first lists,
// active quantities, a cancel that happens once) and the member lock
// (app/rewards.h) behave alike on SQLite (a temp file) and PostgreSQL (a
// schema of its own in the database at RAPPORT_TEST_POSTGRES_URL; skipped when
// unset).
//
// Contacts are inserted with raw SQL: the rewards port only refers to them.
#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "store_test_support.h"

#include "rapport/store/open_store.h"

namespace rapport::store {
namespace {

using testing::Backend;

const Timestamp kStart = testing::kStoreTestStart;  // 2026-11-18

class RewardsConformance : public testing::StoreConformanceTest {
 protected:
  template <typename Body>
  auto InWrite(Body&& body) {
    return InWriteTransaction(std::forward<Body>(body));
  }

  template <typename Body>
  auto InRead(Body&& body) {
    return InReadTransaction([&](app::ReadTransaction& tx) { return body(tx.Rewards()); });
  }

  ContactId AddContact(std::int64_t id) {
    Raw("INSERT INTO contacts (id, first_name, last_name, email, phone, locale, time_zone, created_at_us, "
        "updated_at_us) VALUES (" +
        std::to_string(id) + ", 'Ann', 'Example', 'c" + std::to_string(id) + "@example.com', '', 'en', 'UTC', 1, 1)");
    return ContactId(id);
  }

  app::Reward Sample(std::string name = "Mug") {
    return app::Reward{.name = std::move(name),
                       .description = "A mug with the logo",
                       .kind = app::RewardKind::kGoods,
                       .points_price = Points(250),
                       .stock = 3,
                       .per_customer_limit = 2,
                       .available_from = kStart,
                       .available_until = kStart + Microseconds(86'400'000'000),
                       .active = true};
  }

  std::int64_t AddReward(const app::Reward& reward) {
    Result<std::int64_t> id = InWrite([&](app::WriteTransaction& tx) { return tx.RewardsOut().InsertReward(reward); });
    EXPECT_TRUE(id.ok()) << id.status().ToString();
    return id.ok() ? *id : 0;
  }

  // A ledger posting for redemptions to name (an earn of 1,000 points).
  std::int64_t Posting(ContactId contact) {
    app::NewLedgerTransaction posting{.kind = app::LedgerKind::kEarn, .contact_id = contact, .occurred_at = kStart};
    posting.lots.push_back(app::NewLot{.points = Points(1'000), .earned_at = kStart, .available_at = kStart});
    posting.entries = {{.account = app::LedgerAccount::kIssued, .points = Points(-1'000)},
                       {.account = app::LedgerAccount::kAvailable, .points = Points(1'000), .new_lot = 0}};
    Result<app::PostedTransaction> posted =
        InWrite([&](app::WriteTransaction& tx) { return tx.LoyaltyOut().PostTransaction(posting); });
    EXPECT_TRUE(posted.ok()) << posted.status().ToString();
    return posted.ok() ? posted->transaction_id : 0;
  }

  app::Redemption Redemption(std::int64_t reward, ContactId contact, std::int64_t transaction, std::int64_t quantity,
                             std::string external_id = "") {
    return app::Redemption{.reward_id = reward,
                           .contact_id = contact,
                           .quantity = quantity,
                           .points = Points(250 * quantity),
                           .transaction_id = transaction,
                           .actor = "user:1",
                           .external_id = std::move(external_id)};
  }
};

TEST_P(RewardsConformance, RewardRoundTripsAndUpdates) {
  const app::Reward sample = Sample();
  const std::int64_t id = AddReward(sample);
  ASSERT_GT(id, 0);
  Result<std::optional<app::Reward>> read = InRead([&](app::RewardsReader& rewards) { return rewards.GetReward(id); });
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  ASSERT_TRUE(read->has_value());
  app::Reward expected = sample;
  expected.id = id;
  expected.created_at = kStart;
  expected.updated_at = kStart;
  EXPECT_EQ(**read, expected);

  clock_.Advance(Microseconds(5'000'000));
  app::Reward changed = expected;
  changed.name = "Big mug";
  changed.kind = app::RewardKind::kDiscount;
  changed.stock.reset();
  changed.per_customer_limit.reset();
  changed.available_from.reset();
  changed.available_until.reset();
  changed.active = false;
  ASSERT_TRUE(InWrite([&](app::WriteTransaction& tx) { return tx.RewardsOut().UpdateReward(changed); }).ok());
  read = InRead([&](app::RewardsReader& rewards) { return rewards.GetReward(id); });
  ASSERT_TRUE(read.ok() && read->has_value());
  changed.updated_at = kStart + Microseconds(5'000'000);
  EXPECT_EQ(**read, changed);

  app::Reward unknown = changed;
  unknown.id = id + 100;
  EXPECT_EQ(InWrite([&](app::WriteTransaction& tx) { return tx.RewardsOut().UpdateReward(unknown); }).code(),
            StatusCode::kNotFound);
  read = InRead([&](app::RewardsReader& rewards) { return rewards.GetReward(id + 100); });
  ASSERT_TRUE(read.ok());
  EXPECT_FALSE(read->has_value());
}

TEST_P(RewardsConformance, ListsActiveRewardsOrAllByAKeyset) {
  std::vector<std::int64_t> ids;
  for (int i = 0; i < 5; ++i) {
    app::Reward reward = Sample("Reward " + std::to_string(i));
    reward.active = i != 2;
    ids.push_back(AddReward(reward));
  }
  Result<std::vector<app::Reward>> page =
      InRead([&](app::RewardsReader& rewards) { return rewards.ListRewards({}, std::nullopt, 2); });
  ASSERT_TRUE(page.ok()) << page.status().ToString();
  ASSERT_EQ(page->size(), 2u);
  EXPECT_EQ((*page)[0].id, ids[0]);
  EXPECT_EQ((*page)[1].id, ids[1]);
  page = InRead([&](app::RewardsReader& rewards) { return rewards.ListRewards({}, ids[1], 10); });
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->size(), 2u);  // the inactive one is left out
  EXPECT_EQ((*page)[0].id, ids[3]);
  EXPECT_EQ((*page)[1].id, ids[4]);
  page =
      InRead([&](app::RewardsReader& rewards) { return rewards.ListRewards({.include_inactive = true}, ids[1], 10); });
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->size(), 3u);
  EXPECT_EQ((*page)[0].id, ids[2]);
  EXPECT_FALSE((*page)[0].active);
  EXPECT_EQ(
      InRead([&](app::RewardsReader& rewards) { return rewards.ListRewards({}, std::nullopt, 0); }).status().code(),
      StatusCode::kInvalidArgument);
}

TEST_P(RewardsConformance, StockIsTakenOnlyWhenItHoldsEnoughAndPutBack) {
  const std::int64_t limited = AddReward(Sample());  // stock 3
  app::Reward open = Sample("Voucher");
  open.stock.reset();
  const std::int64_t unlimited = AddReward(open);
  const auto take = [&](std::int64_t reward, std::int64_t quantity) {
    return InWrite([&](app::WriteTransaction& tx) { return tx.RewardsOut().TakeStock(reward, quantity); });
  };
  const auto stock = [&](std::int64_t reward) {
    Result<std::optional<app::Reward>> read =
        InRead([&](app::RewardsReader& rewards) { return rewards.GetReward(reward); });
    EXPECT_TRUE(read.ok() && read->has_value());
    return read.ok() && read->has_value() ? (*read)->stock : std::optional<std::int64_t>(-1);
  };
  Result<bool> taken = take(limited, 2);
  ASSERT_TRUE(taken.ok()) << taken.status().ToString();
  EXPECT_TRUE(*taken);
  EXPECT_EQ(stock(limited), 1);
  taken = take(limited, 2);
  ASSERT_TRUE(taken.ok());
  EXPECT_FALSE(*taken);
  EXPECT_EQ(stock(limited), 1);
  taken = take(limited, 1);
  ASSERT_TRUE(taken.ok());
  EXPECT_TRUE(*taken);
  EXPECT_EQ(stock(limited), 0);
  ASSERT_TRUE(InWrite([&](app::WriteTransaction& tx) { return tx.RewardsOut().RestoreStock(limited, 3); }).ok());
  EXPECT_EQ(stock(limited), 3);

  taken = take(unlimited, 100);
  ASSERT_TRUE(taken.ok());
  EXPECT_TRUE(*taken);
  ASSERT_TRUE(InWrite([&](app::WriteTransaction& tx) { return tx.RewardsOut().RestoreStock(unlimited, 5); }).ok());
  EXPECT_EQ(stock(unlimited), std::nullopt);
  EXPECT_EQ(take(limited + 1000, 1).status().code(), StatusCode::kNotFound);
}

TEST_P(RewardsConformance, RedemptionsRoundTripListAndCountActiveQuantities) {
  const ContactId ann = AddContact(1);
  const ContactId bob = AddContact(2);
  const std::int64_t mug = AddReward(Sample());
  const std::int64_t cap = AddReward(Sample("Cap"));
  const std::int64_t posting = Posting(ann);
  const std::int64_t bob_posting = Posting(bob);
  std::vector<std::int64_t> ids;
  for (const auto& [reward, quantity] :
       std::vector<std::pair<std::int64_t, std::int64_t>>{{mug, 1}, {cap, 2}, {mug, 3}}) {
    Result<std::int64_t> id = InWrite([&](app::WriteTransaction& tx) {
      return tx.RewardsOut().InsertRedemption(
          Redemption(reward, ann, posting, quantity, "ext-" + std::to_string(ids.size())));
    });
    ASSERT_TRUE(id.ok()) << id.status().ToString();
    ids.push_back(*id);
  }
  // Another member may use the same external id; the same member may not.
  EXPECT_TRUE(InWrite([&](app::WriteTransaction& tx) {
                return tx.RewardsOut().InsertRedemption(Redemption(mug, bob, bob_posting, 1, "ext-0"));
              }).ok());
  EXPECT_EQ(InWrite([&](app::WriteTransaction& tx) {
              return tx.RewardsOut().InsertRedemption(Redemption(mug, ann, posting, 1, "ext-0"));
            })
                .status()
                .code(),
            StatusCode::kAlreadyExists);
  // Empty external ids never collide.
  EXPECT_TRUE(InWrite([&](app::WriteTransaction& tx) {
                return tx.RewardsOut().InsertRedemption(Redemption(cap, bob, bob_posting, 1));
              }).ok());
  EXPECT_TRUE(InWrite([&](app::WriteTransaction& tx) {
                return tx.RewardsOut().InsertRedemption(Redemption(cap, bob, bob_posting, 1));
              }).ok());

  Result<std::optional<app::Redemption>> read =
      InRead([&](app::RewardsReader& rewards) { return rewards.GetRedemption(ids[1]); });
  ASSERT_TRUE(read.ok() && read->has_value());
  app::Redemption expected = Redemption(cap, ann, posting, 2, "ext-1");
  expected.id = ids[1];
  expected.created_at = kStart;
  EXPECT_EQ(**read, expected);
  read = InRead([&](app::RewardsReader& rewards) { return rewards.FindRedemptionByExternalId(ann, "ext-1"); });
  ASSERT_TRUE(read.ok() && read->has_value());
  EXPECT_EQ((*read)->id, ids[1]);
  read = InRead([&](app::RewardsReader& rewards) { return rewards.FindRedemptionByExternalId(ann, ""); });
  ASSERT_TRUE(read.ok());
  EXPECT_FALSE(read->has_value());

  Result<std::vector<app::Redemption>> page =
      InRead([&](app::RewardsReader& rewards) { return rewards.ListRedemptions(ann, std::nullopt, 2); });
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->size(), 2u);
  EXPECT_EQ((*page)[0].id, ids[2]);
  EXPECT_EQ((*page)[1].id, ids[1]);
  page = InRead([&](app::RewardsReader& rewards) { return rewards.ListRedemptions(ann, ids[1], 10); });
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->size(), 1u);
  EXPECT_EQ((*page)[0].id, ids[0]);

  Result<std::int64_t> held = InRead([&](app::RewardsReader& rewards) { return rewards.ActiveQuantity(ann, mug); });
  ASSERT_TRUE(held.ok());
  EXPECT_EQ(*held, 4);

  // Cancel once: the quantity no longer counts; a second cancel is refused.
  const std::int64_t cancel_posting = Posting(ann);
  clock_.Advance(Microseconds(1'000'000));
  ASSERT_TRUE(InWrite([&](app::WriteTransaction& tx) {
                return tx.RewardsOut().CancelRedemption(ids[2], cancel_posting, clock_.Now());
              }).ok());
  read = InRead([&](app::RewardsReader& rewards) { return rewards.GetRedemption(ids[2]); });
  ASSERT_TRUE(read.ok() && read->has_value());
  EXPECT_EQ((*read)->state, app::RedemptionState::kCancelled);
  EXPECT_EQ((*read)->cancel_transaction_id, cancel_posting);
  EXPECT_EQ((*read)->cancelled_at, clock_.Now());
  held = InRead([&](app::RewardsReader& rewards) { return rewards.ActiveQuantity(ann, mug); });
  ASSERT_TRUE(held.ok());
  EXPECT_EQ(*held, 1);
  EXPECT_EQ(InWrite([&](app::WriteTransaction& tx) {
              return tx.RewardsOut().CancelRedemption(ids[2], cancel_posting, clock_.Now());
            }).code(),
            StatusCode::kFailedPrecondition);
  EXPECT_EQ(InWrite([&](app::WriteTransaction& tx) {
              return tx.RewardsOut().CancelRedemption(ids[2] + 100, cancel_posting, clock_.Now());
            }).code(),
            StatusCode::kNotFound);
}

TEST_P(RewardsConformance, LockMemberCreatesAnEmptyAccount) {
  const ContactId ann = AddContact(1);
  EXPECT_TRUE(InWrite([&](app::WriteTransaction& tx) { return tx.RewardsOut().LockMember(ann); }).ok());
  EXPECT_TRUE(InWrite([&](app::WriteTransaction& tx) { return tx.RewardsOut().LockMember(ann); }).ok());
  EXPECT_EQ(raw_->Column("SELECT available FROM loyalty_accounts WHERE contact_id = 1"), std::vector<std::string>{"0"});
}

INSTANTIATE_TEST_SUITE_P(Backends, RewardsConformance, ::testing::Values(Backend::kSqlite, Backend::kPostgres),
                         [](const ::testing::TestParamInfo<Backend>& param_info) {
                           return BackendName(param_info.param);
                         });

}  // namespace
}  // namespace rapport::store

// LoyaltyService against a real store (SQLite, and PostgreSQL when
// RAPPORT_TEST_POSTGRES_URL names a test database): idempotent purchases (by
// Idempotency-Key and by external id), field errors, permissions, and the
// concurrency guarantees — many clients sending purchases with duplicates
// lose nothing and count nothing twice, and parallel debits never take a
// balance below zero.
#include <atomic>
#include <filesystem>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "loyalty_test_support.h"

#include "rapport/app/access_service.h"
#include "rapport/app/duplicate_service.h"

namespace rapport {
namespace {

app::Principal WithRole(domain::Role role) {
  app::Principal principal;
  principal.kind = app::Principal::Kind::kToken;
  principal.id = 9;
  principal.role = role;
  principal.name = "integration";
  return principal;
}

class LoyaltyServiceTest : public ::testing::TestWithParam<loyalty_testing::Backend> {
 protected:
  void SetUp() override {
    if (!database_.Open(GetParam(), clock_)) GTEST_SKIP() << "RAPPORT_TEST_POSTGRES_URL is not set";
    service_ = &database_.service();
    members_ = database_.AddMembers(4, clock_.Now());
  }

  app::PurchaseRequest Purchase(ContactId member, std::int64_t total_minor, std::string external_id = "") {
    return {.contact_id = member,
            .total_minor = total_minor,
            .currency = "EUR",
            .channel = "web",
            .occurred_at = clock_.Now(),
            .external_id = std::move(external_id)};
  }

  app::LoyaltyAccount Account(ContactId member) {
    Result<app::LoyaltySummary> summary = service_->Summary(admin_, member);
    EXPECT_TRUE(summary.ok()) << summary.status().ToString();
    return summary.ok() ? summary->account : app::LoyaltyAccount{};
  }

  void ExpectLedgerHolds() {
    Result<app::LedgerCheck> check = service_->Check(admin_, std::nullopt);
    ASSERT_TRUE(check.ok()) << check.status().ToString();
    for (const std::string& problem : check->problems) ADD_FAILURE() << problem;
  }

  FakeClock clock_{ParseRfc3339("2026-11-24T10:00:00Z").value()};
  loyalty_testing::LoyaltyStore database_;
  app::LoyaltyService* service_ = nullptr;
  app::Principal admin_ = app::AccessService::Operator("tester");
  app::Origin origin_{};
  std::vector<ContactId> members_;
};

TEST_P(LoyaltyServiceTest, IdempotencyKeyReplaysTheFirstResponse) {
  int renders = 0;
  const app::LoyaltyService::PurchaseRenderer render = [&](const app::RecordedPurchase& recorded) {
    ++renders;
    return app::IdempotentResponse{.status_code = 201,
                                   .body = "points=" + std::to_string(recorded.purchase.points_earned.count()) +
                                           " id=" + std::to_string(recorded.purchase.id.value())};
  };
  const app::IdempotencyTicket ticket{.scope = "POST /api/v1/purchases|token:9", .key = "k-1", .request_hash = "h1"};
  app::LoyaltyService::PurchaseOutcome first =
      service_->RecordPurchase(admin_, origin_, Purchase(members_[0], 4'250), ticket, render);
  ASSERT_TRUE(first.status.ok()) << first.status.ToString();
  ASSERT_TRUE(first.response.has_value());
  EXPECT_EQ(first.idempotency, app::IdempotencyOutcome::kFirst);
  EXPECT_EQ(first.response->body, "points=42 id=" + std::to_string(first.recorded->purchase.id.value()));

  app::LoyaltyService::PurchaseOutcome again =
      service_->RecordPurchase(admin_, origin_, Purchase(members_[0], 4'250), ticket, render);
  ASSERT_TRUE(again.status.ok()) << again.status.ToString();
  EXPECT_EQ(again.idempotency, app::IdempotencyOutcome::kReplayed);
  EXPECT_EQ(again.response->status_code, 201);
  EXPECT_EQ(again.response->body, first.response->body);
  EXPECT_EQ(renders, 1);
  EXPECT_EQ(Account(members_[0]).available, Points(42));

  app::IdempotencyTicket other_body = ticket;
  other_body.request_hash = "h2";
  app::LoyaltyService::PurchaseOutcome reused =
      service_->RecordPurchase(admin_, origin_, Purchase(members_[0], 1'000), other_body, render);
  EXPECT_EQ(reused.status.code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(reused.errors.empty());

  app::IdempotencyTicket other_scope = ticket;
  other_scope.scope = "POST /api/v1/purchases|token:10";
  app::LoyaltyService::PurchaseOutcome separate =
      service_->RecordPurchase(admin_, origin_, Purchase(members_[0], 1'000), other_scope, render);
  ASSERT_TRUE(separate.status.ok()) << separate.status.ToString();
  EXPECT_EQ(separate.idempotency, app::IdempotencyOutcome::kFirst);
  EXPECT_EQ(Account(members_[0]).available, Points(52));
  ExpectLedgerHolds();
}

TEST_P(LoyaltyServiceTest, ExternalIdRetryReplaysAndOtherContentIsRefused) {
  app::LoyaltyService::PurchaseOutcome first =
      service_->RecordPurchase(admin_, origin_, Purchase(members_[0], 10'000, "order-1"));
  ASSERT_TRUE(first.status.ok()) << first.status.ToString();
  EXPECT_FALSE(first.recorded->replayed);
  app::LoyaltyService::PurchaseOutcome retry =
      service_->RecordPurchase(admin_, origin_, Purchase(members_[0], 10'000, "order-1"));
  ASSERT_TRUE(retry.status.ok()) << retry.status.ToString();
  EXPECT_TRUE(retry.recorded->replayed);
  EXPECT_EQ(retry.recorded->purchase, first.recorded->purchase);
  EXPECT_EQ(retry.recorded->earning.steps, first.recorded->earning.steps);
  app::LoyaltyService::PurchaseOutcome changed =
      service_->RecordPurchase(admin_, origin_, Purchase(members_[0], 20'000, "order-1"));
  EXPECT_EQ(changed.status.code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(changed.status.message().find("different content"), std::string::npos);
  EXPECT_EQ(Account(members_[0]).available, Points(100));
}

TEST_P(LoyaltyServiceTest, BadFieldsAreListedAndNothingIsWritten) {
  app::PurchaseRequest request = Purchase(ContactId(999'999), -5);
  request.currency = "EURO";
  request.occurred_at = clock_.Now() + std::chrono::hours(48);
  request.lines.push_back({.sku = "A", .category = "shoes", .quantity = 0, .unit_price_minor = -1});
  app::LoyaltyService::PurchaseOutcome outcome = service_->RecordPurchase(admin_, origin_, request);
  EXPECT_EQ(outcome.status.code(), StatusCode::kInvalidArgument);
  std::set<std::string> fields;
  for (const app::LoyaltyFieldError& error : outcome.errors) fields.insert(error.field);
  EXPECT_EQ(fields, (std::set<std::string>{"currency", "total_minor", "occurred_at", "lines[0].quantity",
                                           "lines[0].unit_price_minor"}));

  outcome = service_->RecordPurchase(admin_, origin_, Purchase(ContactId(999'999), 100));
  EXPECT_EQ(outcome.status.code(), StatusCode::kInvalidArgument);
  ASSERT_EQ(outcome.errors.size(), 1u);
  EXPECT_EQ(outcome.errors[0].field, "contact_id");
  ExpectLedgerHolds();
}

TEST_P(LoyaltyServiceTest, RolesDecideWhoRecordsReadsAndAdjusts) {
  const app::Principal agent = WithRole(domain::Role::kAgent);
  const app::Principal analyst = WithRole(domain::Role::kAnalyst);
  const app::Principal manager = WithRole(domain::Role::kManager);
  EXPECT_EQ(service_->RecordPurchase(agent, origin_, Purchase(members_[0], 100)).status.code(),
            StatusCode::kPermissionDenied);
  EXPECT_TRUE(service_->Summary(agent, members_[0]).ok());
  EXPECT_TRUE(service_->Summary(analyst, members_[0]).ok());
  EXPECT_EQ(service_->Adjust(analyst, origin_, members_[0], Points(5), "gift").status().code(),
            StatusCode::kPermissionDenied);
  EXPECT_TRUE(service_->RecordPurchase(manager, origin_, Purchase(members_[0], 100)).status.ok());
  EXPECT_TRUE(service_->Adjust(manager, origin_, members_[0], Points(5), "gift").ok());
  EXPECT_EQ(service_->PutRules(agent, origin_, domain::DefaultEarningRules(), 0).status.code(),
            StatusCode::kPermissionDenied);
}

TEST_P(LoyaltyServiceTest, ManyClientsWithDuplicateSendsLoseNothingAndCountNothingTwice) {
  constexpr int kClients = 64;
  constexpr int kPurchasesPerClient = 12;
  std::atomic<int> failures{0};
  std::vector<std::thread> clients;
  for (int client = 0; client < kClients; ++client) {
    clients.emplace_back([&, client] {
      for (int i = 0; i < kPurchasesPerClient; ++i) {
        const ContactId member = members_[static_cast<std::size_t>((client + i) % members_.size())];
        const std::string external_id = "c" + std::to_string(client) + "-" + std::to_string(i);
        // Every tenth purchase is sent twice, as a client retrying after a timeout would.
        const int sends = (client * kPurchasesPerClient + i) % 10 == 0 ? 2 : 1;
        for (int send = 0; send < sends; ++send) {
          app::LoyaltyService::PurchaseOutcome outcome =
              service_->RecordPurchase(admin_, origin_, Purchase(member, 1'000 + 100 * i, external_id));
          if (!outcome.status.ok()) failures.fetch_add(1);
        }
      }
    });
  }
  for (std::thread& client : clients) client.join();
  EXPECT_EQ(failures.load(), 0);
  // Each purchase once: 10 + i points each.
  std::int64_t expected_total = 0;
  for (int i = 0; i < kPurchasesPerClient; ++i) expected_total += kClients * (10 + i);
  std::int64_t total = 0;
  std::size_t purchases = 0;
  for (ContactId member : members_) {
    total += Account(member).available.count();
    Result<app::PurchasePage> page = service_->ListPurchases(admin_, member, std::nullopt, app::kLoyaltyPageMax);
    ASSERT_TRUE(page.ok()) << page.status().ToString();
    purchases += page->items.size();
  }
  EXPECT_EQ(purchases, static_cast<std::size_t>(kClients * kPurchasesPerClient));
  EXPECT_EQ(total, expected_total);
  ExpectLedgerHolds();
}

TEST_P(LoyaltyServiceTest, ParallelDebitsSucceedOnlyAsFarAsTheBalanceGoes) {
  ASSERT_TRUE(service_->Adjust(admin_, origin_, members_[1], Points(1'000), "opening balance").ok());
  constexpr int kDebits = 200;
  std::atomic<int> succeeded{0};
  std::atomic<int> refused{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < kDebits; ++i) {
    threads.emplace_back([&] {
      Result<app::LedgerTransaction> debit = service_->Adjust(admin_, origin_, members_[1], Points(-7), "gift");
      if (debit.ok()) {
        succeeded.fetch_add(1);
      } else if (debit.status().code() == StatusCode::kFailedPrecondition) {
        refused.fetch_add(1);
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(succeeded.load(), 1'000 / 7);
  EXPECT_EQ(refused.load(), kDebits - 1'000 / 7);
  EXPECT_EQ(Account(members_[1]).available, Points(1'000 % 7));
  ExpectLedgerHolds();
}

// Merging two cards of one person carries the merged card's points with its
// purchases, so a refund of a moved purchase finds its points; undoing the
// merge takes back what remains of them. The ledger balances throughout.
TEST_P(LoyaltyServiceTest, MergeCarriesPointsAndUndoTakesBackWhatRemains) {
  const ContactId survivor = members_[0];
  const ContactId other = members_[1];
  ASSERT_TRUE(service_->RecordPurchase(admin_, origin_, Purchase(survivor, 1'000, "s-1")).status.ok());
  app::LoyaltyService::PurchaseOutcome big = service_->RecordPurchase(admin_, origin_, Purchase(other, 5'000, "o-1"));
  ASSERT_TRUE(big.status.ok()) << big.status.ToString();
  ASSERT_TRUE(service_->RecordPurchase(admin_, origin_, Purchase(other, 2'000, "o-2")).status.ok());

  app::DuplicateService duplicates(database_.store(), clock_);
  Result<app::MergeResult> merged = duplicates.Merge(admin_, origin_, {.survivor = survivor, .other = other});
  ASSERT_TRUE(merged.ok()) << merged.status().ToString();
  EXPECT_EQ(Account(survivor).available, Points(80));
  app::LoyaltyAccount merged_account;
  ASSERT_TRUE(database_.store()
                  .Read([&](app::ReadTransaction& transaction) -> Status {
                    RAPPORT_ASSIGN_OR_RETURN(merged_account, transaction.Loyalty().GetAccount(other));
                    return Status::Ok();
                  })
                  .ok());
  EXPECT_EQ(merged_account.available, Points(0));  // the merged card is not served, but its ledger is empty
  ExpectLedgerHolds();

  Result<app::RecordedRefund> refund =
      service_->RefundPurchase(admin_, origin_, big.recorded->purchase.id, {.amount_minor = 5'000});
  ASSERT_TRUE(refund.ok()) << refund.status().ToString();
  EXPECT_EQ(refund->refund.points_reversed, Points(50));
  EXPECT_EQ(refund->refund.points_written_off, Points(0));
  EXPECT_EQ(Account(survivor).available, Points(30));

  Result<app::MergeResult> undone = duplicates.Undo(admin_, origin_, merged->merge.id);
  ASSERT_TRUE(undone.ok()) << undone.status().ToString();
  EXPECT_EQ(Account(survivor).available, Points(10));
  EXPECT_EQ(Account(other).available, Points(20));
  ExpectLedgerHolds();
}

INSTANTIATE_TEST_SUITE_P(Backends, LoyaltyServiceTest,
                         ::testing::Values(loyalty_testing::Backend::kSqlite, loyalty_testing::Backend::kPostgres),
                         [](const ::testing::TestParamInfo<loyalty_testing::Backend>& param_info) {
                           return store::testing::BackendName(param_info.param);
                         });

}  // namespace
}  // namespace rapport

// The loyalty conformance suite: purchases and refunds, postings to the points
// ledger with their lots and balances, the append-only triggers, CheckLedger,
// the jobs' work lists, rules versions, idempotency records and the bulk
// load's deferred indexes
// (app/loyalty.h) behave alike on SQLite (a temp file) and PostgreSQL (a
// schema of its own in the database at RAPPORT_TEST_POSTGRES_URL; skipped when
// unset).
//
// Contacts are inserted with raw SQL: the loyalty port only refers to them.
#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "store_test_support.h"

#include "rapport/store/open_store.h"

namespace rapport::store {
namespace {

using app::LedgerAccount;
using app::LedgerKind;
using app::LotState;
using testing::Backend;

const Timestamp kStart = testing::kStoreTestStart;  // 2026-11-18
constexpr std::int64_t kDayUs = 86'400'000'000;

Timestamp Days(int days) { return kStart + Microseconds(std::int64_t{days} * kDayUs); }

app::NewEntry Programme(LedgerAccount account, std::int64_t points) {
  return app::NewEntry{.account = account, .points = Points(points)};
}
app::NewEntry OnLot(LedgerAccount account, std::int64_t points, std::int64_t lot) {
  return app::NewEntry{.account = account, .points = Points(points), .lot_id = lot};
}
app::NewEntry OnNewLot(LedgerAccount account, std::int64_t points, std::size_t index) {
  return app::NewEntry{.account = account, .points = Points(points), .new_lot = index};
}

class LoyaltyConformance : public testing::StoreConformanceTest {
 protected:
  // Runs `body(writer)` in one write transaction and returns what it returned
  // (or the store's failure). A non-ok result rolls the body back.
  template <typename Body>
  auto InWrite(Body&& body) {
    return InWriteTransaction([&](app::WriteTransaction& tx) { return body(tx.LoyaltyOut()); });
  }

  template <typename Body>
  auto InRead(Body&& body) {
    return InReadTransaction([&](app::ReadTransaction& tx) { return body(tx.Loyalty()); });
  }

  ContactId AddContact(std::int64_t id) {
    Raw("INSERT INTO contacts (id, first_name, last_name, email, phone, locale, time_zone, created_at_us, "
        "updated_at_us) VALUES (" +
        std::to_string(id) + ", 'Ann', 'Example', 'c" + std::to_string(id) + "@example.com', '', 'en', 'UTC', 1, 1)");
    return ContactId(id);
  }

  app::Purchase Sale(ContactId contact, std::int64_t total_minor, Timestamp at, std::string external_id = "") {
    app::Purchase purchase;
    purchase.contact_id = contact;
    purchase.total_minor = total_minor;
    purchase.currency = "EUR";
    purchase.channel = "web";
    purchase.store = "Amsterdam";
    purchase.occurred_at = at;
    purchase.external_id = std::move(external_id);
    purchase.lines = {domain::PurchaseLine{"sku-1", "shoes", 2, total_minor / 2}};
    return purchase;
  }

  PurchaseId Buy(ContactId contact, std::int64_t total_minor, Timestamp at, std::string external_id = "") {
    const app::Purchase purchase = Sale(contact, total_minor, at, std::move(external_id));
    Result<PurchaseId> id = InWrite([&](app::LoyaltyWriter& loyalty) { return loyalty.InsertPurchase(purchase); });
    EXPECT_TRUE(id.ok()) << id.status().ToString();
    return id.ok() ? *id : PurchaseId(0);
  }

  Result<app::PostedTransaction> Post(const app::NewLedgerTransaction& posting) {
    return InWrite([&](app::LoyaltyWriter& loyalty) { return loyalty.PostTransaction(posting); });
  }

  // Earns `points` into a new lot (pending or available) for `contact`.
  std::int64_t Earn(ContactId contact, std::int64_t points, LotState state, Timestamp at,
                    std::optional<PurchaseId> purchase = std::nullopt,
                    std::optional<Timestamp> expires_at = std::nullopt) {
    app::NewLedgerTransaction posting{.kind = LedgerKind::kEarn,
                                      .contact_id = contact,
                                      .purchase_id = purchase,
                                      .occurred_at = at,
                                      .actor = "user:1",
                                      .explanation_json = R"({"steps":[]})",
                                      .activity_at = at};
    posting.lots.push_back(
        app::NewLot{.points = Points(points),
                    .state = state,
                    .earned_at = at,
                    .available_at = state == LotState::kPending ? at + Microseconds(14 * kDayUs) : at,
                    .expires_at = expires_at,
                    .purchase_id = purchase});
    posting.entries = {
        Programme(LedgerAccount::kIssued, -points),
        OnNewLot(state == LotState::kPending ? LedgerAccount::kPending : LedgerAccount::kAvailable, points, 0)};
    Result<app::PostedTransaction> posted = Post(posting);
    EXPECT_TRUE(posted.ok()) << posted.status().ToString();
    return posted.ok() && !posted->lot_ids.empty() ? posted->lot_ids.front() : 0;
  }

  app::LoyaltyAccount Account(ContactId contact) {
    Result<app::LoyaltyAccount> account =
        InRead([&](app::LoyaltyReader& loyalty) { return loyalty.GetAccount(contact); });
    EXPECT_TRUE(account.ok()) << account.status().ToString();
    return account.ok() ? *account : app::LoyaltyAccount{};
  }

  app::Lot LotById(ContactId contact, std::int64_t id) {
    // Every lot of these tests belongs to a purchase or is open; read both ways.
    Result<std::vector<app::Lot>> open =
        InRead([&](app::LoyaltyReader& loyalty) { return loyalty.ListOpenLots(contact); });
    EXPECT_TRUE(open.ok());
    if (open.ok()) {
      for (const app::Lot& lot : *open) {
        if (lot.id == id) return lot;
      }
    }
    const std::vector<std::string> state =
        raw_->Column("SELECT state FROM point_lots WHERE id = " + std::to_string(id));
    app::Lot closed;
    closed.id = id;
    closed.remaining = Points(RawCount("SELECT remaining FROM point_lots WHERE id = " + std::to_string(id)));
    closed.state = state.empty() ? LotState::kAvailable : *app::ParseLotState(state.front());
    return closed;
  }

  app::LedgerCheck Check(std::optional<ContactId> contact = std::nullopt) {
    Result<app::LedgerCheck> check = InRead([&](app::LoyaltyReader& loyalty) { return loyalty.CheckLedger(contact); });
    EXPECT_TRUE(check.ok()) << check.status().ToString();
    return check.ok() ? *check : app::LedgerCheck{.problems = {"check failed"}};
  }

  void ExpectClean() {
    const app::LedgerCheck check = Check();
    EXPECT_TRUE(check.problems.empty()) << ::testing::PrintToString(check.problems);
  }
};

// ---- purchases and refunds

TEST_P(LoyaltyConformance, PurchaseRoundTripsAndIsFoundByExternalId) {
  const ContactId ann = AddContact(1);
  Raw("INSERT INTO companies (id, name, country_code, created_at_us) VALUES (7, 'Acme', 'NL', 1)");
  app::Purchase purchase = Sale(ann, 12'345, Days(-1), "ord-1");
  purchase.company_id = CompanyId(7);
  purchase.lines = {domain::PurchaseLine{"sku-\"1\"", "shoes", 2, 5'000},
                    domain::PurchaseLine{"sku-2", "caf\xC3\xA9", 1, 2'345}};
  purchase.points_earned = Points(123);
  purchase.rules_version = 3;
  purchase.refunded_minor = 99;  // ignored: refunds start at 0
  clock_.Set(Days(0));
  Result<PurchaseId> id = InWrite([&](app::LoyaltyWriter& loyalty) { return loyalty.InsertPurchase(purchase); });
  ASSERT_TRUE(id.ok()) << id.status().ToString();

  app::Purchase expected = purchase;
  expected.id = *id;
  expected.refunded_minor = 0;
  expected.recorded_at = Days(0);
  Result<std::optional<app::Purchase>> got =
      InRead([&](app::LoyaltyReader& loyalty) { return loyalty.GetPurchase(*id); });
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  ASSERT_TRUE(got->has_value());
  EXPECT_EQ(**got, expected);

  Result<std::optional<app::Purchase>> by_external =
      InRead([&](app::LoyaltyReader& loyalty) { return loyalty.FindPurchaseByExternalId("ord-1"); });
  ASSERT_TRUE(by_external.ok());
  ASSERT_TRUE(by_external->has_value());
  EXPECT_EQ((*by_external)->id, *id);
  Result<std::optional<app::Purchase>> missing =
      InRead([&](app::LoyaltyReader& loyalty) { return loyalty.FindPurchaseByExternalId("ord-2"); });
  ASSERT_TRUE(missing.ok());
  EXPECT_FALSE(missing->has_value());
  Result<std::optional<app::Purchase>> unknown =
      InRead([&](app::LoyaltyReader& loyalty) { return loyalty.GetPurchase(PurchaseId(999)); });
  ASSERT_TRUE(unknown.ok());
  EXPECT_FALSE(unknown->has_value());
}

TEST_P(LoyaltyConformance, DuplicateExternalIdIsRefusedButEmptyIdsAreNot) {
  const ContactId ann = AddContact(1);
  Buy(ann, 1'000, Days(0), "ord-1");
  Result<PurchaseId> again =
      InWrite([&](app::LoyaltyWriter& loyalty) { return loyalty.InsertPurchase(Sale(ann, 2'000, Days(1), "ord-1")); });
  EXPECT_EQ(again.status().code(), StatusCode::kAlreadyExists) << again.status().ToString();
  Buy(ann, 1'000, Days(0));
  Buy(ann, 1'000, Days(0));
  EXPECT_EQ(RawCount("SELECT COUNT(*) FROM purchases"), 3);
  Result<std::optional<app::Purchase>> empty =
      InRead([&](app::LoyaltyReader& loyalty) { return loyalty.FindPurchaseByExternalId(""); });
  ASSERT_TRUE(empty.ok());
  EXPECT_FALSE(empty->has_value());
}

TEST_P(LoyaltyConformance, PurchaseLinesAreBoundedAtTheLimit) {
  const ContactId ann = AddContact(1);
  app::Purchase purchase = Sale(ann, 1'000, Days(0));
  purchase.lines.assign(app::kPurchaseLinesMax, domain::PurchaseLine{"s", "c", 1, 2});
  Result<PurchaseId> at_limit = InWrite([&](app::LoyaltyWriter& loyalty) { return loyalty.InsertPurchase(purchase); });
  ASSERT_TRUE(at_limit.ok()) << at_limit.status().ToString();
  Result<std::optional<app::Purchase>> got =
      InRead([&](app::LoyaltyReader& loyalty) { return loyalty.GetPurchase(*at_limit); });
  ASSERT_TRUE(got.ok() && got->has_value());
  EXPECT_EQ((*got)->lines.size(), app::kPurchaseLinesMax);
  purchase.lines.push_back(domain::PurchaseLine{"s", "c", 1, 2});
  Result<PurchaseId> over = InWrite([&](app::LoyaltyWriter& loyalty) { return loyalty.InsertPurchase(purchase); });
  EXPECT_EQ(over.status().code(), StatusCode::kInvalidArgument);
}

TEST_P(LoyaltyConformance, DemoPurchasesFromTheDirectoryReadBackWithDefaults) {
  const ContactId ann = AddContact(1);
  const std::vector<app::NewPurchase> rows = {{ann, 500, "EUR", "store", Days(0), ""},
                                              {ann, 700, "EUR", "store", Days(1), ""}};
  Result<std::vector<PurchaseId>> ids = [&]() -> Result<std::vector<PurchaseId>> {
    std::optional<Result<std::vector<PurchaseId>>> outcome;
    const Status status = store_->Write([&](app::WriteTransaction& tx) {
      outcome.emplace(tx.DirectoryOut().InsertPurchases(rows));
      return outcome->status();
    });
    if (!outcome) return status;
    return *outcome;
  }();
  ASSERT_TRUE(ids.ok()) << ids.status().ToString();
  Result<std::vector<app::Purchase>> listed =
      InRead([&](app::LoyaltyReader& loyalty) { return loyalty.ListPurchases(ann, std::nullopt, 10); });
  ASSERT_TRUE(listed.ok()) << listed.status().ToString();
  ASSERT_EQ(listed->size(), 2u);
  EXPECT_EQ((*listed)[0].total_minor, 700);
  EXPECT_TRUE((*listed)[0].lines.empty());
  EXPECT_EQ((*listed)[0].store, "");
  EXPECT_EQ((*listed)[0].points_earned, Points(0));
}

TEST_P(LoyaltyConformance, ListPurchasesIsNewestFirstWithAKeyset) {
  const ContactId ann = AddContact(1);
  const ContactId bob = AddContact(2);
  const PurchaseId p1 = Buy(ann, 100, Days(1));
  const PurchaseId p2 = Buy(ann, 100, Days(3));
  const PurchaseId p3 = Buy(ann, 100, Days(2));
  const PurchaseId p4 = Buy(ann, 100, Days(3));  // ties p2 on time: the higher id comes first
  Buy(bob, 100, Days(5));
  std::vector<std::int64_t> seen;
  std::optional<PurchaseId> cursor;
  for (int page = 0; page < 3; ++page) {
    Result<std::vector<app::Purchase>> listed =
        InRead([&](app::LoyaltyReader& loyalty) { return loyalty.ListPurchases(ann, cursor, 2); });
    ASSERT_TRUE(listed.ok()) << listed.status().ToString();
    EXPECT_LE(listed->size(), 2u);
    for (const app::Purchase& purchase : *listed) seen.push_back(purchase.id.value());
    if (listed->empty()) break;
    cursor = listed->back().id;
  }
  EXPECT_EQ(seen, (std::vector<std::int64_t>{p4.value(), p2.value(), p3.value(), p1.value()}));
}

TEST_P(LoyaltyConformance, RefundsAddUpAndCannotExceedTheTotal) {
  const ContactId ann = AddContact(1);
  const PurchaseId purchase = Buy(ann, 1'000, Days(0), "ord-1");
  const auto refund = [&](std::int64_t amount, std::string external_id, std::int64_t points = 0) {
    app::Refund row{.purchase_id = purchase,
                    .amount_minor = amount,
                    .reason = "damaged",
                    .external_id = std::move(external_id),
                    .occurred_at = Days(1),
                    .points_reversed = Points(points),
                    .points_written_off = Points(1)};
    return InWrite([&](app::LoyaltyWriter& loyalty) { return loyalty.InsertRefund(row); });
  };
  Result<std::int64_t> first = refund(600, "r-1", 6);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_EQ(refund(401, "r-2").status().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(refund(100, "r-1").status().code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(refund(0, "").status().code(), StatusCode::kInvalidArgument);
  Result<std::int64_t> second = refund(400, "", 4);
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  EXPECT_EQ(refund(1, "").status().code(), StatusCode::kFailedPrecondition);

  app::Refund unknown{.purchase_id = PurchaseId(999), .amount_minor = 1, .occurred_at = Days(1)};
  EXPECT_EQ(InWrite([&](app::LoyaltyWriter& loyalty) { return loyalty.InsertRefund(unknown); }).status().code(),
            StatusCode::kNotFound);

  Result<std::optional<app::Purchase>> after =
      InRead([&](app::LoyaltyReader& loyalty) { return loyalty.GetPurchase(purchase); });
  ASSERT_TRUE(after.ok() && after->has_value());
  EXPECT_EQ((*after)->refunded_minor, 1'000);
  EXPECT_EQ((*after)->points_reversed, Points(10));

  Result<std::vector<app::Refund>> refunds =
      InRead([&](app::LoyaltyReader& loyalty) { return loyalty.ListRefunds(purchase); });
  ASSERT_TRUE(refunds.ok());
  ASSERT_EQ(refunds->size(), 2u);
  EXPECT_EQ((*refunds)[0].id, *first);
  EXPECT_EQ((*refunds)[0].amount_minor, 600);
  EXPECT_EQ((*refunds)[0].reason, "damaged");
  EXPECT_EQ((*refunds)[0].points_written_off, Points(1));
  EXPECT_EQ((*refunds)[0].recorded_at, kStart);
  EXPECT_EQ((*refunds)[1].id, *second);

  Result<std::optional<app::Refund>> found =
      InRead([&](app::LoyaltyReader& loyalty) { return loyalty.FindRefundByExternalId(purchase, "r-1"); });
  ASSERT_TRUE(found.ok() && found->has_value());
  EXPECT_EQ((*found)->id, *first);
  Result<std::optional<app::Refund>> none =
      InRead([&](app::LoyaltyReader& loyalty) { return loyalty.FindRefundByExternalId(purchase, ""); });
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->has_value());
}

// ---- postings

TEST_P(LoyaltyConformance, AContactWithoutEntriesHasAnAccountOfZeros) {
  const ContactId ann = AddContact(1);
  EXPECT_EQ(Account(ann), app::LoyaltyAccount{.contact_id = ann});
  ExpectClean();
}

TEST_P(LoyaltyConformance, PostingsKeepLotsAndBalancesInStep) {
  const ContactId ann = AddContact(1);
  const PurchaseId first_purchase = Buy(ann, 5'000, Days(0));

  // Earn 50 pending.
  const std::int64_t lot1 = Earn(ann, 50, LotState::kPending, Days(0), first_purchase, Days(365));
  ASSERT_NE(lot1, 0);
  app::LoyaltyAccount account = Account(ann);
  EXPECT_EQ(account.pending, Points(50));
  EXPECT_EQ(account.available, Points(0));
  EXPECT_EQ(account.earned_total, Points(50));
  EXPECT_EQ(account.last_activity_at, Days(0));
  EXPECT_EQ(LotById(ann, lot1).state, LotState::kPending);
  ExpectClean();
  EXPECT_EQ(Check().issued, Points(-50));

  // Release it.
  app::NewLedgerTransaction release{.kind = LedgerKind::kRelease, .contact_id = ann, .occurred_at = Days(14)};
  release.entries = {OnLot(LedgerAccount::kPending, -50, lot1), OnLot(LedgerAccount::kAvailable, 50, lot1)};
  release.released_lots = {lot1};
  ASSERT_TRUE(Post(release).ok());
  account = Account(ann);
  EXPECT_EQ(account.pending, Points(0));
  EXPECT_EQ(account.available, Points(50));
  EXPECT_EQ(LotById(ann, lot1).state, LotState::kAvailable);
  EXPECT_EQ(LotById(ann, lot1).remaining, Points(50));
  ExpectClean();

  // Earn 30 available, later.
  const std::int64_t lot2 = Earn(ann, 30, LotState::kAvailable, Days(20), std::nullopt, Days(400));
  EXPECT_EQ(Account(ann).available, Points(80));

  // Redeem 60: all of lot 1, 10 of lot 2.
  app::NewLedgerTransaction redeem{.kind = LedgerKind::kRedeem, .contact_id = ann, .occurred_at = Days(21)};
  redeem.entries = {OnLot(LedgerAccount::kAvailable, -50, lot1), OnLot(LedgerAccount::kAvailable, -10, lot2),
                    Programme(LedgerAccount::kRedeemed, 60)};
  ASSERT_TRUE(Post(redeem).ok());
  account = Account(ann);
  EXPECT_EQ(account.available, Points(20));
  EXPECT_EQ(account.redeemed_total, Points(60));
  EXPECT_EQ(LotById(ann, lot1).state, LotState::kSpent);
  EXPECT_EQ(LotById(ann, lot1).remaining, Points(0));
  EXPECT_EQ(LotById(ann, lot2).remaining, Points(20));
  ExpectClean();

  // Expire what is left of lot 2.
  app::NewLedgerTransaction expire{.kind = LedgerKind::kExpire, .contact_id = ann, .occurred_at = Days(400)};
  expire.entries = {OnLot(LedgerAccount::kAvailable, -20, lot2), Programme(LedgerAccount::kExpired, 20)};
  ASSERT_TRUE(Post(expire).ok());
  account = Account(ann);
  EXPECT_EQ(account.available, Points(0));
  EXPECT_EQ(account.expired_total, Points(20));
  EXPECT_EQ(LotById(ann, lot2).state, LotState::kExpired);
  ExpectClean();

  // Earn 40 pending on a second purchase, then a refund takes them back.
  const PurchaseId second_purchase = Buy(ann, 4'000, Days(401));
  const std::int64_t lot3 = Earn(ann, 40, LotState::kPending, Days(401), second_purchase);
  app::NewLedgerTransaction refund{
      .kind = LedgerKind::kRefund, .contact_id = ann, .purchase_id = second_purchase, .occurred_at = Days(402)};
  refund.entries = {OnLot(LedgerAccount::kPending, -40, lot3), Programme(LedgerAccount::kIssued, 40)};
  ASSERT_TRUE(Post(refund).ok());
  account = Account(ann);
  EXPECT_EQ(account.pending, Points(0));
  EXPECT_EQ(account.earned_total, Points(120));  // before reversals
  EXPECT_EQ(account.last_activity_at, Days(401));
  EXPECT_EQ(LotById(ann, lot3).state, LotState::kSpent);
  const app::LedgerCheck check = Check();
  EXPECT_TRUE(check.problems.empty()) << ::testing::PrintToString(check.problems);
  EXPECT_EQ(check.transactions, 7);
  EXPECT_EQ(check.entries, 15);
  EXPECT_EQ(check.issued, Points(-80));

  // The ledger, newest first, with its entries; lots of each purchase.
  Result<std::vector<app::LedgerTransaction>> ledger =
      InRead([&](app::LoyaltyReader& loyalty) { return loyalty.ListLedger(ann, std::nullopt, 4); });
  ASSERT_TRUE(ledger.ok()) << ledger.status().ToString();
  ASSERT_EQ(ledger->size(), 4u);
  EXPECT_EQ((*ledger)[0].kind, LedgerKind::kRefund);
  EXPECT_EQ((*ledger)[0].purchase_id, second_purchase);
  ASSERT_EQ((*ledger)[0].entries.size(), 2u);
  EXPECT_EQ((*ledger)[0].entries[0].lot_id, lot3);
  EXPECT_EQ((*ledger)[0].entries[0].contact_id, ann);
  EXPECT_EQ((*ledger)[0].entries[1].account, LedgerAccount::kIssued);
  EXPECT_EQ((*ledger)[0].entries[1].contact_id, std::nullopt);
  EXPECT_EQ((*ledger)[3].kind, LedgerKind::kRedeem);
  EXPECT_EQ((*ledger)[3].entries.size(), 3u);
  Result<std::vector<app::LedgerTransaction>> older =
      InRead([&](app::LoyaltyReader& loyalty) { return loyalty.ListLedger(ann, ledger->back().id, 10); });
  ASSERT_TRUE(older.ok());
  ASSERT_EQ(older->size(), 3u);
  EXPECT_EQ((*older)[1].kind, LedgerKind::kRelease);
  EXPECT_EQ((*older)[2].kind, LedgerKind::kEarn);
  EXPECT_EQ((*older)[2].explanation_json, R"({"steps":[]})");
  EXPECT_EQ((*older)[2].actor, "user:1");
  EXPECT_EQ((*older)[2].recorded_at, kStart);
  EXPECT_EQ((*older)[2].entries.size(), 2u);

  Result<std::vector<app::Lot>> purchase_lots =
      InRead([&](app::LoyaltyReader& loyalty) { return loyalty.ListPurchaseLots(first_purchase); });
  ASSERT_TRUE(purchase_lots.ok());
  ASSERT_EQ(purchase_lots->size(), 1u);
  EXPECT_EQ((*purchase_lots)[0].id, lot1);
  EXPECT_EQ((*purchase_lots)[0].points, Points(50));
  EXPECT_EQ((*purchase_lots)[0].expires_at, Days(365));
  EXPECT_EQ((*purchase_lots)[0].available_at, Days(14));
  Result<std::vector<app::Lot>> open = InRead([&](app::LoyaltyReader& loyalty) { return loyalty.ListOpenLots(ann); });
  ASSERT_TRUE(open.ok());
  EXPECT_TRUE(open->empty());

  // Earned in [day 0, day 21): 50 + 30; the refund does not subtract.
  Result<Points> earned =
      InRead([&](app::LoyaltyReader& loyalty) { return loyalty.EarnedBetween(ann, Days(0), Days(21)); });
  ASSERT_TRUE(earned.ok());
  EXPECT_EQ(*earned, Points(80));
  earned = InRead([&](app::LoyaltyReader& loyalty) { return loyalty.EarnedBetween(ann, Days(1), Days(20)); });
  ASSERT_TRUE(earned.ok());
  EXPECT_EQ(*earned, Points(0));
}

TEST_P(LoyaltyConformance, ACancelledRedemptionGivesPointsBackToTheLot) {
  const ContactId ann = AddContact(1);
  const std::int64_t lot = Earn(ann, 100, LotState::kAvailable, Days(0));
  app::NewLedgerTransaction redeem{.kind = LedgerKind::kRedeem, .contact_id = ann, .occurred_at = Days(1)};
  redeem.entries = {OnLot(LedgerAccount::kAvailable, -100, lot), Programme(LedgerAccount::kRedeemed, 100)};
  ASSERT_TRUE(Post(redeem).ok());
  EXPECT_EQ(LotById(ann, lot).state, LotState::kSpent);
  app::NewLedgerTransaction cancel{.kind = LedgerKind::kRedeemCancel, .contact_id = ann, .occurred_at = Days(2)};
  cancel.entries = {OnLot(LedgerAccount::kAvailable, 40, lot), Programme(LedgerAccount::kRedeemed, -40)};
  ASSERT_TRUE(Post(cancel).ok());
  const app::LoyaltyAccount account = Account(ann);
  EXPECT_EQ(account.available, Points(40));
  EXPECT_EQ(account.redeemed_total, Points(60));
  EXPECT_EQ(LotById(ann, lot).state, LotState::kAvailable);
  EXPECT_EQ(LotById(ann, lot).remaining, Points(40));
  ExpectClean();
}

TEST_P(LoyaltyConformance, MalformedPostingsAreRefusedAndWriteNothing) {
  const ContactId ann = AddContact(1);
  const ContactId bob = AddContact(2);
  const std::int64_t lot = Earn(ann, 10, LotState::kAvailable, Days(0));
  const std::int64_t bobs_lot = Earn(bob, 10, LotState::kAvailable, Days(0));
  const auto posting = [&](std::vector<app::NewEntry> entries, std::vector<app::NewLot> lots = {}) {
    app::NewLedgerTransaction transaction{.kind = LedgerKind::kAdjust, .contact_id = ann, .occurred_at = Days(1)};
    transaction.entries = std::move(entries);
    transaction.lots = std::move(lots);
    return Post(transaction).status().code();
  };
  const app::NewLot five{
      .points = Points(5), .state = LotState::kAvailable, .earned_at = Days(1), .available_at = Days(1)};
  // Not summing to zero.
  EXPECT_EQ(posting({Programme(LedgerAccount::kAdjustments, -5), OnNewLot(LedgerAccount::kAvailable, 5, 0),
                     Programme(LedgerAccount::kIssued, 1)},
                    {five}),
            StatusCode::kInvalidArgument);
  // One entry; a zero entry.
  EXPECT_EQ(posting({OnLot(LedgerAccount::kAvailable, -1, lot)}), StatusCode::kInvalidArgument);
  EXPECT_EQ(posting({OnLot(LedgerAccount::kAvailable, 0, lot), Programme(LedgerAccount::kAdjustments, 0)}),
            StatusCode::kInvalidArgument);
  // A member entry without a lot; a programme entry with one.
  EXPECT_EQ(posting({Programme(LedgerAccount::kAvailable, -1), Programme(LedgerAccount::kAdjustments, 1)}),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(posting({OnLot(LedgerAccount::kAvailable, -1, lot), OnLot(LedgerAccount::kAdjustments, 1, lot)}),
            StatusCode::kInvalidArgument);
  // A new lot credited with other than its points.
  EXPECT_EQ(posting({Programme(LedgerAccount::kAdjustments, -4), OnNewLot(LedgerAccount::kAvailable, 4, 0)}, {five}),
            StatusCode::kInvalidArgument);
  // Another contact's lot; an unknown lot.
  EXPECT_EQ(posting({OnLot(LedgerAccount::kAvailable, -1, bobs_lot), Programme(LedgerAccount::kAdjustments, 1)}),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(posting({OnLot(LedgerAccount::kAvailable, -1, 9'999), Programme(LedgerAccount::kAdjustments, 1)}),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(RawCount("SELECT COUNT(*) FROM ledger_transactions"), 2);
  EXPECT_EQ(RawCount("SELECT COUNT(*) FROM ledger_entries"), 4);
  EXPECT_EQ(RawCount("SELECT COUNT(*) FROM point_lots"), 2);
  EXPECT_EQ(Account(ann).available, Points(10));
  ExpectClean();
}

TEST_P(LoyaltyConformance, EntriesPerPostingAreBoundedAtTheLimit) {
  const ContactId ann = AddContact(1);
  const auto posting = [&](std::size_t entries) {
    app::NewLedgerTransaction transaction{.kind = LedgerKind::kBonus, .contact_id = ann, .occurred_at = Days(1)};
    const auto points = static_cast<std::int64_t>(entries - 1);
    transaction.lots = {app::NewLot{.points = Points(points), .state = LotState::kAvailable}};
    transaction.entries.assign(entries - 1, Programme(LedgerAccount::kIssued, -1));
    transaction.entries.push_back(OnNewLot(LedgerAccount::kAvailable, points, 0));
    return Post(transaction).status().code();
  };
  EXPECT_EQ(posting(app::kLedgerEntriesPerTransactionMax + 1), StatusCode::kInvalidArgument);
  EXPECT_EQ(posting(app::kLedgerEntriesPerTransactionMax), StatusCode::kOk);
  EXPECT_EQ(Account(ann).available, Points(static_cast<std::int64_t>(app::kLedgerEntriesPerTransactionMax) - 1));
  ExpectClean();
}

TEST_P(LoyaltyConformance, APostingTakingABalanceNegativeIsRefusedAndWritesNothing) {
  const ContactId ann = AddContact(1);
  const std::int64_t lot1 = Earn(ann, 10, LotState::kAvailable, Days(0));
  const std::int64_t lot2 = Earn(ann, 10, LotState::kAvailable, Days(1));
  app::NewLedgerTransaction redeem{.kind = LedgerKind::kRedeem, .contact_id = ann, .occurred_at = Days(2)};
  redeem.entries = {OnLot(LedgerAccount::kAvailable, -5, lot1), OnLot(LedgerAccount::kAvailable, -15, lot2),
                    Programme(LedgerAccount::kRedeemed, 20)};
  Result<app::PostedTransaction> refused = Post(redeem);
  EXPECT_EQ(refused.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(refused.status().message().find("balance would be negative"), std::string::npos);
  // Pending would go negative while the lot would not (an entry on the wrong account).
  app::NewLedgerTransaction wrong{.kind = LedgerKind::kRefund, .contact_id = ann, .occurred_at = Days(2)};
  wrong.entries = {OnLot(LedgerAccount::kPending, -5, lot1), Programme(LedgerAccount::kIssued, 5)};
  EXPECT_EQ(Post(wrong).status().code(), StatusCode::kFailedPrecondition);

  EXPECT_EQ(RawCount("SELECT COUNT(*) FROM ledger_transactions"), 2);
  EXPECT_EQ(RawCount("SELECT COUNT(*) FROM ledger_entries"), 4);
  EXPECT_EQ(Account(ann).available, Points(20));
  EXPECT_EQ(Account(ann).redeemed_total, Points(0));
  EXPECT_EQ(LotById(ann, lot1).remaining, Points(10));
  EXPECT_EQ(LotById(ann, lot2).remaining, Points(10));
  ExpectClean();
}

TEST_P(LoyaltyConformance, OnlyPendingLotsCanBeReleased) {
  const ContactId ann = AddContact(1);
  const std::int64_t lot = Earn(ann, 10, LotState::kAvailable, Days(0));
  app::NewLedgerTransaction release{.kind = LedgerKind::kRelease, .contact_id = ann, .occurred_at = Days(1)};
  release.entries = {OnLot(LedgerAccount::kPending, -10, lot), OnLot(LedgerAccount::kAvailable, 10, lot)};
  release.released_lots = {lot};
  EXPECT_EQ(Post(release).status().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(RawCount("SELECT COUNT(*) FROM ledger_transactions"), 1);
}

TEST_P(LoyaltyConformance, LedgerRowsCannotBeUpdatedOrDeleted) {
  const ContactId ann = AddContact(1);
  Earn(ann, 10, LotState::kAvailable, Days(0));
  EXPECT_NE(raw_->Execute("UPDATE ledger_entries SET points = points + 1"), "");
  EXPECT_NE(raw_->Execute("DELETE FROM ledger_entries"), "");
  EXPECT_NE(raw_->Execute("UPDATE ledger_transactions SET actor = 'someone else'"), "");
  EXPECT_NE(raw_->Execute("DELETE FROM ledger_transactions"), "");
  EXPECT_EQ(RawCount("SELECT COUNT(*) FROM ledger_entries"), 2);
  EXPECT_EQ(RawCount("SELECT COUNT(*) FROM ledger_transactions WHERE actor = 'user:1'"), 1);
  EXPECT_EQ(RawCount("SELECT SUM(points) FROM ledger_entries WHERE account = 'available'"), 10);
}

TEST_P(LoyaltyConformance, CheckLedgerFindsPlantedInconsistencies) {
  const ContactId ann = AddContact(1);
  const ContactId bob = AddContact(2);
  const std::int64_t lot = Earn(ann, 10, LotState::kAvailable, Days(0));
  Earn(bob, 10, LotState::kPending, Days(0));
  ExpectClean();

  Raw("UPDATE loyalty_accounts SET available = available + 5 WHERE contact_id = 1");
  app::LedgerCheck check = Check();
  ASSERT_EQ(check.problems.size(), 1u) << ::testing::PrintToString(check.problems);
  EXPECT_EQ(check.problems[0], "contact 1 available is 15, entries say 10");

  Raw("UPDATE point_lots SET remaining = 3 WHERE id = " + std::to_string(lot));
  check = Check(ann);
  ASSERT_EQ(check.problems.size(), 2u) << ::testing::PrintToString(check.problems);
  EXPECT_EQ(check.problems[0], "lot " + std::to_string(lot) + " remaining is 3, entries say 10");
  EXPECT_TRUE(Check(bob).problems.empty());

  Raw("UPDATE loyalty_accounts SET pending = 0 WHERE contact_id = 2");
  check = Check(bob);
  ASSERT_EQ(check.problems.size(), 1u) << ::testing::PrintToString(check.problems);
  EXPECT_EQ(check.problems[0], "contact 2 pending is 0, entries say 10");
  EXPECT_EQ(Check().problems.size(), 3u);
}

// ---- work for the jobs

TEST_P(LoyaltyConformance, DueReleasesExpiriesAndInactiveMembers) {
  const ContactId ann = AddContact(1);
  const ContactId bob = AddContact(2);
  const ContactId cid = AddContact(3);
  const std::int64_t pending_early = Earn(ann, 10, LotState::kPending, Days(0));  // available at day 14
  const std::int64_t pending_late = Earn(bob, 10, LotState::kPending, Days(5));   // day 19
  const std::int64_t expiring = Earn(ann, 10, LotState::kAvailable, Days(1), std::nullopt, Days(30));
  Earn(bob, 10, LotState::kAvailable, Days(6), std::nullopt, Days(60));
  Earn(cid, 10, LotState::kAvailable, Days(2));  // never expires by date

  const auto ids = [](const Result<std::vector<app::Lot>>& lots) {
    std::vector<std::int64_t> out;
    if (lots.ok()) {
      for (const app::Lot& lot : *lots) out.push_back(lot.id);
    }
    return out;
  };
  EXPECT_EQ(ids(InRead([&](app::LoyaltyReader& loyalty) { return loyalty.DueReleases(Days(13), 10); })),
            std::vector<std::int64_t>{});
  EXPECT_EQ(ids(InRead([&](app::LoyaltyReader& loyalty) { return loyalty.DueReleases(Days(14), 10); })),
            std::vector<std::int64_t>{pending_early});
  EXPECT_EQ(ids(InRead([&](app::LoyaltyReader& loyalty) { return loyalty.DueReleases(Days(20), 10); })),
            (std::vector<std::int64_t>{pending_early, pending_late}));
  EXPECT_EQ(ids(InRead([&](app::LoyaltyReader& loyalty) { return loyalty.DueReleases(Days(20), 1); })),
            std::vector<std::int64_t>{pending_early});
  EXPECT_EQ(ids(InRead([&](app::LoyaltyReader& loyalty) { return loyalty.DueExpiries(Days(30), 10); })),
            std::vector<std::int64_t>{expiring});
  EXPECT_EQ(ids(InRead([&](app::LoyaltyReader& loyalty) { return loyalty.DueExpiries(Days(29), 10); })),
            std::vector<std::int64_t>{});

  Result<std::vector<ContactId>> inactive =
      InRead([&](app::LoyaltyReader& loyalty) { return loyalty.InactiveMembers(Days(2), 10); });
  ASSERT_TRUE(inactive.ok()) << inactive.status().ToString();
  EXPECT_EQ(*inactive, (std::vector<ContactId>{ann, cid}));  // bob was active on day 6
  inactive = InRead([&](app::LoyaltyReader& loyalty) { return loyalty.InactiveMembers(Days(10), 10); });
  ASSERT_TRUE(inactive.ok());
  EXPECT_EQ(*inactive, (std::vector<ContactId>{ann, cid, bob}));
  // A member with nothing available is not listed.
  app::NewLedgerTransaction redeem{.kind = LedgerKind::kRedeem, .contact_id = cid, .occurred_at = Days(3)};
  Result<std::vector<app::Lot>> cids_lots =
      InRead([&](app::LoyaltyReader& loyalty) { return loyalty.ListOpenLots(cid); });
  ASSERT_TRUE(cids_lots.ok() && cids_lots->size() == 1u);
  redeem.entries = {OnLot(LedgerAccount::kAvailable, -10, cids_lots->front().id),
                    Programme(LedgerAccount::kRedeemed, 10)};
  ASSERT_TRUE(Post(redeem).ok());
  inactive = InRead([&](app::LoyaltyReader& loyalty) { return loyalty.InactiveMembers(Days(10), 10); });
  ASSERT_TRUE(inactive.ok());
  EXPECT_EQ(*inactive, (std::vector<ContactId>{ann, bob}));
}

// ---- rules and idempotency

TEST_P(LoyaltyConformance, RulesKeepEveryVersionAndRefuseAStaleExpectedVersion) {
  Result<std::optional<app::ProgrammeRules>> none =
      InRead([](app::LoyaltyReader& loyalty) { return loyalty.GetRules(); });
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->has_value());
  Result<std::int64_t> first =
      InWrite([](app::LoyaltyWriter& loyalty) { return loyalty.PutRules(R"({"v":1})", 0, Days(1), "user:1"); });
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_EQ(*first, 1);
  Result<std::int64_t> stale =
      InWrite([](app::LoyaltyWriter& loyalty) { return loyalty.PutRules(R"({"v":2})", 0, Days(2), "user:2"); });
  EXPECT_EQ(stale.status().code(), StatusCode::kConflict);
  Result<std::int64_t> second =
      InWrite([](app::LoyaltyWriter& loyalty) { return loyalty.PutRules(R"({"v":2})", 1, Days(2), "user:2"); });
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  EXPECT_EQ(*second, 2);

  Result<std::optional<app::ProgrammeRules>> current =
      InRead([](app::LoyaltyReader& loyalty) { return loyalty.GetRules(); });
  ASSERT_TRUE(current.ok() && current->has_value());
  EXPECT_EQ((*current)->version, 2);
  EXPECT_EQ((*current)->rules_json, R"({"v":2})");
  EXPECT_EQ((*current)->updated_at, Days(2));
  EXPECT_EQ((*current)->updated_by, "user:2");
  Result<std::optional<app::ProgrammeRules>> old =
      InRead([](app::LoyaltyReader& loyalty) { return loyalty.GetRulesVersion(1); });
  ASSERT_TRUE(old.ok() && old->has_value());
  EXPECT_EQ((*old)->rules_json, R"({"v":1})");
  Result<std::optional<app::ProgrammeRules>> future =
      InRead([](app::LoyaltyReader& loyalty) { return loyalty.GetRulesVersion(3); });
  ASSERT_TRUE(future.ok());
  EXPECT_FALSE(future->has_value());
}

TEST_P(LoyaltyConformance, IdempotencyRecordsArePutOnceAndPruned) {
  const auto record = [](std::string key, Timestamp at) {
    return app::IdempotencyRecord{.scope = "loyalty.purchase|user:7",
                                  .key = std::move(key),
                                  .request_hash = std::string(64, 'a'),
                                  .status_code = 201,
                                  .response_json = R"({"id":1})",
                                  .created_at = at};
  };
  const app::IdempotencyRecord first = record("k-1", Days(0));
  ASSERT_TRUE(InWrite([&](app::LoyaltyWriter& loyalty) { return loyalty.PutIdempotency(first); }).ok());
  Result<std::optional<app::IdempotencyRecord>> got =
      InRead([](app::LoyaltyReader& loyalty) { return loyalty.GetIdempotency("loyalty.purchase|user:7", "k-1"); });
  ASSERT_TRUE(got.ok() && got->has_value());
  EXPECT_EQ(**got, first);
  Result<std::optional<app::IdempotencyRecord>> other_scope =
      InRead([](app::LoyaltyReader& loyalty) { return loyalty.GetIdempotency("loyalty.purchase|user:8", "k-1"); });
  ASSERT_TRUE(other_scope.ok());
  EXPECT_FALSE(other_scope->has_value());

  EXPECT_EQ(InWrite([&](app::LoyaltyWriter& loyalty) { return loyalty.PutIdempotency(record("k-1", Days(1))); }).code(),
            StatusCode::kAlreadyExists);
  EXPECT_EQ(InWrite([&](app::LoyaltyWriter& loyalty) { return loyalty.PutIdempotency(record("", Days(1))); }).code(),
            StatusCode::kInvalidArgument);
  const std::string longest(app::kIdempotencyKeyBytesMax, 'k');
  EXPECT_TRUE(
      InWrite([&](app::LoyaltyWriter& loyalty) { return loyalty.PutIdempotency(record(longest, Days(1))); }).ok());
  EXPECT_EQ(InWrite([&](app::LoyaltyWriter& loyalty) {
              return loyalty.PutIdempotency(record(longest + "k", Days(1)));
            }).code(),
            StatusCode::kInvalidArgument);
  ASSERT_TRUE(
      InWrite([&](app::LoyaltyWriter& loyalty) { return loyalty.PutIdempotency(record("k-2", Days(2))); }).ok());
  ASSERT_TRUE(
      InWrite([&](app::LoyaltyWriter& loyalty) { return loyalty.PutIdempotency(record("k-3", Days(5))); }).ok());

  // Created before day 3: k-1, the longest key, k-2; at most 2 per call, oldest first.
  Result<std::int64_t> pruned =
      InWrite([](app::LoyaltyWriter& loyalty) { return loyalty.PruneIdempotency(Days(3), 2); });
  ASSERT_TRUE(pruned.ok()) << pruned.status().ToString();
  EXPECT_EQ(*pruned, 2);
  EXPECT_EQ(RawCount("SELECT COUNT(*) FROM idempotency_keys WHERE key = 'k-1'"), 0);
  pruned = InWrite([](app::LoyaltyWriter& loyalty) { return loyalty.PruneIdempotency(Days(3), 2); });
  ASSERT_TRUE(pruned.ok());
  EXPECT_EQ(*pruned, 1);
  pruned = InWrite([](app::LoyaltyWriter& loyalty) { return loyalty.PruneIdempotency(Days(3), 2); });
  ASSERT_TRUE(pruned.ok());
  EXPECT_EQ(*pruned, 0);
  EXPECT_EQ(RawCount("SELECT COUNT(*) FROM idempotency_keys"), 1);
}

// ---- bulk loading

// The import's deferred indexes: dropped and recorded in one transaction,
// every query still answers without them, built again one at a time — or,
// after a load that died, by the next opening of the store.
TEST_P(LoyaltyConformance, DeferredImportIndexesAreBuiltAgainEvenAfterACrash) {
  const std::string names =
      "('events_subject', 'ledger_transactions_contact', 'point_lots_open', 'point_lots_due_release', "
      "'point_lots_due_expiry', 'point_lots_purchase', 'ledger_entries_transaction', 'ledger_entries_lot', "
      "'ledger_entries_contact', 'loyalty_accounts_inactive', 'purchases_contact', 'ledger_transactions_earn')";
  const std::string count_indexes =
      GetParam() == Backend::kPostgres
          ? "SELECT count(*) FROM pg_indexes WHERE schemaname = current_schema() AND indexname IN " + names
          : "SELECT count(*) FROM sqlite_master WHERE type = 'index' AND name IN " + names;
  ASSERT_EQ(RawCount(count_indexes), 12);

  // Keeping the member history indexes, then not: ten, then the other two, then none.
  Result<std::vector<std::string>> deferred =
      InWrite([](app::LoyaltyWriter& loyalty) { return loyalty.DeferImportIndexes(true); });
  ASSERT_TRUE(deferred.ok()) << deferred.status().ToString();
  EXPECT_EQ(deferred->size(), 10u);
  EXPECT_EQ(RawCount(count_indexes), 2);
  Result<std::vector<std::string>> rest =
      InWrite([](app::LoyaltyWriter& loyalty) { return loyalty.DeferImportIndexes(false); });
  ASSERT_TRUE(rest.ok());
  EXPECT_EQ(*rest, (std::vector<std::string>{"purchases_contact", "ledger_transactions_earn"}));
  EXPECT_EQ(RawCount(count_indexes), 0);
  EXPECT_EQ(RawCount("SELECT count(*) FROM deferred_indexes"), 12);
  Result<std::vector<std::string>> again =
      InWrite([](app::LoyaltyWriter& loyalty) { return loyalty.DeferImportIndexes(false); });
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again->empty());

  const ContactId ann = AddContact(1);
  const std::int64_t lot = Earn(ann, 40, LotState::kAvailable, Days(0), Buy(ann, 4'000, Days(0)), Days(30));
  Result<std::vector<app::Lot>> open = InRead([&](app::LoyaltyReader& loyalty) { return loyalty.ListOpenLots(ann); });
  ASSERT_TRUE(open.ok() && open->size() == 1u);
  EXPECT_EQ(open->front().id, lot);
  EXPECT_EQ(Account(ann).available, Points(40));

  Result<std::optional<std::string>> one =
      InWrite([](app::LoyaltyWriter& loyalty) { return loyalty.BuildDeferredIndex(); });
  ASSERT_TRUE(one.ok()) << one.status().ToString();
  ASSERT_TRUE(one->has_value());
  EXPECT_EQ(RawCount(count_indexes), 1);
  EXPECT_EQ(RawCount("SELECT count(*) FROM deferred_indexes"), 11);

  // The load dies here; the next opening builds the rest, over the rows written meanwhile.
  ASSERT_TRUE(store_->Close().ok());
  store_.reset();
  Result<MigrationReport> reopened = MigrateDatabase(options_);
  ASSERT_TRUE(reopened.ok()) << reopened.status().ToString();
  EXPECT_EQ(reopened->indexes_built, 11);
  EXPECT_EQ(RawCount(count_indexes), 12);
  EXPECT_EQ(RawCount("SELECT count(*) FROM deferred_indexes"), 0);
  auto opened = OpenStore(options_);
  ASSERT_TRUE(opened.ok()) << opened.status().ToString();
  store_ = std::move(opened).value();
  Result<std::optional<std::string>> none =
      InWrite([](app::LoyaltyWriter& loyalty) { return loyalty.BuildDeferredIndex(); });
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->has_value());
  ExpectClean();
}

INSTANTIATE_TEST_SUITE_P(Backends, LoyaltyConformance, ::testing::Values(Backend::kSqlite, Backend::kPostgres),
                         [](const ::testing::TestParamInfo<Backend>& param_info) {
                           return BackendName(param_info.param);
                         });

}  // namespace
}  // namespace rapport::store

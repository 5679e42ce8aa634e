// The coupons and referrals conformance suite: coupons (every kind round trip,
// codes unique, the kind-specific fields refused when inconsistent, keyset
// lists of all or one contact's personal coupons, active or not, updates,
// uses taken by a conditional update up to max_uses, the record of each use
// counted per member) and referrals (codes unique both ways, a contact
// referred once, never by themselves, a referral rewarded once, keyset lists
// and rewarded counts) behave alike on SQLite (a temp file) and PostgreSQL (a
// schema of its own in the database at RAPPORT_TEST_POSTGRES_URL; skipped when
// unset). On PostgreSQL, concurrent takers from two stores never take more
// uses than a coupon allows.
//
// Contacts and purchases are inserted with raw SQL: the ports only refer to
// them.
#include <latch>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "store_test_support.h"

#include "rapport/store/open_store.h"

namespace rapport::store {
namespace {

using testing::Backend;

const Timestamp kStart = testing::kStoreTestStart;  // 2026-11-18
constexpr Microseconds kDay(86'400'000'000);

class PromotionsConformance : public testing::StoreConformanceTest {
 protected:
  template <typename Body>
  auto InWrite(Body&& body) {
    return InWriteTransaction(std::forward<Body>(body));
  }

  template <typename Body>
  auto InRead(Body&& body) {
    return InReadTransaction(std::forward<Body>(body));
  }

  // Lets rows break the table's CHECK constraints, to plant values a newer
  // release might write.
  void DropChecks(const std::string& table) {
    if (IsPostgres()) {
      Raw("DO $$ DECLARE c record; BEGIN FOR c IN SELECT conname FROM pg_constraint WHERE conrelid = '" + table +
          "'::regclass AND contype = 'c' LOOP EXECUTE 'ALTER TABLE " + table +
          " DROP CONSTRAINT ' || quote_ident(c.conname); END LOOP; END $$");
    } else {
      Raw("PRAGMA ignore_check_constraints = ON");
    }
  }

  ContactId AddContact(std::int64_t id) {
    Raw("INSERT INTO contacts (id, first_name, last_name, email, phone, locale, time_zone, created_at_us, "
        "updated_at_us) VALUES (" +
        std::to_string(id) + ", 'Ann', 'Example', 'c" + std::to_string(id) + "@example.com', '', 'en', 'UTC', 1, 1)");
    return ContactId(id);
  }

  PurchaseId AddPurchase(std::int64_t id, ContactId contact) {
    Raw("INSERT INTO purchases (id, contact_id, total_minor, currency, channel, occurred_at_us, external_id) VALUES (" +
        std::to_string(id) + ", " + std::to_string(contact.value()) + ", 5000, 'EUR', 'web', 1, '')");
    return PurchaseId(id);
  }

  // A ledger posting for coupon uses to name (a bonus of 100 points).
  std::int64_t Posting(ContactId contact) {
    app::NewLedgerTransaction posting{.kind = app::LedgerKind::kBonus, .contact_id = contact, .occurred_at = kStart};
    posting.lots.push_back(app::NewLot{.points = Points(100), .earned_at = kStart, .available_at = kStart});
    posting.entries = {{.account = app::LedgerAccount::kIssued, .points = Points(-100)},
                       {.account = app::LedgerAccount::kAvailable, .points = Points(100), .new_lot = 0}};
    Result<app::PostedTransaction> posted =
        InWrite([&](app::WriteTransaction& tx) { return tx.LoyaltyOut().PostTransaction(posting); });
    EXPECT_TRUE(posted.ok()) << posted.status().ToString();
    return posted.ok() ? posted->transaction_id : 0;
  }

  // ---- coupons ----

  static app::Coupon PointsCoupon(std::string code) {
    return app::Coupon{.code = std::move(code),
                       .name = "Double points weekend",
                       .kind = app::CouponKind::kPoints,
                       .points = Points(500),
                       .valid_from = kStart,
                       .valid_until = kStart + 2 * kDay,
                       .max_uses = 3,
                       .max_uses_per_member = 2,
                       .created_by = "user:1"};
  }

  Result<std::int64_t> InsertCoupon(const app::Coupon& coupon) {
    return InWrite([&](app::WriteTransaction& tx) { return tx.CouponsOut().InsertCoupon(coupon); });
  }

  std::int64_t AddCoupon(const app::Coupon& coupon) {
    Result<std::int64_t> id = InsertCoupon(coupon);
    EXPECT_TRUE(id.ok()) << id.status().ToString();
    return id.ok() ? *id : 0;
  }

  std::optional<app::Coupon> ReadCoupon(std::int64_t id) {
    Result<std::optional<app::Coupon>> read =
        InRead([&](app::ReadTransaction& tx) { return tx.Coupons().GetCoupon(id); });
    EXPECT_TRUE(read.ok()) << read.status().ToString();
    return read.ok() ? *read : std::nullopt;
  }

  Result<std::vector<app::Coupon>> ListCoupons(const app::CouponsReader::CouponFilter& filter,
                                               std::optional<std::int64_t> before, int limit) {
    return InRead([&](app::ReadTransaction& tx) { return tx.Coupons().ListCoupons(filter, before, limit); });
  }

  static std::vector<std::int64_t> IdsOf(const Result<std::vector<app::Coupon>>& coupons) {
    EXPECT_TRUE(coupons.ok()) << coupons.status().ToString();
    std::vector<std::int64_t> ids;
    if (coupons.ok()) {
      for (const app::Coupon& coupon : *coupons) ids.push_back(coupon.id);
    }
    return ids;
  }

  Result<bool> TakeUse(std::int64_t coupon) {
    return InWrite([&](app::WriteTransaction& tx) { return tx.CouponsOut().TakeCouponUse(coupon); });
  }

  Result<std::int64_t> CountUses(std::int64_t coupon, ContactId contact) {
    return InRead([&](app::ReadTransaction& tx) { return tx.Coupons().CountCouponUses(coupon, contact); });
  }

  // ---- referrals ----

  static app::Referral MakeReferral(ContactId referrer, ContactId referred, std::string code = "ANN-1") {
    return app::Referral{.referrer_id = referrer,
                         .referred_id = referred,
                         .code = std::move(code),
                         .referred_at = kStart,
                         .actor = "api:shop"};
  }

  Result<std::int64_t> InsertReferral(const app::Referral& referral) {
    return InWrite([&](app::WriteTransaction& tx) { return tx.ReferralsOut().InsertReferral(referral); });
  }

  Status PutCode(ContactId contact, std::string_view code) {
    return InWrite([&](app::WriteTransaction& tx) { return tx.ReferralsOut().PutReferralCode(contact, code, kStart); });
  }

  Status MarkRewarded(std::int64_t id, PurchaseId purchase, Timestamp at) {
    return InWrite([&](app::WriteTransaction& tx) { return tx.ReferralsOut().MarkReferralRewarded(id, purchase, at); });
  }

  std::optional<app::Referral> ReferralOf(ContactId referred) {
    Result<std::optional<app::Referral>> read =
        InRead([&](app::ReadTransaction& tx) { return tx.Referrals().GetReferralOf(referred); });
    EXPECT_TRUE(read.ok()) << read.status().ToString();
    return read.ok() ? *read : std::nullopt;
  }

  Result<std::int64_t> CountRewarded(ContactId referrer) {
    return InRead([&](app::ReadTransaction& tx) { return tx.Referrals().CountRewardedReferrals(referrer); });
  }
};

// ---- coupons ----------------------------------------------------------------

TEST_P(PromotionsConformance, CouponsOfEveryKindRoundTripByIdAndCode) {
  const ContactId ann = AddContact(1);
  const app::Coupon points = PointsCoupon("WEEKEND");
  const app::Coupon percent{.code = "ANN-BIRTHDAY",
                            .name = "Birthday discount",
                            .kind = app::CouponKind::kPercentOff,
                            .percent_off = 15,
                            .contact_id = ann,
                            .max_uses_per_member = 1,
                            .active = false,
                            .created_by = "user:2"};
  const app::Coupon amount{.code = "TENOFF",
                           .name = "Ten off",
                           .kind = app::CouponKind::kAmountOff,
                           .amount_off_minor = 1'000,
                           .currency = "EUR",
                           .valid_until = kStart + kDay,
                           .max_uses_per_member = 5};
  std::vector<std::int64_t> ids;
  for (const app::Coupon& coupon : {points, percent, amount}) {
    ids.push_back(AddCoupon(coupon));
    clock_.Advance(Microseconds(1'000'000));
  }
  ASSERT_TRUE(ids[0] > 0 && ids[1] > ids[0] && ids[2] > ids[1]);

  std::vector<app::Coupon> expected = {points, percent, amount};
  for (std::size_t i = 0; i < expected.size(); ++i) {
    expected[i].id = ids[i];
    expected[i].created_at = kStart + Microseconds(1'000'000 * static_cast<std::int64_t>(i));
    EXPECT_EQ(ReadCoupon(ids[i]), expected[i]) << expected[i].code;
    Result<std::optional<app::Coupon>> found =
        InRead([&](app::ReadTransaction& tx) { return tx.Coupons().FindCouponByCode(expected[i].code); });
    ASSERT_TRUE(found.ok()) << found.status().ToString();
    EXPECT_EQ(*found, expected[i]);
  }
  EXPECT_EQ(ReadCoupon(ids[2] + 100), std::nullopt);
  Result<std::optional<app::Coupon>> unknown =
      InRead([&](app::ReadTransaction& tx) { return tx.Coupons().FindCouponByCode("NOPE"); });
  ASSERT_TRUE(unknown.ok());
  EXPECT_FALSE(unknown->has_value());
}

TEST_P(PromotionsConformance, ACouponCodeIsHeldOnce) {
  const std::int64_t first = AddCoupon(PointsCoupon("WEEKEND"));
  app::Coupon again = PointsCoupon("WEEKEND");
  again.name = "Another weekend";
  EXPECT_EQ(InsertCoupon(again).status().code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(RawCount("SELECT count(*) FROM coupons"), 1);
  EXPECT_EQ(ReadCoupon(first)->name, "Double points weekend");

  // The refusal leaves the transaction usable (PostgreSQL would abort it on a
  // raised unique violation): the body goes on and commits.
  Result<std::int64_t> next = InWrite([&](app::WriteTransaction& tx) -> Result<std::int64_t> {
    Result<std::int64_t> clash = tx.CouponsOut().InsertCoupon(again);
    if (clash.status().code() != StatusCode::kAlreadyExists) return Internal("expected kAlreadyExists");
    return tx.CouponsOut().InsertCoupon(PointsCoupon("WEEKDAY"));
  });
  ASSERT_TRUE(next.ok()) << next.status().ToString();
  EXPECT_EQ(RawCount("SELECT count(*) FROM coupons"), 2);
}

TEST_P(PromotionsConformance, InconsistentCouponsAreRefusedBeforeWriting) {
  std::vector<app::Coupon> bad;
  app::Coupon coupon = PointsCoupon("");
  bad.push_back(coupon);  // no code
  coupon = PointsCoupon(std::string(app::kCouponCodeBytesMax + 1, 'A'));
  bad.push_back(coupon);
  coupon = PointsCoupon("X1");
  coupon.name.clear();
  bad.push_back(coupon);
  coupon = PointsCoupon("X2");
  coupon.points = Points(0);
  bad.push_back(coupon);
  coupon = PointsCoupon("X3");
  coupon.percent_off = 10;  // a points coupon with a percent
  bad.push_back(coupon);
  coupon = PointsCoupon("X4");
  coupon.kind = app::CouponKind::kPercentOff;
  coupon.points = Points(0);
  coupon.percent_off = 101;
  bad.push_back(coupon);
  coupon = PointsCoupon("X5");
  coupon.kind = app::CouponKind::kAmountOff;
  coupon.points = Points(0);
  coupon.amount_off_minor = 500;  // no currency
  bad.push_back(coupon);
  coupon = PointsCoupon("X6");
  coupon.max_uses = 0;
  bad.push_back(coupon);
  coupon = PointsCoupon("X7");
  coupon.max_uses_per_member = 0;
  bad.push_back(coupon);
  coupon = PointsCoupon("X8");
  coupon.valid_until = coupon.valid_from;
  bad.push_back(coupon);
  for (const app::Coupon& refused : bad) {
    EXPECT_EQ(InsertCoupon(refused).status().code(), StatusCode::kInvalidArgument) << refused.code;
  }
  EXPECT_EQ(RawCount("SELECT count(*) FROM coupons"), 0);

  // The database keeps the same rules.
  const std::string columns =
      "INSERT INTO coupons (code, name, kind, points, percent_off, amount_off_minor, currency, max_uses, uses, "
      "created_at_us) VALUES ";
  EXPECT_NE(raw_->Execute(columns + "('R1', 'n', 'points', 10, 0, 0, '', 2, 3, 1)"), "");          // uses > max_uses
  EXPECT_NE(raw_->Execute(columns + "('R2', 'n', 'points', 10, 0, 0, '', NULL, -1, 1)"), "");      // uses < 0
  EXPECT_NE(raw_->Execute(columns + "('R3', 'n', 'points', 0, 0, 0, '', NULL, 0, 1)"), "");        // no points
  EXPECT_NE(raw_->Execute(columns + "('R4', 'n', 'percent_off', 0, 0, 0, '', NULL, 0, 1)"), "");   // no percent
  EXPECT_NE(raw_->Execute(columns + "('R5', 'n', 'amount_off', 0, 0, 100, '', NULL, 0, 1)"), "");  // no currency
  EXPECT_NE(raw_->Execute(columns + "('R6', 'n', 'gift', 10, 0, 0, '', NULL, 0, 1)"), "");         // unknown kind
  EXPECT_EQ(raw_->Execute(columns + "('R7', 'n', 'amount_off', 0, 0, 100, 'EUR', 2, 2, 1)"), "");
  EXPECT_EQ(RawCount("SELECT count(*) FROM coupons"), 1);
}

TEST_P(PromotionsConformance, ListsAllOrPersonalCouponsNewestFirstByAKeyset) {
  const ContactId ann = AddContact(1);
  const ContactId bob = AddContact(2);
  // 0 general, 1 Ann's, 2 general inactive, 3 Ann's inactive, 4 Bob's.
  std::vector<std::int64_t> ids;
  for (int i = 0; i < 5; ++i) {
    app::Coupon coupon = PointsCoupon("CODE-" + std::to_string(i));
    if (i == 1 || i == 3) coupon.contact_id = ann;
    if (i == 4) coupon.contact_id = bob;
    coupon.active = i != 2 && i != 3;
    ids.push_back(AddCoupon(coupon));
  }
  using Ids = std::vector<std::int64_t>;
  EXPECT_EQ(IdsOf(ListCoupons({}, std::nullopt, 2)), (Ids{ids[4], ids[1]}));
  EXPECT_EQ(IdsOf(ListCoupons({}, ids[1], 2)), (Ids{ids[0]}));
  EXPECT_EQ(IdsOf(ListCoupons({.include_inactive = true}, std::nullopt, 10)),
            (Ids{ids[4], ids[3], ids[2], ids[1], ids[0]}));
  EXPECT_EQ(IdsOf(ListCoupons({.include_inactive = true}, ids[3], 2)), (Ids{ids[2], ids[1]}));
  EXPECT_EQ(IdsOf(ListCoupons({.contact = ann}, std::nullopt, 10)), (Ids{ids[1]}));
  EXPECT_EQ(IdsOf(ListCoupons({.contact = ann, .include_inactive = true}, std::nullopt, 1)), (Ids{ids[3]}));
  EXPECT_EQ(IdsOf(ListCoupons({.contact = ann, .include_inactive = true}, ids[3], 10)), (Ids{ids[1]}));
  EXPECT_EQ(IdsOf(ListCoupons({.contact = bob}, std::nullopt, 10)), (Ids{ids[4]}));
  EXPECT_EQ(IdsOf(ListCoupons({.contact = ContactId(3)}, std::nullopt, 10)), Ids{});
  Result<std::vector<app::Coupon>> page = ListCoupons({.contact = ann}, std::nullopt, 10);
  ASSERT_TRUE(page.ok() && page->size() == 1u);
  EXPECT_EQ((*page)[0].contact_id, ann);
  EXPECT_EQ((*page)[0].code, "CODE-1");

  EXPECT_EQ(ListCoupons({}, std::nullopt, 0).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(ListCoupons({}, std::nullopt, app::kCouponsPageMax + 2).status().code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(ListCoupons({}, std::nullopt, app::kCouponsPageMax + 1).ok());
}

TEST_P(PromotionsConformance, UpdateCouponSetsActiveValidUntilAndMaxUses) {
  const std::int64_t id = AddCoupon(PointsCoupon("WEEKEND"));  // from kStart, 3 uses
  const auto update = [&](std::int64_t coupon, bool active, std::optional<Timestamp> until,
                          std::optional<std::int64_t> max_uses) {
    return InWrite(
        [&](app::WriteTransaction& tx) { return tx.CouponsOut().UpdateCoupon(coupon, active, until, max_uses); });
  };
  ASSERT_TRUE(update(id, false, kStart + 7 * kDay, 10).ok());
  std::optional<app::Coupon> read = ReadCoupon(id);
  ASSERT_TRUE(read.has_value());
  EXPECT_FALSE(read->active);
  EXPECT_EQ(read->valid_until, kStart + 7 * kDay);
  EXPECT_EQ(read->max_uses, 10);
  EXPECT_EQ(read->valid_from, kStart);  // untouched
  EXPECT_EQ(read->name, "Double points weekend");

  ASSERT_TRUE(update(id, true, std::nullopt, std::nullopt).ok());
  read = ReadCoupon(id);
  ASSERT_TRUE(read.has_value());
  EXPECT_TRUE(read->active);
  EXPECT_EQ(read->valid_until, std::nullopt);
  EXPECT_EQ(read->max_uses, std::nullopt);

  // Two uses taken: max uses may come down to 2, not below.
  ASSERT_TRUE(TakeUse(id).ok());
  ASSERT_TRUE(TakeUse(id).ok());
  EXPECT_EQ(update(id, true, std::nullopt, 1).code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(ReadCoupon(id)->max_uses, std::nullopt);
  ASSERT_TRUE(update(id, true, std::nullopt, 2).ok());
  EXPECT_EQ(ReadCoupon(id)->max_uses, 2);
  // The validity cannot end before it starts.
  EXPECT_EQ(update(id, true, kStart - kDay, 2).code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(ReadCoupon(id)->valid_until, std::nullopt);
  EXPECT_EQ(update(id, true, std::nullopt, 0).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(update(id + 100, true, std::nullopt, std::nullopt).code(), StatusCode::kNotFound);
}

TEST_P(PromotionsConformance, UsesAreTakenUpToMaxUses) {
  const std::int64_t limited = AddCoupon(PointsCoupon("THREE"));  // max_uses 3
  app::Coupon open = PointsCoupon("OPEN");
  open.max_uses.reset();
  const std::int64_t unlimited = AddCoupon(open);

  for (int i = 0; i < 3; ++i) {
    Result<bool> taken = TakeUse(limited);
    ASSERT_TRUE(taken.ok()) << taken.status().ToString();
    EXPECT_TRUE(*taken) << "use " << i;
  }
  Result<bool> taken = TakeUse(limited);
  ASSERT_TRUE(taken.ok()) << taken.status().ToString();
  EXPECT_FALSE(*taken);
  EXPECT_EQ(ReadCoupon(limited)->uses, 3);

  // Raising the limit frees one more use.
  ASSERT_TRUE(InWrite([&](app::WriteTransaction& tx) {
                return tx.CouponsOut().UpdateCoupon(limited, true, std::nullopt, 4);
              }).ok());
  taken = TakeUse(limited);
  ASSERT_TRUE(taken.ok());
  EXPECT_TRUE(*taken);
  taken = TakeUse(limited);
  ASSERT_TRUE(taken.ok());
  EXPECT_FALSE(*taken);
  EXPECT_EQ(ReadCoupon(limited)->uses, 4);

  for (int i = 0; i < 5; ++i) {
    taken = TakeUse(unlimited);
    ASSERT_TRUE(taken.ok());
    EXPECT_TRUE(*taken);
  }
  EXPECT_EQ(ReadCoupon(unlimited)->uses, 5);
  EXPECT_EQ(TakeUse(unlimited + 100).status().code(), StatusCode::kNotFound);
}

TEST_P(PromotionsConformance, CouponUsesAreRecordedCountedAndListed) {
  const ContactId ann = AddContact(1);
  const ContactId bob = AddContact(2);
  const std::int64_t weekend = AddCoupon(PointsCoupon("WEEKEND"));
  app::Coupon open = PointsCoupon("OPEN");
  open.max_uses.reset();
  const std::int64_t other = AddCoupon(open);
  const PurchaseId purchase = AddPurchase(10, ann);
  const std::int64_t posting = Posting(ann);

  std::vector<std::int64_t> ids;
  const auto use = [&](std::int64_t coupon, ContactId contact, std::optional<PurchaseId> bought,
                       std::optional<std::int64_t> transaction) {
    clock_.Advance(Microseconds(1'000'000));
    Result<std::int64_t> id = InWrite([&](app::WriteTransaction& tx) {
      return tx.CouponsOut().InsertCouponUse(app::CouponUse{
          .coupon_id = coupon, .contact_id = contact, .purchase_id = bought, .transaction_id = transaction});
    });
    EXPECT_TRUE(id.ok()) << id.status().ToString();
    ids.push_back(id.ok() ? *id : 0);
  };
  use(weekend, ann, purchase, posting);
  use(weekend, bob, std::nullopt, std::nullopt);
  use(other, ann, std::nullopt, std::nullopt);
  use(weekend, ann, std::nullopt, std::nullopt);

  Result<std::int64_t> count = CountUses(weekend, ann);
  ASSERT_TRUE(count.ok()) << count.status().ToString();
  EXPECT_EQ(*count, 2);
  count = CountUses(weekend, bob);
  ASSERT_TRUE(count.ok());
  EXPECT_EQ(*count, 1);
  count = CountUses(other, bob);
  ASSERT_TRUE(count.ok());
  EXPECT_EQ(*count, 0);
  count = CountUses(other + 100, ann);
  ASSERT_TRUE(count.ok());
  EXPECT_EQ(*count, 0);

  Result<std::vector<app::CouponUse>> uses =
      InRead([&](app::ReadTransaction& tx) { return tx.Coupons().ListCouponUses(ann, 10); });
  ASSERT_TRUE(uses.ok()) << uses.status().ToString();
  ASSERT_EQ(uses->size(), 3u);
  EXPECT_EQ((*uses)[0].id, ids[3]);
  EXPECT_EQ((*uses)[1].id, ids[2]);
  EXPECT_EQ((*uses)[1].coupon_id, other);
  const app::CouponUse expected{.id = ids[0],
                                .coupon_id = weekend,
                                .contact_id = ann,
                                .purchase_id = purchase,
                                .transaction_id = posting,
                                .used_at = kStart + Microseconds(1'000'000)};
  EXPECT_EQ((*uses)[2], expected);
  uses = InRead([&](app::ReadTransaction& tx) { return tx.Coupons().ListCouponUses(ann, 1); });
  ASSERT_TRUE(uses.ok());
  ASSERT_EQ(uses->size(), 1u);
  EXPECT_EQ((*uses)[0].id, ids[3]);
  uses = InRead([&](app::ReadTransaction& tx) { return tx.Coupons().ListCouponUses(bob, 10); });
  ASSERT_TRUE(uses.ok());
  ASSERT_EQ(uses->size(), 1u);
  EXPECT_EQ((*uses)[0].purchase_id, std::nullopt);
  EXPECT_EQ((*uses)[0].transaction_id, std::nullopt);
  EXPECT_EQ(InRead([&](app::ReadTransaction& tx) { return tx.Coupons().ListCouponUses(bob, 0); }).status().code(),
            StatusCode::kInvalidArgument);

  // A use of an unknown coupon is refused by the foreign key.
  EXPECT_FALSE(InWrite([&](app::WriteTransaction& tx) {
                 return tx.CouponsOut().InsertCouponUse(app::CouponUse{.coupon_id = other + 100, .contact_id = ann});
               }).ok());
  EXPECT_EQ(RawCount("SELECT count(*) FROM coupon_uses"), 4);
}

TEST_P(PromotionsConformance, AnUnknownCouponKindReadsBackAsDataLoss) {
  const std::int64_t id = AddCoupon(PointsCoupon("WEEKEND"));
  DropChecks("coupons");
  Raw("UPDATE coupons SET kind = 'gift' WHERE id = " + std::to_string(id));
  EXPECT_EQ(InRead([&](app::ReadTransaction& tx) { return tx.Coupons().GetCoupon(id); }).status().code(),
            StatusCode::kDataLoss);
  EXPECT_EQ(ListCoupons({}, std::nullopt, 10).status().code(), StatusCode::kDataLoss);
}

TEST_P(PromotionsConformance, ConcurrentTakersNeverExceedMaxUses) {
  if (!IsPostgres()) GTEST_SKIP() << "SQLite's single writer serialises every body";
  constexpr int kCoupons = 4;
  constexpr int kThreads = 8;
  constexpr std::int64_t kMaxUses = 3;
  const ContactId ann = AddContact(1);
  std::vector<std::int64_t> coupons;
  for (int i = 0; i < kCoupons; ++i) {
    app::Coupon coupon = PointsCoupon("RUSH-" + std::to_string(i));
    coupon.max_uses = kMaxUses;
    coupons.push_back(AddCoupon(coupon));
  }
  // A second store on the same database: two connection pools, as two servers.
  app::StoreOptions second_options = options_;
  second_options.reader_pool_size = kThreads;
  auto second = OpenStore(second_options);
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  std::unique_ptr<app::Store> other = std::move(second).value();

  std::latch start(kThreads);
  std::vector<std::thread> threads;
  std::vector<std::vector<int>> taken(kThreads, std::vector<int>(kCoupons, 0));
  std::vector<std::vector<Status>> failures(kThreads);
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      app::Store& store = t % 2 == 0 ? *store_ : *other;
      start.arrive_and_wait();
      for (int c = 0; c < kCoupons; ++c) {
        bool took = false;
        const Status status = store.Write([&](app::WriteTransaction& tx) -> Status {
          RAPPORT_ASSIGN_OR_RETURN(took, tx.CouponsOut().TakeCouponUse(coupons[c]));
          if (!took) return {};
          return tx.CouponsOut().InsertCouponUse({.coupon_id = coupons[c], .contact_id = ann}).status();
        });
        if (!status.ok()) {
          failures[t].push_back(status);
        } else if (took) {
          ++taken[t][c];
        }
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_TRUE(other->Close().ok());
  for (int t = 0; t < kThreads; ++t) {
    for (const Status& failure : failures[t]) ADD_FAILURE() << "thread " << t << ": " << failure.ToString();
  }
  for (int c = 0; c < kCoupons; ++c) {
    int total = 0;
    for (int t = 0; t < kThreads; ++t) total += taken[t][c];
    EXPECT_EQ(total, kMaxUses) << "coupon " << c;
    EXPECT_EQ(ReadCoupon(coupons[c])->uses, kMaxUses);
    Result<std::int64_t> count = CountUses(coupons[c], ann);
    ASSERT_TRUE(count.ok());
    EXPECT_EQ(*count, kMaxUses);
  }
}

// ---- referrals --------------------------------------------------------------

TEST_P(PromotionsConformance, ReferralCodesAreUniqueBothWays) {
  const ContactId ann = AddContact(1);
  const ContactId bob = AddContact(2);
  const ContactId cid = AddContact(3);
  ASSERT_TRUE(PutCode(ann, "ANN-1").ok());
  EXPECT_EQ(PutCode(bob, "ANN-1").code(), StatusCode::kAlreadyExists);  // the code is held
  EXPECT_EQ(PutCode(ann, "ANN-2").code(), StatusCode::kAlreadyExists);  // Ann has one
  EXPECT_EQ(PutCode(ann, "ANN-1").code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(PutCode(cid, "").code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(PutCode(cid, std::string(app::kReferralCodeBytesMax + 1, 'C')).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(RawCount("SELECT count(*) FROM referral_codes"), 1);

  // The refusal leaves the transaction usable.
  ASSERT_TRUE(InWrite([&](app::WriteTransaction& tx) -> Status {
                if (tx.ReferralsOut().PutReferralCode(bob, "ANN-1", kStart).code() != StatusCode::kAlreadyExists) {
                  return Internal("expected kAlreadyExists");
                }
                return tx.ReferralsOut().PutReferralCode(bob, "BOB-1", kStart);
              }).ok());

  const auto code_of = [&](ContactId contact) {
    Result<std::optional<std::string>> code =
        InRead([&](app::ReadTransaction& tx) { return tx.Referrals().GetReferralCode(contact); });
    EXPECT_TRUE(code.ok()) << code.status().ToString();
    return code.ok() ? *code : std::nullopt;
  };
  const auto owner_of = [&](std::string_view code) {
    Result<std::optional<ContactId>> owner =
        InRead([&](app::ReadTransaction& tx) { return tx.Referrals().FindReferrerByCode(code); });
    EXPECT_TRUE(owner.ok()) << owner.status().ToString();
    return owner.ok() ? *owner : std::nullopt;
  };
  EXPECT_EQ(code_of(ann), "ANN-1");
  EXPECT_EQ(code_of(bob), "BOB-1");
  EXPECT_EQ(code_of(cid), std::nullopt);
  EXPECT_EQ(owner_of("ANN-1"), ann);
  EXPECT_EQ(owner_of("BOB-1"), bob);
  EXPECT_EQ(owner_of("ANN-2"), std::nullopt);
}

TEST_P(PromotionsConformance, AContactIsReferredOnce) {
  const ContactId ann = AddContact(1);
  const ContactId bob = AddContact(2);
  const ContactId cid = AddContact(3);
  Result<std::int64_t> id = InsertReferral(MakeReferral(ann, bob));
  ASSERT_TRUE(id.ok()) << id.status().ToString();
  app::Referral expected = MakeReferral(ann, bob);
  expected.id = *id;
  EXPECT_EQ(ReferralOf(bob), expected);
  EXPECT_EQ(ReferralOf(ann), std::nullopt);

  // Cid's code presented later by Bob is refused: Bob was referred already.
  EXPECT_EQ(InsertReferral(MakeReferral(cid, bob, "CID-1")).status().code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(ReferralOf(bob), expected);
  EXPECT_EQ(RawCount("SELECT count(*) FROM referrals"), 1);
  // The refusal leaves the transaction usable.
  Result<std::int64_t> next = InWrite([&](app::WriteTransaction& tx) -> Result<std::int64_t> {
    if (tx.ReferralsOut().InsertReferral(MakeReferral(cid, bob)).status().code() != StatusCode::kAlreadyExists) {
      return Internal("expected kAlreadyExists");
    }
    return tx.ReferralsOut().InsertReferral(MakeReferral(ann, cid));
  });
  ASSERT_TRUE(next.ok()) << next.status().ToString();
  EXPECT_EQ(RawCount("SELECT count(*) FROM referrals"), 2);
}

TEST_P(PromotionsConformance, NobodyRefersThemselves) {
  const ContactId ann = AddContact(1);
  EXPECT_FALSE(InsertReferral(MakeReferral(ann, ann)).ok());
  // The database refuses it as well (the CHECK), not only the repository.
  EXPECT_NE(raw_->Execute("INSERT INTO referrals (referrer_id, referred_id, code, referred_at_us, state) "
                          "VALUES (1, 1, 'ANN-1', 1, 'pending')"),
            "");
  EXPECT_EQ(RawCount("SELECT count(*) FROM referrals"), 0);
  EXPECT_EQ(ReferralOf(ann), std::nullopt);
}

TEST_P(PromotionsConformance, AReferralIsRewardedOnce) {
  const ContactId ann = AddContact(1);
  const ContactId bob = AddContact(2);
  const PurchaseId purchase = AddPurchase(10, bob);
  Result<std::int64_t> id = InsertReferral(MakeReferral(ann, bob));
  ASSERT_TRUE(id.ok()) << id.status().ToString();
  Result<std::int64_t> rewarded = CountRewarded(ann);
  ASSERT_TRUE(rewarded.ok()) << rewarded.status().ToString();
  EXPECT_EQ(*rewarded, 0);

  const Timestamp at = kStart + 3 * kDay;
  ASSERT_TRUE(MarkRewarded(*id, purchase, at).ok());
  std::optional<app::Referral> read = ReferralOf(bob);
  ASSERT_TRUE(read.has_value());
  EXPECT_EQ(read->state, app::ReferralState::kRewarded);
  EXPECT_EQ(read->purchase_id, purchase);
  EXPECT_EQ(read->rewarded_at, at);
  rewarded = CountRewarded(ann);
  ASSERT_TRUE(rewarded.ok());
  EXPECT_EQ(*rewarded, 1);

  const PurchaseId later = AddPurchase(11, bob);
  EXPECT_EQ(MarkRewarded(*id, later, at + kDay).code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(ReferralOf(bob)->purchase_id, purchase);
  EXPECT_EQ(ReferralOf(bob)->rewarded_at, at);
  EXPECT_EQ(MarkRewarded(*id + 100, purchase, at).code(), StatusCode::kNotFound);
  rewarded = CountRewarded(ann);
  ASSERT_TRUE(rewarded.ok());
  EXPECT_EQ(*rewarded, 1);
}

TEST_P(PromotionsConformance, ListsAReferrersReferralsNewestFirstAndCountsTheRewarded) {
  const ContactId ann = AddContact(1);
  const ContactId bob = AddContact(2);
  std::vector<std::int64_t> ids;
  for (std::int64_t referred = 10; referred < 15; ++referred) {
    AddContact(referred);
    Result<std::int64_t> id = InsertReferral(MakeReferral(ann, ContactId(referred)));
    ASSERT_TRUE(id.ok()) << id.status().ToString();
    ids.push_back(*id);
  }
  AddContact(20);
  ASSERT_TRUE(InsertReferral(MakeReferral(bob, ContactId(20), "BOB-1")).ok());
  ASSERT_TRUE(MarkRewarded(ids[1], AddPurchase(1, ContactId(11)), kStart).ok());
  ASSERT_TRUE(MarkRewarded(ids[3], AddPurchase(2, ContactId(13)), kStart).ok());

  const auto list = [&](ContactId referrer, std::optional<std::int64_t> before, int limit) {
    Result<std::vector<app::Referral>> page =
        InRead([&](app::ReadTransaction& tx) { return tx.Referrals().ListReferralsBy(referrer, before, limit); });
    EXPECT_TRUE(page.ok()) << page.status().ToString();
    std::vector<std::int64_t> page_ids;
    if (page.ok()) {
      for (const app::Referral& referral : *page) {
        EXPECT_EQ(referral.referrer_id, referrer);
        page_ids.push_back(referral.id);
      }
    }
    return page_ids;
  };
  using Ids = std::vector<std::int64_t>;
  EXPECT_EQ(list(ann, std::nullopt, 2), (Ids{ids[4], ids[3]}));
  EXPECT_EQ(list(ann, ids[3], 2), (Ids{ids[2], ids[1]}));
  EXPECT_EQ(list(ann, ids[1], 2), (Ids{ids[0]}));
  EXPECT_EQ(list(ann, ids[0], 2), Ids{});
  EXPECT_EQ(list(bob, std::nullopt, 10).size(), 1u);
  EXPECT_EQ(list(ContactId(10), std::nullopt, 10), Ids{});
  EXPECT_EQ(InRead([&](app::ReadTransaction& tx) { return tx.Referrals().ListReferralsBy(ann, std::nullopt, 0); })
                .status()
                .code(),
            StatusCode::kInvalidArgument);

  Result<std::int64_t> rewarded = CountRewarded(ann);
  ASSERT_TRUE(rewarded.ok());
  EXPECT_EQ(*rewarded, 2);
  rewarded = CountRewarded(bob);
  ASSERT_TRUE(rewarded.ok());
  EXPECT_EQ(*rewarded, 0);
}

TEST_P(PromotionsConformance, AnUnknownReferralStateReadsBackAsDataLoss) {
  const ContactId ann = AddContact(1);
  const ContactId bob = AddContact(2);
  ASSERT_TRUE(InsertReferral(MakeReferral(ann, bob)).ok());
  DropChecks("referrals");
  Raw("UPDATE referrals SET state = 'expired'");
  EXPECT_EQ(InRead([&](app::ReadTransaction& tx) { return tx.Referrals().GetReferralOf(bob); }).status().code(),
            StatusCode::kDataLoss);
}

INSTANTIATE_TEST_SUITE_P(Backends, PromotionsConformance, ::testing::Values(Backend::kSqlite, Backend::kPostgres),
                         [](const ::testing::TestParamInfo<Backend>& param_info) {
                           return BackendName(param_info.param);
                         });

}  // namespace
}  // namespace rapport::store

// The tiers conformance suite: members' tier statuses (upsert and read back),
// due reviews (grace before review, oldest first, limits, members without a
// tier left out), qualification over a half-open window of purchases
// (currency, refunds, other contacts), counts by tier, bonus awards paid once
// per (contact, key) and birthday lookups by month-day with keyset pages
// (app/tiers.h) behave alike on SQLite (a temp file) and PostgreSQL (a schema
// of its own in the database at RAPPORT_TEST_POSTGRES_URL; skipped when
// unset). On SQLite it also checks that the due reviews and the birthday
// lookup use their indexes.
//
// Contacts and purchases are inserted with raw SQL: the tiers port only reads
// them. The plans are those of the catalog's statements (sql/query_catalog.h).
#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <sqlite3.h>

#include "sql/query_catalog.h"
#include "store_test_support.h"

#include "rapport/store/open_store.h"

namespace rapport::store {
namespace {

using testing::Backend;

const Timestamp kStart = testing::kStoreTestStart;  // 2026-11-18
constexpr Microseconds kDay{86'400'000'000};

std::string Micros(Timestamp at) { return std::to_string(ToUnixMicros(at)); }

class TiersConformance : public testing::StoreConformanceTest {
 protected:
  template <typename Body>
  auto InWrite(Body&& body) {
    return InWriteTransaction(std::forward<Body>(body));
  }

  template <typename Body>
  auto InRead(Body&& body) {
    return InReadTransaction([&](app::ReadTransaction& tx) { return body(tx.Tiers()); });
  }

  ContactId AddContact(std::int64_t id, std::optional<std::string> birthday = std::nullopt) {
    Raw("INSERT INTO contacts (id, first_name, last_name, email, phone, birthday, locale, time_zone, created_at_us, "
        "updated_at_us) VALUES (" +
        std::to_string(id) + ", 'Ann', 'Example', 'c" + std::to_string(id) + "@example.com', '', " +
        (birthday ? "'" + *birthday + "'" : std::string("NULL")) + ", 'en', 'UTC', 1, 1)");
    return ContactId(id);
  }

  void AddPurchase(ContactId contact, std::int64_t total_minor, std::string_view currency, Timestamp at,
                   std::int64_t refunded_minor = 0) {
    Raw("INSERT INTO purchases (contact_id, total_minor, currency, channel, occurred_at_us, external_id, "
        "refunded_minor) VALUES (" +
        std::to_string(contact.value()) + ", " + std::to_string(total_minor) + ", '" + std::string(currency) +
        "', 'store', " + Micros(at) + ", '', " + std::to_string(refunded_minor) + ")");
  }

  // A bonus posting for awards to name (100 points).
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

  Status Put(ContactId contact, const domain::TierStatus& status) {
    return InWrite([&](app::WriteTransaction& tx) { return tx.TiersOut().PutMemberTier(contact, status); });
  }

  std::vector<std::int64_t> DueIds(Timestamp now, int limit) {
    Result<std::vector<app::MemberTier>> due =
        InRead([&](app::TiersReader& tiers) { return tiers.DueTierReviews(now, limit); });
    EXPECT_TRUE(due.ok()) << due.status().ToString();
    std::vector<std::int64_t> ids;
    if (due.ok()) {
      for (const app::MemberTier& tier : *due) ids.push_back(tier.contact_id.value());
    }
    return ids;
  }

  std::vector<std::int64_t> Birthdays(const std::vector<std::string>& month_days, std::optional<ContactId> after,
                                      int limit) {
    Result<std::vector<ContactId>> members =
        InRead([&](app::TiersReader& tiers) { return tiers.BirthdayMembers(month_days, after, limit); });
    EXPECT_TRUE(members.ok()) << members.status().ToString();
    std::vector<std::int64_t> ids;
    if (members.ok()) {
      for (const ContactId id : *members) ids.push_back(id.value());
    }
    return ids;
  }

  domain::TierQualifier Qualify(ContactId contact, std::string_view currency, Timestamp from, Timestamp to) {
    Result<domain::TierQualifier> qualifier =
        InRead([&](app::TiersReader& tiers) { return tiers.Qualifier(contact, currency, from, to); });
    EXPECT_TRUE(qualifier.ok()) << qualifier.status().ToString();
    return qualifier.ok() ? *qualifier : domain::TierQualifier{.spend_minor = -1, .purchases = -1};
  }
};

TEST_P(TiersConformance, MemberTierUpsertsAndReadsBack) {
  const ContactId ann = AddContact(1);
  const ContactId bob = AddContact(2);
  Result<std::optional<app::MemberTier>> read =
      InRead([&](app::TiersReader& tiers) { return tiers.GetMemberTier(ann); });
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  EXPECT_FALSE(read->has_value());

  const domain::TierStatus gold{.tier_key = "gold",
                                .since = kStart - 10 * kDay,
                                .review_at = kStart + 355 * kDay,
                                .grace_until = kStart + 400 * kDay};
  ASSERT_TRUE(Put(ann, gold).ok());
  read = InRead([&](app::TiersReader& tiers) { return tiers.GetMemberTier(ann); });
  ASSERT_TRUE(read.ok() && read->has_value());
  EXPECT_EQ(**read, (app::MemberTier{.contact_id = ann, .status = gold, .updated_at = kStart}));

  // The second write replaces every field, nullopts included.
  clock_.Advance(Microseconds(7'000'000));
  const domain::TierStatus none{.tier_key = ""};
  ASSERT_TRUE(Put(ann, none).ok());
  read = InRead([&](app::TiersReader& tiers) { return tiers.GetMemberTier(ann); });
  ASSERT_TRUE(read.ok() && read->has_value());
  EXPECT_EQ(**read, (app::MemberTier{.contact_id = ann, .status = none, .updated_at = clock_.Now()}));
  EXPECT_EQ((*read)->status.since, std::nullopt);
  EXPECT_EQ((*read)->status.review_at, std::nullopt);
  EXPECT_EQ((*read)->status.grace_until, std::nullopt);

  read = InRead([&](app::TiersReader& tiers) { return tiers.GetMemberTier(bob); });
  ASSERT_TRUE(read.ok());
  EXPECT_FALSE(read->has_value());

  EXPECT_EQ(Put(bob, {.tier_key = std::string(65, 'k')}).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(raw_->Column("SELECT COUNT(*) FROM member_tiers"), std::vector<std::string>{"1"});
}

TEST_P(TiersConformance, DueReviewsComeOldestFirstWithGraceBeforeReview) {
  for (std::int64_t id = 1; id <= 7; ++id) AddContact(id);
  // 1: review due in 5 days (not due yet).
  ASSERT_TRUE(Put(ContactId(1), {.tier_key = "gold", .since = kStart, .review_at = kStart + 5 * kDay}).ok());
  // 2: review 3 days ago.
  ASSERT_TRUE(Put(ContactId(2), {.tier_key = "gold", .since = kStart, .review_at = kStart - 3 * kDay}).ok());
  // 3: review long past but in grace until 1 day ago: due by its grace.
  ASSERT_TRUE(
      Put(ContactId(3),
          {.tier_key = "silver", .since = kStart, .review_at = kStart - 100 * kDay, .grace_until = kStart - 1 * kDay})
          .ok());
  // 4: review past but in grace until tomorrow: not due.
  ASSERT_TRUE(
      Put(ContactId(4),
          {.tier_key = "silver", .since = kStart, .review_at = kStart - 50 * kDay, .grace_until = kStart + 1 * kDay})
          .ok());
  // 5: no tier, stale dates: never due.
  ASSERT_TRUE(Put(ContactId(5), {.tier_key = "", .review_at = kStart - 200 * kDay}).ok());
  // 6: review exactly now (due), 7: the same instant as 2 (ties by contact id).
  ASSERT_TRUE(Put(ContactId(6), {.tier_key = "gold", .review_at = kStart}).ok());
  ASSERT_TRUE(Put(ContactId(7), {.tier_key = "bronze", .review_at = kStart - 3 * kDay}).ok());

  EXPECT_EQ(DueIds(kStart, 100), (std::vector<std::int64_t>{2, 7, 3, 6}));
  EXPECT_EQ(DueIds(kStart, 2), (std::vector<std::int64_t>{2, 7}));
  EXPECT_EQ(DueIds(kStart - Microseconds(1), 100), (std::vector<std::int64_t>{2, 7, 3}));
  EXPECT_EQ(DueIds(kStart + 10 * kDay, 100), (std::vector<std::int64_t>{2, 7, 3, 6, 4, 1}));
  EXPECT_TRUE(DueIds(kStart - 10 * kDay, 100).empty());

  Result<std::vector<app::MemberTier>> due =
      InRead([&](app::TiersReader& tiers) { return tiers.DueTierReviews(kStart, 1); });
  ASSERT_TRUE(due.ok() && due->size() == 1u);
  EXPECT_EQ((*due)[0].status,
            (domain::TierStatus{.tier_key = "gold", .since = kStart, .review_at = kStart - 3 * kDay}));

  for (const int limit : {0, -1, app::kTiersPageMax + 1}) {
    EXPECT_EQ(InRead([&](app::TiersReader& tiers) { return tiers.DueTierReviews(kStart, limit); }).status().code(),
              StatusCode::kInvalidArgument)
        << limit;
  }
  EXPECT_TRUE(InRead([&](app::TiersReader& tiers) { return tiers.DueTierReviews(kStart, app::kTiersPageMax); }).ok());
}

TEST_P(TiersConformance, QualifierSumsAHalfOpenWindowOfOneContactsPurchases) {
  const ContactId ann = AddContact(1);
  const ContactId bob = AddContact(2);
  const Timestamp from = kStart - 365 * kDay;
  const Timestamp to = kStart;
  AddPurchase(ann, 10'000, "EUR", from);                      // the first instant counts
  AddPurchase(ann, 5'000, "EUR", to - Microseconds(1));       // the last one too
  AddPurchase(ann, 3'000, "EUR", kStart - 30 * kDay, 1'000);  // partly refunded: 2,000
  AddPurchase(ann, 4'000, "EUR", kStart - 20 * kDay, 4'000);  // wholly refunded: 0, not counted
  AddPurchase(ann, 7'000, "USD", kStart - 10 * kDay);         // another currency: counted, not summed
  AddPurchase(ann, 9'000, "EUR", to);                         // the window's end is outside
  AddPurchase(ann, 8'000, "EUR", from - Microseconds(1));     // before the window
  AddPurchase(bob, 50'000, "EUR", kStart - 5 * kDay);         // someone else

  EXPECT_EQ(Qualify(ann, "EUR", from, to), (domain::TierQualifier{.spend_minor = 17'000, .purchases = 4}));
  EXPECT_EQ(Qualify(ann, "USD", from, to), (domain::TierQualifier{.spend_minor = 7'000, .purchases = 4}));
  EXPECT_EQ(Qualify(ann, "GBP", from, to), (domain::TierQualifier{.spend_minor = 0, .purchases = 4}));
  EXPECT_EQ(Qualify(ann, "EUR", from, to + Microseconds(1)),
            (domain::TierQualifier{.spend_minor = 26'000, .purchases = 5}));
  EXPECT_EQ(Qualify(bob, "EUR", from, to), (domain::TierQualifier{.spend_minor = 50'000, .purchases = 1}));
  EXPECT_EQ(Qualify(AddContact(3), "EUR", from, to), (domain::TierQualifier{}));
  EXPECT_EQ(Qualify(ann, "EUR", to, to), (domain::TierQualifier{}));
}

TEST_P(TiersConformance, CountsMembersByTierKey) {
  for (std::int64_t id = 1; id <= 6; ++id) AddContact(id);
  Result<std::vector<app::TiersReader::TierCount>> counts =
      InRead([&](app::TiersReader& tiers) { return tiers.CountMembersByTier(); });
  ASSERT_TRUE(counts.ok()) << counts.status().ToString();
  EXPECT_TRUE(counts->empty());

  ASSERT_TRUE(Put(ContactId(1), {.tier_key = "silver", .review_at = kStart}).ok());
  ASSERT_TRUE(Put(ContactId(2), {.tier_key = "gold", .review_at = kStart}).ok());
  ASSERT_TRUE(Put(ContactId(3), {.tier_key = "silver", .review_at = kStart}).ok());
  ASSERT_TRUE(Put(ContactId(4), {.tier_key = ""}).ok());
  ASSERT_TRUE(Put(ContactId(5), {.tier_key = "bronze", .review_at = kStart}).ok());
  ASSERT_TRUE(Put(ContactId(5), {.tier_key = "silver", .review_at = kStart}).ok());  // moved up: counted once
  counts = InRead([&](app::TiersReader& tiers) { return tiers.CountMembersByTier(); });
  ASSERT_TRUE(counts.ok());
  EXPECT_EQ(*counts, (std::vector<app::TiersReader::TierCount>{{.tier_key = "gold", .members = 1},
                                                               {.tier_key = "silver", .members = 3}}));
}

TEST_P(TiersConformance, BonusIsAwardedOncePerContactAndKey) {
  const ContactId ann = AddContact(1);
  const ContactId bob = AddContact(2);
  const std::int64_t posting = Posting(ann);
  const std::int64_t bob_posting = Posting(bob);
  const auto award = [&](ContactId contact, std::string key, std::int64_t transaction) {
    return InWrite([&](app::WriteTransaction& tx) {
      return tx.TiersOut().InsertBonusAward({.contact_id = contact, .key = key, .transaction_id = transaction});
    });
  };
  Result<std::optional<app::BonusAward>> read =
      InRead([&](app::TiersReader& tiers) { return tiers.GetBonusAward(ann, "welcome"); });
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  EXPECT_FALSE(read->has_value());

  ASSERT_TRUE(award(ann, "welcome", posting).ok());
  read = InRead([&](app::TiersReader& tiers) { return tiers.GetBonusAward(ann, "welcome"); });
  ASSERT_TRUE(read.ok() && read->has_value());
  EXPECT_EQ(**read,
            (app::BonusAward{.contact_id = ann, .key = "welcome", .transaction_id = posting, .awarded_at = kStart}));

  clock_.Advance(Microseconds(1'000'000));
  const Status again = award(ann, "welcome", posting);
  EXPECT_EQ(again.code(), StatusCode::kAlreadyExists) << again.ToString();
  read = InRead([&](app::TiersReader& tiers) { return tiers.GetBonusAward(ann, "welcome"); });
  ASSERT_TRUE(read.ok() && read->has_value());
  EXPECT_EQ((*read)->awarded_at, kStart);  // the first award stands

  // The refusal leaves the transaction usable: a later write in the same body commits.
  const Status same_body = InWrite([&](app::WriteTransaction& tx) -> Status {
    const Status refused =
        tx.TiersOut().InsertBonusAward({.contact_id = ann, .key = "welcome", .transaction_id = posting});
    if (refused.code() != StatusCode::kAlreadyExists) return Internal("expected kAlreadyExists: " + refused.ToString());
    return tx.TiersOut().InsertBonusAward({.contact_id = ann, .key = "birthday:2026", .transaction_id = posting});
  });
  EXPECT_TRUE(same_body.ok()) << same_body.ToString();
  EXPECT_TRUE(award(bob, "welcome", bob_posting).ok());  // another member, same key
  read = InRead([&](app::TiersReader& tiers) { return tiers.GetBonusAward(ann, "birthday:2026"); });
  ASSERT_TRUE(read.ok() && read->has_value());
  EXPECT_EQ((*read)->awarded_at, kStart + Microseconds(1'000'000));
  EXPECT_EQ(raw_->Column("SELECT COUNT(*) FROM bonus_awards"), std::vector<std::string>{"3"});

  EXPECT_EQ(award(ann, "", posting).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(award(ann, std::string(app::kBonusKeyBytesMax + 1, 'k'), posting).code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(award(ann, std::string(app::kBonusKeyBytesMax, 'k'), posting).ok());
  EXPECT_EQ(InRead([&](app::TiersReader& tiers) { return tiers.GetBonusAward(ann, ""); }).status().code(),
            StatusCode::kInvalidArgument);
}

TEST_P(TiersConformance, BirthdayMembersAreLiveContactsOnTheMonthDaysByAscendingId) {
  AddContact(1, "1990-02-28");
  AddContact(2, "1985-03-01");
  AddContact(3, "2000-02-29");
  AddContact(4, "1970-02-28");
  AddContact(5);                // no birthday
  AddContact(6, "1999-02-28");  // merged into 1
  AddContact(7, "1960-12-28");  // same day, another month
  AddContact(8, "1995-02-28");
  Raw("UPDATE contacts SET merged_into = 1 WHERE id = 6");

  EXPECT_EQ(Birthdays({"02-28"}, std::nullopt, 100), (std::vector<std::int64_t>{1, 4, 8}));
  EXPECT_EQ(Birthdays({"02-28", "02-29"}, std::nullopt, 100), (std::vector<std::int64_t>{1, 3, 4, 8}));
  EXPECT_EQ(Birthdays({"03-01", "12-28"}, std::nullopt, 100), (std::vector<std::int64_t>{2, 7}));
  EXPECT_TRUE(Birthdays({"07-14"}, std::nullopt, 100).empty());
  EXPECT_TRUE(Birthdays({}, std::nullopt, 100).empty());

  // Pages of two after the last id seen.
  EXPECT_EQ(Birthdays({"02-28", "02-29"}, std::nullopt, 2), (std::vector<std::int64_t>{1, 3}));
  EXPECT_EQ(Birthdays({"02-28", "02-29"}, ContactId(3), 2), (std::vector<std::int64_t>{4, 8}));
  EXPECT_TRUE(Birthdays({"02-28", "02-29"}, ContactId(8), 2).empty());

  // Undoing the merge brings the contact back.
  Raw("UPDATE contacts SET merged_into = NULL WHERE id = 6");
  EXPECT_EQ(Birthdays({"02-28"}, ContactId(4), 100), (std::vector<std::int64_t>{6, 8}));

  const auto code = [&](std::vector<std::string> month_days, int limit) {
    return InRead([&](app::TiersReader& tiers) { return tiers.BirthdayMembers(month_days, std::nullopt, limit); })
        .status()
        .code();
  };
  EXPECT_EQ(code({"2-28"}, 10), StatusCode::kInvalidArgument);
  EXPECT_EQ(code({"02/28"}, 10), StatusCode::kInvalidArgument);
  EXPECT_EQ(code({"02-28\""}, 10), StatusCode::kInvalidArgument);
  EXPECT_EQ(code({"02-28"}, 0), StatusCode::kInvalidArgument);
  EXPECT_EQ(code({"02-28"}, app::kTiersPageMax + 1), StatusCode::kInvalidArgument);
}

TEST_P(TiersConformance, DueReviewsAndBirthdaysUseTheirIndexesOnSqlite) {
  if (GetParam() != Backend::kSqlite) GTEST_SKIP() << "the plans checked are SQLite's";
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open_v2(options_.database.c_str(), &db, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
  // The plan of a catalog statement (parameters unbound), one detail per line.
  const auto plan = [&](std::string_view name) {
    const std::string sql = "EXPLAIN QUERY PLAN " + std::string(QueryCatalog::For(Dialect::kSqlite).Get(name));
    sqlite3_stmt* statement = nullptr;
    std::string text;
    if (sqlite3_prepare_v2(db, sql.c_str(), -1, &statement, nullptr) != SQLITE_OK) {
      return "prepare failed: " + std::string(sqlite3_errmsg(db));
    }
    while (sqlite3_step(statement) == SQLITE_ROW) {
      text += reinterpret_cast<const char*>(sqlite3_column_text(statement, 3));
      text += "\n";
    }
    sqlite3_finalize(statement);
    return text;
  };
  const std::string due = plan("tiers_due_reviews");
  EXPECT_NE(due.find("USING INDEX member_tiers_due"), std::string::npos) << due;
  EXPECT_EQ(due.find("TEMP B-TREE"), std::string::npos) << due;  // the index gives the order
  const std::string birthdays = plan("tiers_birthday_members");
  EXPECT_NE(birthdays.find("USING INDEX contacts_birthday"), std::string::npos) << birthdays;
  const std::string qualifier = plan("tiers_qualifier");
  EXPECT_NE(qualifier.find("USING INDEX purchases_contact"), std::string::npos) << qualifier;
  sqlite3_close(db);
}

INSTANTIATE_TEST_SUITE_P(Backends, TiersConformance, ::testing::Values(Backend::kSqlite, Backend::kPostgres),
                         [](const ::testing::TestParamInfo<Backend>& param_info) {
                           return BackendName(param_info.param);
                         });

}  // namespace
}  // namespace rapport::store

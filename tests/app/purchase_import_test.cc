// PurchaseImporter against a real store (SQLite, and PostgreSQL when
// RAPPORT_TEST_POSTGRES_URL names a test database): the points of an import
// equal those of the same purchases recorded one by one (tier multiplier,
// caps, welcome bonus and tier upgrades included), re-runs create nothing,
// bad rows are reported by line and never written, all-or-nothing and dry
// runs write nothing, caps carry across batches, an interrupted import keeps
// whole batches only, and the ledger checks clean after every import.
#include "rapport/app/purchase_import.h"

#include <map>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "loyalty_test_support.h"

#include "rapport/app/access_service.h"

namespace rapport {
namespace {

class TextSource : public app::ByteSource {
 public:
  explicit TextSource(std::string text, std::size_t fail_after = SIZE_MAX)
      : text_(std::move(text)), fail_after_(fail_after) {}
  Result<std::size_t> Read(std::span<char> buffer) override {
    if (position_ >= fail_after_) return Internal("the connection was lost");
    const std::size_t size = std::min({buffer.size(), text_.size() - position_, std::size_t{64}});
    std::copy_n(text_.data() + position_, size, buffer.data());
    position_ += size;
    return size;
  }
  std::optional<std::uint64_t> Size() const override { return text_.size(); }
  Status Rewind() override {
    position_ = 0;
    return Status::Ok();
  }

 private:
  std::string text_;
  std::size_t fail_after_;
  std::size_t position_ = 0;
};

struct Sale {
  int member = 0;  // index into the members
  std::int64_t total_minor = 0;
  std::string occurred_at;
  std::string external_id;
  std::string currency = "EUR";
};

class PurchaseImportTest : public ::testing::TestWithParam<loyalty_testing::Backend> {
 protected:
  void SetUp() override {
    if (!database_.Open(GetParam(), clock_)) GTEST_SKIP() << "RAPPORT_TEST_POSTGRES_URL is not set";
    members_ = database_.AddMembers(3, clock_.Now());
  }

  static std::string Line(ContactId member, const Sale& sale) {
    return R"({"contact_id":)" + std::to_string(member.value()) + R"(,"total_minor":)" +
           std::to_string(sale.total_minor) + R"(,"currency":")" + sale.currency +
           R"(","channel":"web","occurred_at":")" + sale.occurred_at + R"(","external_id":")" + sale.external_id +
           "\"}\n";
  }

  std::string Ndjson(const std::vector<Sale>& sales) const {
    std::string text;
    for (const Sale& sale : sales) text += Line(members_[static_cast<std::size_t>(sale.member)], sale);
    return text;
  }

  Result<app::PurchaseImportReport> Import(loyalty_testing::LoyaltyStore& database, app::ByteSource& source,
                                           app::PurchaseImportRequest request = {}) {
    app::PurchaseImporter importer(database.store(), clock_);
    return importer.Import(admin_, origin_, source, request);
  }

  Result<app::PurchaseImportReport> Import(const std::string& text, app::PurchaseImportRequest request = {}) {
    TextSource source(text);
    return Import(database_, source, request);
  }

  void SetRules(loyalty_testing::LoyaltyStore& database, const domain::EarningRules& rules) {
    Result<app::RulesView> current = database.service().GetRules(admin_);
    ASSERT_TRUE(current.ok());
    app::LoyaltyService::RulesOutcome outcome = database.service().PutRules(admin_, origin_, rules, current->version);
    ASSERT_TRUE(outcome.status.ok()) << outcome.status.ToString();
  }

  void ExpectLedgerHolds(loyalty_testing::LoyaltyStore& database) {
    Result<app::LedgerCheck> check = database.service().Check(admin_, std::nullopt);
    ASSERT_TRUE(check.ok()) << check.status().ToString();
    for (const std::string& problem : check->problems) ADD_FAILURE() << problem;
  }

  std::int64_t Transactions(loyalty_testing::LoyaltyStore& database) {
    Result<app::LedgerCheck> check = database.service().Check(admin_, std::nullopt);
    EXPECT_TRUE(check.ok());
    return check.ok() ? check->transactions : -1;
  }

  std::optional<app::Purchase> Find(loyalty_testing::LoyaltyStore& database, const std::string& external_id) {
    std::optional<app::Purchase> found;
    EXPECT_TRUE(database.store()
                    .Read([&](app::ReadTransaction& transaction) -> Status {
                      RAPPORT_ASSIGN_OR_RETURN(found, transaction.Loyalty().FindPurchaseByExternalId(external_id));
                      return Status::Ok();
                    })
                    .ok());
    return found;
  }

  // A member's ledger without ids and clocks: kind, occurred_at, explanation, entries' accounts and points.
  std::vector<std::string> Statement(loyalty_testing::LoyaltyStore& database, ContactId member) {
    Result<app::LedgerPage> page = database.service().Ledger(admin_, member, std::nullopt, 500);
    EXPECT_TRUE(page.ok());
    std::vector<std::string> lines;
    if (!page.ok()) return lines;
    for (const app::LedgerTransaction& transaction : page->items) {
      std::string line = std::string(app::LedgerKindName(transaction.kind)) + " " +
                         FormatRfc3339(transaction.occurred_at) + " " + transaction.explanation_json;
      for (const app::LedgerEntry& entry : transaction.entries) {
        line += " " + std::string(app::LedgerAccountName(entry.account)) + ":" + std::to_string(entry.points.count());
      }
      lines.push_back(line);
    }
    std::sort(lines.begin(), lines.end());
    return lines;
  }

  FakeClock clock_{ParseRfc3339("2026-11-24T10:00:00Z").value()};
  loyalty_testing::LoyaltyStore database_;
  app::Principal admin_ = app::AccessService::Operator("tester");
  app::Origin origin_{};
  std::vector<ContactId> members_;
};

TEST_P(PurchaseImportTest, PointsEqualThoseOfPurchasesRecordedOneByOne) {
  domain::EarningRules rules = domain::DefaultEarningRules();
  rules.cap_per_day = Points(120);
  rules.cap_per_month = Points(300);
  rules.pending_days = 14;
  rules.expiry = {.kind = domain::ExpiryKind::kRollingMonths, .months = 12};
  rules.bonuses.welcome = Points(25);
  rules.tiers = {.tiers = {{.key = "silver", .name = "Silver", .min_spend_minor = 15'000, .earn_percent = 150},
                           {.key = "gold", .name = "Gold", .min_spend_minor = 40'000, .earn_percent = 200}},
                 .currency = "EUR"};
  const std::vector<Sale> sales = {
      {0, 10'000, "2026-10-01T09:00:00Z", "o-1"}, {0, 9'000, "2026-10-01T12:00:00Z", "o-2"},
      {1, 5'000, "2026-10-02T09:00:00Z", "o-3"},  {0, 30'000, "2026-10-03T09:00:00Z", "o-4"},
      {0, 8'000, "2026-10-04T09:00:00Z", "o-5"},  {2, 2'000, "2026-11-20T09:00:00Z", "o-6", "USD"},
      {1, 7'000, "2026-10-02T08:00:00Z", "o-7"},  {0, 6'000, "2026-11-23T09:00:00Z", "o-8"},
      {1, 20'000, "2026-11-23T10:00:00Z", "o-9"}, {0, 0, "2026-11-23T11:00:00Z", "o-10"},
  };
  // The same purchases one by one in a second store with the same members.
  loyalty_testing::LoyaltyStore one_by_one;
  ASSERT_TRUE(one_by_one.Open(GetParam(), clock_));
  const std::vector<ContactId> others = one_by_one.AddMembers(3, clock_.Now());
  ASSERT_EQ(others, members_);
  SetRules(database_, rules);
  SetRules(one_by_one, rules);
  for (const Sale& sale : sales) {
    app::LoyaltyService::PurchaseOutcome outcome =
        one_by_one.service().RecordPurchase(admin_, origin_,
                                            {.contact_id = members_[static_cast<std::size_t>(sale.member)],
                                             .total_minor = sale.total_minor,
                                             .currency = sale.currency,
                                             .channel = "web",
                                             .occurred_at = ParseRfc3339(sale.occurred_at).value(),
                                             .external_id = sale.external_id});
    ASSERT_TRUE(outcome.status.ok()) << outcome.status.ToString();
  }

  Result<app::PurchaseImportReport> report = Import(Ndjson(sales), {.batch_rows = 3});
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(report->created, sales.size());
  EXPECT_EQ(report->failed, 0u) << (report->errors.empty() ? "" : report->errors[0].reason);
  EXPECT_EQ(report->welcome_bonuses, 3u);
  EXPECT_GE(report->tier_changes, 2u);
  std::int64_t expected_points = 0;
  for (const Sale& sale : sales) {
    const std::optional<app::Purchase> imported = Find(database_, sale.external_id);
    const std::optional<app::Purchase> recorded = Find(one_by_one, sale.external_id);
    ASSERT_TRUE(imported.has_value() && recorded.has_value()) << sale.external_id;
    EXPECT_EQ(imported->points_earned, recorded->points_earned) << sale.external_id;
    expected_points += recorded->points_earned.count();
  }
  EXPECT_EQ(report->points, expected_points);
  EXPECT_GT(expected_points, 0);
  for (const ContactId member : members_) {
    EXPECT_EQ(Statement(database_, member), Statement(one_by_one, member)) << "member " << member.value();
    Result<app::LoyaltySummary> imported = database_.service().Summary(admin_, member);
    Result<app::LoyaltySummary> recorded = one_by_one.service().Summary(admin_, member);
    ASSERT_TRUE(imported.ok() && recorded.ok());
    EXPECT_EQ(imported->account, recorded->account);
    ASSERT_EQ(imported->tier.has_value(), recorded->tier.has_value());
    if (imported->tier) {
      EXPECT_EQ(imported->tier->status.tier_key, recorded->tier->status.tier_key);
    }
  }
  ExpectLedgerHolds(database_);
  ExpectLedgerHolds(one_by_one);
}

// A bulk load with deferred indexes writes exactly what a plain import
// writes (every read of the rules — caps, welcome, tiers — still answers)
// and leaves every index built again; a dry run defers nothing.
TEST_P(PurchaseImportTest, ADeferredIndexLoadMatchesAPlainImport) {
  domain::EarningRules rules = domain::DefaultEarningRules();
  rules.cap_per_day = Points(120);
  rules.bonuses.welcome = Points(25);
  rules.tiers = {.tiers = {{.key = "silver", .name = "Silver", .min_spend_minor = 15'000, .earn_percent = 150}},
                 .currency = "EUR"};
  const std::vector<Sale> sales = {
      {0, 10'000, "2026-10-01T09:00:00Z", "d-1"}, {0, 9'000, "2026-10-01T12:00:00Z", "d-2"},
      {1, 5'000, "2026-10-02T09:00:00Z", "d-3"},  {0, 30'000, "2026-10-03T09:00:00Z", "d-4"},
      {2, 7'000, "2026-11-02T08:00:00Z", "d-5"},  {1, 20'000, "2026-11-23T10:00:00Z", "d-6"},
  };
  loyalty_testing::LoyaltyStore deferred;
  ASSERT_TRUE(deferred.Open(GetParam(), clock_));
  ASSERT_EQ(deferred.AddMembers(3, clock_.Now()), members_);
  SetRules(database_, rules);
  SetRules(deferred, rules);

  TextSource dry_source(Ndjson(sales));
  Result<app::PurchaseImportReport> dry =
      Import(deferred, dry_source, {.dry_run = true, .batch_rows = 2, .defer_indexes = true});
  ASSERT_TRUE(dry.ok()) << dry.status().ToString();
  EXPECT_TRUE(dry->indexes_built.empty());

  Result<app::PurchaseImportReport> plain = Import(Ndjson(sales), {.batch_rows = 2});
  ASSERT_TRUE(plain.ok()) << plain.status().ToString();
  EXPECT_TRUE(plain->indexes_built.empty());
  TextSource source(Ndjson(sales));
  Result<app::PurchaseImportReport> bulk = Import(deferred, source, {.batch_rows = 2, .defer_indexes = true});
  ASSERT_TRUE(bulk.ok()) << bulk.status().ToString();
  EXPECT_EQ(bulk->indexes_built.size(), 10u);
  EXPECT_EQ(bulk->created, sales.size());
  EXPECT_EQ(bulk->points, plain->points);
  EXPECT_EQ(bulk->welcome_bonuses, plain->welcome_bonuses);
  EXPECT_EQ(bulk->tier_changes, plain->tier_changes);
  for (const ContactId member : members_) {
    EXPECT_EQ(Statement(deferred, member), Statement(database_, member)) << "member " << member.value();
  }
  // Built again: a second bulk load defers (and builds) all ten once more;
  // with rules that read no member history, the two it would read as well.
  TextSource rerun(Ndjson(sales));
  Result<app::PurchaseImportReport> again = Import(deferred, rerun, {.defer_indexes = true});
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(again->unchanged, sales.size());
  EXPECT_EQ(again->indexes_built.size(), 10u);
  SetRules(deferred, domain::DefaultEarningRules());
  TextSource more(Ndjson({{2, 1'000, "2026-11-23T11:00:00Z", "d-7"}}));
  Result<app::PurchaseImportReport> plain_rules = Import(deferred, more, {.defer_indexes = true});
  ASSERT_TRUE(plain_rules.ok()) << plain_rules.status().ToString();
  EXPECT_EQ(plain_rules->created, 1u);
  EXPECT_EQ(plain_rules->indexes_built.size(), 12u);
  ExpectLedgerHolds(deferred);
}

TEST_P(PurchaseImportTest, ReRunCreatesNothingAndChangedContentIsARowError) {
  const std::vector<Sale> sales = {{0, 4'250, "2026-11-01T10:00:00Z", "r-1"},
                                   {1, 1'000, "2026-11-02T10:00:00Z", "r-2"},
                                   {1, 1'000, "2026-11-02T10:00:00Z", "r-2"}};  // a repeat in the file
  Result<app::PurchaseImportReport> first = Import(Ndjson(sales));
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_EQ(first->created, 2u);
  EXPECT_EQ(first->unchanged, 1u);
  EXPECT_EQ(first->points, 52);
  const std::int64_t transactions = Transactions(database_);
  EXPECT_EQ(transactions, 2);

  Result<app::PurchaseImportReport> again = Import(Ndjson(sales));
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(again->created, 0u);
  EXPECT_EQ(again->unchanged, 3u);
  EXPECT_EQ(Transactions(database_), transactions);
  // The same file saved with a UTF-8 byte order mark reads alike.
  Result<app::PurchaseImportReport> marked = Import("\xEF\xBB\xBF" + Ndjson(sales));
  ASSERT_TRUE(marked.ok()) << marked.status().ToString();
  EXPECT_EQ(marked->failed, 0u);
  EXPECT_EQ(marked->unchanged, 3u);

  std::vector<Sale> changed = sales;
  changed[0].total_minor = 9'999;
  Result<app::PurchaseImportReport> conflict = Import(Ndjson(changed));
  ASSERT_TRUE(conflict.ok()) << conflict.status().ToString();
  EXPECT_EQ(conflict->failed, 1u);
  ASSERT_EQ(conflict->errors.size(), 1u);
  EXPECT_EQ(conflict->errors[0].line, 1u);
  EXPECT_EQ(conflict->errors[0].field, "external_id");
  EXPECT_NE(conflict->errors[0].reason.find("different content"), std::string::npos);
  EXPECT_EQ(Find(database_, "r-1")->total_minor, 4'250);
  ExpectLedgerHolds(database_);
}

TEST_P(PurchaseImportTest, BadRowsAreReportedByLineWithEveryReasonAndNothingOfThemIsWritten) {
  const std::string text =
      Line(members_[0], {0, 1'000, "2026-11-01T10:00:00Z", "b-1"}) +
      R"({"contact_id":999999,"total_minor":-5,"currency":"EURO","occurred_at":"2026-11-01T10:00:00Z","external_id":"b-2"})" +
      "\n\n" + R"({"contact_id":)" + std::to_string(members_[1].value()) +
      R"(,"total_minor":-5,"currency":"EURO","occurred_at":"yesterday"})" + "\nnot json\n" +
      Line(members_[2], {2, 2'000, "2026-11-01T10:00:00Z", "b-5"});
  Result<app::PurchaseImportReport> report = Import(text);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(report->rows, 5u);
  EXPECT_EQ(report->created, 2u);
  EXPECT_EQ(report->failed, 3u);
  std::map<std::uint64_t, std::vector<std::string>> by_line;
  for (const app::ImportRowError& error : report->errors) by_line[error.line].push_back(error.field);
  EXPECT_EQ(by_line[2], std::vector<std::string>{"contact_id"});
  EXPECT_EQ(by_line[4], (std::vector<std::string>{"occurred_at", "external_id"}));
  EXPECT_EQ(by_line[5].size(), 1u);
  EXPECT_FALSE(Find(database_, "b-2").has_value());
  EXPECT_TRUE(Find(database_, "b-5").has_value());

  // The same bad values for a known member: every reason of the row.
  Result<app::PurchaseImportReport> fields =
      Import(R"({"contact_id":)" + std::to_string(members_[1].value()) +
             R"(,"total_minor":-5,"currency":"EURO","occurred_at":"2026-11-01T10:00:00Z","external_id":"b-6"})" + "\n");
  ASSERT_TRUE(fields.ok());
  ASSERT_EQ(fields->errors.size(), 2u);
  EXPECT_EQ(fields->errors[0].field, "currency");
  EXPECT_EQ(fields->errors[1].field, "total_minor");
  ExpectLedgerHolds(database_);
}

TEST_P(PurchaseImportTest, CsvRowsImportWithALinePerPurchase) {
  const std::string csv =
      "contact_id,external_id,occurred_at,total_minor,currency,channel,sku,category,quantity,unit_price_minor,note\n" +
      std::to_string(members_[0].value()) + ",c-1,2026-11-01T10:00:00Z,3000,EUR,store,SKU-1,shoes,2,1500,hello\n" +
      std::to_string(members_[1].value()) + ",c-2,2026-11-01T10:00:00Z,abc,EUR,store,,,,,\n";
  Result<app::PurchaseImportReport> report = Import(csv, {.format = app::ImportFormat::kCsv});
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(report->created, 1u);
  ASSERT_EQ(report->failed, 1u);
  EXPECT_EQ(report->errors[0].line, 3u);
  EXPECT_EQ(report->errors[0].field, "total_minor");
  EXPECT_EQ(report->unmapped_columns, std::vector<std::string>{"note"});
  const std::optional<app::Purchase> stored = Find(database_, "c-1");
  ASSERT_TRUE(stored.has_value());
  ASSERT_EQ(stored->lines.size(), 1u);
  EXPECT_EQ(stored->lines[0].quantity, 2);
  EXPECT_EQ(stored->points_earned, Points(30));

  Result<app::PurchaseImportReport> refused =
      Import("external_id,total_minor\nx,1\n", {.format = app::ImportFormat::kCsv});
  EXPECT_EQ(refused.status().code(), StatusCode::kInvalidArgument);
}

TEST_P(PurchaseImportTest, AllOrNothingAndDryRunWriteNothing) {
  std::string text = Ndjson({{0, 1'000, "2026-11-01T10:00:00Z", "a-1"}, {1, 2'000, "2026-11-01T10:00:00Z", "a-2"}});
  Result<app::PurchaseImportReport> dry = Import(text, {.dry_run = true});
  ASSERT_TRUE(dry.ok()) << dry.status().ToString();
  EXPECT_TRUE(dry->dry_run);
  EXPECT_EQ(dry->created, 2u);
  EXPECT_EQ(dry->points, 30);
  EXPECT_FALSE(Find(database_, "a-1").has_value());
  EXPECT_EQ(Transactions(database_), 0);

  const std::string bad = text + R"({"contact_id":)" + std::to_string(members_[2].value()) +
                          R"(,"total_minor":100,"currency":"EUR","occurred_at":"2026-11-01T10:00:00Z"})" + "\n";
  Result<app::PurchaseImportReport> refused = Import(bad, {.commit = app::CommitMode::kAllOrNothing, .batch_rows = 1});
  ASSERT_TRUE(refused.ok()) << refused.status().ToString();
  EXPECT_FALSE(refused->committed);
  EXPECT_EQ(refused->failed, 1u);
  EXPECT_EQ(refused->errors[0].line, 3u);
  EXPECT_FALSE(Find(database_, "a-1").has_value());
  EXPECT_EQ(Transactions(database_), 0);

  Result<app::PurchaseImportReport> all = Import(text, {.commit = app::CommitMode::kAllOrNothing, .batch_rows = 1});
  ASSERT_TRUE(all.ok()) << all.status().ToString();
  EXPECT_TRUE(all->committed);
  EXPECT_EQ(all->created, 2u);
  EXPECT_TRUE(Find(database_, "a-2").has_value());
  ExpectLedgerHolds(database_);
}

TEST_P(PurchaseImportTest, CapsCarryAcrossBatchesAndEarlierEarnings) {
  domain::EarningRules rules = domain::DefaultEarningRules();
  rules.cap_per_day = Points(50);
  SetRules(database_, rules);
  // An earlier purchase of the day, recorded one by one.
  app::LoyaltyService::PurchaseOutcome earlier =
      database_.service().RecordPurchase(admin_, origin_,
                                         {.contact_id = members_[0],
                                          .total_minor = 2'000,
                                          .currency = "EUR",
                                          .occurred_at = ParseRfc3339("2026-11-10T08:00:00Z").value(),
                                          .external_id = "cap-0"});
  ASSERT_TRUE(earlier.status.ok()) << earlier.status.ToString();
  const std::vector<Sale> sales = {{0, 2'000, "2026-11-10T09:00:00Z", "cap-1"},
                                   {0, 2'000, "2026-11-10T10:00:00Z", "cap-2"},
                                   {0, 2'000, "2026-11-10T11:00:00Z", "cap-3"},
                                   {0, 2'000, "2026-11-11T11:00:00Z", "cap-4"}};
  Result<app::PurchaseImportReport> report = Import(Ndjson(sales), {.batch_rows = 1});
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(Find(database_, "cap-1")->points_earned, Points(20));
  EXPECT_EQ(Find(database_, "cap-2")->points_earned, Points(10));
  EXPECT_EQ(Find(database_, "cap-3")->points_earned, Points(0));
  EXPECT_EQ(Find(database_, "cap-4")->points_earned, Points(20));
  EXPECT_EQ(report->points, 50);
  ExpectLedgerHolds(database_);
}

TEST_P(PurchaseImportTest, AnInterruptedImportKeepsWholeBatchesAndTheReRunCompletesIt) {
  // Larger than the encoding check's head (64 KiB), so the source fails mid-file.
  constexpr int kSales = 1'000;
  constexpr std::size_t kBatch = 50;
  std::vector<Sale> sales;
  for (int i = 0; i < kSales; ++i) {
    sales.push_back(
        {i % 3, 1'000 + i, "2026-10-" + std::to_string(10 + i % 20) + "T10:00:00Z", "i-" + std::to_string(i)});
  }
  const std::string text = Ndjson(sales);
  TextSource failing(text, text.size() * 3 / 4);
  Result<app::PurchaseImportReport> cut = Import(database_, failing, {.batch_rows = kBatch});
  EXPECT_EQ(cut.status().code(), StatusCode::kInternal);
  std::size_t written = 0;
  for (const Sale& sale : sales) written += Find(database_, sale.external_id).has_value() ? 1 : 0;
  EXPECT_EQ(written % kBatch, 0u) << "a batch was cut";
  EXPECT_GT(written, 0u);
  EXPECT_LT(written, static_cast<std::size_t>(kSales));
  EXPECT_EQ(Transactions(database_), static_cast<std::int64_t>(written));
  ExpectLedgerHolds(database_);

  Result<app::PurchaseImportReport> rerun = Import(text, {.batch_rows = kBatch});
  ASSERT_TRUE(rerun.ok()) << rerun.status().ToString();
  EXPECT_EQ(rerun->unchanged, written);
  EXPECT_EQ(rerun->created, kSales - written);
  EXPECT_EQ(Transactions(database_), kSales);
  ExpectLedgerHolds(database_);
}

TEST_P(PurchaseImportTest, MembersByExternalIdOrEmailAndPermission) {
  ASSERT_TRUE(database_.store()
                  .Write([&](app::WriteTransaction& transaction) -> Status {
                    app::ContactProfile profile;
                    profile.first_name = "Keyed";
                    profile.email = "keyed@example.com";
                    profile.external_id = "crm-7";
                    std::vector<app::ContactRecord> records = {app::MakeContactRecord(profile, {})};
                    return transaction.RelationshipsOut().InsertContacts(records, clock_.Now()).status();
                  })
                  .ok());
  const std::string text =
      R"({"contact_external_id":"crm-7","total_minor":1000,"currency":"EUR","occurred_at":"2026-11-01T10:00:00Z","external_id":"k-1"})"
      "\n"
      R"({"contact_email":"KEYED@example.com","total_minor":1000,"currency":"EUR","occurred_at":"2026-11-01T10:00:00Z","external_id":"k-2"})"
      "\n"
      R"({"contact_email":"nobody@example.com","total_minor":1000,"currency":"EUR","occurred_at":"2026-11-01T10:00:00Z","external_id":"k-3"})"
      "\n";
  Result<app::PurchaseImportReport> report = Import(text);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(report->created, 2u);
  ASSERT_EQ(report->failed, 1u);
  EXPECT_EQ(report->errors[0].field, "contact_email");
  EXPECT_EQ(Find(database_, "k-1")->contact_id, Find(database_, "k-2")->contact_id);

  app::Principal agent;
  agent.kind = app::Principal::Kind::kToken;
  agent.id = 3;
  agent.role = domain::Role::kAgent;
  agent.name = "agent";
  TextSource source(text);
  app::PurchaseImporter importer(database_.store(), clock_);
  EXPECT_EQ(importer.Import(agent, origin_, source, {}).status().code(), StatusCode::kPermissionDenied);
}

INSTANTIATE_TEST_SUITE_P(Backends, PurchaseImportTest,
                         ::testing::Values(loyalty_testing::Backend::kSqlite, loyalty_testing::Backend::kPostgres),
                         [](const ::testing::TestParamInfo<loyalty_testing::Backend>& param_info) {
                           return param_info.param == loyalty_testing::Backend::kSqlite ? "Sqlite" : "Postgres";
                         });

}  // namespace
}  // namespace rapport

// The demo generator against a real SQLite store: exact counts, the same data
// for the same seed, and rows a real CRM would hold (valid e-mails, E.164
// phones, known currencies, dates inside the two-year window, Cyrillic names).
#include "rapport/app/demo_data.h"

#include <filesystem>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <sqlite3.h>

#include "rapport/base/limits.h"
#include "rapport/base/money.h"
#include "rapport/store/open_store.h"

namespace rapport {
namespace {

namespace fs = std::filesystem;

// local@domain.tld with lower-case ASCII letters, digits and dots.
bool IsPlainEmail(std::string_view text) {
  const std::size_t at = text.find('@');
  if (at == 0 || at == std::string_view::npos || text.find('.', at) == std::string_view::npos) return false;
  for (char c : text) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '@')) return false;
  }
  return text.back() != '.';
}

// E.164: '+', a non-zero digit, then 7 to 14 more digits.
bool IsE164(std::string_view text) {
  if (text.size() < 9 || text.size() > 16 || text[0] != '+' || text[1] == '0') return false;
  for (char c : text.substr(1)) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

const Timestamp kNow = ParseRfc3339("2026-11-23T12:00:00Z").value();

class DemoDataTest : public ::testing::Test {
 protected:
  void SetUp() override {
    directory_ = fs::temp_directory_path() / ("rapport-demo-" + std::to_string(::getpid()) + "-" +
                                              ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(directory_);
    fs::create_directories(directory_);
  }
  void TearDown() override { fs::remove_all(directory_); }

  std::string Generate(const std::string& name, app::DemoOptions options) {
    const std::string path = (directory_ / name).string();
    app::StoreOptions store_options;
    store_options.database = path;
    store_options.sqlite_synchronous = app::SqliteSynchronous::kOff;
    Result<std::unique_ptr<app::Store>> store = store::OpenStore(store_options);
    EXPECT_TRUE(store.ok()) << store.status().ToString();
    options.now = kNow;
    std::vector<std::string> progress_tables;
    Result<app::DemoSummary> summary =
        app::GenerateDemoData(**store, options, [&](std::string_view table, std::int64_t, std::int64_t) {
          if (progress_tables.empty() || progress_tables.back() != table) progress_tables.emplace_back(table);
        });
    EXPECT_TRUE(summary.ok()) << summary.status().ToString();
    EXPECT_EQ(progress_tables, (std::vector<std::string>{"companies", "contacts", "purchases"}));
    EXPECT_TRUE((*store)->Close().ok());
    return path;
  }

  // Every row of a query as one string per row, columns separated by '|'.
  static std::vector<std::string> Rows(const std::string& path, const char* sql) {
    sqlite3* database = nullptr;
    EXPECT_EQ(sqlite3_open_v2(path.c_str(), &database, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
    sqlite3_stmt* statement = nullptr;
    EXPECT_EQ(sqlite3_prepare_v2(database, sql, -1, &statement, nullptr), SQLITE_OK) << sqlite3_errmsg(database);
    std::vector<std::string> rows;
    while (sqlite3_step(statement) == SQLITE_ROW) {
      std::string row;
      for (int column = 0; column < sqlite3_column_count(statement); ++column) {
        const unsigned char* text = sqlite3_column_text(statement, column);
        row += text != nullptr ? reinterpret_cast<const char*>(text) : "NULL";
        row += '|';
      }
      rows.push_back(std::move(row));
    }
    sqlite3_finalize(statement);
    sqlite3_close(database);
    return rows;
  }

  fs::path directory_;
};

TEST_F(DemoDataTest, WritesExactlyTheRequestedCounts) {
  const std::string path = Generate("counts.db", {.contacts = 2'000, .purchases = 7'777, .seed = 3, .batch_rows = 500});
  EXPECT_EQ(Rows(path, "SELECT count(*) FROM contacts")[0], "2000|");
  EXPECT_EQ(Rows(path, "SELECT count(*) FROM purchases")[0], "7777|");
  EXPECT_EQ(Rows(path, "SELECT count(*) FROM companies")[0], "80|");
  EXPECT_EQ(Rows(path, "SELECT count(*) FROM events WHERE kind = 'demo_data_generated'")[0], "1|");
}

TEST_F(DemoDataTest, SameSeedSameDataOtherSeedOtherData) {
  const app::DemoOptions options{.contacts = 300, .purchases = 900, .seed = 42, .batch_rows = 128};
  const std::string first = Generate("first.db", options);
  const std::string second = Generate("second.db", options);
  app::DemoOptions other_seed = options;
  other_seed.seed = 43;
  const std::string third = Generate("third.db", other_seed);
  const char* contacts =
      "SELECT first_name, last_name, email, phone, birthday, locale, time_zone, company_id "
      "FROM contacts ORDER BY id";
  const char* purchases =
      "SELECT contact_id, total_minor, currency, channel, occurred_at_us FROM purchases ORDER BY id";
  EXPECT_EQ(Rows(first, contacts), Rows(second, contacts));
  EXPECT_EQ(Rows(first, purchases), Rows(second, purchases));
  EXPECT_NE(Rows(first, contacts), Rows(third, contacts));
}

TEST_F(DemoDataTest, RowsLookLikeRealCustomers) {
  const std::string path = Generate("shape.db", {.contacts = 1'000, .purchases = 5'000, .seed = 9});
  int cyrillic = 0;
  for (const std::string& row : Rows(path, "SELECT email, coalesce(phone, ''), first_name FROM contacts")) {
    const std::size_t first = row.find('|');
    const std::size_t second = row.find('|', first + 1);
    EXPECT_TRUE(IsPlainEmail(row.substr(0, first))) << row;
    const std::string phone_text = row.substr(first + 1, second - first - 1);
    if (!phone_text.empty()) {
      EXPECT_TRUE(IsE164(phone_text)) << row;
    }
    if (static_cast<unsigned char>(row[second + 1]) == 0xD0 || static_cast<unsigned char>(row[second + 1]) == 0xD1) {
      ++cyrillic;
    }
  }
  EXPECT_GT(cyrillic, 300);  // about half of the contacts are Russian
  EXPECT_LT(cyrillic, 700);

  for (const std::string& row : Rows(path, "SELECT DISTINCT currency FROM purchases")) {
    EXPECT_TRUE(Currency::FromCode(row.substr(0, 3)).ok()) << row;
  }
  const std::string window_start = std::to_string(ToUnixMicros(kNow - std::chrono::days(730)));
  const std::string now = std::to_string(ToUnixMicros(kNow));
  EXPECT_EQ(Rows(path, ("SELECT count(*) FROM purchases WHERE occurred_at_us < " + window_start +
                        " OR occurred_at_us >= " + now + " OR total_minor <= 0")
                           .c_str())[0],
            "0|");
  // Heavy tail: the busiest tenth of buyers accounts for far more than a tenth of purchases.
  const std::vector<std::string> per_contact =
      Rows(path, "SELECT count(*) AS n FROM purchases GROUP BY contact_id ORDER BY n DESC");
  ASSERT_GT(per_contact.size(), 100U);
  long top = 0;
  for (std::size_t i = 0; i < per_contact.size() / 10; ++i) top += std::stol(per_contact[i]);
  EXPECT_GT(top, 5'000 / 4);
}

TEST(DemoOptionsTest, LimitsAreEnforcedAtTheirEdges) {
  EXPECT_TRUE(app::ValidateDemoOptions({.contacts = 1, .purchases = 0}).ok());
  EXPECT_FALSE(app::ValidateDemoOptions({.contacts = 0}).ok());
  EXPECT_TRUE(app::ValidateDemoOptions({.contacts = limits::kDemoContactsMax}).ok());
  EXPECT_FALSE(app::ValidateDemoOptions({.contacts = limits::kDemoContactsMax + 1}).ok());
  EXPECT_FALSE(app::ValidateDemoOptions({.contacts = 1, .purchases = -1}).ok());
  EXPECT_FALSE(app::ValidateDemoOptions({.contacts = 1, .purchases = limits::kDemoPurchasesMax + 1}).ok());
  EXPECT_FALSE(app::ValidateDemoOptions({.contacts = 1, .batch_rows = 0}).ok());
}

}  // namespace
}  // namespace rapport

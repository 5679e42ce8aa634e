// The relationships conformance suite: contacts, companies, their links,
// keyed lookups, lists with every sort and filter under keyset pagination,
// full-text search, custom fields, duplicate candidates and import mappings
// (app/relationships.h) behave alike on SQLite (a temp file) and PostgreSQL (a
// schema of its own in the database at RAPPORT_TEST_POSTGRES_URL; skipped when
// unset).
//
// Search documents are written here already folded, as the app writes them
// (domain::ContactSearchDocument), so the tests state exactly what is indexed.
#include <algorithm>
#include <optional>
#include <set>

#include <gtest/gtest.h>

#include "store_test_support.h"

#include "rapport/base/limits.h"
#include "rapport/store/open_store.h"

namespace rapport::store {
namespace {

using domain::RelationshipRole;
using testing::Backend;
using testing::RawDatabase;

const Timestamp kStart = testing::kStoreTestStart;  // 2026-11-18
constexpr std::int64_t kMinuteUs = 60'000'000;

Timestamp Minutes(int minutes) { return kStart + Microseconds(std::int64_t{minutes} * kMinuteUs); }

app::ContactRecord Person(std::string first, std::string last, std::string email = "",
                          domain::RelationshipRoleSet roles = domain::RoleBit(RelationshipRole::kCustomer)) {
  app::ContactRecord record;
  record.profile.first_name = std::move(first);
  record.profile.last_name = std::move(last);
  record.profile.email = std::move(email);
  record.profile.roles = roles;
  // Folded as domain::SortName / ContactSearchDocument would (ASCII names here).
  std::string sort_name = record.profile.last_name + " " + record.profile.first_name;
  std::transform(sort_name.begin(), sort_name.end(), sort_name.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  record.sort_name = sort_name;
  record.search_text = sort_name;
  return record;
}

std::vector<std::int64_t> IdsOf(const std::vector<app::Contact>& contacts) {
  std::vector<std::int64_t> ids;
  for (const app::Contact& contact : contacts) ids.push_back(contact.id.value());
  return ids;
}

class RelationshipsConformance : public testing::StoreConformanceTest {
 protected:
  RelationshipsConformance() : StoreConformanceTest({.raw_connection = false}) {}

  std::unique_ptr<RawDatabase> Raw() const { return Connect(); }

  // Runs `body(write transaction)` and returns what it returned (or the
  // store's failure). A non-ok result rolls the body back.
  template <typename Body>
  auto InWrite(Body&& body) {
    return InWriteTransaction(std::forward<Body>(body));
  }

  template <typename Body>
  auto InRead(Body&& body) {
    return InReadTransaction([&](app::ReadTransaction& tx) { return body(tx.Relationships()); });
  }

  std::vector<ContactId> Insert(const std::vector<app::ContactRecord>& records, Timestamp at = kStart) {
    Result<std::vector<ContactId>> ids =
        InWrite([&](app::WriteTransaction& tx) { return tx.RelationshipsOut().InsertContacts(records, at); });
    EXPECT_TRUE(ids.ok()) << ids.status().ToString();
    return ids.ok() ? *ids : std::vector<ContactId>{};
  }

  ContactId InsertOne(const app::ContactRecord& record, Timestamp at = kStart) {
    const std::vector<ContactId> ids = Insert({record}, at);
    return ids.empty() ? ContactId(0) : ids.front();
  }

  CompanyId AddCompany(std::string name,
                       domain::RelationshipRoleSet roles = domain::RoleBit(RelationshipRole::kCustomer),
                       std::string external_id = "") {
    app::CompanyProfile profile;
    profile.name = std::move(name);
    profile.roles = roles;
    profile.external_id = std::move(external_id);
    Result<CompanyId> id =
        InWrite([&](app::WriteTransaction& tx) { return tx.RelationshipsOut().InsertCompany(profile, kStart); });
    EXPECT_TRUE(id.ok()) << id.status().ToString();
    return id.ok() ? *id : CompanyId(0);
  }

  UserId AddUser(std::string email) {
    Result<UserId> id = InWrite([&](app::WriteTransaction& tx) {
      return tx.AccountsOut().InsertUser(app::NewUser{std::move(email), "Owner", domain::Role::kAgent,
                                                      "$argon2id$v=19$m=65536,t=2,p=1$c2FsdA$aGFzaA", kStart});
    });
    EXPECT_TRUE(id.ok()) << id.status().ToString();
    return id.ok() ? *id : UserId(0);
  }

  std::optional<app::Contact> Get(ContactId id) {
    Result<std::optional<app::Contact>> contact = InRead([&](app::RelationshipsReader& r) { return r.GetContact(id); });
    EXPECT_TRUE(contact.ok()) << contact.status().ToString();
    return contact.ok() ? *contact : std::nullopt;
  }

  app::ContactPage List(const app::ContactQuery& query) {
    Result<app::ContactPage> page = InRead([&](app::RelationshipsReader& r) { return r.ListContacts(query); });
    EXPECT_TRUE(page.ok()) << page.status().ToString();
    return page.ok() ? *page : app::ContactPage{};
  }

  // Every page of a query, checking that pages hold `page_size` rows until the last.
  std::vector<app::Contact> ListAll(app::ContactQuery query, int page_size, int* pages = nullptr) {
    query.limit = page_size;
    std::vector<app::Contact> all;
    int count = 0;
    for (int guard = 0; guard < 1000; ++guard) {
      const app::ContactPage page = List(query);
      ++count;
      all.insert(all.end(), page.items.begin(), page.items.end());
      if (!page.next) break;
      EXPECT_EQ(static_cast<int>(page.items.size()), page_size);
      query.after = page.next;
    }
    if (pages != nullptr) *pages = count;
    return all;
  }

  std::vector<std::int64_t> SearchIds(std::vector<std::string> terms) {
    app::ContactQuery query;
    query.filter.search_terms = std::move(terms);
    return IdsOf(ListAll(query, 50));
  }

  std::vector<std::int64_t> ListIds(const app::ContactFilter& filter) {
    app::ContactQuery query;
    query.filter = filter;
    return IdsOf(ListAll(query, 3));
  }

  std::int64_t Count(const app::ContactFilter& filter) {
    Result<std::int64_t> count = InRead([&](app::RelationshipsReader& r) { return r.CountContacts(filter); });
    EXPECT_TRUE(count.ok()) << count.status().ToString();
    return count.ok() ? *count : -1;
  }

  Status Update(ContactId id, const app::ContactRecord& record, Timestamp at) {
    const std::pair<ContactId, app::ContactRecord> change[] = {{id, record}};
    return InWrite([&](app::WriteTransaction& tx) { return tx.RelationshipsOut().UpdateContacts(change, at); });
  }
};

TEST_P(RelationshipsConformance, InsertedContactReadsBackWithEveryField) {
  const UserId owner = AddUser("owner@example.com");
  const CompanyId company = AddCompany("ООО Ромашка");
  app::ContactRecord record;
  app::ContactProfile& profile = record.profile;
  profile.first_name = "Ёлка";
  profile.last_name = "Иванова-Петрова";
  profile.email = "elka@mail.ru";
  profile.other_emails = {"elka@work.example", "e\"q\\@x.example"};
  profile.phone = "+79161234567";
  profile.other_phones = {"+442071234567"};
  profile.address = {"ул. Ленина, 1", "кв. 2", "Москва", "Москва", "101000", "RU"};
  profile.birthday = "1990-02-28";
  profile.gender = domain::Gender::kFemale;
  profile.locale = "ru";
  profile.time_zone = "Europe/Moscow";
  profile.source = "import";
  profile.owner = owner;
  profile.external_id = "SF-001";
  profile.roles = domain::RoleBit(RelationshipRole::kCustomer) | domain::RoleBit(RelationshipRole::kInvestor);
  profile.custom_json = R"({"tier":"gold"})";
  record.primary_company = app::CompanyLink{company, "", "директор", true};
  record.sort_name = "иванова петрова елка";
  record.search_text = "елка иванова петрова elka mail ru";
  const ContactId id = InsertOne(record, Minutes(5));
  ASSERT_TRUE(id.valid());

  const std::optional<app::Contact> contact = Get(id);
  ASSERT_TRUE(contact.has_value());
  EXPECT_EQ(contact->id, id);
  const app::ContactProfile& got = contact->profile;
  EXPECT_EQ(got.first_name, profile.first_name);
  EXPECT_EQ(got.last_name, profile.last_name);
  EXPECT_EQ(got.email, profile.email);
  EXPECT_EQ(got.other_emails, profile.other_emails);
  EXPECT_EQ(got.phone, profile.phone);
  EXPECT_EQ(got.other_phones, profile.other_phones);
  EXPECT_EQ(got.address.line1, profile.address.line1);
  EXPECT_EQ(got.address.line2, profile.address.line2);
  EXPECT_EQ(got.address.city, profile.address.city);
  EXPECT_EQ(got.address.region, profile.address.region);
  EXPECT_EQ(got.address.postal_code, profile.address.postal_code);
  EXPECT_EQ(got.address.country_code, profile.address.country_code);
  EXPECT_EQ(got.birthday, profile.birthday);
  EXPECT_EQ(got.gender, profile.gender);
  EXPECT_EQ(got.locale, profile.locale);
  EXPECT_EQ(got.time_zone, profile.time_zone);
  EXPECT_EQ(got.source, profile.source);
  EXPECT_EQ(got.owner, profile.owner);
  EXPECT_EQ(got.external_id, profile.external_id);
  EXPECT_EQ(got.roles, profile.roles);
  EXPECT_EQ(got.custom_json, profile.custom_json);
  EXPECT_FALSE(contact->merged_into.has_value());
  EXPECT_EQ(contact->created_at, Minutes(5));
  EXPECT_EQ(contact->updated_at, Minutes(5));
  ASSERT_EQ(contact->companies.size(), 1u);
  EXPECT_EQ(contact->companies[0].company_id, company);
  EXPECT_EQ(contact->companies[0].company_name, "ООО Ромашка");
  EXPECT_EQ(contact->companies[0].job_title, "директор");
  EXPECT_TRUE(contact->companies[0].primary);
  EXPECT_EQ(Raw()->Column("SELECT company_id FROM contacts WHERE id = " + std::to_string(id.value())),
            std::vector<std::string>{std::to_string(company.value())});

  // A minimal contact: empty external id is stored as NULL, so many may lack one.
  const std::vector<ContactId> plain = Insert({Person("A", "One"), Person("B", "Two")});
  ASSERT_EQ(plain.size(), 2u);
  EXPECT_EQ(plain[1].value(), plain[0].value() + 1);
  EXPECT_EQ(Raw()->Column("SELECT count(*) FROM contacts WHERE external_id IS NULL"), std::vector<std::string>{"2"});
  const std::optional<app::Contact> minimal = Get(plain[0]);
  ASSERT_TRUE(minimal.has_value());
  EXPECT_FALSE(minimal->profile.gender.has_value());
  EXPECT_FALSE(minimal->profile.birthday.has_value());
  EXPECT_FALSE(minimal->profile.owner.has_value());
  EXPECT_TRUE(minimal->profile.other_emails.empty());
  EXPECT_TRUE(minimal->companies.empty());

  // GetContacts keeps the order asked and skips missing ids.
  const ContactId asked[] = {plain[1], ContactId(999'999), id, plain[1]};
  Result<std::vector<app::Contact>> many = InRead([&](app::RelationshipsReader& r) { return r.GetContacts(asked); });
  ASSERT_TRUE(many.ok()) << many.status().ToString();
  EXPECT_EQ(IdsOf(*many), (std::vector<std::int64_t>{plain[1].value(), id.value(), plain[1].value()}));
  EXPECT_FALSE(Get(ContactId(999'999)).has_value());
}

TEST_P(RelationshipsConformance, ExternalIdClashIsAlreadyExistsNamingTheValue) {
  app::ContactRecord first = Person("Ann", "Lee");
  first.profile.external_id = "HS-42";
  ASSERT_TRUE(InsertOne(first).valid());
  app::ContactRecord again = Person("Bob", "Lee");
  again.profile.external_id = "HS-42";
  Result<std::vector<ContactId>> clash = InWrite([&](app::WriteTransaction& tx) {
    const app::ContactRecord batch[] = {Person("Cy", "Lee"), again};
    return tx.RelationshipsOut().InsertContacts(batch, kStart);
  });
  ASSERT_EQ(clash.status().code(), StatusCode::kAlreadyExists) << clash.status().ToString();
  EXPECT_NE(clash.status().message().find("HS-42"), std::string::npos) << clash.status().ToString();

  app::ContactRecord twin = Person("Dee", "Lee");
  twin.profile.external_id = "HS-43";
  Result<std::vector<ContactId>> in_batch = InWrite([&](app::WriteTransaction& tx) {
    const app::ContactRecord batch[] = {twin, twin};
    return tx.RelationshipsOut().InsertContacts(batch, kStart);
  });
  ASSERT_EQ(in_batch.status().code(), StatusCode::kAlreadyExists);
  EXPECT_NE(in_batch.status().message().find("HS-43"), std::string::npos);
  // Nothing of the refused batches was written.
  EXPECT_EQ(Raw()->Column("SELECT count(*) FROM contacts"), std::vector<std::string>{"1"});

  // An update onto a used external id is refused the same way.
  const ContactId other = InsertOne(Person("Eve", "Lee"));
  app::ContactRecord changed = Person("Eve", "Lee");
  changed.profile.external_id = "HS-42";
  const Status update = Update(other, changed, Minutes(1));
  EXPECT_EQ(update.code(), StatusCode::kAlreadyExists);
  EXPECT_NE(update.message().find("HS-42"), std::string::npos);
}

TEST_P(RelationshipsConformance, FindContactsByKeyIsBatchedAndSkipsMergedContacts) {
  app::ContactRecord ann = Person("Ann", "Lee", "ann@example.com");
  ann.profile.phone = "+15551230001";
  ann.profile.external_id = "X1";
  app::ContactRecord bob = Person("Bob", "Lee", "bob@example.com");
  bob.profile.phone = "+15551230002";
  bob.profile.external_id = "X2";
  app::ContactRecord ann_copy = Person("Ann", "Lee", "ann.copy@example.com");
  const std::vector<ContactId> ids = Insert({ann, bob, ann_copy});
  ASSERT_EQ(ids.size(), 3u);

  const auto find = [&](app::ContactKey key, std::vector<std::string> values) {
    Result<std::vector<std::optional<ContactId>>> found =
        InRead([&](app::RelationshipsReader& r) { return r.FindContactsByKey(key, values); });
    EXPECT_TRUE(found.ok()) << found.status().ToString();
    return found.ok() ? *found : std::vector<std::optional<ContactId>>{};
  };
  using Found = std::vector<std::optional<ContactId>>;
  EXPECT_EQ(find(app::ContactKey::kEmail, {"bob@example.com", "nobody@example.com", "", "ann@example.com"}),
            (Found{ids[1], std::nullopt, std::nullopt, ids[0]}));
  EXPECT_EQ(find(app::ContactKey::kPhone, {"+15551230002", "+15551230001", "+15550000000"}),
            (Found{ids[1], ids[0], std::nullopt}));
  EXPECT_EQ(find(app::ContactKey::kExternalId, {"X2", "x2", "X1"}), (Found{ids[1], std::nullopt, ids[0]}));
  EXPECT_TRUE(find(app::ContactKey::kEmail, {}).empty());

  ASSERT_TRUE(InWrite([&](app::WriteTransaction& tx) {
                return tx.RelationshipsOut().SetMergedInto(ids[1], ids[0], Minutes(1));
              }).ok());
  EXPECT_EQ(find(app::ContactKey::kEmail, {"bob@example.com"}), (Found{std::nullopt}));
  EXPECT_EQ(find(app::ContactKey::kExternalId, {"X2"}), (Found{std::nullopt}));
  EXPECT_EQ(Get(ids[1])->merged_into, ids[0]);
  // Undo clears it.
  ASSERT_TRUE(InWrite([&](app::WriteTransaction& tx) {
                return tx.RelationshipsOut().SetMergedInto(ids[1], std::nullopt, Minutes(2));
              }).ok());
  EXPECT_EQ(find(app::ContactKey::kPhone, {"+15551230002"}), (Found{ids[1]}));
  EXPECT_EQ(InWrite([&](app::WriteTransaction& tx) {
              return tx.RelationshipsOut().SetMergedInto(ContactId(999), ids[0], Minutes(2));
            }).code(),
            StatusCode::kNotFound);
}

// Every sort walks all rows once over several pages, in its order.
TEST_P(RelationshipsConformance, ListPagesEachSortWithKeysetContinuity) {
  const char* kLast[] = {"Smith", "adams", "Jones", "Brown", "Smith", "Clark",  "Adams", "Zed",   "Young", "Smith",
                         "Moore", "Hall",  "Allen", "King",  "Smith", "Wright", "Scott", "Green", "Baker", "Hill"};
  std::vector<app::ContactRecord> records;
  for (int i = 0; i < 20; ++i) records.push_back(Person("P" + std::to_string(i % 3), kLast[i]));
  const std::vector<ContactId> ids = Insert(records);
  ASSERT_EQ(ids.size(), 20u);
  // Distinct update times, some equal (ties break on id).
  for (int i = 0; i < 20; i += 2) {
    ASSERT_TRUE(Update(ids[i], records[i], Minutes(100 - (i % 6))).ok());
  }

  for (app::ContactSort sort : {app::ContactSort::kNewest, app::ContactSort::kName, app::ContactSort::kUpdated}) {
    SCOPED_TRACE(static_cast<int>(sort));
    app::ContactQuery query;
    query.sort = sort;
    int pages = 0;
    const std::vector<app::Contact> all = ListAll(query, 6, &pages);
    EXPECT_EQ(pages, 4);
    ASSERT_EQ(all.size(), 20u);
    std::set<std::int64_t> seen;
    for (const app::Contact& contact : all) EXPECT_TRUE(seen.insert(contact.id.value()).second);
    std::vector<app::Contact> expected = all;
    std::stable_sort(expected.begin(), expected.end(), [&](const app::Contact& a, const app::Contact& b) {
      switch (sort) {
        case app::ContactSort::kNewest: return a.id > b.id;
        case app::ContactSort::kName: {
          const std::string& name_a = records[static_cast<std::size_t>(a.id.value() - ids[0].value())].sort_name;
          const std::string& name_b = records[static_cast<std::size_t>(b.id.value() - ids[0].value())].sort_name;
          return std::tie(name_a, a.id) < std::tie(name_b, b.id);
        }
        case app::ContactSort::kUpdated: return std::tie(a.updated_at, a.id) > std::tie(b.updated_at, b.id);
      }
      return false;
    });
    EXPECT_EQ(IdsOf(all), IdsOf(expected));
  }
  // An exact multiple of the page size ends with an empty page.
  app::ContactQuery query;
  query.limit = 20;
  const app::ContactPage full = List(query);
  ASSERT_TRUE(full.next.has_value());
  query.after = full.next;
  EXPECT_TRUE(List(query).items.empty());
  EXPECT_FALSE(List(query).next.has_value());
}

TEST_P(RelationshipsConformance, FiltersSelectTheirRowsInListsScansAndCounts) {
  const UserId owner = AddUser("owner@example.com");
  const CompanyId acme = AddCompany("Acme");
  app::ContactRecord supplier = Person("Sue", "Supplier", "", domain::RoleBit(RelationshipRole::kSupplier));
  supplier.profile.locale = "ru";
  supplier.profile.source = "web form";
  app::ContactRecord partner = Person(
      "Pat", "Partner", "", domain::RoleBit(RelationshipRole::kPartner) | domain::RoleBit(RelationshipRole::kSupplier));
  partner.profile.owner = owner;
  partner.primary_company = app::CompanyLink{acme, "", "", true};
  app::ContactRecord customer = Person("Cal", "Customer");
  customer.profile.locale = "en";
  const ContactId supplier_id = InsertOne(supplier, Minutes(0));
  const ContactId partner_id = InsertOne(partner, Minutes(10));
  const ContactId customer_id = InsertOne(customer, Minutes(20));
  const ContactId merged_id = InsertOne(Person("Mo", "Merged"), Minutes(30));
  ASSERT_TRUE(InWrite([&](app::WriteTransaction& tx) {
                return tx.RelationshipsOut().SetMergedInto(merged_id, customer_id, Minutes(31));
              }).ok());
  using Ids = std::vector<std::int64_t>;

  app::ContactFilter none;
  EXPECT_EQ(ListIds(none), (Ids{customer_id.value(), partner_id.value(), supplier_id.value()}));
  EXPECT_EQ(Count(none), 3);
  app::ContactFilter with_merged;
  with_merged.include_merged = true;
  EXPECT_EQ(ListIds(with_merged),
            (Ids{merged_id.value(), customer_id.value(), partner_id.value(), supplier_id.value()}));
  EXPECT_EQ(Count(with_merged), 4);

  app::ContactFilter role;
  role.role = RelationshipRole::kSupplier;
  EXPECT_EQ(ListIds(role), (Ids{partner_id.value(), supplier_id.value()}));
  role.role = RelationshipRole::kInvestor;
  EXPECT_EQ(ListIds(role), Ids{});
  app::ContactFilter company;
  company.company = acme;
  EXPECT_EQ(ListIds(company), Ids{partner_id.value()});
  EXPECT_EQ(Count(company), 1);
  for (app::ContactSort sort : {app::ContactSort::kName, app::ContactSort::kUpdated}) {
    app::ContactQuery query;
    query.filter = company;
    query.sort = sort;
    EXPECT_EQ(IdsOf(List(query).items), Ids{partner_id.value()});
  }
  app::ContactFilter owned;
  owned.owner = owner;
  EXPECT_EQ(ListIds(owned), Ids{partner_id.value()});
  app::ContactFilter locale;
  locale.locale = "ru";
  EXPECT_EQ(ListIds(locale), Ids{supplier_id.value()});
  app::ContactFilter source;
  source.source = "web form";
  EXPECT_EQ(ListIds(source), Ids{supplier_id.value()});
  app::ContactFilter created;
  created.created_from = Minutes(10);
  created.created_to = Minutes(20);  // exclusive
  EXPECT_EQ(ListIds(created), Ids{partner_id.value()});
  EXPECT_EQ(Count(created), 1);

  // ScanContacts: ascending ids after `after`, at most `limit`, same filters.
  const auto scan = [&](const app::ContactFilter& filter, ContactId after, int limit) {
    Result<std::vector<app::Contact>> rows =
        InRead([&](app::RelationshipsReader& r) { return r.ScanContacts(filter, after, limit); });
    EXPECT_TRUE(rows.ok()) << rows.status().ToString();
    return rows.ok() ? IdsOf(*rows) : Ids{};
  };
  EXPECT_EQ(scan(none, ContactId(0), 2), (Ids{supplier_id.value(), partner_id.value()}));
  EXPECT_EQ(scan(none, partner_id, 2), Ids{customer_id.value()});
  role.role = RelationshipRole::kPartner;
  EXPECT_EQ(scan(role, ContactId(0), 10), Ids{partner_id.value()});
  const auto refused = InRead([&](app::RelationshipsReader& r) { return r.ScanContacts(none, ContactId(0), 0); });
  EXPECT_EQ(refused.status().code(), StatusCode::kInvalidArgument);
  // Scanned contacts carry their companies.
  Result<std::vector<app::Contact>> rows =
      InRead([&](app::RelationshipsReader& r) { return r.ScanContacts(company, ContactId(0), 10); });
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->size(), 1u);
  ASSERT_EQ(rows->front().companies.size(), 1u);
  EXPECT_EQ(rows->front().companies.front().company_name, "Acme");
}

TEST_P(RelationshipsConformance, SearchMatchesFoldedPrefixesNewestFirst) {
  app::ContactRecord ivan = Person("Ivan", "Petrov", "ivan@mail.ru");
  ivan.search_text = "иван петров ivan mail ru 79161234567 9161234567";
  app::ContactRecord yolka = Person("Yolka", "Elkina");
  yolka.search_text = "елка елкина yolka";  // "Ёлка Ёлкина" folded
  app::ContactRecord ivanna = Person("Ivanna", "Smith", "ivanna@example.com");
  ivanna.search_text = "ivanna smith ivanna example com";
  app::ContactRecord other = Person("Olga", "Orlova");
  other.search_text = "ольга орлова olga";
  const std::vector<ContactId> ids = Insert({ivan, yolka, ivanna, other});
  ASSERT_EQ(ids.size(), 4u);
  using Ids = std::vector<std::int64_t>;

  EXPECT_EQ(SearchIds({"iv"}), (Ids{ids[2].value(), ids[0].value()}));  // prefix, newest first
  EXPECT_EQ(SearchIds({"ivan", "mail"}), Ids{ids[0].value()});          // AND of terms
  EXPECT_EQ(SearchIds({"ivan", "smith"}), Ids{ids[2].value()});
  EXPECT_EQ(SearchIds({"ива"}), Ids{ids[0].value()});     // Cyrillic
  EXPECT_EQ(SearchIds({"елк"}), Ids{ids[1].value()});     // folded ё
  EXPECT_EQ(SearchIds({"916123"}), Ids{ids[0].value()});  // national number
  EXPECT_EQ(SearchIds({"nomatch"}), Ids{});
  EXPECT_EQ(SearchIds({"ivan", "orlova"}), Ids{});

  // Search pages keyset by id; the sort asked is ignored.
  app::ContactQuery query;
  query.filter.search_terms = {"iv"};
  query.sort = app::ContactSort::kName;
  query.limit = 1;
  const app::ContactPage first = List(query);
  ASSERT_EQ(IdsOf(first.items), Ids{ids[2].value()});
  ASSERT_TRUE(first.next.has_value());
  query.after = first.next;
  EXPECT_EQ(IdsOf(List(query).items), Ids{ids[0].value()});

  // Search combines with filters, counts and scans.
  app::ContactFilter filter;
  filter.search_terms = {"iv"};
  EXPECT_EQ(Count(filter), 2);
  Result<std::vector<app::Contact>> scanned =
      InRead([&](app::RelationshipsReader& r) { return r.ScanContacts(filter, ContactId(0), 10); });
  ASSERT_TRUE(scanned.ok()) << scanned.status().ToString();
  EXPECT_EQ(IdsOf(*scanned), (Ids{ids[0].value(), ids[2].value()}));
  filter.role = RelationshipRole::kSupplier;
  EXPECT_EQ(Count(filter), 0);

  // An update replaces the document: old words stop matching, new ones match.
  app::ContactRecord renamed = Person("Oleg", "Orlov");
  renamed.search_text = "олег орлов oleg";
  ASSERT_TRUE(Update(ids[0], renamed, Minutes(5)).ok());
  EXPECT_EQ(SearchIds({"ivan", "mail"}), Ids{});
  EXPECT_EQ(SearchIds({"iv"}), Ids{ids[2].value()});
  EXPECT_EQ(SearchIds({"оле"}), Ids{ids[0].value()});

  // Merged contacts leave search results.
  ASSERT_TRUE(InWrite([&](app::WriteTransaction& tx) {
                return tx.RelationshipsOut().SetMergedInto(ids[2], ids[1], Minutes(6));
              }).ok());
  EXPECT_EQ(SearchIds({"iv"}), Ids{});
}

TEST_P(RelationshipsConformance, UpdateReplacesTheRecordAndIdentities) {
  app::ContactRecord record = Person("Ann", "Lee", "ann@example.com");
  record.profile.other_emails = {"old@example.com"};
  record.profile.external_id = "E1";
  record.profile.gender = domain::Gender::kFemale;
  const ContactId id = InsertOne(record);
  app::ContactRecord changed = Person("Anna", "Leigh", "anna@example.com");
  changed.profile.other_emails = {"new@example.com", "new@example.com"};
  changed.profile.other_phones = {"+15550001111"};
  changed.profile.birthday = "2000-01-01";
  ASSERT_TRUE(Update(id, changed, Minutes(9)).ok());
  const std::optional<app::Contact> got = Get(id);
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(got->profile.first_name, "Anna");
  EXPECT_EQ(got->profile.email, "anna@example.com");
  EXPECT_EQ(got->profile.other_emails, changed.profile.other_emails);
  EXPECT_EQ(got->profile.external_id, "");
  EXPECT_FALSE(got->profile.gender.has_value());
  EXPECT_EQ(got->profile.birthday, "2000-01-01");
  EXPECT_EQ(got->created_at, kStart);
  EXPECT_EQ(got->updated_at, Minutes(9));
  const std::string where = " WHERE contact_id = " + std::to_string(id.value()) + " ORDER BY kind, value";
  EXPECT_EQ(Raw()->Column("SELECT value FROM contact_identities" + where),
            (std::vector<std::string>{"new@example.com", "+15550001111"}));
  EXPECT_EQ(Raw()->Column("SELECT count(*) FROM contacts WHERE external_id IS NULL"), std::vector<std::string>{"1"});
  EXPECT_EQ(Update(ContactId(4242), changed, Minutes(9)).code(), StatusCode::kNotFound);
}

TEST_P(RelationshipsConformance, CompanyLinksKeepOnePrimaryMirroredOnTheContact) {
  const CompanyId acme = AddCompany("Acme");
  const CompanyId zeta = AddCompany("Zeta");
  const CompanyId beta = AddCompany("Beta");
  const ContactId id = InsertOne(Person("Ann", "Lee"));
  auto& relationships = *this;
  const auto link = [&](CompanyId company, bool primary, std::string title = "") {
    return relationships.InWrite([&](app::WriteTransaction& tx) {
      return tx.RelationshipsOut().LinkCompany(id, app::CompanyLink{company, "", title, primary}, Minutes(1));
    });
  };
  const auto mirrored = [&] {
    return Raw()->Column("SELECT company_id FROM contacts WHERE id = " + std::to_string(id.value())).at(0);
  };
  ASSERT_TRUE(link(zeta, false, "advisor").ok());
  EXPECT_EQ(mirrored(), "");
  ASSERT_TRUE(link(acme, true).ok());
  ASSERT_TRUE(link(beta, false).ok());
  EXPECT_EQ(mirrored(), std::to_string(acme.value()));
  std::optional<app::Contact> contact = Get(id);
  ASSERT_TRUE(contact.has_value());
  ASSERT_EQ(contact->companies.size(), 3u);  // primary first, then by name
  EXPECT_EQ(contact->companies[0].company_id, acme);
  EXPECT_TRUE(contact->companies[0].primary);
  EXPECT_EQ(contact->companies[1].company_name, "Beta");
  EXPECT_EQ(contact->companies[2].company_name, "Zeta");
  EXPECT_EQ(contact->companies[2].job_title, "advisor");

  // A new primary demotes the old one; re-linking changes title and flag.
  ASSERT_TRUE(link(zeta, true, "chair").ok());
  EXPECT_EQ(mirrored(), std::to_string(zeta.value()));
  contact = Get(id);
  EXPECT_EQ(contact->companies[0].company_id, zeta);
  EXPECT_EQ(contact->companies[0].job_title, "chair");
  EXPECT_EQ(std::count_if(contact->companies.begin(), contact->companies.end(),
                          [](const app::CompanyLink& l) { return l.primary; }),
            1);
  Result<std::optional<app::Company>> company = InRead([&](app::RelationshipsReader& r) { return r.GetCompany(zeta); });
  ASSERT_TRUE(company.ok() && company->has_value());
  EXPECT_EQ((*company)->contact_count, 1);

  // Unlinking the primary clears the mirror.
  ASSERT_TRUE(InWrite([&](app::WriteTransaction& tx) { return tx.RelationshipsOut().UnlinkCompany(id, zeta); }).ok());
  EXPECT_EQ(mirrored(), "");
  EXPECT_EQ(Get(id)->companies.size(), 2u);
  EXPECT_EQ(InWrite([&](app::WriteTransaction& tx) { return tx.RelationshipsOut().UnlinkCompany(id, zeta); }).code(),
            StatusCode::kNotFound);
  EXPECT_EQ(link(CompanyId(777), false).code(), StatusCode::kNotFound);
}

TEST_P(RelationshipsConformance, LinksPerContactStopAtTheLimit) {
  const ContactId id = InsertOne(Person("Ann", "Lee"));
  std::vector<CompanyId> companies;
  for (std::size_t i = 0; i <= limits::kCompaniesPerContactMax; ++i)
    companies.push_back(AddCompany("C" + std::to_string(i)));
  for (std::size_t i = 0; i < limits::kCompaniesPerContactMax; ++i) {
    ASSERT_TRUE(InWrite([&](app::WriteTransaction& tx) {
                  return tx.RelationshipsOut().LinkCompany(id, app::CompanyLink{companies[i], "", "", false}, kStart);
                }).ok());
  }
  const Status over = InWrite([&](app::WriteTransaction& tx) {
    return tx.RelationshipsOut().LinkCompany(id, app::CompanyLink{companies.back(), "", "", false}, kStart);
  });
  EXPECT_EQ(over.code(), StatusCode::kResourceExhausted);
  // Re-linking an existing company is not a new link.
  EXPECT_TRUE(InWrite([&](app::WriteTransaction& tx) {
                return tx.RelationshipsOut().LinkCompany(id, app::CompanyLink{companies[0], "", "cto", true}, kStart);
              }).ok());
}

TEST_P(RelationshipsConformance, CompaniesInsertUpdateFindAndList) {
  const UserId owner = AddUser("owner@example.com");
  app::CompanyProfile profile;
  profile.name = "Acme Widgets";
  profile.country_code = "GB";
  profile.website = "https://acme.example";
  profile.email = "info@acme.example";
  profile.phone = "+442070000000";
  profile.address = {"1 High St", "", "London", "", "N1 1AA", "GB"};
  profile.roles = domain::RoleBit(RelationshipRole::kSupplier);
  profile.owner = owner;
  profile.external_id = "C-1";
  profile.custom_json = R"({"size":"large"})";
  Result<CompanyId> id =
      InWrite([&](app::WriteTransaction& tx) { return tx.RelationshipsOut().InsertCompany(profile, Minutes(1)); });
  ASSERT_TRUE(id.ok()) << id.status().ToString();
  Result<std::optional<app::Company>> got = InRead([&](app::RelationshipsReader& r) { return r.GetCompany(*id); });
  ASSERT_TRUE(got.ok() && got->has_value()) << got.status().ToString();
  const app::Company& company = **got;
  EXPECT_EQ(company.profile.name, profile.name);
  EXPECT_EQ(company.profile.country_code, "GB");
  EXPECT_EQ(company.profile.website, profile.website);
  EXPECT_EQ(company.profile.email, profile.email);
  EXPECT_EQ(company.profile.phone, profile.phone);
  EXPECT_EQ(company.profile.address.line1, "1 High St");
  EXPECT_EQ(company.profile.address.city, "London");
  EXPECT_EQ(company.profile.address.postal_code, "N1 1AA");
  EXPECT_EQ(company.profile.roles, profile.roles);
  EXPECT_EQ(company.profile.owner, owner);
  EXPECT_EQ(company.profile.external_id, "C-1");
  EXPECT_EQ(company.profile.custom_json, profile.custom_json);
  EXPECT_EQ(company.contact_count, 0);
  EXPECT_EQ(company.created_at, Minutes(1));
  EXPECT_EQ(company.updated_at, Minutes(1));

  Result<CompanyId> clash =
      InWrite([&](app::WriteTransaction& tx) { return tx.RelationshipsOut().InsertCompany(profile, Minutes(1)); });
  EXPECT_EQ(clash.status().code(), StatusCode::kAlreadyExists);
  EXPECT_NE(clash.status().message().find("C-1"), std::string::npos);

  profile.name = "Acme Gadgets";
  ASSERT_TRUE(InWrite([&](app::WriteTransaction& tx) {
                return tx.RelationshipsOut().UpdateCompany(*id, profile, Minutes(2));
              }).ok());
  got = InRead([&](app::RelationshipsReader& r) { return r.GetCompany(*id); });
  EXPECT_EQ((*got)->profile.name, "Acme Gadgets");
  EXPECT_EQ((*got)->updated_at, Minutes(2));
  EXPECT_EQ(InWrite([&](app::WriteTransaction& tx) {
              return tx.RelationshipsOut().UpdateCompany(CompanyId(999), profile, Minutes(2));
            }).code(),
            StatusCode::kNotFound);

  const CompanyId romashka = AddCompany("ООО «Ромашка»");
  const auto by_name = [&](std::string name) {
    Result<std::optional<CompanyId>> found =
        InRead([&](app::RelationshipsReader& r) { return r.FindCompanyByName(name); });
    EXPECT_TRUE(found.ok()) << found.status().ToString();
    return found.ok() ? *found : std::nullopt;
  };
  EXPECT_EQ(by_name("acme GADGETS"), *id);
  EXPECT_EQ(by_name("ооо «ромашка»"), romashka);
  EXPECT_EQ(by_name("Acme"), std::nullopt);
  Result<std::optional<CompanyId>> by_external =
      InRead([&](app::RelationshipsReader& r) { return r.FindCompanyByExternalId("C-1"); });
  ASSERT_TRUE(by_external.ok());
  EXPECT_EQ(*by_external, *id);
  by_external = InRead([&](app::RelationshipsReader& r) { return r.FindCompanyByExternalId(""); });
  EXPECT_EQ(*by_external, std::nullopt);

  // Lists: by folded name then id, every term a prefix of a word.
  const CompanyId acme_two = AddCompany("Acme Gadgets");  // same name: ordered by id
  const CompanyId partner = AddCompany("Gadget Partners", domain::RoleBit(RelationshipRole::kPartner));
  AddCompany("Big Widget Co");
  const auto list = [&](app::CompanyQuery query) {
    std::vector<std::int64_t> ids;
    for (int guard = 0; guard < 100; ++guard) {
      Result<app::CompanyPage> page = InRead([&](app::RelationshipsReader& r) { return r.ListCompanies(query); });
      EXPECT_TRUE(page.ok()) << page.status().ToString();
      if (!page.ok()) break;
      for (const app::Company& c : page->items) ids.push_back(c.id.value());
      if (!page->next) break;
      query.after = page->next;
      query.after_name = page->next_name;
    }
    return ids;
  };
  using Ids = std::vector<std::int64_t>;
  app::CompanyQuery query;
  query.limit = 2;
  query.search_terms = {"gad"};
  EXPECT_EQ(list(query), (Ids{id->value(), acme_two.value(), partner.value()}));
  query.search_terms = {"gad", "acm"};
  EXPECT_EQ(list(query), (Ids{id->value(), acme_two.value()}));
  query.search_terms = {"dget"};  // not a word prefix
  EXPECT_EQ(list(query), Ids{});
  query.search_terms = {"ромаш"};
  EXPECT_EQ(list(query), Ids{romashka.value()});
  query.search_terms = {};
  query.role = RelationshipRole::kPartner;
  EXPECT_EQ(list(query), Ids{partner.value()});
  query.role.reset();
  EXPECT_EQ(list(query).size(), 5u);
}

TEST_P(RelationshipsConformance, CustomFieldsInsertListUpdate) {
  app::CustomFieldDefinition field;
  field.key = "tier";
  field.label = "Уровень";
  field.type = domain::CustomFieldType::kChoice;
  field.choices = {"gold", "silver", "бронза"};
  field.required = true;
  field.created_at = Minutes(1);
  Result<CustomFieldId> id =
      InWrite([&](app::WriteTransaction& tx) { return tx.RelationshipsOut().InsertCustomField(field); });
  ASSERT_TRUE(id.ok()) << id.status().ToString();
  Result<CustomFieldId> again =
      InWrite([&](app::WriteTransaction& tx) { return tx.RelationshipsOut().InsertCustomField(field); });
  EXPECT_EQ(again.status().code(), StatusCode::kAlreadyExists);
  app::CustomFieldDefinition company_field;
  company_field.key = "arr";
  company_field.type = domain::CustomFieldType::kNumber;
  company_field.applies_to = "company";
  ASSERT_TRUE(
      InWrite([&](app::WriteTransaction& tx) { return tx.RelationshipsOut().InsertCustomField(company_field); }).ok());
  company_field.key = "bad";
  company_field.applies_to = "deal";
  EXPECT_EQ(InWrite([&](app::WriteTransaction& tx) { return tx.RelationshipsOut().InsertCustomField(company_field); })
                .status()
                .code(),
            StatusCode::kInvalidArgument);

  field.id = *id;
  field.label = "Tier";
  field.choices = {"gold"};
  field.required = false;
  ASSERT_TRUE(InWrite([&](app::WriteTransaction& tx) { return tx.RelationshipsOut().UpdateCustomField(field); }).ok());
  Result<std::vector<app::CustomFieldDefinition>> fields =
      InRead([](app::RelationshipsReader& r) { return r.ListCustomFields(); });
  ASSERT_TRUE(fields.ok()) << fields.status().ToString();
  ASSERT_EQ(fields->size(), 2u);  // by key
  EXPECT_EQ((*fields)[0].key, "arr");
  EXPECT_EQ((*fields)[0].type, domain::CustomFieldType::kNumber);
  EXPECT_EQ((*fields)[0].applies_to, "company");
  const app::CustomFieldDefinition& tier = (*fields)[1];
  EXPECT_EQ(tier.id, *id);
  EXPECT_EQ(tier.label, "Tier");
  EXPECT_EQ(tier.type, domain::CustomFieldType::kChoice);
  EXPECT_EQ(tier.choices, std::vector<std::string>{"gold"});
  EXPECT_FALSE(tier.required);
  EXPECT_EQ(tier.applies_to, "contact");
  EXPECT_EQ(tier.created_at, Minutes(1));
  field.id = CustomFieldId(999);
  EXPECT_EQ(InWrite([&](app::WriteTransaction& tx) { return tx.RelationshipsOut().UpdateCustomField(field); }).code(),
            StatusCode::kNotFound);
}

TEST_P(RelationshipsConformance, DuplicatesUpsertDecideAndListByScore) {
  std::vector<app::ContactRecord> people;
  for (int i = 0; i < 6; ++i) people.push_back(Person("P", "N" + std::to_string(i)));
  const std::vector<ContactId> ids = Insert(people);
  ASSERT_EQ(ids.size(), 6u);
  const auto upsert = [&](int first, int second, int score, std::vector<domain::DuplicateRule> rules) {
    app::DuplicateCandidate candidate;
    candidate.first = ids[static_cast<std::size_t>(first)];
    candidate.second = ids[static_cast<std::size_t>(second)];
    candidate.score = score;
    candidate.rules = std::move(rules);
    candidate.found_at = Minutes(1);
    Result<DuplicateId> id =
        InWrite([&](app::WriteTransaction& tx) { return tx.RelationshipsOut().UpsertDuplicate(candidate); });
    EXPECT_TRUE(id.ok()) << id.status().ToString();
    return id.ok() ? *id : DuplicateId(0);
  };
  const auto get = [&](DuplicateId id) {
    Result<std::optional<app::DuplicateCandidate>> got =
        InRead([&](app::RelationshipsReader& r) { return r.GetDuplicate(id); });
    EXPECT_TRUE(got.ok()) << got.status().ToString();
    return got.ok() && got->has_value() ? **got : app::DuplicateCandidate{};
  };
  const DuplicateId a = upsert(0, 1, 70, {domain::DuplicateRule::kSimilarNameSameCompany});
  const DuplicateId again =
      upsert(0, 1, 100, {domain::DuplicateRule::kSameEmail, domain::DuplicateRule::kSimilarNameSameCompany});
  EXPECT_EQ(a, again);
  app::DuplicateCandidate got = get(a);
  EXPECT_EQ(got.first, ids[0]);
  EXPECT_EQ(got.second, ids[1]);
  EXPECT_EQ(got.score, 100);
  EXPECT_EQ(got.rules, (std::vector<domain::DuplicateRule>{domain::DuplicateRule::kSameEmail,
                                                           domain::DuplicateRule::kSimilarNameSameCompany}));
  EXPECT_EQ(got.status, app::DuplicateStatus::kOpen);
  EXPECT_EQ(got.found_at, Minutes(1));
  EXPECT_EQ(got.decided_at, Timestamp{});

  const DuplicateId b = upsert(2, 3, 90, {domain::DuplicateRule::kSamePhone});
  const DuplicateId c = upsert(1, 4, 90, {domain::DuplicateRule::kSamePhone});
  const DuplicateId d = upsert(3, 5, 65, {domain::DuplicateRule::kSimilarNameSameBirthday});
  ASSERT_TRUE(InWrite([&](app::WriteTransaction& tx) {
                return tx.RelationshipsOut().DecideDuplicate(d, app::DuplicateStatus::kDismissed, Minutes(3));
              }).ok());
  // A decided pair is left alone by a later upsert.
  EXPECT_EQ(upsert(3, 5, 99, {domain::DuplicateRule::kSameEmail}), d);
  got = get(d);
  EXPECT_EQ(got.score, 65);
  EXPECT_EQ(got.status, app::DuplicateStatus::kDismissed);
  EXPECT_EQ(got.decided_at, Minutes(3));

  const auto list = [&](app::DuplicateStatus status, int limit) {
    std::vector<std::int64_t> listed;
    std::optional<std::pair<int, DuplicateId>> after;
    for (int guard = 0; guard < 100; ++guard) {
      Result<std::vector<app::DuplicateCandidate>> page =
          InRead([&](app::RelationshipsReader& r) { return r.ListDuplicates(status, after, limit); });
      EXPECT_TRUE(page.ok()) << page.status().ToString();
      if (!page.ok() || page->empty()) break;
      for (const auto& candidate : *page) listed.push_back(candidate.id.value());
      after = std::pair(page->back().score, page->back().id);
    }
    return listed;
  };
  const std::int64_t first90 = std::min(b.value(), c.value());
  const std::int64_t second90 = std::max(b.value(), c.value());
  EXPECT_EQ(list(app::DuplicateStatus::kOpen, 1), (std::vector<std::int64_t>{a.value(), first90, second90}));
  EXPECT_EQ(list(app::DuplicateStatus::kOpen, 2), (std::vector<std::int64_t>{a.value(), first90, second90}));
  EXPECT_EQ(list(app::DuplicateStatus::kDismissed, 10), std::vector<std::int64_t>{d.value()});
  EXPECT_TRUE(list(app::DuplicateStatus::kMerged, 10).empty());

  EXPECT_EQ(InWrite([&](app::WriteTransaction& tx) {
              return tx.RelationshipsOut().DecideDuplicate(DuplicateId(999), app::DuplicateStatus::kMerged, kStart);
            }).code(),
            StatusCode::kNotFound);
  app::DuplicateCandidate reversed;
  reversed.first = ids[4];
  reversed.second = ids[1];
  EXPECT_EQ(InWrite([&](app::WriteTransaction& tx) { return tx.RelationshipsOut().UpsertDuplicate(reversed); })
                .status()
                .code(),
            StatusCode::kInvalidArgument);

  // A rule name this binary does not know is data loss, not a guess.
  ASSERT_EQ(Raw()->Execute("UPDATE duplicate_candidates SET rules = 'same_email,same_aura' WHERE id = " +
                           std::to_string(b.value())),
            "");
  Result<std::optional<app::DuplicateCandidate>> unknown =
      InRead([&](app::RelationshipsReader& r) { return r.GetDuplicate(b); });
  EXPECT_EQ(unknown.status().code(), StatusCode::kDataLoss);
}

TEST_P(RelationshipsConformance, DuplicateNeighboursAndProbes) {
  const CompanyId acme = AddCompany("Acme");
  app::ContactRecord self = Person("Ivan", "Petrov", "ivan@mail.ru");
  self.profile.phone = "+79160000001";
  self.profile.birthday = "1980-05-05";
  self.primary_company = app::CompanyLink{acme, "", "", true};
  app::ContactRecord by_other_email = Person("Someone", "Else", "x@example.com");
  by_other_email.profile.other_emails = {"ivan@mail.ru"};
  app::ContactRecord by_phone = Person("Third", "Person");
  by_phone.profile.phone = "+79160000002";
  app::ContactRecord by_name_company = Person("Ivann", "Petrova");
  by_name_company.primary_company = app::CompanyLink{acme, "", "", true};
  app::ContactRecord by_name_birthday = Person("I", "Petrenko");
  by_name_birthday.profile.birthday = "1980-05-05";
  app::ContactRecord name_only = Person("Ivan", "Petrovsky");  // same prefix, nothing shared
  app::ContactRecord merged = Person("Merged", "Copy", "ivan@mail.ru");
  const std::vector<ContactId> ids =
      Insert({self, by_other_email, by_phone, by_name_company, by_name_birthday, name_only, merged});
  ASSERT_EQ(ids.size(), 7u);
  ASSERT_TRUE(InWrite([&](app::WriteTransaction& tx) {
                return tx.RelationshipsOut().SetMergedInto(ids[6], ids[0], kStart);
              }).ok());

  app::DuplicateProbe probe;
  probe.id = ids[0];
  probe.emails = {"ivan@mail.ru"};
  probe.phones = {"+79160000001", "+79160000002"};
  probe.sort_name = self.sort_name;
  probe.birthday = "1980-05-05";
  probe.company_ids = {acme.value()};
  Result<std::vector<app::DuplicateProbe>> neighbours =
      InRead([&](app::RelationshipsReader& r) { return r.DuplicateNeighbours(probe, 50); });
  ASSERT_TRUE(neighbours.ok()) << neighbours.status().ToString();
  std::vector<std::int64_t> found;
  for (const app::DuplicateProbe& n : *neighbours) found.push_back(n.id.value());
  EXPECT_EQ(found, (std::vector<std::int64_t>{ids[1].value(), ids[2].value(), ids[3].value(), ids[4].value()}));
  // Probes carry every e-mail and phone, primary first, and the companies.
  const app::DuplicateProbe& other = neighbours->front();
  EXPECT_EQ(other.emails, (std::vector<std::string>{"x@example.com", "ivan@mail.ru"}));
  EXPECT_EQ((*neighbours)[2].company_ids, std::vector<std::int64_t>{acme.value()});

  neighbours = InRead([&](app::RelationshipsReader& r) { return r.DuplicateNeighbours(probe, 2); });
  ASSERT_TRUE(neighbours.ok());
  EXPECT_EQ(neighbours->size(), 2u);

  // A Cyrillic name prefix is cut at code points, not bytes.
  app::ContactRecord cyrillic_a = Person("A", "B");
  cyrillic_a.sort_name = "иванов иван";
  cyrillic_a.profile.birthday = "1970-01-01";
  app::ContactRecord cyrillic_b = Person("C", "D");
  cyrillic_b.sort_name = "иванова анна";
  cyrillic_b.profile.birthday = "1970-01-01";
  const std::vector<ContactId> cyrillic = Insert({cyrillic_a, cyrillic_b});
  app::DuplicateProbe cyrillic_probe;
  cyrillic_probe.id = cyrillic[0];
  cyrillic_probe.sort_name = "иванов иван";
  cyrillic_probe.birthday = "1970-01-01";
  neighbours = InRead([&](app::RelationshipsReader& r) { return r.DuplicateNeighbours(cyrillic_probe, 50); });
  ASSERT_TRUE(neighbours.ok()) << neighbours.status().ToString();
  ASSERT_EQ(neighbours->size(), 1u);
  EXPECT_EQ(neighbours->front().id, cyrillic[1]);

  Result<std::vector<app::DuplicateProbe>> probes =
      InRead([&](app::RelationshipsReader& r) { return r.ScanProbes(ids[4], 3); });
  ASSERT_TRUE(probes.ok()) << probes.status().ToString();
  std::vector<std::int64_t> scanned;
  for (const app::DuplicateProbe& p : *probes) scanned.push_back(p.id.value());
  EXPECT_EQ(scanned, (std::vector<std::int64_t>{ids[5].value(), cyrillic[0].value(), cyrillic[1].value()}));
  EXPECT_EQ(probes->at(1).birthday, "1970-01-01");
}

TEST_P(RelationshipsConformance, ImportMappingsSaveReplaceListDelete) {
  const auto save = [&](std::string name, std::string json, Timestamp at) {
    Result<ImportMappingId> id =
        InWrite([&](app::WriteTransaction& tx) { return tx.RelationshipsOut().SaveImportMapping(name, json, at); });
    EXPECT_TRUE(id.ok()) << id.status().ToString();
    return id.ok() ? *id : ImportMappingId(0);
  };
  const ImportMappingId hubspot = save("hubspot", R"({"Email":"email"})", Minutes(1));
  save("Ёжик", R"({"Имя":"first_name"})", Minutes(2));
  EXPECT_EQ(save("hubspot", R"({"E-mail":"email"})", Minutes(3)), hubspot);
  Result<std::optional<app::ImportMapping>> got =
      InRead([](app::RelationshipsReader& r) { return r.GetImportMapping("hubspot"); });
  ASSERT_TRUE(got.ok() && got->has_value());
  EXPECT_EQ((*got)->mapping_json, R"({"E-mail":"email"})");
  EXPECT_EQ((*got)->updated_at, Minutes(3));
  Result<std::vector<app::ImportMapping>> all =
      InRead([](app::RelationshipsReader& r) { return r.ListImportMappings(); });
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[0].name, "hubspot");
  EXPECT_EQ((*all)[1].name, "Ёжик");
  EXPECT_TRUE(
      InWrite([](app::WriteTransaction& tx) { return tx.RelationshipsOut().DeleteImportMapping("hubspot"); }).ok());
  EXPECT_EQ(
      InWrite([](app::WriteTransaction& tx) { return tx.RelationshipsOut().DeleteImportMapping("hubspot"); }).code(),
      StatusCode::kNotFound);
  got = InRead([](app::RelationshipsReader& r) { return r.GetImportMapping("hubspot"); });
  ASSERT_TRUE(got.ok());
  EXPECT_FALSE(got->has_value());
}

TEST_P(RelationshipsConformance, DeleteRefusesReferencedContactsAndCleansUp) {
  const CompanyId acme = AddCompany("Acme");
  app::ContactRecord buyer = Person("Bea", "Buyer");
  buyer.search_text = "bea buyer";
  app::ContactRecord paired = Person("Pia", "Paired");
  app::ContactRecord lone = Person("Lou", "Lone");
  lone.search_text = "lou lone";
  lone.profile.other_emails = {"lou@example.com"};
  lone.primary_company = app::CompanyLink{acme, "", "", true};
  const std::vector<ContactId> ids = Insert({buyer, paired, lone});
  ASSERT_EQ(ids.size(), 3u);
  ASSERT_TRUE(InWrite([&](app::WriteTransaction& tx) {
                const app::NewPurchase purchase[] = {{ids[0], 1000, "EUR", "web", kStart, ""}};
                return tx.DirectoryOut().InsertPurchases(purchase);
              }).ok());
  app::DuplicateCandidate candidate;
  candidate.first = ids[1];
  candidate.second = ids[2];
  candidate.score = 90;
  // Pair paired with buyer instead, so `lone` stays free.
  candidate.first = ids[0];
  candidate.second = ids[1];
  ASSERT_TRUE(
      InWrite([&](app::WriteTransaction& tx) { return tx.RelationshipsOut().UpsertDuplicate(candidate); }).ok());

  const auto remove = [&](ContactId id) {
    return InWrite([&](app::WriteTransaction& tx) { return tx.RelationshipsOut().DeleteContact(id); });
  };
  const Status purchases = remove(ids[0]);
  EXPECT_EQ(purchases.code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(purchases.message().find("purchases"), std::string::npos) << purchases.ToString();
  const Status duplicates = remove(ids[1]);
  EXPECT_EQ(duplicates.code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(duplicates.message().find("duplicate"), std::string::npos) << duplicates.ToString();
  EXPECT_TRUE(Get(ids[1]).has_value());

  // What the loyalty programme derived without any history goes with the contact.
  ASSERT_TRUE(InWrite([&](app::WriteTransaction& tx) -> Status {
                RAPPORT_RETURN_IF_ERROR(tx.RewardsOut().LockMember(ids[2]));
                RAPPORT_RETURN_IF_ERROR(tx.TiersOut().PutMemberTier(ids[2], domain::TierStatus{}));
                return tx.ReferralsOut().PutReferralCode(ids[2], "LONE-CODE", FromUnixMicros(1));
              }).ok());
  ASSERT_TRUE(remove(ids[2]).ok());
  EXPECT_FALSE(Get(ids[2]).has_value());
  EXPECT_EQ(Raw()->Column("SELECT count(*) FROM loyalty_accounts WHERE contact_id = " + std::to_string(ids[2].value())),
            std::vector<std::string>{"0"});
  EXPECT_EQ(Raw()->Column("SELECT count(*) FROM member_tiers"), std::vector<std::string>{"0"});
  EXPECT_EQ(Raw()->Column("SELECT count(*) FROM referral_codes"), std::vector<std::string>{"0"});
  EXPECT_EQ(SearchIds({"lou"}), std::vector<std::int64_t>{});
  EXPECT_EQ(Raw()->Column("SELECT count(*) FROM contact_identities"), std::vector<std::string>{"0"});
  EXPECT_EQ(Raw()->Column("SELECT count(*) FROM contact_companies"), std::vector<std::string>{"0"});
  EXPECT_EQ(remove(ids[2]).code(), StatusCode::kNotFound);
  EXPECT_EQ(SearchIds({"bea"}), std::vector<std::int64_t>{ids[0].value()});
}

INSTANTIATE_TEST_SUITE_P(Backends, RelationshipsConformance, ::testing::Values(Backend::kSqlite, Backend::kPostgres),
                         [](const ::testing::TestParamInfo<Backend>& param_info) {
                           return BackendName(param_info.param);
                         });

}  // namespace
}  // namespace rapport::store

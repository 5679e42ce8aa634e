// The card details conformance suite: notes and their search, tasks, the
// append-only consent history, interests, merge records and the row moves of
// a merge (app/card_details.h), plus EventLogReader::ReadSubjects, behave
// alike on SQLite (a temp file) and PostgreSQL (a schema of its own in the
// database at RAPPORT_TEST_POSTGRES_URL; skipped when unset).
//
// Contacts, companies and purchases are fixtures written with raw SQL, so the
// suite depends only on the repositories it tests.
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "store_test_support.h"

#include "rapport/base/limits.h"
#include "rapport/store/open_store.h"

namespace rapport::store {
namespace {

using testing::Backend;

const Timestamp kStart = testing::kStoreTestStart;  // 2026-11-18
constexpr std::int64_t kHourUs = 3'600'000'000;

Timestamp HoursLater(int hours) { return kStart + Microseconds(hours * kHourUs); }

std::vector<std::int64_t> Values(const std::vector<ContactId>& ids) {
  std::vector<std::int64_t> values;
  for (const ContactId id : ids) values.push_back(id.value());
  return values;
}

class CardDetailsConformance : public testing::StoreConformanceTest {
 protected:
  // Runs `body(writer)` in one write transaction and returns what it returned
  // (or the store's failure). A non-ok result rolls the body back.
  template <typename Body>
  auto InWrite(Body&& body) {
    return InWriteTransaction([&](app::WriteTransaction& tx) { return body(tx.CardDetailsOut()); });
  }

  template <typename Body>
  auto InRead(Body&& body) {
    return InReadTransaction([&](app::ReadTransaction& tx) { return body(tx.CardDetails()); });
  }

  ContactId AddContact(std::int64_t id, const std::string& first_name = "Ann") {
    Raw("INSERT INTO contacts (id, first_name, last_name, email, phone, locale, time_zone, created_at_us, "
        "updated_at_us) VALUES (" +
        std::to_string(id) + ", '" + first_name + "', 'Example', 'c" + std::to_string(id) +
        "@example.com', '', 'en', 'UTC', 1, 1)");
    return ContactId(id);
  }

  void AddCompany(std::int64_t id) {
    Raw("INSERT INTO companies (id, name, country_code, created_at_us) VALUES (" + std::to_string(id) + ", 'Company " +
        std::to_string(id) + "', 'NL', 1)");
  }

  void LinkCompany(ContactId contact, std::int64_t company, bool primary) {
    Raw("INSERT INTO contact_companies (contact_id, company_id, job_title, is_primary, linked_at_us) VALUES (" +
        std::to_string(contact.value()) + ", " + std::to_string(company) + ", 'Buyer', " + (primary ? "1" : "0") +
        ", 1)");
  }

  void AddPurchase(ContactId contact, const std::string& external_id) {
    Raw("INSERT INTO purchases (contact_id, total_minor, currency, channel, occurred_at_us, external_id) VALUES (" +
        std::to_string(contact.value()) + ", 1000, 'EUR', 'shop', 1, '" + external_id + "')");
  }

  NoteId AddNote(ContactId contact, const std::string& body) {
    Result<NoteId> id = InWrite([&](app::CardDetailsWriter& card) {
      return card.InsertNote(app::Note{NoteId(), contact, body, "user:1", kStart, kStart});
    });
    EXPECT_TRUE(id.ok()) << id.status().ToString();
    return id.ok() ? *id : NoteId();
  }

  TaskId AddTask(ContactId contact, const std::string& title, std::optional<Timestamp> due_at,
                 std::optional<UserId> assignee = std::nullopt, bool done = false) {
    app::Task task;
    task.contact_id = contact;
    task.title = title;
    task.due_at = due_at;
    task.assignee = assignee;
    task.done = done;
    if (done) task.done_at = kStart;
    task.created_by = "user:1";
    Result<TaskId> id = InWrite([&](app::CardDetailsWriter& card) { return card.InsertTask(task); });
    EXPECT_TRUE(id.ok()) << id.status().ToString();
    return id.ok() ? *id : TaskId();
  }

  std::int64_t AddConsent(ContactId contact, domain::ConsentChannel channel, domain::ConsentPurpose purpose,
                          domain::ConsentStatus status, const std::string& proof = "form:/signup") {
    app::ConsentEntry entry;
    entry.contact_id = contact;
    entry.channel = channel;
    entry.purpose = purpose;
    entry.status = status;
    entry.recorded_at = kStart;
    entry.method = "web_form";
    entry.proof = proof;
    entry.actor = "user:1";
    Result<std::int64_t> id = InWrite([&](app::CardDetailsWriter& card) { return card.AppendConsent(entry); });
    EXPECT_TRUE(id.ok()) << id.status().ToString();
    return id.ok() ? *id : 0;
  }

  std::vector<std::int64_t> SearchNotes(std::vector<std::string> terms, std::optional<ContactId> before = std::nullopt,
                                        int limit = 50) {
    Result<std::vector<ContactId>> found =
        InRead([&](app::CardDetailsReader& card) { return card.SearchNotes(terms, before, limit); });
    EXPECT_TRUE(found.ok()) << found.status().ToString();
    return found.ok() ? Values(*found) : std::vector<std::int64_t>{};
  }

  // Rows per related table owned by `contact`.
  std::map<std::string, std::int64_t> RowCounts(ContactId contact) {
    std::map<std::string, std::int64_t> counts;
    for (const char* table :
         {"notes", "tasks", "consent_history", "purchases", "contact_companies", "contact_interests"}) {
      counts[table] = RawCount(std::string("SELECT count(*) FROM ") + table +
                               " WHERE contact_id = " + std::to_string(contact.value()));
    }
    return counts;
  }
};

// --- notes -------------------------------------------------------------------

TEST_P(CardDetailsConformance, NotesAreListedNewestFirstUpdatedAndDeleted) {
  const ContactId ann = AddContact(1);
  const ContactId bob = AddContact(2);
  const NoteId first = AddNote(ann, "Called about the renewal");
  const NoteId second = AddNote(ann, "Sent the offer");
  const NoteId third = AddNote(ann, "Позвонить в пятницу");
  AddNote(bob, "Bob's note");

  Result<std::vector<app::Note>> page =
      InRead([&](app::CardDetailsReader& card) { return card.ListNotes(ann, std::nullopt, 2); });
  ASSERT_TRUE(page.ok()) << page.status().ToString();
  ASSERT_EQ(page->size(), 2u);
  EXPECT_EQ((*page)[0].id, third);
  EXPECT_EQ((*page)[0].body, "Позвонить в пятницу");
  EXPECT_EQ((*page)[0].author, "user:1");
  EXPECT_EQ((*page)[0].contact_id, ann);
  EXPECT_EQ((*page)[1].id, second);
  Result<std::vector<app::Note>> rest =
      InRead([&](app::CardDetailsReader& card) { return card.ListNotes(ann, (*page)[1].id, 2); });
  ASSERT_TRUE(rest.ok());
  ASSERT_EQ(rest->size(), 1u);
  EXPECT_EQ((*rest)[0].id, first);

  ASSERT_TRUE(InWrite([&](app::CardDetailsWriter& card) {
                return card.UpdateNote(second, "Sent the revised offer", HoursLater(1));
              }).ok());
  Result<std::optional<app::Note>> updated = InRead([&](app::CardDetailsReader& card) { return card.GetNote(second); });
  ASSERT_TRUE(updated.ok());
  ASSERT_TRUE(updated->has_value());
  EXPECT_EQ((*updated)->body, "Sent the revised offer");
  EXPECT_EQ((*updated)->created_at, kStart);
  EXPECT_EQ((*updated)->updated_at, HoursLater(1));

  ASSERT_TRUE(InWrite([&](app::CardDetailsWriter& card) { return card.DeleteNote(first); }).ok());
  Result<std::optional<app::Note>> gone = InRead([&](app::CardDetailsReader& card) { return card.GetNote(first); });
  ASSERT_TRUE(gone.ok());
  EXPECT_FALSE(gone->has_value());
  EXPECT_EQ(InWrite([&](app::CardDetailsWriter& card) { return card.DeleteNote(first); }).code(),
            StatusCode::kNotFound);
  EXPECT_EQ(InWrite([&](app::CardDetailsWriter& card) { return card.UpdateNote(first, "x", kStart); }).code(),
            StatusCode::kNotFound);
}

TEST_P(CardDetailsConformance, NoteBodiesAreBounded) {
  const ContactId ann = AddContact(1);
  Result<NoteId> empty = InWrite([&](app::CardDetailsWriter& card) {
    return card.InsertNote(app::Note{NoteId(), ann, "", "user:1", kStart, kStart});
  });
  EXPECT_EQ(empty.status().code(), StatusCode::kInvalidArgument);
  const std::string largest(limits::kNoteBytesMax, 'a');
  Result<NoteId> at_limit = InWrite([&](app::CardDetailsWriter& card) {
    return card.InsertNote(app::Note{NoteId(), ann, largest, "user:1", kStart, kStart});
  });
  EXPECT_TRUE(at_limit.ok()) << at_limit.status().ToString();
  Result<NoteId> over = InWrite([&](app::CardDetailsWriter& card) {
    return card.InsertNote(app::Note{NoteId(), ann, largest + "a", "user:1", kStart, kStart});
  });
  EXPECT_EQ(over.status().code(), StatusCode::kInvalidArgument);
}

TEST_P(CardDetailsConformance, NoteSearchFoldsAccentsAndCyrillic) {
  const ContactId ann = AddContact(1);
  const ContactId bob = AddContact(2);
  const ContactId eve = AddContact(3);
  AddNote(ann, "Met at the Café Noir, wants a quote");
  const NoteId bobs = AddNote(bob, "Встреча с Ёлкиным в четверг");
  AddNote(eve, "Nothing to see");

  EXPECT_EQ(SearchNotes({"cafe"}), (std::vector<std::int64_t>{1}));
  EXPECT_EQ(SearchNotes({"CAFÉ"}), (std::vector<std::int64_t>{1}));
  EXPECT_EQ(SearchNotes({"caf", "quo"}), (std::vector<std::int64_t>{1}));
  EXPECT_EQ(SearchNotes({"елк"}), (std::vector<std::int64_t>{2}));  // ё folds to е
  EXPECT_EQ(SearchNotes({"встреча", "ЧЕТВ"}), (std::vector<std::int64_t>{2}));
  EXPECT_EQ(SearchNotes({"встреча", "cafe"}), (std::vector<std::int64_t>{}));      // terms are ANDed
  EXPECT_EQ(SearchNotes({"noir\" OR \"nothing"}), (std::vector<std::int64_t>{}));  // no operators pass
  EXPECT_EQ(SearchNotes({}), (std::vector<std::int64_t>{}));

  ASSERT_TRUE(
      InWrite([&](app::CardDetailsWriter& card) { return card.UpdateNote(bobs, "Call on Monday", kStart); }).ok());
  EXPECT_EQ(SearchNotes({"елк"}), (std::vector<std::int64_t>{}));
  EXPECT_EQ(SearchNotes({"monday"}), (std::vector<std::int64_t>{2}));
  ASSERT_TRUE(InWrite([&](app::CardDetailsWriter& card) { return card.DeleteNote(bobs); }).ok());
  EXPECT_EQ(SearchNotes({"monday"}), (std::vector<std::int64_t>{}));
}

TEST_P(CardDetailsConformance, NoteSearchAnswersDistinctContactsNewestFirstWithKeyset) {
  for (int id = 1; id <= 4; ++id) AddContact(id);
  AddNote(ContactId(1), "quarterly meeting");
  AddNote(ContactId(3), "meeting notes");
  AddNote(ContactId(3), "second meeting");
  AddNote(ContactId(4), "meetup");
  AddNote(ContactId(2), "unrelated");

  EXPECT_EQ(SearchNotes({"meeting"}), (std::vector<std::int64_t>{3, 1}));
  EXPECT_EQ(SearchNotes({"meet"}), (std::vector<std::int64_t>{4, 3, 1}));
  EXPECT_EQ(SearchNotes({"meet"}, std::nullopt, 2), (std::vector<std::int64_t>{4, 3}));
  EXPECT_EQ(SearchNotes({"meet"}, ContactId(3), 2), (std::vector<std::int64_t>{1}));
}

// --- tasks -------------------------------------------------------------------

TEST_P(CardDetailsConformance, TasksPageByDueDateWithUndatedLast) {
  const ContactId ann = AddContact(1);
  const ContactId bob = AddContact(2);
  const TaskId late = AddTask(ann, "late", HoursLater(5));
  const TaskId undated_a = AddTask(ann, "undated a", std::nullopt);
  const TaskId early_a = AddTask(ann, "early a", HoursLater(1));
  const TaskId early_b = AddTask(ann, "early b", HoursLater(1));
  const TaskId undated_b = AddTask(ann, "undated b", std::nullopt);
  const TaskId done = AddTask(ann, "done", HoursLater(0), std::nullopt, /*done=*/true);
  AddTask(bob, "bob's", HoursLater(0));

  const std::vector<TaskId> open_order = {early_a, early_b, late, undated_a, undated_b};
  for (const int page_size : {1, 2, 3, 50}) {
    SCOPED_TRACE("page size " + std::to_string(page_size));
    app::TaskQuery query;
    query.contact = ann;
    query.limit = page_size;
    std::vector<TaskId> seen;
    for (int pages = 0; pages < 10; ++pages) {
      Result<std::vector<app::Task>> page = InRead([&](app::CardDetailsReader& card) { return card.ListTasks(query); });
      ASSERT_TRUE(page.ok()) << page.status().ToString();
      for (const app::Task& task : *page) seen.push_back(task.id);
      if (std::ssize(*page) < page_size) break;
      query.after = std::make_pair(page->back().due_at, page->back().id);
    }
    EXPECT_EQ(seen, open_order);
  }

  app::TaskQuery everything;
  everything.contact = ann;
  everything.open_only = false;
  Result<std::vector<app::Task>> all = InRead([&](app::CardDetailsReader& card) { return card.ListTasks(everything); });
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 6u);
  EXPECT_EQ((*all)[0].id, done);
  EXPECT_TRUE((*all)[0].done);

  app::TaskQuery any_contact;
  Result<std::vector<app::Task>> open =
      InRead([&](app::CardDetailsReader& card) { return card.ListTasks(any_contact); });
  ASSERT_TRUE(open.ok());
  EXPECT_EQ(open->size(), 6u);  // five of ann's and bob's
}

TEST_P(CardDetailsConformance, TasksRoundTripAndFilterByAssignee) {
  const ContactId ann = AddContact(1);
  Raw("INSERT INTO users (id, email, display_name, role, password_hash, created_at_us, updated_at_us) "
      "VALUES (7, 'agent@example.com', 'Agent', 'agent', 'x', 1, 1)");
  const TaskId mine = AddTask(ann, "mine", HoursLater(2), UserId(7));
  AddTask(ann, "nobody's", HoursLater(1));

  Result<std::optional<app::Task>> got = InRead([&](app::CardDetailsReader& card) { return card.GetTask(mine); });
  ASSERT_TRUE(got.ok());
  ASSERT_TRUE(got->has_value());
  app::Task task = **got;
  EXPECT_EQ(task.title, "mine");
  EXPECT_EQ(task.assignee, UserId(7));
  EXPECT_EQ(task.due_at, HoursLater(2));
  EXPECT_EQ(task.remind_at, std::nullopt);
  EXPECT_FALSE(task.done);
  EXPECT_EQ(task.created_by, "user:1");

  app::TaskQuery assigned;
  assigned.assignee = UserId(7);
  Result<std::vector<app::Task>> list = InRead([&](app::CardDetailsReader& card) { return card.ListTasks(assigned); });
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 1u);
  EXPECT_EQ((*list)[0].id, mine);
  assigned.contact = ann;
  list = InRead([&](app::CardDetailsReader& card) { return card.ListTasks(assigned); });
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 1u);
  EXPECT_EQ((*list)[0].id, mine);

  task.title = "mine, renamed";
  task.details = "Подробности";
  task.remind_at = HoursLater(1);
  task.done = true;
  task.done_at = HoursLater(3);
  task.updated_at = HoursLater(3);
  ASSERT_TRUE(InWrite([&](app::CardDetailsWriter& card) { return card.UpdateTask(task); }).ok());
  got = InRead([&](app::CardDetailsReader& card) { return card.GetTask(mine); });
  ASSERT_TRUE(got.ok() && got->has_value());
  EXPECT_EQ((*got)->title, "mine, renamed");
  EXPECT_EQ((*got)->details, "Подробности");
  EXPECT_EQ((*got)->remind_at, HoursLater(1));
  EXPECT_TRUE((*got)->done);
  EXPECT_EQ((*got)->done_at, HoursLater(3));
  EXPECT_EQ((*got)->updated_at, HoursLater(3));
  list = InRead([&](app::CardDetailsReader& card) { return card.ListTasks(assigned); });
  ASSERT_TRUE(list.ok());
  EXPECT_TRUE(list->empty());  // done tasks leave the open list

  task.id = TaskId(999);
  EXPECT_EQ(InWrite([&](app::CardDetailsWriter& card) { return card.UpdateTask(task); }).code(), StatusCode::kNotFound);
  task.title = "";
  EXPECT_EQ(InWrite([&](app::CardDetailsWriter& card) { return card.UpdateTask(task); }).code(),
            StatusCode::kInvalidArgument);
}

// --- consents ----------------------------------------------------------------

TEST_P(CardDetailsConformance, ConsentHistoryIsAppendOnlyAndCurrentIsNewestPerChannelAndPurpose) {
  using domain::ConsentChannel;
  using domain::ConsentPurpose;
  using domain::ConsentStatus;
  const ContactId ann = AddContact(1);
  const ContactId bob = AddContact(2);
  const std::int64_t granted = AddConsent(ann, ConsentChannel::kEmail, ConsentPurpose::kMarketing,
                                          ConsentStatus::kGranted, "https://example.com/signup");
  const std::int64_t sms = AddConsent(ann, ConsentChannel::kSms, ConsentPurpose::kMarketing, ConsentStatus::kGranted);
  const std::int64_t withdrawn =
      AddConsent(ann, ConsentChannel::kEmail, ConsentPurpose::kMarketing, ConsentStatus::kWithdrawn);
  const std::int64_t profiling =
      AddConsent(ann, ConsentChannel::kAny, ConsentPurpose::kProfiling, ConsentStatus::kGranted);
  AddConsent(bob, ConsentChannel::kEmail, ConsentPurpose::kMarketing, ConsentStatus::kGranted);

  Result<std::vector<app::ConsentEntry>> current =
      InRead([&](app::CardDetailsReader& card) { return card.CurrentConsents(ann); });
  ASSERT_TRUE(current.ok()) << current.status().ToString();
  ASSERT_EQ(current->size(), 3u);
  std::map<std::int64_t, app::ConsentEntry> by_id;
  for (const app::ConsentEntry& entry : *current) by_id[entry.id] = entry;
  ASSERT_EQ(by_id.count(withdrawn), 1u);
  EXPECT_EQ(by_id[withdrawn].status, ConsentStatus::kWithdrawn);
  EXPECT_EQ(by_id[withdrawn].channel, ConsentChannel::kEmail);
  EXPECT_EQ(by_id[withdrawn].purpose, ConsentPurpose::kMarketing);
  EXPECT_EQ(by_id[withdrawn].method, "web_form");
  EXPECT_EQ(by_id[withdrawn].recorded_at, kStart);
  EXPECT_EQ(by_id.count(sms), 1u);
  ASSERT_EQ(by_id.count(profiling), 1u);
  EXPECT_EQ(by_id[profiling].channel, ConsentChannel::kAny);

  Result<std::vector<app::ConsentEntry>> newest =
      InRead([&](app::CardDetailsReader& card) { return card.ConsentHistory(ann, std::nullopt, 3); });
  ASSERT_TRUE(newest.ok());
  ASSERT_EQ(newest->size(), 3u);
  EXPECT_EQ((*newest)[0].id, profiling);
  EXPECT_EQ((*newest)[2].id, sms);
  Result<std::vector<app::ConsentEntry>> oldest =
      InRead([&](app::CardDetailsReader& card) { return card.ConsentHistory(ann, (*newest)[2].id, 3); });
  ASSERT_TRUE(oldest.ok());
  ASSERT_EQ(oldest->size(), 1u);
  EXPECT_EQ((*oldest)[0].id, granted);
  EXPECT_EQ((*oldest)[0].proof, "https://example.com/signup");

  // The database itself refuses to rewrite or drop history.
  const std::string row = std::to_string(granted);
  EXPECT_NE(raw_->Execute("UPDATE consent_history SET status = 'withdrawn' WHERE id = " + row), "");
  EXPECT_NE(raw_->Execute("UPDATE consent_history SET proof = 'forged' WHERE id = " + row), "");
  EXPECT_NE(raw_->Execute("DELETE FROM consent_history WHERE id = " + row), "");
  EXPECT_EQ(RawCount("SELECT count(*) FROM consent_history WHERE id = " + row + " AND status = 'granted'"), 1);
  // Only the owner may change (a merge and its undo).
  EXPECT_EQ(raw_->Execute("UPDATE consent_history SET contact_id = 2 WHERE id = " + row), "");
}

TEST_P(CardDetailsConformance, UnknownStoredEnumNamesAreDataLoss) {
  const ContactId ann = AddContact(1);
  Raw("INSERT INTO consent_history (contact_id, channel, purpose, status, recorded_at_us, created_at_us) "
      "VALUES (1, 'fax', 'marketing', 'granted', 1, 1)");
  Result<std::vector<app::ConsentEntry>> current =
      InRead([&](app::CardDetailsReader& card) { return card.CurrentConsents(ann); });
  EXPECT_EQ(current.status().code(), StatusCode::kDataLoss);

  Result<InterestCategoryId> category =
      InWrite([&](app::CardDetailsWriter& card) { return card.UpsertInterestCategory("sport", "Sport"); });
  ASSERT_TRUE(category.ok());
  Result<InterestId> interest =
      InWrite([&](app::CardDetailsWriter& card) { return card.UpsertInterest(*category, "tennis", "Tennis"); });
  ASSERT_TRUE(interest.ok());
  Raw("INSERT INTO contact_interests (contact_id, interest_id, source, strength, updated_at_us) VALUES (1, " +
      std::to_string(interest->value()) + ", 'telepathy', 50, 1)");
  Result<std::vector<app::ContactInterest>> interests =
      InRead([&](app::CardDetailsReader& card) { return card.ContactInterests(ann); });
  EXPECT_EQ(interests.status().code(), StatusCode::kDataLoss);
}

// --- interests ---------------------------------------------------------------

TEST_P(CardDetailsConformance, InterestTaxonomyUpsertsByKey) {
  Result<InterestCategoryId> sport =
      InWrite([&](app::CardDetailsWriter& card) { return card.UpsertInterestCategory("sport", "Sport"); });
  ASSERT_TRUE(sport.ok()) << sport.status().ToString();
  Result<InterestCategoryId> again =
      InWrite([&](app::CardDetailsWriter& card) { return card.UpsertInterestCategory("sport", "Спорт"); });
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, *sport);
  Result<InterestCategoryId> art =
      InWrite([&](app::CardDetailsWriter& card) { return card.UpsertInterestCategory("art", "Art"); });
  ASSERT_TRUE(art.ok());
  EXPECT_EQ(InWrite([&](app::CardDetailsWriter& card) { return card.UpsertInterestCategory("Bad Key", "x"); })
                .status()
                .code(),
            StatusCode::kInvalidArgument);

  Result<InterestId> tennis =
      InWrite([&](app::CardDetailsWriter& card) { return card.UpsertInterest(*sport, "tennis", "Tennis"); });
  ASSERT_TRUE(tennis.ok()) << tennis.status().ToString();
  Result<InterestId> renamed =
      InWrite([&](app::CardDetailsWriter& card) { return card.UpsertInterest(*sport, "tennis", "Теннис"); });
  ASSERT_TRUE(renamed.ok());
  EXPECT_EQ(*renamed, *tennis);
  Result<InterestId> taken =
      InWrite([&](app::CardDetailsWriter& card) { return card.UpsertInterest(*art, "tennis", "Tennis art"); });
  EXPECT_EQ(taken.status().code(), StatusCode::kAlreadyExists);
  ASSERT_TRUE(InWrite([&](app::CardDetailsWriter& card) { return card.UpsertInterest(*art, "opera", "Opera"); }).ok());
  ASSERT_TRUE(
      InWrite([&](app::CardDetailsWriter& card) { return card.UpsertInterest(*sport, "chess", "Chess"); }).ok());

  Result<std::vector<app::InterestCategory>> categories =
      InRead([](app::CardDetailsReader& card) { return card.ListInterestCategories(); });
  ASSERT_TRUE(categories.ok());
  ASSERT_EQ(categories->size(), 2u);
  EXPECT_EQ((*categories)[0].key, "art");
  EXPECT_EQ((*categories)[1].name, "Спорт");

  Result<std::vector<app::Interest>> interests =
      InRead([](app::CardDetailsReader& card) { return card.ListInterests(); });
  ASSERT_TRUE(interests.ok());
  std::vector<std::string> keys;
  for (const app::Interest& interest : *interests) keys.push_back(interest.key);
  EXPECT_EQ(keys, (std::vector<std::string>{"opera", "chess", "tennis"}));  // by category key, then key
  EXPECT_EQ((*interests)[2].name, "Теннис");
  EXPECT_EQ((*interests)[2].category_id, *sport);
}

TEST_P(CardDetailsConformance, ContactInterestsAreKeptOncePerSourceStrongestFirst) {
  using domain::InterestSource;
  const ContactId ann = AddContact(1);
  Result<InterestCategoryId> sport =
      InWrite([&](app::CardDetailsWriter& card) { return card.UpsertInterestCategory("sport", "Sport"); });
  ASSERT_TRUE(sport.ok());
  Result<InterestId> tennis =
      InWrite([&](app::CardDetailsWriter& card) { return card.UpsertInterest(*sport, "tennis", "Tennis"); });
  Result<InterestId> chess =
      InWrite([&](app::CardDetailsWriter& card) { return card.UpsertInterest(*sport, "chess", "Chess"); });
  ASSERT_TRUE(tennis.ok() && chess.ok());

  auto set = [&](InterestId interest, InterestSource source, int strength) {
    app::ContactInterest value;
    value.interest_id = interest;
    value.source = source;
    value.strength = strength;
    value.updated_at = kStart;
    return InWrite([&](app::CardDetailsWriter& card) { return card.SetContactInterest(ann, value); });
  };
  ASSERT_TRUE(set(*tennis, InterestSource::kDeclared, 40).ok());
  ASSERT_TRUE(set(*chess, InterestSource::kPurchase, 70).ok());
  ASSERT_TRUE(set(*tennis, InterestSource::kSurvey, 20).ok());
  ASSERT_TRUE(set(*tennis, InterestSource::kDeclared, 90).ok());  // same (interest, source): updated
  EXPECT_EQ(set(*tennis, InterestSource::kDeclared, 0).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(set(*tennis, InterestSource::kDeclared, domain::kInterestStrengthMax + 1).code(),
            StatusCode::kInvalidArgument);

  Result<std::vector<app::ContactInterest>> interests =
      InRead([&](app::CardDetailsReader& card) { return card.ContactInterests(ann); });
  ASSERT_TRUE(interests.ok()) << interests.status().ToString();
  ASSERT_EQ(interests->size(), 3u);
  EXPECT_EQ((*interests)[0].interest_key, "tennis");
  EXPECT_EQ((*interests)[0].interest_name, "Tennis");
  EXPECT_EQ((*interests)[0].category_key, "sport");
  EXPECT_EQ((*interests)[0].source, InterestSource::kDeclared);
  EXPECT_EQ((*interests)[0].strength, 90);
  EXPECT_EQ((*interests)[1].interest_key, "chess");
  EXPECT_EQ((*interests)[1].strength, 70);
  EXPECT_EQ((*interests)[2].source, InterestSource::kSurvey);

  ASSERT_TRUE(InWrite([&](app::CardDetailsWriter& card) {
                return card.RemoveContactInterest(ann, *tennis, InterestSource::kSurvey);
              }).ok());
  EXPECT_EQ(InWrite([&](app::CardDetailsWriter& card) {
              return card.RemoveContactInterest(ann, *tennis, InterestSource::kSurvey);
            }).code(),
            StatusCode::kNotFound);
  interests = InRead([&](app::CardDetailsReader& card) { return card.ContactInterests(ann); });
  ASSERT_TRUE(interests.ok());
  EXPECT_EQ(interests->size(), 2u);
}

// --- merges ------------------------------------------------------------------

TEST_P(CardDetailsConformance, MoveAndRestoreContactRowsRoundTripExactly) {
  using domain::InterestSource;
  const ContactId merged = AddContact(1, "Ann");
  const ContactId survivor = AddContact(2, "Anna");
  AddCompany(10);
  AddCompany(11);
  LinkCompany(merged, 10, /*primary=*/true);
  LinkCompany(merged, 11, /*primary=*/false);
  LinkCompany(survivor, 10, /*primary=*/true);
  const NoteId note_a = AddNote(merged, "first");
  const NoteId note_b = AddNote(merged, "second");
  AddNote(survivor, "survivor's own");
  const TaskId task = AddTask(merged, "call", HoursLater(1));
  AddConsent(merged, domain::ConsentChannel::kEmail, domain::ConsentPurpose::kMarketing,
             domain::ConsentStatus::kGranted);
  AddPurchase(merged, "p-1");
  AddPurchase(merged, "p-2");
  AddPurchase(survivor, "p-3");
  Result<InterestCategoryId> sport =
      InWrite([&](app::CardDetailsWriter& card) { return card.UpsertInterestCategory("sport", "Sport"); });
  ASSERT_TRUE(sport.ok());
  Result<InterestId> tennis =
      InWrite([&](app::CardDetailsWriter& card) { return card.UpsertInterest(*sport, "tennis", "Tennis"); });
  Result<InterestId> chess =
      InWrite([&](app::CardDetailsWriter& card) { return card.UpsertInterest(*sport, "chess", "Chess"); });
  ASSERT_TRUE(tennis.ok() && chess.ok());
  auto set = [&](ContactId contact, InterestId interest, InterestSource source) {
    app::ContactInterest value;
    value.interest_id = interest;
    value.source = source;
    value.strength = 50;
    ASSERT_TRUE(InWrite([&](app::CardDetailsWriter& card) { return card.SetContactInterest(contact, value); }).ok());
  };
  set(merged, *tennis, InterestSource::kDeclared);
  set(merged, *tennis, InterestSource::kSurvey);
  set(merged, *chess, InterestSource::kDeclared);
  set(survivor, *tennis, InterestSource::kDeclared);  // the survivor already holds this one

  const std::map<std::string, std::int64_t> merged_before = RowCounts(merged);
  const std::map<std::string, std::int64_t> survivor_before = RowCounts(survivor);
  EXPECT_EQ(merged_before.at("notes"), 2);
  EXPECT_EQ(survivor_before.at("purchases"), 1);

  Result<app::MovedRows> moved =
      InWrite([&](app::CardDetailsWriter& card) { return card.MoveContactRows(merged, survivor); });
  ASSERT_TRUE(moved.ok()) << moved.status().ToString();
  EXPECT_EQ(moved->notes, (std::vector<std::int64_t>{note_a.value(), note_b.value()}));
  EXPECT_EQ(moved->tasks, (std::vector<std::int64_t>{task.value()}));
  EXPECT_EQ(moved->consents.size(), 1u);
  EXPECT_EQ(moved->purchases.size(), 2u);
  EXPECT_EQ(moved->company_links, (std::vector<std::int64_t>{11}));
  EXPECT_EQ(moved->interests.size(), 2u);  // (tennis, survey) and (chess, declared)

  const std::map<std::string, std::int64_t> merged_after = RowCounts(merged);
  const std::map<std::string, std::int64_t> survivor_after = RowCounts(survivor);
  for (const char* table : {"notes", "tasks", "consent_history", "purchases"}) {
    SCOPED_TRACE(table);
    EXPECT_EQ(merged_after.at(table), 0);
    EXPECT_EQ(survivor_after.at(table), survivor_before.at(table) + merged_before.at(table));
  }
  EXPECT_EQ(survivor_after.at("contact_companies"), 2);
  EXPECT_EQ(survivor_after.at("contact_interests"), 3);
  // The survivor keeps its own primary company; the copied link is not primary.
  EXPECT_EQ(RawCount("SELECT count(*) FROM contact_companies WHERE contact_id = 2 AND is_primary = 1"), 1);
  EXPECT_EQ(RawCount("SELECT company_id FROM contact_companies WHERE contact_id = 2 AND is_primary = 1"), 10);
  // The moved notes are found under the survivor.
  EXPECT_EQ(SearchNotes({"second"}), (std::vector<std::int64_t>{2}));

  // A note written on the survivor after the merge stays there on undo.
  const NoteId later = AddNote(survivor, "after the merge");
  ASSERT_TRUE(
      InWrite([&](app::CardDetailsWriter& card) { return card.RestoreContactRows(*moved, survivor, merged); }).ok());
  EXPECT_EQ(RowCounts(merged), merged_before);
  std::map<std::string, std::int64_t> survivor_expected = survivor_before;
  survivor_expected["notes"] += 1;
  EXPECT_EQ(RowCounts(survivor), survivor_expected);
  EXPECT_EQ(RawCount("SELECT contact_id FROM notes WHERE id = " + std::to_string(later.value())), 2);
  Result<std::vector<app::ContactInterest>> kept =
      InRead([&](app::CardDetailsReader& card) { return card.ContactInterests(survivor); });
  ASSERT_TRUE(kept.ok());
  ASSERT_EQ(kept->size(), 1u);
  EXPECT_EQ((*kept)[0].interest_id, *tennis);
  EXPECT_EQ((*kept)[0].source, InterestSource::kDeclared);

  EXPECT_EQ(InWrite([&](app::CardDetailsWriter& card) { return card.MoveContactRows(merged, merged); }).status().code(),
            StatusCode::kInvalidArgument);
}

TEST_P(CardDetailsConformance, MoveRefusesPastTheMovedRowsLimitBeforeMovingAnything) {
  const ContactId merged = AddContact(1);
  const ContactId survivor = AddContact(2);
  const NoteId note = AddNote(merged, "stays put");
  // One note plus kMergeMovedRowsMax purchases: one row over the limit.
  const std::string rows = std::to_string(limits::kMergeMovedRowsMax);
  if (IsPostgres()) {
    Raw("INSERT INTO purchases (contact_id, total_minor, currency, channel, occurred_at_us, external_id) "
        "SELECT 1, 100, 'EUR', 'shop', n, '' FROM generate_series(1, " +
        rows + ") AS n");
  } else {
    Raw("WITH RECURSIVE n (i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < " + rows +
        ") INSERT INTO purchases (contact_id, total_minor, currency, channel, occurred_at_us, external_id) "
        "SELECT 1, 100, 'EUR', 'shop', i, '' FROM n");
  }
  Result<app::MovedRows> refused =
      InWrite([&](app::CardDetailsWriter& card) { return card.MoveContactRows(merged, survivor); });
  EXPECT_EQ(refused.status().code(), StatusCode::kResourceExhausted);
  EXPECT_EQ(RawCount("SELECT count(*) FROM purchases WHERE contact_id = 2"), 0);
  EXPECT_EQ(RawCount("SELECT contact_id FROM notes WHERE id = " + std::to_string(note.value())), 1);

  // At the limit exactly, the move goes through. Checked on SQLite only:
  // moving a million rows on the shared PostgreSQL test cluster takes half a
  // minute under the suite's resource lock, and the count is the same query.
  if (IsPostgres()) return;
  ASSERT_TRUE(InWrite([&](app::CardDetailsWriter& card) { return card.DeleteNote(note); }).ok());
  Result<app::MovedRows> moved =
      InWrite([&](app::CardDetailsWriter& card) { return card.MoveContactRows(merged, survivor); });
  ASSERT_TRUE(moved.ok()) << moved.status().ToString();
  EXPECT_EQ(moved->purchases.size(), limits::kMergeMovedRowsMax);
}

TEST_P(CardDetailsConformance, MergeRecordsListAndFollowMergesTransitively) {
  for (int id = 1; id <= 6; ++id) AddContact(id);
  auto merge = [&](std::int64_t survivor, std::int64_t merged, int hour) {
    app::MergeRecord record;
    record.survivor = ContactId(survivor);
    record.merged = ContactId(merged);
    record.survivor_before_json = R"({"first_name":"Анна"})";
    record.moved_json = R"({"notes":[1]})";
    record.actor = "user:1";
    record.merged_at = HoursLater(hour);
    Result<MergeId> id = InWrite([&](app::CardDetailsWriter& card) { return card.InsertMerge(record); });
    EXPECT_TRUE(id.ok()) << id.status().ToString();
    return id.ok() ? *id : MergeId();
  };
  const MergeId three_into_two = merge(2, 3, 1);  // 3 went into 2 ...
  const MergeId two_into_one = merge(1, 2, 2);    // ... and 2 into 1
  const MergeId four_into_one = merge(1, 4, 3);
  const MergeId five_into_one = merge(1, 5, 4);
  merge(6, 1, 5);  // a cycle: 1 into 6 (never through the API, but must not loop)
  merge(2, 6, 6);

  ASSERT_TRUE(
      InWrite([&](app::CardDetailsWriter& card) { return card.MarkMergeUndone(five_into_one, HoursLater(7)); }).ok());
  EXPECT_EQ(
      InWrite([&](app::CardDetailsWriter& card) { return card.MarkMergeUndone(five_into_one, HoursLater(8)); }).code(),
      StatusCode::kFailedPrecondition);
  EXPECT_EQ(InWrite([&](app::CardDetailsWriter& card) { return card.MarkMergeUndone(MergeId(999), kStart); }).code(),
            StatusCode::kNotFound);

  Result<std::vector<ContactId>> merged_into_one =
      InRead([](app::CardDetailsReader& card) { return card.MergedContacts(ContactId(1)); });
  ASSERT_TRUE(merged_into_one.ok()) << merged_into_one.status().ToString();
  EXPECT_EQ(Values(*merged_into_one), (std::vector<std::int64_t>{2, 3, 4, 6}));  // 5 undone, 1 itself left out
  Result<std::vector<ContactId>> merged_into_three =
      InRead([](app::CardDetailsReader& card) { return card.MergedContacts(ContactId(3)); });
  ASSERT_TRUE(merged_into_three.ok());
  EXPECT_TRUE(merged_into_three->empty());

  Result<std::vector<app::MergeRecord>> into_one =
      InRead([](app::CardDetailsReader& card) { return card.MergesInto(ContactId(1)); });
  ASSERT_TRUE(into_one.ok());
  ASSERT_EQ(into_one->size(), 3u);
  EXPECT_EQ((*into_one)[0].id, five_into_one);
  EXPECT_EQ((*into_one)[0].undone_at, HoursLater(7));
  EXPECT_EQ((*into_one)[1].id, four_into_one);
  EXPECT_EQ((*into_one)[2].id, two_into_one);
  EXPECT_EQ((*into_one)[2].undone_at, std::nullopt);

  Result<std::optional<app::MergeRecord>> got =
      InRead([&](app::CardDetailsReader& card) { return card.GetMerge(three_into_two); });
  ASSERT_TRUE(got.ok() && got->has_value());
  EXPECT_EQ((*got)->survivor, ContactId(2));
  EXPECT_EQ((*got)->merged, ContactId(3));
  EXPECT_EQ((*got)->survivor_before_json, R"({"first_name":"Анна"})");
  EXPECT_EQ((*got)->moved_json, R"({"notes":[1]})");
  EXPECT_EQ((*got)->actor, "user:1");
  EXPECT_EQ((*got)->merged_at, HoursLater(1));
}

// --- timeline reads ----------------------------------------------------------

TEST_P(CardDetailsConformance, ReadSubjectsFiltersBySubjectsAndKindsNewestFirst) {
  std::vector<std::int64_t> sequences;
  const Status appended = store_->Write([&](app::WriteTransaction& tx) -> Status {
    const std::pair<std::int64_t, const char*> events[] = {{1, "contact_created"}, {2, "contact_created"},
                                                           {3, "contact_created"}, {1, "note_added"},
                                                           {2, "note_added"},      {1, "contact_updated"}};
    for (const auto& [subject, kind] : events) {
      RAPPORT_ASSIGN_OR_RETURN(EventSequence sequence,
                               tx.EventsOut().Append({kind, "contact", subject, kStart, "user:1", "{}"}));
      sequences.push_back(sequence.value());
    }
    RAPPORT_ASSIGN_OR_RETURN(EventSequence company,
                             tx.EventsOut().Append({"company_created", "company", 1, kStart, "user:1", "{}"}));
    (void)company;
    return {};
  });
  ASSERT_TRUE(appended.ok()) << appended.ToString();

  auto read = [&](std::vector<std::int64_t> ids, std::vector<std::string> kinds, std::optional<EventSequence> before,
                  int limit) {
    std::vector<std::int64_t> found;
    const Status status = store_->Read([&](app::ReadTransaction& tx) -> Status {
      RAPPORT_ASSIGN_OR_RETURN(std::vector<app::Event> events,
                               tx.Events().ReadSubjects("contact", ids, kinds, before, limit));
      for (const app::Event& event : events) {
        EXPECT_EQ(event.subject_type, "contact");
        found.push_back(event.sequence.value());
      }
      return {};
    });
    EXPECT_TRUE(status.ok()) << status.ToString();
    return found;
  };
  const auto& s = sequences;
  EXPECT_EQ(read({1, 2}, {}, std::nullopt, 50), (std::vector<std::int64_t>{s[5], s[4], s[3], s[1], s[0]}));
  EXPECT_EQ(read({1, 2}, {"note_added", "contact_created"}, std::nullopt, 50),
            (std::vector<std::int64_t>{s[4], s[3], s[1], s[0]}));
  EXPECT_EQ(read({3}, {"note_added"}, std::nullopt, 50), (std::vector<std::int64_t>{}));
  EXPECT_EQ(read({}, {}, std::nullopt, 50), (std::vector<std::int64_t>{}));

  // Keyset pages of two cover every event once.
  std::vector<std::int64_t> paged;
  std::optional<EventSequence> before;
  for (int pages = 0; pages < 10; ++pages) {
    const std::vector<std::int64_t> page = read({1, 2, 3}, {}, before, 2);
    paged.insert(paged.end(), page.begin(), page.end());
    if (page.size() < 2) break;
    before = EventSequence(page.back());
  }
  EXPECT_EQ(paged, (std::vector<std::int64_t>{s[5], s[4], s[3], s[2], s[1], s[0]}));

  const Status bad_limit = store_->Read([&](app::ReadTransaction& tx) {
    const std::int64_t ids[] = {1};
    return tx.Events().ReadSubjects("contact", ids, {}, std::nullopt, 0).status();
  });
  EXPECT_EQ(bad_limit.code(), StatusCode::kInvalidArgument);
}

INSTANTIATE_TEST_SUITE_P(Backends, CardDetailsConformance, ::testing::Values(Backend::kSqlite, Backend::kPostgres),
                         [](const ::testing::TestParamInfo<Backend>& param_info) {
                           return BackendName(param_info.param);
                         });

}  // namespace
}  // namespace rapport::store

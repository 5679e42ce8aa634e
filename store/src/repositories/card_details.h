// SqlCardDetails: the card's details over a SqlSession (app/card_details.h),
// for both databases — notes with their search index, tasks, the append-only
// consent history, the interest taxonomy and a contact's interests, and the
// merge records with the row moves that make a merge undoable.
//
// Invariants it keeps beyond the port's:
//  * a note's search document is domain::FoldForSearch(body), written in the
//    same statement sequence as the note (SQLite: the note_search FTS5 table,
//    rowid = note id; PostgreSQL: notes.search_text under a GIN index);
//  * enum values are stored as their domain names; a name this binary does
//    not know, read back, is kDataLoss;
//  * MoveContactRows counts the rows first and refuses past
//    limits::kMergeMovedRowsMax with kResourceExhausted before moving any.
//    Notes, tasks, consent history, purchases, personal coupons and their
//    uses, and the referrals the merged contact made change owner (their ids
//    are reported); so do the referral that brought it and its referral code
//    when the survivor has none (a referral between the two stays where it
//    is: nobody refers themselves); company links and (interest, source) rows the survivor lacks
//    are copied to it (the merged contact keeps its own), never as its
//    primary company. RestoreContactRows hands the reported rows back and
//    (and the code) and deletes exactly the copies (a copied link the survivor has since made
//    its primary stays);
//  * MovedRows.interests holds one value per copied (interest, source) row,
//    interest id × 10 + the source's ordinal (InterestSource), because an
//    interest id alone cannot tell a copied row from one the survivor already
//    held from another source;
//  * MergedContacts follows merges not undone transitively, visits each
//    contact once (so a cycle ends) and refuses past kMergedContactsMax with
//    kResourceExhausted;
//  * list limits are clamped to 1..limits::kPageSizeMax.
//
// Thread safety: belongs to the thread running the transaction body.
#pragma once

#include <cstddef>

#include "repositories/event_log.h"
#include "sql/session.h"

#include "rapport/app/card_details.h"

namespace rapport::store {

// Contacts merged into one survivor, directly or transitively: with the
// survivor they are the subjects of one ReadSubjects call.
inline constexpr std::size_t kMergedContactsMax = kReadSubjectsIdsMax - 1;

class SqlCardDetails final : public app::CardDetailsReader, public app::CardDetailsWriter {
 public:
  SqlCardDetails(SqlSession& session, Timestamp now) : session_(session), now_(now) {}

  // CardDetailsReader
  Result<std::vector<app::Note>> ListNotes(ContactId contact, std::optional<NoteId> before, int limit) override;
  Result<std::optional<app::Note>> GetNote(NoteId id) override;
  Result<std::vector<ContactId>> SearchNotes(std::span<const std::string> terms, std::optional<ContactId> before,
                                             int limit) override;
  Result<std::vector<app::Task>> ListTasks(const app::TaskQuery& query) override;
  Result<std::optional<app::Task>> GetTask(TaskId id) override;
  Result<std::vector<app::ConsentEntry>> CurrentConsents(ContactId contact) override;
  Result<std::vector<app::ConsentEntry>> ConsentHistory(ContactId contact, std::optional<std::int64_t> before,
                                                        int limit) override;
  Result<std::vector<app::InterestCategory>> ListInterestCategories() override;
  Result<std::vector<app::Interest>> ListInterests() override;
  Result<std::vector<app::ContactInterest>> ContactInterests(ContactId contact) override;
  Result<std::optional<app::MergeRecord>> GetMerge(MergeId id) override;
  Result<std::vector<app::MergeRecord>> MergesInto(ContactId survivor) override;
  Result<std::vector<ContactId>> MergedContacts(ContactId survivor) override;

  // CardDetailsWriter
  Result<NoteId> InsertNote(const app::Note& note) override;
  Status UpdateNote(NoteId id, std::string_view body, Timestamp at) override;
  Status DeleteNote(NoteId id) override;
  Result<TaskId> InsertTask(const app::Task& task) override;
  Status UpdateTask(const app::Task& task) override;
  Result<std::int64_t> AppendConsent(const app::ConsentEntry& entry) override;
  Result<InterestCategoryId> UpsertInterestCategory(std::string_view key, std::string_view name) override;
  Result<InterestId> UpsertInterest(InterestCategoryId category, std::string_view key, std::string_view name) override;
  Status SetContactInterest(ContactId contact, const app::ContactInterest& interest) override;
  Status RemoveContactInterest(ContactId contact, InterestId interest, domain::InterestSource source) override;
  Result<app::MovedRows> MoveContactRows(ContactId from, ContactId to) override;
  Status RestoreContactRows(const app::MovedRows& rows, ContactId to, ContactId from) override;
  Result<MergeId> InsertMerge(const app::MergeRecord& merge) override;
  Status MarkMergeUndone(MergeId id, Timestamp at) override;

 private:
  SqlSession& session_;
  Timestamp now_;
};

}  // namespace rapport::store

// Card details: the store's side of what a client card holds besides the
// profile — notes, tasks and reminders, consents with their full history,
// interests from a typed taxonomy — and of merging two cards: moving every
// related row from one contact to another, recorded so it can be moved back.
//
// Invariants the adapters keep:
//  * consent history is append-only; the current consent for a (contact,
//    channel, purpose) is its newest entry;
//  * an interest of a contact is kept once per (interest, source);
//  * MoveContactRows moves exactly the rows it reports, and RestoreContactRows
//    moves exactly those back; rows added to the survivor after the merge stay.
//
// Thread safety: as every repository, owned by the transaction body's thread.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "rapport/base/clock.h"
#include "rapport/base/ids.h"
#include "rapport/base/status.h"
#include "rapport/domain/relationship.h"

namespace rapport::app {

struct Note {
  NoteId id{};
  ContactId contact_id{};
  std::string body{};    // ≤ limits::kNoteBytesMax
  std::string author{};  // actor: "user:12", "token:shop", "cli:alice"
  Timestamp created_at{};
  Timestamp updated_at{};
};

struct Task {
  TaskId id{};
  ContactId contact_id{};
  std::string title{};
  std::string details{};
  std::optional<UserId> assignee{};
  std::optional<Timestamp> due_at{};
  std::optional<Timestamp> remind_at{};
  bool done = false;
  std::optional<Timestamp> done_at{};
  std::string created_by{};  // actor
  Timestamp created_at{};
  Timestamp updated_at{};
};

struct TaskQuery {
  std::optional<ContactId> contact{};
  std::optional<UserId> assignee{};
  bool open_only = true;
  // Order: due_at ascending (tasks without a due date last), then id.
  // Keyset: the last row's (due_at or nullopt, id).
  std::optional<std::pair<std::optional<Timestamp>, TaskId>> after{};
  int limit = 50;
};

struct ConsentEntry {
  std::int64_t id = 0;  // history row id
  ContactId contact_id{};
  domain::ConsentChannel channel = domain::ConsentChannel::kEmail;
  domain::ConsentPurpose purpose = domain::ConsentPurpose::kMarketing;
  domain::ConsentStatus status = domain::ConsentStatus::kGranted;
  Timestamp recorded_at{};  // when it was given or withdrawn (may be before recording)
  std::string method{};     // how: "web_form", "import", "api", "email_link", "in_person", "phone"
  std::string proof{};      // evidence: form URL, IP address, document reference
  std::string actor{};
};

struct InterestCategory {
  InterestCategoryId id{};
  std::string key{};  // [a-z0-9_]
  std::string name{};
};

struct Interest {
  InterestId id{};
  InterestCategoryId category_id{};
  std::string key{};
  std::string name{};
};

struct ContactInterest {
  InterestId interest_id{};
  std::string interest_key{};   // filled on read
  std::string interest_name{};  // filled on read
  std::string category_key{};   // filled on read
  domain::InterestSource source = domain::InterestSource::kDeclared;
  int strength = 50;  // 1..domain::kInterestStrengthMax
  Timestamp updated_at{};
};

// The rows one merge moved from the merged contact to the survivor, by table.
// Tables added by later capabilities (points, tickets) add their lists here.
struct MovedRows {
  std::vector<std::int64_t> notes{};
  std::vector<std::int64_t> tasks{};
  std::vector<std::int64_t> consents{};
  std::vector<std::int64_t> purchases{};
  std::vector<std::int64_t> company_links{};  // company ids linked anew to the survivor
  // The (interest, source) rows copied to the survivor, each as
  // interest_id * 10 + the source's InterestSource value, so undo removes
  // exactly the copies even when the survivor holds the same interest from
  // another source.
  std::vector<std::int64_t> interests{};
  // The loyalty programme's rows: personal coupons and their uses, the
  // referrals the merged member made, the one that brought them (when the
  // survivor was brought by nobody) and their referral code (when the
  // survivor had none; the merged contact's id, at most one).
  std::vector<std::int64_t> coupons{};
  std::vector<std::int64_t> coupon_uses{};
  std::vector<std::int64_t> referrals_made{};
  std::vector<std::int64_t> referral_of{};
  std::vector<std::int64_t> referral_code{};
  // The survivor's point lots the merge created to carry the merged member's
  // open points (app/src/loyalty_support.h TransferOpenLots): undo moves what
  // remains of them back. Filled by the app, not by MoveContactRows.
  std::vector<std::int64_t> point_lots{};
};

struct MergeRecord {
  MergeId id{};
  ContactId survivor{};
  ContactId merged{};
  std::string survivor_before_json{};  // the survivor's profile before the merge (app JSON)
  std::string moved_json{};            // MovedRows (app JSON)
  std::string actor{};
  Timestamp merged_at{};
  std::optional<Timestamp> undone_at{};
};

class CardDetailsReader {
 public:
  virtual ~CardDetailsReader() = default;

  // Newest first; keyset on id (strictly below `before`).
  virtual Result<std::vector<Note>> ListNotes(ContactId contact, std::optional<NoteId> before, int limit) = 0;
  virtual Result<std::optional<Note>> GetNote(NoteId id) = 0;
  // Contacts whose notes match every folded prefix term, id descending,
  // strictly below `before`. Used by search alongside the contact index.
  virtual Result<std::vector<ContactId>> SearchNotes(std::span<const std::string> terms,
                                                     std::optional<ContactId> before, int limit) = 0;

  virtual Result<std::vector<Task>> ListTasks(const TaskQuery& query) = 0;
  virtual Result<std::optional<Task>> GetTask(TaskId id) = 0;

  // The newest entry per (channel, purpose) of a contact.
  virtual Result<std::vector<ConsentEntry>> CurrentConsents(ContactId contact) = 0;
  // Every entry, newest first; keyset on id.
  virtual Result<std::vector<ConsentEntry>> ConsentHistory(ContactId contact, std::optional<std::int64_t> before,
                                                           int limit) = 0;

  virtual Result<std::vector<InterestCategory>> ListInterestCategories() = 0;
  virtual Result<std::vector<Interest>> ListInterests() = 0;                             // by category, then key
  virtual Result<std::vector<ContactInterest>> ContactInterests(ContactId contact) = 0;  // strongest first

  virtual Result<std::optional<MergeRecord>> GetMerge(MergeId id) = 0;
  // The merges into `survivor`, newest first.
  virtual Result<std::vector<MergeRecord>> MergesInto(ContactId survivor) = 0;
  // Every contact merged into `survivor`, directly or through earlier merges
  // (not undone), for the survivor's timeline.
  virtual Result<std::vector<ContactId>> MergedContacts(ContactId survivor) = 0;
};

class CardDetailsWriter {
 public:
  virtual ~CardDetailsWriter() = default;

  virtual Result<NoteId> InsertNote(const Note& note) = 0;  // id ignored
  virtual Status UpdateNote(NoteId id, std::string_view body, Timestamp at) = 0;
  virtual Status DeleteNote(NoteId id) = 0;

  virtual Result<TaskId> InsertTask(const Task& task) = 0;  // id ignored
  virtual Status UpdateTask(const Task& task) = 0;          // every field but id, contact, created_*

  virtual Result<std::int64_t> AppendConsent(const ConsentEntry& entry) = 0;  // id ignored

  virtual Result<InterestCategoryId> UpsertInterestCategory(std::string_view key, std::string_view name) = 0;
  // kAlreadyExists when the key is taken in another category.
  virtual Result<InterestId> UpsertInterest(InterestCategoryId category, std::string_view key,
                                            std::string_view name) = 0;
  virtual Status SetContactInterest(ContactId contact, const ContactInterest& interest) = 0;
  virtual Status RemoveContactInterest(ContactId contact, InterestId interest, domain::InterestSource source) = 0;

  // Moves every related row of `from` to `to`: notes, tasks, consent history,
  // purchases, company links `to` lacks, interests `to` lacks per (interest,
  // source). kResourceExhausted past limits::kMergeMovedRowsMax rows.
  virtual Result<MovedRows> MoveContactRows(ContactId from, ContactId to) = 0;
  // Moves exactly `rows` back from `to` to `from` (deleting the links and
  // interests that were added to `to`).
  virtual Status RestoreContactRows(const MovedRows& rows, ContactId to, ContactId from) = 0;

  virtual Result<MergeId> InsertMerge(const MergeRecord& merge) = 0;
  virtual Status MarkMergeUndone(MergeId id, Timestamp at) = 0;
};

}  // namespace rapport::app

// CardDetailsService: the use cases of what a client card holds besides the
// profile — notes, tasks and reminders, consents with their history, and
// interests from the taxonomy. Each write runs in one transaction with its
// event on the contact's timeline ("note_added", "task_completed",
// "consent_withdrawn", "interest_set", ...) and its audit record.
//
// Permissions: relationships:read to read, relationships:write to write;
// the interest taxonomy is defined with relationships:admin.
//
// Thread safety: safe to call from several threads.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "rapport/app/access_service.h"
#include "rapport/app/card_details.h"
#include "rapport/app/store.h"
#include "rapport/base/clock.h"

namespace rapport::app {

struct TaskInput {
  std::optional<std::string> title{};
  std::optional<std::string> details{};
  std::optional<std::int64_t> assignee_id{};         // 0 clears
  std::optional<std::optional<Timestamp>> due_at{};  // set to nullopt to clear
  std::optional<std::optional<Timestamp>> remind_at{};
  std::optional<bool> done{};
};

struct ConsentInput {
  std::string channel{};  // domain names: "email", ...
  std::string purpose{};
  std::string status{};
  std::string method{};
  std::string proof{};
  std::optional<Timestamp> recorded_at{};  // default: now; not in the future
};

struct InterestInput {
  std::string source = "declared";
  int strength = 50;
};

struct TaxonomyEntry {
  InterestCategory category{};
  std::vector<Interest> interests{};
};

class CardDetailsService {
 public:
  CardDetailsService(Store& store, const Clock& clock);

  Result<std::vector<Note>> ListNotes(const Principal& principal, ContactId contact, std::optional<NoteId> before,
                                      int limit);
  Result<Note> AddNote(const Principal& principal, const Origin& origin, ContactId contact, std::string_view body);
  Result<Note> EditNote(const Principal& principal, const Origin& origin, NoteId id, std::string_view body);
  Status DeleteNote(const Principal& principal, const Origin& origin, NoteId id);

  // `query.assignee` may be the caller's own id ("my tasks").
  Result<std::vector<Task>> ListTasks(const Principal& principal, const TaskQuery& query);
  Result<Task> AddTask(const Principal& principal, const Origin& origin, ContactId contact, const TaskInput& input);
  Result<Task> ChangeTask(const Principal& principal, const Origin& origin, TaskId id, const TaskInput& input);

  Result<std::vector<ConsentEntry>> CurrentConsents(const Principal& principal, ContactId contact);
  Result<std::vector<ConsentEntry>> ConsentHistory(const Principal& principal, ContactId contact,
                                                   std::optional<std::int64_t> before, int limit);
  Result<ConsentEntry> RecordConsent(const Principal& principal, const Origin& origin, ContactId contact,
                                     const ConsentInput& input);

  Result<std::vector<TaxonomyEntry>> Taxonomy(const Principal& principal);
  Result<Interest> DefineInterest(const Principal& principal, const Origin& origin, std::string_view category_key,
                                  std::string_view category_name, std::string_view key, std::string_view name);
  Result<std::vector<ContactInterest>> ContactInterests(const Principal& principal, ContactId contact);
  Result<ContactInterest> SetInterest(const Principal& principal, const Origin& origin, ContactId contact,
                                      std::string_view interest_key, const InterestInput& input);
  Status RemoveInterest(const Principal& principal, const Origin& origin, ContactId contact,
                        std::string_view interest_key, std::string_view source);

 private:
  Store& store_;
  const Clock& clock_;
};

}  // namespace rapport::app

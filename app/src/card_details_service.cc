#include "rapport/app/card_details_service.h"

#include <algorithm>
#include <utility>

#include "json_builder.h"
#include "relationship_support.h"

#include "rapport/base/limits.h"
#include "rapport/base/utf8.h"
#include "rapport/domain/contact_rules.h"

namespace rapport::app {
namespace {

using domain::Action;

constexpr std::size_t kTitleBytesMax = 500;
constexpr std::size_t kTaxonomyNameBytesMax = 200;

// The event on the contact's timeline and the audit record of a change.
Status Record(WriteTransaction& transaction, const Principal& principal, const Origin& origin, Timestamp now,
              std::string_view event_kind, std::string_view audit_action, ContactId contact,
              const std::string& payload_json) {
  return RecordChange(transaction, principal, origin, now, event_kind, audit_action, "contact", contact.value(),
                      payload_json);
}

// Notes, tasks and the rest attach only to a contact that exists and was not merged away.
Status RequireLiveContact(ReadTransaction& transaction, ContactId id) {
  return LiveContact(transaction.Relationships(), id).status();
}

Status ValidateNoteBody(std::string_view body) {
  if (body.find_first_not_of(" \t\r\n") == std::string_view::npos) return InvalidArgument("a note needs text");
  if (body.size() > limits::kNoteBytesMax) {
    return InvalidArgument("a note is at most " + std::to_string(limits::kNoteBytesMax) + " bytes");
  }
  if (!CountCodePoints(body)) return InvalidArgument("a note must be UTF-8 text");
  return Status::Ok();
}

Status ValidateLine(std::string_view value, std::string_view field, std::size_t bytes_max, bool required) {
  if (required && value.find_first_not_of(" \t") == std::string_view::npos) {
    return InvalidArgument(std::string(field) + " is required");
  }
  if (value.size() > bytes_max || !IsSingleLineText(value)) {
    return InvalidArgument(std::string(field) + " is one line of at most " + std::to_string(bytes_max) + " bytes");
  }
  return Status::Ok();
}

Status ValidateKey(std::string_view key, std::string_view what) {
  if (!domain::IsValidCustomFieldKey(key)) {
    return InvalidArgument(std::string(what) + " key is 1 to 64 of a-z, 0-9 and _, starting with a letter");
  }
  return Status::Ok();
}

Status CheckAssignee(ReadTransaction& transaction, const std::optional<UserId>& assignee) {
  if (!assignee) return Status::Ok();
  RAPPORT_ASSIGN_OR_RETURN(std::optional<User> user, transaction.Accounts().FindUser(*assignee));
  if (!user) return InvalidArgument("no user " + std::to_string(assignee->value()) + " to assign the task to");
  return Status::Ok();
}

void ApplyTaskInput(const TaskInput& input, Task& task) {
  if (input.title) task.title = *input.title;
  if (input.details) task.details = *input.details;
  if (input.assignee_id) {
    task.assignee = *input.assignee_id == 0 ? std::nullopt : std::optional<UserId>(UserId(*input.assignee_id));
  }
  if (input.due_at) task.due_at = *input.due_at;
  if (input.remind_at) task.remind_at = *input.remind_at;
}

Status ValidateTask(const Task& task) {
  RAPPORT_RETURN_IF_ERROR(ValidateLine(task.title, "title", kTitleBytesMax, true));
  if (task.details.size() > limits::kNoteBytesMax || !CountCodePoints(task.details)) {
    return InvalidArgument("details are UTF-8 text of at most " + std::to_string(limits::kNoteBytesMax) + " bytes");
  }
  return Status::Ok();
}

std::string TaskPayload(const Task& task) {
  JsonBuilder payload;
  payload.Add("task_id", task.id.value()).Add("title", task.title);
  if (task.assignee) payload.Add("assignee_id", task.assignee->value());
  if (task.due_at) payload.Add("due_at_us", ToUnixMicros(*task.due_at));
  return payload.Take();
}

}  // namespace

CardDetailsService::CardDetailsService(Store& store, const Clock& clock) : store_(store), clock_(clock) {}

Result<std::vector<Note>> CardDetailsService::ListNotes(const Principal& principal, ContactId contact,
                                                        std::optional<NoteId> before, int limit) {
  RAPPORT_RETURN_IF_ERROR(RequireRelationships(principal, Action::kRead));
  RAPPORT_RETURN_IF_ERROR(ValidatePageLimit(limit));
  std::vector<Note> notes;
  RAPPORT_RETURN_IF_ERROR(store_.Read([&](ReadTransaction& transaction) -> Status {
    RAPPORT_ASSIGN_OR_RETURN(bool exists, transaction.Directory().ContactExists(contact));
    if (!exists) return NotFound("no contact " + std::to_string(contact.value()));
    RAPPORT_ASSIGN_OR_RETURN(notes, transaction.CardDetails().ListNotes(contact, before, limit));
    return Status::Ok();
  }));
  return notes;
}

Result<Note> CardDetailsService::AddNote(const Principal& principal, const Origin& origin, ContactId contact,
                                         std::string_view body) {
  RAPPORT_RETURN_IF_ERROR(RequireRelationships(principal, Action::kWrite));
  RAPPORT_RETURN_IF_ERROR(ValidateNoteBody(body));
  const Timestamp now = clock_.Now();
  Note note{.contact_id = contact,
            .body = std::string(body),
            .author = principal.Actor(),
            .created_at = now,
            .updated_at = now};
  RAPPORT_RETURN_IF_ERROR(store_.Write([&](WriteTransaction& transaction) -> Status {
    RAPPORT_RETURN_IF_ERROR(RequireLiveContact(transaction, contact));
    RAPPORT_ASSIGN_OR_RETURN(note.id, transaction.CardDetailsOut().InsertNote(note));
    return Record(transaction, principal, origin, now, "note_added", "notes.add", contact,
                  JsonBuilder().Add("note_id", note.id.value()).Take());
  }));
  return note;
}

Result<Note> CardDetailsService::EditNote(const Principal& principal, const Origin& origin, NoteId id,
                                          std::string_view body) {
  RAPPORT_RETURN_IF_ERROR(RequireRelationships(principal, Action::kWrite));
  RAPPORT_RETURN_IF_ERROR(ValidateNoteBody(body));
  const Timestamp now = clock_.Now();
  std::optional<Note> note;
  RAPPORT_RETURN_IF_ERROR(store_.Write([&](WriteTransaction& transaction) -> Status {
    RAPPORT_ASSIGN_OR_RETURN(note, transaction.CardDetails().GetNote(id));
    if (!note) return NotFound("no note " + std::to_string(id.value()));
    RAPPORT_RETURN_IF_ERROR(transaction.CardDetailsOut().UpdateNote(id, body, now));
    note->body = std::string(body);
    note->updated_at = now;
    return Record(transaction, principal, origin, now, "note_edited", "notes.edit", note->contact_id,
                  JsonBuilder().Add("note_id", id.value()).Take());
  }));
  return std::move(*note);
}

Status CardDetailsService::DeleteNote(const Principal& principal, const Origin& origin, NoteId id) {
  RAPPORT_RETURN_IF_ERROR(RequireRelationships(principal, Action::kWrite));
  const Timestamp now = clock_.Now();
  return store_.Write([&](WriteTransaction& transaction) -> Status {
    RAPPORT_ASSIGN_OR_RETURN(std::optional<Note> note, transaction.CardDetails().GetNote(id));
    if (!note) return NotFound("no note " + std::to_string(id.value()));
    RAPPORT_RETURN_IF_ERROR(transaction.CardDetailsOut().DeleteNote(id));
    return Record(transaction, principal, origin, now, "note_deleted", "notes.delete", note->contact_id,
                  JsonBuilder().Add("note_id", id.value()).Take());
  });
}

Result<std::vector<Task>> CardDetailsService::ListTasks(const Principal& principal, const TaskQuery& query) {
  RAPPORT_RETURN_IF_ERROR(RequireRelationships(principal, Action::kRead));
  RAPPORT_RETURN_IF_ERROR(ValidatePageLimit(query.limit));
  std::vector<Task> tasks;
  RAPPORT_RETURN_IF_ERROR(store_.Read([&](ReadTransaction& transaction) -> Status {
    RAPPORT_ASSIGN_OR_RETURN(tasks, transaction.CardDetails().ListTasks(query));
    return Status::Ok();
  }));
  return tasks;
}

Result<Task> CardDetailsService::AddTask(const Principal& principal, const Origin& origin, ContactId contact,
                                         const TaskInput& input) {
  RAPPORT_RETURN_IF_ERROR(RequireRelationships(principal, Action::kWrite));
  const Timestamp now = clock_.Now();
  Task task{.contact_id = contact, .created_by = principal.Actor(), .created_at = now, .updated_at = now};
  ApplyTaskInput(input, task);
  if (input.done.value_or(false)) {
    task.done = true;
    task.done_at = now;
  }
  RAPPORT_RETURN_IF_ERROR(ValidateTask(task));
  RAPPORT_RETURN_IF_ERROR(store_.Write([&](WriteTransaction& transaction) -> Status {
    RAPPORT_RETURN_IF_ERROR(RequireLiveContact(transaction, contact));
    RAPPORT_RETURN_IF_ERROR(CheckAssignee(transaction, task.assignee));
    RAPPORT_ASSIGN_OR_RETURN(task.id, transaction.CardDetailsOut().InsertTask(task));
    return Record(transaction, principal, origin, now, "task_created", "tasks.create", contact, TaskPayload(task));
  }));
  return task;
}

Result<Task> CardDetailsService::ChangeTask(const Principal& principal, const Origin& origin, TaskId id,
                                            const TaskInput& input) {
  RAPPORT_RETURN_IF_ERROR(RequireRelationships(principal, Action::kWrite));
  const Timestamp now = clock_.Now();
  std::optional<Task> task;
  RAPPORT_RETURN_IF_ERROR(store_.Write([&](WriteTransaction& transaction) -> Status {
    RAPPORT_ASSIGN_OR_RETURN(task, transaction.CardDetails().GetTask(id));
    if (!task) return NotFound("no task " + std::to_string(id.value()));
    const bool was_done = task->done;
    ApplyTaskInput(input, *task);
    if (input.done && *input.done != was_done) {
      task->done = *input.done;
      task->done_at = *input.done ? std::optional<Timestamp>(now) : std::nullopt;
    }
    RAPPORT_RETURN_IF_ERROR(ValidateTask(*task));
    RAPPORT_RETURN_IF_ERROR(CheckAssignee(transaction, task->assignee));
    task->updated_at = now;
    RAPPORT_RETURN_IF_ERROR(transaction.CardDetailsOut().UpdateTask(*task));
    const bool completed = task->done && !was_done;
    return Record(transaction, principal, origin, now, completed ? "task_completed" : "task_updated",
                  completed ? "tasks.complete" : "tasks.update", task->contact_id, TaskPayload(*task));
  }));
  return std::move(*task);
}

Result<std::vector<ConsentEntry>> CardDetailsService::CurrentConsents(const Principal& principal, ContactId contact) {
  RAPPORT_RETURN_IF_ERROR(RequireRelationships(principal, Action::kRead));
  std::vector<ConsentEntry> consents;
  RAPPORT_RETURN_IF_ERROR(store_.Read([&](ReadTransaction& transaction) -> Status {
    RAPPORT_ASSIGN_OR_RETURN(bool exists, transaction.Directory().ContactExists(contact));
    if (!exists) return NotFound("no contact " + std::to_string(contact.value()));
    RAPPORT_ASSIGN_OR_RETURN(consents, transaction.CardDetails().CurrentConsents(contact));
    return Status::Ok();
  }));
  return consents;
}

Result<std::vector<ConsentEntry>> CardDetailsService::ConsentHistory(const Principal& principal, ContactId contact,
                                                                     std::optional<std::int64_t> before, int limit) {
  RAPPORT_RETURN_IF_ERROR(RequireRelationships(principal, Action::kRead));
  RAPPORT_RETURN_IF_ERROR(ValidatePageLimit(limit));
  std::vector<ConsentEntry> history;
  RAPPORT_RETURN_IF_ERROR(store_.Read([&](ReadTransaction& transaction) -> Status {
    RAPPORT_ASSIGN_OR_RETURN(history, transaction.CardDetails().ConsentHistory(contact, before, limit));
    return Status::Ok();
  }));
  return history;
}

Result<ConsentEntry> CardDetailsService::RecordConsent(const Principal& principal, const Origin& origin,
                                                       ContactId contact, const ConsentInput& input) {
  RAPPORT_RETURN_IF_ERROR(RequireRelationships(principal, Action::kWrite));
  std::optional<domain::ConsentChannel> channel = domain::ParseConsentChannel(input.channel);
  if (!channel) return InvalidArgument("channel must be one of: email, sms, phone, post, any");
  std::optional<domain::ConsentPurpose> purpose = domain::ParseConsentPurpose(input.purpose);
  if (!purpose) return InvalidArgument("purpose must be one of: marketing, profiling, service");
  std::optional<domain::ConsentStatus> status = domain::ParseConsentStatus(input.status);
  if (!status) return InvalidArgument("status must be granted or withdrawn");
  RAPPORT_RETURN_IF_ERROR(ValidateLine(input.method, "method", kTaxonomyNameBytesMax, true));
  RAPPORT_RETURN_IF_ERROR(ValidateLine(input.proof, "proof", limits::kFieldBytesMax, false));
  const Timestamp now = clock_.Now();
  const Timestamp recorded_at = input.recorded_at.value_or(now);
  if (recorded_at > now) return InvalidArgument("a consent cannot be recorded in the future");
  ConsentEntry entry{.contact_id = contact,
                     .channel = *channel,
                     .purpose = *purpose,
                     .status = *status,
                     .recorded_at = recorded_at,
                     .method = input.method,
                     .proof = input.proof,
                     .actor = principal.Actor()};
  RAPPORT_RETURN_IF_ERROR(store_.Write([&](WriteTransaction& transaction) -> Status {
    RAPPORT_RETURN_IF_ERROR(RequireLiveContact(transaction, contact));
    RAPPORT_ASSIGN_OR_RETURN(entry.id, transaction.CardDetailsOut().AppendConsent(entry));
    const bool granted = entry.status == domain::ConsentStatus::kGranted;
    return Record(transaction, principal, origin, now, granted ? "consent_granted" : "consent_withdrawn",
                  "consents.record", contact,
                  JsonBuilder()
                      .Add("channel", domain::ConsentChannelName(entry.channel))
                      .Add("purpose", domain::ConsentPurposeName(entry.purpose))
                      .Add("method", entry.method)
                      .Add("proof", entry.proof)
                      .Take());
  }));
  return entry;
}

Result<std::vector<TaxonomyEntry>> CardDetailsService::Taxonomy(const Principal& principal) {
  RAPPORT_RETURN_IF_ERROR(RequireRelationships(principal, Action::kRead));
  std::vector<TaxonomyEntry> taxonomy;
  RAPPORT_RETURN_IF_ERROR(store_.Read([&](ReadTransaction& transaction) -> Status {
    RAPPORT_ASSIGN_OR_RETURN(std::vector<InterestCategory> categories,
                             transaction.CardDetails().ListInterestCategories());
    RAPPORT_ASSIGN_OR_RETURN(std::vector<Interest> interests, transaction.CardDetails().ListInterests());
    for (InterestCategory& category : categories) {
      TaxonomyEntry entry{.category = std::move(category)};
      for (const Interest& interest : interests) {
        if (interest.category_id == entry.category.id) entry.interests.push_back(interest);
      }
      taxonomy.push_back(std::move(entry));
    }
    return Status::Ok();
  }));
  return taxonomy;
}

Result<Interest> CardDetailsService::DefineInterest(const Principal& principal, const Origin& origin,
                                                    std::string_view category_key, std::string_view category_name,
                                                    std::string_view key, std::string_view name) {
  RAPPORT_RETURN_IF_ERROR(RequireRelationships(principal, Action::kAdmin));
  RAPPORT_RETURN_IF_ERROR(ValidateKey(category_key, "a category"));
  RAPPORT_RETURN_IF_ERROR(ValidateKey(key, "an interest"));
  RAPPORT_RETURN_IF_ERROR(ValidateLine(category_name, "category_name", kTaxonomyNameBytesMax, true));
  RAPPORT_RETURN_IF_ERROR(ValidateLine(name, "name", kTaxonomyNameBytesMax, true));
  const Timestamp now = clock_.Now();
  Interest interest{.key = std::string(key), .name = std::string(name)};
  RAPPORT_RETURN_IF_ERROR(store_.Write([&](WriteTransaction& transaction) -> Status {
    RAPPORT_ASSIGN_OR_RETURN(std::vector<Interest> existing, transaction.CardDetails().ListInterests());
    if (existing.size() >= limits::kInterestsMax) {
      return ResourceExhausted("the taxonomy holds at most " + std::to_string(limits::kInterestsMax) + " interests");
    }
    RAPPORT_ASSIGN_OR_RETURN(interest.category_id,
                             transaction.CardDetailsOut().UpsertInterestCategory(category_key, category_name));
    RAPPORT_ASSIGN_OR_RETURN(interest.id, transaction.CardDetailsOut().UpsertInterest(interest.category_id, key, name));
    return AccessService::Record(transaction, principal, origin, now, "interests.define", "interest",
                                 interest.id.value(),
                                 JsonBuilder().Add("category", category_key).Add("key", key).Take())
        .status();
  }));
  return interest;
}

Result<std::vector<ContactInterest>> CardDetailsService::ContactInterests(const Principal& principal,
                                                                          ContactId contact) {
  RAPPORT_RETURN_IF_ERROR(RequireRelationships(principal, Action::kRead));
  std::vector<ContactInterest> interests;
  RAPPORT_RETURN_IF_ERROR(store_.Read([&](ReadTransaction& transaction) -> Status {
    RAPPORT_ASSIGN_OR_RETURN(bool exists, transaction.Directory().ContactExists(contact));
    if (!exists) return NotFound("no contact " + std::to_string(contact.value()));
    RAPPORT_ASSIGN_OR_RETURN(interests, transaction.CardDetails().ContactInterests(contact));
    return Status::Ok();
  }));
  return interests;
}

namespace {

Result<Interest> FindInterest(ReadTransaction& transaction, std::string_view key) {
  RAPPORT_ASSIGN_OR_RETURN(std::vector<Interest> interests, transaction.CardDetails().ListInterests());
  for (Interest& interest : interests) {
    if (interest.key == key) return std::move(interest);
  }
  return NotFound("no interest " + std::string(key) + " in the taxonomy");
}

}  // namespace

Result<ContactInterest> CardDetailsService::SetInterest(const Principal& principal, const Origin& origin,
                                                        ContactId contact, std::string_view interest_key,
                                                        const InterestInput& input) {
  RAPPORT_RETURN_IF_ERROR(RequireRelationships(principal, Action::kWrite));
  std::optional<domain::InterestSource> source = domain::ParseInterestSource(input.source);
  if (!source) return InvalidArgument("source must be one of: declared, purchase, survey, campaign_click");
  if (input.strength < 1 || input.strength > domain::kInterestStrengthMax) {
    return InvalidArgument("strength must be between 1 and " + std::to_string(domain::kInterestStrengthMax));
  }
  const Timestamp now = clock_.Now();
  ContactInterest interest{.source = *source, .strength = input.strength, .updated_at = now};
  RAPPORT_RETURN_IF_ERROR(store_.Write([&](WriteTransaction& transaction) -> Status {
    RAPPORT_RETURN_IF_ERROR(RequireLiveContact(transaction, contact));
    RAPPORT_ASSIGN_OR_RETURN(Interest found, FindInterest(transaction, interest_key));
    interest.interest_id = found.id;
    interest.interest_key = found.key;
    interest.interest_name = found.name;
    RAPPORT_ASSIGN_OR_RETURN(std::vector<InterestCategory> categories,
                             transaction.CardDetails().ListInterestCategories());
    for (const InterestCategory& category : categories) {
      if (category.id == found.category_id) interest.category_key = category.key;
    }
    RAPPORT_RETURN_IF_ERROR(transaction.CardDetailsOut().SetContactInterest(contact, interest));
    return Record(transaction, principal, origin, now, "interest_set", "interests.set", contact,
                  JsonBuilder()
                      .Add("interest", found.key)
                      .Add("source", domain::InterestSourceName(interest.source))
                      .Add("strength", std::int64_t{interest.strength})
                      .Take());
  }));
  return interest;
}

Status CardDetailsService::RemoveInterest(const Principal& principal, const Origin& origin, ContactId contact,
                                          std::string_view interest_key, std::string_view source_name) {
  RAPPORT_RETURN_IF_ERROR(RequireRelationships(principal, Action::kWrite));
  std::optional<domain::InterestSource> source = domain::ParseInterestSource(source_name);
  if (!source) return InvalidArgument("source must be one of: declared, purchase, survey, campaign_click");
  const Timestamp now = clock_.Now();
  return store_.Write([&](WriteTransaction& transaction) -> Status {
    RAPPORT_RETURN_IF_ERROR(RequireLiveContact(transaction, contact));
    RAPPORT_ASSIGN_OR_RETURN(Interest found, FindInterest(transaction, interest_key));
    RAPPORT_RETURN_IF_ERROR(transaction.CardDetailsOut().RemoveContactInterest(contact, found.id, *source));
    return Record(transaction, principal, origin, now, "interest_removed", "interests.remove", contact,
                  JsonBuilder().Add("interest", found.key).Add("source", source_name).Take());
  });
}

}  // namespace rapport::app

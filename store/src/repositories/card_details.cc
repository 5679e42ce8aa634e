#include "repositories/card_details.h"

#include <algorithm>
#include <limits>
#include <string>
#include <utility>

#include "sql/stored_values.h"

#include "rapport/base/limits.h"
#include "rapport/domain/contact_rules.h"

namespace rapport::store {
namespace {

constexpr std::size_t kActorBytesMax = 200;
constexpr std::size_t kKeyBytesMax = 100;            // interest and category keys
constexpr std::size_t kConsentTextBytesMax = 1'000;  // method and proof
// Ids per restore statement: keeps one JSON parameter well below a megabyte.
constexpr std::size_t kRestoreBatchIds = 10'000;
constexpr std::int64_t kNoUpperBound = std::numeric_limits<std::int64_t>::max();
constexpr std::int64_t kNoLowerBound = std::numeric_limits<std::int64_t>::min();

Status ValidateText(std::string_view what, std::string_view text, std::size_t bytes_max, bool may_be_empty) {
  if (!may_be_empty && text.empty()) return InvalidArgument(std::string(what) + " must not be empty");
  if (text.size() > bytes_max) {
    return InvalidArgument(std::string(what) + " is " + std::to_string(text.size()) + " bytes, over the " +
                           std::to_string(bytes_max) + " byte limit");
  }
  return {};
}

// Interest and category keys: [a-z0-9_], 1..kKeyBytesMax bytes.
Status ValidateKey(std::string_view what, std::string_view key) {
  RAPPORT_RETURN_IF_ERROR(ValidateText(what, key, kKeyBytesMax, /*may_be_empty=*/false));
  const bool well_formed = std::all_of(
      key.begin(), key.end(), [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'; });
  if (!well_formed) return InvalidArgument(std::string(what) + " '" + std::string(key) + "' may hold only a-z, 0-9, _");
  return {};
}

int ClampPageSize(int limit) { return std::clamp(limit, 1, limits::kPageSizeMax); }

SqlParam OptionalMicros(const std::optional<Timestamp>& at) {
  return at ? SqlParam(ToUnixMicros(*at)) : SqlParam(SqlNull{});
}

// Column order of note_get / note_list.
app::Note NoteFromRow(const SqlRow& row) {
  app::Note note;
  note.id = NoteId(row.Int(0));
  note.contact_id = ContactId(row.Int(1));
  note.body = std::string(row.Text(2));
  note.author = std::string(row.Text(3));
  note.created_at = FromUnixMicros(row.Int(4));
  note.updated_at = FromUnixMicros(row.Int(5));
  return note;
}

// Column order of task_get / task_list.
app::Task TaskFromRow(const SqlRow& row) {
  app::Task task;
  task.id = TaskId(row.Int(0));
  task.contact_id = ContactId(row.Int(1));
  task.title = std::string(row.Text(2));
  task.details = std::string(row.Text(3));
  if (!row.IsNull(4)) task.assignee = UserId(row.Int(4));
  task.due_at = OptionalTimestamp(row, 5);
  task.remind_at = OptionalTimestamp(row, 6);
  task.done = row.Int(7) != 0;
  task.done_at = OptionalTimestamp(row, 8);
  task.created_by = std::string(row.Text(9));
  task.created_at = FromUnixMicros(row.Int(10));
  task.updated_at = FromUnixMicros(row.Int(11));
  return task;
}

// Column order of consent_current / consent_history.
Result<app::ConsentEntry> ConsentFromRow(const SqlRow& row) {
  app::ConsentEntry entry;
  entry.id = row.Int(0);
  entry.contact_id = ContactId(row.Int(1));
  RAPPORT_ASSIGN_OR_RETURN(entry.channel, EnumFromColumn(row, 2, "consent_history", &domain::ParseConsentChannel));
  RAPPORT_ASSIGN_OR_RETURN(entry.purpose, EnumFromColumn(row, 3, "consent_history", &domain::ParseConsentPurpose));
  RAPPORT_ASSIGN_OR_RETURN(entry.status, EnumFromColumn(row, 4, "consent_history", &domain::ParseConsentStatus));
  entry.recorded_at = FromUnixMicros(row.Int(5));
  entry.method = std::string(row.Text(6));
  entry.proof = std::string(row.Text(7));
  entry.actor = std::string(row.Text(8));
  return entry;
}

// Column order of merge_get / merge_list_into.
app::MergeRecord MergeFromRow(const SqlRow& row) {
  app::MergeRecord merge;
  merge.id = MergeId(row.Int(0));
  merge.survivor = ContactId(row.Int(1));
  merge.merged = ContactId(row.Int(2));
  merge.survivor_before_json = std::string(row.Text(3));
  merge.moved_json = std::string(row.Text(4));
  merge.actor = std::string(row.Text(5));
  merge.merged_at = FromUnixMicros(row.Int(6));
  merge.undone_at = OptionalTimestamp(row, 7);
  return merge;
}

Result<std::vector<app::ConsentEntry>> QueryConsents(SqlSession& session, std::string_view query_name,
                                                     std::span<const SqlParam> params) {
  std::vector<app::ConsentEntry> entries;
  RAPPORT_RETURN_IF_ERROR(session.Query(query_name, params, [&](const SqlRow& row) -> Status {
    RAPPORT_ASSIGN_OR_RETURN(app::ConsentEntry entry, ConsentFromRow(row));
    entries.push_back(std::move(entry));
    return {};
  }));
  return entries;
}

Result<std::vector<std::int64_t>> QueryIds(SqlSession& session, std::string_view query_name,
                                           std::span<const SqlParam> params) {
  std::vector<std::int64_t> ids;
  RAPPORT_RETURN_IF_ERROR(session.Query(query_name, params, [&](const SqlRow& row) {
    ids.push_back(row.Int(0));
    return Status();
  }));
  return ids;
}

Result<std::int64_t> QueryReturningId(SqlSession& session, std::string_view query_name,
                                      std::span<const SqlParam> params) {
  std::int64_t id = 0;
  RAPPORT_RETURN_IF_ERROR(session.Query(query_name, params, [&](const SqlRow& row) {
    id = row.Int(0);
    return Status();
  }));
  RAPPORT_ASSERT(id > 0);
  return id;
}

Status NotFoundUnlessChanged(std::int64_t changed, std::string_view what, std::int64_t id) {
  if (changed > 0) return {};
  return NotFound("no " + std::string(what) + " with id " + std::to_string(id));
}

std::string JsonIntArray(std::span<const std::int64_t> values) {
  std::string json = "[";
  for (const std::int64_t value : values) {
    if (json.size() > 1) json += ',';
    json += std::to_string(value);
  }
  json += ']';
  return json;
}

// The search expression for folded prefix terms: FTS5 '"t1"* AND "t2"*' or
// tsquery 't1:* & t2:*'. Terms are folded again here, so whatever the caller
// passed, only letters, digits and spaces reach the expression.
std::string PrefixQuery(Dialect dialect, std::span<const std::string> terms) {
  std::string expression;
  std::size_t count = 0;
  for (const std::string& term : terms) {
    const std::string folded = domain::FoldForSearch(term);
    std::size_t start = 0;
    while (start < folded.size() && count < limits::kSearchTermsMax) {
      std::size_t end = folded.find(' ', start);
      if (end == std::string::npos) end = folded.size();
      if (end > start) {
        const std::string_view word(folded.data() + start, end - start);
        if (dialect == Dialect::kSqlite) {
          if (!expression.empty()) expression += " AND ";
          expression += '"';
          expression += word;
          expression += "\"*";
        } else {
          if (!expression.empty()) expression += " & ";
          expression += word;
          expression += ":*";
        }
        ++count;
      }
      start = end + 1;
    }
  }
  return expression;
}

// MovedRows.interests holds one value per moved (interest, source) row:
// interest id × kInterestSourceSlots + the source's ordinal, so an undo removes
// exactly the rows the merge added even when the survivor already held the
// same interest from another source.
constexpr std::int64_t kInterestSourceSlots = 10;

std::int64_t EncodeMovedInterest(InterestId interest, domain::InterestSource source) {
  return interest.value() * kInterestSourceSlots + static_cast<std::int64_t>(source);
}

Result<std::pair<InterestId, domain::InterestSource>> DecodeMovedInterest(std::int64_t value) {
  const std::int64_t ordinal = value % kInterestSourceSlots;
  const std::int64_t interest = value / kInterestSourceSlots;
  const auto source = static_cast<domain::InterestSource>(ordinal);
  if (value <= 0 || interest <= 0 || ordinal > static_cast<std::int64_t>(domain::InterestSource::kCampaignClick)) {
    return InvalidArgument("moved interest " + std::to_string(value) + " does not name an (interest, source) pair");
  }
  return std::make_pair(InterestId(interest), source);
}

}  // namespace

// --- notes -------------------------------------------------------------------

Result<std::vector<app::Note>> SqlCardDetails::ListNotes(ContactId contact, std::optional<NoteId> before, int limit) {
  const SqlParam params[] = {contact.value(), before ? before->value() : kNoUpperBound,
                             std::int64_t{ClampPageSize(limit)}};
  std::vector<app::Note> notes;
  RAPPORT_RETURN_IF_ERROR(session_.Query("note_list", params, [&](const SqlRow& row) {
    notes.push_back(NoteFromRow(row));
    return Status();
  }));
  return notes;
}

Result<std::optional<app::Note>> SqlCardDetails::GetNote(NoteId id) {
  const SqlParam params[] = {id.value()};
  std::optional<app::Note> note;
  RAPPORT_RETURN_IF_ERROR(session_.Query("note_get", params, [&](const SqlRow& row) {
    note = NoteFromRow(row);
    return Status();
  }));
  return note;
}

Result<std::vector<ContactId>> SqlCardDetails::SearchNotes(std::span<const std::string> terms,
                                                           std::optional<ContactId> before, int limit) {
  const std::string expression = PrefixQuery(session_.dialect(), terms);
  if (expression.empty()) return std::vector<ContactId>{};
  const SqlParam params[] = {std::string_view(expression), before ? before->value() : kNoUpperBound,
                             std::int64_t{ClampPageSize(limit)}};
  RAPPORT_ASSIGN_OR_RETURN(std::vector<std::int64_t> ids, QueryIds(session_, "note_search_contacts", params));
  std::vector<ContactId> contacts;
  contacts.reserve(ids.size());
  for (const std::int64_t id : ids) contacts.emplace_back(id);
  return contacts;
}

Result<NoteId> SqlCardDetails::InsertNote(const app::Note& note) {
  RAPPORT_RETURN_IF_ERROR(ValidateText("note", note.body, limits::kNoteBytesMax, /*may_be_empty=*/false));
  RAPPORT_RETURN_IF_ERROR(ValidateText("note author", note.author, kActorBytesMax, /*may_be_empty=*/true));
  const Timestamp created_at = note.created_at == Timestamp{} ? now_ : note.created_at;
  const Timestamp updated_at = note.updated_at == Timestamp{} ? created_at : note.updated_at;
  const SqlParam params[] = {note.contact_id.value(), std::string_view(note.body), std::string_view(note.author),
                             ToUnixMicros(created_at), ToUnixMicros(updated_at)};
  RAPPORT_ASSIGN_OR_RETURN(const std::int64_t id, QueryReturningId(session_, "note_insert", params));
  const std::string document = domain::FoldForSearch(note.body);
  const SqlParam search[] = {id, std::string_view(document)};
  RAPPORT_RETURN_IF_ERROR(session_.Execute("note_search_set", search).status());
  return NoteId(id);
}

Status SqlCardDetails::UpdateNote(NoteId id, std::string_view body, Timestamp at) {
  RAPPORT_RETURN_IF_ERROR(ValidateText("note", body, limits::kNoteBytesMax, /*may_be_empty=*/false));
  const SqlParam params[] = {id.value(), body, ToUnixMicros(at)};
  RAPPORT_ASSIGN_OR_RETURN(const std::int64_t changed, session_.Execute("note_update", params));
  RAPPORT_RETURN_IF_ERROR(NotFoundUnlessChanged(changed, "note", id.value()));
  const std::string document = domain::FoldForSearch(body);
  const SqlParam key[] = {id.value()};
  RAPPORT_RETURN_IF_ERROR(session_.Execute("note_search_delete", key).status());
  const SqlParam search[] = {id.value(), std::string_view(document)};
  return session_.Execute("note_search_set", search).status();
}

Status SqlCardDetails::DeleteNote(NoteId id) {
  const SqlParam key[] = {id.value()};
  RAPPORT_RETURN_IF_ERROR(session_.Execute("note_search_delete", key).status());
  RAPPORT_ASSIGN_OR_RETURN(const std::int64_t changed, session_.Execute("note_delete", key));
  return NotFoundUnlessChanged(changed, "note", id.value());
}

// --- tasks -------------------------------------------------------------------

namespace {

Status ValidateTask(const app::Task& task) {
  RAPPORT_RETURN_IF_ERROR(ValidateText("task title", task.title, limits::kFieldBytesMax, /*may_be_empty=*/false));
  RAPPORT_RETURN_IF_ERROR(ValidateText("task details", task.details, limits::kNoteBytesMax, /*may_be_empty=*/true));
  return ValidateText("task creator", task.created_by, kActorBytesMax, /*may_be_empty=*/true);
}

SqlParam OptionalUser(const std::optional<UserId>& user) {
  return user ? SqlParam(user->value()) : SqlParam(SqlNull{});
}

}  // namespace

Result<std::vector<app::Task>> SqlCardDetails::ListTasks(const app::TaskQuery& query) {
  // Undated tasks sort as the largest due date (queries/*/card_details.sql).
  std::int64_t after_due = kNoLowerBound;
  std::int64_t after_id = kNoLowerBound;
  if (query.after) {
    after_due = query.after->first ? ToUnixMicros(*query.after->first) : kNoUpperBound;
    after_id = query.after->second.value();
  }
  const std::int64_t done_max = query.open_only ? 0 : 1;
  const std::int64_t limit = ClampPageSize(query.limit);
  std::vector<app::Task> tasks;
  const RowCallback on_row = [&](const SqlRow& row) {
    tasks.push_back(TaskFromRow(row));
    return Status();
  };
  if (query.contact) {
    const SqlParam params[] = {
        query.contact->value(), OptionalUser(query.assignee), done_max, after_due, after_id, limit};
    RAPPORT_RETURN_IF_ERROR(session_.Query("task_list_contact", params, on_row));
  } else if (query.assignee) {
    const SqlParam params[] = {query.assignee->value(), done_max, after_due, after_id, limit};
    RAPPORT_RETURN_IF_ERROR(session_.Query("task_list_assignee", params, on_row));
  } else {
    const SqlParam params[] = {done_max, after_due, after_id, limit};
    RAPPORT_RETURN_IF_ERROR(session_.Query("task_list_all", params, on_row));
  }
  return tasks;
}

Result<std::optional<app::Task>> SqlCardDetails::GetTask(TaskId id) {
  const SqlParam params[] = {id.value()};
  std::optional<app::Task> task;
  RAPPORT_RETURN_IF_ERROR(session_.Query("task_get", params, [&](const SqlRow& row) {
    task = TaskFromRow(row);
    return Status();
  }));
  return task;
}

Result<TaskId> SqlCardDetails::InsertTask(const app::Task& task) {
  RAPPORT_RETURN_IF_ERROR(ValidateTask(task));
  const Timestamp created_at = task.created_at == Timestamp{} ? now_ : task.created_at;
  const Timestamp updated_at = task.updated_at == Timestamp{} ? created_at : task.updated_at;
  const SqlParam params[] = {
      task.contact_id.value(),         std::string_view(task.title), std::string_view(task.details),
      OptionalUser(task.assignee),     OptionalMicros(task.due_at),  OptionalMicros(task.remind_at),
      std::int64_t{task.done ? 1 : 0}, OptionalMicros(task.done_at), std::string_view(task.created_by),
      ToUnixMicros(created_at),        ToUnixMicros(updated_at)};
  RAPPORT_ASSIGN_OR_RETURN(const std::int64_t id, QueryReturningId(session_, "task_insert", params));
  return TaskId(id);
}

Status SqlCardDetails::UpdateTask(const app::Task& task) {
  RAPPORT_RETURN_IF_ERROR(ValidateTask(task));
  const Timestamp updated_at = task.updated_at == Timestamp{} ? now_ : task.updated_at;
  const SqlParam params[] = {task.id.value(),
                             std::string_view(task.title),
                             std::string_view(task.details),
                             OptionalUser(task.assignee),
                             OptionalMicros(task.due_at),
                             OptionalMicros(task.remind_at),
                             std::int64_t{task.done ? 1 : 0},
                             OptionalMicros(task.done_at),
                             ToUnixMicros(updated_at)};
  RAPPORT_ASSIGN_OR_RETURN(const std::int64_t changed, session_.Execute("task_update", params));
  return NotFoundUnlessChanged(changed, "task", task.id.value());
}

// --- consents ----------------------------------------------------------------

Result<std::vector<app::ConsentEntry>> SqlCardDetails::CurrentConsents(ContactId contact) {
  const SqlParam params[] = {contact.value()};
  return QueryConsents(session_, "consent_current", params);
}

Result<std::vector<app::ConsentEntry>> SqlCardDetails::ConsentHistory(ContactId contact,
                                                                      std::optional<std::int64_t> before, int limit) {
  const SqlParam params[] = {contact.value(), before.value_or(kNoUpperBound), std::int64_t{ClampPageSize(limit)}};
  return QueryConsents(session_, "consent_history", params);
}

Result<std::int64_t> SqlCardDetails::AppendConsent(const app::ConsentEntry& entry) {
  RAPPORT_RETURN_IF_ERROR(ValidateText("consent method", entry.method, kConsentTextBytesMax, /*may_be_empty=*/true));
  RAPPORT_RETURN_IF_ERROR(ValidateText("consent proof", entry.proof, kConsentTextBytesMax, /*may_be_empty=*/true));
  RAPPORT_RETURN_IF_ERROR(ValidateText("consent actor", entry.actor, kActorBytesMax, /*may_be_empty=*/true));
  const SqlParam params[] = {entry.contact_id.value(),
                             domain::ConsentChannelName(entry.channel),
                             domain::ConsentPurposeName(entry.purpose),
                             domain::ConsentStatusName(entry.status),
                             ToUnixMicros(entry.recorded_at),
                             std::string_view(entry.method),
                             std::string_view(entry.proof),
                             std::string_view(entry.actor),
                             ToUnixMicros(now_)};
  return QueryReturningId(session_, "consent_append", params);
}

// --- interests ---------------------------------------------------------------

Result<std::vector<app::InterestCategory>> SqlCardDetails::ListInterestCategories() {
  std::vector<app::InterestCategory> categories;
  RAPPORT_RETURN_IF_ERROR(session_.Query("interest_category_list", {}, [&](const SqlRow& row) {
    categories.push_back({InterestCategoryId(row.Int(0)), std::string(row.Text(1)), std::string(row.Text(2))});
    return Status();
  }));
  return categories;
}

Result<std::vector<app::Interest>> SqlCardDetails::ListInterests() {
  std::vector<app::Interest> interests;
  RAPPORT_RETURN_IF_ERROR(session_.Query("interest_list", {}, [&](const SqlRow& row) {
    interests.push_back(
        {InterestId(row.Int(0)), InterestCategoryId(row.Int(1)), std::string(row.Text(2)), std::string(row.Text(3))});
    return Status();
  }));
  return interests;
}

Result<std::vector<app::ContactInterest>> SqlCardDetails::ContactInterests(ContactId contact) {
  const SqlParam params[] = {contact.value()};
  std::vector<app::ContactInterest> interests;
  RAPPORT_RETURN_IF_ERROR(session_.Query("contact_interest_list", params, [&](const SqlRow& row) -> Status {
    app::ContactInterest interest;
    interest.interest_id = InterestId(row.Int(0));
    interest.interest_key = std::string(row.Text(1));
    interest.interest_name = std::string(row.Text(2));
    interest.category_key = std::string(row.Text(3));
    RAPPORT_ASSIGN_OR_RETURN(interest.source,
                             EnumFromColumn(row, 4, "contact_interests", &domain::ParseInterestSource));
    interest.strength = static_cast<int>(row.Int(5));
    interest.updated_at = FromUnixMicros(row.Int(6));
    interests.push_back(std::move(interest));
    return {};
  }));
  return interests;
}

Result<InterestCategoryId> SqlCardDetails::UpsertInterestCategory(std::string_view key, std::string_view name) {
  RAPPORT_RETURN_IF_ERROR(ValidateKey("interest category key", key));
  RAPPORT_RETURN_IF_ERROR(ValidateText("interest category name", name, limits::kNameBytesMax, /*may_be_empty=*/true));
  const SqlParam params[] = {key, name};
  RAPPORT_ASSIGN_OR_RETURN(const std::int64_t id, QueryReturningId(session_, "interest_category_upsert", params));
  return InterestCategoryId(id);
}

Result<InterestId> SqlCardDetails::UpsertInterest(InterestCategoryId category, std::string_view key,
                                                  std::string_view name) {
  RAPPORT_RETURN_IF_ERROR(ValidateKey("interest key", key));
  RAPPORT_RETURN_IF_ERROR(ValidateText("interest name", name, limits::kNameBytesMax, /*may_be_empty=*/true));
  const SqlParam find[] = {key};
  std::optional<std::pair<std::int64_t, std::int64_t>> existing;  // (id, category)
  RAPPORT_RETURN_IF_ERROR(session_.Query("interest_find", find, [&](const SqlRow& row) {
    existing.emplace(row.Int(0), row.Int(1));
    return Status();
  }));
  if (existing && existing->second != category.value()) {
    return AlreadyExists("interest key '" + std::string(key) + "' belongs to interest category " +
                         std::to_string(existing->second));
  }
  if (!existing) {
    std::int64_t count = 0;
    RAPPORT_RETURN_IF_ERROR(session_.Query("interest_count", {}, [&](const SqlRow& row) {
      count = row.Int(0);
      return Status();
    }));
    if (count >= static_cast<std::int64_t>(limits::kInterestsMax)) {
      return ResourceExhausted("the interest taxonomy holds " + std::to_string(count) + " interests, the limit");
    }
  }
  const SqlParam params[] = {category.value(), key, name};
  std::int64_t id = 0;
  RAPPORT_RETURN_IF_ERROR(session_.Query("interest_upsert", params, [&](const SqlRow& row) {
    id = row.Int(0);
    return Status();
  }));
  // A concurrent writer took the key for another category in between.
  if (id == 0) return AlreadyExists("interest key '" + std::string(key) + "' belongs to another category");
  return InterestId(id);
}

Status SqlCardDetails::SetContactInterest(ContactId contact, const app::ContactInterest& interest) {
  if (interest.strength < 1 || interest.strength > domain::kInterestStrengthMax) {
    return InvalidArgument("interest strength must be 1.." + std::to_string(domain::kInterestStrengthMax) + ", got " +
                           std::to_string(interest.strength));
  }
  const Timestamp updated_at = interest.updated_at == Timestamp{} ? now_ : interest.updated_at;
  const SqlParam params[] = {contact.value(), interest.interest_id.value(), domain::InterestSourceName(interest.source),
                             std::int64_t{interest.strength}, ToUnixMicros(updated_at)};
  return session_.Execute("contact_interest_set", params).status();
}

Status SqlCardDetails::RemoveContactInterest(ContactId contact, InterestId interest, domain::InterestSource source) {
  const SqlParam params[] = {contact.value(), interest.value(), domain::InterestSourceName(source)};
  RAPPORT_ASSIGN_OR_RETURN(const std::int64_t changed, session_.Execute("contact_interest_remove", params));
  if (changed == 0) {
    return NotFound("contact " + std::to_string(contact.value()) + " has no interest " +
                    std::to_string(interest.value()) + " from " + std::string(domain::InterestSourceName(source)));
  }
  return {};
}

// --- merges ------------------------------------------------------------------

Result<std::optional<app::MergeRecord>> SqlCardDetails::GetMerge(MergeId id) {
  const SqlParam params[] = {id.value()};
  std::optional<app::MergeRecord> merge;
  RAPPORT_RETURN_IF_ERROR(session_.Query("merge_get", params, [&](const SqlRow& row) {
    merge = MergeFromRow(row);
    return Status();
  }));
  return merge;
}

Result<std::vector<app::MergeRecord>> SqlCardDetails::MergesInto(ContactId survivor) {
  const SqlParam params[] = {survivor.value()};
  std::vector<app::MergeRecord> merges;
  RAPPORT_RETURN_IF_ERROR(session_.Query("merge_list_into", params, [&](const SqlRow& row) {
    merges.push_back(MergeFromRow(row));
    return Status();
  }));
  return merges;
}

Result<std::vector<ContactId>> SqlCardDetails::MergedContacts(ContactId survivor) {
  const SqlParam params[] = {survivor.value(), static_cast<std::int64_t>(kMergedContactsMax) + 1};
  RAPPORT_ASSIGN_OR_RETURN(std::vector<std::int64_t> ids, QueryIds(session_, "merge_merged_contacts", params));
  if (ids.size() > kMergedContactsMax) {
    return ResourceExhausted("more than " + std::to_string(kMergedContactsMax) + " contacts are merged into contact " +
                             std::to_string(survivor.value()));
  }
  std::sort(ids.begin(), ids.end());
  std::vector<ContactId> contacts;
  contacts.reserve(ids.size());
  for (const std::int64_t id : ids) contacts.emplace_back(id);
  return contacts;
}

Result<MergeId> SqlCardDetails::InsertMerge(const app::MergeRecord& merge) {
  if (merge.survivor == merge.merged) return InvalidArgument("a contact cannot be merged into itself");
  RAPPORT_RETURN_IF_ERROR(ValidateText("merge actor", merge.actor, kActorBytesMax, /*may_be_empty=*/true));
  const Timestamp merged_at = merge.merged_at == Timestamp{} ? now_ : merge.merged_at;
  const SqlParam params[] = {merge.survivor.value(),
                             merge.merged.value(),
                             std::string_view(merge.survivor_before_json),
                             std::string_view(merge.moved_json),
                             std::string_view(merge.actor),
                             ToUnixMicros(merged_at)};
  RAPPORT_ASSIGN_OR_RETURN(const std::int64_t id, QueryReturningId(session_, "merge_insert", params));
  return MergeId(id);
}

Status SqlCardDetails::MarkMergeUndone(MergeId id, Timestamp at) {
  const SqlParam params[] = {id.value(), ToUnixMicros(at)};
  RAPPORT_ASSIGN_OR_RETURN(const std::int64_t changed, session_.Execute("merge_mark_undone", params));
  if (changed > 0) return {};
  RAPPORT_ASSIGN_OR_RETURN(const std::optional<app::MergeRecord> merge, GetMerge(id));
  if (!merge) return NotFound("no merge with id " + std::to_string(id.value()));
  return FailedPrecondition("merge " + std::to_string(id.value()) + " is already undone");
}

Result<app::MovedRows> SqlCardDetails::MoveContactRows(ContactId from, ContactId to) {
  if (from == to) return InvalidArgument("a contact's rows cannot move to itself");
  const SqlParam pair[] = {from.value(), to.value()};
  std::int64_t count = 0;
  RAPPORT_RETURN_IF_ERROR(session_.Query("merge_count_rows", pair, [&](const SqlRow& row) {
    count = row.Int(0);
    return Status();
  }));
  if (count > static_cast<std::int64_t>(limits::kMergeMovedRowsMax)) {
    return ResourceExhausted("contact " + std::to_string(from.value()) + " has " + std::to_string(count) +
                             " related rows, over the " + std::to_string(limits::kMergeMovedRowsMax) +
                             " rows one merge may move");
  }
  app::MovedRows moved;
  RAPPORT_ASSIGN_OR_RETURN(moved.notes, QueryIds(session_, "merge_move_notes", pair));
  RAPPORT_ASSIGN_OR_RETURN(moved.tasks, QueryIds(session_, "merge_move_tasks", pair));
  RAPPORT_ASSIGN_OR_RETURN(moved.consents, QueryIds(session_, "merge_move_consents", pair));
  RAPPORT_ASSIGN_OR_RETURN(moved.purchases, QueryIds(session_, "merge_move_purchases", pair));
  RAPPORT_ASSIGN_OR_RETURN(moved.coupons, QueryIds(session_, "merge_move_coupons", pair));
  RAPPORT_ASSIGN_OR_RETURN(moved.coupon_uses, QueryIds(session_, "merge_move_coupon_uses", pair));
  RAPPORT_ASSIGN_OR_RETURN(moved.referrals_made, QueryIds(session_, "merge_move_referrals_made", pair));
  RAPPORT_ASSIGN_OR_RETURN(moved.referral_of, QueryIds(session_, "merge_move_referral_of", pair));
  RAPPORT_ASSIGN_OR_RETURN(moved.referral_code, QueryIds(session_, "merge_move_referral_code", pair));
  const SqlParam copy[] = {from.value(), to.value(), ToUnixMicros(now_)};
  RAPPORT_ASSIGN_OR_RETURN(moved.company_links, QueryIds(session_, "merge_copy_company_links", copy));
  RAPPORT_RETURN_IF_ERROR(session_.Query("merge_copy_interests", pair, [&](const SqlRow& row) -> Status {
    RAPPORT_ASSIGN_OR_RETURN(const domain::InterestSource source,
                             EnumFromColumn(row, 1, "contact_interests", &domain::ParseInterestSource));
    moved.interests.push_back(EncodeMovedInterest(InterestId(row.Int(0)), source));
    return {};
  }));
  for (std::vector<std::int64_t>* ids :
       {&moved.notes, &moved.tasks, &moved.consents, &moved.purchases, &moved.coupons, &moved.coupon_uses,
        &moved.referrals_made, &moved.company_links, &moved.interests}) {
    std::sort(ids->begin(), ids->end());
  }
  return moved;
}

Status SqlCardDetails::RestoreContactRows(const app::MovedRows& rows, ContactId to, ContactId from) {
  if (from == to) return InvalidArgument("a contact's rows cannot move back to itself");
  const std::pair<std::string_view, const std::vector<std::int64_t>*> tables[] = {
      {"merge_restore_notes", &rows.notes},
      {"merge_restore_tasks", &rows.tasks},
      {"merge_restore_consents", &rows.consents},
      {"merge_restore_purchases", &rows.purchases},
      {"merge_restore_coupons", &rows.coupons},
      {"merge_restore_coupon_uses", &rows.coupon_uses},
      {"merge_restore_referrals_made", &rows.referrals_made},
      {"merge_restore_referral_of", &rows.referral_of}};
  for (const auto& [query_name, ids] : tables) {
    for (std::size_t start = 0; start < ids->size(); start += kRestoreBatchIds) {
      const std::size_t count = std::min(kRestoreBatchIds, ids->size() - start);
      const std::string json = JsonIntArray(std::span<const std::int64_t>(ids->data() + start, count));
      const SqlParam params[] = {to.value(), from.value(), std::string_view(json)};
      RAPPORT_RETURN_IF_ERROR(session_.Execute(query_name, params).status());
    }
  }
  if (!rows.referral_code.empty()) {
    const SqlParam params[] = {to.value(), from.value()};
    RAPPORT_RETURN_IF_ERROR(session_.Execute("merge_restore_referral_code", params).status());
  }
  if (!rows.company_links.empty()) {
    const std::string json = JsonIntArray(rows.company_links);
    const SqlParam params[] = {to.value(), std::string_view(json)};
    RAPPORT_RETURN_IF_ERROR(session_.Execute("merge_remove_company_links", params).status());
  }
  for (const std::int64_t value : rows.interests) {
    RAPPORT_ASSIGN_OR_RETURN(const auto interest, DecodeMovedInterest(value));
    const SqlParam params[] = {to.value(), interest.first.value(), domain::InterestSourceName(interest.second)};
    RAPPORT_RETURN_IF_ERROR(session_.Execute("merge_remove_interest", params).status());
  }
  return {};
}

}  // namespace rapport::store

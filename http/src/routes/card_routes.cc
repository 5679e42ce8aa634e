// The details of a client card: notes, tasks and reminders ("my tasks"
// included), consents with their history, and interests from the taxonomy.
// Every operation goes through app::CardDetailsService.
#include <optional>
#include <string>

#include "json.h"
#include "request_context.h"
#include "routes/contact_json.h"
#include "routes/contact_schemas.h"
#include "routes/route_support.h"
#include "routes/routes.h"

namespace rapport::http {
namespace {

using domain::Action;
using domain::Resource;

template <typename T, typename Write>
Response ItemsResponse(int status, const std::vector<T>& items, Write write) {
  JsonWriter json;
  json.StartObject();
  json.Key("items");
  json.StartArray();
  for (const T& item : items) write(json, item);
  json.EndArray();
  json.EndObject();
  return RequestContext::Json(status, json.Take());
}

template <typename T, typename Write>
Response OneResponse(int status, const T& item, Write write) {
  JsonWriter json;
  write(json, item);
  return RequestContext::Json(status, json.Take());
}

// --- Notes

boost::asio::awaitable<Response> ListNotes(RequestContext& context) {
  const auto id = PositiveInteger(context.Param("contact_id"));
  if (!id) co_return InvalidParameter(context, "contact_id", "Expected a positive integer.");
  std::optional<Response> problem;
  const std::optional<int> limit = PageLimit(context, 50, problem);
  if (!limit) co_return std::move(*problem);
  std::optional<NoteId> before;
  if (const auto cursor = QueryParam(context.request().query, "cursor"); cursor && !cursor->empty()) {
    const auto value = PositiveInteger(*cursor);
    if (!value) co_return InvalidParameter(context, "cursor", "Not a cursor of this list.");
    before = NoteId(*value);
  }
  app::CardDetailsService* details = context.services().relationships.card_details;
  const app::Principal principal = *context.principal();
  Result<std::vector<app::Note>> notes = co_await context.Call<std::vector<app::Note>>(
      [&] { return details->ListNotes(principal, ContactId(*id), before, *limit); });
  if (!notes.ok()) co_return context.StatusProblem(notes.status());
  JsonWriter json;
  json.StartObject();
  json.Key("items");
  json.StartArray();
  for (const app::Note& note : *notes) WriteNote(json, note);
  json.EndArray();
  json.Key("next");
  if (std::ssize(*notes) == *limit) {
    json.String(std::to_string(notes->back().id.value()));
  } else {
    json.Null();
  }
  json.EndObject();
  co_return RequestContext::Json(200, json.Take());
}

boost::asio::awaitable<Response> AddNote(RequestContext& context) {
  const auto id = PositiveInteger(context.Param("contact_id"));
  if (!id) co_return InvalidParameter(context, "contact_id", "Expected a positive integer.");
  std::string body;
  JsonObjectReader reader;
  reader.Field("body", &body, Presence::kRequired);
  if (auto problem = reader.Read(context.request().body)) co_return context.ProblemFor(*problem);
  app::CardDetailsService* details = context.services().relationships.card_details;
  const app::Principal principal = *context.principal();
  const app::Origin origin = context.Origin();
  Result<app::Note> note =
      co_await context.Call<app::Note>([&] { return details->AddNote(principal, origin, ContactId(*id), body); });
  if (!note.ok()) co_return context.StatusProblem(note.status());
  co_return OneResponse(201, *note, WriteNote);
}

boost::asio::awaitable<Response> EditNote(RequestContext& context) {
  const auto id = PositiveInteger(context.Param("note_id"));
  if (!id) co_return InvalidParameter(context, "note_id", "Expected a positive integer.");
  std::string body;
  JsonObjectReader reader;
  reader.Field("body", &body, Presence::kRequired);
  if (auto problem = reader.Read(context.request().body)) co_return context.ProblemFor(*problem);
  app::CardDetailsService* details = context.services().relationships.card_details;
  const app::Principal principal = *context.principal();
  const app::Origin origin = context.Origin();
  Result<app::Note> note =
      co_await context.Call<app::Note>([&] { return details->EditNote(principal, origin, NoteId(*id), body); });
  if (!note.ok()) co_return context.StatusProblem(note.status());
  co_return OneResponse(200, *note, WriteNote);
}

boost::asio::awaitable<Response> DeleteNote(RequestContext& context) {
  const auto id = PositiveInteger(context.Param("note_id"));
  if (!id) co_return InvalidParameter(context, "note_id", "Expected a positive integer.");
  app::CardDetailsService* details = context.services().relationships.card_details;
  const app::Principal principal = *context.principal();
  const app::Origin origin = context.Origin();
  Result<bool> deleted = co_await context.Call<bool>([&]() -> Result<bool> {
    RAPPORT_RETURN_IF_ERROR(details->DeleteNote(principal, origin, NoteId(*id)));
    return true;
  });
  if (!deleted.ok()) co_return context.StatusProblem(deleted.status());
  co_return NoContent();
}

// --- Tasks

boost::asio::awaitable<Response> ListTasks(RequestContext& context) {
  const std::string_view query = context.request().query;
  app::TaskQuery task_query;
  if (!context.Param("contact_id").empty()) {
    const auto id = PositiveInteger(context.Param("contact_id"));
    if (!id) co_return InvalidParameter(context, "contact_id", "Expected a positive integer.");
    task_query.contact = ContactId(*id);
  }
  if (const auto assignee = QueryParam(query, "assignee"); assignee && !assignee->empty()) {
    const app::Principal& principal = *context.principal();
    if (*assignee == "me") {
      if (principal.kind != app::Principal::Kind::kUser) {
        co_return InvalidParameter(context, "assignee", "\"me\" needs a signed-in user, not an API token.");
      }
      task_query.assignee = UserId(principal.id);
    } else {
      const auto id = PositiveInteger(*assignee);
      if (!id) co_return InvalidParameter(context, "assignee", "Expected me or a user id.");
      task_query.assignee = UserId(*id);
    }
  }
  if (const auto open = QueryParam(query, "open"); open && !open->empty()) {
    if (*open != "true" && *open != "false") co_return InvalidParameter(context, "open", "Expected true or false.");
    task_query.open_only = *open == "true";
  }
  std::optional<Response> problem;
  const std::optional<int> limit = PageLimit(context, 50, problem);
  if (!limit) co_return std::move(*problem);
  task_query.limit = *limit;
  app::CardDetailsService* details = context.services().relationships.card_details;
  const app::Principal principal = *context.principal();
  Result<std::vector<app::Task>> tasks =
      co_await context.Call<std::vector<app::Task>>([&] { return details->ListTasks(principal, task_query); });
  if (!tasks.ok()) co_return context.StatusProblem(tasks.status());
  co_return ItemsResponse(200, *tasks, WriteTask);
}

boost::asio::awaitable<Response> AddTask(RequestContext& context) {
  const auto id = PositiveInteger(context.Param("contact_id"));
  if (!id) co_return InvalidParameter(context, "contact_id", "Expected a positive integer.");
  app::TaskInput input;
  if (auto problem = ReadTaskInput(context.request().body, input)) co_return context.ProblemFor(*problem);
  app::CardDetailsService* details = context.services().relationships.card_details;
  const app::Principal principal = *context.principal();
  const app::Origin origin = context.Origin();
  Result<app::Task> task =
      co_await context.Call<app::Task>([&] { return details->AddTask(principal, origin, ContactId(*id), input); });
  if (!task.ok()) co_return context.StatusProblem(task.status());
  co_return OneResponse(201, *task, WriteTask);
}

boost::asio::awaitable<Response> ChangeTask(RequestContext& context) {
  const auto id = PositiveInteger(context.Param("task_id"));
  if (!id) co_return InvalidParameter(context, "task_id", "Expected a positive integer.");
  app::TaskInput input;
  if (auto problem = ReadTaskInput(context.request().body, input)) co_return context.ProblemFor(*problem);
  app::CardDetailsService* details = context.services().relationships.card_details;
  const app::Principal principal = *context.principal();
  const app::Origin origin = context.Origin();
  Result<app::Task> task =
      co_await context.Call<app::Task>([&] { return details->ChangeTask(principal, origin, TaskId(*id), input); });
  if (!task.ok()) co_return context.StatusProblem(task.status());
  co_return OneResponse(200, *task, WriteTask);
}

// --- Consents

boost::asio::awaitable<Response> ListConsents(RequestContext& context) {
  const auto id = PositiveInteger(context.Param("contact_id"));
  if (!id) co_return InvalidParameter(context, "contact_id", "Expected a positive integer.");
  app::CardDetailsService* details = context.services().relationships.card_details;
  const app::Principal principal = *context.principal();
  using Both = std::pair<std::vector<app::ConsentEntry>, std::vector<app::ConsentEntry>>;
  Result<Both> consents = co_await context.Call<Both>([&]() -> Result<Both> {
    RAPPORT_ASSIGN_OR_RETURN(std::vector<app::ConsentEntry> current,
                             details->CurrentConsents(principal, ContactId(*id)));
    RAPPORT_ASSIGN_OR_RETURN(std::vector<app::ConsentEntry> history,
                             details->ConsentHistory(principal, ContactId(*id), std::nullopt, 100));
    return Both{std::move(current), std::move(history)};
  });
  if (!consents.ok()) co_return context.StatusProblem(consents.status());
  JsonWriter json;
  json.StartObject();
  json.Key("items");
  json.StartArray();
  for (const app::ConsentEntry& consent : consents->first) WriteConsent(json, consent);
  json.EndArray();
  json.Key("history");
  json.StartArray();
  for (const app::ConsentEntry& consent : consents->second) WriteConsent(json, consent);
  json.EndArray();
  json.EndObject();
  co_return RequestContext::Json(200, json.Take());
}

boost::asio::awaitable<Response> RecordConsent(RequestContext& context) {
  const auto id = PositiveInteger(context.Param("contact_id"));
  if (!id) co_return InvalidParameter(context, "contact_id", "Expected a positive integer.");
  app::ConsentInput input;
  std::optional<std::string> recorded_at;
  JsonObjectReader reader;
  reader.Field("channel", &input.channel, Presence::kRequired)
      .Field("purpose", &input.purpose, Presence::kRequired)
      .Field("status", &input.status, Presence::kRequired)
      .Field("method", &input.method, Presence::kRequired)
      .Field("proof", &input.proof, Presence::kOptional)
      .Field("recorded_at", &recorded_at, Presence::kOptional);
  if (auto problem = reader.Read(context.request().body)) co_return context.ProblemFor(*problem);
  if (recorded_at) {
    Result<Timestamp> at = ParseRfc3339(*recorded_at);
    if (!at.ok()) co_return InvalidParameter(context, "recorded_at", "Expected an RFC 3339 time.");
    input.recorded_at = *at;
  }
  app::CardDetailsService* details = context.services().relationships.card_details;
  const app::Principal principal = *context.principal();
  const app::Origin origin = context.Origin();
  Result<app::ConsentEntry> consent = co_await context.Call<app::ConsentEntry>(
      [&] { return details->RecordConsent(principal, origin, ContactId(*id), input); });
  if (!consent.ok()) co_return context.StatusProblem(consent.status());
  co_return OneResponse(201, *consent, WriteConsent);
}

// --- Interests

boost::asio::awaitable<Response> Taxonomy(RequestContext& context) {
  app::CardDetailsService* details = context.services().relationships.card_details;
  const app::Principal principal = *context.principal();
  Result<std::vector<app::TaxonomyEntry>> taxonomy =
      co_await context.Call<std::vector<app::TaxonomyEntry>>([&] { return details->Taxonomy(principal); });
  if (!taxonomy.ok()) co_return context.StatusProblem(taxonomy.status());
  JsonWriter json;
  json.StartObject();
  json.Key("categories");
  json.StartArray();
  for (const app::TaxonomyEntry& entry : *taxonomy) {
    json.StartObject();
    json.Field("key", entry.category.key);
    json.Field("name", entry.category.name);
    json.Key("interests");
    json.StartArray();
    for (const app::Interest& interest : entry.interests) {
      json.StartObject();
      json.Field("key", interest.key);
      json.Field("name", interest.name);
      json.EndObject();
    }
    json.EndArray();
    json.EndObject();
  }
  json.EndArray();
  json.EndObject();
  co_return RequestContext::Json(200, json.Take());
}

boost::asio::awaitable<Response> DefineInterest(RequestContext& context) {
  std::string category;
  std::string category_name;
  std::string key;
  std::string name;
  JsonObjectReader reader;
  reader.Field("category", &category, Presence::kRequired)
      .Field("category_name", &category_name, Presence::kRequired)
      .Field("key", &key, Presence::kRequired)
      .Field("name", &name, Presence::kRequired);
  if (auto problem = reader.Read(context.request().body)) co_return context.ProblemFor(*problem);
  app::CardDetailsService* details = context.services().relationships.card_details;
  const app::Principal principal = *context.principal();
  const app::Origin origin = context.Origin();
  Result<app::Interest> interest = co_await context.Call<app::Interest>(
      [&] { return details->DefineInterest(principal, origin, category, category_name, key, name); });
  if (!interest.ok()) co_return context.StatusProblem(interest.status());
  JsonWriter json;
  json.StartObject();
  json.Field("key", interest->key);
  json.Field("name", interest->name);
  json.Field("category", category);
  json.EndObject();
  co_return RequestContext::Json(201, json.Take());
}

boost::asio::awaitable<Response> ListContactInterests(RequestContext& context) {
  const auto id = PositiveInteger(context.Param("contact_id"));
  if (!id) co_return InvalidParameter(context, "contact_id", "Expected a positive integer.");
  app::CardDetailsService* details = context.services().relationships.card_details;
  const app::Principal principal = *context.principal();
  Result<std::vector<app::ContactInterest>> interests = co_await context.Call<std::vector<app::ContactInterest>>(
      [&] { return details->ContactInterests(principal, ContactId(*id)); });
  if (!interests.ok()) co_return context.StatusProblem(interests.status());
  co_return ItemsResponse(200, *interests, WriteContactInterest);
}

boost::asio::awaitable<Response> SetInterest(RequestContext& context) {
  const auto id = PositiveInteger(context.Param("contact_id"));
  if (!id) co_return InvalidParameter(context, "contact_id", "Expected a positive integer.");
  const std::string key(context.Param("interest_key"));
  app::InterestInput input;
  std::int64_t strength = input.strength;
  JsonObjectReader reader;
  reader.Field("source", &input.source, Presence::kOptional).Field("strength", &strength, Presence::kOptional);
  if (auto problem = reader.Read(context.request().body)) co_return context.ProblemFor(*problem);
  if (strength < 1 || strength > domain::kInterestStrengthMax) {
    co_return InvalidParameter(context, "strength", "Expected an integer from 1 to 100.");
  }
  input.strength = static_cast<int>(strength);
  app::CardDetailsService* details = context.services().relationships.card_details;
  const app::Principal principal = *context.principal();
  const app::Origin origin = context.Origin();
  Result<app::ContactInterest> interest = co_await context.Call<app::ContactInterest>(
      [&] { return details->SetInterest(principal, origin, ContactId(*id), key, input); });
  if (!interest.ok()) co_return context.StatusProblem(interest.status());
  co_return OneResponse(200, *interest, WriteContactInterest);
}

boost::asio::awaitable<Response> RemoveInterest(RequestContext& context) {
  const auto id = PositiveInteger(context.Param("contact_id"));
  if (!id) co_return InvalidParameter(context, "contact_id", "Expected a positive integer.");
  const std::string key(context.Param("interest_key"));
  const std::string source = QueryParam(context.request().query, "source").value_or("declared");
  app::CardDetailsService* details = context.services().relationships.card_details;
  const app::Principal principal = *context.principal();
  const app::Origin origin = context.Origin();
  Result<bool> removed = co_await context.Call<bool>([&]() -> Result<bool> {
    RAPPORT_RETURN_IF_ERROR(details->RemoveInterest(principal, origin, ContactId(*id), key, source));
    return true;
  });
  if (!removed.ok()) co_return context.StatusProblem(removed.status());
  co_return NoContent();
}

OpenApiOperation Operation(std::string id, std::string summary, std::string tag, std::string request_schema,
                           std::vector<OpenApiResponse> responses, std::vector<OpenApiParameter> parameters = {}) {
  return OpenApiOperation{.operation_id = std::move(id),
                          .summary = std::move(summary),
                          .tags = {std::move(tag)},
                          .parameters = std::move(parameters),
                          .request_schema_json = std::move(request_schema),
                          .responses = std::move(responses)};
}

}  // namespace

void RegisterCardRoutes(Router& router) {
  const auto read = app::Permission::Require(Resource::kRelationships, Action::kRead);
  const auto write = app::Permission::Require(Resource::kRelationships, Action::kWrite);
  const auto admin = app::Permission::Require(Resource::kRelationships, Action::kAdmin);
  const std::string note(schemas::kNote);
  const std::string task(schemas::kTask);
  const std::string consent(schemas::kConsent);
  const std::string interest(schemas::kContactInterest);
  const OpenApiParameter limit{.name = "limit", .description = "1 to 500, default 50"};
  const OpenApiParameter cursor{.name = "cursor", .description = "The next of the previous page"};

  router.Add({Method::kGet, "/api/v1/contacts/{contact_id}/notes", read, ListNotes,
              Operation("listNotes", "A contact's notes, newest first", "notes", "",
                        {{"200", "A page of notes", "application/json", PageSchema(note)}}, {limit, cursor})});
  router.Add({Method::kPost, "/api/v1/contacts/{contact_id}/notes", write, AddNote,
              Operation("addNote", "Add a note to a client card", "notes", std::string(schemas::kNoteInput),
                        {{"201", "Added", "application/json", note}})});
  router.Add({Method::kPatch, "/api/v1/notes/{note_id}", write, EditNote,
              Operation("editNote", "Change a note's text", "notes", std::string(schemas::kNoteInput),
                        {{"200", "The note", "application/json", note}})});
  router.Add({Method::kDelete, "/api/v1/notes/{note_id}", write, DeleteNote,
              Operation("deleteNote", "Delete a note", "notes", "", {{"204", "Deleted", "", ""}})});

  const std::vector<OpenApiParameter> task_parameters = {
      {.name = "assignee", .description = "me (the signed-in user) or a user id"},
      {.name = "open", .description = "true (default): only tasks not done"},
      limit};
  router.Add({Method::kGet, "/api/v1/contacts/{contact_id}/tasks", read, ListTasks,
              Operation("listContactTasks", "A contact's tasks, soonest due first", "tasks", "",
                        {{"200", "Tasks", "application/json", ItemsSchema(task)}}, task_parameters)});
  router.Add({Method::kGet, "/api/v1/tasks", read, ListTasks,
              Operation("listTasks", "Tasks across contacts; assignee=me lists the caller's own", "tasks", "",
                        {{"200", "Tasks", "application/json", ItemsSchema(task)}}, task_parameters)});
  router.Add({Method::kPost, "/api/v1/contacts/{contact_id}/tasks", write, AddTask,
              Operation("addTask", "Add a task or reminder to a client card", "tasks", std::string(schemas::kTaskInput),
                        {{"201", "Added", "application/json", task}})});
  router.Add({Method::kPatch, "/api/v1/tasks/{task_id}", write, ChangeTask,
              Operation("changeTask", "Change a task; done: true completes it", "tasks",
                        std::string(schemas::kTaskInput), {{"200", "The task", "application/json", task}})});

  router.Add(
      {Method::kGet, "/api/v1/contacts/{contact_id}/consents", read, ListConsents,
       Operation("listConsents", "Current consents per channel and purpose, and their history", "consents", "",
                 {{"200", "Consents", "application/json",
                   R"({"type":"object","required":["items","history"],"properties":{"items":{"type":"array","items":)" +
                       consent + R"(},"history":{"type":"array","items":)" + consent + "}}}"}})});
  router.Add({Method::kPost, "/api/v1/contacts/{contact_id}/consents", write, RecordConsent,
              Operation("recordConsent", "Record a consent given or withdrawn, with how and the proof", "consents",
                        std::string(schemas::kConsentInput), {{"201", "Recorded", "application/json", consent}})});

  router.Add({Method::kGet, "/api/v1/interests", read, Taxonomy,
              Operation("getInterestTaxonomy", "The interest taxonomy: categories and their interests", "interests", "",
                        {{"200", "The taxonomy", "application/json", std::string(schemas::kTaxonomy)}})});
  router.Add({Method::kPost, "/api/v1/interests", admin, DefineInterest,
              Operation("defineInterest", "Add an interest (and its category) to the taxonomy", "interests",
                        std::string(schemas::kDefineInterest),
                        {{"201", "Defined", "application/json", R"({"type":"object"})"}})});
  router.Add({Method::kGet, "/api/v1/contacts/{contact_id}/interests", read, ListContactInterests,
              Operation("listContactInterests", "A contact's interests, strongest first", "interests", "",
                        {{"200", "Interests", "application/json", ItemsSchema(interest)}})});
  router.Add(
      {Method::kPut, "/api/v1/contacts/{contact_id}/interests/{interest_key}", write, SetInterest,
       Operation("setContactInterest", "Set a contact's interest with its source and strength", "interests",
                 std::string(schemas::kInterestInput), {{"200", "The interest", "application/json", interest}})});
  router.Add({Method::kDelete, "/api/v1/contacts/{contact_id}/interests/{interest_key}", write, RemoveInterest,
              Operation("removeContactInterest", "Remove a contact's interest from one source", "interests", "",
                        {{"204", "Removed", "", ""}},
                        {{.name = "source", .description = "declared (default), purchase, survey, campaign_click"}})});
}

}  // namespace rapport::http

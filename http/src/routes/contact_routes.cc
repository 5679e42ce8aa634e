// Contacts and companies: create, change, read, list with filters and keyset
// pages, search as you type, the client card and its timeline, company links
// and custom field definitions. Every operation goes through
// app::ContactService, which checks the permission again and writes events
// and audit records in the change's transaction.
#include <chrono>
#include <optional>
#include <string>

#include "json.h"
#include "request_context.h"
#include "routes/contact_json.h"
#include "routes/contact_schemas.h"
#include "routes/route_support.h"
#include "routes/routes.h"

#include "rapport/base/limits.h"
#include "rapport/domain/contact_rules.h"

namespace rapport::http {
namespace {

using domain::Action;
using domain::Resource;

Response ContactResponse(int status, const app::Contact& contact) {
  JsonWriter json;
  WriteContact(json, contact);
  return RequestContext::Json(status, json.Take());
}

Response CompanyResponse(int status, const app::Company& company) {
  JsonWriter json;
  WriteCompany(json, company);
  return RequestContext::Json(status, json.Take());
}

// {"items": [...], "next": CURSOR|null} for a page of contacts.
Response ContactPageResponse(app::ContactSort sort, const app::ContactPage& page) {
  JsonWriter json;
  json.StartObject();
  json.Key("items");
  json.StartArray();
  for (const app::Contact& contact : page.items) WriteContact(json, contact);
  json.EndArray();
  json.Key("next");
  if (page.next) {
    json.String(EncodeContactCursor(sort, *page.next));
  } else {
    json.Null();
  }
  json.EndObject();
  return RequestContext::Json(200, json.Take());
}

// "app;dur=1.234": the time the use case took, for clients measuring search.
std::string ServerTiming(std::chrono::steady_clock::time_point started) {
  const auto elapsed = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started);
  char text[48];
  (void)std::snprintf(text, sizeof text, "app;dur=%.3f", elapsed.count());
  return text;
}

// The list filters shared by the contact list and the export; answers 400
// into `problem` for a bad one.
std::optional<app::ContactQuery> ParseContactQuery(const RequestContext& context, std::optional<Response>& problem) {
  const std::string_view query = context.request().query;
  app::ContactQuery parsed;
  if (const auto q = QueryParam(query, "q")) {
    if (q->size() > limits::kSearchQueryBytesMax) {
      problem = InvalidParameter(context, "q", "At most " + std::to_string(limits::kSearchQueryBytesMax) + " bytes.");
      return std::nullopt;
    }
    parsed.filter.search_terms = domain::SearchTerms(*q);
  }
  if (const auto role = QueryParam(query, "role"); role && !role->empty()) {
    parsed.filter.role = domain::ParseRelationshipRole(*role);
    if (!parsed.filter.role) {
      problem = InvalidParameter(context, "role", "One of: customer, supplier, distributor, partner, investor.");
      return std::nullopt;
    }
  }
  for (const char* name : {"company_id", "owner_id"}) {
    if (const auto text = QueryParam(query, name); text && !text->empty()) {
      const auto id = PositiveInteger(*text);
      if (!id) {
        problem = InvalidParameter(context, name, "Expected a positive integer.");
        return std::nullopt;
      }
      if (std::string_view(name) == "company_id") {
        parsed.filter.company = CompanyId(*id);
      } else {
        parsed.filter.owner = UserId(*id);
      }
    }
  }
  if (const auto locale = QueryParam(query, "locale")) parsed.filter.locale = *locale;
  if (const auto source = QueryParam(query, "source")) parsed.filter.source = *source;
  for (const char* name : {"created_from", "created_to"}) {
    if (const auto text = QueryParam(query, name); text && !text->empty()) {
      Result<Timestamp> at = ParseRfc3339(*text);
      if (!at.ok()) {
        problem = InvalidParameter(context, name, "Expected an RFC 3339 time like 2026-11-24T00:00:00Z.");
        return std::nullopt;
      }
      (std::string_view(name) == "created_from" ? parsed.filter.created_from : parsed.filter.created_to) = *at;
    }
  }
  if (const auto sort = QueryParam(query, "sort"); sort && !sort->empty()) {
    if (*sort == "newest") {
      parsed.sort = app::ContactSort::kNewest;
    } else if (*sort == "name") {
      parsed.sort = app::ContactSort::kName;
    } else if (*sort == "updated") {
      parsed.sort = app::ContactSort::kUpdated;
    } else {
      problem = InvalidParameter(context, "sort", "One of: newest, name, updated.");
      return std::nullopt;
    }
  }
  if (!parsed.filter.search_terms.empty()) parsed.sort = app::ContactSort::kNewest;
  const std::optional<int> limit = PageLimit(context, 50, problem);
  if (!limit) return std::nullopt;
  parsed.limit = *limit;
  if (const auto cursor = QueryParam(query, "cursor"); cursor && !cursor->empty()) {
    parsed.after = DecodeContactCursor(parsed.sort, *cursor);
    if (!parsed.after) {
      problem = InvalidParameter(context, "cursor", "Not a cursor of this list (sort and search must not change).");
      return std::nullopt;
    }
  }
  return parsed;
}

boost::asio::awaitable<Response> ListContacts(RequestContext& context) {
  std::optional<Response> problem;
  std::optional<app::ContactQuery> query = ParseContactQuery(context, problem);
  if (!query) co_return std::move(*problem);
  app::ContactService* contacts = context.services().relationships.contacts;
  const app::Principal principal = *context.principal();
  const auto started = std::chrono::steady_clock::now();
  Result<app::ContactPage> page =
      co_await context.Call<app::ContactPage>([&] { return contacts->List(principal, *query); });
  if (!page.ok()) co_return context.StatusProblem(page.status());
  const std::string timing = ServerTiming(started);
  Response response = ContactPageResponse(query->sort, *page);
  response.SetHeader("Server-Timing", timing);
  co_return response;
}

boost::asio::awaitable<Response> ListCompanyContacts(RequestContext& context) {
  const auto id = PositiveInteger(context.Param("company_id"));
  if (!id) co_return InvalidParameter(context, "company_id", "Expected a positive integer.");
  std::optional<Response> problem;
  std::optional<app::ContactQuery> query = ParseContactQuery(context, problem);
  if (!query) co_return std::move(*problem);
  query->filter.company = CompanyId(*id);
  app::ContactService* contacts = context.services().relationships.contacts;
  const app::Principal principal = *context.principal();
  Result<app::ContactPage> page = co_await context.Call<app::ContactPage>([&]() -> Result<app::ContactPage> {
    RAPPORT_RETURN_IF_ERROR(contacts->GetCompany(principal, CompanyId(*id)).status());
    return contacts->List(principal, *query);
  });
  if (!page.ok()) co_return context.StatusProblem(page.status());
  co_return ContactPageResponse(query->sort, *page);
}

Response OutcomeResponse(const RequestContext& context, int status, const app::ContactOutcome& outcome) {
  if (!outcome.ok()) return context.ProblemFor(ContactProblem(outcome.status, outcome.errors, outcome.existing));
  JsonWriter json;
  WriteContact(json, *outcome.contact);
  if (status == 201) {
    // The created contact plus the probable duplicates found for it.
    std::string body = json.Take();
    JsonWriter duplicates;
    duplicates.StartArray();
    for (const app::DuplicateHint& hint : outcome.duplicates) {
      duplicates.StartObject();
      duplicates.Field("contact_id", hint.contact_id.value());
      duplicates.Field("score", static_cast<std::int64_t>(hint.score));
      duplicates.Key("rules");
      duplicates.StartArray();
      for (domain::DuplicateRule rule : hint.rules) duplicates.String(domain::DuplicateRuleName(rule));
      duplicates.EndArray();
      duplicates.EndObject();
    }
    duplicates.EndArray();
    body.pop_back();  // the closing brace of the contact object
    body += ",\"duplicates\":" + duplicates.Take() + "}";
    Response response = RequestContext::Json(201, std::move(body));
    response.SetHeader("Location", "/api/v1/contacts/" + std::to_string(outcome.contact->id.value()));
    return response;
  }
  return RequestContext::Json(status, json.Take());
}

boost::asio::awaitable<Response> CreateContact(RequestContext& context) {
  app::NewContactRequest request;
  std::optional<std::int64_t> company_id;
  if (auto problem = ReadContactInput(context.request().body, request.input, &company_id, &request.job_title)) {
    co_return context.ProblemFor(*problem);
  }
  if (company_id) request.company_id = CompanyId(*company_id);
  app::ContactService* contacts = context.services().relationships.contacts;
  const app::Principal principal = *context.principal();
  const app::Origin origin = context.Origin();
  Result<app::ContactOutcome> outcome = co_await context.Call<app::ContactOutcome>(
      [&]() -> Result<app::ContactOutcome> { return contacts->Create(principal, origin, request); });
  if (!outcome.ok()) co_return context.StatusProblem(outcome.status());
  co_return OutcomeResponse(context, 201, *outcome);
}

boost::asio::awaitable<Response> GetContact(RequestContext& context) {
  const auto id = PositiveInteger(context.Param("contact_id"));
  if (!id) co_return InvalidParameter(context, "contact_id", "Expected a positive integer.");
  app::ContactService* contacts = context.services().relationships.contacts;
  const app::Principal principal = *context.principal();
  Result<app::Contact> contact =
      co_await context.Call<app::Contact>([&] { return contacts->Get(principal, ContactId(*id)); });
  if (!contact.ok()) co_return context.StatusProblem(contact.status());
  co_return ContactResponse(200, *contact);
}

boost::asio::awaitable<Response> UpdateContact(RequestContext& context) {
  const auto id = PositiveInteger(context.Param("contact_id"));
  if (!id) co_return InvalidParameter(context, "contact_id", "Expected a positive integer.");
  app::ContactInput input;
  if (auto problem = ReadContactInput(context.request().body, input, nullptr, nullptr)) {
    co_return context.ProblemFor(*problem);
  }
  app::ContactService* contacts = context.services().relationships.contacts;
  const app::Principal principal = *context.principal();
  const app::Origin origin = context.Origin();
  Result<app::ContactOutcome> outcome = co_await context.Call<app::ContactOutcome>(
      [&]() -> Result<app::ContactOutcome> { return contacts->Update(principal, origin, ContactId(*id), input); });
  if (!outcome.ok()) co_return context.StatusProblem(outcome.status());
  co_return OutcomeResponse(context, 200, *outcome);
}

boost::asio::awaitable<Response> DeleteContact(RequestContext& context) {
  const auto id = PositiveInteger(context.Param("contact_id"));
  if (!id) co_return InvalidParameter(context, "contact_id", "Expected a positive integer.");
  app::ContactService* contacts = context.services().relationships.contacts;
  const app::Principal principal = *context.principal();
  const app::Origin origin = context.Origin();
  Result<bool> deleted = co_await context.Call<bool>([&]() -> Result<bool> {
    RAPPORT_RETURN_IF_ERROR(contacts->Delete(principal, origin, ContactId(*id)));
    return true;
  });
  if (!deleted.ok()) {
    if (deleted.status().code() == StatusCode::kFailedPrecondition) {
      co_return context.ProblemFor(Problem{.status = 409,
                                           .code = "contact_has_history",
                                           .title = "The contact has history",
                                           .detail = deleted.status().message(),
                                           .errors = {}});
    }
    co_return context.StatusProblem(deleted.status());
  }
  co_return NoContent();
}

std::optional<app::TimelineQuery> ParseTimelineQuery(const RequestContext& context, std::optional<Response>& problem) {
  const std::string_view query = context.request().query;
  app::TimelineQuery parsed;
  if (const auto kinds = QueryParam(query, "kind"); kinds && !kinds->empty()) {
    std::string_view rest = *kinds;
    while (!rest.empty()) {
      const std::size_t comma = rest.find(',');
      if (!rest.substr(0, comma).empty()) parsed.kinds.emplace_back(rest.substr(0, comma));
      if (comma == std::string_view::npos) break;
      rest.remove_prefix(comma + 1);
    }
  }
  if (const auto cursor = QueryParam(query, "cursor"); cursor && !cursor->empty()) {
    const auto sequence = PositiveInteger(*cursor);
    if (!sequence) {
      problem = InvalidParameter(context, "cursor", "Not a cursor of this timeline.");
      return std::nullopt;
    }
    parsed.before = EventSequence(*sequence);
  }
  const std::optional<int> limit = PageLimit(context, 50, problem);
  if (!limit) return std::nullopt;
  parsed.limit = *limit;
  return parsed;
}

boost::asio::awaitable<Response> ContactTimeline(RequestContext& context) {
  const auto id = PositiveInteger(context.Param("contact_id"));
  if (!id) co_return InvalidParameter(context, "contact_id", "Expected a positive integer.");
  std::optional<Response> problem;
  std::optional<app::TimelineQuery> query = ParseTimelineQuery(context, problem);
  if (!query) co_return std::move(*problem);
  app::ContactService* contacts = context.services().relationships.contacts;
  const app::Principal principal = *context.principal();
  Result<app::TimelinePage> page =
      co_await context.Call<app::TimelinePage>([&] { return contacts->Timeline(principal, ContactId(*id), *query); });
  if (!page.ok()) co_return context.StatusProblem(page.status());
  JsonWriter json;
  WriteTimeline(json, *page);
  co_return RequestContext::Json(200, json.Take());
}

boost::asio::awaitable<Response> ContactCard(RequestContext& context) {
  const auto id = PositiveInteger(context.Param("contact_id"));
  if (!id) co_return InvalidParameter(context, "contact_id", "Expected a positive integer.");
  app::ContactService* contacts = context.services().relationships.contacts;
  const app::Principal principal = *context.principal();
  Result<app::ClientCard> card =
      co_await context.Call<app::ClientCard>([&] { return contacts->Card(principal, ContactId(*id)); });
  if (!card.ok()) co_return context.StatusProblem(card.status());
  JsonWriter json;
  json.StartObject();
  json.Key("contact");
  WriteContact(json, card->contact);
  json.Key("interests");
  json.StartArray();
  for (const app::ContactInterest& interest : card->interests) WriteContactInterest(json, interest);
  json.EndArray();
  json.Key("consents");
  json.StartArray();
  for (const app::ConsentEntry& consent : card->consents) WriteConsent(json, consent);
  json.EndArray();
  json.Key("tasks");
  json.StartArray();
  for (const app::Task& task : card->open_tasks) WriteTask(json, task);
  json.EndArray();
  json.Key("notes");
  json.StartArray();
  for (const app::Note& note : card->notes) WriteNote(json, note);
  json.EndArray();
  json.Key("timeline");
  WriteTimeline(json, card->timeline);
  json.Key("merges");
  json.StartArray();
  for (const app::MergeRecord& merge : card->merges) WriteMerge(json, merge);
  json.EndArray();
  json.EndObject();
  co_return RequestContext::Json(200, json.Take());
}

boost::asio::awaitable<Response> LinkCompany(RequestContext& context) {
  const auto id = PositiveInteger(context.Param("contact_id"));
  if (!id) co_return InvalidParameter(context, "contact_id", "Expected a positive integer.");
  std::int64_t company_id = 0;
  std::string job_title;
  std::optional<bool> primary;
  JsonObjectReader reader;
  reader.Field("company_id", &company_id, Presence::kRequired)
      .Field("job_title", &job_title, Presence::kOptional)
      .Field("primary", &primary, Presence::kOptional);
  if (auto problem = reader.Read(context.request().body)) co_return context.ProblemFor(*problem);
  if (company_id <= 0) co_return InvalidParameter(context, "company_id", "Expected a positive integer.");
  app::ContactService* contacts = context.services().relationships.contacts;
  const app::Principal principal = *context.principal();
  const app::Origin origin = context.Origin();
  Result<app::ContactOutcome> outcome =
      co_await context.Call<app::ContactOutcome>([&]() -> Result<app::ContactOutcome> {
        return contacts->LinkCompany(principal, origin, ContactId(*id), CompanyId(company_id), job_title,
                                     primary.value_or(false));
      });
  if (!outcome.ok()) co_return context.StatusProblem(outcome.status());
  co_return OutcomeResponse(context, 200, *outcome);
}

boost::asio::awaitable<Response> UnlinkCompany(RequestContext& context) {
  const auto id = PositiveInteger(context.Param("contact_id"));
  if (!id) co_return InvalidParameter(context, "contact_id", "Expected a positive integer.");
  const auto company_id = PositiveInteger(context.Param("company_id"));
  if (!company_id) co_return InvalidParameter(context, "company_id", "Expected a positive integer.");
  app::ContactService* contacts = context.services().relationships.contacts;
  const app::Principal principal = *context.principal();
  const app::Origin origin = context.Origin();
  Result<app::ContactOutcome> outcome =
      co_await context.Call<app::ContactOutcome>([&]() -> Result<app::ContactOutcome> {
        return contacts->UnlinkCompany(principal, origin, ContactId(*id), CompanyId(*company_id));
      });
  if (!outcome.ok()) co_return context.StatusProblem(outcome.status());
  co_return OutcomeResponse(context, 200, *outcome);
}

// --- Companies

boost::asio::awaitable<Response> ListCompanies(RequestContext& context) {
  const std::string_view query = context.request().query;
  app::CompanyQuery parsed;
  if (const auto q = QueryParam(query, "q")) parsed.search_terms = domain::SearchTerms(*q);
  if (const auto role = QueryParam(query, "role"); role && !role->empty()) {
    parsed.role = domain::ParseRelationshipRole(*role);
    if (!parsed.role) {
      co_return InvalidParameter(context, "role", "One of: customer, supplier, distributor, partner, investor.");
    }
  }
  std::optional<Response> problem;
  const std::optional<int> limit = PageLimit(context, 50, problem);
  if (!limit) co_return std::move(*problem);
  parsed.limit = *limit;
  if (const auto cursor = QueryParam(query, "cursor"); cursor && !cursor->empty()) {
    auto position = DecodeCompanyCursor(*cursor);
    if (!position) co_return InvalidParameter(context, "cursor", "Not a cursor of this list.");
    parsed.after_name = std::move(position->first);
    parsed.after = position->second;
  }
  app::ContactService* contacts = context.services().relationships.contacts;
  const app::Principal principal = *context.principal();
  Result<app::CompanyPage> page =
      co_await context.Call<app::CompanyPage>([&] { return contacts->ListCompanies(principal, parsed); });
  if (!page.ok()) co_return context.StatusProblem(page.status());
  JsonWriter json;
  json.StartObject();
  json.Key("items");
  json.StartArray();
  for (const app::Company& company : page->items) WriteCompany(json, company);
  json.EndArray();
  json.Key("next");
  if (page->next) {
    json.String(EncodeCompanyCursor(page->next_name, *page->next));
  } else {
    json.Null();
  }
  json.EndObject();
  co_return RequestContext::Json(200, json.Take());
}

Response CompanyOutcomeResponse(const RequestContext& context, int status, const app::CompanyOutcome& outcome) {
  if (!outcome.ok()) return context.ProblemFor(ContactProblem(outcome.status, outcome.errors, std::nullopt));
  Response response = CompanyResponse(status, *outcome.company);
  if (status == 201) response.SetHeader("Location", "/api/v1/companies/" + std::to_string(outcome.company->id.value()));
  return response;
}

boost::asio::awaitable<Response> CreateCompany(RequestContext& context) {
  app::CompanyInput input;
  if (auto problem = ReadCompanyInput(context.request().body, input)) co_return context.ProblemFor(*problem);
  app::ContactService* contacts = context.services().relationships.contacts;
  const app::Principal principal = *context.principal();
  const app::Origin origin = context.Origin();
  Result<app::CompanyOutcome> outcome = co_await context.Call<app::CompanyOutcome>(
      [&]() -> Result<app::CompanyOutcome> { return contacts->CreateCompany(principal, origin, input); });
  if (!outcome.ok()) co_return context.StatusProblem(outcome.status());
  co_return CompanyOutcomeResponse(context, 201, *outcome);
}

boost::asio::awaitable<Response> GetCompany(RequestContext& context) {
  const auto id = PositiveInteger(context.Param("company_id"));
  if (!id) co_return InvalidParameter(context, "company_id", "Expected a positive integer.");
  app::ContactService* contacts = context.services().relationships.contacts;
  const app::Principal principal = *context.principal();
  Result<app::Company> company =
      co_await context.Call<app::Company>([&] { return contacts->GetCompany(principal, CompanyId(*id)); });
  if (!company.ok()) co_return context.StatusProblem(company.status());
  co_return CompanyResponse(200, *company);
}

boost::asio::awaitable<Response> UpdateCompany(RequestContext& context) {
  const auto id = PositiveInteger(context.Param("company_id"));
  if (!id) co_return InvalidParameter(context, "company_id", "Expected a positive integer.");
  app::CompanyInput input;
  if (auto problem = ReadCompanyInput(context.request().body, input)) co_return context.ProblemFor(*problem);
  app::ContactService* contacts = context.services().relationships.contacts;
  const app::Principal principal = *context.principal();
  const app::Origin origin = context.Origin();
  Result<app::CompanyOutcome> outcome =
      co_await context.Call<app::CompanyOutcome>([&]() -> Result<app::CompanyOutcome> {
        return contacts->UpdateCompany(principal, origin, CompanyId(*id), input);
      });
  if (!outcome.ok()) co_return context.StatusProblem(outcome.status());
  co_return CompanyOutcomeResponse(context, 200, *outcome);
}

// --- Custom fields

boost::asio::awaitable<Response> ListCustomFields(RequestContext& context) {
  app::ContactService* contacts = context.services().relationships.contacts;
  const app::Principal principal = *context.principal();
  Result<std::vector<app::CustomFieldDefinition>> fields =
      co_await context.Call<std::vector<app::CustomFieldDefinition>>(
          [&] { return contacts->ListCustomFields(principal); });
  if (!fields.ok()) co_return context.StatusProblem(fields.status());
  JsonWriter json;
  json.StartObject();
  json.Key("items");
  json.StartArray();
  for (const app::CustomFieldDefinition& field : *fields) WriteCustomField(json, field);
  json.EndArray();
  json.EndObject();
  co_return RequestContext::Json(200, json.Take());
}

boost::asio::awaitable<Response> DefineCustomField(RequestContext& context) {
  app::CustomFieldRequest request;
  RawJson choices;
  JsonObjectReader reader;
  reader.Field("key", &request.key, Presence::kRequired)
      .Field("label", &request.label, Presence::kRequired)
      .Field("type", &request.type, Presence::kRequired)
      .Field("choices", &choices, Presence::kOptional)
      .Field("required", &request.required, Presence::kOptional)
      .Field("applies_to", &request.applies_to, Presence::kOptional);
  if (auto problem = reader.Read(context.request().body)) co_return context.ProblemFor(*problem);
  if (!choices.text.empty()) {
    auto values = ReadStringArray(choices.text);
    if (!values) co_return InvalidParameter(context, "choices", "Expected an array of strings.");
    request.choices = std::move(*values);
  }
  app::ContactService* contacts = context.services().relationships.contacts;
  const app::Principal principal = *context.principal();
  const app::Origin origin = context.Origin();
  Result<app::CustomFieldDefinition> field = co_await context.Call<app::CustomFieldDefinition>(
      [&] { return contacts->DefineCustomField(principal, origin, request); });
  if (!field.ok()) co_return context.StatusProblem(field.status());
  JsonWriter json;
  WriteCustomField(json, *field);
  co_return RequestContext::Json(201, json.Take());
}

boost::asio::awaitable<Response> ChangeCustomField(RequestContext& context) {
  const std::string key(context.Param("key"));
  std::optional<std::string> label;
  RawJson choices;
  std::optional<bool> required;
  JsonObjectReader reader;
  reader.Field("label", &label, Presence::kOptional)
      .Field("choices", &choices, Presence::kOptional)
      .Field("required", &required, Presence::kOptional);
  if (auto problem = reader.Read(context.request().body)) co_return context.ProblemFor(*problem);
  std::optional<std::vector<std::string>> choice_values;
  if (!choices.text.empty()) {
    choice_values = ReadStringArray(choices.text);
    if (!choice_values) co_return InvalidParameter(context, "choices", "Expected an array of strings.");
  }
  app::ContactService* contacts = context.services().relationships.contacts;
  const app::Principal principal = *context.principal();
  const app::Origin origin = context.Origin();
  Result<app::CustomFieldDefinition> field = co_await context.Call<app::CustomFieldDefinition>(
      [&] { return contacts->ChangeCustomField(principal, origin, key, label, choice_values, required); });
  if (!field.ok()) co_return context.StatusProblem(field.status());
  JsonWriter json;
  WriteCustomField(json, *field);
  co_return RequestContext::Json(200, json.Take());
}

OpenApiParameter ListParameter(std::string name, std::string description) {
  return OpenApiParameter{.name = std::move(name), .in = "query", .description = std::move(description)};
}

std::vector<OpenApiParameter> ContactListParameters() {
  return {ListParameter("q", "Search as you type: prefixes of names, e-mails, phones, companies and notes"),
          ListParameter("role", "customer, supplier, distributor, partner or investor"),
          ListParameter("company_id", "Contacts linked to this company"),
          ListParameter("owner_id", "Contacts owned by this user"),
          ListParameter("locale", "en or ru"),
          ListParameter("source", "Where contacts came from"),
          ListParameter("created_from", "RFC 3339, inclusive"),
          ListParameter("created_to", "RFC 3339, exclusive"),
          ListParameter("sort", "newest (default), name or updated; searches are newest first"),
          ListParameter("limit", "1 to 500, default 50"),
          ListParameter("cursor", "The next of the previous page")};
}

}  // namespace

void RegisterContactRoutes(Router& router) {
  const auto read = app::Permission::Require(Resource::kRelationships, Action::kRead);
  const auto write = app::Permission::Require(Resource::kRelationships, Action::kWrite);
  const auto admin = app::Permission::Require(Resource::kRelationships, Action::kAdmin);
  const std::string contact(schemas::kContact);
  const std::string company(schemas::kCompany);
  const std::vector<std::string> tags = {"contacts"};

  router.Add({Method::kGet, "/api/v1/contacts", read, ListContacts,
              OpenApiOperation{.operation_id = "listContacts",
                               .summary = "Contacts, filtered, sorted and paged; search as you type with q",
                               .description = "Keyset pages: pass next as cursor. The Server-Timing header gives "
                                              "the time the query took.",
                               .tags = tags,
                               .parameters = ContactListParameters(),
                               .responses = {{"200", "A page of contacts", "application/json", PageSchema(contact)}}}});
  router.Add({Method::kPost, "/api/v1/contacts", write, CreateContact,
              OpenApiOperation{.operation_id = "createContact",
                               .summary = "Create a contact",
                               .description = "422 lists every invalid field; 409 names the contact that already "
                                              "has the e-mail or external id. The answer lists probable duplicates.",
                               .tags = tags,
                               .request_schema_json = std::string(schemas::kContactInput),
                               .responses = {{"201", "Created", "application/json", contact}}}});
  router.Add({Method::kGet, "/api/v1/contacts/{contact_id}", read, GetContact,
              OpenApiOperation{.operation_id = "getContact",
                               .summary = "One contact (a merged one names the survivor in merged_into)",
                               .tags = tags,
                               .responses = {{"200", "The contact", "application/json", contact}}}});
  router.Add({Method::kPatch, "/api/v1/contacts/{contact_id}", write, UpdateContact,
              OpenApiOperation{.operation_id = "updateContact",
                               .summary = "Change a contact's fields; null or \"\" clears one",
                               .tags = tags,
                               .request_schema_json = std::string(schemas::kContactInput),
                               .responses = {{"200", "The contact after the change", "application/json", contact}}}});
  router.Add({Method::kDelete, "/api/v1/contacts/{contact_id}", admin, DeleteContact,
              OpenApiOperation{.operation_id = "deleteContact",
                               .summary = "Delete a contact without history",
                               .description = "409 contact_has_history when notes, tasks, consents, purchases or "
                                              "merges refer to it; merge it instead.",
                               .tags = tags,
                               .responses = {{"204", "Deleted", "", ""}}}});
  router.Add({Method::kGet, "/api/v1/contacts/{contact_id}/card", read, ContactCard,
              OpenApiOperation{.operation_id = "getClientCard",
                               .summary = "The client card: profile, interests, consents, open tasks, notes, "
                                          "the first timeline page and merges",
                               .tags = tags,
                               .responses = {{"200", "The card", "application/json", R"({"type":"object"})"}}}});
  router.Add(
      {Method::kGet, "/api/v1/contacts/{contact_id}/timeline", read, ContactTimeline,
       OpenApiOperation{.operation_id = "getTimeline",
                        .summary = "Everything that happened to a relationship, newest first",
                        .description = "Includes the events of contacts merged into this one.",
                        .tags = tags,
                        .parameters = {ListParameter("kind", "Comma-separated event kinds to keep"),
                                       ListParameter("limit", "1 to 500, default 50"),
                                       ListParameter("cursor", "The next of the previous page")},
                        .responses = {{"200", "A page of events", "application/json", PageSchema(schemas::kEvent)}}}});
  router.Add(
      {Method::kPost, "/api/v1/contacts/{contact_id}/companies", write, LinkCompany,
       OpenApiOperation{
           .operation_id = "linkCompany",
           .summary = "Link a contact to a company (with a job title; primary or not)",
           .tags = tags,
           .request_schema_json =
               R"({"type":"object","required":["company_id"],"properties":{"company_id":{"type":"integer"},"job_title":{"type":"string"},"primary":{"type":"boolean"}}})",
           .responses = {{"200", "The contact", "application/json", contact}}}});
  router.Add({Method::kDelete, "/api/v1/contacts/{contact_id}/companies/{company_id}", write, UnlinkCompany,
              OpenApiOperation{.operation_id = "unlinkCompany",
                               .summary = "Remove a contact's link to a company",
                               .tags = tags,
                               .responses = {{"200", "The contact", "application/json", contact}}}});

  const std::vector<std::string> company_tags = {"companies"};
  router.Add(
      {Method::kGet, "/api/v1/companies", read, ListCompanies,
       OpenApiOperation{
           .operation_id = "listCompanies",
           .summary = "Companies by name; search with q",
           .tags = company_tags,
           .parameters = {ListParameter("q", "Prefixes of words of the name"),
                          ListParameter("role", "A relationship role"), ListParameter("limit", "1 to 500, default 50"),
                          ListParameter("cursor", "The next of the previous page")},
           .responses = {{"200", "A page of companies", "application/json", PageSchema(company)}}}});
  router.Add({Method::kPost, "/api/v1/companies", write, CreateCompany,
              OpenApiOperation{.operation_id = "createCompany",
                               .summary = "Create a company",
                               .tags = company_tags,
                               .request_schema_json = std::string(schemas::kCompanyInput),
                               .responses = {{"201", "Created", "application/json", company}}}});
  router.Add({Method::kGet, "/api/v1/companies/{company_id}", read, GetCompany,
              OpenApiOperation{.operation_id = "getCompany",
                               .summary = "One company with its number of contacts",
                               .tags = company_tags,
                               .responses = {{"200", "The company", "application/json", company}}}});
  router.Add({Method::kPatch, "/api/v1/companies/{company_id}", write, UpdateCompany,
              OpenApiOperation{.operation_id = "updateCompany",
                               .summary = "Change a company; a new name re-indexes its contacts for search",
                               .tags = company_tags,
                               .request_schema_json = std::string(schemas::kCompanyInput),
                               .responses = {{"200", "The company", "application/json", company}}}});
  router.Add({Method::kGet, "/api/v1/companies/{company_id}/contacts", read, ListCompanyContacts,
              OpenApiOperation{.operation_id = "listCompanyContacts",
                               .summary = "The contacts linked to a company",
                               .tags = company_tags,
                               .parameters = ContactListParameters(),
                               .responses = {{"200", "A page of contacts", "application/json", PageSchema(contact)}}}});

  const std::vector<std::string> field_tags = {"custom fields"};
  router.Add({Method::kGet, "/api/v1/custom-fields", read, ListCustomFields,
              OpenApiOperation{
                  .operation_id = "listCustomFields",
                  .summary = "Custom field definitions",
                  .tags = field_tags,
                  .responses = {{"200", "Definitions", "application/json", ItemsSchema(schemas::kCustomField)}}}});
  router.Add(
      {Method::kPost, "/api/v1/custom-fields", admin, DefineCustomField,
       OpenApiOperation{.operation_id = "defineCustomField",
                        .summary = "Define a custom field (text, number, date or choice)",
                        .tags = field_tags,
                        .request_schema_json = std::string(schemas::kCustomField),
                        .responses = {{"201", "Defined", "application/json", std::string(schemas::kCustomField)}}}});
  router.Add(
      {Method::kPatch, "/api/v1/custom-fields/{key}", admin, ChangeCustomField,
       OpenApiOperation{
           .operation_id = "changeCustomField",
           .summary = "Change a custom field's label, choices or whether it is required",
           .tags = field_tags,
           .request_schema_json =
               R"({"type":"object","additionalProperties":false,"properties":{"label":{"type":"string"},"choices":{"type":"array","items":{"type":"string"}},"required":{"type":"boolean"}}})",
           .responses = {{"200", "Changed", "application/json", std::string(schemas::kCustomField)}}}});
}

}  // namespace rapport::http

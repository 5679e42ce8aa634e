#include "rapport/app/contact_service.h"

#include <algorithm>
#include <set>
#include <utility>

#include "json_builder.h"
#include "relationship_support.h"

#include "rapport/base/limits.h"
#include "rapport/base/utf8.h"
#include "rapport/domain/contact_rules.h"
#include "rapport/domain/duplicates.h"

namespace rapport::app {
namespace {

using domain::Action;

constexpr int kDuplicateNeighboursMax = 20;
constexpr int kReindexPage = 500;
constexpr std::size_t kLabelBytesMax = 200;

// The names of the profile fields that differ, for events and audit details.
std::vector<std::string> ChangedFields(const ContactProfile& before, const ContactProfile& after) {
  std::vector<std::string> fields;
  auto check = [&](bool differs, const char* name) {
    if (differs) fields.emplace_back(name);
  };
  check(before.first_name != after.first_name, "first_name");
  check(before.last_name != after.last_name, "last_name");
  check(before.email != after.email, "email");
  check(before.other_emails != after.other_emails, "other_emails");
  check(before.phone != after.phone, "phone");
  check(before.other_phones != after.other_phones, "other_phones");
  check(!(before.address == after.address), "address");
  check(before.birthday != after.birthday, "birthday");
  check(before.gender != after.gender, "gender");
  check(before.locale != after.locale, "locale");
  check(before.time_zone != after.time_zone, "time_zone");
  check(before.source != after.source, "source");
  check(before.owner != after.owner, "owner_id");
  check(before.external_id != after.external_id, "external_id");
  check(before.roles != after.roles, "roles");
  check(before.custom_json != after.custom_json, "custom");
  return fields;
}

InputRules RulesFrom(std::vector<CustomFieldDefinition> fields, const ContactServiceOptions& options) {
  return InputRules{.default_calling_code = options.default_calling_code, .custom_fields = std::move(fields)};
}

// Refuses a primary e-mail or external id already held by another unmerged contact.
Status CheckUnique(RelationshipsReader& relationships, const ContactProfile& profile, std::optional<ContactId> self,
                   std::optional<ContactId>& existing) {
  auto check = [&](ContactKey key, const std::string& value, std::string_view what) -> Status {
    if (value.empty()) return Status::Ok();
    const std::string values[] = {value};
    RAPPORT_ASSIGN_OR_RETURN(std::vector<std::optional<ContactId>> found, relationships.FindContactsByKey(key, values));
    if (found.front() && found.front() != self) {
      existing = found.front();
      return AlreadyExists("contact " + std::to_string(found.front()->value()) + " already has this " +
                           std::string(what));
    }
    return Status::Ok();
  };
  RAPPORT_RETURN_IF_ERROR(check(ContactKey::kEmail, profile.email, "e-mail"));
  return check(ContactKey::kExternalId, profile.external_id, "external id");
}

std::string Trimmed(std::string_view text) {
  const std::size_t first = text.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return {};
  return std::string(text.substr(first, text.find_last_not_of(" \t\r\n") - first + 1));
}

// Applies a company input over `base`, collecting every bad field.
CompanyProfile ApplyCompanyInput(const CompanyInput& input, CompanyProfile base, const InputRules& rules,
                                 std::vector<FieldError>& errors) {
  auto text = [&](const std::optional<std::string>& raw, const char* field, std::string& target) {
    if (!raw) return;
    std::string value = Trimmed(*raw);
    if (value.size() > limits::kFieldBytesMax || !IsSingleLineText(value)) {
      errors.push_back(
          {field, "not a single line of text of at most " + std::to_string(limits::kFieldBytesMax) + " bytes"});
      return;
    }
    target = std::move(value);
  };
  if (input.name) {
    domain::Checked<std::string> name = domain::NormalizeName(*input.name);
    if (!name.ok()) {
      errors.push_back({"name", name.error->reason});
    } else {
      base.name = std::move(*name.value);
    }
  }
  if (base.name.empty()) errors.push_back({"name", "a company needs a name"});
  // The contact rules cover e-mail, phone, address, country, roles and owner.
  ContactInput shared{.email = input.email,
                      .phone = input.phone,
                      .country_code = input.country_code,
                      .owner_id = input.owner_id,
                      .roles = input.roles};
  ContactProfile contact_view{.first_name = "company",
                              .email = base.email,
                              .phone = base.phone,
                              .address = base.address,
                              .owner = base.owner,
                              .roles = base.roles};
  contact_view.address.country_code = base.country_code;
  AppliedInput applied =
      ApplyContactInput(shared, contact_view, InputRules{.default_calling_code = rules.default_calling_code});
  errors.insert(errors.end(), applied.errors.begin(), applied.errors.end());
  base.email = applied.profile.email;
  base.phone = applied.profile.phone;
  base.country_code = applied.profile.address.country_code;
  base.owner = applied.profile.owner;
  base.roles = applied.profile.roles;
  text(input.website, "website", base.website);
  text(input.address_line1, "address_line1", base.address.line1);
  text(input.address_line2, "address_line2", base.address.line2);
  text(input.city, "city", base.address.city);
  text(input.region, "region", base.address.region);
  text(input.postal_code, "postal_code", base.address.postal_code);
  text(input.external_id, "external_id", base.external_id);
  return base;
}

}  // namespace

ContactService::ContactService(Store& store, const Clock& clock, ContactServiceOptions options)
    : store_(store), clock_(clock), options_(std::move(options)) {}

ContactOutcome ContactService::Create(const Principal& principal, const Origin& origin,
                                      const NewContactRequest& request) {
  ContactOutcome outcome;
  outcome.status = RequireRelationships(principal, Action::kWrite);
  if (!outcome.ok()) return outcome;
  const Timestamp now = clock_.Now();
  Status written = store_.Write([&](WriteTransaction& transaction) -> Status {
    RelationshipsWriter& out = transaction.RelationshipsOut();
    RelationshipsReader& in = transaction.Relationships();
    RAPPORT_ASSIGN_OR_RETURN(std::vector<CustomFieldDefinition> fields, in.ListCustomFields());
    AppliedInput applied =
        ApplyContactInput(request.input, NewContactProfile(), RulesFrom(std::move(fields), options_));
    if (!applied.errors.empty()) {
      outcome.errors = std::move(applied.errors);
      return InvalidArgument("the contact has invalid fields: " + JoinFieldErrors(outcome.errors));
    }
    RAPPORT_RETURN_IF_ERROR(CheckUnique(in, applied.profile, std::nullopt, outcome.existing));
    std::vector<std::string> company_names;
    std::optional<CompanyLink> link;
    if (request.company_id) {
      RAPPORT_ASSIGN_OR_RETURN(std::optional<Company> company, in.GetCompany(*request.company_id));
      if (!company) return NotFound("no company " + std::to_string(request.company_id->value()));
      company_names.push_back(company->profile.name);
      link = CompanyLink{.company_id = company->id, .job_title = Trimmed(request.job_title), .primary = true};
    }
    ContactRecord record = MakeContactRecord(std::move(applied.profile), company_names);
    record.primary_company = link;
    const ContactRecord records[] = {std::move(record)};
    RAPPORT_ASSIGN_OR_RETURN(std::vector<ContactId> ids, out.InsertContacts(records, now));
    RAPPORT_ASSIGN_OR_RETURN(Contact contact, LiveContact(in, ids.front()));

    // Probable duplicates go to the review queue at once.
    const DuplicateProbe probe = ProbeOf(contact);
    RAPPORT_ASSIGN_OR_RETURN(std::vector<DuplicateProbe> neighbours,
                             in.DuplicateNeighbours(probe, kDuplicateNeighboursMax));
    for (const DuplicateProbe& neighbour : neighbours) {
      domain::DuplicateScore score = domain::ScoreDuplicate(ViewOf(probe), ViewOf(neighbour));
      if (score.score < limits::kDuplicateScoreMin) continue;
      const auto [first, second] = std::minmax(contact.id, neighbour.id);
      RAPPORT_RETURN_IF_ERROR(
          out
              .UpsertDuplicate(DuplicateCandidate{
                  .first = first, .second = second, .score = score.score, .rules = score.rules, .found_at = now})
              .status());
      outcome.duplicates.push_back({.contact_id = neighbour.id, .score = score.score, .rules = score.rules});
    }
    JsonBuilder payload;
    payload.Add("source", contact.profile.source);
    if (request.company_id) payload.Add("company_id", request.company_id->value());
    RAPPORT_RETURN_IF_ERROR(RecordChange(transaction, principal, origin, now, "contact_created", "contacts.create",
                                         "contact", contact.id.value(), payload.Take()));
    outcome.contact = std::move(contact);
    return Status::Ok();
  });
  outcome.status = written;
  if (!written.ok()) outcome.contact.reset();
  if (written.code() != StatusCode::kAlreadyExists) outcome.existing.reset();
  if (!written.ok()) outcome.duplicates.clear();
  return outcome;
}

ContactOutcome ContactService::Update(const Principal& principal, const Origin& origin, ContactId id,
                                      const ContactInput& input) {
  ContactOutcome outcome;
  outcome.status = RequireRelationships(principal, Action::kWrite);
  if (!outcome.ok()) return outcome;
  const Timestamp now = clock_.Now();
  outcome.status = store_.Write([&](WriteTransaction& transaction) -> Status {
    RelationshipsReader& in = transaction.Relationships();
    RAPPORT_ASSIGN_OR_RETURN(Contact contact, LiveContact(in, id));
    RAPPORT_ASSIGN_OR_RETURN(std::vector<CustomFieldDefinition> fields, in.ListCustomFields());
    AppliedInput applied = ApplyContactInput(input, contact.profile, RulesFrom(std::move(fields), options_));
    if (!applied.errors.empty()) {
      outcome.errors = std::move(applied.errors);
      return InvalidArgument("the contact has invalid fields: " + JoinFieldErrors(outcome.errors));
    }
    if (!applied.changed) {
      outcome.contact = std::move(contact);
      return Status::Ok();
    }
    RAPPORT_RETURN_IF_ERROR(CheckUnique(in, applied.profile, id, outcome.existing));
    const std::vector<std::string> changed = ChangedFields(contact.profile, applied.profile);
    const std::pair<ContactId, ContactRecord> records[] = {
        {id, MakeContactRecord(std::move(applied.profile), CompanyNames(contact))}};
    RAPPORT_RETURN_IF_ERROR(transaction.RelationshipsOut().UpdateContacts(records, now));
    RAPPORT_RETURN_IF_ERROR(RecordChange(transaction, principal, origin, now, "contact_updated", "contacts.update",
                                         "contact", id.value(), JsonBuilder().Add("fields", changed).Take()));
    RAPPORT_ASSIGN_OR_RETURN(outcome.contact, LiveContact(in, id));
    return Status::Ok();
  });
  if (!outcome.ok()) outcome.contact.reset();
  if (outcome.status.code() != StatusCode::kAlreadyExists) outcome.existing.reset();
  return outcome;
}

Result<Contact> ContactService::Get(const Principal& principal, ContactId id) {
  RAPPORT_RETURN_IF_ERROR(RequireRelationships(principal, Action::kRead));
  std::optional<Contact> contact;
  RAPPORT_RETURN_IF_ERROR(store_.Read([&](ReadTransaction& transaction) -> Status {
    RAPPORT_ASSIGN_OR_RETURN(contact, transaction.Relationships().GetContact(id));
    return Status::Ok();
  }));
  if (!contact) return NotFound("no contact " + std::to_string(id.value()));
  return std::move(*contact);
}

Status ContactService::Delete(const Principal& principal, const Origin& origin, ContactId id) {
  RAPPORT_RETURN_IF_ERROR(RequireRelationships(principal, Action::kAdmin));
  const Timestamp now = clock_.Now();
  return store_.Write([&](WriteTransaction& transaction) -> Status {
    RAPPORT_ASSIGN_OR_RETURN(std::optional<Contact> contact, transaction.Relationships().GetContact(id));
    if (!contact) return NotFound("no contact " + std::to_string(id.value()));
    RAPPORT_RETURN_IF_ERROR(transaction.RelationshipsOut().DeleteContact(id));
    const std::string name = contact->profile.first_name + " " + contact->profile.last_name;
    return RecordChange(transaction, principal, origin, now, "contact_deleted", "contacts.delete", "contact",
                        id.value(), JsonBuilder().Add("name", name).Take());
  });
}

Result<ContactPage> ContactService::List(const Principal& principal, const ContactQuery& query) {
  RAPPORT_RETURN_IF_ERROR(RequireRelationships(principal, Action::kRead));
  RAPPORT_RETURN_IF_ERROR(ValidatePageLimit(query.limit));
  const ContactFilter& filter = query.filter;
  const bool search_only = !filter.search_terms.empty() && !filter.role && !filter.company && !filter.owner &&
                           filter.locale.empty() && filter.source.empty() && !filter.created_from &&
                           !filter.created_to && !filter.include_merged;
  ContactPage page;
  RAPPORT_RETURN_IF_ERROR(store_.Read([&](ReadTransaction& transaction) -> Status {
    ContactQuery asked = query;
    if (!filter.search_terms.empty()) asked.sort = ContactSort::kNewest;
    RAPPORT_ASSIGN_OR_RETURN(page, transaction.Relationships().ListContacts(asked));
    if (!search_only) return Status::Ok();
    // Contacts found by their notes join those found by their profile, newest
    // first; both sources are read below the same cursor, so the merged page
    // is exact and its last id is the next cursor.
    std::optional<ContactId> before;
    if (query.after) before = query.after->id;
    RAPPORT_ASSIGN_OR_RETURN(std::vector<ContactId> by_notes,
                             transaction.CardDetails().SearchNotes(filter.search_terms, before, query.limit));
    if (by_notes.empty()) return Status::Ok();
    std::set<ContactId, std::greater<>> ids;
    for (const Contact& contact : page.items) ids.insert(contact.id);
    ids.insert(by_notes.begin(), by_notes.end());
    std::vector<ContactId> wanted(ids.begin(), ids.end());
    const bool more = std::ssize(wanted) > query.limit || page.next.has_value() || std::ssize(by_notes) == query.limit;
    if (std::ssize(wanted) > query.limit) wanted.resize(static_cast<std::size_t>(query.limit));
    RAPPORT_ASSIGN_OR_RETURN(std::vector<Contact> contacts, transaction.Relationships().GetContacts(wanted));
    std::erase_if(contacts, [](const Contact& contact) { return contact.merged_into.has_value(); });
    page.items = std::move(contacts);
    page.next.reset();
    if (more && !wanted.empty()) page.next = ContactCursor{.id = wanted.back()};
    return Status::Ok();
  }));
  return page;
}

Result<ClientCard> ContactService::Card(const Principal& principal, ContactId id) {
  RAPPORT_RETURN_IF_ERROR(RequireRelationships(principal, Action::kRead));
  ClientCard card;
  RAPPORT_RETURN_IF_ERROR(store_.Read([&](ReadTransaction& transaction) -> Status {
    RAPPORT_ASSIGN_OR_RETURN(std::optional<Contact> contact, transaction.Relationships().GetContact(id));
    if (!contact) return NotFound("no contact " + std::to_string(id.value()));
    card.contact = std::move(*contact);
    CardDetailsReader& details = transaction.CardDetails();
    RAPPORT_ASSIGN_OR_RETURN(card.interests, details.ContactInterests(id));
    RAPPORT_ASSIGN_OR_RETURN(card.consents, details.CurrentConsents(id));
    RAPPORT_ASSIGN_OR_RETURN(card.open_tasks,
                             details.ListTasks(TaskQuery{.contact = id, .open_only = true, .limit = kCardItemsMax}));
    RAPPORT_ASSIGN_OR_RETURN(card.notes, details.ListNotes(id, std::nullopt, kCardItemsMax));
    RAPPORT_ASSIGN_OR_RETURN(card.merges, details.MergesInto(id));
    return Status::Ok();
  }));
  RAPPORT_ASSIGN_OR_RETURN(card.timeline, Timeline(principal, id, TimelineQuery{}));
  return card;
}

Result<TimelinePage> ContactService::Timeline(const Principal& principal, ContactId id, const TimelineQuery& query) {
  RAPPORT_RETURN_IF_ERROR(RequireRelationships(principal, Action::kRead));
  RAPPORT_RETURN_IF_ERROR(ValidatePageLimit(query.limit));
  TimelinePage page;
  RAPPORT_RETURN_IF_ERROR(store_.Read([&](ReadTransaction& transaction) -> Status {
    RAPPORT_ASSIGN_OR_RETURN(bool exists, transaction.Directory().ContactExists(id));
    if (!exists) return NotFound("no contact " + std::to_string(id.value()));
    RAPPORT_ASSIGN_OR_RETURN(std::vector<ContactId> merged, transaction.CardDetails().MergedContacts(id));
    std::vector<std::int64_t> subjects = {id.value()};
    for (ContactId other : merged) subjects.push_back(other.value());
    RAPPORT_ASSIGN_OR_RETURN(
        page.items, transaction.Events().ReadSubjects("contact", subjects, query.kinds, query.before, query.limit));
    return Status::Ok();
  }));
  if (std::ssize(page.items) == query.limit) page.next = page.items.back().sequence;
  return page;
}

ContactOutcome ContactService::LinkCompany(const Principal& principal, const Origin& origin, ContactId contact_id,
                                           CompanyId company_id, std::string job_title, bool primary) {
  ContactOutcome outcome;
  outcome.status = RequireRelationships(principal, Action::kWrite);
  if (!outcome.ok()) return outcome;
  job_title = Trimmed(job_title);
  if (job_title.size() > limits::kFieldBytesMax || !IsSingleLineText(job_title)) {
    outcome.errors.push_back({"job_title", "not a single line of text"});
    outcome.status = InvalidArgument("the job title is not a single line of text");
    return outcome;
  }
  const Timestamp now = clock_.Now();
  outcome.status = store_.Write([&](WriteTransaction& transaction) -> Status {
    RelationshipsReader& in = transaction.Relationships();
    RAPPORT_ASSIGN_OR_RETURN(Contact contact, LiveContact(in, contact_id));
    RAPPORT_ASSIGN_OR_RETURN(std::optional<Company> company, in.GetCompany(company_id));
    if (!company) return NotFound("no company " + std::to_string(company_id.value()));
    const bool linked = std::any_of(contact.companies.begin(), contact.companies.end(),
                                    [&](const CompanyLink& link) { return link.company_id == company_id; });
    if (!linked && contact.companies.size() >= limits::kCompaniesPerContactMax) {
      return ResourceExhausted("a contact may be linked to at most " + std::to_string(limits::kCompaniesPerContactMax) +
                               " companies");
    }
    RAPPORT_RETURN_IF_ERROR(transaction.RelationshipsOut().LinkCompany(
        contact_id, CompanyLink{.company_id = company_id, .job_title = job_title, .primary = primary}, now));
    RAPPORT_RETURN_IF_ERROR(ReindexContact(transaction, contact_id, now));
    RAPPORT_RETURN_IF_ERROR(RecordChange(transaction, principal, origin, now, "contact_linked_to_company",
                                         "contacts.link_company", "contact", contact_id.value(),
                                         JsonBuilder()
                                             .Add("company_id", company_id.value())
                                             .Add("company", company->profile.name)
                                             .Add("job_title", job_title)
                                             .Add("primary", primary)
                                             .Take()));
    RAPPORT_ASSIGN_OR_RETURN(outcome.contact, LiveContact(in, contact_id));
    return Status::Ok();
  });
  if (!outcome.ok()) outcome.contact.reset();
  return outcome;
}

ContactOutcome ContactService::UnlinkCompany(const Principal& principal, const Origin& origin, ContactId contact_id,
                                             CompanyId company_id) {
  ContactOutcome outcome;
  outcome.status = RequireRelationships(principal, Action::kWrite);
  if (!outcome.ok()) return outcome;
  const Timestamp now = clock_.Now();
  outcome.status = store_.Write([&](WriteTransaction& transaction) -> Status {
    RelationshipsReader& in = transaction.Relationships();
    RAPPORT_ASSIGN_OR_RETURN(Contact contact, LiveContact(in, contact_id));
    const bool linked = std::any_of(contact.companies.begin(), contact.companies.end(),
                                    [&](const CompanyLink& link) { return link.company_id == company_id; });
    if (!linked) {
      return NotFound("contact " + std::to_string(contact_id.value()) + " is not linked to company " +
                      std::to_string(company_id.value()));
    }
    RAPPORT_RETURN_IF_ERROR(transaction.RelationshipsOut().UnlinkCompany(contact_id, company_id));
    RAPPORT_RETURN_IF_ERROR(ReindexContact(transaction, contact_id, now));
    RAPPORT_RETURN_IF_ERROR(RecordChange(transaction, principal, origin, now, "contact_unlinked_from_company",
                                         "contacts.unlink_company", "contact", contact_id.value(),
                                         JsonBuilder().Add("company_id", company_id.value()).Take()));
    RAPPORT_ASSIGN_OR_RETURN(outcome.contact, LiveContact(in, contact_id));
    return Status::Ok();
  });
  if (!outcome.ok()) outcome.contact.reset();
  return outcome;
}

CompanyOutcome ContactService::CreateCompany(const Principal& principal, const Origin& origin,
                                             const CompanyInput& input) {
  CompanyOutcome outcome;
  outcome.status = RequireRelationships(principal, Action::kWrite);
  if (!outcome.ok()) return outcome;
  CompanyProfile base;
  base.roles = domain::RoleBit(domain::RelationshipRole::kCustomer);
  CompanyProfile profile = ApplyCompanyInput(input, std::move(base), RulesFrom({}, options_), outcome.errors);
  if (!outcome.errors.empty()) {
    outcome.status = InvalidArgument("the company has invalid fields: " + JoinFieldErrors(outcome.errors));
    return outcome;
  }
  const Timestamp now = clock_.Now();
  outcome.status = store_.Write([&](WriteTransaction& transaction) -> Status {
    RAPPORT_ASSIGN_OR_RETURN(CompanyId id, transaction.RelationshipsOut().InsertCompany(profile, now));
    RAPPORT_RETURN_IF_ERROR(RecordChange(transaction, principal, origin, now, "company_created", "companies.create",
                                         "company", id.value(), JsonBuilder().Add("name", profile.name).Take()));
    RAPPORT_ASSIGN_OR_RETURN(outcome.company, transaction.Relationships().GetCompany(id));
    return Status::Ok();
  });
  if (!outcome.ok()) outcome.company.reset();
  return outcome;
}

CompanyOutcome ContactService::UpdateCompany(const Principal& principal, const Origin& origin, CompanyId id,
                                             const CompanyInput& input) {
  CompanyOutcome outcome;
  outcome.status = RequireRelationships(principal, Action::kWrite);
  if (!outcome.ok()) return outcome;
  const Timestamp now = clock_.Now();
  outcome.status = store_.Write([&](WriteTransaction& transaction) -> Status {
    RelationshipsReader& in = transaction.Relationships();
    RAPPORT_ASSIGN_OR_RETURN(std::optional<Company> company, in.GetCompany(id));
    if (!company) return NotFound("no company " + std::to_string(id.value()));
    CompanyProfile profile = ApplyCompanyInput(input, company->profile, RulesFrom({}, options_), outcome.errors);
    if (!outcome.errors.empty()) {
      return InvalidArgument("the company has invalid fields: " + JoinFieldErrors(outcome.errors));
    }
    if (profile == company->profile) {
      outcome.company = std::move(company);
      return Status::Ok();
    }
    RAPPORT_RETURN_IF_ERROR(transaction.RelationshipsOut().UpdateCompany(id, profile, now));
    if (profile.name != company->profile.name) {
      // Contacts are found by their companies' names: re-index the linked ones.
      ContactQuery linked{.filter = ContactFilter{.company = id}, .limit = kReindexPage};
      for (;;) {
        RAPPORT_ASSIGN_OR_RETURN(ContactPage page, in.ListContacts(linked));
        std::vector<std::pair<ContactId, ContactRecord>> records;
        records.reserve(page.items.size());
        for (Contact& contact : page.items) {
          records.emplace_back(contact.id, MakeContactRecord(std::move(contact.profile), CompanyNames(contact)));
        }
        RAPPORT_RETURN_IF_ERROR(transaction.RelationshipsOut().UpdateContacts(records, now));
        if (!page.next) break;
        linked.after = page.next;
      }
    }
    RAPPORT_RETURN_IF_ERROR(RecordChange(transaction, principal, origin, now, "company_updated", "companies.update",
                                         "company", id.value(), JsonBuilder().Add("name", profile.name).Take()));
    RAPPORT_ASSIGN_OR_RETURN(outcome.company, in.GetCompany(id));
    return Status::Ok();
  });
  if (!outcome.ok()) outcome.company.reset();
  return outcome;
}

Result<Company> ContactService::GetCompany(const Principal& principal, CompanyId id) {
  RAPPORT_RETURN_IF_ERROR(RequireRelationships(principal, Action::kRead));
  std::optional<Company> company;
  RAPPORT_RETURN_IF_ERROR(store_.Read([&](ReadTransaction& transaction) -> Status {
    RAPPORT_ASSIGN_OR_RETURN(company, transaction.Relationships().GetCompany(id));
    return Status::Ok();
  }));
  if (!company) return NotFound("no company " + std::to_string(id.value()));
  return std::move(*company);
}

Result<CompanyPage> ContactService::ListCompanies(const Principal& principal, const CompanyQuery& query) {
  RAPPORT_RETURN_IF_ERROR(RequireRelationships(principal, Action::kRead));
  RAPPORT_RETURN_IF_ERROR(ValidatePageLimit(query.limit));
  CompanyPage page;
  RAPPORT_RETURN_IF_ERROR(store_.Read([&](ReadTransaction& transaction) -> Status {
    RAPPORT_ASSIGN_OR_RETURN(page, transaction.Relationships().ListCompanies(query));
    return Status::Ok();
  }));
  return page;
}

Result<std::vector<CustomFieldDefinition>> ContactService::ListCustomFields(const Principal& principal) {
  RAPPORT_RETURN_IF_ERROR(RequireRelationships(principal, Action::kRead));
  std::vector<CustomFieldDefinition> fields;
  RAPPORT_RETURN_IF_ERROR(store_.Read([&](ReadTransaction& transaction) -> Status {
    RAPPORT_ASSIGN_OR_RETURN(fields, transaction.Relationships().ListCustomFields());
    return Status::Ok();
  }));
  return fields;
}

namespace {

Status ValidateLabel(std::string_view label) {
  if (label.empty() || label.size() > kLabelBytesMax || !IsSingleLineText(label)) {
    return InvalidArgument("a label is one line of 1 to " + std::to_string(kLabelBytesMax) + " bytes");
  }
  return Status::Ok();
}

Status ValidateChoices(domain::CustomFieldType type, const std::vector<std::string>& choices) {
  if (type != domain::CustomFieldType::kChoice) {
    if (!choices.empty()) return InvalidArgument("only choice fields have choices");
    return Status::Ok();
  }
  if (choices.empty() || choices.size() > limits::kCustomChoicesMax) {
    return InvalidArgument("a choice field has 1 to " + std::to_string(limits::kCustomChoicesMax) + " choices");
  }
  std::set<std::string_view> seen;
  for (const std::string& choice : choices) {
    if (choice.empty() || choice.size() > kLabelBytesMax || !IsSingleLineText(choice) || choice != Trimmed(choice)) {
      return InvalidArgument("a choice is one trimmed line of 1 to " + std::to_string(kLabelBytesMax) + " bytes");
    }
    if (!seen.insert(choice).second) return InvalidArgument("choice \"" + choice + "\" is listed twice");
  }
  return Status::Ok();
}

}  // namespace

Result<CustomFieldDefinition> ContactService::DefineCustomField(const Principal& principal, const Origin& origin,
                                                                const CustomFieldRequest& request) {
  RAPPORT_RETURN_IF_ERROR(RequireRelationships(principal, Action::kAdmin));
  if (!domain::IsValidCustomFieldKey(request.key)) {
    return InvalidArgument("a key is 1 to 64 of a-z, 0-9 and _, starting with a letter");
  }
  const std::string label = Trimmed(request.label);
  RAPPORT_RETURN_IF_ERROR(ValidateLabel(label));
  std::optional<domain::CustomFieldType> type = domain::ParseCustomFieldType(request.type);
  if (!type) return InvalidArgument("type must be one of: text, number, date, choice");
  RAPPORT_RETURN_IF_ERROR(ValidateChoices(*type, request.choices));
  if (request.applies_to != "contact" && request.applies_to != "company") {
    return InvalidArgument("applies_to must be contact or company");
  }
  const Timestamp now = clock_.Now();
  CustomFieldDefinition field{.key = request.key,
                              .label = label,
                              .type = *type,
                              .choices = request.choices,
                              .required = request.required,
                              .applies_to = request.applies_to,
                              .created_at = now};
  RAPPORT_RETURN_IF_ERROR(store_.Write([&](WriteTransaction& transaction) -> Status {
    RAPPORT_ASSIGN_OR_RETURN(std::vector<CustomFieldDefinition> existing,
                             transaction.Relationships().ListCustomFields());
    if (existing.size() >= limits::kCustomFieldsMax) {
      return ResourceExhausted("at most " + std::to_string(limits::kCustomFieldsMax) + " custom fields");
    }
    RAPPORT_ASSIGN_OR_RETURN(field.id, transaction.RelationshipsOut().InsertCustomField(field));
    return AccessService::Record(transaction, principal, origin, now, "custom_fields.define", "custom_field",
                                 field.id.value(),
                                 JsonBuilder()
                                     .Add("key", field.key)
                                     .Add("type", domain::CustomFieldTypeName(field.type))
                                     .Add("required", field.required)
                                     .Take())
        .status();
  }));
  return field;
}

Result<CustomFieldDefinition> ContactService::ChangeCustomField(const Principal& principal, const Origin& origin,
                                                                std::string_view key, std::optional<std::string> label,
                                                                std::optional<std::vector<std::string>> choices,
                                                                std::optional<bool> required) {
  RAPPORT_RETURN_IF_ERROR(RequireRelationships(principal, Action::kAdmin));
  const Timestamp now = clock_.Now();
  CustomFieldDefinition field;
  RAPPORT_RETURN_IF_ERROR(store_.Write([&](WriteTransaction& transaction) -> Status {
    RAPPORT_ASSIGN_OR_RETURN(std::vector<CustomFieldDefinition> existing,
                             transaction.Relationships().ListCustomFields());
    auto found = std::find_if(existing.begin(), existing.end(),
                              [&](const CustomFieldDefinition& definition) { return definition.key == key; });
    if (found == existing.end()) return NotFound("no custom field " + std::string(key));
    field = *found;
    if (label) {
      field.label = Trimmed(*label);
      RAPPORT_RETURN_IF_ERROR(ValidateLabel(field.label));
    }
    if (choices) {
      RAPPORT_RETURN_IF_ERROR(ValidateChoices(field.type, *choices));
      field.choices = std::move(*choices);
    }
    if (required) field.required = *required;
    RAPPORT_RETURN_IF_ERROR(transaction.RelationshipsOut().UpdateCustomField(field));
    return AccessService::Record(transaction, principal, origin, now, "custom_fields.change", "custom_field",
                                 field.id.value(), JsonBuilder().Add("key", field.key).Take())
        .status();
  }));
  return field;
}

}  // namespace rapport::app

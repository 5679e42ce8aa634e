// ContactService: the use cases of the client card — contacts and companies
// (create, change, read, list, search), the links between them, custom field
// definitions, the card itself and its timeline. Shared by the HTTP API and
// the CLI, so both check the same permissions and write the same events.
//
// Every write runs in one store transaction that also appends its events
// ("contact_created", "contact_updated", "company_created", ...) and its audit
// record. A contact's primary e-mail and its external id are unique among
// unmerged contacts: a second one is refused with kAlreadyExists and the id
// of the contact holding it. Creating a contact also looks for probable
// duplicates (domain/duplicates.h) and queues them for review.
//
// Thread safety: safe to call from several threads; each call runs its
// transactions on the store's threads.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "rapport/app/access_service.h"
#include "rapport/app/card_details.h"
#include "rapport/app/contact_input.h"
#include "rapport/app/event_log.h"
#include "rapport/app/relationships.h"
#include "rapport/app/store.h"
#include "rapport/base/clock.h"

namespace rapport::app {

struct ContactServiceOptions {
  std::string default_calling_code{};  // for national phone numbers given without "+"
};

// A probable duplicate found when a contact was created.
struct DuplicateHint {
  ContactId contact_id{};
  int score = 0;
  std::vector<domain::DuplicateRule> rules{};
};

// The outcome of a contact write: the contact, or why not. `errors` lists
// every bad field (status kInvalidArgument); `existing` names the contact that
// already holds the e-mail or external id (status kAlreadyExists).
struct ContactOutcome {
  Status status{};
  std::optional<Contact> contact{};
  std::vector<FieldError> errors{};
  std::optional<ContactId> existing{};
  std::vector<DuplicateHint> duplicates{};

  bool ok() const { return status.ok(); }
};

struct NewContactRequest {
  ContactInput input{};
  std::optional<CompanyId> company_id{};  // linked as the primary company
  std::string job_title{};
};

struct CompanyInput {
  std::optional<std::string> name{};
  std::optional<std::string> country_code{};
  std::optional<std::string> website{};
  std::optional<std::string> email{};
  std::optional<std::string> phone{};
  std::optional<std::string> address_line1{};
  std::optional<std::string> address_line2{};
  std::optional<std::string> city{};
  std::optional<std::string> region{};
  std::optional<std::string> postal_code{};
  std::optional<std::vector<std::string>> roles{};
  std::optional<std::int64_t> owner_id{};
  std::optional<std::string> external_id{};
};

struct CompanyOutcome {
  Status status{};
  std::optional<Company> company{};
  std::vector<FieldError> errors{};

  bool ok() const { return status.ok(); }
};

struct TimelineQuery {
  std::vector<std::string> kinds{};  // empty = all
  std::optional<EventSequence> before{};
  int limit = 50;
};

struct TimelinePage {
  std::vector<Event> items{};
  std::optional<EventSequence> next{};
};

struct ClientCard {
  Contact contact{};
  std::vector<ContactInterest> interests{};
  std::vector<ConsentEntry> consents{};  // current
  std::vector<Task> open_tasks{};        // soonest first, at most kCardItemsMax
  std::vector<Note> notes{};             // newest first, at most kCardItemsMax
  TimelinePage timeline{};
  std::vector<MergeRecord> merges{};
};
inline constexpr int kCardItemsMax = 20;

struct CustomFieldRequest {
  std::string key{};
  std::string label{};
  std::string type{};  // "text", "number", "date", "choice"
  std::vector<std::string> choices{};
  bool required = false;
  std::string applies_to = "contact";
};

class ContactService {
 public:
  ContactService(Store& store, const Clock& clock, ContactServiceOptions options = {});

  // --- Contacts (relationships:read / write; delete needs admin)
  ContactOutcome Create(const Principal& principal, const Origin& origin, const NewContactRequest& request);
  ContactOutcome Update(const Principal& principal, const Origin& origin, ContactId id, const ContactInput& input);
  Result<Contact> Get(const Principal& principal, ContactId id);
  // kFailedPrecondition when the contact has history (notes, purchases, ...).
  Status Delete(const Principal& principal, const Origin& origin, ContactId id);
  // A page of contacts. With search terms and no other filter, contacts whose
  // notes match are found too.
  Result<ContactPage> List(const Principal& principal, const ContactQuery& query);
  Result<ClientCard> Card(const Principal& principal, ContactId id);
  // The contact's events and those of the contacts merged into it.
  Result<TimelinePage> Timeline(const Principal& principal, ContactId id, const TimelineQuery& query);

  // --- Company links (relationships:write)
  ContactOutcome LinkCompany(const Principal& principal, const Origin& origin, ContactId contact, CompanyId company,
                             std::string job_title, bool primary);
  ContactOutcome UnlinkCompany(const Principal& principal, const Origin& origin, ContactId contact, CompanyId company);

  // --- Companies (relationships:read / write)
  CompanyOutcome CreateCompany(const Principal& principal, const Origin& origin, const CompanyInput& input);
  CompanyOutcome UpdateCompany(const Principal& principal, const Origin& origin, CompanyId id,
                               const CompanyInput& input);
  Result<Company> GetCompany(const Principal& principal, CompanyId id);
  Result<CompanyPage> ListCompanies(const Principal& principal, const CompanyQuery& query);

  // --- Custom fields (read: relationships:read; define: relationships:admin)
  Result<std::vector<CustomFieldDefinition>> ListCustomFields(const Principal& principal);
  Result<CustomFieldDefinition> DefineCustomField(const Principal& principal, const Origin& origin,
                                                  const CustomFieldRequest& request);
  Result<CustomFieldDefinition> ChangeCustomField(const Principal& principal, const Origin& origin,
                                                  std::string_view key, std::optional<std::string> label,
                                                  std::optional<std::vector<std::string>> choices,
                                                  std::optional<bool> required);

 private:
  Store& store_;
  const Clock& clock_;
  ContactServiceOptions options_;
};

}  // namespace rapport::app

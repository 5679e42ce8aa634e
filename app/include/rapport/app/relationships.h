// Relationships: the store's side of contacts (people) and companies — the
// profile of each, the links between them, lookups by natural key, lists with
// filters and keyset pagination, full-text search, custom field definitions
// and duplicate candidates. The rules for the values (what a valid e-mail is)
// are in domain/contact_rules.h and are applied by the app before a record
// reaches the store; the store keeps what it is given.
//
// Invariants the adapters keep:
//  * a contact's search document (search_text, from domain::ContactSearchDocument)
//    is indexed for full-text search in the same transaction as the row:
//    FTS5 on SQLite, a GIN tsvector on PostgreSQL ('simple' configuration);
//    a query is a conjunction of prefix terms already folded by the app;
//  * lookups by e-mail compare the stored, lower-cased primary e-mail;
//    by phone the stored E.164 primary phone; by external id exactly;
//  * a merged contact (merged_into set) is left out of lists, searches and
//    key lookups unless asked for;
//  * a (contact, company) pair is linked at most once; contacts.company_id
//    mirrors the link marked primary (at most one per contact).
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
#include "rapport/domain/duplicates.h"
#include "rapport/domain/relationship.h"

namespace rapport::app {

struct PostalAddress {
  std::string line1{};
  std::string line2{};
  std::string city{};
  std::string region{};
  std::string postal_code{};
  std::string country_code{};  // ISO 3166-1 alpha-2, upper case, may be empty

  friend bool operator==(const PostalAddress&, const PostalAddress&) = default;
};

// The editable part of a contact, already normalised by the app.
struct ContactProfile {
  std::string first_name{};  // Unicode, Cyrillic included
  std::string last_name{};
  std::string email{};                      // primary, lower-cased; may be empty
  std::vector<std::string> other_emails{};  // lower-cased, ≤ kOtherEmailsMax
  std::string phone{};                      // primary, E.164; may be empty
  std::vector<std::string> other_phones{};  // E.164, ≤ kOtherPhonesMax
  PostalAddress address{};
  std::optional<std::string> birthday{};  // "YYYY-MM-DD"
  std::optional<domain::Gender> gender{};
  std::string locale{};     // "en", "ru" or "" (the installation's default)
  std::string time_zone{};  // IANA name or ""
  std::string source{};     // where the contact came from: "import", "web form", ...
  std::optional<UserId> owner{};
  std::string external_id{};  // the id in another system; unique when not empty
  domain::RelationshipRoleSet roles = 0;
  std::string custom_json = "{}";  // a JSON object: custom field key → canonical text value

  friend bool operator==(const ContactProfile&, const ContactProfile&) = default;
};

struct CompanyLink {
  CompanyId company_id{};
  std::string company_name{};  // filled on read
  std::string job_title{};
  bool primary = false;
};

// A contact as written: the profile plus what the app derives from it.
struct ContactRecord {
  ContactProfile profile{};
  // InsertContacts only: a company to link as the primary one in the same
  // statement batch (the fast path of imports and demo data).
  std::optional<CompanyLink> primary_company{};
  // InsertContacts only: when the relationship began, if not at the call's
  // created_at (demo data, imports of history). updated_at is the same.
  std::optional<Timestamp> created_at{};
  std::string search_text{};  // domain::ContactSearchDocument
  std::string sort_name{};    // domain::SortName
};

struct Contact {
  ContactId id{};
  ContactProfile profile{};
  std::vector<CompanyLink> companies{};  // primary first, then by company name
  std::optional<ContactId> merged_into{};
  Timestamp created_at{};
  Timestamp updated_at{};
};

struct CompanyProfile {
  std::string name{};
  std::string country_code{};
  std::string website{};
  std::string email{};  // lower-cased
  std::string phone{};  // E.164
  PostalAddress address{};
  domain::RelationshipRoleSet roles = 0;
  std::optional<UserId> owner{};
  std::string external_id{};  // unique when not empty
  std::string custom_json = "{}";

  friend bool operator==(const CompanyProfile&, const CompanyProfile&) = default;
};

struct Company {
  CompanyId id{};
  CompanyProfile profile{};
  std::int64_t contact_count = 0;  // filled by GetCompany, 0 in lists
  Timestamp created_at{};
  Timestamp updated_at{};
};

// The natural keys an import can match on.
enum class ContactKey : std::uint8_t { kEmail, kPhone, kExternalId };

enum class ContactSort : std::uint8_t {
  kNewest,   // id descending (the default; the only order for searches)
  kName,     // sort_name ascending, then id
  kUpdated,  // updated_at descending, then id descending
};

struct ContactFilter {
  std::vector<std::string> search_terms{};  // domain::SearchTerms; AND of prefixes
  std::optional<domain::RelationshipRole> role{};
  std::optional<CompanyId> company{};
  std::optional<UserId> owner{};
  std::string locale{};                     // exact, "" = any
  std::string source{};                     // exact, "" = any
  std::optional<Timestamp> created_from{};  // inclusive
  std::optional<Timestamp> created_to{};    // exclusive
  bool include_merged = false;
};

// Where the previous page ended: the sort key of its last row and its id.
struct ContactCursor {
  std::string text_key{};       // kName: sort_name
  std::int64_t number_key = 0;  // kUpdated: updated_at in unix micros
  ContactId id{};
};

struct ContactQuery {
  ContactFilter filter{};
  ContactSort sort = ContactSort::kNewest;  // searches always use kNewest
  std::optional<ContactCursor> after{};
  int limit = 50;  // 1..limits::kPageSizeMax
};

struct ContactPage {
  std::vector<Contact> items{};         // companies filled, other_* filled
  std::optional<ContactCursor> next{};  // set when more rows may follow
};

struct CompanyQuery {
  std::vector<std::string> search_terms{};  // folded prefixes on the name
  std::optional<domain::RelationshipRole> role{};
  std::optional<CompanyId> after{};  // name order is by (name, id): see next_name
  std::string after_name{};
  int limit = 50;
};

struct CompanyPage {
  std::vector<Company> items{};
  std::optional<CompanyId> next{};
  std::string next_name{};
};

struct CustomFieldDefinition {
  CustomFieldId id{};
  std::string key{};    // domain::IsValidCustomFieldKey
  std::string label{};  // shown in the UI
  domain::CustomFieldType type = domain::CustomFieldType::kText;
  std::vector<std::string> choices{};
  bool required = false;
  std::string applies_to = "contact";  // "contact" or "company"
  Timestamp created_at{};
};

enum class DuplicateStatus : std::uint8_t { kOpen, kMerged, kDismissed };

struct DuplicateCandidate {
  DuplicateId id{};
  ContactId first{};   // the lower id
  ContactId second{};  // the higher id
  int score = 0;
  std::vector<domain::DuplicateRule> rules{};
  DuplicateStatus status = DuplicateStatus::kOpen;
  Timestamp found_at{};
  Timestamp decided_at{};  // epoch when open
};

// What the duplicate detector reads of each contact.
struct DuplicateProbe {
  ContactId id{};
  std::vector<std::string> emails{};  // primary first
  std::vector<std::string> phones{};
  std::string sort_name{};
  std::optional<std::string> birthday{};
  std::vector<std::int64_t> company_ids{};
};

// A saved import mapping: source column → contact field, as app JSON.
struct ImportMapping {
  ImportMappingId id{};
  std::string name{};
  std::string mapping_json{};
  Timestamp updated_at{};
};

class RelationshipsReader {
 public:
  virtual ~RelationshipsReader() = default;

  virtual Result<std::optional<Contact>> GetContact(ContactId id) = 0;
  // Several contacts by id, in the order asked; missing ids are skipped.
  virtual Result<std::vector<Contact>> GetContacts(std::span<const ContactId> ids) = 0;
  // The unmerged contact holding each key (kEmail: primary e-mail; kPhone:
  // primary phone; kExternalId), in input order; nullopt where none does.
  virtual Result<std::vector<std::optional<ContactId>>> FindContactsByKey(ContactKey key,
                                                                          std::span<const std::string> values) = 0;
  virtual Result<ContactPage> ListContacts(const ContactQuery& query) = 0;
  // Contacts matching the filter, for exports and counts; `after` is an id
  // (ascending order), at most `limit` per call.
  virtual Result<std::vector<Contact>> ScanContacts(const ContactFilter& filter, ContactId after, int limit) = 0;
  virtual Result<std::int64_t> CountContacts(const ContactFilter& filter) = 0;

  virtual Result<std::optional<Company>> GetCompany(CompanyId id) = 0;
  virtual Result<std::optional<CompanyId>> FindCompanyByName(std::string_view name) = 0;  // case-insensitive
  virtual Result<std::optional<CompanyId>> FindCompanyByExternalId(std::string_view external_id) = 0;
  virtual Result<CompanyPage> ListCompanies(const CompanyQuery& query) = 0;

  virtual Result<std::vector<CustomFieldDefinition>> ListCustomFields() = 0;

  // Candidates for one contact: unmerged contacts sharing any of `emails`
  // (primary or other), any of `phones`, or, when `sort_name` is not empty,
  // the same first 4 folded characters of sort_name and a shared company or
  // birthday. At most `limit`, `self` excluded.
  virtual Result<std::vector<DuplicateProbe>> DuplicateNeighbours(const DuplicateProbe& self, int limit) = 0;
  // Probes of unmerged contacts with id > after, ascending, at most `limit`.
  virtual Result<std::vector<DuplicateProbe>> ScanProbes(ContactId after, int limit) = 0;
  // Candidates with the given status, highest score first, then id; keyset on (score, id).
  virtual Result<std::vector<DuplicateCandidate>> ListDuplicates(DuplicateStatus status,
                                                                 std::optional<std::pair<int, DuplicateId>> after,
                                                                 int limit) = 0;
  virtual Result<std::optional<DuplicateCandidate>> GetDuplicate(DuplicateId id) = 0;

  virtual Result<std::optional<ImportMapping>> GetImportMapping(std::string_view name) = 0;
  virtual Result<std::vector<ImportMapping>> ListImportMappings() = 0;  // by name
};

class RelationshipsWriter {
 public:
  virtual ~RelationshipsWriter() = default;

  // Bulk insert (≤ limits::kBulkRowsPerTransactionMax), ids in input order.
  // Unique external ids are enforced: kAlreadyExists names the first clash.
  virtual Result<std::vector<ContactId>> InsertContacts(std::span<const ContactRecord> contacts,
                                                        Timestamp created_at) = 0;
  // Replaces the whole record of each contact (profile, search text, sort
  // name) and sets updated_at. kNotFound names the first id that is missing.
  virtual Status UpdateContacts(std::span<const std::pair<ContactId, ContactRecord>> contacts,
                                Timestamp updated_at) = 0;
  // Marks `id` merged into `survivor` (or clears it with nullopt, for undo).
  virtual Status SetMergedInto(ContactId id, std::optional<ContactId> survivor, Timestamp at) = 0;
  // Deletes a contact that nothing refers to any more (used by tests and
  // by "delete" of a contact with no history). kFailedPrecondition otherwise.
  virtual Status DeleteContact(ContactId id) = 0;

  // Links (or re-links with a new title/primary flag) a contact to a company.
  virtual Status LinkCompany(ContactId contact, const CompanyLink& link, Timestamp at) = 0;
  virtual Status UnlinkCompany(ContactId contact, CompanyId company) = 0;

  virtual Result<CompanyId> InsertCompany(const CompanyProfile& company, Timestamp created_at) = 0;
  virtual Status UpdateCompany(CompanyId id, const CompanyProfile& company, Timestamp updated_at) = 0;

  // kAlreadyExists for a key in use.
  virtual Result<CustomFieldId> InsertCustomField(const CustomFieldDefinition& field) = 0;
  virtual Status UpdateCustomField(const CustomFieldDefinition& field) = 0;  // label, choices, required

  // Records a candidate pair (first < second). An existing open pair gets the
  // new score and rules; a decided pair is left alone. Returns the pair's id.
  virtual Result<DuplicateId> UpsertDuplicate(const DuplicateCandidate& candidate) = 0;
  virtual Status DecideDuplicate(DuplicateId id, DuplicateStatus status, Timestamp at) = 0;

  // Creates or replaces the mapping with this name.
  virtual Result<ImportMappingId> SaveImportMapping(std::string_view name, std::string_view mapping_json,
                                                    Timestamp at) = 0;
  virtual Status DeleteImportMapping(std::string_view name) = 0;  // kNotFound when absent
};

std::string_view ContactKeyName(ContactKey key);  // "email", "phone", "external_id"
std::optional<ContactKey> ParseContactKey(std::string_view name);
std::string_view DuplicateStatusName(DuplicateStatus status);  // "open", "merged", "dismissed"
std::optional<DuplicateStatus> ParseDuplicateStatus(std::string_view name);

}  // namespace rapport::app

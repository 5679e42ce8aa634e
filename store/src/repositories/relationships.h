// SqlRelationships: contacts, companies, their links, custom field
// definitions, duplicate candidates and saved import mappings over a
// SqlSession (app/relationships.h), written once for both databases.
//
// Invariants it keeps within the caller's transaction:
//  * a contact's search document is written with the row: the FTS5 table
//    contact_search (rowid = contact id) on SQLite, contacts.search_text (GIN
//    tsvector) on PostgreSQL; the repository keeps this difference by asking
//    session.dialect(), the queries keep the same names in both dialects;
//  * contact_identities holds exactly the other_emails/other_phones of each
//    contact; contacts.company_id mirrors the contact_companies row marked
//    primary;
//  * bulk inserts reserve ids first, then load rows with explicit ids through
//    SqlSession::CopyRows (COPY on PostgreSQL, one reused INSERT on SQLite).
//
// Thread safety: belongs to the thread running the transaction body.
#pragma once

#include "sql/session.h"

#include "rapport/app/relationships.h"

namespace rapport::store {

// Rows per ScanContacts / ScanProbes call.
inline constexpr int kScanContactsMax = 10'000;

class SqlRelationships final : public app::RelationshipsReader, public app::RelationshipsWriter {
 public:
  SqlRelationships(SqlSession& session, Timestamp now) : session_(session), now_(now) {}

  // RelationshipsReader
  Result<std::optional<app::Contact>> GetContact(ContactId id) override;
  Result<std::vector<app::Contact>> GetContacts(std::span<const ContactId> ids) override;
  Result<std::vector<std::optional<ContactId>>> FindContactsByKey(app::ContactKey key,
                                                                  std::span<const std::string> values) override;
  Result<app::ContactPage> ListContacts(const app::ContactQuery& query) override;
  Result<std::vector<app::Contact>> ScanContacts(const app::ContactFilter& filter, ContactId after, int limit) override;
  Result<std::int64_t> CountContacts(const app::ContactFilter& filter) override;
  Result<std::optional<app::Company>> GetCompany(CompanyId id) override;
  Result<std::optional<CompanyId>> FindCompanyByName(std::string_view name) override;
  Result<std::optional<CompanyId>> FindCompanyByExternalId(std::string_view external_id) override;
  Result<app::CompanyPage> ListCompanies(const app::CompanyQuery& query) override;
  Result<std::vector<app::CustomFieldDefinition>> ListCustomFields() override;
  Result<std::vector<app::DuplicateProbe>> DuplicateNeighbours(const app::DuplicateProbe& self, int limit) override;
  Result<std::vector<app::DuplicateProbe>> ScanProbes(ContactId after, int limit) override;
  Result<std::vector<app::DuplicateCandidate>> ListDuplicates(app::DuplicateStatus status,
                                                              std::optional<std::pair<int, DuplicateId>> after,
                                                              int limit) override;
  Result<std::optional<app::DuplicateCandidate>> GetDuplicate(DuplicateId id) override;
  Result<std::optional<app::ImportMapping>> GetImportMapping(std::string_view name) override;
  Result<std::vector<app::ImportMapping>> ListImportMappings() override;

  // RelationshipsWriter
  Result<std::vector<ContactId>> InsertContacts(std::span<const app::ContactRecord> contacts,
                                                Timestamp created_at) override;
  Status UpdateContacts(std::span<const std::pair<ContactId, app::ContactRecord>> contacts,
                        Timestamp updated_at) override;
  Status SetMergedInto(ContactId id, std::optional<ContactId> survivor, Timestamp at) override;
  Status DeleteContact(ContactId id) override;
  Status LinkCompany(ContactId contact, const app::CompanyLink& link, Timestamp at) override;
  Status UnlinkCompany(ContactId contact, CompanyId company) override;
  Result<CompanyId> InsertCompany(const app::CompanyProfile& company, Timestamp created_at) override;
  Status UpdateCompany(CompanyId id, const app::CompanyProfile& company, Timestamp updated_at) override;
  Result<CustomFieldId> InsertCustomField(const app::CustomFieldDefinition& field) override;
  Status UpdateCustomField(const app::CustomFieldDefinition& field) override;
  Result<DuplicateId> UpsertDuplicate(const app::DuplicateCandidate& candidate) override;
  Status DecideDuplicate(DuplicateId id, app::DuplicateStatus status, Timestamp at) override;
  Result<ImportMappingId> SaveImportMapping(std::string_view name, std::string_view mapping_json,
                                            Timestamp at) override;
  Status DeleteImportMapping(std::string_view name) override;

 private:
  Result<std::vector<app::Contact>> QueryContacts(std::string_view query_name, std::span<const SqlParam> params,
                                                  std::string* last_sort_name);
  Status FillCompanies(std::vector<app::Contact>& contacts);
  Status CheckExternalIds(std::span<const app::ContactRecord> contacts);
  Status WriteIdentities(ContactId id, const app::ContactProfile& profile);
  Result<std::vector<app::DuplicateProbe>> QueryProbes(std::string_view query_name, std::span<const SqlParam> params);
  Status FillProbeCompanies(std::vector<app::DuplicateProbe>& probes);

  SqlSession& session_;
  Timestamp now_;
};

}  // namespace rapport::store

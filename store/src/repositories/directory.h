// SqlDirectory: companies and purchases over a SqlSession (contacts are
// written by SqlRelationships, which keeps their search index). Bulk
// inserts reserve their ids first (a sequence on PostgreSQL, max(id) under the
// single writer on SQLite), then load the rows with explicit ids through
// SqlSession::CopyRows (COPY on PostgreSQL, one reused INSERT on SQLite), so
// the new ids come back in input order without a round trip per row.
//
// Thread safety: belongs to the thread running the transaction body.
#pragma once

#include "sql/session.h"

#include "rapport/app/directory.h"

namespace rapport::store {

class SqlDirectory final : public app::DirectoryWriter, public app::DirectoryReader {
 public:
  SqlDirectory(SqlSession& session, Timestamp now) : session_(session), now_(now) {}

  Result<std::vector<CompanyId>> InsertCompanies(std::span<const app::NewCompany> companies) override;
  Result<std::vector<PurchaseId>> InsertPurchases(std::span<const app::NewPurchase> purchases) override;
  Result<app::DirectoryCounts> Counts() override;
  Result<bool> ContactExists(ContactId id) override;

 private:
  Result<std::vector<std::int64_t>> ReserveIds(std::string_view query_name, std::size_t count);

  SqlSession& session_;
  Timestamp now_;
};

}  // namespace rapport::store

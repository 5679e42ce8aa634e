// The directory: bulk inserts of companies and purchases for the demo
// generator and the importers, and counts of what is stored. Contacts are
// written through app/relationships.h (their search index is kept with them);
// the loyalty capability builds its richer repositories on the same tables.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "rapport/base/clock.h"
#include "rapport/base/ids.h"
#include "rapport/base/status.h"

namespace rapport::app {

struct NewCompany {
  std::string name;
  std::string country_code;  // ISO 3166-1 alpha-2, may be empty
  Timestamp created_at;
};

struct NewPurchase {
  ContactId contact_id;
  std::int64_t total_minor = 0;  // integer minor units
  std::string currency;          // ISO 4217 code
  std::string channel;           // "web", "store", "phone"
  Timestamp occurred_at;
  std::string external_id;  // the seller's own id, may be empty
};

struct DirectoryCounts {
  std::int64_t companies = 0;
  std::int64_t contacts = 0;
  std::int64_t purchases = 0;
};

class DirectoryWriter {
 public:
  virtual ~DirectoryWriter() = default;
  // Bulk inserts (at most limits::kBulkRowsPerTransactionMax rows per call);
  // return the new ids in input order. PostgreSQL uses COPY.
  virtual Result<std::vector<CompanyId>> InsertCompanies(std::span<const NewCompany> companies) = 0;
  virtual Result<std::vector<PurchaseId>> InsertPurchases(std::span<const NewPurchase> purchases) = 0;
};

class DirectoryReader {
 public:
  virtual ~DirectoryReader() = default;
  virtual Result<DirectoryCounts> Counts() = 0;
  virtual Result<bool> ContactExists(ContactId id) = 0;
};

}  // namespace rapport::app

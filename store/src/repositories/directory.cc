#include "repositories/directory.h"

#include <string>

#include "rapport/base/limits.h"

namespace rapport::store {
namespace {

Status ValidateRowCount(std::size_t count) {
  if (count > limits::kBulkRowsPerTransactionMax) {
    return InvalidArgument("bulk insert of " + std::to_string(count) + " rows is over the limit of " +
                           std::to_string(limits::kBulkRowsPerTransactionMax) + " per call");
  }
  return {};
}

template <typename Id>
std::vector<Id> ToIds(const std::vector<std::int64_t>& values) {
  std::vector<Id> ids;
  ids.reserve(values.size());
  for (std::int64_t value : values) ids.emplace_back(value);
  return ids;
}

}  // namespace

Result<std::vector<std::int64_t>> SqlDirectory::ReserveIds(std::string_view query_name, std::size_t count) {
  const SqlParam params[] = {static_cast<std::int64_t>(count)};
  std::vector<std::int64_t> ids;
  ids.reserve(count);
  RAPPORT_RETURN_IF_ERROR(session_.Query(query_name, params, [&](const SqlRow& row) {
    ids.push_back(row.Int(0));
    return Status();
  }));
  RAPPORT_ASSERT(ids.size() == count);
  return ids;
}

Result<std::vector<CompanyId>> SqlDirectory::InsertCompanies(std::span<const app::NewCompany> companies) {
  RAPPORT_RETURN_IF_ERROR(ValidateRowCount(companies.size()));
  if (companies.empty()) return std::vector<CompanyId>();
  RAPPORT_ASSIGN_OR_RETURN(std::vector<std::int64_t> ids, ReserveIds("company_reserve_ids", companies.size()));
  static constexpr std::string_view kColumns[] = {"id", "name", "country_code", "created_at_us"};
  std::vector<SqlParam> values;
  values.reserve(companies.size() * std::size(kColumns));
  for (std::size_t i = 0; i < companies.size(); ++i) {
    const app::NewCompany& company = companies[i];
    values.insert(values.end(), {ids[i], std::string_view(company.name), std::string_view(company.country_code),
                                 ToUnixMicros(company.created_at)});
  }
  RAPPORT_RETURN_IF_ERROR(session_.CopyRows("companies", kColumns, values));
  return ToIds<CompanyId>(ids);
}

Result<std::vector<PurchaseId>> SqlDirectory::InsertPurchases(std::span<const app::NewPurchase> purchases) {
  RAPPORT_RETURN_IF_ERROR(ValidateRowCount(purchases.size()));
  if (purchases.empty()) return std::vector<PurchaseId>();
  for (const app::NewPurchase& purchase : purchases) {
    if (purchase.total_minor < -limits::kMoneyMinorAbsMax || purchase.total_minor > limits::kMoneyMinorAbsMax) {
      return InvalidArgument("purchase total is outside ±" + std::to_string(limits::kMoneyMinorAbsMax));
    }
  }
  RAPPORT_ASSIGN_OR_RETURN(std::vector<std::int64_t> ids, ReserveIds("purchase_reserve_ids", purchases.size()));
  static constexpr std::string_view kColumns[] = {"id",      "contact_id",     "total_minor", "currency",
                                                  "channel", "occurred_at_us", "external_id"};
  std::vector<SqlParam> values;
  values.reserve(purchases.size() * std::size(kColumns));
  for (std::size_t i = 0; i < purchases.size(); ++i) {
    const app::NewPurchase& purchase = purchases[i];
    values.insert(values.end(), {ids[i], purchase.contact_id.value(), purchase.total_minor,
                                 std::string_view(purchase.currency), std::string_view(purchase.channel),
                                 ToUnixMicros(purchase.occurred_at), std::string_view(purchase.external_id)});
  }
  RAPPORT_RETURN_IF_ERROR(session_.CopyRows("purchases", kColumns, values));
  return ToIds<PurchaseId>(ids);
}

Result<app::DirectoryCounts> SqlDirectory::Counts() {
  app::DirectoryCounts counts;
  RAPPORT_RETURN_IF_ERROR(session_.Query("directory_counts", {}, [&](const SqlRow& row) {
    counts = app::DirectoryCounts{row.Int(0), row.Int(1), row.Int(2)};
    return Status();
  }));
  return counts;
}

Result<bool> SqlDirectory::ContactExists(ContactId id) {
  const SqlParam params[] = {id.value()};
  bool exists = false;
  RAPPORT_RETURN_IF_ERROR(session_.Query("contact_exists", params, [&](const SqlRow& row) {
    exists = row.Int(0) > 0;
    return Status();
  }));
  return exists;
}

}  // namespace rapport::store

// Purchase import: recording many purchases at once from NDJSON or CSV, with
// their points — the bulk path of POST /api/v1/purchases, shared by the CLI
// (`rapport import purchases`) and the HTTP API (POST /api/v1/purchases/import).
//
// Input, in words a user sees:
//  * NDJSON: each line is a POST /api/v1/purchases body — the member as
//    contact_id, contact_external_id or contact_email; company_id, lines
//    (sku, category, quantity, unit_price_minor), total_minor, currency,
//    channel, store, occurred_at (RFC 3339) and external_id. Coupons and
//    referral codes are not imported.
//  * CSV: a header line naming the columns contact_id / contact_external_id /
//    contact_email, external_id, occurred_at, total_minor, currency, channel,
//    store, company_id and, for one purchase line, sku, category, quantity,
//    unit_price_minor. Other columns are ignored and listed in the report.
//  * external_id is required: it makes re-runs safe. A row whose external id
//    is already recorded with the same content is "unchanged" (re-running an
//    interrupted import creates nothing twice); with different content it is
//    a row error.
//  * A bad row is reported with its line number and every reason, and none of
//    it is written. Commit per batch (the default) or all-or-nothing; dry run;
//    memory bounded by the batch size; progress; one audit record per run
//    ("purchases.import").
//
// Earning. Each purchase earns exactly what LoyaltyService::RecordPurchase
// would give it recorded in file order (app/src/earning_plan.h): the rules are
// loaded once per run; the member's tier multiplier, the per-day and
// per-month caps (earlier earnings are read once per member and batch, and
// the batch's own earnings carried forward in memory), the welcome bonus with
// a member's first purchase and tier upgrades apply — each read only when the
// programme configures it. Referral rewards are not paid by an import. Each
// purchase gets one "purchase_recorded" event (its payload holds the points);
// welcome bonuses and tier changes have their usual events.
//
// Thread safety: safe to call from several threads; one import runs on the
// caller's thread, its writes on the store's writer.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "rapport/app/access_service.h"
#include "rapport/app/contact_transfer.h"
#include "rapport/app/store.h"
#include "rapport/base/clock.h"
#include "rapport/base/status.h"

namespace rapport::app {

struct PurchaseImportRequest {
  ImportFormat format = ImportFormat::kNdjson;
  std::optional<char> delimiter{};  // CSV; detected when unset
  bool dry_run = false;
  CommitMode commit = CommitMode::kPerBatch;
  std::size_t batch_rows = 5'000;  // 1..limits::kImportBatchRowsMax
  std::string file_name{};         // for the audit record
  // A bulk load of history: the ledger's secondary indexes an import does
  // not read are dropped first and built again at the end, each by one sort
  // (LoyaltyWriter::DeferImportIndexes). Much faster for a file as large as
  // what the database holds; card and ledger reads are slow meanwhile.
  // Ignored for a dry run.
  bool defer_indexes = false;
};

struct PurchaseImportReport {
  bool dry_run = false;
  bool committed = false;  // whether anything was written
  std::uint64_t rows = 0;  // data rows read (header excluded)
  std::uint64_t created = 0;
  std::uint64_t unchanged = 0;  // external id already recorded with the same content
  std::uint64_t failed = 0;
  std::int64_t points = 0;            // earned by the created purchases (bonuses excluded)
  std::uint64_t welcome_bonuses = 0;  // paid with members' first purchases
  std::uint64_t tier_changes = 0;
  std::vector<std::string> indexes_built{};     // with defer_indexes: the indexes built again
  std::vector<std::string> unmapped_columns{};  // CSV columns that are not purchase fields
  std::vector<ImportRowError> errors{};         // the first kImportErrorsKept; all go to the error sink
  bool errors_truncated = false;
};

class PurchaseImporter {
 public:
  PurchaseImporter(Store& store, const Clock& clock);
  // kPermissionDenied unless loyalty:admin. A bad file (not UTF-8, a CSV
  // without a member or a needed column) is an error Status with nothing
  // written; bad rows are in the report.
  Result<PurchaseImportReport> Import(const Principal& principal, const Origin& origin, ByteSource& source,
                                      const PurchaseImportRequest& request, const ImportHooks& hooks = {});

 private:
  Store& store_;
  const Clock& clock_;
};

}  // namespace rapport::app

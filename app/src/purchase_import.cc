// See purchase_import.h. The pipeline, per batch of rows:
//   read rows (NDJSON lines parsed with simdjson, or CsvReader records) →
//   resolve the members (GetContactStates for ids, FindContactsByKey for
//   external ids and e-mails) → check each row (CheckPurchaseRequest) → look
//   up the batch's external ids (FindPurchasesByExternalIds): unchanged or a
//   conflict → plan each new purchase's earning in file order (PlanEarning,
//   with the tier, caps and welcome state read once per member and carried
//   forward in memory) → one store write: ImportPurchases, the welcome bonuses,
//   the tier changes and, with the last batch, the audit record.
// Rows are parsed on the caller's thread while the store's writer runs the
// previous batch; lookups and writes run inside the batch's transaction.
#include "rapport/app/purchase_import.h"

#include <simdjson.h>

#include <algorithm>
#include <charconv>
#include <map>
#include <memory>
#include <unordered_map>
#include <unordered_set>
#include <utility>

#include "earning_plan.h"
#include "loyalty_support.h"
#include "purchase_extras.h"
#include "transfer/batches.h"
#include "transfer/csv_reader.h"
#include "transfer/ndjson_reader.h"
#include "transfer/row_errors.h"
#include "transfer/sniffing_source.h"
#include "transfer/text_formats.h"

#include "rapport/app/loyalty.h"
#include "rapport/app/tiers.h"
#include "rapport/base/limits.h"
#include "rapport/domain/contact_rules.h"

namespace rapport::app {
namespace {

using transfer::SniffingSource;

std::string_view Trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\r')) text.remove_suffix(1);
  return text;
}

// --- Rows

enum class MemberKey : std::uint8_t { kNone, kId, kExternalId, kEmail };

// One data row on its way to the store.
struct PurchaseRow {
  std::uint64_t line = 0;
  PurchaseRequest request{};
  MemberKey key = MemberKey::kNone;
  std::string key_value{};                  // the external id or normalised e-mail naming the member
  std::vector<LoyaltyFieldError> errors{};  // problems found while reading
};

void Fail(PurchaseRow& row, std::string field, std::string reason) {
  row.errors.push_back({std::move(field), std::move(reason)});
}

void SetMember(PurchaseRow& row, MemberKey key, std::string_view field) {
  if (row.key != MemberKey::kNone) {
    Fail(row, std::string(field), "give one of contact_id, contact_external_id and contact_email, not several");
    return;
  }
  row.key = key;
}

void SetEmail(PurchaseRow& row, std::string_view value) {
  SetMember(row, MemberKey::kEmail, "contact_email");
  domain::Checked<std::string> email = domain::NormalizeEmail(value);
  if (!email.ok()) {
    Fail(row, "contact_email", "is not a valid e-mail address");
    return;
  }
  row.key_value = std::move(*email.value);
}

void SetTime(PurchaseRow& row, std::string_view text) {
  Result<Timestamp> at = ParseRfc3339(Trim(text));
  if (!at.ok()) {
    Fail(row, "occurred_at", "is not an RFC 3339 time like 2026-11-24T10:00:00Z");
    return;
  }
  row.request.occurred_at = *at;
}

// Checks that every row needs whatever its format.
void CheckRequired(PurchaseRow& row, bool has_total, bool has_currency, bool has_time) {
  if (row.key == MemberKey::kNone) Fail(row, "contact_id", "is required (or contact_external_id or contact_email)");
  if (!has_total) Fail(row, "total_minor", "is required");
  if (!has_currency) Fail(row, "currency", "is required");
  if (!has_time) Fail(row, "occurred_at", "is required");
  if (row.request.external_id.empty()) Fail(row, "external_id", "is required: it makes re-running an import safe");
}

// Produces the rows of a file, whatever its format.
class RowReader {
 public:
  virtual ~RowReader() = default;
  // Fills `row`; false at the end of the file.
  virtual Result<bool> Next(PurchaseRow& row) = 0;
  virtual std::vector<std::string> UnmappedColumns() const { return {}; }
};

class NdjsonRows : public RowReader {
 public:
  explicit NdjsonRows(ByteSource& source) : lines_(source, limits::kImportRowBytesMax) {}

  Result<bool> Next(PurchaseRow& row) override {
    while (true) {
      RAPPORT_ASSIGN_OR_RETURN(const bool got, lines_.Next());
      if (!got) return false;
      if (lines_.too_long() || !Trim(lines_.line()).empty()) break;
    }
    row.line = lines_.number();
    std::string& text = lines_.line();
    if (lines_.too_long()) {
      Fail(row, "", "the line is longer than " + std::to_string(limits::kImportRowBytesMax) + " bytes");
      return true;
    }
    if (!simdjson::validate_utf8(text.data(), text.size())) {
      Fail(row, "", "the line is not valid UTF-8");
      return true;
    }
    text.reserve(text.size() + simdjson::SIMDJSON_PADDING);
    simdjson::dom::element document;
    simdjson::dom::object object;
    if (parser_.parse(text.data(), text.size(), false).get(document) != simdjson::SUCCESS ||
        document.get_object().get(object) != simdjson::SUCCESS) {
      Fail(row, "", "the line is not a JSON object");
      return true;
    }
    Read(object, row);
    return true;
  }

 private:
  static bool Text(simdjson::dom::element value, std::string& out) {
    if (value.is_null()) return true;
    std::string_view text;
    if (value.get_string().get(text) != simdjson::SUCCESS) return false;
    out.assign(text);
    return true;
  }

  static std::optional<std::int64_t> Integer(simdjson::dom::element value) {
    std::int64_t number = 0;
    if (value.get_int64().get(number) != simdjson::SUCCESS) return std::nullopt;
    return number;
  }

  static void ReadLines(simdjson::dom::element value, PurchaseRow& row) {
    simdjson::dom::array array;
    if (value.get_array().get(array) != simdjson::SUCCESS) {
      Fail(row, "lines", "expected an array of purchase lines");
      return;
    }
    std::size_t index = 0;
    for (simdjson::dom::element element : array) {
      const std::string prefix = "lines[" + std::to_string(index++) + "].";
      if (row.request.lines.size() == kPurchaseLinesMax) {
        Fail(row, "lines", "has more than " + std::to_string(kPurchaseLinesMax) + " lines");
        return;
      }
      simdjson::dom::object object;
      if (element.get_object().get(object) != simdjson::SUCCESS) {
        Fail(row, prefix.substr(0, prefix.size() - 1), "expected an object");
        continue;
      }
      domain::PurchaseLine line;
      bool has_price = false;
      for (const simdjson::dom::key_value_pair field : object) {
        const std::string_view key = field.key;
        if (key == "sku" || key == "category") {
          if (!Text(field.value, key == "sku" ? line.sku : line.category))
            Fail(row, prefix + std::string(key), "expected a string");
        } else if (key == "quantity" || key == "unit_price_minor") {
          const std::optional<std::int64_t> number = Integer(field.value);
          if (!number) {
            Fail(row, prefix + std::string(key), "expected a whole number");
          } else if (key == "quantity") {
            line.quantity = *number;
          } else {
            line.unit_price_minor = *number;
            has_price = true;
          }
        } else {
          Fail(row, prefix + std::string(key), "is not a field of a purchase line");
        }
      }
      if (!has_price) Fail(row, prefix + "unit_price_minor", "is required");
      row.request.lines.push_back(std::move(line));
    }
  }

  static void Read(simdjson::dom::object object, PurchaseRow& row) {
    PurchaseRequest& request = row.request;
    bool has_total = false;
    bool has_currency = false;
    bool has_time = false;
    for (const simdjson::dom::key_value_pair field : object) {
      const std::string_view key = field.key;
      const simdjson::dom::element value = field.value;
      const std::string name(key);
      if (key == "contact_id") {
        SetMember(row, MemberKey::kId, name);
        const std::optional<std::int64_t> id = Integer(value);
        if (!id || *id <= 0) {
          Fail(row, name, "expected a positive whole number");
        } else {
          request.contact_id = ContactId(*id);
        }
      } else if (key == "contact_external_id") {
        std::string text;
        if (!Text(value, text) || Trim(text).empty()) {
          Fail(row, name, "expected a non-empty string");
          continue;
        }
        SetMember(row, MemberKey::kExternalId, name);
        row.key_value = std::string(Trim(text));
      } else if (key == "contact_email") {
        std::string text;
        if (!Text(value, text)) {
          Fail(row, name, "expected a string");
          continue;
        }
        SetEmail(row, text);
      } else if (key == "company_id") {
        if (value.is_null()) continue;
        const std::optional<std::int64_t> id = Integer(value);
        if (!id || *id <= 0) {
          Fail(row, name, "expected a positive whole number or null");
        } else {
          request.company_id = CompanyId(*id);
        }
      } else if (key == "lines") {
        if (!value.is_null()) ReadLines(value, row);
      } else if (key == "total_minor") {
        const std::optional<std::int64_t> total = Integer(value);
        has_total = true;
        if (!total) {
          Fail(row, name, "expected a whole number of minor units");
        } else {
          request.total_minor = *total;
        }
      } else if (key == "currency") {
        has_currency = true;
        if (!Text(value, request.currency)) Fail(row, name, "expected a string");
      } else if (key == "channel") {
        if (!Text(value, request.channel)) Fail(row, name, "expected a string");
      } else if (key == "store") {
        if (!Text(value, request.store)) Fail(row, name, "expected a string");
      } else if (key == "occurred_at") {
        has_time = true;
        std::string text;
        if (!Text(value, text)) {
          Fail(row, name, "expected an RFC 3339 time string");
        } else {
          SetTime(row, text);
        }
      } else if (key == "external_id") {
        if (!Text(value, request.external_id)) Fail(row, name, "expected a string");
      } else if (key == "coupon_code" || key == "referral_code") {
        std::string text;
        if (!Text(value, text) || !text.empty()) {
          Fail(row, name, "is not imported: record a purchase with a code through POST /api/v1/purchases");
        }
      } else {
        Fail(row, name, "is not a purchase field");
      }
    }
    CheckRequired(row, has_total, has_currency, has_time);
  }

  transfer::LineReader lines_;
  simdjson::dom::parser parser_;
};

// The CSV columns a purchase takes.
enum class Column : std::uint8_t {
  kContactId,
  kContactExternalId,
  kContactEmail,
  kCompanyId,
  kExternalId,
  kOccurredAt,
  kTotalMinor,
  kCurrency,
  kChannel,
  kStore,
  kSku,
  kCategory,
  kQuantity,
  kUnitPriceMinor,
};

std::optional<Column> ColumnNamed(std::string_view name) {
  static const std::pair<std::string_view, Column> kColumns[] = {{"contact_id", Column::kContactId},
                                                                 {"contact_external_id", Column::kContactExternalId},
                                                                 {"contact_email", Column::kContactEmail},
                                                                 {"company_id", Column::kCompanyId},
                                                                 {"external_id", Column::kExternalId},
                                                                 {"occurred_at", Column::kOccurredAt},
                                                                 {"total_minor", Column::kTotalMinor},
                                                                 {"currency", Column::kCurrency},
                                                                 {"channel", Column::kChannel},
                                                                 {"store", Column::kStore},
                                                                 {"sku", Column::kSku},
                                                                 {"category", Column::kCategory},
                                                                 {"quantity", Column::kQuantity},
                                                                 {"unit_price_minor", Column::kUnitPriceMinor}};
  for (const auto& [column_name, column] : kColumns) {
    if (column_name == name) return column;
  }
  return std::nullopt;
}

std::optional<std::int64_t> ParseInteger(std::string_view text) {
  std::int64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

class CsvRows : public RowReader {
 public:
  CsvRows(ByteSource& source, std::optional<char> delimiter) : reader_(source, {.delimiter = delimiter}) {}

  // Reads the header. An error refuses the file.
  Status Start() {
    RAPPORT_ASSIGN_OR_RETURN(std::optional<transfer::CsvRecord> header, reader_.Next());
    if (!header.has_value()) return InvalidArgument("the file is empty: a CSV import needs a header line");
    if (!header->error.empty()) return InvalidArgument("the header line cannot be read: " + header->error);
    std::unordered_set<int> seen;
    for (std::string_view raw : header->fields) {
      std::string name(Trim(transfer::RemoveFormulaApostrophe(raw)));
      std::transform(name.begin(), name.end(), name.begin(),
                     [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; });
      const std::optional<Column> column = ColumnNamed(name);
      if (!column) {
        unmapped_.emplace_back(raw);
      } else if (!seen.insert(static_cast<int>(*column)).second) {
        return InvalidArgument("the header names the column " + name + " twice");
      }
      columns_.push_back(column);
    }
    const auto has = [&](Column column) { return seen.contains(static_cast<int>(column)); };
    if (!has(Column::kContactId) && !has(Column::kContactExternalId) && !has(Column::kContactEmail)) {
      return InvalidArgument("the header has no contact_id, contact_external_id or contact_email column (delimiter '" +
                             std::string(1, reader_.delimiter() == '\t' ? 't' : reader_.delimiter()) + "')");
    }
    for (const auto& [column, name] :
         {std::pair{Column::kExternalId, "external_id"}, std::pair{Column::kOccurredAt, "occurred_at"},
          std::pair{Column::kTotalMinor, "total_minor"}, std::pair{Column::kCurrency, "currency"}}) {
      if (!has(column)) return InvalidArgument(std::string("the header has no ") + name + " column");
    }
    return Status();
  }

  Result<bool> Next(PurchaseRow& row) override {
    RAPPORT_ASSIGN_OR_RETURN(std::optional<transfer::CsvRecord> record, reader_.Next());
    if (!record.has_value()) return false;
    row.line = record->line;
    if (!record->error.empty()) {
      Fail(row, "", record->error);
      return true;
    }
    if (record->fields.size() != columns_.size()) {
      Fail(row, "",
           "the row has " + std::to_string(record->fields.size()) + " fields; the header has " +
               std::to_string(columns_.size()));
      return true;
    }
    PurchaseRequest& request = row.request;
    bool has_total = false;
    bool has_currency = false;
    bool has_time = false;
    domain::PurchaseLine line;
    bool has_line = false;
    bool has_price = false;
    const auto integer = [&](std::string_view value, std::string_view field) -> std::optional<std::int64_t> {
      std::optional<std::int64_t> number = ParseInteger(value);
      if (!number) Fail(row, std::string(field), "is not a whole number");
      return number;
    };
    for (std::size_t i = 0; i < columns_.size(); ++i) {
      if (!columns_[i]) continue;
      const std::string_view value = Trim(transfer::RemoveFormulaApostrophe(Trim(record->fields[i])));
      if (value.empty()) continue;
      switch (*columns_[i]) {
        case Column::kContactId:
          SetMember(row, MemberKey::kId, "contact_id");
          if (const std::optional<std::int64_t> id = integer(value, "contact_id")) {
            if (*id <= 0) {
              Fail(row, "contact_id", "must be positive");
            } else {
              request.contact_id = ContactId(*id);
            }
          }
          break;
        case Column::kContactExternalId:
          SetMember(row, MemberKey::kExternalId, "contact_external_id");
          row.key_value = std::string(value);
          break;
        case Column::kContactEmail: SetEmail(row, value); break;
        case Column::kCompanyId:
          if (const std::optional<std::int64_t> id = integer(value, "company_id")) {
            if (*id <= 0) {
              Fail(row, "company_id", "must be positive");
            } else {
              request.company_id = CompanyId(*id);
            }
          }
          break;
        case Column::kExternalId: request.external_id = std::string(value); break;
        case Column::kOccurredAt:
          has_time = true;
          SetTime(row, value);
          break;
        case Column::kTotalMinor:
          has_total = true;
          if (const std::optional<std::int64_t> total = integer(value, "total_minor")) request.total_minor = *total;
          break;
        case Column::kCurrency:
          has_currency = true;
          request.currency = std::string(value);
          break;
        case Column::kChannel: request.channel = std::string(value); break;
        case Column::kStore: request.store = std::string(value); break;
        case Column::kSku:
          has_line = true;
          line.sku = std::string(value);
          break;
        case Column::kCategory:
          has_line = true;
          line.category = std::string(value);
          break;
        case Column::kQuantity:
          has_line = true;
          if (const std::optional<std::int64_t> quantity = integer(value, "quantity")) line.quantity = *quantity;
          break;
        case Column::kUnitPriceMinor:
          has_line = true;
          has_price = true;
          if (const std::optional<std::int64_t> price = integer(value, "unit_price_minor")) {
            line.unit_price_minor = *price;
          }
          break;
      }
    }
    if (has_line) {
      if (!has_price) Fail(row, "unit_price_minor", "is required with a purchase line (sku, category, quantity)");
      request.lines.push_back(std::move(line));
    }
    CheckRequired(row, has_total, has_currency, has_time);
    return true;
  }

  std::vector<std::string> UnmappedColumns() const override { return unmapped_; }

 private:
  transfer::CsvReader reader_;
  std::vector<std::optional<Column>> columns_;
  std::vector<std::string> unmapped_;
};

Result<std::unique_ptr<RowReader>> OpenRows(ByteSource& source, const PurchaseImportRequest& request) {
  if (request.format == ImportFormat::kNdjson) return std::unique_ptr<RowReader>(std::make_unique<NdjsonRows>(source));
  auto csv = std::make_unique<CsvRows>(source, request.delimiter);
  RAPPORT_RETURN_IF_ERROR(csv->Start());
  return std::unique_ptr<RowReader>(std::move(csv));
}

// --- One import run

// What the programme's rules need to know of a member within one batch.
struct MemberState {
  std::vector<EarnedPoints> earnings{};  // earn postings for the caps: stored, then this batch's
  bool tier_read = false;
  std::optional<MemberTier> tier{};
  bool purchases_read = false;
  bool has_purchases = false;  // before this row
  // This batch's created purchases, for the tier qualifier.
  std::vector<std::pair<Timestamp, std::pair<std::string, std::int64_t>>> purchases{};
};

// A created purchase's extras, written after the purchases.
struct PendingWelcome {
  std::size_t index = 0;  // into the batch's imported purchases
};
struct PendingTierChange {
  std::size_t index = 0;
  std::string from{};
  domain::TierDecision decision{};
};

class ImportRun {
 public:
  ImportRun(const Principal& principal, const Origin& origin, const PurchaseImportRequest& request,
            const ImportHooks& hooks, Timestamp now, const RulesView& rules, const date::time_zone& zone)
      : principal_(principal),
        origin_(origin),
        request_(request),
        hooks_(hooks),
        now_(now),
        rules_(rules),
        zone_(zone),
        actor_(principal.Actor()) {}

  PurchaseImportReport& report() { return report_; }
  bool audited() const { return audited_; }

  // Reads the whole file (transfer::RunBatches): with `single` everything
  // goes into that one transaction; with `dry` each batch is checked in a
  // read; otherwise each batch is written on the store's writer while this
  // thread reads the next.
  Status Run(Store& store, RowReader& rows, const SniffingSource& source, bool dry, WriteTransaction* single) {
    return transfer::RunBatches<PurchaseRow>(
        store, rows, request_.batch_rows, source, dry, single,
        [this](ReadTransaction& read, WriteTransaction* write, std::vector<PurchaseRow>& batch, bool last) {
          return ProcessBatch(read, write, batch, last);
        },
        [this, &source](std::uint64_t bytes_read) { return BatchDone(source, bytes_read); });
  }

  Status Audit(WriteTransaction& transaction) {
    std::string details = "{\"file\":";
    transfer::AppendJsonString(details, request_.file_name);
    details += ",\"rows\":" + std::to_string(report_.rows) + ",\"created\":" + std::to_string(report_.created) +
               ",\"unchanged\":" + std::to_string(report_.unchanged) + ",\"failed\":" + std::to_string(report_.failed) +
               ",\"points\":" + std::to_string(report_.points) +
               ",\"dry_run\":" + (request_.dry_run ? "true" : "false") + "}";
    RAPPORT_RETURN_IF_ERROR(AccessService::Record(transaction, principal_, origin_, now_, "purchases.import", "import",
                                                  0, std::move(details))
                                .status());
    audited_ = true;
    return Status();
  }

  Status BatchDone(const SniffingSource& source, std::uint64_t bytes_read) {
    RAPPORT_RETURN_IF_ERROR(FlushErrors());
    if (hooks_.on_progress) {
      hooks_.on_progress(ImportProgress{.bytes_read = bytes_read, .bytes_total = source.Size(), .rows = report_.rows});
    }
    return Status();
  }

  void ResetCounts() {
    report_.rows = report_.created = report_.unchanged = report_.failed = 0;
    report_.welcome_bonuses = report_.tier_changes = 0;
    report_.points = 0;
  }

  Status FlushErrors() { return errors_.Flush(); }

 private:
  void AddError(std::uint64_t line, std::string_view field, std::string_view reason) {
    errors_.Add(line, field, reason);
  }

  void FailRow(const PurchaseRow& row) {
    ++report_.failed;
    for (const LoyaltyFieldError& error : row.errors) AddError(row.line, error.field, error.reason);
  }

  // 1. The members the rows name: contact ids checked, keys resolved.
  Status ResolveMembers(ReadTransaction& read, std::vector<PurchaseRow>& batch) {
    std::vector<ContactId> ids;
    std::vector<std::string> external_ids;
    std::vector<std::string> emails;
    for (const PurchaseRow& row : batch) {
      if (!row.errors.empty()) continue;
      switch (row.key) {
        case MemberKey::kId: ids.push_back(row.request.contact_id); break;
        case MemberKey::kExternalId: external_ids.push_back(row.key_value); break;
        case MemberKey::kEmail: emails.push_back(row.key_value); break;
        case MemberKey::kNone: break;
      }
    }
    std::unordered_map<std::int64_t, std::optional<ContactId>> states;
    if (!ids.empty()) {
      std::sort(ids.begin(), ids.end(), [](ContactId a, ContactId b) { return a.value() < b.value(); });
      ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
      RAPPORT_ASSIGN_OR_RETURN(const std::vector<ContactState> found, read.Loyalty().GetContactStates(ids));
      for (const ContactState& state : found) states.emplace(state.id.value(), state.merged_into);
    }
    const auto holders = [&](ContactKey key,
                             std::vector<std::string>& values) -> Result<std::unordered_map<std::string, ContactId>> {
      std::unordered_map<std::string, ContactId> held;
      if (values.empty()) return held;
      std::sort(values.begin(), values.end());
      values.erase(std::unique(values.begin(), values.end()), values.end());
      RAPPORT_ASSIGN_OR_RETURN(const std::vector<std::optional<ContactId>> found,
                               read.Relationships().FindContactsByKey(key, values));
      for (std::size_t i = 0; i < values.size(); ++i) {
        if (found[i]) held.emplace(values[i], *found[i]);
      }
      return held;
    };
    RAPPORT_ASSIGN_OR_RETURN(const auto by_external_id, holders(ContactKey::kExternalId, external_ids));
    RAPPORT_ASSIGN_OR_RETURN(const auto by_email, holders(ContactKey::kEmail, emails));
    for (PurchaseRow& row : batch) {
      if (!row.errors.empty()) continue;
      switch (row.key) {
        case MemberKey::kId: {
          const auto state = states.find(row.request.contact_id.value());
          if (state == states.end()) {
            Fail(row, "contact_id", "no such contact");
          } else if (state->second) {
            Fail(row, "contact_id", "the contact was merged into contact " + std::to_string(state->second->value()));
          }
          break;
        }
        case MemberKey::kExternalId: {
          const auto holder = by_external_id.find(row.key_value);
          if (holder == by_external_id.end()) {
            Fail(row, "contact_external_id", "no contact has this external id");
          } else {
            row.request.contact_id = holder->second;
          }
          break;
        }
        case MemberKey::kEmail: {
          const auto holder = by_email.find(row.key_value);
          if (holder == by_email.end()) {
            Fail(row, "contact_email", "no contact has this e-mail address");
          } else {
            row.request.contact_id = holder->second;
          }
          break;
        }
        case MemberKey::kNone: break;
      }
    }
    return Status();
  }

  // The member's state for the rules, read on first need in this batch.
  Result<MemberState*> Member(ReadTransaction& read, std::unordered_map<std::int64_t, MemberState>& members,
                              ContactId contact) {
    MemberState& state = members[contact.value()];
    const domain::EarningRules& rules = rules_.rules;
    if (!rules.tiers.tiers.empty() && !state.tier_read) {
      RAPPORT_ASSIGN_OR_RETURN(state.tier, read.Tiers().GetMemberTier(contact));
      state.tier_read = true;
    }
    if (rules.bonuses.welcome.count() > 0 && !state.purchases_read) {
      RAPPORT_ASSIGN_OR_RETURN(const std::vector<Purchase> earlier,
                               read.Loyalty().ListPurchases(contact, std::nullopt, 1));
      state.has_purchases = !earlier.empty();
      state.purchases_read = true;
    }
    return &state;
  }

  static Points EarnedIn(const MemberState& state, Timestamp from, Timestamp at) {
    Points sum{0};
    for (const EarnedPoints& earned : state.earnings) {
      if (earned.occurred_at >= from && earned.occurred_at <= at) sum += earned.points;
    }
    return sum;
  }

  Status ProcessBatch(ReadTransaction& read, WriteTransaction* write, std::vector<PurchaseRow>& batch, bool last) {
    report_.rows += batch.size();
    RAPPORT_RETURN_IF_ERROR(ResolveMembers(read, batch));

    // 2. The rows' own checks, then the external ids already recorded.
    std::vector<std::string> external_ids;
    external_ids.reserve(batch.size());
    for (PurchaseRow& row : batch) {
      if (!row.errors.empty()) continue;
      std::vector<LoyaltyFieldError> errors = CheckPurchaseRequest(row.request, now_);
      for (LoyaltyFieldError& error : errors) row.errors.push_back(std::move(error));
      if (row.errors.empty()) external_ids.push_back(row.request.external_id);
    }
    std::unordered_map<std::string, Purchase> recorded;
    if (!external_ids.empty()) {
      RAPPORT_ASSIGN_OR_RETURN(std::vector<Purchase> found, read.Loyalty().FindPurchasesByExternalIds(external_ids));
      for (Purchase& purchase : found) recorded.emplace(purchase.external_id, std::move(purchase));
    }

    // 3. What the caps need: the members' earnings since the earliest window start.
    const domain::EarningRules& rules = rules_.rules;
    const bool caps = !rules.cap_per_day.zero() || !rules.cap_per_month.zero();
    std::unordered_map<std::int64_t, MemberState> members;
    if (caps) {
      std::vector<ContactId> contacts;
      std::optional<Timestamp> from;
      std::optional<Timestamp> to;
      for (const PurchaseRow& row : batch) {
        if (!row.errors.empty() || recorded.contains(row.request.external_id)) continue;
        const Timestamp at = row.request.occurred_at;
        const Timestamp start =
            !rules.cap_per_month.zero() ? domain::StartOfLocalMonth(at, zone_) : domain::StartOfLocalDay(at, zone_);
        if (!from || start < *from) from = start;
        if (!to || at + Microseconds(1) > *to) to = at + Microseconds(1);
        contacts.push_back(row.request.contact_id);
      }
      if (!contacts.empty()) {
        std::sort(contacts.begin(), contacts.end(), [](ContactId a, ContactId b) { return a.value() < b.value(); });
        contacts.erase(std::unique(contacts.begin(), contacts.end()), contacts.end());
        RAPPORT_ASSIGN_OR_RETURN(const std::vector<EarnedPoints> earned,
                                 read.Loyalty().ListEarnings(contacts, *from, *to));
        for (const EarnedPoints& points : earned) members[points.contact_id.value()].earnings.push_back(points);
      }
    }

    // 4. Each row in file order: unchanged, a conflict, or planned.
    const EarningContext context{.rules = rules, .rules_version = rules_.version, .zone = zone_, .now = now_};
    std::vector<ImportedPurchase> imported;
    imported.reserve(batch.size());
    std::vector<PendingWelcome> welcomes;
    std::vector<PendingTierChange> tier_changes;
    std::unordered_map<std::string_view, std::size_t> in_batch;  // external id → index into `imported`
    for (PurchaseRow& row : batch) {
      if (!row.errors.empty()) {
        FailRow(row);
        continue;
      }
      const PurchaseRequest& request = row.request;
      const Purchase* earlier = nullptr;
      if (const auto stored = recorded.find(request.external_id); stored != recorded.end()) {
        earlier = &stored->second;
      } else if (const auto same = in_batch.find(request.external_id); same != in_batch.end()) {
        earlier = &imported[same->second].purchase;
      }
      if (earlier != nullptr) {
        if (SameContent(*earlier, request)) {
          ++report_.unchanged;
        } else {
          Fail(row, "external_id",
               earlier->id.valid()
                   ? "was recorded with different content (purchase " + std::to_string(earlier->id.value()) + ")"
                   : "is used by an earlier row of the file with different content");
          FailRow(row);
        }
        continue;
      }
      RAPPORT_ASSIGN_OR_RETURN(MemberState * member, Member(read, members, request.contact_id));
      const domain::TierDefinition* tier = nullptr;
      if (member->tier) tier = domain::FindTier(rules.tiers, member->tier->status.tier_key);
      EarlierEarnings earned;
      if (!rules.cap_per_day.zero()) {
        earned.same_day = EarnedIn(*member, domain::StartOfLocalDay(request.occurred_at, zone_), request.occurred_at);
      }
      if (!rules.cap_per_month.zero()) {
        earned.same_month =
            EarnedIn(*member, domain::StartOfLocalMonth(request.occurred_at, zone_), request.occurred_at);
      }
      EarningPlan plan = PlanEarning(context, request, tier, earned);
      const std::size_t index = imported.size();
      ImportedPurchase& purchase =
          imported.emplace_back(ImportedPurchase{.purchase = Purchase{.contact_id = request.contact_id,
                                                                      .company_id = request.company_id,
                                                                      .lines = request.lines,
                                                                      .total_minor = request.total_minor,
                                                                      .currency = request.currency,
                                                                      .channel = request.channel,
                                                                      .store = request.store,
                                                                      .occurred_at = request.occurred_at,
                                                                      .external_id = request.external_id,
                                                                      .points_earned = plan.earning.points,
                                                                      .rules_version = rules_.version},
                                                 .explanation_json = std::move(plan.explanation_json),
                                                 .lot_state = plan.pending ? LotState::kPending : LotState::kAvailable,
                                                 .available_at = plan.available_at,
                                                 .expires_at = plan.expires_at});
      in_batch.emplace(purchase.purchase.external_id, index);
      ++report_.created;
      report_.points += plan.earning.points.count();
      if (caps && !plan.earning.points.zero()) {
        member->earnings.push_back(
            {.contact_id = request.contact_id, .occurred_at = request.occurred_at, .points = plan.earning.points});
      }
      if (rules.bonuses.welcome.count() > 0 && !member->has_purchases) welcomes.push_back({.index = index});
      member->has_purchases = true;
      if (!rules.tiers.tiers.empty()) {
        RAPPORT_RETURN_IF_ERROR(PlanTier(read, *member, request, index, tier_changes));
      }
    }
    if (write == nullptr || imported.empty()) {
      if (write != nullptr && last) RAPPORT_RETURN_IF_ERROR(Audit(*write));
      report_.welcome_bonuses += welcomes.size();
      report_.tier_changes += tier_changes.size();
      return Status();
    }

    // 5. The writes: the purchases with their postings and events, then the extras.
    RAPPORT_ASSIGN_OR_RETURN(const std::vector<PurchaseId> ids, write->LoyaltyOut().ImportPurchases(imported, actor_));
    for (const PendingWelcome& welcome : welcomes) {
      const Purchase& purchase = imported[welcome.index].purchase;
      RAPPORT_ASSIGN_OR_RETURN(const std::optional<BonusAward> paid,
                               write->Tiers().GetBonusAward(purchase.contact_id, "welcome"));
      if (paid) continue;
      RAPPORT_RETURN_IF_ERROR(
          CreditBonus(*write,
                      BonusCredit{.contact = purchase.contact_id,
                                  .points = rules.bonuses.welcome,
                                  .key = "welcome",
                                  .kind = "welcome",
                                  .detail = "welcome bonus",
                                  .earned_at = purchase.occurred_at,
                                  .available_at = domain::AvailableAt(purchase.occurred_at, rules.pending_days, zone_),
                                  .purchase_id = ids[welcome.index]},
                      rules, zone_, now_, actor_)
              .status());
      ++report_.welcome_bonuses;
    }
    for (const PendingTierChange& change : tier_changes) {
      const Purchase& purchase = imported[change.index].purchase;
      RAPPORT_RETURN_IF_ERROR(
          RecordTierChange(*write, purchase.contact_id, change.from, change.decision, purchase.occurred_at, actor_));
    }
    report_.tier_changes += tier_changes.size();
    if (last) RAPPORT_RETURN_IF_ERROR(Audit(*write));
    return Status();
  }

  // The tier after a created purchase: the stored purchases in its window
  // plus this batch's earlier ones (and itself), as RecordPurchase sees them.
  Status PlanTier(ReadTransaction& read, MemberState& member, const PurchaseRequest& request, std::size_t index,
                  std::vector<PendingTierChange>& changes) {
    const domain::TierProgramme& tiers = rules_.rules.tiers;
    member.purchases.push_back({request.occurred_at, {request.currency, request.total_minor}});
    const Timestamp from = domain::TierWindowStart(request.occurred_at, tiers, zone_);
    const Timestamp to = request.occurred_at + Microseconds(1);
    RAPPORT_ASSIGN_OR_RETURN(domain::TierQualifier qualifier,
                             read.Tiers().Qualifier(request.contact_id, tiers.currency, from, to));
    for (const auto& [at, money] : member.purchases) {
      if (at < from || at >= to) continue;
      if (money.first == tiers.currency) qualifier.spend_minor += money.second;
      if (money.second > 0) ++qualifier.purchases;
    }
    const domain::TierStatus before = member.tier ? member.tier->status : domain::TierStatus{};
    const domain::TierDecision decision =
        domain::TierAfterPurchase(before, tiers, qualifier, request.occurred_at, zone_);
    if (decision.change == domain::TierChange::kNone) return Status();
    changes.push_back({.index = index, .from = before.tier_key, .decision = decision});
    if (!member.tier) member.tier = MemberTier{.contact_id = request.contact_id};
    member.tier->status = decision.status;
    return Status();
  }

  const Principal& principal_;
  const Origin& origin_;
  const PurchaseImportRequest& request_;
  const ImportHooks& hooks_;
  Timestamp now_;
  const RulesView& rules_;
  const date::time_zone& zone_;
  std::string actor_;
  PurchaseImportReport report_;
  transfer::RowErrors errors_{report_.errors, report_.errors_truncated, hooks_.error_report};
  bool audited_ = false;
};

// The import itself, once the rules are read.
Result<PurchaseImportReport> ImportRows(Store& store, Timestamp now, const Principal& principal, const Origin& origin,
                                        ByteSource& source, const PurchaseImportRequest& request,
                                        const ImportHooks& hooks, const RulesView& rules, const date::time_zone& zone) {
  SniffingSource sniffing(source);
  RAPPORT_RETURN_IF_ERROR(sniffing.Sniff());
  if (std::string problem = transfer::EncodingProblem(sniffing.head(), transfer::HeadCheck::kMarks); !problem.empty()) {
    return InvalidArgument(std::move(problem));
  }
  ImportRun run(principal, origin, request, hooks, now, rules, zone);
  RAPPORT_ASSIGN_OR_RETURN(std::unique_ptr<RowReader> rows, OpenRows(sniffing, request));
  const bool all_or_nothing = request.commit == CommitMode::kAllOrNothing;
  RAPPORT_RETURN_IF_ERROR(run.Run(store, *rows, sniffing, request.dry_run || all_or_nothing, nullptr));
  RAPPORT_RETURN_IF_ERROR(run.FlushErrors());
  PurchaseImportReport& report = run.report();
  report.dry_run = request.dry_run;
  report.unmapped_columns = rows->UnmappedColumns();
  if (all_or_nothing && !request.dry_run && report.failed == 0) {
    RAPPORT_RETURN_IF_ERROR(sniffing.Rewind());
    run.ResetCounts();
    RAPPORT_ASSIGN_OR_RETURN(rows, OpenRows(sniffing, request));
    RAPPORT_RETURN_IF_ERROR(store.Write([&](WriteTransaction& transaction) -> Status {
      RAPPORT_RETURN_IF_ERROR(run.Run(store, *rows, sniffing, false, &transaction));
      if (run.report().failed > 0) {
        return Conflict(
            "purchases or contacts changed while the file was imported; nothing was written, run the "
            "import again");
      }
      if (!run.audited()) RAPPORT_RETURN_IF_ERROR(run.Audit(transaction));
      return Status();
    }));
    report.committed = report.created > 0;
  } else if (!all_or_nothing && !request.dry_run) {
    report.committed = report.created > 0;
  }
  const bool refused = all_or_nothing && !request.dry_run && report.failed > 0;
  if (!run.audited() && !refused) {
    RAPPORT_RETURN_IF_ERROR(store.Write([&](WriteTransaction& transaction) { return run.Audit(transaction); }));
  }
  return std::move(report);
}

}  // namespace

PurchaseImporter::PurchaseImporter(Store& store, const Clock& clock) : store_(store), clock_(clock) {}

Result<PurchaseImportReport> PurchaseImporter::Import(const Principal& principal, const Origin& origin,
                                                      ByteSource& source, const PurchaseImportRequest& request,
                                                      const ImportHooks& hooks) {
  RAPPORT_RETURN_IF_ERROR(RequireLoyalty(principal, domain::Action::kAdmin));
  if (request.batch_rows < 1 || request.batch_rows > limits::kImportBatchRowsMax) {
    return InvalidArgument("batch rows must be between 1 and " + std::to_string(limits::kImportBatchRowsMax));
  }
  RulesView rules;
  RAPPORT_RETURN_IF_ERROR(store_.Read([&](ReadTransaction& transaction) -> Status {
    RAPPORT_ASSIGN_OR_RETURN(rules, LoadRules(transaction.Loyalty()));
    return Status();
  }));
  RAPPORT_ASSIGN_OR_RETURN(const date::time_zone* zone, LocateZone(rules.rules.time_zone));
  if (!request.defer_indexes || request.dry_run)
    return ImportRows(store_, clock_.Now(), principal, origin, source, request, hooks, rules, *zone);

  // A failed or refused import builds the indexes again as well; a crash
  // leaves that to the next opening of the store.
  const domain::EarningRules& programme = rules.rules;
  const bool reads_history = !programme.tiers.tiers.empty() || programme.bonuses.welcome.count() > 0 ||
                             !programme.cap_per_day.zero() || !programme.cap_per_month.zero();
  RAPPORT_RETURN_IF_ERROR(store_.Write([reads_history](WriteTransaction& transaction) {
    return transaction.LoyaltyOut().DeferImportIndexes(reads_history).status();
  }));
  Result<PurchaseImportReport> report =
      ImportRows(store_, clock_.Now(), principal, origin, source, request, hooks, rules, *zone);
  std::vector<std::string> built;
  for (std::optional<std::string> name;; built.push_back(std::move(*name))) {
    const Status step = store_.Write([&](WriteTransaction& transaction) -> Status {
      RAPPORT_ASSIGN_OR_RETURN(name, transaction.LoyaltyOut().BuildDeferredIndex());
      return Status();
    });
    if (!step.ok()) return report.ok() ? step : report.status();
    if (!name) break;
  }
  if (report.ok()) report->indexes_built = std::move(built);
  return report;
}

}  // namespace rapport::app

// See contact_transfer.h. The import pipeline, per batch of rows:
//   read rows (CsvReader / NdjsonReader) → map cells to ContactInput → look up
//   the batch's keys (FindContactsByKey, GetContacts) → ApplyContactInput over
//   the stored profile (or an earlier row of the batch with the same key) →
//   unchanged / updated / created → one store write: InsertContacts,
//   UpdateContacts, company links, events and, with the last batch, the audit
//   record.
// Rows are parsed on the caller's thread while the store's writer runs the
// previous batch; lookups and writes run inside the batch's transaction, so a
// key cannot be taken between lookup and write.
#include "rapport/app/contact_transfer.h"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <memory>
#include <optional>
#include <unordered_map>
#include <unordered_set>
#include <utility>

#include <rapidjson/document.h>

#include "transfer/batches.h"
#include "transfer/csv_reader.h"
#include "transfer/mapping.h"
#include "transfer/ndjson_reader.h"
#include "transfer/row_errors.h"
#include "transfer/sniffing_source.h"
#include "transfer/text_formats.h"

#include "rapport/app/contact_input.h"
#include "rapport/base/limits.h"
#include "rapport/domain/access.h"
#include "rapport/domain/contact_rules.h"

namespace rapport::app {
namespace {

using transfer::Field;
using transfer::FieldTarget;
using transfer::SniffingSource;

constexpr int kExportPageRows = 1'000;

Status RequireAdmin(const Principal& principal) {
  return AccessService::Authorize(principal, domain::Resource::kRelationships, domain::Action::kAdmin);
}

std::string_view Trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

std::string AsciiLower(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

// --- Rows

// One data row on its way to the store.
struct PendingRow {
  std::uint64_t line = 0;
  ContactInput input{};
  std::string company{};
  std::optional<std::string> job_title{};
  std::vector<FieldError> errors{};  // problems found before the rules run
};

void SplitInto(std::string_view value, std::string_view separators, std::vector<std::string>& out) {
  out.clear();
  std::size_t start = 0;
  while (start <= value.size()) {
    const std::size_t end = std::min(value.find_first_of(separators, start), value.size());
    const std::string_view part = Trim(value.substr(start, end - start));
    if (!part.empty()) out.emplace_back(part);
    start = end + 1;
  }
}

// Puts one cell into the row. Empty cells leave the field unset.
void ApplyCell(const FieldTarget& target, std::string_view raw, PendingRow& row) {
  const std::string_view value = transfer::RemoveFormulaApostrophe(Trim(raw));
  if (value.empty()) return;
  ContactInput& input = row.input;
  auto set = [&](std::optional<std::string>& field) { field.emplace(value); };
  auto list = [&](std::optional<std::vector<std::string>>& field, std::string_view separators) {
    field.emplace();
    SplitInto(value, separators, *field);
  };
  switch (target.field) {
    case Field::kFirstName: set(input.first_name); break;
    case Field::kLastName: set(input.last_name); break;
    case Field::kFullName: {
      const std::size_t space = value.rfind(' ');
      if (space == std::string_view::npos) {
        input.first_name.emplace(value);
      } else {
        input.first_name.emplace(Trim(value.substr(0, space)));
        input.last_name.emplace(Trim(value.substr(space + 1)));
      }
      break;
    }
    case Field::kEmail: set(input.email); break;
    case Field::kOtherEmails: list(input.other_emails, ";,"); break;
    case Field::kPhone: set(input.phone); break;
    case Field::kOtherPhones: list(input.other_phones, ";,"); break;
    case Field::kAddressLine1: set(input.address_line1); break;
    case Field::kAddressLine2: set(input.address_line2); break;
    case Field::kCity: set(input.city); break;
    case Field::kRegion: set(input.region); break;
    case Field::kPostalCode: set(input.postal_code); break;
    case Field::kCountryCode: set(input.country_code); break;
    case Field::kBirthday: set(input.birthday); break;
    case Field::kGender: input.gender.emplace(AsciiLower(value)); break;
    case Field::kLocale: set(input.locale); break;
    case Field::kTimeZone: set(input.time_zone); break;
    case Field::kSource: set(input.source); break;
    case Field::kExternalId: set(input.external_id); break;
    case Field::kRoles:
      list(input.roles, ",;");
      for (std::string& role : *input.roles) role = AsciiLower(role);
      break;
    case Field::kCompany: row.company.assign(value); break;
    case Field::kJobTitle: row.job_title.emplace(value); break;
    case Field::kCustom: input.custom[target.custom_key] = std::string(value); break;
  }
}

// Produces the rows of a file, whatever its format.
class RowReader {
 public:
  virtual ~RowReader() = default;
  // Fills `row` (reset first); false at the end of the file.
  virtual Result<bool> Next(PendingRow& row) = 0;
  virtual std::vector<std::string> UnmappedColumns() const = 0;
};

class CsvRowReader : public RowReader {
 public:
  CsvRowReader(ByteSource& source, std::optional<char> delimiter) : reader_(source, {.delimiter = delimiter}) {}

  // Reads the header and resolves the mapping. An error refuses the file.
  Status Start(const std::optional<ColumnMapping>& mapping, const std::vector<std::string>& custom_keys,
               ContactKey key) {
    RAPPORT_ASSIGN_OR_RETURN(std::optional<transfer::CsvRecord> header, reader_.Next());
    if (!header.has_value()) return InvalidArgument("the file is empty: a CSV import needs a header line");
    if (!header->error.empty()) return InvalidArgument("the header line cannot be read: " + header->error);
    for (std::string_view column : header->fields) columns_.emplace_back(column);
    const ColumnMapping chosen = mapping.has_value() ? *mapping : transfer::SuggestMapping(columns_, custom_keys);
    targets_ = transfer::ResolveColumns(chosen, columns_);
    bool any = false;
    bool has_key = false;
    for (const std::optional<FieldTarget>& target : targets_) {
      if (!target.has_value()) continue;
      any = true;
      if ((key == ContactKey::kEmail && target->field == Field::kEmail) ||
          (key == ContactKey::kPhone && target->field == Field::kPhone) ||
          (key == ContactKey::kExternalId && target->field == Field::kExternalId)) {
        has_key = true;
      }
    }
    if (!any) {
      return InvalidArgument("no column of the header maps to a contact field (delimiter '" +
                             std::string(1, reader_.delimiter() == '\t' ? 't' : reader_.delimiter()) +
                             "'); give a mapping or rename the columns");
    }
    if (!has_key) {
      return InvalidArgument("no column maps to " + std::string(ContactKeyName(key)) +
                             ", the key rows are matched on; map one or choose another key");
    }
    return Status();
  }

  Result<bool> Next(PendingRow& row) override {
    RAPPORT_ASSIGN_OR_RETURN(std::optional<transfer::CsvRecord> record, reader_.Next());
    if (!record.has_value()) return false;
    row.line = record->line;
    if (!record->error.empty()) {
      row.errors.push_back({"", record->error});
      return true;
    }
    if (record->fields.size() != columns_.size()) {
      row.errors.push_back({"", "the row has " + std::to_string(record->fields.size()) + " fields; the header has " +
                                    std::to_string(columns_.size())});
      return true;
    }
    for (std::size_t i = 0; i < targets_.size(); ++i) {
      if (targets_[i].has_value()) ApplyCell(*targets_[i], record->fields[i], row);
    }
    return true;
  }

  std::vector<std::string> UnmappedColumns() const override {
    std::vector<std::string> unmapped;
    for (std::size_t i = 0; i < columns_.size(); ++i) {
      if (!targets_[i].has_value()) unmapped.push_back(columns_[i]);
    }
    return unmapped;
  }

  char delimiter() const { return reader_.delimiter(); }

 private:
  transfer::CsvReader reader_;
  std::vector<std::string> columns_;
  std::vector<std::optional<FieldTarget>> targets_;
};

class NdjsonRowReader : public RowReader {
 public:
  NdjsonRowReader(ByteSource& source, std::optional<ColumnMapping> mapping, std::vector<std::string> custom_keys)
      : reader_(source), mapping_(std::move(mapping)), custom_keys_(std::move(custom_keys)) {}

  Result<bool> Next(PendingRow& row) override {
    RAPPORT_ASSIGN_OR_RETURN(std::optional<transfer::NdjsonRecord> record, reader_.Next());
    if (!record.has_value()) return false;
    row.line = record->line;
    if (!record->error.empty()) {
      row.errors.push_back({"", record->error});
      return true;
    }
    for (const auto& [key, value] : record->pairs) {
      const std::optional<FieldTarget>* target = Target(key);
      if (target == nullptr) {
        row.errors.push_back(
            {"", "the file has more than " + std::to_string(limits::kImportColumnsMax) + " different keys"});
        return true;
      }
      if (target->has_value()) ApplyCell(**target, value, row);
    }
    return true;
  }

  std::vector<std::string> UnmappedColumns() const override { return unmapped_; }

 private:
  // The target of a key, resolved on first sight; nullptr past the key limit.
  const std::optional<FieldTarget>* Target(std::string_view key) {
    const auto found = targets_.find(std::string(key));  // the map is small; keys are short
    if (found != targets_.end()) return &found->second;
    if (targets_.size() >= limits::kImportColumnsMax) return nullptr;
    const std::vector<std::string> columns = {std::string(key)};
    const ColumnMapping chosen = mapping_.has_value() ? *mapping_ : transfer::SuggestMapping(columns, custom_keys_);
    std::optional<FieldTarget> target = transfer::ResolveColumns(chosen, columns)[0];
    if (!target.has_value()) unmapped_.emplace_back(key);
    return &targets_.emplace(std::string(key), std::move(target)).first->second;
  }

  transfer::NdjsonReader reader_;
  std::optional<ColumnMapping> mapping_;
  std::vector<std::string> custom_keys_;
  std::unordered_map<std::string, std::optional<FieldTarget>> targets_;
  std::vector<std::string> unmapped_;
};

// --- Comparing profiles

void ChangedFields(const ContactProfile& before, const ContactProfile& after, std::vector<std::string_view>& out) {
  auto check = [&](bool differs, std::string_view name) {
    if (differs && std::find(out.begin(), out.end(), name) == out.end()) out.push_back(name);
  };
  check(before.first_name != after.first_name, "first_name");
  check(before.last_name != after.last_name, "last_name");
  check(before.email != after.email, "email");
  check(before.other_emails != after.other_emails, "other_emails");
  check(before.phone != after.phone, "phone");
  check(before.other_phones != after.other_phones, "other_phones");
  check(before.address.line1 != after.address.line1, "address_line1");
  check(before.address.line2 != after.address.line2, "address_line2");
  check(before.address.city != after.address.city, "city");
  check(before.address.region != after.address.region, "region");
  check(before.address.postal_code != after.address.postal_code, "postal_code");
  check(before.address.country_code != after.address.country_code, "country_code");
  check(before.birthday != after.birthday, "birthday");
  check(before.gender != after.gender, "gender");
  check(before.locale != after.locale, "locale");
  check(before.time_zone != after.time_zone, "time_zone");
  check(before.source != after.source, "source");
  check(before.owner != after.owner, "owner_id");
  check(before.external_id != after.external_id, "external_id");
  check(before.roles != after.roles, "roles");
  check(before.custom_json != after.custom_json, "custom");
}

// The key a row is matched on, normalised as the store keeps it; nullopt when
// the row has none or it is invalid (the rules then report why).
std::optional<std::string> RowKey(const ContactInput& input, ContactKey key, std::string_view calling_code) {
  switch (key) {
    case ContactKey::kEmail:
      if (input.email.has_value()) return domain::NormalizeEmail(*input.email).value;
      return std::nullopt;
    case ContactKey::kPhone:
      if (input.phone.has_value()) return domain::NormalizePhone(*input.phone, calling_code).value;
      return std::nullopt;
    case ContactKey::kExternalId:
      if (input.external_id.has_value()) return std::string(Trim(*input.external_id));
      return std::nullopt;
  }
  return std::nullopt;
}

const std::string* KeyInput(const ContactInput& input, ContactKey key) {
  switch (key) {
    case ContactKey::kEmail: return input.email ? &*input.email : nullptr;
    case ContactKey::kPhone: return input.phone ? &*input.phone : nullptr;
    case ContactKey::kExternalId: return input.external_id ? &*input.external_id : nullptr;
  }
  return nullptr;
}

std::string CompanyCacheKey(std::string_view name) { return domain::FoldForSearch(name); }

// --- One import run

class ImportRun {
 public:
  ImportRun(const Principal& principal, const Origin& origin, const ImportRequest& request, const ImportHooks& hooks,
            Timestamp now, InputRules rules)
      : principal_(principal), origin_(origin), request_(request), hooks_(hooks), now_(now), rules_(std::move(rules)) {}

  ImportReport& report() { return report_; }

  // Reads the whole file (transfer::RunBatches): with `single` everything
  // goes into that one transaction; with `dry` each batch is checked in a
  // read; otherwise each batch is written on the store's writer while this
  // thread reads the next.
  Status Run(Store& store, RowReader& rows, const SniffingSource& source, bool dry, WriteTransaction* single) {
    return transfer::RunBatches<PendingRow>(
        store, rows, request_.batch_rows, source, dry, single,
        [this](ReadTransaction& read, WriteTransaction* write, std::vector<PendingRow>& batch, bool last) {
          return ProcessBatch(read, write, batch, last);
        },
        [this, &source](std::uint64_t bytes_read) { return BatchDone(source, bytes_read); });
  }

  bool audited() const { return audited_; }

  Status Audit(WriteTransaction& transaction) {
    std::string details = "{\"file\":";
    transfer::AppendJsonString(details, request_.file_name);
    details += ",\"key\":\"" + std::string(ContactKeyName(request_.key)) + "\"";
    details += ",\"rows\":" + std::to_string(report_.rows) + ",\"created\":" + std::to_string(report_.created) +
               ",\"updated\":" + std::to_string(report_.updated) +
               ",\"unchanged\":" + std::to_string(report_.unchanged) + ",\"failed\":" + std::to_string(report_.failed) +
               ",\"dry_run\":" + (request_.dry_run ? "true" : "false") + "}";
    RAPPORT_RETURN_IF_ERROR(AccessService::Record(transaction, principal_, origin_, now_, "contacts.import", "import",
                                                  0, std::move(details))
                                .status());
    audited_ = true;
    return Status();
  }

  // After each batch: the error lines to the sink, the progress to the caller.
  Status BatchDone(const SniffingSource& source, std::uint64_t bytes_read) {
    RAPPORT_RETURN_IF_ERROR(FlushErrors());
    if (hooks_.on_progress) {
      hooks_.on_progress(ImportProgress{.bytes_read = bytes_read, .bytes_total = source.Size(), .rows = report_.rows});
    }
    return Status();
  }

  void ResetCounts() { report_.rows = report_.created = report_.updated = report_.unchanged = report_.failed = 0; }

  // The row errors since the last flush to the error report file.
  Status FlushErrors() { return errors_.Flush(); }

 private:
  // The contact a batch's rows with one key end up as.
  struct Slot {
    std::optional<ContactId> existing{};
    const Contact* contact = nullptr;  // the stored contact, when existing
    ContactProfile profile{};
    bool dirty = false;
    std::vector<std::string_view> changed{};
    std::string company{};  // to link, "" for none
    std::string job_title{};
    bool link_company = false;
  };

  void AddError(std::uint64_t line, std::string_view field, std::string_view reason) {
    errors_.Add(line, field, reason);
  }

  void FailRow(const PendingRow& row, const std::vector<FieldError>& errors) {
    ++report_.failed;
    for (const FieldError& error : errors) AddError(row.line, error.field, error.reason);
  }

  Status ProcessBatch(ReadTransaction& read, WriteTransaction* write, std::vector<PendingRow>& batch, bool last) {
    RelationshipsReader& relationships = read.Relationships();
    report_.rows += batch.size();

    // 1. The keys of the batch, each once.
    std::unordered_map<std::string, std::size_t> slot_of_key;
    slot_of_key.reserve(batch.size());
    std::vector<std::string> keys;
    keys.reserve(batch.size());
    std::vector<std::size_t> row_slot(batch.size(), SIZE_MAX);
    const std::string_view calling_code = rules_.default_calling_code;
    for (std::size_t i = 0; i < batch.size(); ++i) {
      PendingRow& row = batch[i];
      if (!row.errors.empty()) continue;
      if (KeyInput(row.input, request_.key) == nullptr) {
        row.errors.push_back({std::string(ContactKeyName(request_.key)),
                              "is empty; rows are matched on " + std::string(ContactKeyName(request_.key))});
        continue;
      }
      std::optional<std::string> key = RowKey(row.input, request_.key, calling_code);
      if (!key.has_value() || key->empty()) continue;  // the rules report the bad value
      const auto [found, inserted] = slot_of_key.try_emplace(*key, keys.size());
      if (inserted) keys.push_back(std::move(*key));
      row_slot[i] = found->second;
    }

    // 2. The stored contacts holding those keys.
    std::vector<Slot> slots(keys.size());
    std::vector<Contact> stored;
    if (!keys.empty()) {
      RAPPORT_ASSIGN_OR_RETURN(std::vector<std::optional<ContactId>> ids,
                               relationships.FindContactsByKey(request_.key, keys));
      std::vector<ContactId> found_ids;
      for (const std::optional<ContactId>& id : ids) {
        if (id.has_value()) found_ids.push_back(*id);
      }
      if (!found_ids.empty()) {
        RAPPORT_ASSIGN_OR_RETURN(stored, relationships.GetContacts(found_ids));
      }
      std::unordered_map<std::int64_t, const Contact*> by_id;
      for (const Contact& contact : stored) by_id.emplace(contact.id.value(), &contact);
      for (std::size_t s = 0; s < keys.size(); ++s) {
        if (!ids[s].has_value()) continue;
        const auto contact = by_id.find(ids[s]->value());
        if (contact == by_id.end()) continue;  // merged or gone between the two reads: treat as new
        slots[s].existing = *ids[s];
        slots[s].contact = contact->second;
        slots[s].profile = contact->second->profile;
      }
    }

    // 3. External ids must stay unique: who holds the ones rows set.
    std::unordered_map<std::string, ContactId> external_holders;
    if (request_.key != ContactKey::kExternalId) {
      std::vector<std::string> external_ids;
      for (const PendingRow& row : batch) {
        if (row.errors.empty() && row.input.external_id.has_value() && !Trim(*row.input.external_id).empty()) {
          external_ids.emplace_back(Trim(*row.input.external_id));
        }
      }
      if (!external_ids.empty()) {
        RAPPORT_ASSIGN_OR_RETURN(std::vector<std::optional<ContactId>> holders,
                                 relationships.FindContactsByKey(ContactKey::kExternalId, external_ids));
        for (std::size_t i = 0; i < external_ids.size(); ++i) {
          if (holders[i].has_value()) external_holders.emplace(external_ids[i], *holders[i]);
        }
      }
    }
    std::unordered_map<std::string, std::size_t> external_in_batch;  // external id → slot taking it

    // 4. Each row over its slot, in file order.
    for (std::size_t i = 0; i < batch.size(); ++i) {
      PendingRow& row = batch[i];
      if (!row.errors.empty()) {
        FailRow(row, row.errors);
        continue;
      }
      const std::size_t slot_index = row_slot[i];
      if (slot_index == SIZE_MAX) {  // a key the rules refuse: let them say why
        AppliedInput applied = ApplyContactInput(row.input, ContactProfile{}, rules_);
        if (applied.errors.empty()) {
          applied.errors.push_back({std::string(ContactKeyName(request_.key)), "is not a valid key"});
        }
        FailRow(row, applied.errors);
        continue;
      }
      Slot& slot = slots[slot_index];
      const bool creating = !slot.existing.has_value();
      if (creating && !slot.dirty && !row.input.source.has_value()) row.input.source = request_.source_label;
      AppliedInput applied = ApplyContactInput(row.input, slot.profile, rules_);
      if (!applied.errors.empty()) {
        FailRow(row, applied.errors);
        continue;
      }
      // External id clashes (the store would refuse the whole batch).
      const std::string& external_id = applied.profile.external_id;
      if (!external_id.empty() && external_id != slot.profile.external_id) {
        const auto holder = external_holders.find(external_id);
        const bool held_elsewhere =
            holder != external_holders.end() && (!slot.existing.has_value() || holder->second != *slot.existing);
        const auto taken = external_in_batch.find(external_id);
        if (held_elsewhere || (taken != external_in_batch.end() && taken->second != slot_index)) {
          FailRow(row, {{"external_id", held_elsewhere
                                            ? "is already used by contact " + std::to_string(holder->second.value())
                                            : "is already used by another row of the file"}});
          continue;
        }
      }
      // The company link the row asks for.
      bool link_change = false;
      if (!row.company.empty()) {
        const std::string wanted = CompanyCacheKey(row.company);
        bool linked = false;
        std::string current_title;
        if (slot.contact != nullptr) {
          for (const CompanyLink& link : slot.contact->companies) {
            if (CompanyCacheKey(link.company_name) == wanted) {
              linked = true;
              current_title = link.job_title;
            }
          }
        }
        const std::string title = row.job_title.has_value() ? *row.job_title : current_title;
        if (!linked || title != current_title) {
          if (!slot.link_company || slot.company != row.company || slot.job_title != title) link_change = true;
          slot.link_company = true;
          slot.company = row.company;
          slot.job_title = title;
        }
      }
      if (!applied.changed && !link_change) {
        ++report_.unchanged;
        continue;
      }
      ChangedFields(slot.profile, applied.profile, slot.changed);
      if (link_change && std::find(slot.changed.begin(), slot.changed.end(), "companies") == slot.changed.end()) {
        slot.changed.push_back("companies");
      }
      if (creating && !slot.dirty) {
        ++report_.created;
      } else {
        ++report_.updated;
      }
      slot.profile = std::move(applied.profile);
      slot.dirty = true;
      if (!external_id.empty()) external_in_batch[slot.profile.external_id] = slot_index;
    }

    // 5. Companies named by rows: find them (and, when writing, create the missing).
    for (const Slot& slot : slots) {
      if (!slot.dirty || !slot.link_company) continue;
      const std::string cache_key = CompanyCacheKey(slot.company);
      if (companies_.contains(cache_key)) continue;
      RAPPORT_ASSIGN_OR_RETURN(std::optional<CompanyId> found, relationships.FindCompanyByName(slot.company));
      if (found.has_value()) {
        companies_.emplace(cache_key, *found);
      } else if (write != nullptr) {
        CompanyProfile company;
        company.name = slot.company;
        RAPPORT_ASSIGN_OR_RETURN(const CompanyId created, write->RelationshipsOut().InsertCompany(company, now_));
        companies_.emplace(cache_key, created);
      }
    }
    if (write == nullptr) return Status();

    // 6. The writes.
    std::vector<ContactRecord> inserts;
    std::vector<const Slot*> inserted_slots;
    std::vector<std::pair<ContactId, ContactRecord>> updates;
    std::vector<const Slot*> updated_slots;
    inserts.reserve(slots.size());
    inserted_slots.reserve(slots.size());
    for (Slot& slot : slots) {
      if (!slot.dirty) continue;
      std::vector<std::string> company_names;
      if (slot.contact != nullptr) {
        for (const CompanyLink& link : slot.contact->companies) company_names.push_back(link.company_name);
      }
      if (slot.link_company &&
          std::find(company_names.begin(), company_names.end(), slot.company) == company_names.end()) {
        company_names.push_back(slot.company);
      }
      ContactRecord record = MakeContactRecord(std::move(slot.profile), company_names);  // the slot's last use
      if (slot.existing.has_value()) {
        updates.emplace_back(*slot.existing, std::move(record));
        updated_slots.push_back(&slot);
      } else {
        if (slot.link_company) {
          record.primary_company = CompanyLink{.company_id = companies_.at(CompanyCacheKey(slot.company)),
                                               .company_name = slot.company,
                                               .job_title = slot.job_title,
                                               .primary = true};
        }
        inserts.push_back(std::move(record));
        inserted_slots.push_back(&slot);
      }
    }
    RelationshipsWriter& out = write->RelationshipsOut();
    std::vector<ContactId> inserted_ids;
    if (!inserts.empty()) {
      RAPPORT_ASSIGN_OR_RETURN(inserted_ids, out.InsertContacts(inserts, now_));
    }
    if (!updates.empty()) RAPPORT_RETURN_IF_ERROR(out.UpdateContacts(updates, now_));
    for (std::size_t i = 0; i < updated_slots.size(); ++i) {
      const Slot& slot = *updated_slots[i];
      if (!slot.link_company) continue;
      bool has_primary = false;
      for (const CompanyLink& link : slot.contact->companies) has_primary = has_primary || link.primary;
      const CompanyId company_id = companies_.at(CompanyCacheKey(slot.company));
      bool primary = !has_primary;
      for (const CompanyLink& link : slot.contact->companies) {
        if (link.company_id == company_id) primary = link.primary;
      }
      RAPPORT_RETURN_IF_ERROR(out.LinkCompany(
          updates[i].first,
          CompanyLink{
              .company_id = company_id, .company_name = slot.company, .job_title = slot.job_title, .primary = primary},
          now_));
    }
    EventLogWriter& events = write->EventsOut();
    const std::string actor = principal_.Actor();
    auto append = [&](std::string_view kind, ContactId id, const Slot& slot) {
      std::string payload = "{\"source\":\"import\",\"fields\":[";
      for (std::size_t f = 0; f < slot.changed.size(); ++f) {
        if (f > 0) payload.push_back(',');
        transfer::AppendJsonString(payload, slot.changed[f]);
      }
      payload += "]}";
      return events
          .Append(NewEvent{.kind = std::string(kind),
                           .subject_type = "contact",
                           .subject_id = id.value(),
                           .occurred_at = now_,
                           .actor = actor,
                           .payload_json = std::move(payload)})
          .status();
    };
    for (std::size_t i = 0; i < inserted_ids.size(); ++i) {
      RAPPORT_RETURN_IF_ERROR(append("contact_created", inserted_ids[i], *inserted_slots[i]));
    }
    for (std::size_t i = 0; i < updated_slots.size(); ++i) {
      RAPPORT_RETURN_IF_ERROR(append("contact_updated", updates[i].first, *updated_slots[i]));
    }
    if (last) RAPPORT_RETURN_IF_ERROR(Audit(*write));
    return Status();
  }

  const Principal& principal_;
  const Origin& origin_;
  const ImportRequest& request_;
  const ImportHooks& hooks_;
  Timestamp now_;
  InputRules rules_;
  ImportReport report_;
  std::unordered_map<std::string, CompanyId> companies_;  // folded name → id, for this run
  transfer::RowErrors errors_{report_.errors, report_.errors_truncated, hooks_.error_report};
  bool audited_ = false;
};

// The custom field keys of contacts, and the mapping the request names.
struct ImportSetup {
  std::vector<CustomFieldDefinition> custom_fields;
  std::vector<std::string> custom_keys;
  std::optional<ColumnMapping> mapping;
};

Result<ImportSetup> LoadSetup(Store& store, const ImportRequest& request) {
  ImportSetup setup;
  std::optional<ImportMapping> saved;
  RAPPORT_RETURN_IF_ERROR(store.Read([&](ReadTransaction& transaction) -> Status {
    RAPPORT_ASSIGN_OR_RETURN(std::vector<CustomFieldDefinition> fields, transaction.Relationships().ListCustomFields());
    for (CustomFieldDefinition& field : fields) {
      if (field.applies_to != "contact") continue;
      setup.custom_keys.push_back(field.key);
      setup.custom_fields.push_back(std::move(field));
    }
    if (!request.mapping.has_value() && !request.mapping_name.empty() &&
        !MappingPreset(request.mapping_name).has_value()) {
      RAPPORT_ASSIGN_OR_RETURN(saved, transaction.Relationships().GetImportMapping(request.mapping_name));
    }
    return Status();
  }));
  if (request.mapping.has_value()) {
    setup.mapping = *request.mapping;
    RAPPORT_RETURN_IF_ERROR(transfer::CheckMapping(*setup.mapping, setup.custom_keys));
  } else if (!request.mapping_name.empty()) {
    if (std::optional<ColumnMapping> preset = MappingPreset(request.mapping_name)) {
      setup.mapping = std::move(*preset);
    } else if (saved.has_value()) {
      Result<ColumnMapping> parsed = ColumnMappingFromJson(saved->mapping_json);
      if (!parsed.ok()) {
        return InvalidArgument("the saved mapping '" + request.mapping_name +
                               "' cannot be used: " + parsed.status().message());
      }
      setup.mapping = std::move(*parsed);
    } else {
      return NotFound("no saved mapping or preset is named '" + request.mapping_name + "'");
    }
    RAPPORT_RETURN_IF_ERROR(transfer::CheckMapping(*setup.mapping, setup.custom_keys));
  }
  return setup;
}

Result<std::unique_ptr<RowReader>> OpenRows(ByteSource& source, const ImportRequest& request,
                                            const ImportSetup& setup) {
  if (request.format == ImportFormat::kNdjson) {
    return std::unique_ptr<RowReader>(std::make_unique<NdjsonRowReader>(source, setup.mapping, setup.custom_keys));
  }
  auto csv = std::make_unique<CsvRowReader>(source, request.delimiter);
  RAPPORT_RETURN_IF_ERROR(csv->Start(setup.mapping, setup.custom_keys, request.key));
  return std::unique_ptr<RowReader>(std::move(csv));
}

// --- Export

std::string RoleNames(domain::RelationshipRoleSet roles, char separator) {
  std::string out;
  for (domain::RelationshipRole role : domain::kAllRelationshipRoles) {
    if ((roles & domain::RoleBit(role)) == 0) continue;
    if (!out.empty()) out.push_back(separator);
    out.append(domain::RelationshipRoleName(role));
  }
  return out;
}

std::string Joined(const std::vector<std::string>& values, char separator) {
  std::string out;
  for (const std::string& value : values) {
    if (!out.empty()) out.push_back(separator);
    out.append(value);
  }
  return out;
}

const CompanyLink* PrimaryCompany(const Contact& contact) {
  for (const CompanyLink& link : contact.companies) {
    if (link.primary) return &link;
  }
  return contact.companies.empty() ? nullptr : &contact.companies.front();
}

// Custom values of a contact by key ("" when absent).
std::vector<std::string> CustomValues(const std::string& custom_json, const std::vector<std::string>& keys) {
  std::vector<std::string> values(keys.size());
  if (keys.empty() || custom_json.size() <= 2) return values;
  rapidjson::Document document;
  document.Parse(custom_json.data(), custom_json.size());
  if (document.HasParseError() || !document.IsObject()) return values;
  for (std::size_t i = 0; i < keys.size(); ++i) {
    const auto member = document.FindMember(keys[i].c_str());
    if (member == document.MemberEnd()) continue;
    if (member->value.IsString()) {
      values[i].assign(member->value.GetString(), member->value.GetStringLength());
    } else if (member->value.IsNumber()) {
      values[i] = member->value.IsInt64() ? std::to_string(member->value.GetInt64())
                                          : std::to_string(member->value.GetDouble());
    }
  }
  return values;
}

class ExportWriter {
 public:
  virtual ~ExportWriter() = default;
  virtual void Header(std::string&) {}
  virtual void Row(const Contact& contact, std::string& out) = 0;
};

class CsvExportWriter : public ExportWriter {
 public:
  explicit CsvExportWriter(std::vector<std::string> custom_keys) : custom_keys_(std::move(custom_keys)) {}
  void Header(std::string& out) override {
    out +=
        "id,first_name,last_name,email,other_emails,phone,other_phones,address_line1,address_line2,city,region,"
        "postal_code,country_code,birthday,gender,locale,time_zone,source,external_id,roles,company,job_title";
    for (const std::string& key : custom_keys_) {
      out.push_back(',');
      transfer::AppendCsvCell(out, "custom." + key);
    }
    out += ",created_at,updated_at\n";
  }
  void Row(const Contact& contact, std::string& out) override {
    const ContactProfile& p = contact.profile;
    auto cell = [&](std::string_view value) {
      transfer::AppendCsvCell(out, value);
      out.push_back(',');
    };
    out += std::to_string(contact.id.value());
    out.push_back(',');
    cell(p.first_name);
    cell(p.last_name);
    cell(p.email);
    cell(Joined(p.other_emails, ';'));
    cell(p.phone);
    cell(Joined(p.other_phones, ';'));
    cell(p.address.line1);
    cell(p.address.line2);
    cell(p.address.city);
    cell(p.address.region);
    cell(p.address.postal_code);
    cell(p.address.country_code);
    cell(p.birthday.value_or(""));
    cell(p.gender.has_value() ? domain::GenderName(*p.gender) : "");
    cell(p.locale);
    cell(p.time_zone);
    cell(p.source);
    cell(p.external_id);
    cell(RoleNames(p.roles, ','));
    const CompanyLink* company = PrimaryCompany(contact);
    cell(company != nullptr ? company->company_name : "");
    cell(company != nullptr ? company->job_title : "");
    for (const std::string& value : CustomValues(p.custom_json, custom_keys_)) cell(value);
    out += FormatRfc3339(contact.created_at);
    out.push_back(',');
    out += FormatRfc3339(contact.updated_at);
    out.push_back('\n');
  }

 private:
  std::vector<std::string> custom_keys_;
};

class NdjsonExportWriter : public ExportWriter {
 public:
  void Row(const Contact& contact, std::string& out) override {
    const ContactProfile& p = contact.profile;
    auto string_field = [&](std::string_view name, std::string_view value) {
      out.push_back('"');
      out.append(name);
      out.append("\":");
      transfer::AppendJsonString(out, value);
      out.push_back(',');
    };
    auto array_field = [&](std::string_view name, const std::vector<std::string>& values) {
      out.push_back('"');
      out.append(name);
      out.append("\":[");
      for (std::size_t i = 0; i < values.size(); ++i) {
        if (i > 0) out.push_back(',');
        transfer::AppendJsonString(out, values[i]);
      }
      out.append("],");
    };
    out += "{\"id\":" + std::to_string(contact.id.value()) + ",";
    string_field("first_name", p.first_name);
    string_field("last_name", p.last_name);
    string_field("email", p.email);
    array_field("other_emails", p.other_emails);
    string_field("phone", p.phone);
    array_field("other_phones", p.other_phones);
    out += "\"address\":{";
    string_field("line1", p.address.line1);
    string_field("line2", p.address.line2);
    string_field("city", p.address.city);
    string_field("region", p.address.region);
    string_field("postal_code", p.address.postal_code);
    string_field("country_code", p.address.country_code);
    out.back() = '}';
    out.push_back(',');
    if (p.birthday.has_value()) {
      string_field("birthday", *p.birthday);
    } else {
      out += "\"birthday\":null,";
    }
    if (p.gender.has_value()) {
      string_field("gender", domain::GenderName(*p.gender));
    } else {
      out += "\"gender\":null,";
    }
    string_field("locale", p.locale);
    string_field("time_zone", p.time_zone);
    string_field("source", p.source);
    out += "\"owner_id\":" + (p.owner.has_value() ? std::to_string(p.owner->value()) : std::string("null")) + ",";
    string_field("external_id", p.external_id);
    std::vector<std::string> roles;
    for (domain::RelationshipRole role : domain::kAllRelationshipRoles) {
      if ((p.roles & domain::RoleBit(role)) != 0) roles.emplace_back(domain::RelationshipRoleName(role));
    }
    array_field("roles", roles);
    out += "\"custom\":" + (p.custom_json.empty() ? std::string("{}") : p.custom_json) + ",\"companies\":[";
    for (std::size_t i = 0; i < contact.companies.size(); ++i) {
      const CompanyLink& link = contact.companies[i];
      if (i > 0) out.push_back(',');
      out += "{\"company_id\":" + std::to_string(link.company_id.value()) + ",";
      string_field("name", link.company_name);
      string_field("job_title", link.job_title);
      out += std::string("\"primary\":") + (link.primary ? "true" : "false") + "}";
    }
    out += "],\"merged_into\":" +
           (contact.merged_into.has_value() ? std::to_string(contact.merged_into->value()) : std::string("null")) + ",";
    string_field("created_at", FormatRfc3339(contact.created_at));
    string_field("updated_at", FormatRfc3339(contact.updated_at));
    out.back() = '}';
    out.push_back('\n');
  }
};

class VcardExportWriter : public ExportWriter {
 public:
  void Row(const Contact& contact, std::string& out) override {
    using transfer::AppendVcardLine;
    using transfer::VcardEscape;
    const ContactProfile& p = contact.profile;
    AppendVcardLine(out, "BEGIN:VCARD");
    AppendVcardLine(out, "VERSION:4.0");
    AppendVcardLine(out, "UID:urn:rapport:contact:" + std::to_string(contact.id.value()));
    std::string full_name = p.first_name;
    if (!p.last_name.empty()) full_name += (full_name.empty() ? "" : " ") + p.last_name;
    if (full_name.empty()) full_name = !p.email.empty() ? p.email : p.phone;
    AppendVcardLine(out, "FN:" + VcardEscape(full_name));
    AppendVcardLine(out, "N:" + VcardEscape(p.last_name) + ";" + VcardEscape(p.first_name) + ";;;");
    if (!p.email.empty()) AppendVcardLine(out, "EMAIL;PREF=1:" + VcardEscape(p.email));
    for (const std::string& email : p.other_emails) AppendVcardLine(out, "EMAIL:" + VcardEscape(email));
    if (!p.phone.empty()) AppendVcardLine(out, "TEL;VALUE=uri;PREF=1:tel:" + p.phone);
    for (const std::string& phone : p.other_phones) AppendVcardLine(out, "TEL;VALUE=uri:tel:" + phone);
    if (const CompanyLink* company = PrimaryCompany(contact)) {
      AppendVcardLine(out, "ORG:" + VcardEscape(company->company_name));
      if (!company->job_title.empty()) AppendVcardLine(out, "TITLE:" + VcardEscape(company->job_title));
    }
    const PostalAddress& a = p.address;
    if (!(a.line1.empty() && a.line2.empty() && a.city.empty() && a.region.empty() && a.postal_code.empty() &&
          a.country_code.empty())) {
      std::string street = a.line1;
      if (!a.line2.empty()) street += (street.empty() ? "" : "\n") + a.line2;
      AppendVcardLine(out, "ADR:;;" + VcardEscape(street) + ";" + VcardEscape(a.city) + ";" + VcardEscape(a.region) +
                               ";" + VcardEscape(a.postal_code) + ";" + VcardEscape(a.country_code));
    }
    if (p.birthday.has_value()) {
      std::string date = *p.birthday;
      date.erase(std::remove(date.begin(), date.end(), '-'), date.end());
      AppendVcardLine(out, "BDAY:" + date);
    }
    AppendVcardLine(out, "END:VCARD");
  }
};

}  // namespace

// --- Public functions

std::string CsvCell(std::string_view value) {
  std::string out;
  transfer::AppendCsvCell(out, value);
  return out;
}

std::optional<ExportFormat> ParseExportFormat(std::string_view name) {
  if (name == "csv") return ExportFormat::kCsv;
  if (name == "ndjson") return ExportFormat::kNdjson;
  if (name == "vcard") return ExportFormat::kVcard;
  return std::nullopt;
}

std::optional<ImportFormat> ParseImportFormat(std::string_view name) {
  if (name == "csv") return ImportFormat::kCsv;
  if (name == "ndjson") return ImportFormat::kNdjson;
  return std::nullopt;
}

Result<ImportPreview> PreviewImport(ByteSource& source, ImportFormat format, std::optional<char> delimiter, int rows) {
  SniffingSource sniffing(source);
  RAPPORT_RETURN_IF_ERROR(sniffing.Sniff());
  if (std::string problem = EncodingProblem(sniffing.head(), transfer::HeadCheck::kWholeHead); !problem.empty()) {
    return InvalidArgument(std::move(problem));
  }
  ImportPreview preview;
  const std::size_t rows_max = static_cast<std::size_t>(std::clamp(rows, 0, 1'000));
  if (format == ImportFormat::kCsv) {
    transfer::CsvReader reader(sniffing, {.delimiter = delimiter});
    RAPPORT_ASSIGN_OR_RETURN(std::optional<transfer::CsvRecord> header, reader.Next());
    preview.delimiter = reader.delimiter();
    if (!header.has_value()) return InvalidArgument("the file is empty: a CSV import needs a header line");
    if (!header->error.empty()) return InvalidArgument("the header line cannot be read: " + header->error);
    for (std::string_view column : header->fields) preview.columns.emplace_back(column);
    while (preview.rows.size() < rows_max) {
      // A preview body may be cut anywhere: a failing read ends the preview.
      Result<std::optional<transfer::CsvRecord>> record = reader.Next();
      if (!record.ok() || !record->has_value()) break;
      std::vector<std::string> cells;
      for (std::string_view field : (*record)->fields) cells.emplace_back(transfer::RemoveFormulaApostrophe(field));
      preview.rows.push_back(std::move(cells));
    }
  } else {
    transfer::NdjsonReader reader(sniffing);
    std::vector<std::vector<std::pair<std::string, std::string>>> objects;
    while (objects.size() < rows_max) {
      Result<std::optional<transfer::NdjsonRecord>> record = reader.Next();
      if (!record.ok() || !record->has_value()) break;
      std::vector<std::pair<std::string, std::string>> pairs;
      for (const auto& [key, value] : (*record)->pairs) {
        if (std::find(preview.columns.begin(), preview.columns.end(), key) == preview.columns.end() &&
            preview.columns.size() < limits::kImportColumnsMax) {
          preview.columns.emplace_back(key);
        }
        pairs.emplace_back(key, value);
      }
      objects.push_back(std::move(pairs));
    }
    for (const auto& pairs : objects) {
      std::vector<std::string> cells(preview.columns.size());
      for (const auto& [key, value] : pairs) {
        const auto column = std::find(preview.columns.begin(), preview.columns.end(), key);
        if (column != preview.columns.end()) cells[static_cast<std::size_t>(column - preview.columns.begin())] = value;
      }
      preview.rows.push_back(std::move(cells));
    }
  }
  preview.suggested = transfer::SuggestMapping(preview.columns, {});
  return preview;
}

ContactImporter::ContactImporter(Store& store, const Clock& clock) : store_(store), clock_(clock) {}

Result<ImportReport> ContactImporter::Import(const Principal& principal, const Origin& origin, ByteSource& source,
                                             const ImportRequest& request, const ImportHooks& hooks) {
  RAPPORT_RETURN_IF_ERROR(RequireAdmin(principal));
  if (request.batch_rows < 1 || request.batch_rows > limits::kImportBatchRowsMax) {
    return InvalidArgument("batch rows must be between 1 and " + std::to_string(limits::kImportBatchRowsMax));
  }
  RAPPORT_ASSIGN_OR_RETURN(ImportSetup setup, LoadSetup(store_, request));

  SniffingSource sniffing(source);
  RAPPORT_RETURN_IF_ERROR(sniffing.Sniff());
  if (std::string problem = EncodingProblem(sniffing.head(), transfer::HeadCheck::kWholeHead); !problem.empty()) {
    return InvalidArgument(std::move(problem));
  }

  InputRules rules;
  rules.default_calling_code = !request.default_calling_code.empty() ? request.default_calling_code
                               : setup.mapping.has_value()           ? setup.mapping->default_calling_code
                                                                     : std::string();
  rules.custom_fields = setup.custom_fields;
  ImportRun run(principal, origin, request, hooks, clock_.Now(), std::move(rules));

  RAPPORT_ASSIGN_OR_RETURN(std::unique_ptr<RowReader> rows, OpenRows(sniffing, request, setup));
  const bool all_or_nothing = request.commit == CommitMode::kAllOrNothing;
  // Pass 1 of all-or-nothing (and a dry run) reads and checks without writing.
  RAPPORT_RETURN_IF_ERROR(run.Run(store_, *rows, sniffing, request.dry_run || all_or_nothing, nullptr));
  RAPPORT_RETURN_IF_ERROR(run.FlushErrors());
  ImportReport& report = run.report();
  report.dry_run = request.dry_run;
  report.unmapped_columns = rows->UnmappedColumns();
  if (all_or_nothing && !request.dry_run && report.failed == 0) {
    RAPPORT_RETURN_IF_ERROR(sniffing.Rewind());
    run.ResetCounts();
    RAPPORT_ASSIGN_OR_RETURN(rows, OpenRows(sniffing, request, setup));
    RAPPORT_RETURN_IF_ERROR(store_.Write([&](WriteTransaction& transaction) -> Status {
      RAPPORT_RETURN_IF_ERROR(run.Run(store_, *rows, sniffing, false, &transaction));
      if (run.report().failed > 0) {
        return Conflict("contacts changed while the file was imported; nothing was written, run the import again");
      }
      if (!run.audited()) RAPPORT_RETURN_IF_ERROR(run.Audit(transaction));
      return Status();
    }));
    report.committed = true;
  } else if (!all_or_nothing && !request.dry_run) {
    report.committed = report.created + report.updated > 0;
  }
  // A dry run, an all-or-nothing import refused for bad rows, or a file whose
  // last batch was empty: the record of the run is written on its own.
  const bool refused = all_or_nothing && !request.dry_run && report.failed > 0;
  if (!run.audited() && !refused) {
    RAPPORT_RETURN_IF_ERROR(store_.Write([&](WriteTransaction& transaction) { return run.Audit(transaction); }));
  }
  return std::move(report);
}

ContactExporter::ContactExporter(Store& store, const Clock& clock) : store_(store), clock_(clock) {}

Result<ExportReport> ContactExporter::Export(const Principal& principal, const Origin& origin,
                                             const ExportRequest& request, ByteSink& sink,
                                             const std::function<void(std::uint64_t rows)>& on_progress) {
  RAPPORT_RETURN_IF_ERROR(RequireAdmin(principal));
  if (request.rows_max < 0) return InvalidArgument("rows_max must not be negative");
  std::vector<std::string> custom_keys;
  RAPPORT_RETURN_IF_ERROR(store_.Read([&](ReadTransaction& transaction) -> Status {
    RAPPORT_ASSIGN_OR_RETURN(std::vector<CustomFieldDefinition> fields, transaction.Relationships().ListCustomFields());
    for (const CustomFieldDefinition& field : fields) {
      if (field.applies_to == "contact") custom_keys.push_back(field.key);
    }
    return Status();
  }));
  std::unique_ptr<ExportWriter> writer;
  switch (request.format) {
    case ExportFormat::kCsv: writer = std::make_unique<CsvExportWriter>(custom_keys); break;
    case ExportFormat::kNdjson: writer = std::make_unique<NdjsonExportWriter>(); break;
    case ExportFormat::kVcard: writer = std::make_unique<VcardExportWriter>(); break;
  }
  ExportReport report;
  std::string buffer;
  buffer.reserve(std::size_t{1} << 20);
  writer->Header(buffer);
  ContactId after{0};
  std::vector<Contact> page;
  while (true) {
    int limit = kExportPageRows;
    if (request.rows_max > 0) {
      const std::int64_t left = request.rows_max - static_cast<std::int64_t>(report.rows);
      limit = static_cast<int>(std::min<std::int64_t>(limit, left + 1));  // one more tells whether to cut
    }
    RAPPORT_RETURN_IF_ERROR(store_.Read([&](ReadTransaction& transaction) -> Status {
      RAPPORT_ASSIGN_OR_RETURN(page, transaction.Relationships().ScanContacts(request.filter, after, limit));
      return Status();
    }));
    for (const Contact& contact : page) {
      if (request.rows_max > 0 && static_cast<std::int64_t>(report.rows) >= request.rows_max) {
        report.truncated = true;
        break;
      }
      writer->Row(contact, buffer);
      ++report.rows;
    }
    RAPPORT_RETURN_IF_ERROR(sink.Write(buffer));
    buffer.clear();
    if (on_progress) on_progress(report.rows);
    if (report.truncated || static_cast<int>(page.size()) < limit || page.empty()) break;
    after = page.back().id;
  }
  const std::string details = std::string("{\"format\":\"") +
                              (request.format == ExportFormat::kCsv      ? "csv"
                               : request.format == ExportFormat::kNdjson ? "ndjson"
                                                                         : "vcard") +
                              "\",\"rows\":" + std::to_string(report.rows) +
                              ",\"truncated\":" + (report.truncated ? "true" : "false") + "}";
  const Timestamp now = clock_.Now();
  RAPPORT_RETURN_IF_ERROR(store_.Write([&](WriteTransaction& transaction) {
    return AccessService::Record(transaction, principal, origin, now, "contacts.export", "export", 0, details).status();
  }));
  return report;
}

}  // namespace rapport::app

#include "rapport/app/import_mappings.h"

#include <algorithm>

#include "json_builder.h"

#include "rapport/domain/contact_rules.h"

namespace rapport::app {
namespace {

constexpr std::size_t kNameBytesMax = 100;
constexpr std::size_t kColumnsMax = 500;

Status ValidateName(std::string_view name) {
  const bool valid = !name.empty() && name.size() <= kNameBytesMax && std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
           c == '-';
  });
  if (!valid) return InvalidArgument("a mapping name is 1 to 100 of letters, digits, '.', '_' and '-'");
  if (MappingPreset(name)) return InvalidArgument("\"" + std::string(name) + "\" is a built-in preset");
  return Status::Ok();
}

Status ValidateMapping(const ColumnMapping& mapping) {
  if (mapping.columns.empty() || mapping.columns.size() > kColumnsMax) {
    return InvalidArgument("a mapping maps 1 to " + std::to_string(kColumnsMax) + " columns");
  }
  const std::span<const std::string_view> fields = MappableFields();
  for (const auto& [column, field] : mapping.columns) {
    if (column.empty()) return InvalidArgument("a mapped column needs a name");
    const bool custom = field.starts_with("custom.") && domain::IsValidCustomFieldKey(field.substr(7));
    if (!custom && std::find(fields.begin(), fields.end(), field) == fields.end()) {
      return InvalidArgument("column \"" + column + "\" maps to an unknown field \"" + field + "\"");
    }
  }
  return Status::Ok();
}

}  // namespace

ImportMappingService::ImportMappingService(Store& store, const Clock& clock) : store_(store), clock_(clock) {}

Result<std::vector<SavedMapping>> ImportMappingService::List(const Principal& principal) {
  RAPPORT_RETURN_IF_ERROR(AccessService::Authorize(principal, domain::Resource::kRelationships, domain::Action::kRead));
  std::vector<SavedMapping> mappings;
  RAPPORT_RETURN_IF_ERROR(store_.Read([&](ReadTransaction& transaction) -> Status {
    RAPPORT_ASSIGN_OR_RETURN(std::vector<ImportMapping> stored, transaction.Relationships().ListImportMappings());
    for (const ImportMapping& row : stored) {
      RAPPORT_ASSIGN_OR_RETURN(ColumnMapping mapping, ColumnMappingFromJson(row.mapping_json));
      mappings.push_back({.name = row.name, .mapping = std::move(mapping), .updated_at = row.updated_at});
    }
    return Status::Ok();
  }));
  return mappings;
}

Result<SavedMapping> ImportMappingService::Save(const Principal& principal, const Origin& origin, std::string_view name,
                                                const ColumnMapping& mapping) {
  RAPPORT_RETURN_IF_ERROR(
      AccessService::Authorize(principal, domain::Resource::kRelationships, domain::Action::kAdmin));
  RAPPORT_RETURN_IF_ERROR(ValidateName(name));
  RAPPORT_RETURN_IF_ERROR(ValidateMapping(mapping));
  const Timestamp now = clock_.Now();
  RAPPORT_RETURN_IF_ERROR(store_.Write([&](WriteTransaction& transaction) -> Status {
    RAPPORT_ASSIGN_OR_RETURN(ImportMappingId id,
                             transaction.RelationshipsOut().SaveImportMapping(name, ColumnMappingToJson(mapping), now));
    return AccessService::Record(transaction, principal, origin, now, "import_mappings.save", "import_mapping",
                                 id.value(), JsonBuilder().Add("name", name).Take())
        .status();
  }));
  return SavedMapping{.name = std::string(name), .mapping = mapping, .updated_at = now};
}

Status ImportMappingService::Delete(const Principal& principal, const Origin& origin, std::string_view name) {
  RAPPORT_RETURN_IF_ERROR(
      AccessService::Authorize(principal, domain::Resource::kRelationships, domain::Action::kAdmin));
  const Timestamp now = clock_.Now();
  return store_.Write([&](WriteTransaction& transaction) -> Status {
    RAPPORT_RETURN_IF_ERROR(transaction.RelationshipsOut().DeleteImportMapping(name));
    return AccessService::Record(transaction, principal, origin, now, "import_mappings.delete", "import_mapping", 0,
                                 JsonBuilder().Add("name", name).Take())
        .status();
  });
}

}  // namespace rapport::app

// ImportMappingService: saved column mappings for contact imports, so a file
// exported every week from another system is imported the same way each time.
// The built-in presets ("hubspot", "salesforce") are not stored and cannot be
// replaced or deleted.
//
// Permissions: relationships:read to list, relationships:admin to change.
// Thread safety: safe to call from several threads.
#pragma once

#include <string_view>
#include <vector>

#include "rapport/app/access_service.h"
#include "rapport/app/contact_transfer.h"
#include "rapport/app/store.h"
#include "rapport/base/clock.h"

namespace rapport::app {

struct SavedMapping {
  std::string name{};
  ColumnMapping mapping{};
  Timestamp updated_at{};
};

class ImportMappingService {
 public:
  ImportMappingService(Store& store, const Clock& clock);

  Result<std::vector<SavedMapping>> List(const Principal& principal);
  // A name is 1..100 bytes of letters, digits, '.', '_' and '-'; every column
  // maps to a field of MappableFields() or custom.<key>.
  Result<SavedMapping> Save(const Principal& principal, const Origin& origin, std::string_view name,
                            const ColumnMapping& mapping);
  Status Delete(const Principal& principal, const Origin& origin, std::string_view name);

 private:
  Store& store_;
  const Clock& clock_;
};

}  // namespace rapport::app

#include "rapport/app/relationships.h"

namespace rapport::app {

std::string_view ContactKeyName(ContactKey key) {
  switch (key) {
    case ContactKey::kEmail: return "email";
    case ContactKey::kPhone: return "phone";
    case ContactKey::kExternalId: return "external_id";
  }
  return "unknown";
}

std::optional<ContactKey> ParseContactKey(std::string_view name) {
  for (ContactKey key : {ContactKey::kEmail, ContactKey::kPhone, ContactKey::kExternalId}) {
    if (ContactKeyName(key) == name) return key;
  }
  return std::nullopt;
}

std::string_view DuplicateStatusName(DuplicateStatus status) {
  switch (status) {
    case DuplicateStatus::kOpen: return "open";
    case DuplicateStatus::kMerged: return "merged";
    case DuplicateStatus::kDismissed: return "dismissed";
  }
  return "unknown";
}

std::optional<DuplicateStatus> ParseDuplicateStatus(std::string_view name) {
  for (DuplicateStatus status : {DuplicateStatus::kOpen, DuplicateStatus::kMerged, DuplicateStatus::kDismissed}) {
    if (DuplicateStatusName(status) == name) return status;
  }
  return std::nullopt;
}

}  // namespace rapport::app

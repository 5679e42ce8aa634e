// What the client-card use cases share: the permission check on
// relationships, page-size limits, the live (unmerged) contact, the event and
// audit record of a change, and the views duplicate detection compares.
//
// Thread safety: free functions; the transaction ones run inside a body.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "rapport/app/access_service.h"
#include "rapport/app/relationships.h"
#include "rapport/app/store.h"
#include "rapport/base/limits.h"
#include "rapport/domain/access.h"
#include "rapport/domain/duplicates.h"

namespace rapport::app {

// kPermissionDenied unless the principal may perform `action` on relationships.
Status RequireRelationships(const Principal& principal, domain::Action action);

// kInvalidArgument unless 1 ≤ limit ≤ limits::kPageSizeMax.
Status ValidatePageLimit(int limit, int limit_max = limits::kPageSizeMax);

// Cuts items read with limit + 1 rows down to `limit`; returns the id of the
// last item kept when more remain (the next page's cursor), else nullopt.
template <typename Item>
auto TrimToPage(std::vector<Item>& items, int limit) -> std::optional<decltype(items.back().id)> {
  if (items.size() <= static_cast<std::size_t>(limit)) return std::nullopt;
  items.resize(static_cast<std::size_t>(limit));
  return items.back().id;
}

// The contact, or kNotFound; kFailedPrecondition naming the survivor when it was merged.
Result<Contact> LiveContact(RelationshipsReader& relationships, ContactId id);

// The names of the contact's companies, for its search document.
std::vector<std::string> CompanyNames(const Contact& contact);

// Rebuilds a contact's search document and sort name from what is stored
// (after its company links changed).
Status ReindexContact(WriteTransaction& transaction, ContactId id, Timestamp now);

// Appends the event of a change about a subject and its audit record, in the
// change's transaction, with the same payload.
Status RecordChange(WriteTransaction& transaction, const Principal& principal, const Origin& origin, Timestamp now,
                    std::string_view event_kind, std::string_view audit_action, std::string_view subject_type,
                    std::int64_t subject_id, const std::string& payload_json);

// What duplicate detection knows of a contact, and the view the rules compare.
DuplicateProbe ProbeOf(const Contact& contact);
domain::DuplicateView ViewOf(const DuplicateProbe& probe);

}  // namespace rapport::app

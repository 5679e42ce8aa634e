// DuplicateService: finding client cards that describe the same person and
// merging them. Detection (domain/duplicates.h) runs when a contact is created
// and over all contacts on demand; candidates wait in a review queue. A merge
// keeps one card (the survivor), takes each profile field from the card a
// person chose, moves every related row (notes, tasks, consents, purchases,
// company links, interests) to the survivor and marks the other card merged.
// Everything a merge changed is recorded, so it can be undone exactly: the
// rows move back, both profiles are restored, the candidate pair reopens.
//
// Permissions: relationships:read to list; relationships:write to scan and
// dismiss; relationships:admin to merge and undo.
//
// Thread safety: safe to call from several threads.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "rapport/app/access_service.h"
#include "rapport/app/card_details.h"
#include "rapport/app/relationships.h"
#include "rapport/app/store.h"
#include "rapport/base/clock.h"

namespace rapport::app {

// Which card's value a merged field keeps.
enum class MergeSide : std::uint8_t { kSurvivor, kOther };

// The profile fields a person may choose between: first_name, last_name,
// email, phone, address, birthday, gender, locale, time_zone, source,
// owner_id, external_id. Unlisted fields keep the survivor's value unless it
// is empty. Further e-mails and phones, roles and custom values are united.
std::span<const std::string_view> MergeableFields();

struct MergeRequest {
  ContactId survivor{};
  ContactId other{};
  std::map<std::string, MergeSide> fields{};
};

struct MergeResult {
  MergeRecord merge{};
  Contact survivor{};
};

struct DuplicatePair {
  DuplicateCandidate candidate{};
  Contact first{};
  Contact second{};
};

struct DuplicateScanReport {
  std::int64_t scanned = 0;
  std::int64_t candidates = 0;  // pairs recorded or refreshed
};

class DuplicateService {
 public:
  DuplicateService(Store& store, const Clock& clock);

  // Scans unmerged contacts with id > after, at most `contacts_max` (0 = all).
  Result<DuplicateScanReport> Scan(const Principal& principal, const Origin& origin, std::int64_t contacts_max = 0,
                                   const std::function<void(std::int64_t scanned)>& on_progress = {});
  // Pairs with their cards, highest score first; keyset (score, id).
  Result<std::vector<DuplicatePair>> List(const Principal& principal, DuplicateStatus status,
                                          std::optional<std::pair<int, DuplicateId>> after, int limit);
  Result<DuplicateCandidate> Dismiss(const Principal& principal, const Origin& origin, DuplicateId id);

  // kInvalidArgument for an unknown field name, kFailedPrecondition when a
  // card is already merged or both are the same, kNotFound for a missing one.
  Result<MergeResult> Merge(const Principal& principal, const Origin& origin, const MergeRequest& request);
  // kFailedPrecondition when it was undone already or a later merge into the
  // same survivor is still in place (undo that one first).
  Result<MergeResult> Undo(const Principal& principal, const Origin& origin, MergeId id);
  Result<std::vector<MergeRecord>> MergesInto(const Principal& principal, ContactId survivor);

 private:
  Store& store_;
  const Clock& clock_;
};

}  // namespace rapport::app

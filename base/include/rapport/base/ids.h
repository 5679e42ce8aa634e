// The identifier types of the product. Each concept that has rows of its own
// gets its own id type; see strong_id.h.
#pragma once

#include "rapport/base/strong_id.h"

namespace rapport {

using ContactId = StrongId<struct ContactTag>;
using CompanyId = StrongId<struct CompanyTag>;
using PurchaseId = StrongId<struct PurchaseTag>;
using UserId = StrongId<struct UserTag>;
using JobId = StrongId<struct JobTag>;
using SessionId = StrongId<struct SessionTag>;
using ApiTokenId = StrongId<struct ApiTokenTag>;
using NoteId = StrongId<struct NoteTag>;
using TaskId = StrongId<struct TaskTag>;
using InterestCategoryId = StrongId<struct InterestCategoryTag>;
using InterestId = StrongId<struct InterestTag>;
using CustomFieldId = StrongId<struct CustomFieldTag>;
using DuplicateId = StrongId<struct DuplicateTag>;
using MergeId = StrongId<struct MergeTag>;
using ImportMappingId = StrongId<struct ImportMappingTag>;

// The position of an event in the append-only event log. Sequences grow in
// commit order as seen by consumers (see app/event_log.h).
using EventSequence = StrongId<struct EventSequenceTag>;

}  // namespace rapport

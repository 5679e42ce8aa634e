#include "rapport/app/duplicate_service.h"

#include <simdjson.h>

#include <algorithm>
#include <array>
#include <utility>

#include "json_builder.h"
#include "loyalty_support.h"
#include "profile_json.h"
#include "purchase_extras.h"
#include "relationship_support.h"

#include "rapport/app/contact_input.h"
#include "rapport/base/limits.h"
#include "rapport/domain/contact_rules.h"
#include "rapport/domain/duplicates.h"

namespace rapport::app {
namespace {

using domain::Action;

constexpr int kScanPage = 500;
constexpr int kNeighboursMax = 20;

constexpr std::array<std::string_view, 12> kMergeableFields = {"first_name", "last_name", "email",    "phone",
                                                               "address",    "birthday",  "gender",   "locale",
                                                               "time_zone",  "source",    "owner_id", "external_id"};

// Appends `extra` to `values` without repeats and without `primary`, bounded.
void Unite(std::vector<std::string>& values, const std::vector<std::string>& extra, const std::string& primary,
           std::size_t count_max) {
  for (const std::string& value : extra) {
    if (value.empty() || value == primary) continue;
    if (std::find(values.begin(), values.end(), value) != values.end()) continue;
    if (values.size() >= count_max) break;
    values.push_back(value);
  }
  std::erase(values, primary);
}

bool IsEmptyField(const ContactProfile& profile, std::string_view field) {
  if (field == "first_name") return profile.first_name.empty();
  if (field == "last_name") return profile.last_name.empty();
  if (field == "email") return profile.email.empty();
  if (field == "phone") return profile.phone.empty();
  if (field == "address") return profile.address == PostalAddress{};
  if (field == "birthday") return !profile.birthday;
  if (field == "gender") return !profile.gender;
  if (field == "locale") return profile.locale.empty();
  if (field == "time_zone") return profile.time_zone.empty();
  if (field == "source") return profile.source.empty();
  if (field == "owner_id") return !profile.owner;
  return profile.external_id.empty();
}

void TakeField(ContactProfile& target, const ContactProfile& from, std::string_view field) {
  if (field == "first_name")
    target.first_name = from.first_name;
  else if (field == "last_name")
    target.last_name = from.last_name;
  else if (field == "email")
    target.email = from.email;
  else if (field == "phone")
    target.phone = from.phone;
  else if (field == "address")
    target.address = from.address;
  else if (field == "birthday")
    target.birthday = from.birthday;
  else if (field == "gender")
    target.gender = from.gender;
  else if (field == "locale")
    target.locale = from.locale;
  else if (field == "time_zone")
    target.time_zone = from.time_zone;
  else if (field == "source")
    target.source = from.source;
  else if (field == "owner_id")
    target.owner = from.owner;
  else
    target.external_id = from.external_id;
}

// The survivor's profile after the merge, per the person's choices.
Result<ContactProfile> MergedProfile(const ContactProfile& survivor, const ContactProfile& other,
                                     const std::map<std::string, MergeSide>& choices) {
  ContactProfile merged = survivor;
  for (std::string_view field : kMergeableFields) {
    auto chosen = choices.find(std::string(field));
    const MergeSide side = chosen != choices.end()         ? chosen->second
                           : IsEmptyField(survivor, field) ? MergeSide::kOther
                                                           : MergeSide::kSurvivor;
    if (side == MergeSide::kOther) TakeField(merged, other, field);
  }
  std::vector<std::string> emails = survivor.other_emails;
  Unite(emails, {survivor.email, other.email}, merged.email, limits::kOtherEmailsMax);
  Unite(emails, other.other_emails, merged.email, limits::kOtherEmailsMax);
  merged.other_emails = std::move(emails);
  std::vector<std::string> phones = survivor.other_phones;
  Unite(phones, {survivor.phone, other.phone}, merged.phone, limits::kOtherPhonesMax);
  Unite(phones, other.other_phones, merged.phone, limits::kOtherPhonesMax);
  merged.other_phones = std::move(phones);
  merged.roles |= other.roles;
  RAPPORT_ASSIGN_OR_RETURN(auto custom, ParseCustomJson(survivor.custom_json));
  RAPPORT_ASSIGN_OR_RETURN(auto other_custom, ParseCustomJson(other.custom_json));
  custom.merge(other_custom);  // the survivor's value wins where both have one
  merged.custom_json = CustomJson(custom);
  return merged;
}

std::string BeforeJson(const ContactProfile& survivor, const ContactProfile& other) {
  return JsonBuilder().AddRaw("survivor", ProfileToJson(survivor)).AddRaw("other", ProfileToJson(other)).Take();
}

Status ParseBefore(std::string_view json, ContactProfile& survivor, ContactProfile& other) {
  simdjson::dom::parser parser;
  simdjson::dom::element document;
  simdjson::dom::element survivor_element;
  simdjson::dom::element other_element;
  if (parser.parse(json.data(), json.size()).get(document) || document["survivor"].get(survivor_element) ||
      document["other"].get(other_element)) {
    return DataLoss("a stored merge record lacks a profile");
  }
  RAPPORT_ASSIGN_OR_RETURN(survivor, ProfileFromJson(simdjson::minify(survivor_element)));
  RAPPORT_ASSIGN_OR_RETURN(other, ProfileFromJson(simdjson::minify(other_element)));
  return Status::Ok();
}

Status RecordBoth(WriteTransaction& transaction, const Principal& principal, const Origin& origin, Timestamp now,
                  std::string_view audit_action, std::string_view survivor_kind, ContactId survivor,
                  std::string_view other_kind, ContactId other, const std::string& payload) {
  for (const auto& [kind, id] : {std::pair{survivor_kind, survivor}, std::pair{other_kind, other}}) {
    RAPPORT_RETURN_IF_ERROR(transaction.EventsOut()
                                .Append(NewEvent{.kind = std::string(kind),
                                                 .subject_type = "contact",
                                                 .subject_id = id.value(),
                                                 .occurred_at = now,
                                                 .actor = principal.Actor(),
                                                 .payload_json = payload})
                                .status());
  }
  return AccessService::Record(transaction, principal, origin, now, audit_action, "contact", survivor.value(), payload)
      .status();
}

// The pair's id in the review queue (recorded now if detection never saw it).
Result<DuplicateId> PairOf(WriteTransaction& transaction, const Contact& a, const Contact& b, Timestamp now) {
  const domain::DuplicateScore score = domain::ScoreDuplicate(ViewOf(ProbeOf(a)), ViewOf(ProbeOf(b)));
  const auto [first, second] = std::minmax(a.id, b.id);
  return transaction.RelationshipsOut().UpsertDuplicate(DuplicateCandidate{
      .first = first, .second = second, .score = score.score, .rules = score.rules, .found_at = now});
}

}  // namespace

std::span<const std::string_view> MergeableFields() { return kMergeableFields; }

DuplicateService::DuplicateService(Store& store, const Clock& clock) : store_(store), clock_(clock) {}

Result<DuplicateScanReport> DuplicateService::Scan(const Principal& principal, const Origin& origin,
                                                   std::int64_t contacts_max,
                                                   const std::function<void(std::int64_t scanned)>& on_progress) {
  RAPPORT_RETURN_IF_ERROR(RequireRelationships(principal, Action::kWrite));
  if (contacts_max < 0) return InvalidArgument("the number of contacts to scan cannot be negative");
  DuplicateScanReport report;
  ContactId after(0);
  for (bool more = true; more;) {
    const Timestamp now = clock_.Now();
    RAPPORT_RETURN_IF_ERROR(store_.Write([&](WriteTransaction& transaction) -> Status {
      RelationshipsReader& in = transaction.Relationships();
      int page = kScanPage;
      if (contacts_max > 0) page = static_cast<int>(std::min<std::int64_t>(page, contacts_max - report.scanned));
      RAPPORT_ASSIGN_OR_RETURN(std::vector<DuplicateProbe> probes, in.ScanProbes(after, page));
      more = std::ssize(probes) == page && (contacts_max == 0 || report.scanned + page < contacts_max);
      for (const DuplicateProbe& probe : probes) {
        RAPPORT_ASSIGN_OR_RETURN(std::vector<DuplicateProbe> neighbours, in.DuplicateNeighbours(probe, kNeighboursMax));
        for (const DuplicateProbe& neighbour : neighbours) {
          if (neighbour.id <= probe.id) continue;  // the pair was seen from the other side
          const domain::DuplicateScore score = domain::ScoreDuplicate(ViewOf(probe), ViewOf(neighbour));
          if (score.score < limits::kDuplicateScoreMin) continue;
          RAPPORT_RETURN_IF_ERROR(transaction.RelationshipsOut()
                                      .UpsertDuplicate(DuplicateCandidate{.first = probe.id,
                                                                          .second = neighbour.id,
                                                                          .score = score.score,
                                                                          .rules = score.rules,
                                                                          .found_at = now})
                                      .status());
          ++report.candidates;
        }
        after = probe.id;
        ++report.scanned;
      }
      return Status::Ok();
    }));
    if (on_progress) on_progress(report.scanned);
  }
  const Timestamp now = clock_.Now();
  RAPPORT_RETURN_IF_ERROR(store_.Write([&](WriteTransaction& transaction) -> Status {
    return AccessService::Record(
               transaction, principal, origin, now, "duplicates.scan", "duplicates", 0,
               JsonBuilder().Add("scanned", report.scanned).Add("candidates", report.candidates).Take())
        .status();
  }));
  return report;
}

Result<std::vector<DuplicatePair>> DuplicateService::List(const Principal& principal, DuplicateStatus status,
                                                          std::optional<std::pair<int, DuplicateId>> after, int limit) {
  RAPPORT_RETURN_IF_ERROR(RequireRelationships(principal, Action::kRead));
  RAPPORT_RETURN_IF_ERROR(ValidatePageLimit(limit));
  std::vector<DuplicatePair> pairs;
  RAPPORT_RETURN_IF_ERROR(store_.Read([&](ReadTransaction& transaction) -> Status {
    RelationshipsReader& in = transaction.Relationships();
    RAPPORT_ASSIGN_OR_RETURN(std::vector<DuplicateCandidate> candidates, in.ListDuplicates(status, after, limit));
    std::vector<ContactId> ids;
    for (const DuplicateCandidate& candidate : candidates) {
      ids.push_back(candidate.first);
      ids.push_back(candidate.second);
    }
    RAPPORT_ASSIGN_OR_RETURN(std::vector<Contact> contacts, in.GetContacts(ids));
    auto find = [&](ContactId id) -> const Contact* {
      for (const Contact& contact : contacts) {
        if (contact.id == id) return &contact;
      }
      return nullptr;
    };
    for (DuplicateCandidate& candidate : candidates) {
      const Contact* first = find(candidate.first);
      const Contact* second = find(candidate.second);
      if (first == nullptr || second == nullptr) continue;  // deleted since
      pairs.push_back(DuplicatePair{.candidate = std::move(candidate), .first = *first, .second = *second});
    }
    return Status::Ok();
  }));
  return pairs;
}

Result<DuplicateCandidate> DuplicateService::Dismiss(const Principal& principal, const Origin& origin, DuplicateId id) {
  RAPPORT_RETURN_IF_ERROR(RequireRelationships(principal, Action::kWrite));
  const Timestamp now = clock_.Now();
  std::optional<DuplicateCandidate> candidate;
  RAPPORT_RETURN_IF_ERROR(store_.Write([&](WriteTransaction& transaction) -> Status {
    RAPPORT_ASSIGN_OR_RETURN(candidate, transaction.Relationships().GetDuplicate(id));
    if (!candidate) return NotFound("no duplicate candidate " + std::to_string(id.value()));
    if (candidate->status != DuplicateStatus::kOpen) {
      return FailedPrecondition("the pair was already " + std::string(DuplicateStatusName(candidate->status)));
    }
    RAPPORT_RETURN_IF_ERROR(transaction.RelationshipsOut().DecideDuplicate(id, DuplicateStatus::kDismissed, now));
    candidate->status = DuplicateStatus::kDismissed;
    candidate->decided_at = now;
    return AccessService::Record(
               transaction, principal, origin, now, "duplicates.dismiss", "duplicate", id.value(),
               JsonBuilder().Add("first", candidate->first.value()).Add("second", candidate->second.value()).Take())
        .status();
  }));
  return std::move(*candidate);
}

Result<MergeResult> DuplicateService::Merge(const Principal& principal, const Origin& origin,
                                            const MergeRequest& request) {
  RAPPORT_RETURN_IF_ERROR(RequireRelationships(principal, Action::kAdmin));
  for (const auto& [field, side] : request.fields) {
    if (std::find(kMergeableFields.begin(), kMergeableFields.end(), field) == kMergeableFields.end()) {
      return InvalidArgument("cannot choose field " + field + " in a merge");
    }
  }
  if (request.survivor == request.other) return FailedPrecondition("a contact cannot be merged into itself");
  const Timestamp now = clock_.Now();
  MergeResult result;
  RAPPORT_RETURN_IF_ERROR(store_.Write([&](WriteTransaction& transaction) -> Status {
    RelationshipsReader& in = transaction.Relationships();
    RelationshipsWriter& out = transaction.RelationshipsOut();
    RAPPORT_ASSIGN_OR_RETURN(Contact survivor, LiveContact(in, request.survivor));
    RAPPORT_ASSIGN_OR_RETURN(Contact other, LiveContact(in, request.other));
    RAPPORT_ASSIGN_OR_RETURN(ContactProfile merged, MergedProfile(survivor.profile, other.profile, request.fields));
    RAPPORT_ASSIGN_OR_RETURN(DuplicateId pair, PairOf(transaction, survivor, other, now));

    RAPPORT_ASSIGN_OR_RETURN(MovedRows moved, transaction.CardDetailsOut().MoveContactRows(other.id, survivor.id));
    // The merged card's points follow its purchases to the survivor.
    RAPPORT_ASSIGN_OR_RETURN(const std::vector<Lot> open_lots, transaction.Loyalty().ListOpenLots(other.id));
    RAPPORT_ASSIGN_OR_RETURN(moved.point_lots,
                             TransferOpenLots(transaction, other.id, survivor.id, open_lots, now, principal.Actor(),
                                              "merged from contact " + std::to_string(other.id.value())));
    {
      RAPPORT_ASSIGN_OR_RETURN(const RulesView rules, LoadRules(transaction.Loyalty()));
      RAPPORT_ASSIGN_OR_RETURN(const date::time_zone* zone, LocateZone(rules.rules.time_zone));
      RAPPORT_RETURN_IF_ERROR(
          ReviewTierAfterMerge(transaction, rules.rules, *zone, survivor.id, other.id, now, principal.Actor()));
    }
    // An external id is unique: the merged card gives it up when the survivor takes it.
    ContactProfile other_after = other.profile;
    if (!merged.external_id.empty() && merged.external_id == other.profile.external_id) other_after.external_id.clear();
    RAPPORT_ASSIGN_OR_RETURN(Contact other_now, [&]() -> Result<Contact> {
      RAPPORT_ASSIGN_OR_RETURN(std::optional<Contact> contact, in.GetContact(other.id));
      return std::move(*contact);
    }());
    const std::pair<ContactId, ContactRecord> other_record[] = {
        {other.id, MakeContactRecord(other_after, CompanyNames(other_now))}};
    RAPPORT_RETURN_IF_ERROR(out.UpdateContacts(other_record, now));
    RAPPORT_RETURN_IF_ERROR(out.SetMergedInto(other.id, survivor.id, now));
    RAPPORT_ASSIGN_OR_RETURN(Contact survivor_now, LiveContact(in, survivor.id));
    const std::pair<ContactId, ContactRecord> survivor_record[] = {
        {survivor.id, MakeContactRecord(merged, CompanyNames(survivor_now))}};
    RAPPORT_RETURN_IF_ERROR(out.UpdateContacts(survivor_record, now));

    result.merge = MergeRecord{.survivor = survivor.id,
                               .merged = other.id,
                               .survivor_before_json = BeforeJson(survivor.profile, other.profile),
                               .moved_json = MovedRowsToJson(moved),
                               .actor = principal.Actor(),
                               .merged_at = now};
    RAPPORT_ASSIGN_OR_RETURN(result.merge.id, transaction.CardDetailsOut().InsertMerge(result.merge));
    RAPPORT_RETURN_IF_ERROR(out.DecideDuplicate(pair, DuplicateStatus::kMerged, now));
    const std::int64_t moved_count = static_cast<std::int64_t>(
        moved.notes.size() + moved.tasks.size() + moved.consents.size() + moved.purchases.size() +
        moved.coupons.size() + moved.coupon_uses.size() + moved.referrals_made.size() + moved.referral_of.size() +
        moved.company_links.size() + moved.interests.size());
    RAPPORT_RETURN_IF_ERROR(RecordBoth(transaction, principal, origin, now, "contacts.merge", "contacts_merged",
                                       survivor.id, "contact_merged_into", other.id,
                                       JsonBuilder()
                                           .Add("merge_id", result.merge.id.value())
                                           .Add("survivor_id", survivor.id.value())
                                           .Add("merged_id", other.id.value())
                                           .Add("moved_rows", moved_count)
                                           .Take()));
    RAPPORT_ASSIGN_OR_RETURN(result.survivor, LiveContact(in, survivor.id));
    return Status::Ok();
  }));
  return result;
}

Result<MergeResult> DuplicateService::Undo(const Principal& principal, const Origin& origin, MergeId id) {
  RAPPORT_RETURN_IF_ERROR(RequireRelationships(principal, Action::kAdmin));
  const Timestamp now = clock_.Now();
  MergeResult result;
  RAPPORT_RETURN_IF_ERROR(store_.Write([&](WriteTransaction& transaction) -> Status {
    RelationshipsReader& in = transaction.Relationships();
    RelationshipsWriter& out = transaction.RelationshipsOut();
    CardDetailsReader& details = transaction.CardDetails();
    RAPPORT_ASSIGN_OR_RETURN(std::optional<MergeRecord> merge, details.GetMerge(id));
    if (!merge) return NotFound("no merge " + std::to_string(id.value()));
    if (merge->undone_at) return FailedPrecondition("merge " + std::to_string(id.value()) + " was undone already");
    RAPPORT_ASSIGN_OR_RETURN(std::vector<MergeRecord> later, details.MergesInto(merge->survivor));
    for (const MergeRecord& other : later) {
      if (other.id > merge->id && !other.undone_at) {
        return FailedPrecondition("merge " + std::to_string(other.id.value()) +
                                  " into the same contact came later; undo it first");
      }
    }
    ContactProfile survivor_before;
    ContactProfile other_before;
    RAPPORT_RETURN_IF_ERROR(ParseBefore(merge->survivor_before_json, survivor_before, other_before));
    RAPPORT_ASSIGN_OR_RETURN(MovedRows moved, MovedRowsFromJson(merge->moved_json));

    RAPPORT_RETURN_IF_ERROR(transaction.CardDetailsOut().RestoreContactRows(moved, merge->survivor, merge->merged));
    // What remains of the points the merge carried over goes back.
    if (!moved.point_lots.empty()) {
      RAPPORT_ASSIGN_OR_RETURN(const std::vector<Lot> survivor_lots,
                               transaction.Loyalty().ListOpenLots(merge->survivor));
      std::vector<Lot> carried;
      for (const Lot& lot : survivor_lots) {
        if (std::find(moved.point_lots.begin(), moved.point_lots.end(), lot.id) != moved.point_lots.end()) {
          carried.push_back(lot);
        }
      }
      RAPPORT_RETURN_IF_ERROR(TransferOpenLots(transaction, merge->survivor, merge->merged, carried, now,
                                               principal.Actor(), "merge " + std::to_string(id.value()) + " undone")
                                  .status());
    }
    RAPPORT_RETURN_IF_ERROR(out.SetMergedInto(merge->merged, std::nullopt, now));
    // The survivor first: it gives back an external id the other card held.
    RAPPORT_ASSIGN_OR_RETURN(Contact survivor, LiveContact(in, merge->survivor));
    const std::pair<ContactId, ContactRecord> survivor_record[] = {
        {survivor.id, MakeContactRecord(survivor_before, CompanyNames(survivor))}};
    RAPPORT_RETURN_IF_ERROR(out.UpdateContacts(survivor_record, now));
    RAPPORT_ASSIGN_OR_RETURN(Contact other, LiveContact(in, merge->merged));
    const std::pair<ContactId, ContactRecord> other_record[] = {
        {other.id, MakeContactRecord(other_before, CompanyNames(other))}};
    RAPPORT_RETURN_IF_ERROR(out.UpdateContacts(other_record, now));
    RAPPORT_RETURN_IF_ERROR(transaction.CardDetailsOut().MarkMergeUndone(id, now));
    RAPPORT_ASSIGN_OR_RETURN(DuplicateId pair, PairOf(transaction, survivor, other, now));
    RAPPORT_RETURN_IF_ERROR(out.DecideDuplicate(pair, DuplicateStatus::kOpen, now));
    RAPPORT_RETURN_IF_ERROR(RecordBoth(transaction, principal, origin, now, "contacts.merge_undo", "merge_undone",
                                       survivor.id, "merge_undone", other.id,
                                       JsonBuilder()
                                           .Add("merge_id", id.value())
                                           .Add("survivor_id", survivor.id.value())
                                           .Add("merged_id", other.id.value())
                                           .Take()));
    merge->undone_at = now;
    result.merge = std::move(*merge);
    RAPPORT_ASSIGN_OR_RETURN(result.survivor, LiveContact(in, survivor.id));
    return Status::Ok();
  }));
  return result;
}

Result<std::vector<MergeRecord>> DuplicateService::MergesInto(const Principal& principal, ContactId survivor) {
  RAPPORT_RETURN_IF_ERROR(RequireRelationships(principal, Action::kRead));
  std::vector<MergeRecord> merges;
  RAPPORT_RETURN_IF_ERROR(store_.Read([&](ReadTransaction& transaction) -> Status {
    RAPPORT_ASSIGN_OR_RETURN(merges, transaction.CardDetails().MergesInto(survivor));
    return Status::Ok();
  }));
  return merges;
}

}  // namespace rapport::app

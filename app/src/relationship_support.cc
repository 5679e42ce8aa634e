#include "relationship_support.h"

#include "rapport/app/contact_input.h"
#include "rapport/base/limits.h"
#include "rapport/domain/contact_rules.h"

namespace rapport::app {

Status RequireRelationships(const Principal& principal, domain::Action action) {
  return AccessService::Authorize(principal, domain::Resource::kRelationships, action);
}

Status ValidatePageLimit(int limit, int limit_max) {
  if (limit < 1 || limit > limit_max) {
    return InvalidArgument("limit must be between 1 and " + std::to_string(limit_max));
  }
  return Status::Ok();
}

Result<Contact> LiveContact(RelationshipsReader& relationships, ContactId id) {
  RAPPORT_ASSIGN_OR_RETURN(std::optional<Contact> contact, relationships.GetContact(id));
  if (!contact) return NotFound("no contact " + std::to_string(id.value()));
  if (contact->merged_into) {
    return FailedPrecondition("contact " + std::to_string(id.value()) + " was merged into contact " +
                              std::to_string(contact->merged_into->value()));
  }
  return std::move(*contact);
}

std::vector<std::string> CompanyNames(const Contact& contact) {
  std::vector<std::string> names;
  names.reserve(contact.companies.size());
  for (const CompanyLink& link : contact.companies) names.push_back(link.company_name);
  return names;
}

Status ReindexContact(WriteTransaction& transaction, ContactId id, Timestamp now) {
  RAPPORT_ASSIGN_OR_RETURN(std::optional<Contact> contact, transaction.Relationships().GetContact(id));
  if (!contact) return NotFound("no contact " + std::to_string(id.value()));
  const std::pair<ContactId, ContactRecord> records[] = {
      {id, MakeContactRecord(contact->profile, CompanyNames(*contact))}};
  return transaction.RelationshipsOut().UpdateContacts(records, now);
}

Status RecordChange(WriteTransaction& transaction, const Principal& principal, const Origin& origin, Timestamp now,
                    std::string_view event_kind, std::string_view audit_action, std::string_view subject_type,
                    std::int64_t subject_id, const std::string& payload_json) {
  RAPPORT_RETURN_IF_ERROR(transaction.EventsOut()
                              .Append(NewEvent{.kind = std::string(event_kind),
                                               .subject_type = std::string(subject_type),
                                               .subject_id = subject_id,
                                               .occurred_at = now,
                                               .actor = principal.Actor(),
                                               .payload_json = payload_json})
                              .status());
  return AccessService::Record(transaction, principal, origin, now, audit_action, subject_type, subject_id,
                               payload_json)
      .status();
}

DuplicateProbe ProbeOf(const Contact& contact) {
  DuplicateProbe probe{.id = contact.id,
                       .sort_name = domain::SortName(contact.profile.first_name, contact.profile.last_name),
                       .birthday = contact.profile.birthday};
  if (!contact.profile.email.empty()) probe.emails.push_back(contact.profile.email);
  probe.emails.insert(probe.emails.end(), contact.profile.other_emails.begin(), contact.profile.other_emails.end());
  if (!contact.profile.phone.empty()) probe.phones.push_back(contact.profile.phone);
  probe.phones.insert(probe.phones.end(), contact.profile.other_phones.begin(), contact.profile.other_phones.end());
  for (const CompanyLink& link : contact.companies) probe.company_ids.push_back(link.company_id.value());
  return probe;
}

domain::DuplicateView ViewOf(const DuplicateProbe& probe) {
  return domain::DuplicateView{.emails = probe.emails,
                               .phones = probe.phones,
                               .sort_name = probe.sort_name,
                               .birthday = probe.birthday,
                               .company_ids = probe.company_ids};
}

}  // namespace rapport::app

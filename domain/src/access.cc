// The permission table and the names of roles, resources and actions.
//
// The table below is the only place that grants access. It lists grants, never
// denials: whatever is absent is refused. The static_asserts at the end pin the
// rules the rest of the product relies on, so breaking one fails the build.
#include "rapport/domain/access.h"

#include <algorithm>

namespace rapport::domain {
namespace {

struct Grant {
  Role role;
  Resource resource;
  Action action;
};

// Admin is not listed: it holds every permission (see IsAllowedIn).
// kAdmin on a customer-facing resource means configure, delete and bulk export.
constexpr Grant kGrants[] = {
    // Manager: all customer-facing work; may see, not change, system and users.
    {Role::kManager, Resource::kSystem, Action::kRead},
    {Role::kManager, Resource::kRelationships, Action::kRead},
    {Role::kManager, Resource::kRelationships, Action::kWrite},
    {Role::kManager, Resource::kRelationships, Action::kAdmin},
    {Role::kManager, Resource::kLoyalty, Action::kRead},
    {Role::kManager, Resource::kLoyalty, Action::kWrite},
    {Role::kManager, Resource::kLoyalty, Action::kAdmin},
    {Role::kManager, Resource::kSurveys, Action::kRead},
    {Role::kManager, Resource::kSurveys, Action::kWrite},
    {Role::kManager, Resource::kSurveys, Action::kAdmin},
    {Role::kManager, Resource::kCampaigns, Action::kRead},
    {Role::kManager, Resource::kCampaigns, Action::kWrite},
    {Role::kManager, Resource::kCampaigns, Action::kAdmin},
    {Role::kManager, Resource::kSupport, Action::kRead},
    {Role::kManager, Resource::kSupport, Action::kWrite},
    {Role::kManager, Resource::kSupport, Action::kAdmin},
    {Role::kManager, Resource::kUsers, Action::kRead},

    // Agent: works tickets and the client cards behind them; sees loyalty and
    // survey answers to help the customer, changes neither.
    {Role::kAgent, Resource::kRelationships, Action::kRead},
    {Role::kAgent, Resource::kRelationships, Action::kWrite},
    {Role::kAgent, Resource::kLoyalty, Action::kRead},
    {Role::kAgent, Resource::kSurveys, Action::kRead},
    {Role::kAgent, Resource::kSupport, Action::kRead},
    {Role::kAgent, Resource::kSupport, Action::kWrite},

    // Analyst: reads everything customer-facing, writes nothing, and cannot
    // export in bulk (kAdmin) nor see the users of the business.
    {Role::kAnalyst, Resource::kSystem, Action::kRead},
    {Role::kAnalyst, Resource::kRelationships, Action::kRead},
    {Role::kAnalyst, Resource::kLoyalty, Action::kRead},
    {Role::kAnalyst, Resource::kSurveys, Action::kRead},
    {Role::kAnalyst, Resource::kCampaigns, Action::kRead},
    {Role::kAnalyst, Resource::kSupport, Action::kRead},
};

constexpr bool IsAllowedIn(Role role, Resource resource, Action action) {
  if (role == Role::kAdmin) return true;
  return std::any_of(std::begin(kGrants), std::end(kGrants), [&](const Grant& grant) {
    return grant.role == role && grant.resource == resource && grant.action == action;
  });
}

constexpr bool AnyAllowed(Role role, Action action) {
  return std::any_of(kAllResources.begin(), kAllResources.end(),
                     [&](Resource resource) { return IsAllowedIn(role, resource, action); });
}

// Whether any grant (admin's implicit ones aside) names the resource.
constexpr bool AnyResourceAllowed(Resource resource) {
  return std::any_of(std::begin(kGrants), std::end(kGrants),
                     [&](const Grant& grant) { return grant.resource == resource; });
}

constexpr bool HasDuplicateGrant() {
  for (std::size_t i = 0; i < std::size(kGrants); ++i) {
    for (std::size_t j = i + 1; j < std::size(kGrants); ++j) {
      const Grant& a = kGrants[i];
      const Grant& b = kGrants[j];
      if (a.role == b.role && a.resource == b.resource && a.action == b.action) return true;
    }
  }
  return false;
}

static_assert(!HasDuplicateGrant(), "each grant is listed once");
static_assert(!AnyAllowed(Role::kAnalyst, Action::kWrite), "analysts are read-only");
static_assert(!AnyAllowed(Role::kAnalyst, Action::kAdmin), "analysts are read-only");
static_assert(!IsAllowedIn(Role::kAgent, Resource::kUsers, Action::kAdmin), "agents do not administer users");
static_assert(!IsAllowedIn(Role::kManager, Resource::kUsers, Action::kAdmin), "only admins administer users");
static_assert(!AnyResourceAllowed(Resource::kAudit), "only admins read the audit log");

}  // namespace

std::string_view ResourceName(Resource resource) {
  switch (resource) {
    case Resource::kSystem: return "system";
    case Resource::kRelationships: return "relationships";
    case Resource::kLoyalty: return "loyalty";
    case Resource::kSurveys: return "surveys";
    case Resource::kCampaigns: return "campaigns";
    case Resource::kSupport: return "support";
    case Resource::kUsers: return "users";
    case Resource::kAudit: return "audit";
  }
  return "unknown";
}

std::string_view ActionName(Action action) {
  switch (action) {
    case Action::kRead: return "read";
    case Action::kWrite: return "write";
    case Action::kAdmin: return "admin";
  }
  return "unknown";
}

std::string_view RoleName(Role role) {
  switch (role) {
    case Role::kAdmin: return "admin";
    case Role::kManager: return "manager";
    case Role::kAgent: return "agent";
    case Role::kAnalyst: return "analyst";
  }
  return "unknown";
}

std::optional<Role> ParseRole(std::string_view name) {
  for (Role role : kAllRoles) {
    if (RoleName(role) == name) return role;
  }
  return std::nullopt;
}

bool IsAllowed(Role role, Resource resource, Action action) { return IsAllowedIn(role, resource, action); }

}  // namespace rapport::domain

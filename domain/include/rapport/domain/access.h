// Access control: the roles of a business's users and the one table that says
// which role may perform which action on which resource. Deny by default: a
// (role, resource, action) triple is allowed only if the table lists it, so a
// resource or action added later is refused to everyone until someone grants
// it on purpose. Admin is the exception by design: it holds every permission.
//
// Resource and Action live here (not in app/) because the table is pure domain
// knowledge; app::Permission re-exports them so routes keep naming them as
// app::Resource and app::Action.
//
// Pure: no I/O. Thread safety: values and constant data; safe from any thread.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

namespace rapport::domain {

// The things a role may be granted access to. Later capabilities add theirs.
enum class Resource : std::uint8_t {
  kSystem,         // health, metrics, settings, backups
  kRelationships,  // client cards: contacts, companies, interactions
  kLoyalty,        // points ledger, tiers, rewards
  kSurveys,        // surveys, answers, NPS and CSI
  kCampaigns,      // e-mail templates, segments, automations
  kSupport,        // tickets, SLAs, contracts
  kUsers,          // users, roles and API tokens of the business
  kAudit,          // the audit log: who did what, when, from where
};

enum class Action : std::uint8_t {
  kRead,   // view
  kWrite,  // create, change
  kAdmin,  // configure, delete, export in bulk
};

enum class Role : std::uint8_t {
  kAdmin,    // runs the installation: every permission
  kManager,  // runs the business: all customer-facing work, sees users
  kAgent,    // support staff: tickets and the client cards they touch
  kAnalyst,  // read-only analytics
};

inline constexpr std::array<Resource, 8> kAllResources = {
    Resource::kSystem,    Resource::kRelationships, Resource::kLoyalty, Resource::kSurveys,
    Resource::kCampaigns, Resource::kSupport,       Resource::kUsers,   Resource::kAudit,
};
inline constexpr std::array<Action, 3> kAllActions = {Action::kRead, Action::kWrite, Action::kAdmin};
inline constexpr std::array<Role, 4> kAllRoles = {Role::kAdmin, Role::kManager, Role::kAgent, Role::kAnalyst};

// Stable lowercase names, used in the API, the CLI and the audit log.
std::string_view ResourceName(Resource resource);
std::string_view ActionName(Action action);
std::string_view RoleName(Role role);
// The inverse of RoleName; exact, case-sensitive match. nullopt for anything else.
std::optional<Role> ParseRole(std::string_view name);

// Whether `role` may perform `action` on `resource`. Deny by default.
bool IsAllowed(Role role, Resource resource, Action action);

}  // namespace rapport::domain

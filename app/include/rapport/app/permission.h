// Permission: what a caller must be allowed to do to use an operation. Every
// HTTP route declares one; the access-control layer decides from the caller's
// role whether the (resource, action) pair is granted. A route is either
// public (no caller identity needed) or names a resource and an action; there
// is no "unchecked" state, so forgetting to decide means the route is denied.
//
// Thread safety: values; safe to copy between threads.
#pragma once

#include <cstdint>
#include <string_view>

namespace rapport::app {

// The things a role may be granted access to. Later capabilities add theirs.
enum class Resource : std::uint8_t {
  kSystem,         // health, metrics, settings, backups
  kRelationships,  // client cards: contacts, companies, interactions
  kLoyalty,        // points ledger, tiers, rewards
  kSurveys,        // surveys, answers, NPS and CSI
  kCampaigns,      // e-mail templates, segments, automations
  kSupport,        // tickets, SLAs, contracts
  kUsers,          // users and roles of the business
};

enum class Action : std::uint8_t {
  kRead,   // view
  kWrite,  // create, change
  kAdmin,  // configure, delete, export in bulk
};

std::string_view ResourceName(Resource resource);
std::string_view ActionName(Action action);

struct Permission {
  // Anyone may call the operation, authenticated or not.
  static Permission Public() { return Permission{true, Resource::kSystem, Action::kRead}; }
  // The caller must hold `action` on `resource`.
  static Permission Require(Resource resource, Action action) { return Permission{false, resource, action}; }

  bool is_public = false;
  Resource resource = Resource::kSystem;
  Action action = Action::kAdmin;

  friend bool operator==(const Permission&, const Permission&) = default;
};

inline std::string_view ResourceName(Resource resource) {
  switch (resource) {
    case Resource::kSystem: return "system";
    case Resource::kRelationships: return "relationships";
    case Resource::kLoyalty: return "loyalty";
    case Resource::kSurveys: return "surveys";
    case Resource::kCampaigns: return "campaigns";
    case Resource::kSupport: return "support";
    case Resource::kUsers: return "users";
  }
  return "unknown";
}

inline std::string_view ActionName(Action action) {
  switch (action) {
    case Action::kRead: return "read";
    case Action::kWrite: return "write";
    case Action::kAdmin: return "admin";
  }
  return "unknown";
}

}  // namespace rapport::app

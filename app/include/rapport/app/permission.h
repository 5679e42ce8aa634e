// Permission: what a caller must be allowed to do to use an operation. Every
// HTTP route declares one; the access-control layer decides from the caller's
// role whether the (resource, action) pair is granted. A route is either
// public (no caller identity needed), open to any signed-in caller (their own
// session, their own password), or names a resource and an action; there is
// no "unchecked" state, so forgetting to decide means the route is denied.
//
// Thread safety: values; safe to copy between threads.
#pragma once

#include <cstdint>

#include "rapport/domain/access.h"

namespace rapport::app {

// The enums and their names live in domain/access.h beside the permission
// table; these aliases keep app::Resource and app::Action working everywhere.
using domain::Action;
using domain::ActionName;
using domain::Resource;
using domain::ResourceName;

struct Permission {
  enum class Kind : std::uint8_t {
    kPublic,    // anyone, signed in or not
    kSignedIn,  // any signed-in user or valid token; the operation concerns the caller only
    kGranted,   // the caller's role must hold (resource, action)
  };

  static Permission Public() { return Permission{Kind::kPublic, Resource::kSystem, Action::kRead}; }
  static Permission SignedIn() { return Permission{Kind::kSignedIn, Resource::kSystem, Action::kRead}; }
  // The caller must hold `action` on `resource`.
  static Permission Require(Resource resource, Action action) { return Permission{Kind::kGranted, resource, action}; }

  bool is_public() const { return kind == Kind::kPublic; }

  Kind kind = Kind::kGranted;
  Resource resource = Resource::kSystem;
  Action action = Action::kAdmin;

  friend bool operator==(const Permission&, const Permission&) = default;
};

}  // namespace rapport::app

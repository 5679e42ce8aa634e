// Permission: what a caller must be allowed to do to use an operation. Every
// HTTP route declares one; the access-control layer decides from the caller's
// role whether the (resource, action) pair is granted. A route is either
// public (no caller identity needed) or names a resource and an action; there
// is no "unchecked" state, so forgetting to decide means the route is denied.
//
// Thread safety: values; safe to copy between threads.
#pragma once

#include "rapport/domain/access.h"

namespace rapport::app {

// The enums and their names live in domain/access.h beside the permission
// table; these aliases keep app::Resource and app::Action working everywhere.
using domain::Action;
using domain::ActionName;
using domain::Resource;
using domain::ResourceName;

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

}  // namespace rapport::app

// Test seam: starts a Server with extra routes registered after the product's
// own (e.g. a slow route for the graceful-shutdown scenario). Not for product
// code: main calls Server::Start.
#pragma once

#include <functional>
#include <memory>

#include "router.h"

#include "rapport/http/server.h"

namespace rapport::http {

using RouteAdder = std::function<void(Router&)>;

Result<std::unique_ptr<Server>> StartServerWithRoutes(ServerOptions options, ServerDependencies dependencies,
                                                      RouteAdder add_routes);

}  // namespace rapport::http

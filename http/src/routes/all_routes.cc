// The list of route files the server registers, in documentation order.
#include "routes/routes.h"

namespace rapport::http {

void RegisterAllRoutes(Router& router) {
  RegisterSystemRoutes(router);
  RegisterOpenApiRoutes(router);
  RegisterAuthRoutes(router);
  RegisterAccessRoutes(router);
}

}  // namespace rapport::http

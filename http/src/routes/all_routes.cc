// The list of route files the server registers, in documentation order.
#include "routes/routes.h"

namespace rapport::http {

void RegisterAllRoutes(Router& router) {
  RegisterSystemRoutes(router);
  RegisterOpenApiRoutes(router);
  RegisterAuthRoutes(router);
  RegisterAccessRoutes(router);
  // Before the contact routes: /contacts/export and /contacts/import are
  // literal paths that /contacts/{contact_id} would otherwise take first.
  RegisterTransferRoutes(router);
  RegisterContactRoutes(router);
  RegisterCardRoutes(router);
  RegisterDuplicateRoutes(router);
  RegisterPurchaseImportRoutes(router);  // before /purchases/{purchase_id}
  RegisterLoyaltyRoutes(router);
  RegisterRewardRoutes(router);
  RegisterProgrammeRoutes(router);
}

}  // namespace rapport::http

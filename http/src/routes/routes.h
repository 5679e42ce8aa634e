// The route files: one per API resource, each adding its operations to the
// router. Later capabilities add a file and a line in RegisterAllRoutes.
//
// Thread safety: called once during server start, before serving.
#pragma once

#include "router.h"

namespace rapport::http {

void RegisterSystemRoutes(Router& router);          // /healthz, /metrics, /api/v1/version
void RegisterOpenApiRoutes(Router& router);         // /api/v1/openapi.json
void RegisterAuthRoutes(Router& router);            // /api/v1/auth/*: login, logout, session, own password
void RegisterAccessRoutes(Router& router);          // /api/v1/users, /api/v1/tokens, /api/v1/audit
void RegisterContactRoutes(Router& router);         // /api/v1/contacts, /companies, /custom-fields
void RegisterCardRoutes(Router& router);            // notes, tasks, consents, interests of a client card
void RegisterDuplicateRoutes(Router& router);       // /api/v1/duplicates, merges and their undo
void RegisterTransferRoutes(Router& router);        // contact import (with preview and mappings) and export
void RegisterPurchaseImportRoutes(Router& router);  // POST /api/v1/purchases/import: bulk NDJSON or CSV
void RegisterLoyaltyRoutes(Router& router);         // purchases, refunds, points, ledger, adjustments, rules
void RegisterRewardRoutes(Router& router);          // /api/v1/rewards, /api/v1/redemptions, a member's redemptions
void RegisterProgrammeRoutes(Router& router);       // /api/v1/coupons, referrals, /api/v1/loyalty/tiers
void RegisterAllRoutes(Router& router);

}  // namespace rapport::http

// The use cases an API test server needs (the client card's and the loyalty
// programme's), built over the test's store and clock the way main/serve.cc
// builds them.
#pragma once

#include <utility>

#include "rapport/app/card_details_service.h"
#include "rapport/app/contact_service.h"
#include "rapport/app/contact_transfer.h"
#include "rapport/app/duplicate_service.h"
#include "rapport/app/import_mappings.h"
#include "rapport/app/loyalty_service.h"
#include "rapport/app/programme_service.h"
#include "rapport/app/reward_service.h"
#include "rapport/http/server.h"

namespace rapport::api_testing {

struct RelationshipStack {
  RelationshipStack(app::Store& store, const Clock& clock, app::ContactServiceOptions contact_options = {})
      : contacts(store, clock, std::move(contact_options)),
        card_details(store, clock),
        duplicates(store, clock),
        importer(store, clock),
        exporter(store, clock),
        mappings(store, clock),
        loyalty(store, clock),
        rewards(store, clock),
        programme(store, clock) {}

  http::RelationshipServices Services() {
    return http::RelationshipServices{.contacts = &contacts,
                                      .card_details = &card_details,
                                      .duplicates = &duplicates,
                                      .importer = &importer,
                                      .exporter = &exporter,
                                      .mappings = &mappings};
  }

  app::ContactService contacts;
  app::CardDetailsService card_details;
  app::DuplicateService duplicates;
  app::ContactImporter importer;
  app::ContactExporter exporter;
  app::ImportMappingService mappings;
  app::LoyaltyService loyalty;      // ServerDependencies::loyalty
  app::RewardService rewards;       // ServerDependencies::rewards
  app::ProgrammeService programme;  // ServerDependencies::programme
};

}  // namespace rapport::api_testing

// A fresh store for a loyalty test on either backend — a temp SQLite file, or
// a schema of its own in the PostgreSQL database at RAPPORT_TEST_POSTGRES_URL
// (skipped when unset) — with a fake clock, a LoyaltyService and members.
//
// Thread safety: the fixture itself is used from the test's thread; the
// service and store are safe to share with threads the test starts.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "../store/store_test_support.h"

#include "rapport/app/contact_input.h"
#include "rapport/app/loyalty_service.h"
#include "rapport/store/open_store.h"

namespace rapport::loyalty_testing {

using store::testing::Backend;

class LoyaltyStore {
 public:
  // Opens the store; returns false (and the test should skip) when the
  // backend is PostgreSQL and no test database is configured.
  bool Open(Backend backend, FakeClock& clock) {
    if (!database_.Open(backend)) return false;
    app::StoreOptions options;
    options.database = database_.location();
    if (backend == Backend::kSqlite) options.sqlite_synchronous = app::SqliteSynchronous::kOff;
    options.clock = &clock;
    Result<std::unique_ptr<app::Store>> opened = store::OpenStore(options);
    EXPECT_TRUE(opened.ok()) << opened.status().ToString();
    if (!opened.ok()) return false;
    store_ = std::move(*opened);
    service_ = std::make_unique<app::LoyaltyService>(*store_, clock);
    return true;
  }

  ~LoyaltyStore() {
    service_.reset();
    if (store_) {
      EXPECT_TRUE(store_->Close().ok());
    }
  }

  // `count` new contacts, each with `birthday` ("YYYY-MM-DD") when given.
  std::vector<ContactId> AddMembers(int count, Timestamp now, std::optional<std::string> birthday = std::nullopt) {
    std::vector<ContactId> ids;
    EXPECT_TRUE(store_
                    ->Write([&](app::WriteTransaction& transaction) -> Status {
                      std::vector<app::ContactRecord> records;
                      for (int i = 0; i < count; ++i) {
                        app::ContactProfile profile;
                        profile.first_name = "Member" + std::to_string(i);
                        profile.last_name = "Test";
                        profile.birthday = birthday;
                        records.push_back(app::MakeContactRecord(profile, {}));
                      }
                      RAPPORT_ASSIGN_OR_RETURN(ids, transaction.RelationshipsOut().InsertContacts(records, now));
                      return Status::Ok();
                    })
                    .ok());
    return ids;
  }

  app::Store& store() { return *store_; }
  app::LoyaltyService& service() { return *service_; }

 private:
  store::testing::TestDatabase database_;
  std::unique_ptr<app::Store> store_;
  std::unique_ptr<app::LoyaltyService> service_;
};

}  // namespace rapport::loyalty_testing

// The loyalty crash test's writer: opens the store named on the command line,
// makes sure member 1 exists, and from several threads records purchases of
// 10.00 EUR with external ids "crash-N" for N = FIRST, FIRST+1, ... through
// LoyaltyService, as the HTTP API does. An external id is printed (one line,
// flushed) only after RecordPurchase returned ok, so every line is an
// acknowledged purchase. FIRST may repeat ids an earlier run acknowledged:
// those must come back as replays. It runs until killed.
//
// Usage: rapport_loyalty_crash_writer DATABASE FIRST [THREADS]
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "rapport/app/access_service.h"
#include "rapport/app/contact_input.h"
#include "rapport/app/loyalty_service.h"
#include "rapport/store/open_store.h"

namespace {

using namespace rapport;

Status EnsureMember(app::Store& store) {
  return store.Write([](app::WriteTransaction& transaction) -> Status {
    RAPPORT_ASSIGN_OR_RETURN(std::optional<app::Contact> existing,
                             transaction.Relationships().GetContact(ContactId(1)));
    if (existing) return Status::Ok();
    app::ContactProfile profile;
    profile.first_name = "Crash";
    profile.last_name = "Member";
    const app::ContactRecord records[] = {app::MakeContactRecord(profile, {})};
    return transaction.RelationshipsOut().InsertContacts(records, SystemClock().Now()).status();
  });
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: %s DATABASE FIRST [THREADS]\n", argv[0]);
    return 2;
  }
  app::StoreOptions options;
  options.database = argv[1];
  options.reader_pool_size = 2;
  const long long first = std::atoll(argv[2]);
  const int threads = argc > 3 ? std::atoi(argv[3]) : 4;
  auto opened = store::OpenStore(options);
  if (!opened.ok()) {
    std::fprintf(stderr, "crash writer: %s\n", opened.status().ToString().c_str());
    return 1;
  }
  std::unique_ptr<app::Store> store = std::move(opened).value();
  if (Status member = EnsureMember(*store); !member.ok()) {
    std::fprintf(stderr, "crash writer: %s\n", member.ToString().c_str());
    return 1;
  }
  SystemClock clock;
  app::LoyaltyService loyalty(*store, clock);
  const app::Principal principal = app::AccessService::Operator("crash_test");
  std::atomic<long long> next{first};
  std::mutex stdout_mutex;
  std::vector<std::thread> writers;
  for (int i = 0; i < threads; ++i) {
    writers.emplace_back([&] {
      while (true) {
        const std::string external_id = "crash-" + std::to_string(next.fetch_add(1));
        const app::PurchaseRequest request{.contact_id = ContactId(1),
                                           .total_minor = 1'000,
                                           .currency = "EUR",
                                           .channel = "web",
                                           .occurred_at = Timestamp(std::chrono::seconds(1'790'000'000)),
                                           .external_id = external_id};
        app::LoyaltyService::PurchaseOutcome outcome = loyalty.RecordPurchase(principal, {}, request);
        while (outcome.status.code() == StatusCode::kUnavailable) {
          outcome = loyalty.RecordPurchase(principal, {}, request);  // busy: retry
        }
        if (!outcome.status.ok()) {
          std::fprintf(stderr, "crash writer: %s\n", outcome.status.ToString().c_str());
          std::_Exit(1);
        }
        std::lock_guard lock(stdout_mutex);
        std::printf("%s\n", external_id.c_str());
        std::fflush(stdout);
      }
    });
  }
  for (std::thread& writer : writers) writer.join();
  return 0;
}

// The crash test's writer: opens the store named on the command line and, from
// several threads, loops Write bodies that each insert one contact AND append
// its `contact_created` event (payload {"contact_id":N}). A contact id is
// printed (one line, flushed) only after its Write returned ok, so every line
// on stdout is an acknowledged, durable commit. It runs until killed.
//
// Usage: rapport_store_crash_writer DATABASE [THREADS]
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "rapport/store/open_store.h"

namespace {

using namespace rapport;

Status WriteOneContact(app::Store& store, std::int64_t& contact_id) {
  return store.Write([&](app::WriteTransaction& tx) {
    const Timestamp now = SystemClock().Now();
    app::ContactRecord contact;
    contact.profile.first_name = "Crash";
    contact.profile.last_name = "Test";
    contact.profile.locale = "en";
    contact.profile.time_zone = "UTC";
    contact.profile.roles = domain::RoleBit(domain::RelationshipRole::kCustomer);
    contact.sort_name = "test crash";
    contact.search_text = "crash test";
    RAPPORT_ASSIGN_OR_RETURN(std::vector<ContactId> ids, tx.RelationshipsOut().InsertContacts({&contact, 1}, now));
    contact_id = ids.at(0).value();
    app::NewEvent event{"contact_created", "contact",
                        contact_id,        now,
                        "crash_test",      "{\"contact_id\":" + std::to_string(contact_id) + "}"};
    return tx.EventsOut().Append(event).status();
  });
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s DATABASE [THREADS]\n", argv[0]);
    return 2;
  }
  app::StoreOptions options;
  options.database = argv[1];
  options.reader_pool_size = 2;
  const int threads = argc > 2 ? std::atoi(argv[2]) : 4;
  auto opened = store::OpenStore(options);
  if (!opened.ok()) {
    std::fprintf(stderr, "crash writer: %s\n", opened.status().ToString().c_str());
    return 1;
  }
  std::unique_ptr<app::Store> store = std::move(opened).value();
  std::mutex stdout_mutex;
  std::vector<std::thread> writers;
  for (int i = 0; i < threads; ++i) {
    writers.emplace_back([&] {
      while (true) {
        std::int64_t contact_id = 0;
        const Status status = WriteOneContact(*store, contact_id);
        if (!status.ok()) {
          if (status.code() == StatusCode::kUnavailable) continue;  // busy: retry
          std::fprintf(stderr, "crash writer: %s\n", status.ToString().c_str());
          std::_Exit(1);
        }
        std::lock_guard lock(stdout_mutex);
        std::printf("%lld\n", static_cast<long long>(contact_id));
        std::fflush(stdout);
      }
    });
  }
  for (std::thread& writer : writers) writer.join();
  return 0;
}

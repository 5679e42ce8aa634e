// See command_support.h.
#include "command_support.h"

#include <algorithm>
#include <ostream>

namespace rapport::cli {

void AddDataOptions(CLI::App& command, DataOptions& options) {
  command.add_option("--database", options.database, "SQLite file path or postgres:// URL (default ./data/rapport.db)")
      ->envname("RAPPORT_DATABASE");
  command
      .add_option("--sqlite-synchronous", options.sqlite_synchronous,
                  "SQLite durability: full (survives power loss) or normal (survives a crash)")
      ->envname("RAPPORT_SQLITE_SYNCHRONOUS")
      ->check(CLI::IsMember({"off", "normal", "full", "extra"}));
}

app::StoreOptions ToStoreOptions(const DataOptions& options, const Clock* clock) {
  app::StoreOptions store;
  store.database = options.database;
  store.clock = clock;
  if (options.sqlite_synchronous == "off") store.sqlite_synchronous = app::SqliteSynchronous::kOff;
  if (options.sqlite_synchronous == "normal") store.sqlite_synchronous = app::SqliteSynchronous::kNormal;
  if (options.sqlite_synchronous == "full") store.sqlite_synchronous = app::SqliteSynchronous::kFull;
  if (options.sqlite_synchronous == "extra") store.sqlite_synchronous = app::SqliteSynchronous::kExtra;
  return store;
}

int Fail(const Environment& environment, const Status& status) {
  std::string code(StatusCodeName(status.code()));
  std::replace(code.begin(), code.end(), '_', ' ');
  *environment.err << "rapport: " << code << ": " << status.message() << '\n';
  return kExitFailure;
}

}  // namespace rapport::cli

// See command_support.h.
#include "command_support.h"

#include <algorithm>
#include <cstdlib>
#include <memory>
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

std::string OperatorAccount() {
  const char* user = std::getenv("USER");
  return user != nullptr && *user != '\0' ? std::string(user) : std::string("operator");
}

int RunAsActor(const Environment& environment, const DataOptions& data, const std::string& token,
               const ActorBody& body) {
  Result<std::unique_ptr<app::Store>> store = environment.open_store(ToStoreOptions(data, environment.clock));
  if (!store.ok()) return Fail(environment, store.status());
  int code = kExitFailure;
  {
    app::AccessService access(**store, *environment.clock);
    const app::Origin origin{.remote = "", .user_agent = "rapport-cli/" + environment.version};
    Result<app::Principal> principal = app::AccessService::Operator(OperatorAccount());
    if (!token.empty()) {
      app::AccessOutcome<app::Principal> outcome = access.AuthenticateToken(token, origin);
      principal = outcome.ok() ? Result<app::Principal>(std::move(*outcome.value))
                               : Result<app::Principal>(Status(StatusCode::kUnauthenticated,
                                                               "the token was refused (unknown, revoked, malformed "
                                                               "or rate limited)"));
    }
    code = principal.ok() ? body(**store, *principal, origin) : Fail(environment, principal.status());
    if (code != kExitUsage && principal.ok() && !token.empty()) {
      const Status recorded = access.RecordUse(*principal, origin);
      if (!recorded.ok() && code == kExitSuccess) code = Fail(environment, recorded);
    }
  }
  const Status closed = (*store)->Close();
  if (!closed.ok()) return Fail(environment, closed);
  return code;
}

int Fail(const Environment& environment, const Status& status) {
  std::string code(StatusCodeName(status.code()));
  std::replace(code.begin(), code.end(), '_', ' ');
  *environment.err << "rapport: " << code << ": " << status.message() << '\n';
  return kExitFailure;
}

}  // namespace rapport::cli

// Pieces every subcommand of the CLI shares: exit codes, the options that say
// where the data lives, and how a failed operation is reported. Private to cli/.
//
// Thread safety: plain functions and values; the CLI runs on one thread.
#pragma once

#include <functional>
#include <iosfwd>
#include <string>

#include <CLI/CLI.hpp>

#include "rapport/app/access_service.h"
#include "rapport/app/store.h"
#include "rapport/base/clock.h"
#include "rapport/base/status.h"
#include "rapport/cli/cli.h"

namespace rapport::cli {

inline constexpr int kExitSuccess = 0;
inline constexpr int kExitFailure = 1;
inline constexpr int kExitUsage = 2;

// Options shared by every subcommand that touches data.
struct DataOptions {
  std::string database = "./data/rapport.db";
  std::string sqlite_synchronous = "full";
};

void AddDataOptions(CLI::App& command, DataOptions& options);

app::StoreOptions ToStoreOptions(const DataOptions& options, const Clock* clock);

// The OS account that runs the CLI, as the audit log names the operator.
std::string OperatorAccount();

// Opens the store, resolves who acts (the operator, or the principal of
// `token` when it is set), runs the body, records a token's use and closes
// the store; the body's exit code, or kExitFailure for what failed around it.
using ActorBody = std::function<int(app::Store&, const app::Principal&, const app::Origin&)>;
int RunAsActor(const Environment& environment, const DataOptions& data, const std::string& token,
               const ActorBody& body);

// Prints "rapport: <what failed>: <message>" on stderr and answers kExitFailure.
// The code is spelled for people ("permission denied", "not found").
int Fail(const Environment& environment, const Status& status);

}  // namespace rapport::cli

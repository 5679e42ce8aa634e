// Pieces every subcommand of the CLI shares: exit codes, the options that say
// where the data lives, and how a failed operation is reported. Private to cli/.
//
// Thread safety: plain functions and values; the CLI runs on one thread.
#pragma once

#include <iosfwd>
#include <string>

#include <CLI/CLI.hpp>

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

// Prints "rapport: <what failed>: <message>" on stderr and answers kExitFailure.
// The code is spelled for people ("permission denied", "not found").
int Fail(const Environment& environment, const Status& status);

}  // namespace rapport::cli

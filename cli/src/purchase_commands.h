// The bulk purchase subcommand of the CLI: `rapport import purchases FILE`.
// It runs the same PurchaseImporter as POST /api/v1/purchases/import, as the
// operator (an admin) unless --token / RAPPORT_TOKEN names an API token,
// whose role must allow loyalty:admin.
//
// Exit codes: 0 when every row was imported (or was already recorded), 1
// when some rows failed or the file was refused (the summary says how many
// and where the error report is), 2 for usage errors (checked before the
// store is opened).
//
// Thread safety: used once, from the CLI's thread.
#pragma once

#include <cstddef>
#include <optional>
#include <string>

#include <CLI/CLI.hpp>

#include "command_support.h"

#include "rapport/cli/cli.h"

namespace rapport::cli {

struct PurchaseCommandLine {
  DataOptions data;
  std::string token;  // --token / RAPPORT_TOKEN; empty: act as the operator
  std::string file;
  std::string format;  // csv|ndjson; "" = from the file's extension
  std::string delimiter;
  std::string commit = "batch";
  std::size_t batch_rows = 5'000;
  bool dry_run = false;
  bool defer_indexes = false;
  std::string errors_file;  // default FILE.errors.csv when there are errors

  CLI::App* import_purchases = nullptr;
};

// Declares `import purchases` under the `import` subcommand that
// AddTransferCommands declared (call it after that).
void AddPurchaseCommands(CLI::App& app, PurchaseCommandLine& line);

// Runs `import purchases` when it was parsed; nullopt otherwise.
std::optional<int> RunPurchaseCommand(const Environment& environment, const PurchaseCommandLine& line);

}  // namespace rapport::cli

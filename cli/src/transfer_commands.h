// The bulk contact subcommands of the CLI: `rapport import contacts FILE` and
// `rapport export contacts`. They run the same ContactImporter and
// ContactExporter as the HTTP API, as the operator (an admin) unless --token /
// RAPPORT_TOKEN names an API token, whose role must allow relationships:admin.
//
// Exit codes: 0 when every row was imported (or exported), 1 when some rows
// failed or the file was refused (the summary says how many and where the
// error report is), 2 for usage errors (checked before the store is opened).
//
// Thread safety: used once, from the CLI's thread.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include <CLI/CLI.hpp>

#include "command_support.h"

#include "rapport/cli/cli.h"

namespace rapport::cli {

struct TransferActor {
  DataOptions data;
  std::string token;  // --token / RAPPORT_TOKEN; empty: act as the operator
};

// The parsed values of the transfer subcommands; only the chosen one's are set.
struct TransferCommandLine {
  std::map<const CLI::App*, TransferActor> actors;  // map nodes stay put for CLI11's bindings
  // import contacts
  std::string file;
  std::string key = "email";
  bool dry_run = false;
  std::string mapping;       // a saved mapping's name, a preset, or a .json file
  std::string save_mapping;  // saves the mapping used under this name
  std::string format;        // csv|ndjson; "" = from the file's extension
  std::string delimiter;     // one character, or "tab"
  std::string commit = "batch";
  std::string errors_file;  // default FILE.errors.csv when there are errors
  std::size_t batch_rows = 5'000;
  std::string calling_code;
  // export contacts
  std::string export_format = "csv";
  std::string output;  // "" = stdout
  std::string query;
  std::string role;
  std::int64_t company_id = 0;

  CLI::App* import_contacts = nullptr;
  CLI::App* export_contacts = nullptr;
};

// Declares `import contacts` and `export contacts` on `app`.
void AddTransferCommands(CLI::App& app, TransferCommandLine& line);

// Runs the transfer subcommand that was parsed; nullopt when none was chosen.
std::optional<int> RunTransferCommand(const Environment& environment, const TransferCommandLine& line);

}  // namespace rapport::cli

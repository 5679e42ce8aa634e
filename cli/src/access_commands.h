// The access-control subcommands of the CLI: `rapport user …`, `rapport token …`
// and `rapport audit …`. They run the same AccessService use cases as the HTTP
// API, so the same permission checks and audit records apply. The CLI acts as
// the operator (an admin: whoever can open the database can do anything
// anyway) unless --token / RAPPORT_TOKEN names an API token; then it acts as
// that token's principal and may be refused.
//
// Secrets: passwords come only from standard input (--password-stdin), and a
// new token's secret is printed once, as the last line of stdout.
//
// Thread safety: used once, from the CLI's thread.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include <CLI/CLI.hpp>

#include "command_support.h"

#include "rapport/base/limits.h"
#include "rapport/cli/cli.h"

namespace rapport::cli {

// Audit chains at least this long show progress while `audit verify` walks them.
inline constexpr std::int64_t kAuditProgressRowsMin = 10'000;

// Where the data lives and who acts. Each command has its own, because CLI11
// applies environment variables to every subcommand's options, chosen or not.
struct ActorOptions {
  DataOptions data;
  std::string token;  // --token / RAPPORT_TOKEN; empty: act as the operator
};

// The parsed values of every access subcommand; only the chosen one's are set.
struct AccessCommandLine {
  std::map<const CLI::App*, ActorOptions> actors;  // per command; map nodes stay put for CLI11's bindings
  std::string email;
  std::string role;
  std::string display_name;
  std::string token_name;
  bool password_stdin = false;
  bool json = false;
  int audit_limit = limits::kPageSizeDefault;
  std::int64_t audit_before = 0;  // meaningful only when audit_before_option was given
  std::string audit_actor;
  std::string audit_action_prefix;

  CLI::Option* audit_before_option = nullptr;
  CLI::App* user_add = nullptr;
  CLI::App* user_list = nullptr;
  CLI::App* user_disable = nullptr;
  CLI::App* user_enable = nullptr;
  CLI::App* user_set_role = nullptr;
  CLI::App* user_set_password = nullptr;
  CLI::App* token_create = nullptr;
  CLI::App* token_list = nullptr;
  CLI::App* token_revoke = nullptr;
  CLI::App* audit_verify = nullptr;
  CLI::App* audit_list = nullptr;
};

// Declares `user`, `token` and `audit` with their subcommands on `app`.
void AddAccessCommands(CLI::App& app, AccessCommandLine& line);

// Runs the access subcommand that was parsed and answers its exit code;
// nullopt when the command line chose none of them.
std::optional<int> RunAccessCommand(const Environment& environment, const AccessCommandLine& line);

}  // namespace rapport::cli

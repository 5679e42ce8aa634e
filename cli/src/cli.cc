#include "rapport/cli/cli.h"

#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <ostream>
#include <thread>

#include <CLI/CLI.hpp>

#include "access_commands.h"
#include "command_support.h"
#include "password_input.h"
#include "progress.h"
#include "purchase_commands.h"
#include "transfer_commands.h"

#include "rapport/app/demo_data.h"

namespace rapport::cli {
namespace {

constexpr std::string_view kPostgresSchemes[] = {"postgres://", "postgresql://"};

// Shows where the data lives without printing a password from a URL.
std::string RedactDatabase(const std::string& database) {
  for (std::string_view scheme : kPostgresSchemes) {
    if (!database.starts_with(scheme)) continue;
    const std::size_t at = database.find('@');
    const std::size_t colon = database.find(':', scheme.size());
    if (at != std::string::npos && colon != std::string::npos && colon < at) {
      return database.substr(0, colon) + ":***" + database.substr(at);
    }
  }
  return database;
}

int RunMigrate(const Environment& environment, const DataOptions& data, bool status_only) {
  const app::StoreOptions options = ToStoreOptions(data, environment.clock);
  if (status_only) {
    Result<int> version = environment.schema_version(options);
    if (!version.ok()) return Fail(environment, version.status());
    *environment.out << "schema version " << *version << " (" << RedactDatabase(data.database) << ")\n";
    return 0;
  }
  Result<MigrationSummary> summary = environment.migrate(options);
  if (!summary.ok()) return Fail(environment, summary.status());
  for (const std::string& name : summary->applied) *environment.out << "applied " << name << '\n';
  *environment.out << "schema version " << summary->version_before << " -> " << summary->version_after << " ("
                   << RedactDatabase(data.database) << ")\n";
  return 0;
}

int RunBackup(const Environment& environment, const DataOptions& data, const std::string& output) {
  app::StoreOptions options = ToStoreOptions(data, environment.clock);
  options.migrate_on_open = false;
  Result<std::unique_ptr<app::Store>> store = environment.open_store(options);
  if (!store.ok()) return Fail(environment, store.status());
  Status status = (*store)->Backup(output);
  Status closed = (*store)->Close();
  if (!status.ok()) return Fail(environment, status);
  if (!closed.ok()) return Fail(environment, closed);
  *environment.out << "backup written to " << output << '\n';
  return 0;
}

int RunDemo(const Environment& environment, const DataOptions& data, app::DemoOptions demo) {
  Status valid = app::ValidateDemoOptions(demo);
  if (!valid.ok()) {
    *environment.err << "rapport demo: " << valid.message() << '\n';
    return kExitUsage;
  }
  Result<std::unique_ptr<app::Store>> store = environment.open_store(ToStoreOptions(data, environment.clock));
  if (!store.ok()) return Fail(environment, store.status());
  demo.now = environment.clock->Now();
  TerminalProgress progress(*environment.err, environment.err_is_terminal);
  Result<app::DemoSummary> summary = app::GenerateDemoData(
      **store, demo,
      [&](std::string_view table, std::int64_t done, std::int64_t total) { progress.Update(table, done, total); });
  progress.Finish();
  Status closed = (*store)->Close();
  if (!summary.ok()) return Fail(environment, summary.status());
  if (!closed.ok()) return Fail(environment, closed);
  *environment.out << "demo data: " << summary->companies << " companies, " << summary->contacts << " contacts, "
                   << summary->purchases << " purchases (seed " << demo.seed << ")\n";
  return 0;
}

}  // namespace

int DefaultIoThreads() { return std::max(1, static_cast<int>(std::thread::hardware_concurrency() / 2)); }

Result<std::pair<std::string, std::uint16_t>> ParseListenAddress(std::string_view text) {
  std::string_view host;
  std::string_view port_text;
  if (text.starts_with('[')) {
    const std::size_t close = text.find("]:");
    if (close == std::string_view::npos)
      return InvalidArgument("'" + std::string(text) + "' is not HOST:PORT, e.g. [::1]:8080");
    host = text.substr(1, close - 1);
    port_text = text.substr(close + 2);
  } else {
    const std::size_t colon = text.rfind(':');
    if (colon == std::string_view::npos || text.find(':') != colon) {
      return InvalidArgument("'" + std::string(text) + "' is not HOST:PORT, e.g. 127.0.0.1:8080");
    }
    host = text.substr(0, colon);
    port_text = text.substr(colon + 1);
  }
  unsigned port = 0;
  const auto [end, error] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (host.empty() || error != std::errc() || end != port_text.data() + port_text.size() || port > 65535) {
    return InvalidArgument("'" + std::string(text) + "' is not HOST:PORT with a port from 0 to 65535");
  }
  return std::pair<std::string, std::uint16_t>(std::string(host), static_cast<std::uint16_t>(port));
}

int Run(int argc, const char* const* argv, const Environment& environment) {
  CLI::App app{"Rapport: relationships, loyalty, feedback, campaigns and support in one binary.", "rapport"};
  app.require_subcommand(1);
  app.set_version_flag("--version", environment.version);
  app.footer(
      "Every option can also be set by the environment variable shown beside it.\n"
      "Run 'rapport COMMAND --help' for a command's options.");

  // One DataOptions per subcommand: CLI11 applies environment variables to the
  // options of every named subcommand, chosen or not, so a variable shared by
  // two subcommands would let RAPPORT_DATABASE override the chosen one's flag.
  DataOptions serve_data;
  DataOptions migrate_data;
  DataOptions backup_data;
  DataOptions demo_data;

  CLI::App* serve = app.add_subcommand("serve", "Serve the API and the web UI");
  std::string listen = "127.0.0.1:8080";
  ServeOptions serve_options;
  AddDataOptions(*serve, serve_data);
  serve->add_option("--listen", listen, "HOST:PORT to listen on (port 0 picks a free one)")->envname("RAPPORT_LISTEN");
  serve->add_option("--io-threads", serve_options.io_threads, "Network threads (default: half the cores)")
      ->envname("RAPPORT_IO_THREADS")
      ->check(CLI::Range(1, 64));
  serve->add_option("--time-zone", serve_options.time_zone, "The business's IANA time zone, for schedules")
      ->envname("RAPPORT_TIME_ZONE");
  serve
      ->add_option("--calling-code", serve_options.calling_code,
                   "Country calling code for phone numbers entered without one (7, 44); default: require +")
      ->envname("RAPPORT_CALLING_CODE")
      ->check([](const std::string& code) -> std::string {
        const bool digits = !code.empty() && code.size() <= 3 && code.front() != '0' &&
                            code.find_first_not_of("0123456789") == std::string::npos;
        return digits ? "" : "a calling code is 1 to 3 digits, not starting with 0";
      });
  serve
      ->add_flag("--trust-proxy-headers", serve_options.trust_proxy_headers,
                 "Take the client address and scheme from X-Forwarded-* (behind a reverse proxy only)")
      ->envname("RAPPORT_TRUST_PROXY_HEADERS");
  serve
      ->add_option("--admin-email", serve_options.admin_email,
                   "E-mail of the admin created on an installation without users (password from "
                   "RAPPORT_ADMIN_PASSWORD, or generated and printed once)")
      ->envname("RAPPORT_ADMIN_EMAIL")
      ->capture_default_str();
  serve
      ->add_flag("--secure-cookies", serve_options.secure_cookies,
                 "Mark the session cookie Secure on every response (TLS ends before Rapport)")
      ->envname("RAPPORT_SECURE_COOKIES");
  serve
      ->add_option("--token-rate", serve_options.token_requests_per_second,
                   "Requests per second each API token may make (0: unlimited)")
      ->envname("RAPPORT_TOKEN_RATE")
      ->check(CLI::Range(0.0, 1e6))
      ->capture_default_str();
  serve->add_option("--token-burst", serve_options.token_burst, "Requests an API token may make at once")
      ->envname("RAPPORT_TOKEN_BURST")
      ->check(CLI::Range(1, 1'000'000))
      ->capture_default_str();
  serve
      ->add_option("--session-idle-minutes", serve_options.session_idle_minutes,
                   "Minutes without a request after which a session ends")
      ->envname("RAPPORT_SESSION_IDLE_MINUTES")
      ->check(CLI::Range(1, 7 * 24 * 60))
      ->capture_default_str();
  serve
      ->add_option("--session-hours", serve_options.session_hours,
                   "Hours after sign-in at which a session ends, active or not")
      ->envname("RAPPORT_SESSION_HOURS")
      ->check(CLI::Range(1, 90 * 24))
      ->capture_default_str();

  CLI::App* migrate = app.add_subcommand("migrate", "Apply pending database migrations");
  bool migrate_status = false;
  AddDataOptions(*migrate, migrate_data);
  migrate->add_flag("--status", migrate_status, "Only print the current schema version");

  CLI::App* backup = app.add_subcommand("backup", "Write an online, consistent copy of the database");
  std::string backup_output;
  AddDataOptions(*backup, backup_data);
  backup->add_option("--output,-o", backup_output, "Destination file (SQLite)")->required();

  CLI::App* demo = app.add_subcommand("demo", "Create a realistic, seeded demo data set");
  app::DemoOptions demo_options;
  AddDataOptions(*demo, demo_data);
  demo->add_option("--contacts", demo_options.contacts, "Number of contacts")->capture_default_str();
  demo->add_option("--purchases", demo_options.purchases, "Number of purchases")->capture_default_str();
  demo->add_option("--seed", demo_options.seed, "Random seed: the same seed gives the same data")
      ->capture_default_str();

  AccessCommandLine access;
  AddAccessCommands(app, access);
  TransferCommandLine transfer;
  AddTransferCommands(app, transfer);
  PurchaseCommandLine purchases;
  AddPurchaseCommands(app, purchases);

  CLI::App* version = app.add_subcommand("version", "Print the version");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    const int code = app.exit(error, *environment.out, *environment.err);
    return code == 0 ? 0 : kExitUsage;
  }

  if (*version) {
    *environment.out << "rapport " << environment.version << '\n';
    return 0;
  }
  if (*serve) {
    Result<std::pair<std::string, std::uint16_t>> address = ParseListenAddress(listen);
    if (!address.ok()) {
      *environment.err << "rapport serve: " << address.status().message() << '\n';
      return kExitUsage;
    }
    serve_options.host = address->first;
    serve_options.port = address->second;
    serve_options.store = ToStoreOptions(serve_data, environment.clock);
    Result<app::PasswordHashOptions> hash_cost = ParsePasswordHashCost(std::getenv(kPasswordHashCostVariable));
    if (!hash_cost.ok()) {
      *environment.err << "rapport serve: " << hash_cost.status().message() << '\n';
      return kExitUsage;
    }
    serve_options.password_hash = *hash_cost;
    // Never an argument: it would show in `ps` and in shell history.
    if (const char* admin_password = std::getenv("RAPPORT_ADMIN_PASSWORD"))
      serve_options.admin_password = admin_password;
    return environment.serve(serve_options);
  }
  if (*migrate) return RunMigrate(environment, migrate_data, migrate_status);
  if (*backup) return RunBackup(environment, backup_data, backup_output);
  if (*demo) return RunDemo(environment, demo_data, demo_options);
  if (std::optional<int> exit_code = RunAccessCommand(environment, access)) return *exit_code;
  if (std::optional<int> exit_code = RunTransferCommand(environment, transfer)) return *exit_code;
  if (std::optional<int> exit_code = RunPurchaseCommand(environment, purchases)) return *exit_code;
  RAPPORT_UNREACHABLE();
}

}  // namespace rapport::cli

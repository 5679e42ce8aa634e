#include "rapport/cli/cli.h"

#include <algorithm>
#include <charconv>
#include <ostream>
#include <thread>

#include <CLI/CLI.hpp>

#include "progress.h"

#include "rapport/app/demo_data.h"

namespace rapport::cli {
namespace {

constexpr int kExitFailure = 1;
constexpr int kExitUsage = 2;
constexpr std::string_view kPostgresSchemes[] = {"postgres://", "postgresql://"};

// Options shared by every subcommand that touches data.
struct DataOptions {
  std::string database = "./data/rapport.db";
  std::string sqlite_synchronous = "full";
};

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

int Fail(const Environment& environment, const Status& status) {
  *environment.err << "rapport: " << status.ToString() << '\n';
  return kExitFailure;
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

  DataOptions data;

  CLI::App* serve = app.add_subcommand("serve", "Serve the API and the web UI");
  std::string listen = "127.0.0.1:8080";
  ServeOptions serve_options;
  AddDataOptions(*serve, data);
  serve->add_option("--listen", listen, "HOST:PORT to listen on (port 0 picks a free one)")->envname("RAPPORT_LISTEN");
  serve->add_option("--io-threads", serve_options.io_threads, "Network threads (default: half the cores)")
      ->envname("RAPPORT_IO_THREADS")
      ->check(CLI::Range(1, 64));
  serve->add_option("--time-zone", serve_options.time_zone, "The business's IANA time zone, for schedules")
      ->envname("RAPPORT_TIME_ZONE");
  serve
      ->add_flag("--trust-proxy-headers", serve_options.trust_proxy_headers,
                 "Take the client address and scheme from X-Forwarded-* (behind a reverse proxy only)")
      ->envname("RAPPORT_TRUST_PROXY_HEADERS");

  CLI::App* migrate = app.add_subcommand("migrate", "Apply pending database migrations");
  bool migrate_status = false;
  AddDataOptions(*migrate, data);
  migrate->add_flag("--status", migrate_status, "Only print the current schema version");

  CLI::App* backup = app.add_subcommand("backup", "Write an online, consistent copy of the database");
  std::string backup_output;
  AddDataOptions(*backup, data);
  backup->add_option("--output,-o", backup_output, "Destination file (SQLite)")->required();

  CLI::App* demo = app.add_subcommand("demo", "Create a realistic, seeded demo data set");
  app::DemoOptions demo_options;
  AddDataOptions(*demo, data);
  demo->add_option("--contacts", demo_options.contacts, "Number of contacts")->capture_default_str();
  demo->add_option("--purchases", demo_options.purchases, "Number of purchases")->capture_default_str();
  demo->add_option("--seed", demo_options.seed, "Random seed: the same seed gives the same data")
      ->capture_default_str();

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
    serve_options.store = ToStoreOptions(data, environment.clock);
    return environment.serve(serve_options);
  }
  if (*migrate) return RunMigrate(environment, data, migrate_status);
  if (*backup) return RunBackup(environment, data, backup_output);
  if (*demo) return RunDemo(environment, data, demo_options);
  RAPPORT_UNREACHABLE();
}

}  // namespace rapport::cli

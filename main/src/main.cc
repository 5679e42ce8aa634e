// The rapport executable. main() wires the concrete adapters (the SQLite and
// PostgreSQL stores, the HTTP server, the job runtime, the embedded UI) into
// the CLI, which knows only the app ports.
#include <unistd.h>

#include <iostream>

#include "logging.h"
#include "serve.h"

#include "rapport/cli/cli.h"
#include "rapport/store/open_store.h"

int main(int argc, char** argv) {
  rapport::main::ConfigureLogging();
  static const rapport::SystemClock clock;

  rapport::cli::Environment environment;
  environment.version = RAPPORT_VERSION;
  environment.clock = &clock;
  environment.out = &std::cout;
  environment.err = &std::cerr;
  environment.err_is_terminal = ::isatty(STDERR_FILENO) == 1;
  environment.open_store = [](const rapport::app::StoreOptions& options) { return rapport::store::OpenStore(options); };
  environment.schema_version = [](const rapport::app::StoreOptions& options) {
    return rapport::store::SchemaVersion(options);
  };
  environment.migrate =
      [](const rapport::app::StoreOptions& options) -> rapport::Result<rapport::cli::MigrationSummary> {
    RAPPORT_ASSIGN_OR_RETURN(rapport::store::MigrationReport report, rapport::store::MigrateDatabase(options));
    return rapport::cli::MigrationSummary{report.version_before, report.version_after, report.applied};
  };
  environment.serve = [](const rapport::cli::ServeOptions& options) {
    return rapport::main::Serve(options, clock, RAPPORT_VERSION);
  };
  const int exit_code = rapport::cli::Run(argc, argv, environment);
  rapport::main::FlushLogging();
  return exit_code;
}

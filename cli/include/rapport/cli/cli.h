// The command line of the `rapport` executable: parsing, help text, config
// from flags and RAPPORT_* environment variables, and the subcommands that
// operate through app ports. The CLI never sees a concrete adapter: main
// passes the capabilities it needs in `Environment` (DESIGN §3), so the same
// commands run on SQLite and PostgreSQL.
//
// Thread safety: Run is called once, from main's thread.
#pragma once

#include <cstdint>
#include <functional>
#include <iosfwd>
#include <memory>
#include <string>
#include <vector>

#include "rapport/app/passwords.h"
#include "rapport/app/store.h"
#include "rapport/base/status.h"

namespace rapport::cli {

int DefaultIoThreads();

struct ServeOptions {
  std::string host = "127.0.0.1";
  std::uint16_t port = 8080;  // 0 picks a free port; the chosen one is printed
  app::StoreOptions store;
  // Half the cores, at least one: the rest serve the store writer, blocking
  // work and logging. On two cores a second io thread measured a p99 of
  // 4.8 ms against 2.3 ms with one, at 64 connections (bench/http).
  int io_threads = DefaultIoThreads();
  std::string time_zone = "UTC";  // the business's zone, for schedules
  // The country calling code ("7", "44") given to phone numbers entered
  // without one; empty: every number must start with "+" or "00".
  std::string calling_code;
  bool trust_proxy_headers = false;
  // The first admin, created when the installation has no users (serve
  // prints "First admin: EMAIL password: ..." when it generates the password).
  std::string admin_email = "admin@localhost";
  std::string admin_password;  // from RAPPORT_ADMIN_PASSWORD only; empty: generate one
  // Argon2id cost; RAPPORT_PASSWORD_HASH_COST=min lowers it for tests only.
  app::PasswordHashOptions password_hash;
  bool secure_cookies = false;            // Secure on every session cookie
  double token_requests_per_second = 50;  // per API token; 0: unlimited
  int token_burst = 100;
  int session_idle_minutes = 30;
  int session_hours = 12;
};

struct MigrationSummary {
  int version_before = 0;
  int version_after = 0;
  std::vector<std::string> applied;  // "0001_foundation"
};

struct Environment {
  std::string version;
  std::function<Result<std::unique_ptr<app::Store>>(const app::StoreOptions&)> open_store;
  std::function<Result<MigrationSummary>(const app::StoreOptions&)> migrate;
  std::function<Result<int>(const app::StoreOptions&)> schema_version;
  // Runs the server until SIGTERM/SIGINT; returns the process exit code.
  std::function<int(const ServeOptions&)> serve;
  const Clock* clock = nullptr;
  std::istream* in = nullptr;  // --password-stdin reads it; std::cin when null
  std::ostream* out = nullptr;
  std::ostream* err = nullptr;
  bool err_is_terminal = false;  // draw progress bars in place
};

// Exit codes: 0 success, 1 the operation failed (permission denied included),
// 2 bad usage.
int Run(int argc, const char* const* argv, const Environment& environment);

// "127.0.0.1:8080", "[::1]:8080", "0.0.0.0:80" → host and port.
Result<std::pair<std::string, std::uint16_t>> ParseListenAddress(std::string_view text);

}  // namespace rapport::cli

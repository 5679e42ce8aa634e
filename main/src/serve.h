// `rapport serve`: opens the store, starts the job runtime and the HTTP
// server, prints where it listens, and shuts everything down in order on
// SIGTERM or SIGINT: stop accepting and drain requests, stop the scheduler,
// consumers and workers, then close the store (which finishes queued writes).
#pragma once

#include <string_view>

#include "rapport/base/clock.h"
#include "rapport/cli/cli.h"

namespace rapport::main {

// Returns the process exit code.
int Serve(const cli::ServeOptions& options, const Clock& clock, std::string_view version);

}  // namespace rapport::main

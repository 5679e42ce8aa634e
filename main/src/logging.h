// Process-wide logging set-up: spdlog to stderr, as text for a person or as
// one JSON object per line for a log collector (RAPPORT_LOG_FORMAT=json).
#pragma once

namespace rapport::main {

// Reads RAPPORT_LOG_LEVEL (trace|debug|info|warn|error, default info) and
// RAPPORT_LOG_FORMAT (text|json, default text).
void ConfigureLogging();
// Writes every queued line and stops the logging thread; call before exiting.
void FlushLogging();

}  // namespace rapport::main

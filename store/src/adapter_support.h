// Small pieces both store adapters (sqlite/, postgres/) share: the clock a
// store records with, running a body so an escaping exception becomes a
// Status instead of taking a store thread down, and commit-time accounting.
//
// Thread safety: free functions without state; call from any thread.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <exception>
#include <string>

#include "rapport/app/store.h"
#include "rapport/base/clock.h"
#include "rapport/base/status.h"

namespace rapport::store {

inline const Clock& ClockOf(const app::StoreOptions& options) {
  static const SystemClock system_clock;
  return options.clock != nullptr ? *options.clock : system_clock;
}

template <typename Body, typename Transaction>
Status RunBody(const Body& body, Transaction& transaction) {
  try {
    return body(transaction);
  } catch (const std::exception& error) {
    return Internal(std::string("a store body threw: ") + error.what());
  }
}

inline std::uint64_t MicrosecondsSince(std::chrono::steady_clock::time_point start) {
  return static_cast<std::uint64_t>(
      std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - start).count());
}

// The counters behind Store::Stats(); both adapters keep the same ones.
// Relaxed atomics: each is a figure on its own, read for /metrics.
struct StoreCounters {
  std::atomic<std::uint64_t> write_commands{0};
  std::atomic<std::uint64_t> write_commands_failed{0};
  std::atomic<std::uint64_t> write_transactions{0};
  std::atomic<std::uint64_t> write_queue_depth{0};  // a gauge
  std::atomic<std::uint64_t> read_transactions{0};
  std::atomic<std::uint64_t> commit_microseconds_total{0};

  app::StoreStats Snapshot() const {
    app::StoreStats stats;
    stats.write_commands = write_commands.load();
    stats.write_commands_failed = write_commands_failed.load();
    stats.write_transactions = write_transactions.load();
    stats.write_queue_depth = write_queue_depth.load();
    stats.read_transactions = read_transactions.load();
    stats.commit_microseconds_total = commit_microseconds_total.load();
    return stats;
  }
};

}  // namespace rapport::store

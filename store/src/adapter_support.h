// Small pieces both store adapters (sqlite/, postgres/) share: the clock a
// store records with, running a body so an escaping exception becomes a
// Status instead of taking a store thread down, and commit-time accounting.
//
// Thread safety: free functions without state; call from any thread.
#pragma once

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

}  // namespace rapport::store

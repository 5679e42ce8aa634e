// The demo data generator: a realistic, reproducible data set for trying the
// product and for the benchmarks. The same seed and options always produce
// the same rows (names in English and Russian, companies, purchases spread
// over the two years before `now`, heavy-tailed purchase frequency as real
// customer bases have: most buy once or twice, a few buy often).
//
// Rows are written in bulk batches, each batch one store write, so memory
// stays bounded however many rows are asked for.
#pragma once

#include <cstdint>
#include <functional>
#include <string_view>

#include "rapport/app/random.h"
#include "rapport/app/store.h"
#include "rapport/base/clock.h"
#include "rapport/base/status.h"

namespace rapport::app {

struct DemoOptions {
  std::int64_t contacts = 1'000;   // 1..limits::kDemoContactsMax
  std::int64_t purchases = 5'000;  // 0..limits::kDemoPurchasesMax
  std::uint64_t seed = 1;
  Timestamp now{};                   // purchases fall in [now − 730 days, now)
  std::int64_t batch_rows = 20'000;  // rows per write transaction
};

struct DemoSummary {
  std::int64_t companies = 0;
  std::int64_t contacts = 0;
  std::int64_t purchases = 0;
};

// Called after each batch: which table and how many of its rows are written.
using DemoProgress = std::function<void(std::string_view table, std::int64_t done, std::int64_t total)>;

Status ValidateDemoOptions(const DemoOptions& options);

// Writes the data set; stops at the first failing batch (earlier batches stay).
Result<DemoSummary> GenerateDemoData(Store& store, const DemoOptions& options, const DemoProgress& progress);

}  // namespace rapport::app

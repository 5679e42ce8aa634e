// Small definitions belonging to the port headers.
#include <array>
#include <utility>

#include "rapport/app/job_queue.h"
#include "rapport/app/random.h"
#include "rapport/app/store.h"

namespace rapport::app {

std::string_view StoreKindName(StoreKind kind) {
  switch (kind) {
    case StoreKind::kSqlite: return "sqlite";
    case StoreKind::kPostgres: return "postgres";
  }
  RAPPORT_UNREACHABLE();
}

namespace {
constexpr std::array<std::pair<JobState, std::string_view>, 4> kJobStateNames = {{
    {JobState::kReady, "ready"},
    {JobState::kRunning, "running"},
    {JobState::kDone, "done"},
    {JobState::kDead, "dead"},
}};
}  // namespace

std::string_view JobStateName(JobState state) {
  for (const auto& [candidate, name] : kJobStateNames) {
    if (candidate == state) return name;
  }
  RAPPORT_UNREACHABLE();
}

std::optional<JobState> JobStateFromName(std::string_view name) {
  for (const auto& [state, candidate] : kJobStateNames) {
    if (candidate == name) return state;
  }
  return std::nullopt;
}

std::int64_t Random::Between(std::int64_t low, std::int64_t high) {
  RAPPORT_ASSERT(low <= high);
  const std::uint64_t span = static_cast<std::uint64_t>(high) - static_cast<std::uint64_t>(low) + 1;
  if (span == 0) return static_cast<std::int64_t>(Next());  // the whole int64 range
  // Rejection sampling removes modulo bias.
  const std::uint64_t limit = UINT64_MAX - UINT64_MAX % span;
  std::uint64_t draw = Next();
  while (draw >= limit) draw = Next();
  return low + static_cast<std::int64_t>(draw % span);
}

double Random::Unit() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }

}  // namespace rapport::app

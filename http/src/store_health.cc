#include "store_health.h"

namespace rapport::http {

std::optional<Status> StoreHealth::Begin() {
  const std::lock_guard lock(mutex_);
  if (!last_) return std::nullopt;  // nothing to answer with yet: every early probe pings
  const bool fresh = clock_.Now() - checked_at_ < max_age_;
  if (fresh || refreshing_) return *last_;
  refreshing_ = true;
  return std::nullopt;
}

void StoreHealth::Finish(Status status) {
  const std::lock_guard lock(mutex_);
  last_ = std::move(status);
  checked_at_ = clock_.Now();
  refreshing_ = false;
}

}  // namespace rapport::http

// StoreHealth: the store's last answer to a ping, shared by /healthz probes.
// A load balancer may probe many times a second; pinging the store for each
// would put a thread hop and a database round trip on every probe. Instead a
// probe reuses an answer younger than `max_age`, and when it is older exactly
// one probe refreshes it while the others keep answering with the last one.
// So /healthz reports what the store said at most `max_age` (plus one ping)
// ago — failures included.
//
// Thread safety: Begin and Finish may be called from any thread.
#pragma once

#include <mutex>
#include <optional>

#include "rapport/base/clock.h"
#include "rapport/base/status.h"

namespace rapport::http {

inline constexpr Microseconds kStoreHealthMaxAge{500'000};

class StoreHealth {
 public:
  StoreHealth(const Clock& clock, Microseconds max_age) : clock_(clock), max_age_(max_age) {}

  // The cached answer, or nullopt when this caller must ping and call Finish.
  std::optional<Status> Begin();
  void Finish(Status status);

 private:
  const Clock& clock_;
  const Microseconds max_age_;
  std::mutex mutex_;
  std::optional<Status> last_;  // guarded by mutex_
  Timestamp checked_at_;        // guarded by mutex_
  bool refreshing_ = false;     // guarded by mutex_
};

}  // namespace rapport::http

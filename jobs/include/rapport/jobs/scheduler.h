// Scheduler: turns named schedules (domain/schedule.h) into durable jobs.
//
// Each Tick(now) enqueues, for every schedule, its most recent occurrence at
// or before `now` as a job with run_at = the occurrence and
// dedupe_key = "schedule:<name>:<occurrence unix µs>". The store keeps at most
// one job per dedupe key, so any number of server processes sharing one
// PostgreSQL, and a process restarting, enqueue each occurrence exactly once.
//
// Catch-up policy: occurrences missed while no process was running are NOT
// replayed one by one; only the latest is enqueued (a nightly report that
// missed three nights runs once, now). A fresh install therefore runs each
// schedule's latest past occurrence once at first start.
//
// The loop thread started by Start() calls Tick(clock.Now()) and then sleeps
// until the earliest next occurrence (at most idle_wait_max, so clock jumps are
// noticed). Tests skip Start and call Tick with a FakeClock's time.
//
// Thread safety: Add before Start. Tick, Stop and Describe may be called from
// any thread (Tick calls are serialised).
#pragma once

#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "rapport/app/store.h"
#include "rapport/base/clock.h"
#include "rapport/base/status.h"

namespace rapport::jobs {

inline constexpr std::size_t kScheduleNameBytesMax = 64;
inline constexpr std::size_t kSchedulesMax = 1'000;

struct ScheduleDefinition {
  std::string name;       // [a-z0-9._-]{1,64}; part of the dedupe key, so keep it stable
  std::string spec;       // "daily 03:30", "every 5m" (domain/schedule.h)
  std::string time_zone;  // IANA name ("Europe/Moscow"); interval schedules ignore it
  std::string job_kind;   // the Worker handler that runs each occurrence
  std::string payload_json = "{}";
  int attempts_max = 3;
};

struct SchedulerOptions {
  Microseconds idle_wait_max{60'000'000};  // longest sleep between ticks
  Microseconds retry_wait{5'000'000};      // after a failed enqueue
  // Called after a tick that enqueued something (e.g. Worker::Notify).
  std::function<void()> on_enqueued;
};

struct TickOutcome {
  int enqueued = 0;                   // new jobs created by this tick
  int already_enqueued = 0;           // another node (or an earlier run) had enqueued the occurrence
  int failed = 0;                     // store errors; retried on a later tick
  std::optional<Timestamp> next_due;  // earliest next occurrence (or retry), none without schedules
};

// A schedule as the scheduler sees it now, for `rapport jobs schedules` and /metrics.
struct ScheduleStatus {
  std::string name;
  std::string spec;  // canonical text
  std::string time_zone;
  std::string job_kind;
  std::optional<Timestamp> last_enqueued;  // the occurrence most recently enqueued by this process
};

class Scheduler {
 public:
  // `store` and `clock` must outlive the Scheduler.
  Scheduler(app::Store& store, const Clock& clock, SchedulerOptions options = {});
  ~Scheduler();  // Stop()s
  Scheduler(const Scheduler&) = delete;
  Scheduler& operator=(const Scheduler&) = delete;

  // kInvalidArgument for a bad name, spec, zone or kind; kAlreadyExists for a
  // duplicate name; kResourceExhausted beyond kSchedulesMax;
  // kFailedPrecondition after Start.
  Status Add(ScheduleDefinition definition);

  // Enqueues every schedule's latest occurrence at or before `now` that this
  // process has not enqueued yet.
  TickOutcome Tick(Timestamp now);

  Status Start();
  void Stop();  // idempotent

  std::vector<ScheduleStatus> Describe() const;

 private:
  struct Entry;

  void Loop();

  app::Store& store_;
  const Clock& clock_;
  const SchedulerOptions options_;

  mutable std::mutex mutex_;  // guards entries_ and serialises Tick
  std::vector<std::unique_ptr<Entry>> entries_;

  std::mutex loop_mutex_;
  std::condition_variable wake_;
  bool started_ = false;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace rapport::jobs

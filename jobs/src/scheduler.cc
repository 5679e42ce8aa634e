// Scheduler implementation (see scheduler.h).
#include "rapport/jobs/scheduler.h"

#include <algorithm>
#include <exception>

#include <date/tz.h>
#include <spdlog/spdlog.h>

#include "rapport/base/limits.h"
#include "rapport/domain/schedule.h"

namespace rapport::jobs {

struct Scheduler::Entry {
  ScheduleDefinition definition;
  domain::ScheduleSpec spec;
  const date::time_zone* zone = nullptr;
  std::optional<Timestamp> last_enqueued;
};

namespace {

bool IsValidName(std::string_view name) {
  if (name.empty() || name.size() > kScheduleNameBytesMax) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
  });
}

// date::locate_zone throws for unknown names: converted here, at the edge.
Result<const date::time_zone*> LocateZone(const std::string& name) {
  try {
    return date::locate_zone(name);
  } catch (const std::exception& exception) {
    return InvalidArgument("unknown time zone '" + name +
                           "' (use an IANA name such as Europe/Moscow): " + exception.what());
  }
}

std::string DedupeKey(std::string_view name, Timestamp occurrence) {
  return "schedule:" + std::string(name) + ":" + std::to_string(ToUnixMicros(occurrence));
}

}  // namespace

Scheduler::Scheduler(app::Store& store, const Clock& clock, SchedulerOptions options)
    : store_(store), clock_(clock), options_(std::move(options)) {}

Scheduler::~Scheduler() { Stop(); }

Status Scheduler::Add(ScheduleDefinition definition) {
  const std::string context = "schedule '" + definition.name + "'";
  if (!IsValidName(definition.name)) {
    return InvalidArgument(context + ": names are 1-64 characters of a-z, 0-9, '.', '_' and '-'");
  }
  if (definition.job_kind.empty()) return InvalidArgument(context + ": needs a job kind");
  if (definition.attempts_max < 1 || definition.attempts_max > limits::kJobAttemptsMax) {
    return InvalidArgument(context + ": attempts_max must be 1.." + std::to_string(limits::kJobAttemptsMax));
  }
  if (definition.payload_json.size() > limits::kJobPayloadBytesMax) {
    return InvalidArgument(context + ": payload over the job payload limit");
  }
  RAPPORT_ASSIGN_OR_RETURN(const domain::ScheduleSpec spec, domain::ParseSchedule(definition.spec));
  RAPPORT_ASSIGN_OR_RETURN(const date::time_zone* zone, LocateZone(definition.time_zone));

  std::lock_guard lock(mutex_);
  {
    std::lock_guard loop_lock(loop_mutex_);
    if (started_) return FailedPrecondition(context + ": add schedules before the scheduler starts");
  }
  if (entries_.size() >= kSchedulesMax) return ResourceExhausted("at most 1000 schedules");
  for (const auto& entry : entries_) {
    if (entry->definition.name == definition.name) return AlreadyExists(context + " is already defined");
  }
  auto entry = std::make_unique<Entry>();
  entry->definition = std::move(definition);
  entry->spec = spec;
  entry->zone = zone;
  entries_.push_back(std::move(entry));
  return {};
}

TickOutcome Scheduler::Tick(Timestamp now) {
  TickOutcome outcome;
  std::lock_guard lock(mutex_);
  for (const auto& entry : entries_) {
    const Timestamp occurrence = domain::LatestOccurrence(entry->spec, *entry->zone, now);
    std::optional<Timestamp> due = domain::NextOccurrence(entry->spec, *entry->zone, now);
    if (entry->last_enqueued != occurrence) {
      app::NewJob job{.kind = entry->definition.job_kind,
                      .payload_json = entry->definition.payload_json,
                      .run_at = occurrence,
                      .attempts_max = entry->definition.attempts_max,
                      .dedupe_key = DedupeKey(entry->definition.name, occurrence)};
      app::EnqueueOutcome enqueued;
      const Status status = store_.Write([&](app::WriteTransaction& transaction) -> Status {
        RAPPORT_ASSIGN_OR_RETURN(enqueued, transaction.Jobs().Enqueue(job, now));
        return {};
      });
      if (status.ok()) {
        entry->last_enqueued = occurrence;
        ++(enqueued.created ? outcome.enqueued : outcome.already_enqueued);
        if (enqueued.created) {
          spdlog::info("schedule {}: enqueued job {} ({}) for {}", entry->definition.name, enqueued.id.value(),
                       job.kind, FormatRfc3339(occurrence));
        }
      } else {
        ++outcome.failed;
        due = now + options_.retry_wait;
        spdlog::warn("schedule {}: enqueueing the occurrence at {} failed: {}", entry->definition.name,
                     FormatRfc3339(occurrence), status.ToString());
      }
    }
    if (!outcome.next_due || *due < *outcome.next_due) outcome.next_due = due;
  }
  return outcome;
}

Status Scheduler::Start() {
  std::lock_guard loop_lock(loop_mutex_);
  if (started_ || stopping_) return FailedPrecondition("the scheduler was already started");
  started_ = true;
  thread_ = std::thread([this] { Loop(); });
  return {};
}

void Scheduler::Stop() {
  {
    std::lock_guard loop_lock(loop_mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

std::vector<ScheduleStatus> Scheduler::Describe() const {
  std::lock_guard lock(mutex_);
  std::vector<ScheduleStatus> described;
  for (const auto& entry : entries_) {
    described.push_back(ScheduleStatus{entry->definition.name, domain::FormatSchedule(entry->spec),
                                       entry->definition.time_zone, entry->definition.job_kind, entry->last_enqueued});
  }
  return described;
}

void Scheduler::Loop() {
  std::unique_lock loop_lock(loop_mutex_);
  while (!stopping_) {
    loop_lock.unlock();
    const TickOutcome outcome = Tick(clock_.Now());
    if (outcome.enqueued > 0 && options_.on_enqueued) options_.on_enqueued();
    // Sleep until the next occurrence; a millisecond more so that the wake-up
    // is not a hair early, and never longer than idle_wait_max.
    Microseconds wait = options_.idle_wait_max;
    if (outcome.next_due) {
      wait = std::clamp<Microseconds>(*outcome.next_due - clock_.Now() + Microseconds(1'000), Microseconds(0),
                                      options_.idle_wait_max);
    }
    loop_lock.lock();
    wake_.wait_for(loop_lock, wait, [this] { return stopping_; });
  }
}

}  // namespace rapport::jobs

// Built-in maintenance jobs (see builtins.h).
#include "rapport/jobs/builtins.h"

#include <functional>

#include <spdlog/spdlog.h>

namespace rapport::jobs {

Result<std::int64_t> PruneDoneJobs(JobContext& context, const BuiltinOptions& options) {
  RAPPORT_ASSERT(options.prune_batch_size >= 1 && options.prune_batch_size <= kPruneBatchSizeMax);
  const Timestamp cutoff = context.clock().Now() - options.done_retention;
  std::int64_t deleted_total = 0;
  for (int batch = 0; batch < options.prune_batches_per_run_max && !context.cancelled(); ++batch) {
    std::int64_t deleted = 0;
    RAPPORT_RETURN_IF_ERROR(context.store().Write([&](app::WriteTransaction& transaction) -> Status {
      RAPPORT_ASSIGN_OR_RETURN(deleted, transaction.Jobs().PruneDone(cutoff, options.prune_batch_size));
      return {};
    }));
    deleted_total += deleted;
    if (deleted < options.prune_batch_size) break;
  }
  return deleted_total;
}

namespace {

// Registers a loyalty job that calls `step` until it has nothing more to do
// (or the worker is stopping), and its schedule. `unit` names what a run
// counts in the log ("lots", "members").
Status RegisterLoyaltyJob(Worker& worker, Scheduler& scheduler, const BuiltinOptions& options, std::string_view kind,
                          const std::string& spec, std::string_view unit, std::function<Result<app::JobRun>()> step) {
  RAPPORT_RETURN_IF_ERROR(
      worker.Register(std::string(kind), [kind, unit, step](const app::Job&, JobContext& context) -> Status {
        std::int64_t count = 0;
        Points points{0};
        bool more = true;
        while (more && !context.cancelled()) {
          RAPPORT_ASSIGN_OR_RETURN(const app::JobRun run, step());
          count += run.lots;
          points += run.points;
          more = run.more;
        }
        if (count > 0) spdlog::info("{}: {} {}, {} points", kind, count, unit, points.count());
        return {};
      }));
  return scheduler.Add(ScheduleDefinition{.name = std::string(kind),
                                          .spec = spec,
                                          .time_zone = options.time_zone,
                                          .job_kind = std::string(kind),
                                          .payload_json = "{}",
                                          .attempts_max = 3});
}

Status RegisterLoyaltyJobs(Worker& worker, Scheduler& scheduler, const BuiltinOptions& options) {
  app::LoyaltyService* loyalty = options.loyalty;
  RAPPORT_RETURN_IF_ERROR(RegisterLoyaltyJob(worker, scheduler, options, kReleasePointsJobKind,
                                             options.release_points_schedule, "lots",
                                             [loyalty] { return loyalty->ReleaseDue(kLoyaltyJobLotsPerStep); }));
  return RegisterLoyaltyJob(worker, scheduler, options, kExpirePointsJobKind, options.expire_points_schedule, "lots",
                            [loyalty] { return loyalty->ExpireDue(kLoyaltyJobLotsPerStep); });
}

// A programme job's run in the loyalty jobs' terms (members as the count).
Result<app::JobRun> AsJobRun(Result<app::ProgrammeJobRun> run) {
  RAPPORT_RETURN_IF_ERROR(run.status());
  return app::JobRun{.lots = run->members, .more = run->more};
}

Status RegisterProgrammeJobs(Worker& worker, Scheduler& scheduler, const BuiltinOptions& options) {
  app::ProgrammeService* programme = options.programme;
  RAPPORT_RETURN_IF_ERROR(
      RegisterLoyaltyJob(worker, scheduler, options, kReviewTiersJobKind, options.review_tiers_schedule, "members",
                         [programme] { return AsJobRun(programme->ReviewTiers(kProgrammeJobMembersPerStep)); }));
  return RegisterLoyaltyJob(
      worker, scheduler, options, kBirthdayBonusesJobKind, options.birthday_bonuses_schedule, "members",
      [programme] { return AsJobRun(programme->PayBirthdayBonuses(kProgrammeJobMembersPerStep)); });
}

}  // namespace

Status RegisterBuiltins(Worker& worker, Scheduler& scheduler, const BuiltinOptions& options) {
  if (options.prune_batch_size < 1 || options.prune_batch_size > kPruneBatchSizeMax) {
    return InvalidArgument("prune batch size must be 1.." + std::to_string(kPruneBatchSizeMax));
  }
  if (options.prune_batches_per_run_max < 1) return InvalidArgument("prune batches per run must be positive");
  RAPPORT_RETURN_IF_ERROR(
      worker.Register(std::string(kPruneDoneJobKind), [options](const app::Job&, JobContext& context) -> Status {
        RAPPORT_ASSIGN_OR_RETURN(const std::int64_t deleted, PruneDoneJobs(context, options));
        spdlog::info("{}: deleted {} done jobs older than {} days", kPruneDoneJobKind, deleted,
                     options.done_retention.count() / 24);
        return {};
      }));
  RAPPORT_RETURN_IF_ERROR(scheduler.Add(ScheduleDefinition{.name = std::string(kPruneDoneScheduleName),
                                                           .spec = options.prune_schedule,
                                                           .time_zone = options.time_zone,
                                                           .job_kind = std::string(kPruneDoneJobKind),
                                                           .payload_json = "{}",
                                                           .attempts_max = 3}));
  if (options.access != nullptr) {
    app::AccessService* access = options.access;
    RAPPORT_RETURN_IF_ERROR(
        worker.Register(std::string(kPruneSessionsJobKind), [access](const app::Job&, JobContext&) -> Status {
          RAPPORT_ASSIGN_OR_RETURN(const std::int64_t deleted, access->PruneExpiredSessions());
          spdlog::info("{}: deleted {} expired sessions", kPruneSessionsJobKind, deleted);
          return {};
        }));
    RAPPORT_RETURN_IF_ERROR(scheduler.Add(ScheduleDefinition{.name = std::string(kPruneSessionsJobKind),
                                                             .spec = options.prune_sessions_schedule,
                                                             .time_zone = options.time_zone,
                                                             .job_kind = std::string(kPruneSessionsJobKind),
                                                             .payload_json = "{}",
                                                             .attempts_max = 3}));
  }
  if (options.loyalty != nullptr) RAPPORT_RETURN_IF_ERROR(RegisterLoyaltyJobs(worker, scheduler, options));
  if (options.programme != nullptr) RAPPORT_RETURN_IF_ERROR(RegisterProgrammeJobs(worker, scheduler, options));
  return Status::Ok();
}

}  // namespace rapport::jobs

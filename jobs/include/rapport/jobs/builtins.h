// The built-in maintenance jobs and their schedules, registered by main.
//
//  jobs.prune_done   deletes done jobs finished more than done_retention ago,
//                    in batches of prune_batch_size rows (one short write each,
//                    so the writer is never held long), at most
//                    prune_batches_per_run_max batches per run; what is left
//                    waits for the next run. Scheduled "daily 03:30" in the
//                    server's time zone.
//  access.prune_sessions  deletes sessions past their idle or absolute
//                    deadline (they are refused anyway; this keeps the table
//                    small). Scheduled "every 1h" when an AccessService is given.
//  loyalty.release_points  makes pending points available once their return
//                    window has passed ("every 5m"), and
//  loyalty.expire_points   expires lots past their date and the lots of
//                    inactive members ("every 15m"); both when a
//                    LoyaltyService is given, each in steps of
//                    kLoyaltyJobLotsPerStep lots (one short write each) until
//                    nothing is due.
//  loyalty.review_tiers    reviews the tiers whose period (or grace) ended:
//                    renewals, grace, downgrades ("every 15m"), and
//  loyalty.birthday_bonuses  pays the birthday bonus to members whose
//                    birthday it is in the programme's zone ("every 1h");
//                    both when a ProgrammeService is given, in steps of
//                    kProgrammeJobMembersPerStep members.
//
// Thread safety: call RegisterBuiltins once, before starting the worker and
// the scheduler.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "rapport/app/access_service.h"
#include "rapport/app/loyalty_service.h"
#include "rapport/app/programme_service.h"
#include "rapport/app/store.h"
#include "rapport/base/status.h"
#include "rapport/jobs/scheduler.h"
#include "rapport/jobs/worker.h"

namespace rapport::jobs {

inline constexpr std::string_view kPruneDoneJobKind = "jobs.prune_done";
inline constexpr std::string_view kPruneDoneScheduleName = "jobs.prune_done";
inline constexpr int kPruneBatchSizeMax = 10'000;
inline constexpr std::string_view kPruneSessionsJobKind = "access.prune_sessions";
inline constexpr std::string_view kReleasePointsJobKind = "loyalty.release_points";
inline constexpr std::string_view kExpirePointsJobKind = "loyalty.expire_points";
inline constexpr int kLoyaltyJobLotsPerStep = 200;
inline constexpr std::string_view kReviewTiersJobKind = "loyalty.review_tiers";
inline constexpr std::string_view kBirthdayBonusesJobKind = "loyalty.birthday_bonuses";
inline constexpr int kProgrammeJobMembersPerStep = 200;

struct BuiltinOptions {
  std::string time_zone = "UTC";  // the server's zone (IANA name)
  std::string prune_schedule = "daily 03:30";
  std::chrono::hours done_retention{14 * 24};
  int prune_batch_size = 1'000;  // 1..kPruneBatchSizeMax
  int prune_batches_per_run_max = 1'000;
  app::AccessService* access = nullptr;  // null: no session pruning
  std::string prune_sessions_schedule = "every 1h";
  app::LoyaltyService* loyalty = nullptr;  // null: no loyalty jobs
  std::string release_points_schedule = "every 5m";
  std::string expire_points_schedule = "every 15m";
  app::ProgrammeService* programme = nullptr;  // null: no tier reviews or birthday bonuses
  std::string review_tiers_schedule = "every 15m";
  std::string birthday_bonuses_schedule = "every 1h";
};

// Registers the built-in handlers on `worker` and their schedules on `scheduler`.
Status RegisterBuiltins(Worker& worker, Scheduler& scheduler, const BuiltinOptions& options);

// The body of jobs.prune_done: returns how many jobs were deleted. Stops early
// (successfully) when `context.cancelled()`.
Result<std::int64_t> PruneDoneJobs(JobContext& context, const BuiltinOptions& options);

}  // namespace rapport::jobs

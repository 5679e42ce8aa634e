#include "serve.h"

#include <pthread.h>
#include <signal.h>

#include <cstdio>
#include <memory>
#include <optional>
#include <random>

#include <date/tz.h>
#include <spdlog/spdlog.h>

#include "rapport/app/random.h"
#include "rapport/http/server.h"
#include "rapport/jobs/builtins.h"
#include "rapport/jobs/consumer.h"
#include "rapport/jobs/scheduler.h"
#include "rapport/jobs/worker.h"
#include "rapport/store/open_store.h"
#include "rapport/web/assets.h"

namespace rapport::main {
namespace {

constexpr int kExitFailure = 1;
constexpr int kExitUsage = 2;

std::string DisplayUrl(const std::string& host, std::uint16_t port) {
  const bool ipv6 = host.find(':') != std::string::npos;
  return "http://" + (ipv6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

http::MetricsCollector JobMetrics(const jobs::Worker& worker, const jobs::ConsumerRunner& consumers) {
  return [&worker, &consumers](http::MetricsSink& sink) {
    const jobs::WorkerStats stats = worker.Stats();
    sink.Counter("rapport_jobs_claimed_total", "Job attempts claimed by this process",
                 static_cast<double>(stats.claimed));
    sink.Counter("rapport_jobs_succeeded_total", "Job attempts that succeeded", static_cast<double>(stats.succeeded));
    sink.Counter("rapport_jobs_failed_total", "Job attempts that failed and will be retried",
                 static_cast<double>(stats.failed));
    sink.Counter("rapport_jobs_dead_total", "Jobs that failed their last attempt", static_cast<double>(stats.dead));
    sink.Counter("rapport_jobs_lease_lost_total", "Job outcomes dropped because the lease was lost",
                 static_cast<double>(stats.lease_lost));
    sink.Gauge("rapport_jobs_running", "Jobs running in this process now", static_cast<double>(stats.running));
    for (const jobs::ConsumerStats& consumer : consumers.Stats()) {
      const http::MetricLabels labels{{"consumer", consumer.name}};
      sink.Gauge("rapport_consumer_lag_events", "Events in the log not yet processed by the consumer",
                 static_cast<double>(consumer.lag), labels);
      sink.Counter("rapport_consumer_events_total", "Events processed by the consumer",
                   static_cast<double>(consumer.events_handled), labels);
      sink.Counter("rapport_consumer_failures_total", "Failed consumer batches", static_cast<double>(consumer.failures),
                   labels);
    }
  };
}

// Blocks SIGTERM and SIGINT in this thread before any other thread starts, so
// every thread inherits the mask and only WaitForShutdownSignal receives them.
sigset_t BlockShutdownSignals() {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  return signals;
}

int WaitForShutdownSignal(const sigset_t& signals) {
  int signal_number = 0;
  while (sigwait(&signals, &signal_number) != 0) {
  }
  return signal_number;
}

}  // namespace

int Serve(const cli::ServeOptions& options, const Clock& clock, std::string_view version) {
  try {
    (void)date::locate_zone(options.time_zone);
  } catch (const std::runtime_error&) {
    spdlog::error("unknown time zone '{}' (expected an IANA name such as Europe/Moscow)", options.time_zone);
    return kExitUsage;
  }
  const sigset_t signals = BlockShutdownSignals();

  Result<std::unique_ptr<app::Store>> opened = store::OpenStore(options.store);
  if (!opened.ok()) {
    spdlog::error("cannot open the database: {}", opened.status().ToString());
    return kExitFailure;
  }
  std::unique_ptr<app::Store> store = std::move(opened).value();

  constexpr std::int64_t kMicrosecondsPerMinute = 60'000'000;
  app::AccessOptions access_options{.password_hash = options.password_hash};
  access_options.session_idle_timeout_us = options.session_idle_minutes * kMicrosecondsPerMinute;
  access_options.session_absolute_timeout_us = options.session_hours * 60 * kMicrosecondsPerMinute;
  access_options.token_requests_per_second = options.token_requests_per_second;
  access_options.token_burst = options.token_burst;
  app::AccessService access(*store, clock, access_options);
  Result<std::optional<app::FirstAdmin>> first_admin =
      access.EnsureFirstAdmin(options.admin_email, options.admin_password);
  if (!first_admin.ok()) {
    spdlog::error("cannot create the first admin: {}", first_admin.status().ToString());
    (void)store->Close();
    return kExitFailure;
  }
  if (*first_admin) {
    const app::FirstAdmin& admin = **first_admin;
    if (admin.generated) {
      // Shown once: only its argon2id hash is kept. Change it under Account after signing in.
      std::printf("First admin: %s password: %s\n", admin.user.email.c_str(), admin.password.c_str());
      (void)std::fflush(stdout);
    }
    spdlog::info("created the first admin {}{}", admin.user.email,
                 admin.generated ? " with the generated password printed above" : " with RAPPORT_ADMIN_PASSWORD");
  }

  // Before the job runtime, which calls it, so it is destroyed after it.
  app::LoyaltyService loyalty(*store, clock);
  app::RewardService rewards(*store, clock);
  app::ProgrammeService programme(*store, clock);
  app::SeededRandom random(std::random_device{}());
  jobs::Worker worker(*store, clock, random, jobs::WorkerOptions{});
  jobs::Scheduler scheduler(*store, clock, jobs::SchedulerOptions{.on_enqueued = [&worker] { worker.Notify(); }});
  jobs::ConsumerRunner consumers(*store, clock);
  Status status = jobs::RegisterBuiltins(
      worker, scheduler,
      jobs::BuiltinOptions{
          .time_zone = options.time_zone, .access = &access, .loyalty = &loyalty, .programme = &programme});
  if (status.ok()) status = worker.Start();
  if (status.ok()) status = scheduler.Start();
  if (status.ok()) status = consumers.Start();
  if (!status.ok()) {
    spdlog::error("cannot start the job runtime: {}", status.ToString());
    (void)store->Close();
    return kExitFailure;
  }

  app::ContactService contacts(*store, clock, app::ContactServiceOptions{.default_calling_code = options.calling_code});
  app::CardDetailsService card_details(*store, clock);
  app::DuplicateService duplicates(*store, clock);
  app::ContactImporter importer(*store, clock);
  app::ContactExporter exporter(*store, clock);
  app::ImportMappingService mappings(*store, clock);

  http::ServerOptions server_options;
  server_options.host = options.host;
  server_options.port = options.port;
  server_options.io_threads = options.io_threads;
  server_options.trust_proxy_headers = options.trust_proxy_headers;
  server_options.secure_cookies = options.secure_cookies;
  http::ServerDependencies dependencies;
  dependencies.store = store.get();
  dependencies.clock = &clock;
  dependencies.access = &access;
  dependencies.relationships = http::RelationshipServices{.contacts = &contacts,
                                                          .card_details = &card_details,
                                                          .duplicates = &duplicates,
                                                          .importer = &importer,
                                                          .exporter = &exporter,
                                                          .mappings = &mappings};
  dependencies.loyalty = &loyalty;
  dependencies.rewards = &rewards;
  dependencies.programme = &programme;
  dependencies.version = std::string(version);
  dependencies.assets = web::EmbeddedAssets();
  dependencies.collectors.push_back(JobMetrics(worker, consumers));
  Result<std::unique_ptr<http::Server>> server = http::Server::Start(server_options, std::move(dependencies));
  if (!server.ok()) {
    spdlog::error("cannot start the HTTP server: {}", server.status().ToString());
    consumers.Stop();
    scheduler.Stop();
    worker.Stop();
    (void)store->Close();
    return kExitFailure;
  }

  // Scripts and tests read this line to find the port.
  std::printf("Listening on %s\n", DisplayUrl(options.host, (*server)->port()).c_str());
  (void)std::fflush(stdout);
  spdlog::info("rapport {} serving {} with {} database", version, DisplayUrl(options.host, (*server)->port()),
               app::StoreKindName(store->kind()));

  const int signal_number = WaitForShutdownSignal(signals);
  spdlog::info("{} received: finishing requests in flight, then stopping",
               signal_number == SIGTERM ? "SIGTERM" : "SIGINT");
  (*server)->Shutdown();
  consumers.Stop();
  scheduler.Stop();
  if (worker.Stop() == jobs::StopOutcome::kCancelled) {
    spdlog::warn("some jobs were still running at shutdown; their leases expire and they run again");
  }
  status = store->Close();
  if (!status.ok()) {
    spdlog::error("closing the database: {}", status.ToString());
    return kExitFailure;
  }
  spdlog::info("stopped cleanly");
  return 0;
}

}  // namespace rapport::main

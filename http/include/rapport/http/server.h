// The HTTP server: the REST API under /api/v1, /healthz, /metrics and the
// embedded web UI, served by one process. This header is the whole public
// surface of the http layer; the transport (Boost.Beast) stays private.
//
// Lifecycle: Start() binds and starts the io threads; Shutdown() stops
// accepting, lets requests in flight finish (up to shutdown_grace_ms), closes
// idle keep-alive connections and joins every thread; Wait() blocks until
// that has happened. Signal handling belongs to the caller.
//
// Thread safety: Shutdown() and Wait() may be called from any thread except an
// io thread of the server itself; Shutdown() is idempotent. The store, clock,
// access service, use-case services and assets must outlive the Server.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "rapport/app/access_service.h"
#include "rapport/app/card_details_service.h"
#include "rapport/app/contact_service.h"
#include "rapport/app/contact_transfer.h"
#include "rapport/app/duplicate_service.h"
#include "rapport/app/import_mappings.h"
#include "rapport/app/loyalty_service.h"
#include "rapport/app/programme_service.h"
#include "rapport/app/reward_service.h"
#include "rapport/app/store.h"
#include "rapport/base/clock.h"
#include "rapport/base/limits.h"
#include "rapport/base/status.h"

namespace rapport::http {

// One embedded UI file; the web build generates a table of these.
struct StaticAsset {
  std::string_view path;                    // "/index.html", "/assets/app-3f2a.js"
  std::string_view content_type;            // "text/javascript; charset=utf-8"
  std::string_view etag;                    // strong ETag including quotes: a content hash
  std::span<const unsigned char> identity;  // raw bytes
  std::span<const unsigned char> gzip;      // gzip-compressed bytes; empty: serve identity
  bool immutable = false;                   // hashed file name: cacheable forever
};

struct MetricLabel {
  std::string name;
  std::string value;
};
using MetricLabels = std::vector<MetricLabel>;

// Receives the samples a collector emits while /metrics renders. Samples of one
// name must share help text and kind; labels distinguish them.
class MetricsSink {
 public:
  virtual ~MetricsSink() = default;
  virtual void Counter(std::string_view name, std::string_view help, double value, MetricLabels labels = {}) = 0;
  virtual void Gauge(std::string_view name, std::string_view help, double value, MetricLabels labels = {}) = 0;
};
// Called on an io thread for every scrape; must be quick and thread-safe.
using MetricsCollector = std::function<void(MetricsSink&)>;

struct ServerOptions {
  std::string host = "127.0.0.1";
  std::uint16_t port = 8080;  // 0: an ephemeral port, see Server::port()
  int io_threads = 2;
  int blocking_threads = 16;  // store reads and other blocking work
  // Take the client address from X-Forwarded-For (only behind a reverse proxy).
  bool trust_proxy_headers = false;
  // Mark the session cookie Secure on every response, not only when a trusted
  // proxy says the client used https (set it when TLS ends before Rapport).
  bool secure_cookies = false;

  std::size_t body_bytes_max = limits::kHttpBodyBytesMax;      // 413 above
  std::size_t header_bytes_max = limits::kHttpHeaderBytesMax;  // 431 above
  std::size_t target_bytes_max = limits::kHttpTargetBytesMax;  // 414 above
  int read_timeout_ms = limits::kHttpReadTimeoutMs;
  int idle_timeout_ms = limits::kHttpIdleTimeoutMs;
  int shutdown_grace_ms = limits::kHttpShutdownGraceMs;
  std::size_t connections_max = limits::kHttpConnectionsMax;
};

// The use cases of the client card the API serves; all required.
struct RelationshipServices {
  app::ContactService* contacts = nullptr;
  app::CardDetailsService* card_details = nullptr;
  app::DuplicateService* duplicates = nullptr;
  app::ContactImporter* importer = nullptr;
  app::ContactExporter* exporter = nullptr;
  app::ImportMappingService* mappings = nullptr;
};

struct ServerDependencies {
  app::Store* store = nullptr;                 // required; its Stats() are exported on /metrics
  const Clock* clock = nullptr;                // required
  std::string version;                         // the product version, e.g. "0.1.0"
  std::span<const StaticAsset> assets;         // empty: the UI was built without Node
  std::vector<MetricsCollector> collectors;    // extra /metrics sources (jobs, ...)
  app::AccessService* access = nullptr;        // required: authenticates every non-public request
  RelationshipServices relationships{};        // required
  app::LoyaltyService* loyalty = nullptr;      // required: the loyalty programme
  app::RewardService* rewards = nullptr;       // required: the rewards catalogue and redemptions
  app::ProgrammeService* programme = nullptr;  // required: coupons, referrals, tiers
};

class Server {
 public:
  // Binds host:port and starts serving. kInvalidArgument for a bad option,
  // kUnavailable when the address cannot be bound.
  static Result<std::unique_ptr<Server>> Start(ServerOptions options, ServerDependencies dependencies);

  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // The bound port (the chosen one when options.port was 0).
  std::uint16_t port() const;
  // Stops accepting, drains requests in flight for at most shutdown_grace_ms,
  // closes every connection and joins the threads. Idempotent; blocks.
  void Shutdown();
  // Blocks until Shutdown() has completed.
  void Wait();

  class Impl;  // private to server.cc; only it can build a Server
  explicit Server(std::unique_ptr<Impl> impl);

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace rapport::http

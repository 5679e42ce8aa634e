// HTTP metrics and the Prometheus text exposition format (0.0.4).
//
// HttpMetrics counts requests per (route, method, status), a latency histogram
// per route, requests in flight and open connections. Route labels are the
// route patterns plus "static" (UI assets) and "unmatched", so label
// cardinality is bounded by the route table, never by client input.
//
// PrometheusText is the MetricsSink that /metrics renders: samples are grouped
// per metric name so each family is contiguous with one HELP and TYPE line.
//
// Thread safety: HttpMetrics is safe from any thread (atomics; a mutex per
// route for the status counters). PrometheusText belongs to one scrape.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "rapport/app/store.h"
#include "rapport/http/server.h"

namespace rapport::http {

class PrometheusText final : public MetricsSink {
 public:
  void Counter(std::string_view name, std::string_view help, double value, MetricLabels labels = {}) override;
  void Gauge(std::string_view name, std::string_view help, double value, MetricLabels labels = {}) override;
  // `cumulative_counts[i]` counts observations ≤ `upper_bounds[i]`; +Inf is `count`.
  void Histogram(std::string_view name, std::string_view help, const MetricLabels& labels,
                 std::span<const double> upper_bounds, std::span<const std::uint64_t> cumulative_counts, double sum,
                 std::uint64_t count);
  std::string Render() const;

 private:
  struct Family {
    std::string help;
    std::string type;
    std::vector<std::string> lines;
  };
  Family& FamilyFor(std::string_view name, std::string_view help, std::string_view type);
  static std::string Sample(std::string_view name, const MetricLabels& labels, double value);

  std::map<std::string, Family, std::less<>> families_;
};

// Escapes a label value: backslash, double quote and newline.
std::string EscapeLabelValue(std::string_view value);
// A sample value: integers without a fraction, others in shortest round-trip form.
std::string FormatSampleValue(double value);

inline constexpr std::array<double, 14> kLatencyBucketsSeconds = {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01,
                                                                  0.025,  0.05,    0.1,    0.25,  0.5,    1.0,   5.0};

class HttpMetrics {
 public:
  explicit HttpMetrics(std::vector<std::string> route_patterns);

  std::size_t StaticSlot() const { return slots_.size() - 2; }
  std::size_t UnmatchedSlot() const { return slots_.size() - 1; }

  void RecordRequest(std::size_t slot, std::string_view method, int status, std::int64_t duration_us);
  void RequestStarted() { in_flight_.fetch_add(1, std::memory_order_relaxed); }
  void RequestFinished() { in_flight_.fetch_sub(1, std::memory_order_relaxed); }
  void ConnectionOpened() { connections_.fetch_add(1, std::memory_order_relaxed); }
  void ConnectionClosed() { connections_.fetch_sub(1, std::memory_order_relaxed); }
  std::int64_t connections() const { return connections_.load(std::memory_order_relaxed); }

  void Collect(PrometheusText& out) const;

 private:
  struct Slot {
    std::string route;
    std::array<std::atomic<std::uint64_t>, kLatencyBucketsSeconds.size()> buckets{};  // not cumulative
    std::atomic<std::uint64_t> count{0};
    std::atomic<std::uint64_t> duration_us_total{0};
    mutable std::mutex mutex;
    std::map<std::pair<std::string, int>, std::uint64_t> by_method_status;  // guarded by mutex
  };
  std::vector<std::unique_ptr<Slot>> slots_;
  std::atomic<std::int64_t> in_flight_{0};
  std::atomic<std::int64_t> connections_{0};
};

// Emits app::StoreStats as rapport_store_* metrics.
void CollectStoreStats(const app::StoreStats& stats, std::string_view store_kind, MetricsSink& sink);

}  // namespace rapport::http

// Prometheus text rendering and the HTTP request metrics (see metrics.h).
#include "metrics.h"

#include <cmath>

#include <fmt/format.h>

#include "rapport/base/assert.h"

namespace rapport::http {

std::string EscapeLabelValue(std::string_view value) {
  std::string escaped;
  escaped.reserve(value.size());
  for (char c : value) {
    if (c == '\\') {
      escaped += "\\\\";
    } else if (c == '"') {
      escaped += "\\\"";
    } else if (c == '\n') {
      escaped += "\\n";
    } else {
      escaped += c;
    }
  }
  return escaped;
}

std::string FormatSampleValue(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  constexpr double kExactIntegerMax = 9007199254740992.0;  // 2^53
  if (value == std::floor(value) && std::fabs(value) < kExactIntegerMax) {
    return fmt::format("{}", static_cast<std::int64_t>(value));
  }
  return fmt::format("{}", value);
}

std::string PrometheusText::Sample(std::string_view name, const MetricLabels& labels, double value) {
  std::string line(name);
  if (!labels.empty()) {
    line += '{';
    for (std::size_t index = 0; index < labels.size(); ++index) {
      if (index > 0) line += ',';
      line += labels[index].name;
      line += "=\"";
      line += EscapeLabelValue(labels[index].value);
      line += '"';
    }
    line += '}';
  }
  line += ' ';
  line += FormatSampleValue(value);
  return line;
}

PrometheusText::Family& PrometheusText::FamilyFor(std::string_view name, std::string_view help, std::string_view type) {
  auto found = families_.find(name);
  if (found == families_.end()) {
    found = families_.emplace(std::string(name), Family{std::string(help), std::string(type), {}}).first;
  }
  RAPPORT_ASSERT_MSG(found->second.type == type, "one metric name, one kind");
  return found->second;
}

void PrometheusText::Counter(std::string_view name, std::string_view help, double value, MetricLabels labels) {
  FamilyFor(name, help, "counter").lines.push_back(Sample(name, labels, value));
}

void PrometheusText::Gauge(std::string_view name, std::string_view help, double value, MetricLabels labels) {
  FamilyFor(name, help, "gauge").lines.push_back(Sample(name, labels, value));
}

void PrometheusText::Histogram(std::string_view name, std::string_view help, const MetricLabels& labels,
                               std::span<const double> upper_bounds, std::span<const std::uint64_t> cumulative_counts,
                               double sum, std::uint64_t count) {
  RAPPORT_ASSERT(upper_bounds.size() == cumulative_counts.size());
  Family& family = FamilyFor(name, help, "histogram");
  const std::string bucket_name = std::string(name) + "_bucket";
  for (std::size_t index = 0; index <= upper_bounds.size(); ++index) {
    MetricLabels bucket_labels = labels;
    const bool infinity = index == upper_bounds.size();
    bucket_labels.push_back({"le", infinity ? "+Inf" : FormatSampleValue(upper_bounds[index])});
    family.lines.push_back(
        Sample(bucket_name, bucket_labels, static_cast<double>(infinity ? count : cumulative_counts[index])));
  }
  family.lines.push_back(Sample(std::string(name) + "_sum", labels, sum));
  family.lines.push_back(Sample(std::string(name) + "_count", labels, static_cast<double>(count)));
}

std::string PrometheusText::Render() const {
  std::string text;
  for (const auto& [name, family] : families_) {
    text += fmt::format("# HELP {} {}\n# TYPE {} {}\n", name, family.help, name, family.type);
    for (const std::string& line : family.lines) {
      text += line;
      text += '\n';
    }
  }
  return text;
}

HttpMetrics::HttpMetrics(std::vector<std::string> route_patterns) {
  route_patterns.emplace_back("static");
  route_patterns.emplace_back("unmatched");
  for (std::string& route : route_patterns) {
    auto slot = std::make_unique<Slot>();
    slot->route = std::move(route);
    slots_.push_back(std::move(slot));
  }
}

void HttpMetrics::RecordRequest(std::size_t slot_index, std::string_view method, int status, std::int64_t duration_us) {
  RAPPORT_ASSERT(slot_index < slots_.size());
  Slot& slot = *slots_[slot_index];
  const double duration_seconds = static_cast<double>(duration_us) / 1e6;
  std::size_t bucket = 0;
  while (bucket < kLatencyBucketsSeconds.size() && duration_seconds > kLatencyBucketsSeconds[bucket]) ++bucket;
  if (bucket < kLatencyBucketsSeconds.size()) slot.buckets[bucket].fetch_add(1, std::memory_order_relaxed);
  slot.count.fetch_add(1, std::memory_order_relaxed);
  slot.duration_us_total.fetch_add(static_cast<std::uint64_t>(std::max<std::int64_t>(duration_us, 0)),
                                   std::memory_order_relaxed);
  const std::lock_guard lock(slot.mutex);
  ++slot.by_method_status[{std::string(method), status}];
}

void HttpMetrics::Collect(PrometheusText& out) const {
  for (const auto& slot : slots_) {
    {
      const std::lock_guard lock(slot->mutex);
      for (const auto& [key, total] : slot->by_method_status) {
        out.Counter("http_requests_total", "HTTP requests answered.", static_cast<double>(total),
                    {{"method", key.first}, {"route", slot->route}, {"status", std::to_string(key.second)}});
      }
    }
    const std::uint64_t count = slot->count.load(std::memory_order_relaxed);
    if (count == 0) continue;
    std::array<std::uint64_t, kLatencyBucketsSeconds.size()> cumulative{};
    std::uint64_t running = 0;
    for (std::size_t index = 0; index < cumulative.size(); ++index) {
      running += slot->buckets[index].load(std::memory_order_relaxed);
      cumulative[index] = running;
    }
    // Buckets and count are read separately; keep +Inf ≥ every bucket.
    const std::uint64_t total = std::max(count, running);
    out.Histogram("http_request_duration_seconds", "Time from request read to response written.",
                  {{"route", slot->route}}, kLatencyBucketsSeconds, cumulative,
                  static_cast<double>(slot->duration_us_total.load(std::memory_order_relaxed)) / 1e6, total);
  }
  out.Gauge("http_requests_in_flight", "Requests being handled.",
            static_cast<double>(in_flight_.load(std::memory_order_relaxed)));
  out.Gauge("http_connections", "Open client connections.",
            static_cast<double>(connections_.load(std::memory_order_relaxed)));
}

void CollectStoreStats(const app::StoreStats& stats, std::string_view store_kind, MetricsSink& sink) {
  const MetricLabels labels = {{"store", std::string(store_kind)}};
  sink.Counter("rapport_store_write_commands_total", "Write bodies run.", static_cast<double>(stats.write_commands),
               labels);
  sink.Counter("rapport_store_write_commands_failed_total", "Write bodies that failed.",
               static_cast<double>(stats.write_commands_failed), labels);
  sink.Counter("rapport_store_write_transactions_total", "Write transactions committed (group commit).",
               static_cast<double>(stats.write_transactions), labels);
  sink.Gauge("rapport_store_write_queue_depth", "Write bodies waiting for the writer.",
             static_cast<double>(stats.write_queue_depth), labels);
  sink.Counter("rapport_store_read_transactions_total", "Read transactions run.",
               static_cast<double>(stats.read_transactions), labels);
  sink.Counter("rapport_store_commit_seconds_total", "Time spent committing write transactions.",
               static_cast<double>(stats.commit_microseconds_total) / 1e6, labels);
}

}  // namespace rapport::http

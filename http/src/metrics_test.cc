#include "metrics.h"

#include <gtest/gtest.h>

namespace rapport::http {
namespace {

TEST(PrometheusTextTest, GroupsSamplesPerFamilyWithOneHelpAndType) {
  PrometheusText text;
  text.Counter("jobs_done_total", "Jobs done.", 3, {{"queue", "mail"}});
  text.Gauge("queue_depth", "Depth.", 7);
  text.Counter("jobs_done_total", "Jobs done.", 4, {{"queue", "webhooks"}});
  EXPECT_EQ(text.Render(),
            "# HELP jobs_done_total Jobs done.\n"
            "# TYPE jobs_done_total counter\n"
            "jobs_done_total{queue=\"mail\"} 3\n"
            "jobs_done_total{queue=\"webhooks\"} 4\n"
            "# HELP queue_depth Depth.\n"
            "# TYPE queue_depth gauge\n"
            "queue_depth 7\n");
}

TEST(PrometheusTextTest, EscapesLabelValuesAndFormatsNumbers) {
  EXPECT_EQ(EscapeLabelValue("a\"b\\c\nd"), "a\\\"b\\\\c\\nd");
  EXPECT_EQ(FormatSampleValue(42), "42");
  EXPECT_EQ(FormatSampleValue(0.25), "0.25");
  EXPECT_EQ(FormatSampleValue(1.0 / 0.0), "+Inf");
}

TEST(PrometheusTextTest, RendersHistogramWithCumulativeBuckets) {
  PrometheusText text;
  const double bounds[] = {0.1, 1};
  const std::uint64_t counts[] = {1, 3};
  text.Histogram("latency_seconds", "Latency.", {{"route", "/x"}}, bounds, counts, 2.5, 4);
  EXPECT_EQ(text.Render(),
            "# HELP latency_seconds Latency.\n"
            "# TYPE latency_seconds histogram\n"
            "latency_seconds_bucket{route=\"/x\",le=\"0.1\"} 1\n"
            "latency_seconds_bucket{route=\"/x\",le=\"1\"} 3\n"
            "latency_seconds_bucket{route=\"/x\",le=\"+Inf\"} 4\n"
            "latency_seconds_sum{route=\"/x\"} 2.5\n"
            "latency_seconds_count{route=\"/x\"} 4\n");
}

TEST(HttpMetricsTest, CountsRequestsPerRouteMethodAndStatus) {
  HttpMetrics metrics({"/healthz"});
  metrics.RecordRequest(0, "GET", 200, 150);
  metrics.RecordRequest(0, "GET", 200, 3'000'000);
  metrics.RecordRequest(metrics.UnmatchedSlot(), "POST", 404, 10);
  metrics.ConnectionOpened();
  PrometheusText text;
  metrics.Collect(text);
  const std::string rendered = text.Render();
  EXPECT_NE(rendered.find("http_requests_total{method=\"GET\",route=\"/healthz\",status=\"200\"} 2\n"),
            std::string::npos)
      << rendered;
  EXPECT_NE(rendered.find("http_requests_total{method=\"POST\",route=\"unmatched\",status=\"404\"} 1\n"),
            std::string::npos);
  // 150 µs falls in the 0.00025 bucket; 3 s only in 5 and +Inf.
  EXPECT_NE(rendered.find("http_request_duration_seconds_bucket{route=\"/healthz\",le=\"0.0001\"} 0\n"),
            std::string::npos);
  EXPECT_NE(rendered.find("http_request_duration_seconds_bucket{route=\"/healthz\",le=\"0.00025\"} 1\n"),
            std::string::npos);
  EXPECT_NE(rendered.find("http_request_duration_seconds_bucket{route=\"/healthz\",le=\"1\"} 1\n"), std::string::npos);
  EXPECT_NE(rendered.find("http_request_duration_seconds_bucket{route=\"/healthz\",le=\"+Inf\"} 2\n"),
            std::string::npos);
  EXPECT_NE(rendered.find("http_request_duration_seconds_count{route=\"/healthz\"} 2\n"), std::string::npos);
  EXPECT_NE(rendered.find("http_connections 1\n"), std::string::npos);
  EXPECT_NE(rendered.find("http_requests_in_flight 0\n"), std::string::npos);
  EXPECT_EQ(rendered.find("route=\"static\""), std::string::npos);  // no samples, no series
}

TEST(HttpMetricsTest, ExportsStoreStats) {
  app::StoreStats stats;
  stats.write_commands = 10;
  stats.write_transactions = 2;
  stats.commit_microseconds_total = 1'500'000;
  PrometheusText text;
  CollectStoreStats(stats, "sqlite", text);
  const std::string rendered = text.Render();
  EXPECT_NE(rendered.find("rapport_store_write_commands_total{store=\"sqlite\"} 10\n"), std::string::npos);
  EXPECT_NE(rendered.find("rapport_store_write_transactions_total{store=\"sqlite\"} 2\n"), std::string::npos);
  EXPECT_NE(rendered.find("rapport_store_commit_seconds_total{store=\"sqlite\"} 1.5\n"), std::string::npos);
  EXPECT_NE(rendered.find("# TYPE rapport_store_write_queue_depth gauge\n"), std::string::npos);
}

}  // namespace
}  // namespace rapport::http

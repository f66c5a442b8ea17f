// Counters, histograms and the Prometheus text they are shown in.
#include "metrics/metrics.h"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

#include "metrics/prometheus_text.h"

namespace pathhub::metrics {
namespace {

TEST(Metrics, CountersAddUpAcrossThreads) {
  Counter c;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&c] {
      for (int i = 0; i < 10000; ++i) c.add();
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(c.value(), 40000u);
}

TEST(Metrics, HistogramsCountIntoCumulativeBuckets) {
  Histogram h({0.001, 0.01, 0.1});
  for (double s : {0.0005, 0.001, 0.005, 0.05, 0.5}) h.observe(s);
  const auto snap = h.snapshot();
  EXPECT_EQ(snap.cumulative, (std::vector<std::uint64_t>{2, 3, 4}));
  EXPECT_EQ(snap.count, 5u);
  EXPECT_NEAR(snap.sum, 0.5565, 1e-9);
  EXPECT_DOUBLE_EQ(snap.quantileBound(0.5), 0.01);
  EXPECT_DOUBLE_EQ(snap.quantileBound(0.2), 0.001);
  EXPECT_DOUBLE_EQ(Histogram({1}).snapshot().quantileBound(0.99), 0);
}

TEST(Metrics, RenderedInPrometheusTextFormat) {
  PrometheusText out;
  out.family("pathhub_x_total", "counter", "Things.");
  out.sample("pathhub_x_total", {{"channel", "a\"b\\c\nd"}}, 3);
  Histogram h({0.5});
  h.observe(0.25);
  h.observe(2);
  out.family("pathhub_t_seconds", "histogram", "Times.");
  out.histogram("pathhub_t_seconds", {{"channel", "lab"}}, h.snapshot());
  EXPECT_EQ(out.text(),
            "# HELP pathhub_x_total Things.\n"
            "# TYPE pathhub_x_total counter\n"
            "pathhub_x_total{channel=\"a\\\"b\\\\c\\nd\"} 3\n"
            "# HELP pathhub_t_seconds Times.\n"
            "# TYPE pathhub_t_seconds histogram\n"
            "pathhub_t_seconds_bucket{channel=\"lab\",le=\"0.5\"} 1\n"
            "pathhub_t_seconds_bucket{channel=\"lab\",le=\"+Inf\"} 2\n"
            "pathhub_t_seconds_sum{channel=\"lab\"} 2.25\n"
            "pathhub_t_seconds_count{channel=\"lab\"} 2\n");
}

TEST(Metrics, LastErrorKeepsTheTextAndWhen) {
  LastError e;
  EXPECT_EQ(e.get().first, "");
  e.set("peer down");
  EXPECT_EQ(e.get().first, "peer down");
  EXPECT_GT(e.get().second, 0);
}

TEST(Metrics, RateMeterAveragesTheLastMinuteWithoutTheCurrentSecond) {
  RateMeter r;
  r.addAt(1000, 600);
  r.addAt(1030, 60);
  // The current second is not over yet: not part of the rate.
  EXPECT_DOUBLE_EQ(r.perSecondAt(1000), 0);
  EXPECT_DOUBLE_EQ(r.perSecondAt(1001), 10);
  EXPECT_DOUBLE_EQ(r.perSecondAt(1031), 11);
  // A minute on, the first burst has left the window.
  EXPECT_DOUBLE_EQ(r.perSecondAt(1061), 1);
  EXPECT_DOUBLE_EQ(r.perSecondAt(1200), 0);
}

TEST(Metrics, RateMeterKeepsAnHourOfMinutes) {
  RateMeter r;
  r.addAt(6000, 5);                // minute 100
  r.addAt(6059, 1);                // still minute 100
  r.addAt(6061, 7);                // minute 101
  auto hour = r.lastHourAt(6070);  // in minute 101
  EXPECT_EQ(hour[59], 7u);
  EXPECT_EQ(hour[58], 6u);
  EXPECT_EQ(hour[57], 0u);
  // 59 minutes on, minute 100 is the oldest kept; a minute later it is gone, and its slot
  // counts the new minute from zero.
  EXPECT_EQ(r.lastHourAt(6000 + 59 * 60)[0], 6u);
  EXPECT_EQ(r.lastHourAt(6000 + 60 * 60)[0], 7u);
  r.addAt(6000 + 60 * 60, 2);
  EXPECT_EQ(r.lastHourAt(6000 + 60 * 60)[59], 2u);
  EXPECT_EQ(r.lastHourAt(6000 + 60 * 60 + 3600)[59], 0u);
}

}  // namespace
}  // namespace pathhub::metrics

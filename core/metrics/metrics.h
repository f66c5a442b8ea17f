// Measurements the hub keeps as it runs, cheap enough for the hot path: counters (one relaxed
// atomic add), latency histograms with fixed buckets (two atomic adds), and a rate meter over
// the last minute. Owners (a channel, the journal writer) hold them as members; the HTTP API
// reads them to answer /metrics and /api/v1/channels. Nothing here allocates after start-up.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace pathhub::metrics {

class Counter {
 public:
  void add(std::uint64_t n = 1) { value_.fetch_add(n, std::memory_order_relaxed); }
  std::uint64_t value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<std::uint64_t> value_{0};
};

// Observations in seconds, counted in buckets with fixed upper bounds (Prometheus's "le").
class Histogram {
 public:
  // 0.5 ms … 30 s: from one journal commit to a delivery held up by a slow peer.
  static const std::vector<double>& latencyBounds();

  explicit Histogram(const std::vector<double>& bounds = latencyBounds());
  void observe(double seconds);

  struct Snapshot {
    std::vector<double> bounds;
    std::vector<std::uint64_t> cumulative;  // observations ≤ bounds[i]
    std::uint64_t count = 0;
    double sum = 0;  // seconds
    // The bucket bound under which `q` (0..1) of the observations fall; 0 when empty.
    double quantileBound(double q) const;
  };
  Snapshot snapshot() const;

 private:
  std::vector<double> bounds_;
  std::unique_ptr<std::atomic<std::uint64_t>[]> buckets_;  // bounds_.size() + 1 (the +Inf one)
  std::atomic<std::uint64_t> count_{0};
  std::atomic<std::uint64_t> sumNanos_{0};
};

// Events per second over the last minute (whole seconds, the current one excluded), and per
// minute over the last hour (the console's chart).
class RateMeter {
 public:
  static constexpr int kMinutes = 60;
  void add(std::uint64_t n = 1);
  double perSecond() const;
  // Events in each of the last 60 minutes, oldest first; the last is the current minute so far.
  std::array<std::uint64_t, kMinutes> lastHour() const;
  // The same at a given second of the clock (what the ones above use), for tests.
  void addAt(std::int64_t second, std::uint64_t n);
  double perSecondAt(std::int64_t second) const;
  std::array<std::uint64_t, kMinutes> lastHourAt(std::int64_t second) const;

 private:
  static constexpr int kSlots = 61;
  mutable std::mutex mutex_;
  std::array<std::int64_t, kSlots> second_{};  // which second each slot counts
  std::array<std::uint64_t, kSlots> count_{};
  std::array<std::int64_t, kMinutes> minute_{};  // which minute each slot counts
  std::array<std::uint64_t, kMinutes> minuteCount_{};
};

// The last thing that went wrong somewhere, for operators: text and when (epoch ms).
class LastError {
 public:
  void set(std::string text);
  std::pair<std::string, std::int64_t> get() const;

 private:
  mutable std::mutex mutex_;
  std::string text_;
  std::int64_t atMs_ = 0;
};

}  // namespace pathhub::metrics

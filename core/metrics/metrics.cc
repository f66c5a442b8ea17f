// Counters, histograms, rate meters (see metrics.h).
#include "metrics/metrics.h"

#include <algorithm>
#include <chrono>

namespace pathhub::metrics {
namespace {

std::int64_t epochSeconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

}  // namespace

const std::vector<double>& Histogram::latencyBounds() {
  static const std::vector<double> bounds = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1,
                                             0.25,   0.5,   1,      2.5,   5,    10,    30};
  return bounds;
}

Histogram::Histogram(const std::vector<double>& bounds)
    : bounds_(bounds), buckets_(new std::atomic<std::uint64_t>[bounds.size() + 1]) {
  for (std::size_t i = 0; i <= bounds_.size(); ++i) buckets_[i] = 0;
}

void Histogram::observe(double seconds) {
  if (seconds < 0) seconds = 0;
  const auto at = std::lower_bound(bounds_.begin(), bounds_.end(), seconds) - bounds_.begin();
  buckets_[static_cast<std::size_t>(at)].fetch_add(1, std::memory_order_relaxed);
  count_.fetch_add(1, std::memory_order_relaxed);
  sumNanos_.fetch_add(static_cast<std::uint64_t>(seconds * 1e9), std::memory_order_relaxed);
}

Histogram::Snapshot Histogram::snapshot() const {
  Snapshot s;
  s.bounds = bounds_;
  std::uint64_t running = 0;
  for (std::size_t i = 0; i < bounds_.size(); ++i) {
    running += buckets_[i].load(std::memory_order_relaxed);
    s.cumulative.push_back(running);
  }
  // The total is the buckets' sum, so the +Inf bucket always equals the count shown.
  s.count = running + buckets_[bounds_.size()].load(std::memory_order_relaxed);
  s.sum = static_cast<double>(sumNanos_.load(std::memory_order_relaxed)) / 1e9;
  return s;
}

double Histogram::Snapshot::quantileBound(double q) const {
  if (count == 0) return 0;
  const double wanted = q * static_cast<double>(count);
  for (std::size_t i = 0; i < cumulative.size(); ++i) {
    if (static_cast<double>(cumulative[i]) >= wanted) return bounds[i];
  }
  return bounds.empty() ? 0 : bounds.back();
}

void RateMeter::add(std::uint64_t n) { addAt(epochSeconds(), n); }

void RateMeter::addAt(std::int64_t now, std::uint64_t n) {
  const auto slot = static_cast<std::size_t>(now % kSlots);
  std::lock_guard lock(mutex_);
  if (second_[slot] != now) {
    second_[slot] = now;
    count_[slot] = 0;
  }
  count_[slot] += n;
  const std::int64_t minute = now / 60;
  const auto m = static_cast<std::size_t>(minute % kMinutes);
  if (minute_[m] != minute) {
    minute_[m] = minute;
    minuteCount_[m] = 0;
  }
  minuteCount_[m] += n;
}

std::array<std::uint64_t, RateMeter::kMinutes> RateMeter::lastHour() const {
  return lastHourAt(epochSeconds());
}

std::array<std::uint64_t, RateMeter::kMinutes> RateMeter::lastHourAt(std::int64_t now) const {
  std::array<std::uint64_t, kMinutes> out{};
  const std::int64_t current = now / 60;
  std::lock_guard lock(mutex_);
  for (int back = 0; back < kMinutes; ++back) {
    const std::int64_t minute = current - back;
    const auto m = static_cast<std::size_t>(minute % kMinutes);
    if (minute_[m] == minute) out[static_cast<std::size_t>(kMinutes - 1 - back)] = minuteCount_[m];
  }
  return out;
}

double RateMeter::perSecond() const { return perSecondAt(epochSeconds()); }

double RateMeter::perSecondAt(std::int64_t now) const {
  std::uint64_t total = 0;
  std::lock_guard lock(mutex_);
  for (std::size_t i = 0; i < kSlots; ++i) {
    if (second_[i] < now && second_[i] >= now - (kSlots - 1)) total += count_[i];
  }
  return static_cast<double>(total) / (kSlots - 1);
}

void LastError::set(std::string text) {
  const auto at = std::chrono::duration_cast<std::chrono::milliseconds>(
                      std::chrono::system_clock::now().time_since_epoch())
                      .count();
  std::lock_guard lock(mutex_);
  text_ = std::move(text);
  atMs_ = at;
}

std::pair<std::string, std::int64_t> LastError::get() const {
  std::lock_guard lock(mutex_);
  return {text_, atMs_};
}

}  // namespace pathhub::metrics

// What a channel has done since the hub started, for /metrics and /api/v1/channels. The hub
// owns one per configured channel and hands it to each Channel it builds, so the figures
// survive a channel restart (Prometheus sees one counter, not a reset per restart).
#pragma once

#include <atomic>
#include <cstdint>
#include <deque>
#include <string>

#include "config/hub_config.h"
#include "metrics/metrics.h"

namespace pathhub::pipeline {

struct DestinationStats {
  explicit DestinationStats(std::string n) : name(std::move(n)) {}
  std::string name;
  metrics::Counter delivered;
  metrics::Counter attemptsFailed;     // attempts that will be retried
  metrics::Counter failed;             // deliveries given up (rejected, or attempts exhausted)
  metrics::Counter held;               // not sent for clinical safety (<safety block>)
  metrics::Histogram deliverySeconds;  // one deliver() call
  metrics::Histogram endToEndSeconds;  // received → delivered
  metrics::RateMeter deliveredRate;
  metrics::LastError lastError;
  // When the last delivery succeeded and the last attempt failed (epoch ms; 0 never): the
  // destination is failing while the second is the later (core/alerts).
  std::atomic<std::int64_t> lastDeliveredAtMs{0};
  std::atomic<std::int64_t> lastAttemptFailedAtMs{0};
  bool failing() const { return lastAttemptFailedAtMs.load() > lastDeliveredAtMs.load(); }
};

struct ChannelStats {
  explicit ChannelStats(const config::ChannelConfig& c) {
    for (const auto& d : c.destinations) destinations.emplace_back(d.name);
  }
  metrics::Counter received;    // new messages committed
  metrics::Counter duplicates;  // resends ACKed but not routed again
  metrics::Counter rejected;    // unparseable or over a limit
  metrics::Counter mapped;
  metrics::Counter filtered;
  metrics::Counter mappingFailed;  // script errors, rejections by the script, bad routes
  metrics::Histogram mappingSeconds;
  metrics::RateMeter receivedRate;
  metrics::LastError lastError;
  metrics::LastError scriptError;             // why the saved script did not load ("": it did)
  std::deque<DestinationStats> destinations;  // a deque: the elements never move

  DestinationStats* destination(const std::string& name) {
    for (auto& d : destinations) {
      if (d.name == name) return &d;
    }
    return nullptr;
  }
};

}  // namespace pathhub::pipeline

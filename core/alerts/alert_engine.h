// The alerts' states. Each evaluation reads the hub's facts through every rule: what a rule
// finds true is pending until it has been true for the rule's forSeconds, then fires — a
// notice to the rotas on duty for its severity now (and syslog) — and repeats after each
// quiet period while it stays true, unless someone acknowledged it. When it is no longer
// true it resolves: a "resolved" notice, and it moves to the history.
//
// The clock is injected (tests set the hour; the hub passes the system's). State lives in
// memory: a hub that restarts finds what is still wrong again and fires it anew.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "alerts/conditions.h"
#include "alerts/dispatcher.h"
#include "alerts/hub_facts.h"
#include "config/alerts_config.h"
#include "pathhub/error.h"

namespace pathhub::alerts {

struct AlertRecord {
  std::int64_t id = 0;
  // "firing", "resolved", "closed" (its rule was removed by a reload) or "handed_over" (in a
  // cluster, another node checks its rule now: hub_facts.h, speaksForJournal)
  std::string state;
  std::string rule, severity, condition, channel, destination, node, summary;
  std::int64_t value = 0;
  std::int64_t trueSinceMs = 0, firedAtMs = 0, lastNotifiedAtMs = 0, resolvedAtMs = 0;
  int notifications = 0;               // notices made: the firing, its repeats, the resolution
  std::vector<std::string> toldRotas;  // the rotas the last notice went to
  std::string acknowledgedBy;
  std::int64_t acknowledgedAtMs = 0;
};

struct AlertsView {
  std::string period;                // the rotas' period now
  std::vector<AlertRecord> firing;   // oldest first
  std::vector<AlertRecord> history;  // resolved and closed, newest first
  std::vector<NotifierStatus> notifiers;
};

class AlertEngine {
 public:
  using Clock = std::function<std::chrono::system_clock::time_point()>;
  static constexpr std::size_t kHistory = 500;

  AlertEngine(
      config::AlertsConfig config, Dispatcher& dispatcher, std::string hub,
      Clock clock = [] { return std::chrono::system_clock::now(); });

  // New rules and rotas (a reload). An alert whose rule is gone is closed without a notice.
  void reconfigure(config::AlertsConfig config);
  void evaluate(const HubFacts& facts);
  // Stops its repeats until it resolves. not_found for an unknown id; invalid_state when it
  // is no longer firing.
  Result<AlertRecord> acknowledge(std::int64_t id, const std::string& by);
  AlertsView view() const;

 private:
  struct Pending {
    std::int64_t sinceMs = 0;
  };
  void notify(AlertRecord& alert, const std::string& kind, std::int64_t nowMs);
  std::int64_t nowMs() const;

  mutable std::mutex mutex_;
  config::AlertsConfig config_;
  Dispatcher& dispatcher_;
  const std::string hub_;
  const Clock clock_;
  CounterWindows scriptErrors_;
  std::map<std::string, Pending> pending_;     // rule + "\n" + subject
  std::map<std::string, AlertRecord> firing_;  // the same keys
  std::deque<AlertRecord> history_;
  std::int64_t nextId_ = 1;
};

}  // namespace pathhub::alerts

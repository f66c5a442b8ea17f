// The alerts' states. Each evaluation reads the hub's facts through every rule: what a rule
// finds true is pending until it has been true for the rule's forSeconds, then fires — a
// notice to the rotas on duty for its severity now (and syslog) — and repeats after each
// quiet period while it stays true, unless someone acknowledged it. When it is no longer
// true it resolves: a "resolved" notice, and it moves to the history.
//
// The clock is injected (tests set the hour; the hub passes the system's). With a journal, each
// alert is kept there as it fires, repeats, is acknowledged and resolves: a hub that restarts
// carries on with the alerts it had (no second "firing", the acknowledgement kept) and its
// history. Without one (tests), state lives in memory.
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
#include "journal/journal.h"
#include "pathhub/error.h"

namespace pathhub::alerts {

// An alert from when it fired to when it resolved: kept in the journal (journal/alert_types.h).
using AlertRecord = journal::AlertRecord;

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

  // `hub`: how notices name this hub. `journal` (may be null) keeps the alerts of `owner` (a
  // cluster's node name; "" for a hub on its own journal); those still firing are read back.
  AlertEngine(
      config::AlertsConfig config, Dispatcher& dispatcher, std::string hub,
      Clock clock = [] { return std::chrono::system_clock::now(); },
      journal::Journal* journal = nullptr, std::string owner = {});

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
  // Ends an alert in `state` ("resolved", with its notice; "closed"; "handed_over"): kept, and
  // moved to the history.
  void retire(AlertRecord alert, const std::string& state, std::int64_t nowMs);
  bool configured(const std::string& rule) const;
  // Writes the alert's row as it is now (nothing without a journal; a failure is logged: the
  // notices matter more than the record of them).
  void keep(const AlertRecord& alert);
  std::int64_t nowMs() const;

  mutable std::mutex mutex_;
  config::AlertsConfig config_;
  Dispatcher& dispatcher_;
  const std::string hub_;
  const Clock clock_;
  journal::Journal* const journal_;
  const std::string owner_;
  CounterWindows scriptErrors_;
  std::map<std::string, Pending> pending_;     // rule + "\n" + subject
  std::map<std::string, AlertRecord> firing_;  // the same keys
  std::deque<AlertRecord> history_;
  std::int64_t nextId_ = 1;
};

}  // namespace pathhub::alerts

// What the hub runs for alerting: the notifiers' dispatcher, the engine, and a thread that
// gathers the hub's facts every <alerts checkSeconds> and evaluates the rules with them.
// Without an <alerts> element it runs no rules; a reload may add them.
#pragma once

#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

#include "alerts/alert_engine.h"
#include "alerts/dispatcher.h"

namespace pathhub::alerts {

class AlertMonitor {
 public:
  using Facts = std::function<Result<HubFacts>()>;
  // `journal` and `owner` keep the alerts (AlertEngine).
  AlertMonitor(config::AlertsConfig config, Facts facts, std::string hub, journal::Journal* journal,
               std::string owner);
  ~AlertMonitor();
  AlertMonitor(const AlertMonitor&) = delete;
  AlertMonitor& operator=(const AlertMonitor&) = delete;

  void reconfigure(const config::AlertsConfig& config);
  AlertEngine& engine() { return engine_; }

 private:
  void run();

  Facts facts_;
  Dispatcher dispatcher_;
  AlertEngine engine_;
  std::mutex mutex_;
  std::condition_variable wake_;
  config::AlertsConfig config_;  // guarded by mutex_: whether to check, and how often
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace pathhub::alerts

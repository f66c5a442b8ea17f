#include "alerts/alert_monitor.h"

#include <Poco/Logger.h>

namespace pathhub::alerts {

AlertMonitor::AlertMonitor(config::AlertsConfig config, Facts facts, std::string hub,
                           journal::Journal* journal, std::string owner)
    : facts_(std::move(facts)),
      dispatcher_(config),
      engine_(
          config, dispatcher_, std::move(hub), [] { return std::chrono::system_clock::now(); },
          journal, std::move(owner)),
      config_(std::move(config)) {
  thread_ = std::thread([this] { run(); });
}

AlertMonitor::~AlertMonitor() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

void AlertMonitor::reconfigure(const config::AlertsConfig& config) {
  dispatcher_.reconfigure(config);
  engine_.reconfigure(config);
  {
    std::lock_guard lock(mutex_);
    config_ = config;
  }
  wake_.notify_all();
}

void AlertMonitor::run() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    const bool enabled = config_.enabled && !config_.rules.empty();
    const auto every = config_.every;
    if (enabled) {
      lock.unlock();
      if (auto facts = facts_(); facts) {
        engine_.evaluate(*facts);
      } else {
        Poco::Logger::get("alerts").error("cannot check the alert rules: %s",
                                          facts.error().describe());
      }
      lock.lock();
    }
    wake_.wait_for(lock, enabled ? std::chrono::duration_cast<std::chrono::milliseconds>(every)
                                 : std::chrono::milliseconds(3600 * 1000));
  }
}

}  // namespace pathhub::alerts

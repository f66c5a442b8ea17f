// Sends notices in a thread of its own, so a slow mail server never holds up the rules, and
// retries what fails: after retrySeconds, doubling, up to retryAttempts, then gives up and
// logs an error. Each notifier's record (sent, failed attempts, given up, waiting, its last
// error) is what GET /api/v1/alerts and /metrics show, so a notifier that cannot reach anyone
// is itself seen.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "alerts/notice.h"
#include "alerts/senders.h"
#include "config/alerts_config.h"

namespace pathhub::alerts {

// Who a notice goes to through one notifier.
struct Target {
  std::string notifier;             // "email", "webhook NAME" or "syslog"
  std::vector<std::string> emails;  // for "email": every address, in one message
};

struct NotifierStatus {
  std::string name;
  std::uint64_t sent = 0, failedAttempts = 0, givenUp = 0;
  std::size_t waiting = 0;  // notices queued or waiting for a retry
  std::string lastError;
  std::int64_t lastErrorAtMs = 0, lastSentAtMs = 0;
  bool failing = false;  // its last attempt failed
};

class Dispatcher {
 public:
  explicit Dispatcher(config::AlertsConfig config);
  ~Dispatcher();
  Dispatcher(const Dispatcher&) = delete;
  Dispatcher& operator=(const Dispatcher&) = delete;

  // Notifiers as now configured: queued notices are sent with the new settings.
  void reconfigure(config::AlertsConfig config);
  void send(const Notice& notice, const std::vector<Target>& targets);
  std::vector<NotifierStatus> status() const;

 private:
  struct Job {
    Notice notice;
    Target target;
    int attempts = 0;
    std::chrono::steady_clock::time_point due;
  };
  void run();
  Result<void> deliver(const Job& job);

  mutable std::mutex mutex_;
  std::condition_variable wake_;
  config::AlertsConfig config_;
  std::unique_ptr<SyslogSender> syslog_;
  std::deque<Job> jobs_;
  std::map<std::string, NotifierStatus> status_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace pathhub::alerts

// Signals and the stop deadline (see signals.h).
#include "daemon/signals.h"

#include <Poco/Logger.h>
#include <signal.h>
#include <unistd.h>

namespace pathhub::daemon {
namespace {

sigset_t daemonSignals() {
  sigset_t set;
  sigemptyset(&set);
  for (int s : {SIGTERM, SIGINT, SIGQUIT, SIGHUP}) sigaddset(&set, s);
  return set;
}

sigset_t stopSignals() {
  sigset_t set;
  sigemptyset(&set);
  for (int s : {SIGTERM, SIGINT, SIGQUIT}) sigaddset(&set, s);
  return set;
}

}  // namespace

void blockDaemonSignals() {
  const sigset_t set = daemonSignals();
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
}

SignalRequest waitForSignal() {
  const sigset_t set = daemonSignals();
  int signal = 0;
  while (sigwait(&set, &signal) != 0) {
  }
  return signal == SIGHUP ? SignalRequest::kReload : SignalRequest::kStop;
}

StopDeadline::StopDeadline(std::chrono::milliseconds grace)
    : watch_([this, grace] {
        const auto until = std::chrono::steady_clock::now() + grace;
        const sigset_t set = stopSignals();
        const timespec poll{0, 100 * 1000 * 1000};
        for (;;) {
          {
            std::unique_lock lock(mutex_);
            if (finished_) return;
          }
          // A second stop signal means "now"; SIGHUP is left pending (no reload while stopping).
          if (sigtimedwait(&set, nullptr, &poll) > 0) {
            Poco::Logger::get("daemon").fatal("a second stop signal: exiting now");
            _exit(EXIT_FAILURE);
          }
          if (std::chrono::steady_clock::now() >= until) {
            Poco::Logger::get("daemon").fatal(
                "the stop did not finish within %?d ms: exiting now (every ACKed message is"
                " committed; senders resend the rest)",
                static_cast<long long>(grace.count()));
            _exit(EXIT_FAILURE);
          }
        }
      }) {}

StopDeadline::~StopDeadline() {
  {
    std::lock_guard lock(mutex_);
    finished_ = true;
  }
  watch_.join();
}

}  // namespace pathhub::daemon

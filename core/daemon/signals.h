// The daemon's signals, taken synchronously (sigwait) rather than in handlers, so a signal can
// start real work: SIGTERM, SIGINT and SIGQUIT ask the hub to stop, SIGHUP to reload its
// configuration. Block them before any thread starts (every thread inherits the mask), so no
// other thread is ever killed by one.
#pragma once

#include <chrono>
#include <mutex>
#include <thread>

namespace pathhub::daemon {

enum class SignalRequest { kStop, kReload };

// Blocks the daemon's signals in the calling thread and those it starts later.
void blockDaemonSignals();
// Waits for the next of them.
SignalRequest waitForSignal();

// The last line of defence once a stop is asked: if the stop has not finished within `grace`
// (a destination that never answers, a journal on a lost mount), or another stop signal comes
// meanwhile, the process exits at once with a non-zero status. Nothing is lost by that: every
// message ACKed is already committed, and what was not ACKed is resent by its sender.
class StopDeadline {
 public:
  explicit StopDeadline(std::chrono::milliseconds grace);
  // The stop finished: the deadline is called off.
  ~StopDeadline();

 private:
  std::mutex mutex_;
  bool finished_ = false;
  std::thread watch_;
};

}  // namespace pathhub::daemon

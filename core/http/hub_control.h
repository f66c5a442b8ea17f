// What the HTTP API needs from the running hub, and nothing more: its configuration, the
// journal, each channel's state and figures, and the operator's controls. daemon::Hub
// implements it; the API never sees the pipeline's threads or the plugins.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "config/hub_config.h"
#include "journal/journal.h"
#include "pathhub/error.h"
#include "pipeline/channel_stats.h"

namespace pathhub::http {

struct ChannelView {
  std::string name;
  // "running"; "paused" (source stopped by an operator, deliveries go on); "faulted" (a part
  // failed: see fault); "stopped" (the hub is stopping or has not started).
  std::string state;
  std::string fault;
  std::shared_ptr<pipeline::ChannelStats> stats;  // never null
  const config::ChannelConfig* config = nullptr;  // valid while the hub runs
};

class HubControl {
 public:
  virtual ~HubControl() = default;
  virtual const config::HubConfig& config() const = 0;
  // Null until the hub has started.
  virtual journal::Journal* journal() = 0;
  virtual std::vector<ChannelView> channels() const = 0;
  // The journal is open and every channel has started (faulted ones included: a fault is
  // reported on /api/v1/channels, it does not make the hub unready).
  virtual bool ready() const = 0;
  // Pause: the channel's source stops taking messages; what is queued is still delivered.
  virtual Result<void> pause(const std::string& channel) = 0;
  virtual Result<void> resume(const std::string& channel) = 0;
  // Stops and starts the channel's stages and source again, clearing a fault.
  virtual Result<void> restart(const std::string& channel) = 0;
  // New deliveries are waiting in the journal for these destinations (a replay): their
  // workers look now rather than at their next idle poll.
  virtual void wake(const std::string& channel, const std::vector<std::string>& destinations) = 0;
};

}  // namespace pathhub::http

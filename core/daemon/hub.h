// The running hub: the journal, the ZeroMQ context, and per channel its pipeline and source,
// wired from a HubConfig and the loaded plugins. Start-up order: journal, channels (which
// resume what the journal holds), then sources; shutdown is the reverse, so nothing is
// accepted that cannot be kept. A channel whose source or destination plugin fails to start
// is marked faulted and logged; the other channels run.
#pragma once

#include <memory>
#include <vector>
#include <zmq.hpp>

#include "config/hub_config.h"
#include "journal/journal.h"
#include "pipeline/channel.h"
#include "pipeline/source.h"
#include "plugin/plugin_registry.h"

namespace pathhub::daemon {

class Hub {
 public:
  // The caller has checked the channels' plugin settings (plugin::checkChannels), as main
  // does before anything starts; a setting refused here would fault its channel.
  Hub(config::HubConfig config, std::shared_ptr<const plugin::PluginRegistry> plugins);
  ~Hub();

  Result<void> start();
  void stop();
  // Removes finished messages older than the configured retention (never undelivered ones).
  Result<int> prune();
  // Channel name → why it is faulted, for every faulted channel.
  std::vector<std::pair<std::string, std::string>> faults() const;

 private:
  config::HubConfig config_;
  std::shared_ptr<const plugin::PluginRegistry> plugins_;  // outlives every instance below
  std::unique_ptr<journal::Journal> journal_;
  zmq::context_t zmq_;
  std::vector<std::unique_ptr<pipeline::Channel>> channels_;
  std::vector<std::unique_ptr<pipeline::Source>> sources_;
};

}  // namespace pathhub::daemon

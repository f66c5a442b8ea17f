// The running hub: the journal, the ZeroMQ context, and per channel its pipeline and source,
// wired from a HubConfig. Start-up order: journal, channels (which resume what the journal
// holds), then sources; shutdown is the reverse, so nothing is accepted that cannot be kept.
#pragma once

#include <memory>
#include <vector>
#include <zmq.hpp>

#include "config/hub_config.h"
#include "journal/journal.h"
#include "pipeline/channel.h"
#include "pipeline/source.h"

namespace pathhub::daemon {

class Hub {
 public:
  explicit Hub(config::HubConfig config);
  ~Hub();

  Result<void> start();
  void stop();
  // Removes finished messages older than the configured retention (never undelivered ones).
  Result<int> prune();

 private:
  config::HubConfig config_;
  std::unique_ptr<journal::Journal> journal_;
  zmq::context_t zmq_;
  std::vector<std::unique_ptr<pipeline::Channel>> channels_;
  std::vector<std::unique_ptr<pipeline::Source>> sources_;
};

}  // namespace pathhub::daemon

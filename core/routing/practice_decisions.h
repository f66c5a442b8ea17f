// Results routed by the requesting practice (<practices>; pipeline/channel_decisions.h): the
// practice directory says which of the channel's destinations takes each practice's results,
// and with which attributes (a MESH mailbox, whether an answer is awaited).
#pragma once

#include <Poco/Logger.h>

#include <memory>
#include <string>
#include <vector>

#include "config/hub_config.h"
#include "pathhub/error.h"
#include "pipeline/channel_decisions.h"
#include "routing/practice_router.h"

namespace pathhub::routing {

class PracticeDecisions : public pipeline::ChannelDecisions {
 public:
  // Reads the channel's practice directory (at each start, so a restart takes an edited one).
  static Result<std::shared_ptr<PracticeDecisions>> make(const config::ChannelConfig& channel);
  // A result's routes with the practice's destination in place of every destination practice
  // routing owns (the vias and the exceptions destination), and that delivery's attributes.
  // Other messages keep their routes, less those destinations.
  void route(const std::string& mapped, const pipeline::RoutingHints& hints,
             std::vector<std::string>& routes, journal::Journal::Mapping& record) const override;

 private:
  PracticeDecisions(const config::ChannelConfig& channel, PracticeRouter router);

  std::string channel_;
  config::PracticeRoutingConfig config_;
  PracticeRouter router_;
  Poco::Logger& log_;
};

}  // namespace pathhub::routing

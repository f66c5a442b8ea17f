// Results routed by practice (see practice_decisions.h).
#include "routing/practice_decisions.h"

#include <algorithm>

#include "hl7/message.h"
#include "pipeline/delivery_attributes.h"

namespace pathhub::routing {

Result<std::shared_ptr<PracticeDecisions>> PracticeDecisions::make(
    const config::ChannelConfig& channel) {
  auto router = PracticeRouter::make(channel.practices, "channel " + channel.name);
  if (!router) return tl::unexpected(router.error());
  return std::shared_ptr<PracticeDecisions>(new PracticeDecisions(channel, std::move(*router)));
}

PracticeDecisions::PracticeDecisions(const config::ChannelConfig& channel, PracticeRouter router)
    : channel_(channel.name),
      config_(channel.practices),
      router_(std::move(router)),
      log_(Poco::Logger::get("pipeline." + channel.name)) {}

void PracticeDecisions::route(const std::string& mapped, const pipeline::RoutingHints& hints,
                              std::vector<std::string>& routes,
                              journal::Journal::Mapping& record) const {
  // Practice routing owns its destinations, the vias and the exceptions destination: other
  // messages never go there, and a result only to the one its practice takes.
  auto owned = [this](const std::string& name) {
    if (name == config_.exceptions) return true;
    for (const auto& v : config_.vias) {
      if (v.destination == name) return true;
    }
    return false;
  };
  routes.erase(std::remove_if(routes.begin(), routes.end(), owned), routes.end());
  if (auto header = hl7::Message::parseHeader(mapped); !header || header->messageType() != "ORU") {
    return;
  }
  auto message = hl7::Message::parse(mapped);
  if (!message) return;
  const RoutingDecision decision = router_.route(*message, hints.practice);
  routes.push_back(decision.destination);
  record.attributes[decision.destination] = pipeline::formatAttributes(decision.attributes);
  if (decision.exception) {
    log_.warning("channel %s: message %s to exceptions: %s", channel_, message->controlId(),
                 decision.attributes.at("exception"));
  }
}

}  // namespace pathhub::routing

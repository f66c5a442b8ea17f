// What a channel does with a mapping's result (see mapping_plan.h).
#include "pipeline/mapping_plan.h"

#include <algorithm>
#include <optional>

#include "hl7/message.h"
#include "pipeline/delivery_attributes.h"

namespace pathhub::pipeline {

std::vector<std::string> channelRoutes(const config::ChannelConfig& channel,
                                       const std::string& mapped) {
  std::vector<std::string> out;
  if (channel.routes.empty()) {
    // Every destination, but those that take only the hub's notifications.
    for (const auto& d : channel.destinations) {
      if (d.name != channel.acknowledgements.notify && d.name != channel.orders.notify) {
        out.push_back(d.name);
      }
    }
    return out;
  }
  std::string type;
  if (auto header = hl7::Message::parseHeader(mapped)) {
    type = header->messageType() + "^" + header->triggerEvent();
  }
  for (const auto& r : channel.routes) {
    const bool matches =
        r.messageType.empty() || type == r.messageType || type.rfind(r.messageType + "^", 0) == 0;
    if (matches && std::find(out.begin(), out.end(), r.destination) == out.end()) {
      out.push_back(r.destination);
    }
  }
  return out;
}

MappingPlan planMapping(const config::ChannelConfig& channel, const ChannelDecisionSet& decisions,
                        MapResult result, const std::string& answered) {
  MappingPlan plan;
  auto failed = [&result](std::string why) {
    result = {MapResult::Kind::kFailed, {}, {}, std::move(why), {}, std::move(result.notes), {},
              result.scriptHash};
  };
  // What a mapping makes obeys the same size limit as what the channel takes in.
  const std::size_t limit = channel.source.maxMessageBytes;
  auto oversized = [limit](const std::string& what, std::size_t size) {
    return what + " is " + std::to_string(size) + " bytes, over the channel's limit of " +
           std::to_string(limit) + " (<source maxMessageBytes>)";
  };
  if (result.kind == MapResult::Kind::kMapped && result.bytes.size() > limit) {
    failed(oversized("the mapped message", result.bytes.size()));
  }
  for (std::size_t i = 0; result.kind != MapResult::Kind::kFailed && i < result.derived.size();
       ++i) {
    if (result.derived[i].bytes.size() > limit) {
      failed(oversized("message " + std::to_string(i + 1) + " the mapping made",
                       result.derived[i].bytes.size()));
    }
  }
  // Routes of the message and of any it made; a route to a destination the channel lacks
  // fails the message (and drops what it made).
  auto routesFor = [&channel](const std::string& bytes, const std::vector<std::string>& chosen,
                              std::vector<std::string>& out) -> std::optional<std::string> {
    out = chosen.empty() ? channelRoutes(channel, bytes) : chosen;
    for (const auto& r : out) {
      const bool known = std::any_of(channel.destinations.begin(), channel.destinations.end(),
                                     [&r](const auto& d) { return d.name == r; });
      if (!known) return "routed to '" + r + "', which this channel lacks";
    }
    return std::nullopt;
  };
  journal::Journal::Mapping& record = plan.record;
  if (result.kind != MapResult::Kind::kFailed) {
    for (auto& made : result.derived) {
      journal::Journal::Derived d;
      if (auto problem = routesFor(made.bytes, made.routes, d.destinations)) {
        failed(*problem);
        record.derived.clear();
        break;
      }
      if (auto header = hl7::Message::parseHeader(made.bytes)) {
        d.controlId = header->controlId();
        d.messageType = header->messageType() + "^" + header->triggerEvent();
      }
      d.bytes = std::move(made.bytes);
      record.derived.push_back(std::move(d));
    }
  }
  if (result.kind == MapResult::Kind::kMapped) {
    const auto problem = routesFor(result.bytes, result.routes, record.destinations);
    if (!problem && result.routes.empty()) {
      for (const auto& d : decisions.all) {
        d->route(result.bytes, result.hints, record.destinations, record);
      }
    }
    if (problem) {
      failed(*problem);
      record.derived.clear();
    } else if (record.destinations.empty() && !record.derived.empty()) {
      result.kind = MapResult::Kind::kFiltered;
      result.reason =
          "split into " + std::to_string(record.derived.size()) + " orders, one per lab";
    } else if (record.destinations.empty()) {
      result.kind = MapResult::Kind::kFiltered;
      result.reason = answered.empty()
                          ? "no route of channel " + channel.name + " takes this message type"
                          : answered;
    } else if (!result.hints.lane.empty()) {
      // The script's lane key travels with each delivery of the message.
      for (const std::string& d : record.destinations) {
        DeliveryAttributes attributes = parseAttributes(record.attributes[d]);
        attributes["lane"] = result.hints.lane;
        record.attributes[d] = formatAttributes(attributes);
      }
    }
  }
  if (result.kind == MapResult::Kind::kFailed) {
    record.destinations.clear();
    record.derived.clear();
  }
  plan.result = std::move(result);
  return plan;
}

}  // namespace pathhub::pipeline

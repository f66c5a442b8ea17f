// What a channel decides beside mapping and delivering — the answers a received message
// settles and a delivery awaits (core/acks), the orders a message concerns and where an order
// goes (core/orders), the practice a result goes to (core/routing) — each made by the
// component that knows it, behind one interface, so the channel itself runs stages only.
//
// A channel asks every decision it was given, in order, at each point. Decisions are called
// from mapper and delivery threads at once: implementations keep no mutable state beyond the
// journal (which is thread-safe).
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "config/hub_config.h"
#include "journal/journal.h"
#include "pathhub/error.h"
#include "pipeline/destination.h"
#include "pipeline/mapper.h"

namespace pathhub::pipeline {

class ChannelDecisions {
 public:
  virtual ~ChannelDecisions() = default;
  // Before the mapping: records what a received message says (an answer settling messages
  // sent earlier, the orders it places or reports on). Returns a line saying what it
  // answered ("" when it answered nothing): a message that is only an answer is filtered with
  // it as the reason.
  virtual std::string received(const std::string& bytes, journal::MessageId id) {
    (void)bytes;
    (void)id;
    return {};
  }
  // After the mapping, when the script chose no destinations: takes the message's routes
  // (the channel's, by message type) and changes them where this decision owns the
  // destinations — a result to its practice's, an order to its labs' (derived messages when
  // split). Attributes of a delivery go in `record.attributes`.
  virtual void route(const std::string& mapped, const RoutingHints& hints,
                     std::vector<std::string>& routes, journal::Journal::Mapping& record) const {
    (void)mapped;
    (void)hints;
    (void)routes;
    (void)record;
  }
  // A delivery made: the answers it now awaits (recorded with it).
  virtual std::vector<journal::Journal::Awaited> awaitedAnswers(
      const journal::PendingDelivery& delivery, const DeliveryResult& result) const {
    (void)delivery;
    (void)result;
    return {};
  }
  // A delivery made, after the above (an order delivered to its lab is "sent").
  virtual void delivered(const journal::PendingDelivery& delivery) { (void)delivery; }
};

// Parts of an order its routing sent to the exceptions destination, routed again with the
// catalogue in force now.
struct Rerouted {
  std::vector<std::pair<journal::MessageId, std::vector<std::string>>> routed;  // → where
  std::vector<std::pair<journal::MessageId, std::string>> stillStuck;           // → why
};
class OrderRerouting {
 public:
  virtual ~OrderRerouting() = default;
  // not_found: no part of that order waits here. `wake` tells destinations that deliveries
  // wait for them.
  virtual Result<Rerouted> reroute(
      const std::string& placer,
      const std::function<void(const std::vector<std::string>&)>& wake) const = 0;
};

// The decisions of one channel, made at each start (a restart reads an edited directory or
// catalogue again).
struct ChannelDecisionSet {
  std::vector<std::shared_ptr<ChannelDecisions>> all;  // asked in this order
  std::shared_ptr<const OrderRerouting> orders;        // when the channel routes orders
};
using DecisionsFactory =
    std::function<Result<ChannelDecisionSet>(const config::ChannelConfig&, journal::Journal&)>;

}  // namespace pathhub::pipeline

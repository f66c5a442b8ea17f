// Orders on a channel with <orders> (pipeline/channel_decisions.h): each order-related message
// is tracked (placed, cancelled, the lab's answer, results matched to their order); with a
// catalogue, an order goes to the lab that performs its tests — split into one order per lab
// when it names tests of several, tests the catalogue lacks to the exceptions destination —
// and an order delivered to its lab is "sent". Parts left in exceptions can be routed again
// once the catalogue is fixed (reroute).
#pragma once

#include <Poco/Logger.h>

#include <memory>
#include <string>
#include <vector>

#include "config/hub_config.h"
#include "journal/journal.h"
#include "orders/order_observation.h"
#include "orders/test_catalogue.h"
#include "pathhub/error.h"
#include "pipeline/channel_decisions.h"

namespace pathhub::orders {

class OrderDecisions : public pipeline::ChannelDecisions, public pipeline::OrderRerouting {
 public:
  // Reads the channel's catalogue (and requester labs) when it has one: at each start.
  static Result<std::shared_ptr<OrderDecisions>> make(const config::ChannelConfig& channel,
                                                      journal::Journal& journal);
  // Tracks what the message says of the orders it concerns.
  std::string received(const std::string& bytes, journal::MessageId id) override;
  // With a catalogue: an order's routes, each lab's part to its destination.
  void route(const std::string& mapped, const pipeline::RoutingHints& hints,
             std::vector<std::string>& routes, journal::Journal::Mapping& record) const override;
  void delivered(const journal::PendingDelivery& delivery) override;
  Result<pipeline::Rerouted> reroute(
      const std::string& placer,
      const std::function<void(const std::vector<std::string>&)>& wake) const override;
  bool routesOrders() const { return catalogue_ != nullptr; }

 private:
  OrderDecisions(const config::ChannelConfig& channel, journal::Journal& journal,
                 std::shared_ptr<const TestCatalogue> catalogue);
  void trackOrders(const std::string& bytes, journal::MessageId id);
  // False when the message is no order the catalogue routes (nothing changed but the
  // routes to destinations order routing owns, which are taken out).
  bool routeOrder(const std::string& mapped, std::vector<std::string>& routes,
                  journal::Journal::Mapping& record) const;
  // The order rows an order's tests make: one per lab performing them (the catalogue's; ""
  // without one), due when its slowest test's turnaround has passed — at once for tests the
  // catalogue lacks, which nobody will perform until the order is re-routed.
  std::vector<journal::Journal::OrderPlacement> placementsFor(const OrderObservation& o,
                                                              journal::MessageId id) const;

  std::string channel_;
  config::OrderConfig config_;
  journal::Journal& journal_;
  std::shared_ptr<const TestCatalogue> catalogue_;  // with <orders catalogue>
  Poco::Logger& log_;
};

}  // namespace pathhub::orders

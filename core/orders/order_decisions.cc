// Orders tracked and routed by lab (see order_decisions.h).
#include "orders/order_decisions.h"

#include <algorithm>
#include <map>

#include "hl7/message.h"
#include "orders/order_split.h"
#include "pipeline/delivery_attributes.h"

namespace pathhub::orders {

Result<std::shared_ptr<OrderDecisions>> OrderDecisions::make(const config::ChannelConfig& channel,
                                                             journal::Journal& journal) {
  std::shared_ptr<const TestCatalogue> catalogue;
  if (!channel.orders.catalogue.empty()) {
    auto loaded = TestCatalogue::load(channel.orders.catalogue);
    if (loaded && !channel.orders.requesterLabs.empty()) {
      if (auto ok = loaded->loadRequesterLabs(channel.orders.requesterLabs); !ok) {
        loaded = tl::unexpected(ok.error());
      }
    }
    if (!loaded) {
      return fail(ErrorCode::kInvalidValue,
                  "channel " + channel.name + " orders: " + loaded.error().text);
    }
    catalogue = std::make_shared<const TestCatalogue>(std::move(*loaded));
  }
  return std::shared_ptr<OrderDecisions>(
      new OrderDecisions(channel, journal, std::move(catalogue)));
}

OrderDecisions::OrderDecisions(const config::ChannelConfig& channel, journal::Journal& journal,
                               std::shared_ptr<const TestCatalogue> catalogue)
    : channel_(channel.name),
      config_(channel.orders),
      journal_(journal),
      catalogue_(std::move(catalogue)),
      log_(Poco::Logger::get("pipeline." + channel.name)) {}

std::string OrderDecisions::received(const std::string& bytes, journal::MessageId id) {
  trackOrders(bytes, id);
  return {};
}

void OrderDecisions::route(const std::string& mapped, const pipeline::RoutingHints&,
                           std::vector<std::string>& routes,
                           journal::Journal::Mapping& record) const {
  routeOrder(mapped, routes, record);
}

void OrderDecisions::delivered(const journal::PendingDelivery& delivery) {
  if (delivery.attributes.find("order-placer=") == std::string::npos) return;
  const pipeline::DeliveryAttributes attributes = pipeline::parseAttributes(delivery.attributes);
  const auto lab = attributes.find("order-lab");
  if (lab == attributes.end() || lab->second.empty() || attributes.count("exception")) return;
  if (auto ok = journal_.orderSent(attributes.at("order-placer"), lab->second, delivery.messageId);
      !ok) {
    log_.error("channel %s: cannot record order %s as sent: %s", channel_,
               attributes.at("order-placer"), ok.error().describe());
  }
}

std::vector<journal::Journal::OrderPlacement> OrderDecisions::placementsFor(
    const OrderObservation& o, journal::MessageId id) const {
  std::map<std::string, std::pair<std::string, std::chrono::milliseconds>> byLab;
  for (const auto& t : o.tests) {
    const CatalogueTest* known = catalogue_ ? catalogue_->find(t) : nullptr;
    auto& [tests, turnaround] = byLab[known ? catalogue_->labFor(t, o.requester) : ""];
    tests += (tests.empty() ? "" : ",") + t;
    if (known) turnaround = std::max(turnaround, known->turnaround);
  }
  if (byLab.empty()) byLab[""];
  std::vector<journal::Journal::OrderPlacement> out;
  const std::int64_t now = journal::nowMs();
  for (const auto& [lab, part] : byLab) {
    std::int64_t due = part.second.count() ? now + part.second.count() : 0;
    if (catalogue_ && lab.empty()) due = now;  // unroutable: overdue at the next check
    out.push_back({o.placer, lab, o.requester, o.nhsNumber, channel_, part.first, due, id});
  }
  return out;
}

Result<pipeline::Rerouted> OrderDecisions::reroute(
    const std::string& placer,
    const std::function<void(const std::vector<std::string>&)>& wake) const {
  if (!catalogue_) {
    return fail(ErrorCode::kInvalidState, "channel " + channel_ + " routes no orders");
  }
  auto parts = journal_.stuckOrderParts(placer);
  if (!parts) return tl::unexpected(parts.error());
  pipeline::Rerouted out;
  std::vector<std::string> woken;
  for (const auto& part : *parts) {
    if (part.channel != channel_) continue;
    journal::Journal::OrderReroute r;
    r.part = part;
    r.routing.id = part.messageId;
    std::vector<std::string> routes;
    auto message = hl7::Message::parse(part.bytes);
    if (!message || !routeOrder(part.bytes, routes, r.routing)) {
      out.stillStuck.emplace_back(part.messageId, "it is no order the catalogue can route");
      continue;
    }
    r.routing.destinations = routes;
    std::vector<std::string> to = routes;
    for (const auto& d : r.routing.derived)
      to.insert(to.end(), d.destinations.begin(), d.destinations.end());
    if (std::all_of(to.begin(), to.end(),
                    [this](const std::string& d) { return d == config_.exceptions; })) {
      const auto why = pipeline::parseAttributes(part.attributes);
      out.stillStuck.emplace_back(
          part.messageId, why.count("exception") ? why.at("exception") : "still unroutable");
      continue;
    }
    for (const auto& o : observeOrders(*message)) {
      if (o.kind != OrderObservation::Kind::kOrder) continue;
      for (auto& p : placementsFor(o, part.messageId)) {
        if (p.lab.empty()) continue;  // tests still unknown keep the row they have
        r.placements.push_back(std::move(p));
      }
    }
    r.settled = !r.placements.empty() &&
                std::none_of(to.begin(), to.end(),
                             [this](const std::string& d) { return d == config_.exceptions; });
    std::string names;
    for (const auto& d : to) names += (names.empty() ? "" : ", ") + d;
    r.detail = "re-routed to " + names + " with the catalogue now in force";
    if (auto ok = journal_.rerouteOrder(r); !ok) return tl::unexpected(ok.error());
    log_.information("channel %s: order %s (message %?d) %s", channel_, placer, part.messageId,
                     r.detail);
    out.routed.emplace_back(part.messageId, to);
    woken.insert(woken.end(), to.begin(), to.end());
  }
  if (out.routed.empty() && out.stillStuck.empty()) {
    return fail(ErrorCode::kNotFound,
                "no part of order " + placer + " waits in the exceptions of channel " + channel_);
  }
  wake(woken);
  return out;
}

void OrderDecisions::trackOrders(const std::string& bytes, journal::MessageId id) {
  if (!config_.enabled) return;
  auto header = hl7::Message::parseHeader(bytes);
  if (!header) return;
  const std::string type = header->messageType();
  if (type != "ORM" && type != "OML" && type != "ORR" && type != "ORL" && type != "ORU") return;
  auto message = hl7::Message::parse(bytes);
  if (!message) return;
  using std::chrono::duration_cast;
  using std::chrono::milliseconds;
  for (const OrderObservation& o : observeOrders(*message)) {
    Result<void> recorded;
    if (o.kind == OrderObservation::Kind::kOrder) {
      for (const auto& placement : placementsFor(o, id)) {
        recorded = journal_.placeOrder(placement);
        if (!recorded) break;
      }
    } else {
      journal::Journal::OrderChange c;
      c.placer = o.placer;
      c.filler = o.filler;
      c.state = o.state;
      c.detail = o.detail;
      c.nhsNumber = o.nhsNumber;
      c.channel = channel_;
      c.tests = o.tests;
      c.messageId = id;
      c.result = o.kind == OrderObservation::Kind::kResult;
      c.matchWindowMs = duration_cast<milliseconds>(config_.matchWindow).count();
      auto changed = journal_.changeOrders(c);
      if (!changed) recorded = tl::unexpected(changed.error());
    }
    if (!recorded) {
      log_.error("channel %s: cannot record what message %?d says of order %s: %s", channel_, id,
                 o.placer, recorded.error().describe());
    }
  }
}

bool OrderDecisions::routeOrder(const std::string& mapped, std::vector<std::string>& routes,
                                journal::Journal::Mapping& record) const {
  if (!catalogue_) return false;
  // Order routing owns its destinations, the labs' and the exceptions destination: other
  // messages never go there, and an order only to the labs that perform its tests.
  auto owned = [this](const std::string& name) {
    if (name == config_.exceptions) return true;
    for (const auto& l : config_.labs) {
      if (l.destination == name) return true;
    }
    return false;
  };
  routes.erase(std::remove_if(routes.begin(), routes.end(), owned), routes.end());
  auto header = hl7::Message::parseHeader(mapped);
  if (!header || (header->messageType() != "ORM" && header->messageType() != "OML")) return false;
  auto message = hl7::Message::parse(mapped);
  if (!message) return false;
  const auto parts = splitByLab(*message, *catalogue_);
  if (parts.empty()) return false;
  const auto observed = observeOrders(*message);
  const std::string placer = observed.empty() ? std::string() : observed.front().placer;
  for (const LabOrder& part : parts) {
    std::string destination = config_.exceptions;
    pipeline::DeliveryAttributes attributes = {{"order-placer", placer}, {"order-lab", part.lab}};
    for (const auto& l : config_.labs) {
      if (!part.lab.empty() && l.name == part.lab) destination = l.destination;
    }
    if (destination == config_.exceptions) {
      std::string why = part.lab.empty() ? "tests the catalogue lacks:"
                                         : "lab " + part.lab + " has no <lab> destination:";
      for (const auto& t : part.lab.empty() ? part.unknownTests : part.tests) why += " " + t;
      attributes["exception"] = why;
    }
    if (part.whole) {
      routes.push_back(destination);
      record.attributes[destination] = pipeline::formatAttributes(attributes);
      continue;
    }
    journal::Journal::Derived d;
    d.bytes = part.bytes;
    if (auto h = hl7::Message::parseHeader(d.bytes)) {
      d.controlId = h->controlId();
      d.messageType = h->messageType() + "^" + h->triggerEvent();
    }
    d.destinations = {destination};
    d.attributes[destination] = pipeline::formatAttributes(attributes);
    record.derived.push_back(std::move(d));
  }
  return true;
}

}  // namespace pathhub::orders

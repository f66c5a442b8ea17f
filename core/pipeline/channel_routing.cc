// What a channel decides beside mapping (see channel.h): routing results by practice and
// orders by lab, tracking orders, and the answers sent messages await or that arrive. Kept
// apart from channel.cc, which runs the stages.
#include <algorithm>
#include <map>

#include "acks/acknowledgements.h"
#include "hl7/message.h"
#include "orders/order_observation.h"
#include "orders/order_split.h"
#include "pipeline/channel.h"

namespace pathhub::pipeline {

void Channel::noteOrderSent(const journal::PendingDelivery& delivery) {
  if (delivery.attributes.find("order-placer=") == std::string::npos) return;
  const DeliveryAttributes attributes = parseAttributes(delivery.attributes);
  const auto lab = attributes.find("order-lab");
  if (lab == attributes.end() || lab->second.empty() || attributes.count("exception")) return;
  if (auto ok = journal_.orderSent(attributes.at("order-placer"), lab->second, delivery.messageId);
      !ok) {
    log_.error("channel %s: cannot record order %s as sent: %s", config_.name,
               attributes.at("order-placer"), ok.error().describe());
  }
}

std::vector<journal::Journal::OrderPlacement> Channel::placementsFor(
    const orders::OrderObservation& o, journal::MessageId id) const {
  std::map<std::string, std::pair<std::string, std::chrono::milliseconds>> byLab;
  for (const auto& t : o.tests) {
    const orders::CatalogueTest* known = catalogue_ ? catalogue_->find(t) : nullptr;
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
    out.push_back({o.placer, lab, o.requester, o.nhsNumber, config_.name, part.first, due, id});
  }
  return out;
}

Result<Channel::Rerouted> Channel::rerouteOrder(const std::string& placer) {
  if (!catalogue_) {
    return fail(ErrorCode::kInvalidState, "channel " + config_.name + " routes no orders");
  }
  auto parts = journal_.stuckOrderParts(placer);
  if (!parts) return tl::unexpected(parts.error());
  Rerouted out;
  std::vector<std::string> woken;
  for (const auto& part : *parts) {
    if (part.channel != config_.name) continue;
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
                    [this](const std::string& d) { return d == config_.orders.exceptions; })) {
      const auto why = parseAttributes(part.attributes);
      out.stillStuck.emplace_back(
          part.messageId, why.count("exception") ? why.at("exception") : "still unroutable");
      continue;
    }
    for (const auto& o : orders::observeOrders(*message)) {
      if (o.kind != orders::OrderObservation::Kind::kOrder) continue;
      for (auto& p : placementsFor(o, part.messageId)) {
        if (p.lab.empty()) continue;  // tests still unknown keep the row they have
        r.placements.push_back(std::move(p));
      }
    }
    r.settled =
        !r.placements.empty() && std::none_of(to.begin(), to.end(), [this](const std::string& d) {
          return d == config_.orders.exceptions;
        });
    std::string names;
    for (const auto& d : to) names += (names.empty() ? "" : ", ") + d;
    r.detail = "re-routed to " + names + " with the catalogue now in force";
    if (auto ok = journal_.rerouteOrder(r); !ok) return tl::unexpected(ok.error());
    log_.information("channel %s: order %s (message %?d) %s", config_.name, placer, part.messageId,
                     r.detail);
    out.routed.emplace_back(part.messageId, to);
    woken.insert(woken.end(), to.begin(), to.end());
  }
  if (out.routed.empty() && out.stillStuck.empty()) {
    return fail(ErrorCode::kNotFound, "no part of order " + placer +
                                          " waits in the exceptions of channel " + config_.name);
  }
  wake(woken);
  return out;
}

void Channel::trackOrders(const std::string& bytes, journal::MessageId id) {
  if (!config_.orders.enabled) return;
  auto header = hl7::Message::parseHeader(bytes);
  if (!header) return;
  const std::string type = header->messageType();
  if (type != "ORM" && type != "OML" && type != "ORR" && type != "ORL" && type != "ORU") return;
  auto message = hl7::Message::parse(bytes);
  if (!message) return;
  using std::chrono::duration_cast;
  using std::chrono::milliseconds;
  for (const orders::OrderObservation& o : orders::observeOrders(*message)) {
    Result<void> recorded;
    if (o.kind == orders::OrderObservation::Kind::kOrder) {
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
      c.channel = config_.name;
      c.tests = o.tests;
      c.messageId = id;
      c.result = o.kind == orders::OrderObservation::Kind::kResult;
      c.matchWindowMs = duration_cast<milliseconds>(config_.orders.matchWindow).count();
      auto changed = journal_.changeOrders(c);
      if (!changed) recorded = tl::unexpected(changed.error());
    }
    if (!recorded) {
      log_.error("channel %s: cannot record what message %?d says of order %s: %s", config_.name,
                 id, o.placer, recorded.error().describe());
    }
  }
}

bool Channel::routeOrder(const std::string& mapped, std::vector<std::string>& routes,
                         journal::Journal::Mapping& record) const {
  if (!catalogue_) return false;
  // Order routing owns its destinations, the labs' and the exceptions destination: other
  // messages never go there, and an order only to the labs that perform its tests.
  auto owned = [this](const std::string& name) {
    if (name == config_.orders.exceptions) return true;
    for (const auto& l : config_.orders.labs) {
      if (l.destination == name) return true;
    }
    return false;
  };
  routes.erase(std::remove_if(routes.begin(), routes.end(), owned), routes.end());
  auto header = hl7::Message::parseHeader(mapped);
  if (!header || (header->messageType() != "ORM" && header->messageType() != "OML")) return false;
  auto message = hl7::Message::parse(mapped);
  if (!message) return false;
  const auto parts = orders::splitByLab(*message, *catalogue_);
  if (parts.empty()) return false;
  const auto observed = orders::observeOrders(*message);
  const std::string placer = observed.empty() ? std::string() : observed.front().placer;
  for (const orders::LabOrder& part : parts) {
    std::string destination = config_.orders.exceptions;
    DeliveryAttributes attributes = {{"order-placer", placer}, {"order-lab", part.lab}};
    for (const auto& l : config_.orders.labs) {
      if (!part.lab.empty() && l.name == part.lab) destination = l.destination;
    }
    if (destination == config_.orders.exceptions) {
      std::string why = part.lab.empty() ? "tests the catalogue lacks:"
                                         : "lab " + part.lab + " has no <lab> destination:";
      for (const auto& t : part.lab.empty() ? part.unknownTests : part.tests) why += " " + t;
      attributes["exception"] = why;
    }
    if (part.whole) {
      routes.push_back(destination);
      record.attributes[destination] = formatAttributes(attributes);
      continue;
    }
    journal::Journal::Derived d;
    d.bytes = part.bytes;
    if (auto h = hl7::Message::parseHeader(d.bytes)) {
      d.controlId = h->controlId();
      d.messageType = h->messageType() + "^" + h->triggerEvent();
    }
    d.destinations = {destination};
    d.attributes[destination] = formatAttributes(attributes);
    record.derived.push_back(std::move(d));
  }
  return true;
}

std::vector<journal::Journal::Awaited> Channel::awaitedAnswers(
    const journal::PendingDelivery& delivery, const DeliveryResult& result) const {
  // Most deliveries carry no attributes: nothing to read.
  if (delivery.attributes.find("acknowledgement=yes") == std::string::npos) return {};
  const DeliveryAttributes attributes = parseAttributes(delivery.attributes);
  const auto ack = attributes.find("acknowledgement");
  if (ack == attributes.end() || ack->second != "yes") return {};
  const auto practice = attributes.find("practice");
  std::vector<journal::Journal::Awaited> out;
  const std::vector<std::string> sent =
      result.sent.empty() ? std::vector<std::string>{delivery.bytes} : result.sent;
  for (const std::string& one : sent) {
    const acks::Expected expected = acks::expectedAnswers(one);
    for (const auto& reference : expected.references) {
      out.push_back({reference, expected.recipient,
                     practice == attributes.end() ? std::string() : practice->second});
    }
  }
  return out;
}

std::string Channel::settleAnswer(const std::string& bytes, journal::MessageId id) {
  // Most messages are not answers: the header says so without parsing the whole message.
  if (auto header = hl7::Message::parseHeader(bytes); !header || header->messageType() != "ACK") {
    return {};
  }
  auto message = hl7::Message::parse(bytes);
  if (!message) return {};
  const auto answer = acks::answerIn(*message, id);
  if (!answer) return {};
  auto settled = journal_.settleAcknowledgement(*answer);
  if (!settled) {
    log_.error("channel %s: cannot settle the answer in message %?d: %s", config_.name, id,
               settled.error().describe());
    return {};
  }
  std::string out;
  for (const auto& a : *settled) {
    out += std::string(out.empty() ? "" : "; ") + "answers message " + std::to_string(a.messageId) +
           " (" + a.destination + " " + a.reference + "): " + a.state;
  }
  return out;
}

void Channel::routeByPractice(const std::string& mapped, const RoutingHints& hints,
                              std::vector<std::string>& routes,
                              journal::Journal::DeliveryAttributes& attributes) const {
  if (!practices_) return;
  // Practice routing owns its destinations, the vias and the exceptions destination: other
  // messages never go there, and a result only to the one its practice takes.
  auto owned = [this](const std::string& name) {
    if (name == config_.practices.exceptions) return true;
    for (const auto& v : config_.practices.vias) {
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
  const routing::RoutingDecision decision = practices_->route(*message, hints.practice);
  routes.push_back(decision.destination);
  attributes[decision.destination] = formatAttributes(decision.attributes);
  if (decision.exception) {
    log_.warning("channel %s: message %s to exceptions: %s", config_.name, message->controlId(),
                 decision.attributes.at("exception"));
  }
}

}  // namespace pathhub::pipeline

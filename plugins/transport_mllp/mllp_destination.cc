// MLLP destination (see mllp_destination.h).
#include "mllp_destination.h"

#include <stdexcept>

#include "hl7/message.h"

namespace pathhub::transport_mllp {
namespace {

mllp::Endpoint endpointOf(const sdk::Host& host) {
  auto e = mllp::parseEndpoint(host.text("endpoint"));
  if (!e) throw std::invalid_argument("endpoint: " + e.error().text);
  return *e;
}

mllp::ClientOptions clientOptions(const sdk::Host& host) {
  mllp::ClientOptions o;
  o.connectTimeout = std::chrono::milliseconds(host.integer("connectTimeoutMs", 5000));
  o.replyTimeout = std::chrono::milliseconds(host.integer("ackTimeoutMs", 30000));
  if (host.boolean("tls")) {
    tls::TlsSettings tls{host.text("certificate"), host.text("privateKey"), host.text("caFile")};
    tls.verifyHost = host.boolean("verifyHost", true);
    auto context = tls::clientContext(tls);
    if (!context) throw std::invalid_argument(context.error().text);
    o.tls = *context;
  }
  return o;
}

// The control id the ACK must name (MSH-10), or empty when the message has none to read.
std::string controlIdOf(std::string_view bytes) {
  auto header = hl7::Message::parseHeader(bytes);
  return header ? header->controlId() : std::string();
}

}  // namespace

MllpDestination::MllpDestination(const sdk::Host& host)
    : client_(endpointOf(host), clientOptions(host)),
      window_(static_cast<std::size_t>(host.integer("pipeline", 1))) {}

sdk::Delivery MllpDestination::outcome(const std::string& reply, const std::string& controlId,
                                       bool* outOfStep) {
  auto ack = hl7::Message::parse(reply);
  if (!ack) {
    *outOfStep = true;
    return sdk::Delivery::retryLater("unreadable reply: " + ack.error().describe());
  }
  // An answer is this message's only when it names it: a late answer to an earlier exchange,
  // or one to another message of a window, must never mark this one delivered.
  const std::string acknowledged = *ack->get("MSA-2");
  if (acknowledged != controlId) {
    *outOfStep = true;
    return sdk::Delivery::retryLater("the reply acknowledges '" + acknowledged +
                                     "', not this message ('" + controlId + "')");
  }
  const std::string code = *ack->get("MSA-1");
  if (code == "AA" || code == "CA") return sdk::Delivery::delivered(reply);
  std::string text = *ack->get("MSA-3");
  if (text.empty()) text = *ack->get("ERR-8");
  return sdk::Delivery::retryLater((code.empty() ? std::string("reply without MSA-1") : code) +
                                   (text.empty() ? "" : ": " + text));
}

sdk::Delivery MllpDestination::deliver(std::string_view bytes, std::int64_t) {
  auto reply = client_.exchange(bytes);
  if (!reply) return sdk::Delivery::retryLater(reply.error().describe());
  bool outOfStep = false;
  sdk::Delivery result = outcome(*reply, controlIdOf(bytes), &outOfStep);
  if (outOfStep) client_.close();  // what comes next on this connection cannot be trusted
  return result;
}

std::vector<sdk::Delivery> MllpDestination::deliverWindow(std::span<const sdk::Outgoing> messages) {
  const std::size_t n = std::min(window_, messages.size());
  if (n == 1) return {deliver(messages.front().bytes(), messages.front().messageId())};
  std::vector<std::string_view> out;
  for (std::size_t i = 0; i < n; ++i) out.push_back(messages[i].bytes());
  std::vector<sdk::Delivery> results;
  if (auto sent = client_.sendAll(out); !sent) {
    results.assign(n, sdk::Delivery::retryLater(sent.error().describe()));
    return results;
  }
  for (std::size_t i = 0; i < n; ++i) {
    auto reply = client_.receive();
    if (!reply) {
      // Sent and not answered: whether the receiver has it is not known, so it is tried again.
      results.resize(n, sdk::Delivery::retryLater(reply.error().describe()));
      return results;
    }
    bool outOfStep = false;
    results.push_back(outcome(*reply, controlIdOf(out[i]), &outOfStep));
    if (outOfStep) {
      client_.close();
      results.resize(n,
                     sdk::Delivery::retryLater(
                         "not answered in order: an earlier reply of its window was out of step"));
      return results;
    }
  }
  return results;
}

}  // namespace pathhub::transport_mllp

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

}  // namespace

MllpDestination::MllpDestination(const sdk::Host& host)
    : client_(endpointOf(host), clientOptions(host)) {}

sdk::Delivery MllpDestination::deliver(std::string_view bytes, std::int64_t) {
  auto reply = client_.exchange(bytes);
  if (!reply) return sdk::Delivery::retryLater(reply.error().describe());
  auto ack = hl7::Message::parse(*reply);
  if (!ack) {
    client_.close();
    return sdk::Delivery::retryLater("unreadable reply: " + ack.error().describe());
  }
  const std::string code = *ack->get("MSA-1");
  if (code == "AA" || code == "CA") return sdk::Delivery::delivered(*reply);
  std::string text = *ack->get("MSA-3");
  if (text.empty()) text = *ack->get("ERR-8");
  return sdk::Delivery::retryLater((code.empty() ? std::string("reply without MSA-1") : code) +
                                   (text.empty() ? "" : ": " + text));
}

}  // namespace pathhub::transport_mllp

// MLLP destination (see mllp_destination.h).
#include "pipeline/mllp_destination.h"

#include "hl7/message.h"

namespace pathhub::pipeline {
namespace {

mllp::ClientOptions clientOptions(const config::DestinationConfig& config) {
  mllp::ClientOptions o;
  o.connectTimeout = config.connectTimeout;
  o.replyTimeout = config.ackTimeout;
  return o;
}

}  // namespace

MllpDestination::MllpDestination(const config::DestinationConfig& config)
    : client_(config.endpoint, clientOptions(config)) {}

DeliveryResult MllpDestination::deliver(const std::string& bytes, std::int64_t) {
  auto reply = client_.exchange(bytes);
  if (!reply) return {DeliveryResult::Kind::kRetryLater, reply.error().describe()};
  auto ack = hl7::Message::parse(*reply);
  if (!ack) {
    client_.close();
    return {DeliveryResult::Kind::kRetryLater, "unreadable reply: " + ack.error().describe()};
  }
  const std::string code = *ack->get("MSA-1");
  if (code == "AA" || code == "CA") return {DeliveryResult::Kind::kDelivered, {}};
  std::string text = *ack->get("MSA-3");
  if (text.empty()) text = *ack->get("ERR-8");
  return {DeliveryResult::Kind::kRetryLater,
          (code.empty() ? std::string("reply without MSA-1") : code) +
              (text.empty() ? "" : ": " + text)};
}

}  // namespace pathhub::pipeline

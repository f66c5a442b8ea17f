// MLLP destination: sends each message and reads the ACK. AA/CA naming the message sent
// (MSA-2 = its MSH-10) is delivered; AE/AR/CE/CR, an unreadable reply, an ACK naming another
// message, a timeout or a lost connection is a failed attempt (the hub retries) whose reason
// (MSA-3 or ERR text when the peer gave one) is recorded. The connection is reopened as needed.
//
// With pipeline="N" (N > 1; for receivers known to answer in order) up to N messages of a
// lane go out in one write and their ACKs are read in order (deliverWindow): each is matched
// to its message by MSA-2, and the first that does not match ends the window, its message and
// every later one a failed attempt, the connection closed.
#pragma once

#include <span>
#include <vector>

#include "mllp/mllp_client.h"
#include "pathhub/plugin_sdk.hpp"

namespace pathhub::transport_mllp {

class MllpDestination : public sdk::Destination {
 public:
  explicit MllpDestination(const sdk::Host& host);
  sdk::Delivery deliver(std::string_view bytes, std::int64_t messageId) override;
  std::vector<sdk::Delivery> deliverWindow(std::span<const sdk::Outgoing> messages);

 private:
  // What the reply to the message with control id `controlId` says of it.
  sdk::Delivery outcome(const std::string& reply, const std::string& controlId, bool* outOfStep);

  mllp::Client client_;
  std::size_t window_ = 1;
};

}  // namespace pathhub::transport_mllp

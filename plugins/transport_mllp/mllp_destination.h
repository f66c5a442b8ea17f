// MLLP destination: sends each message and reads the ACK. AA/CA is delivered; AE/AR/CE/CR,
// an unreadable reply, a timeout or a lost connection is a failed attempt (the hub retries)
// whose reason (MSA-3 or ERR text when the peer gave one) is recorded. The connection is
// reopened as needed.
#pragma once

#include "mllp/mllp_client.h"
#include "pathhub/plugin_sdk.hpp"

namespace pathhub::transport_mllp {

class MllpDestination : public sdk::Destination {
 public:
  explicit MllpDestination(const sdk::Host& host);
  sdk::Delivery deliver(std::string_view bytes, std::int64_t messageId) override;

 private:
  mllp::Client client_;
};

}  // namespace pathhub::transport_mllp

// MLLP destination: sends each message and reads the ACK. AA/CA is delivered; AE/AR/CE/CR,
// an unreadable reply, a timeout or a lost connection is a failed attempt whose reason (MSA-3
// or ERR text when the peer gave one) is recorded. The connection is reopened as needed.
#pragma once

#include "mllp/mllp_client.h"
#include "pipeline/destination.h"

namespace pathhub::pipeline {

class MllpDestination : public Destination {
 public:
  explicit MllpDestination(const config::DestinationConfig& config);
  DeliveryResult deliver(const std::string& bytes, std::int64_t messageId) override;

 private:
  mllp::Client client_;
};

}  // namespace pathhub::pipeline

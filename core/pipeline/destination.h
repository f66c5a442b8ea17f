// A destination delivers one mapped message and says what happened. The core owns retries,
// backoff, ordering and journal state: a destination never sleeps or retries by itself.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "config/hub_config.h"

namespace pathhub::pipeline {

struct DeliveryResult {
  // kFault: the destination itself failed (not the peer): its channel is marked faulted.
  enum class Kind { kDelivered, kRetryLater, kRejected, kFault };
  Kind kind = Kind::kDelivered;
  // Why not delivered, recorded as the attempt's error; when delivered, the receiver's answer
  // (its ACK, say), if any, kept with the delivery for operators.
  std::string reason;
};

class Destination {
 public:
  virtual ~Destination() = default;
  virtual DeliveryResult deliver(const std::string& bytes, std::int64_t messageId) = 0;
};

}  // namespace pathhub::pipeline

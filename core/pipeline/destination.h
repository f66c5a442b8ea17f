// A destination delivers one mapped message and says what happened. The core owns retries,
// backoff, ordering and journal state: a destination never sleeps or retries by itself.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "config/hub_config.h"
#include "pipeline/delivery_attributes.h"

namespace pathhub::pipeline {

struct DeliveryResult {
  // kFault: the destination itself failed (not the peer): its channel is marked faulted.
  // kHeld: not sent, for clinical safety: the conversion to the destination's format gave a
  // warning the channel's <safety block> names; the channel sends the message to its
  // exceptions destination instead (config::SafetyConfig).
  enum class Kind { kDelivered, kRetryLater, kRejected, kFault, kHeld };
  Kind kind = Kind::kDelivered;
  // Why not delivered, recorded as the attempt's error; when delivered, the receiver's answer
  // (its ACK, say), if any, kept with the delivery for operators.
  std::string reason;
  // When delivered: the bytes that went out (after the destination's codec), for the hub to
  // find the references an acknowledgement will name. Empty: `bytes` went out as given.
  std::vector<std::string> sent = {};
  // When retried: the wait the receiver asked for (HTTP's Retry-After), which the next attempt
  // honours however short the backoff would be; zero when it asked for none.
  std::chrono::milliseconds retryAfter = {};
};

// One message of a window offered to Destination::deliverWindow.
struct Outgoing {
  const std::string* bytes = nullptr;
  std::int64_t messageId = 0;
  const DeliveryAttributes* attributes = nullptr;
};

class Destination {
 public:
  virtual ~Destination() = default;
  // `attributes`: what the routing gave this delivery (a mailbox, say); often none.
  virtual DeliveryResult deliver(const std::string& bytes, std::int64_t messageId,
                                 const DeliveryAttributes& attributes) = 0;
  // Several messages of one lane in journal order (never empty), for a destination that keeps
  // a window of them in flight on one connection (MLLP pipelining): it takes the first n
  // (1 <= n <= size) and returns their n results in order. Each result is what the receiver
  // said of that message, even after an earlier one was not delivered (the delivery worker
  // decides what that means for order). By default one message at a time, as deliver().
  virtual std::vector<DeliveryResult> deliverWindow(std::span<const Outgoing> window) {
    return {deliver(*window.front().bytes, window.front().messageId, *window.front().attributes)};
  }
};

}  // namespace pathhub::pipeline

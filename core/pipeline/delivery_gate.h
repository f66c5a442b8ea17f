// Whether this hub may deliver for a destination now. A single hub always may (no gate). One
// node of a cluster may only while it holds the destination's lease (core/cluster/
// lease_keeper.h): the gate says under which fence its records are written, and — on this
// node's own clock, just before each delivery — whether the lease is still good, so a node
// paused past its lease delivers nothing more when it wakes.
#pragma once

#include <chrono>
#include <optional>
#include <string>

#include "journal/journal.h"

namespace pathhub::pipeline {

class DeliveryGate {
 public:
  virtual ~DeliveryGate() = default;
  // The fence to deliver and record under, or nullopt while another node delivers.
  virtual std::optional<journal::Journal::Fence> held(const std::string& channel,
                                                      const std::string& destination) = 0;
  // Whether `fence` is still this node's to deliver under, right now.
  virtual bool stillHeld(const journal::Journal::Fence& fence) = 0;
  // How often an idle delivery worker looks at the journal: deliveries another node mapped
  // arrive with no news on this node's sockets.
  virtual std::chrono::milliseconds idlePoll() const = 0;
};

}  // namespace pathhub::pipeline

// A channel's source: where its messages come from. Every source records a message in the
// journal (through Channel::accept) before it tells the sender it has it.
#pragma once

#include <memory>

#include "pathhub/error.h"
#include "pipeline/channel.h"

namespace pathhub::pipeline {

class Source {
 public:
  virtual ~Source() = default;
  virtual Result<void> start() = 0;
  // Stops taking new messages; returns once none is being taken.
  virtual void stop() = 0;
};

}  // namespace pathhub::pipeline

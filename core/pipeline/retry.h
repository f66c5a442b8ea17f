// When to try a failed delivery again: exponential backoff from the policy's base delay,
// capped, with jitter so that many queues recovering together do not retry in lockstep.
#pragma once

#include <chrono>

#include "config/hub_config.h"

namespace pathhub::pipeline {

// Delay before attempt `attempts + 1`, after `attempts` failed ones (attempts >= 1): a random
// value between half and all of min(cap, base * 2^(attempts - 1)).
std::chrono::milliseconds backoffDelay(const config::RetryPolicy& policy, int attempts);

}  // namespace pathhub::pipeline

// Retry backoff (see retry.h).
#include "pipeline/retry.h"

#include <algorithm>
#include <random>

namespace pathhub::pipeline {

std::chrono::milliseconds backoffDelay(const config::RetryPolicy& policy, int attempts) {
  const int doublings = std::clamp(attempts - 1, 0, 30);
  const long long uncapped = policy.base.count() << doublings;
  const long long full = std::min<long long>(uncapped, policy.cap.count());
  thread_local std::mt19937_64 random{std::random_device{}()};
  std::uniform_int_distribution<long long> jitter(full / 2, full);
  return std::chrono::milliseconds(jitter(random));
}

}  // namespace pathhub::pipeline

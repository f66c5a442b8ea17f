// A destination for pipeline tests: counts what it is given and delivers it at once.
#pragma once

#include <atomic>

#include "pipeline/destination.h"

namespace pathhub::pipeline {

class CountingDestination : public Destination {
 public:
  explicit CountingDestination(std::atomic<int>& count) : count_(count) {}
  DeliveryResult deliver(const std::string&, std::int64_t, const DeliveryAttributes&) override {
    ++count_;
    return {DeliveryResult::Kind::kDelivered, "ok"};
  }

 private:
  std::atomic<int>& count_;
};

}  // namespace pathhub::pipeline

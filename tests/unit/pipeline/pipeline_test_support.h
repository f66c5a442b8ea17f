// What the pipeline tests that build a Channel themselves share: a fresh journal in a
// temporary folder with the configuration of a one-destination channel, and a destination
// that counts what it is given.
#pragma once

#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <memory>
#include <string>
#include <zmq.hpp>

#include "config/hub_config.h"
#include "journal/journal.h"
#include "pipeline/destination.h"

namespace pathhub::pipeline {

// Channel "lab" with one mapper worker and destination "gp" (type "test"), on a journal in
// <tmp>/<name>-<pid>, its stages at inproc://<name>. Declare the Channel after it, so the
// channel stops before the journal closes and the folder goes.
struct ChannelRig {
  explicit ChannelRig(const std::string& name)
      : dir(std::filesystem::temp_directory_path() / (name + "-" + std::to_string(::getpid()))) {
    std::filesystem::remove_all(dir);
    if (auto opened = journal::Journal::open(
            journal::JournalOptions::sqlite((dir / "j.db").string(), std::chrono::seconds(3600)))) {
      journal = std::move(*opened);
    }
    config.name = "lab";
    config.mapperWorkers = 1;
    config.stageEndpoints = "inproc://" + name;
    config::DestinationConfig gp;
    gp.name = "gp";
    gp.type = "test";
    config.destinations.push_back(gp);
  }
  ~ChannelRig() {
    journal.reset();
    std::filesystem::remove_all(dir);
  }

  std::filesystem::path dir;
  std::unique_ptr<journal::Journal> journal;  // null when it did not open: ASSERT on it
  zmq::context_t zmq;
  config::ChannelConfig config;
};

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

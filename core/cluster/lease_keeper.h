// One hub node's part in a cluster (issue 21), on its own thread and its own connection to the
// shared journal: it records the node as alive (node_registry.h) and keeps the leases of the
// destinations it delivers for (destination_leases.h) — renewing its own, taking free or
// expired ones — every quarter of the lease time (at most a second). It is the pipeline's
// DeliveryGate: a destination's worker delivers only under a lease held here, and checks
// before each delivery that the lease is still good on this node's monotonic clock (which
// runs on while the process is paused), counted from before the renewal was asked for, less a
// tenth for clocks that drift: so a node paused or cut off past its lease stops delivering
// before the database gives the lease to another node.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "cluster/destination_leases.h"
#include "cluster/node_registry.h"
#include "pathhub/error.h"
#include "pipeline/delivery_gate.h"

namespace pathhub::cluster {

class LeaseKeeper final : public pipeline::DeliveryGate {
 public:
  struct Options {
    std::string connection;  // Poco's PostgreSQL connection string (journal/postgres_url.h)
    std::string node;
    std::chrono::milliseconds lease{8000};
    // Every (channel, destination) this node may deliver for.
    std::vector<std::pair<std::string, std::string>> destinations;
  };
  // Joins the cluster (the node's row) and starts keeping leases. Refused when the database
  // cannot be reached.
  static Result<std::unique_ptr<LeaseKeeper>> start(Options options);
  // Stops, and gives every lease up so that another node takes it at once.
  ~LeaseKeeper() override;

  std::optional<journal::Journal::Fence> held(const std::string& channel,
                                              const std::string& destination) override;
  bool stillHeld(const journal::Journal::Fence& fence) override;
  std::chrono::milliseconds idlePoll() const override { return std::chrono::milliseconds(100); }

  const std::string& node() const { return options_.node; }
  // The destinations to keep leases on from now (a reload added or removed channels): those
  // no longer named are not renewed, and run out.
  void setDestinations(std::vector<std::pair<std::string, std::string>> destinations);
  // Whether the last round reached the database.
  bool connected() const { return connected_; }

  // What /api/v1/cluster shows: every node, and who holds which destination.
  struct View {
    std::vector<NodeState> nodes;
    std::vector<DestinationLeases::Holding> leases;
  };
  Result<View> view();

 private:
  explicit LeaseKeeper(Options options);
  void loop();
  void round();
  Result<void> connect();

  struct Held {
    Lease lease;
    std::chrono::steady_clock::time_point validUntil;
  };

  Options options_;
  std::chrono::milliseconds interval_;
  std::mutex mutex_;  // guards held_, stopping_, options_.destinations
  std::condition_variable wake_;
  std::map<std::pair<std::string, std::string>, Held> held_;
  bool stopping_ = false;
  std::atomic<bool> connected_{false};
  // The keeper's thread only (and start/~ before and after it runs):
  std::unique_ptr<DestinationLeases> leases_;
  std::unique_ptr<NodeRegistry> registry_;
  std::mutex viewMutex_;  // view()'s own connection
  std::thread thread_;
};

}  // namespace pathhub::cluster

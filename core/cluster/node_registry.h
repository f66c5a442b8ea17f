// The nodes of a cluster (issue 21): each node records itself in the shared journal and beats
// every few seconds (the database's clock again); a node whose last beat is older than the
// lease time is taken for dead — its leases expire on their own, this is what operators see
// (/api/v1/cluster, pathhubctl cluster).
#pragma once

#include <Poco/Data/Session.h>

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "pathhub/error.h"

namespace pathhub::cluster {

struct NodeState {
  std::string name;
  std::int64_t startedAtMs = 0, lastBeatMs = 0;
  std::int64_t sinceBeatMs = 0;  // how long ago it beat, on the database's clock
  bool alive = false;            // beat within the liveness window
};

class NodeRegistry {
 public:
  NodeRegistry(Poco::Data::Session session, std::string node, std::chrono::milliseconds liveness);
  // Records this node as started now (a restart starts afresh) and beats.
  Result<void> join();
  // This node is alive: its beat time moves to now.
  Result<void> beat();
  // Every node that ever joined, by name.
  Result<std::vector<NodeState>> nodes();

 private:
  Poco::Data::Session session_;
  std::string node_;
  std::chrono::milliseconds liveness_;
};

}  // namespace pathhub::cluster

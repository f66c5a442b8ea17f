// MESH source: polls the mailbox's inbox on a schedule and hands each message to the hub, and
// only once the hub has committed it (or recorded it as rejected or a duplicate) acknowledges
// it to MESH, which removes it from the inbox. A crash between the download and the commit
// therefore loses nothing: the message is still in the inbox and comes again at the next poll,
// and one committed but not yet acknowledged comes again as a duplicate, which the hub records
// once. An error report (Mex-MessageType REPORT) about a message this mailbox sent is kept as
// a refused message with MESH's status, so it is visible, then acknowledged. With a workflow
// filter, two sources share a mailbox (NHSACKs to the edifact codec, FHIR answers to fhir-json):
// each lists only its workflows, and leaves alone a message of another that it is given.
#pragma once

#include <atomic>
#include <memory>
#include <thread>

#include "mesh_client.h"
#include "pathhub/plugin_sdk.hpp"

namespace pathhub::transport_mesh {

class MeshSource : public sdk::Source {
 public:
  explicit MeshSource(const sdk::Host& host);
  ~MeshSource() override;
  void start() override;
  void stop() override;

 private:
  // One poll: every message in the inbox, until it is empty, the hub pushes back, or stop.
  void poll();
  // Hands one downloaded message to the hub; true when MESH may forget it.
  bool take(const mesh::Incoming& m);

  sdk::Host host_;
  std::chrono::seconds interval_;
  std::string workflowFilter_;  // only these workflows; others are another source's
  std::unique_ptr<mesh::MeshClient> client_;
  std::atomic<bool> stopping_{false};
  std::thread thread_;
};

}  // namespace pathhub::transport_mesh

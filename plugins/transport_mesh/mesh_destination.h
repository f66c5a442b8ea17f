// MESH destination: sends each message to a mailbox with the Mex-* headers — the recipient and
// workflow from the delivery's routing attributes ("to", "workflow", as practice routing gives
// them) or the configured defaults, Mex-LocalID "pathhub-<message id>" (for tracking), and the
// file name "<message id>.dat". MESH's message id is kept as the delivery's answer. A
// connection failure, a timeout or 5xx is retried by the hub; any other refusal (an unknown
// recipient, a workflow the mailbox may not send) rejects the message for good.
#pragma once

#include <memory>

#include "mesh_client.h"
#include "pathhub/plugin_sdk.hpp"

namespace pathhub::transport_mesh {

class MeshDestination : public sdk::Destination {
 public:
  explicit MeshDestination(const sdk::Host& host);
  void start() override;
  sdk::Delivery deliver(std::string_view bytes, std::int64_t messageId) override;

 private:
  sdk::Host host_;
  std::string to_, workflow_, subject_;
  std::unique_ptr<mesh::MeshClient> client_;
};

}  // namespace pathhub::transport_mesh

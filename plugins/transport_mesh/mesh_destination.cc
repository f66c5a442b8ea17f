// MESH destination (see mesh_destination.h).
#include "mesh_destination.h"

#include "mesh_config.h"

namespace pathhub::transport_mesh {

MeshDestination::MeshDestination(const sdk::Host& host)
    : host_(host),
      to_(host.text("to")),
      workflow_(host.text("workflowId")),
      subject_(host.text("subject")),
      client_(std::make_unique<mesh::MeshClient>(meshSettings(host))) {}

void MeshDestination::start() {
  // MESH asks clients to validate their mailbox; a failure here is logged, not fatal: MESH may
  // be down for a while, and deliveries are retried anyway.
  if (auto ok = client_->handshake(); !ok) {
    host_.log(PHUB_LOG_WARNING, "MESH handshake failed: " + ok.error().text);
  }
}

sdk::Delivery MeshDestination::deliver(std::string_view bytes, std::int64_t messageId) {
  mesh::Outgoing m;
  m.to = host_.deliveryAttribute("to", to_);
  m.workflow = host_.deliveryAttribute("workflow", workflow_);
  if (m.to.empty()) return sdk::Delivery::rejected("no recipient mailbox (attribute or 'to')");
  m.localId = "pathhub-" + std::to_string(messageId);
  m.subject = subject_;
  m.fileName = std::to_string(messageId) + ".dat";
  m.bytes.assign(bytes);
  auto sent = client_->send(m);
  if (!sent) {
    host_.count("send_failures");
    if (sent.error().code != ErrorCode::kIoError) return sdk::Delivery::rejected(sent.error().text);
    // MESH busy (429) or down for maintenance (503) may say for how long: the hub waits that.
    if (const auto wait = client_->askedToWait(); wait.count() > 0) host_.retryAfter(wait);
    return sdk::Delivery::retryLater(sent.error().text);
  }
  host_.count("sent");
  return sdk::Delivery::delivered("MESH message " + *sent + " to " + m.to + " (" + m.workflow +
                                  ")");
}

}  // namespace pathhub::transport_mesh

// The transport_mesh plugin's entry point: NHS England's MESH as a source and a destination.
#include "mesh_config.h"
#include "mesh_destination.h"
#include "mesh_source.h"

using namespace pathhub;

namespace pathhub::transport_mesh {

mesh::MeshSettings meshSettings(const sdk::Host& host) {
  mesh::MeshSettings s;
  s.url = host.text("url");
  s.mailbox = host.text("mailbox");
  s.password = host.text("password");
  s.sharedSecret = host.text("sharedSecret");
  s.caFile = host.text("caFile");
  s.certificate = host.text("certificate");
  s.privateKey = host.text("privateKey");
  s.verifyHost = host.boolean("verifyHost", true);
  s.timeoutMs = static_cast<int>(host.integer("timeoutMs", 30000));
  s.chunkBytes = static_cast<std::size_t>(host.integer("chunkBytes", 20 * 1024 * 1024));
  return s;
}

}  // namespace pathhub::transport_mesh

extern "C" PHUB_EXPORT const phub_plugin* phub_plugin_entry() {
  static const phub_source_kind kSources[] = {sdk::sourceKind<transport_mesh::MeshSource>(
      "mesh", "polls a MESH inbox; acknowledges each message once the hub has committed it",
      transport_mesh::kSourceKeys)};
  static const phub_destination_kind kDestinations[] = {
      sdk::destinationKind<transport_mesh::MeshDestination>(
          "mesh", "sends to a MESH mailbox (recipient and workflow from the routing)",
          transport_mesh::kDestinationKeys)};
  static const phub_plugin kPlugin = sdk::describe("transport_mesh", "1.0.0",
                                                   "NHS England MESH (Message Exchange for Social "
                                                   "Care and Health)",
                                                   kSources, kDestinations);
  return &kPlugin;
}

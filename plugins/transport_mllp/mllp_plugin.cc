// The transport_mllp plugin's entry point: HL7 v2 over MLLP, as a source and a destination.
#include "mllp_config.h"
#include "mllp_destination.h"
#include "mllp_source.h"

using namespace pathhub;

extern "C" PHUB_EXPORT const phub_plugin* phub_plugin_entry() {
  static const phub_source_kind kSources[] = {sdk::sourceKind<transport_mllp::MllpSource>(
      "mllp", "HL7 v2 over MLLP: listens, acknowledges after the journal commit",
      transport_mllp::kSourceKeys)};
  static const phub_destination_kind kDestinations[] = {
      sdk::destinationKind<transport_mllp::MllpDestination>(
          "mllp", "HL7 v2 over MLLP: sends, delivered on AA/CA", transport_mllp::kDestinationKeys)};
  static const phub_plugin kPlugin =
      sdk::describe("transport_mllp", "1.0.0", "HL7 v2 over MLLP (minimal lower layer protocol)",
                    kSources, kDestinations);
  return &kPlugin;
}

// The transport_astm plugin's entry point: analyser results over ASTM E1381/E1394 (LIS2-A2).
#include "astm_config.h"
#include "astm_source.h"

using namespace pathhub;

extern "C" PHUB_EXPORT const phub_plugin* phub_plugin_entry() {
  static const phub_source_kind kSources[] = {sdk::sourceKind<transport_astm::AstmSource>(
      "astm", "analyser results over ASTM E1381/E1394 (LIS2-A2), as HL7 v2.5 ORU^R01",
      transport_astm::kSourceKeys)};
  static const phub_plugin kPlugin =
      sdk::describe("transport_astm", "1.0.0", "ASTM E1381/E1394 (CLSI LIS2-A2) analyser links",
                    kSources, std::span<const phub_destination_kind>());
  return &kPlugin;
}

// The transport_nhs_pathology_api plugin's entry point: FHIR Bundles to the NHS England
// Pathology REST API.
#include "api_config.h"
#include "api_destination.h"

using namespace pathhub;

extern "C" PHUB_EXPORT const phub_plugin* phub_plugin_entry() {
  static const phub_destination_kind kDestinations[] = {
      sdk::destinationKind<nhs_pathology_api::ApiDestination>(
          "nhs-pathology-api",
          "POSTs FHIR Bundles to the NHS Pathology API (signed JWT → token, mutual TLS)",
          nhs_pathology_api::kDestinationKeys)};
  static const phub_plugin kPlugin =
      sdk::describe("transport_nhs_pathology_api", "1.0.0", "the NHS England Pathology REST API",
                    {}, kDestinations);
  return &kPlugin;
}

// The transport_http plugin's entry point: HL7 v2 messages over HTTP, as a source and a
// destination.
#include "http_config.h"
#include "http_destination.h"
#include "http_source.h"

using namespace pathhub;

extern "C" PHUB_EXPORT const phub_plugin* phub_plugin_entry() {
  static const phub_source_kind kSources[] = {sdk::sourceKind<transport_http::HttpSource>(
      "http", "takes messages POSTed to a path; 202 once committed", transport_http::kSourceKeys)};
  static const phub_destination_kind kDestinations[] = {
      sdk::destinationKind<transport_http::HttpDestination>(
          "http", "POSTs each message; retries on 5xx and timeouts, not on 4xx",
          transport_http::kDestinationKeys)};
  static const phub_plugin kPlugin = sdk::describe(
      "transport_http", "1.0.0", "HL7 v2 messages over HTTP", kSources, kDestinations);
  return &kPlugin;
}

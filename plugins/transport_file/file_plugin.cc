// The transport_file plugin's entry point: folders as a source and a destination.
#include "file_config.h"
#include "file_destination.h"
#include "file_source.h"

using namespace pathhub;

extern "C" PHUB_EXPORT const phub_plugin* phub_plugin_entry() {
  static const phub_source_kind kSources[] = {sdk::sourceKind<transport_file::FileSource>(
      "file", "picks up files (one message, several, or an HL7 batch) from a folder",
      transport_file::kSourceKeys)};
  static const phub_destination_kind kDestinations[] = {
      sdk::destinationKind<transport_file::FileDestination>(
          "file", "writes each message to its own file, atomically",
          transport_file::kDestinationKeys)};
  static const phub_plugin kPlugin =
      sdk::describe("transport_file", "1.0.0", "HL7 v2 files in folders", kSources, kDestinations);
  return &kPlugin;
}

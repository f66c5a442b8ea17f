// The format_fhir plugin's entry point: FHIR R4 message Bundles as JSON and XML codecs.
#include "fhir_codec.h"

using namespace pathhub;

extern "C" PHUB_EXPORT const phub_plugin* phub_plugin_entry() {
  static const phub_codec_kind kCodecs[] = {
      sdk::configuredCodecKind<format_fhir::FhirJsonCodec, format_fhir::kKeys>(
          "fhir-json", "FHIR R4 message Bundle (JSON, UK Core / NHS England pathology) <-> HL7 v2"),
      sdk::configuredCodecKind<format_fhir::FhirXmlCodec, format_fhir::kKeys>(
          "fhir-xml", "FHIR R4 message Bundle (XML, UK Core / NHS England pathology) <-> HL7 v2")};
  static const phub_plugin kPlugin =
      sdk::describe("format_fhir", "1.0.0", "FHIR R4 pathology messages", {}, {}, kCodecs);
  return &kPlugin;
}

// The format_edifact plugin's entry point: NHS003 MEDRPT as a codec.
#include "edifact_codec.h"

using namespace pathhub;

extern "C" PHUB_EXPORT const phub_plugin* phub_plugin_entry() {
  static const phub_codec_kind kCodecs[] = {
      sdk::configuredCodecKind<format_edifact::EdifactCodec, format_edifact::kKeys>(
          "edifact", "EDIFACT NHS003 MEDRPT pathology reports <-> HL7 v2")};
  static const phub_plugin kPlugin =
      sdk::describe("format_edifact", "1.0.0", "EDIFACT NHS pathology messages", {}, {}, kCodecs);
  return &kPlugin;
}

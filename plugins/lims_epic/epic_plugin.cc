// The lims_epic plugin's entry point: Epic's side of lab interfaces as a codec.
#include "epic_dialect.h"
#include "pathhub/plugin_sdk.hpp"

using namespace pathhub;

namespace {

using EpicCodec = dialect::DialectCodec<&lims_epic::normalise, &lims_epic::denormalise>;

constexpr phub_config_key kKeys[] = {PATHHUB_DIALECT_COMMON_KEYS("")};

}  // namespace

extern "C" PHUB_EXPORT const phub_plugin* phub_plugin_entry() {
  static const phub_codec_kind kCodecs[] = {sdk::configuredCodecKind<EpicCodec, kKeys>(
      "epic", "Epic orders and results (ZPV, MSH-15/16 AL|NE) <-> the normal HL7 v2 shape")};
  static const phub_plugin kPlugin =
      sdk::describe("lims_epic", "1.1.0", "Epic EHR lab interface dialect", {}, {}, kCodecs);
  return &kPlugin;
}

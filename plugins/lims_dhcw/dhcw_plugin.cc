// The lims_dhcw plugin's entry point: the NHS Wales DHCW ORU^R01 profile as a codec.
#include "dhcw_dialect.h"
#include "pathhub/plugin_sdk.hpp"

using namespace pathhub;

namespace {

using DhcwCodec = dialect::DialectCodec<&lims_dhcw::normalise, &lims_dhcw::denormalise>;

constexpr phub_config_key kKeys[] = {PATHHUB_DIALECT_COMMON_KEYS("SNM3,SNM")};

}  // namespace

extern "C" PHUB_EXPORT const phub_plugin* phub_plugin_entry() {
  static const phub_codec_kind kCodecs[] = {sdk::configuredCodecKind<DhcwCodec, kKeys>(
      "dhcw", "NHS Wales DHCW HL7 v2.5.1 ORU^R01 profile <-> the normal HL7 v2 shape")};
  static const phub_plugin kPlugin = sdk::describe(
      "lims_dhcw", "1.1.0", "NHS Wales DHCW national pathology profile", {}, {}, kCodecs);
  return &kPlugin;
}

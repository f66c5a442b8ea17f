// The lims_winpath plugin's entry point: the WinPath dialect as a codec (README.md).
#include "pathhub/plugin_sdk.hpp"
#include "winpath_dialect.h"

using namespace pathhub;

namespace {

using WinPathCodec = dialect::DialectCodec<&lims_winpath::normalise, &lims_winpath::denormalise,
                                           lims_winpath::Options>;

constexpr phub_config_key kKeys[] = {
    {"organismValueType", PHUB_KEY_STRING, "", 0, 0, 0,
     "OBX-2 type of the result naming an isolate's organism (CE in the public samples); in: "
     "each child OBR-26.3 names it, so sensitivities hang from the organism; \"\": as sent"},
    PATHHUB_DIALECT_COMMON_KEYS("")};

}  // namespace

extern "C" PHUB_EXPORT const phub_plugin* phub_plugin_entry() {
  static const phub_codec_kind kCodecs[] = {sdk::configuredCodecKind<WinPathCodec, kKeys>(
      "winpath", "Clinisys WinPath HL7 v2.3 <-> the normal HL7 v2 shape scripts see")};
  static const phub_plugin kPlugin =
      sdk::describe("lims_winpath", "1.1.0", "Clinisys WinPath LIMS dialect", {}, {}, kCodecs);
  return &kPlugin;
}

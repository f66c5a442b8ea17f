// The lims_winpath plugin's entry point: the WinPath dialect as a codec (README.md).
#include "pathhub/plugin_sdk.hpp"
#include "winpath_dialect.h"

using namespace pathhub;

using WinPathCodec = dialect::DialectCodec<&lims_winpath::normalise, &lims_winpath::denormalise>;

extern "C" PHUB_EXPORT const phub_plugin* phub_plugin_entry() {
  static const phub_codec_kind kCodecs[] = {sdk::codecKind<WinPathCodec>(
      "winpath", "Clinisys WinPath HL7 v2.3 <-> the normal HL7 v2 shape scripts see")};
  static const phub_plugin kPlugin =
      sdk::describe("lims_winpath", "1.0.0", "Clinisys WinPath LIMS dialect", {}, {}, kCodecs);
  return &kPlugin;
}

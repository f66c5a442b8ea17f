// The lims_copath plugin's entry point: the CoPath dialect as a codec.
#include "copath_dialect.h"
#include "pathhub/plugin_sdk.hpp"

using namespace pathhub;

namespace {

using CoPathCodec = dialect::DialectCodec<&lims_copath::normalise, &lims_copath::denormalise>;

constexpr phub_config_key kKeys[] = {PATHHUB_DIALECT_COMMON_KEYS("")};

}  // namespace

extern "C" PHUB_EXPORT const phub_plugin* phub_plugin_entry() {
  static const phub_codec_kind kCodecs[] = {sdk::configuredCodecKind<CoPathCodec, kKeys>(
      "copath", "CoPath anatomic pathology reports (MIME documents in ED OBX) <-> normal HL7 v2")};
  static const phub_plugin kPlugin =
      sdk::describe("lims_copath", "1.1.0", "CoPath LIMS dialect", {}, {}, kCodecs);
  return &kPlugin;
}

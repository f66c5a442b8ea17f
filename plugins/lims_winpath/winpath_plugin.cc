// The lims_winpath plugin's entry point: the WinPath dialect as a codec (README.md).
#include <stdexcept>

#include "pathhub/plugin_sdk.hpp"
#include "winpath_dialect.h"

using namespace pathhub;

namespace {

void passOn(const Result<lims_winpath::Converted>& converted, const sdk::Output& out) {
  if (!converted) throw std::runtime_error(converted.error().text);
  for (const auto& w : converted->warnings) out.warning(w);
  out.message(converted->bytes);
}

struct WinPathCodec {
  static void decode(std::string_view bytes, const sdk::Output& out) {
    passOn(lims_winpath::normalise(bytes), out);
  }
  static void encode(std::string_view bytes, const sdk::Output& out) {
    passOn(lims_winpath::denormalise(bytes), out);
  }
};

}  // namespace

extern "C" PHUB_EXPORT const phub_plugin* phub_plugin_entry() {
  static const phub_codec_kind kCodecs[] = {sdk::codecKind<WinPathCodec>(
      "winpath", "Clinisys WinPath HL7 v2.3 <-> the normal HL7 v2 shape scripts see")};
  static const phub_plugin kPlugin =
      sdk::describe("lims_winpath", "1.0.0", "Clinisys WinPath LIMS dialect", {}, {}, kCodecs);
  return &kPlugin;
}

// A plugin built for a future ABI major version: the loader must refuse it before reading
// anything past abi_major.
#include "pathhub/plugin.h"

extern "C" PHUB_EXPORT const phub_plugin* phub_plugin_entry() {
  static const phub_plugin kPlugin = {PHUB_ABI_MAJOR + 1,
                                      sizeof(phub_plugin),
                                      0,
                                      "wrong_abi",
                                      "9.9.9",
                                      "from the future",
                                      nullptr,
                                      0,
                                      nullptr,
                                      0,
                                      nullptr,
                                      0};
  return &kPlugin;
}

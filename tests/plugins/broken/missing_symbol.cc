// A plugin calling a function nothing defines: dlopen with RTLD_NOW fails, naming the symbol.
#include "pathhub/plugin.h"

extern "C" int phub_function_no_hub_has(void);

extern "C" PHUB_EXPORT const phub_plugin* phub_plugin_entry() {
  static const phub_plugin kPlugin = {PHUB_ABI_MAJOR,
                                      sizeof(phub_plugin),
                                      static_cast<uint32_t>(phub_function_no_hub_has()),
                                      "missing_symbol",
                                      "1.0.0",
                                      "",
                                      nullptr,
                                      0,
                                      nullptr,
                                      0};
  return &kPlugin;
}

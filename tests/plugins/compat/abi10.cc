// A plugin as built against ABI 1.0: its descriptor ends before the codecs ABI 1.1 appended.
// The 1.1 loader must load it and read nothing past its struct_size (the fields after it here
// hold garbage on purpose).
#include <cstddef>

#include "pathhub/plugin.h"

namespace {

void* create(const phub_context*, char*, size_t) { return nullptr; }
int start(void*, char*, size_t) { return 0; }
phub_delivery_status deliver(void*, const char*, size_t, int64_t, char*, size_t) {
  return PHUB_DELIVERED;
}
int stop(void*, char*, size_t) { return 0; }
void destroy(void*) {}

}  // namespace

extern "C" PHUB_EXPORT const phub_plugin* phub_plugin_entry() {
  static const phub_destination_kind kKinds[] = {
      {offsetof(phub_destination_kind, destroy) + sizeof(void*), "abi10",
       "a destination from ABI 1.0", nullptr, 0, create, start, deliver, stop, destroy}};
  static const phub_plugin kPlugin = {1,
                                      0,
                                      0,
                                      "compat_abi10",
                                      "1.0.0",
                                      "built against ABI 1.0",
                                      nullptr,
                                      0,
                                      kKinds,
                                      1,
                                      reinterpret_cast<const phub_codec_kind*>(0x1),
                                      99};
  // The size a 1.0 descriptor has: everything before the codecs.
  static phub_plugin sized = kPlugin;
  sized.struct_size = offsetof(phub_plugin, codecs);
  return &sized;
}

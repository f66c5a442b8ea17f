// A plugin as built against ABI 1.4: its destination kinds end at destroy, before the
// deliver_window ABI 1.5 appended. It lists two, so a hub reading the array at its own,
// larger stride would take the second kind from the wrong bytes; the loader must step by the
// kinds' struct_size and see neither as delivering windows.
#include <cstddef>

#include "pathhub/plugin.h"

namespace {

// The 1.4 layout of a destination kind.
struct DestinationKind14 {
  uint32_t struct_size;
  const char* type;
  const char* description;
  const phub_config_key* keys;
  size_t key_count;
  void* (*create)(const phub_context*, char*, size_t);
  int (*start)(void*, char*, size_t);
  phub_delivery_status (*deliver)(void*, const char*, size_t, int64_t, char*, size_t);
  int (*stop)(void*, char*, size_t);
  void (*destroy)(void*);
};

void* create(const phub_context*, char*, size_t) { return nullptr; }
int start(void*, char*, size_t) { return 0; }
phub_delivery_status deliver(void*, const char*, size_t, int64_t, char*, size_t) {
  return PHUB_DELIVERED;
}
int stop(void*, char*, size_t) { return 0; }
void destroy(void*) {}

}  // namespace

extern "C" PHUB_EXPORT const phub_plugin* phub_plugin_entry() {
  static const DestinationKind14 kKinds[] = {
      {sizeof(DestinationKind14), "abi14-a", "first destination from ABI 1.4", nullptr, 0, create,
       start, deliver, stop, destroy},
      {sizeof(DestinationKind14), "abi14-b", "second destination from ABI 1.4", nullptr, 0, create,
       start, deliver, stop, destroy}};
  static const phub_plugin kPlugin = {1,
                                      sizeof(phub_plugin),
                                      4,
                                      "compat_abi14",
                                      "1.0.0",
                                      "built against ABI 1.4",
                                      nullptr,
                                      0,
                                      reinterpret_cast<const phub_destination_kind*>(kKinds),
                                      2,
                                      nullptr,
                                      0};
  return &kPlugin;
}

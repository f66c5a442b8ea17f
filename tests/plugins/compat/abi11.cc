// A plugin as built against ABI 1.1: its codec kinds end at encode, before the functions ABI
// 1.2 appended for codecs with settings. It lists two, so a hub reading the array at its own,
// larger stride would take the second kind from the wrong bytes; the loader must step by the
// kinds' struct_size and see neither as configured.
#include <cstddef>
#include <cstring>

#include "pathhub/plugin.h"

namespace {

// The 1.1 layout of a codec kind.
struct CodecKind11 {
  uint32_t struct_size;
  const char* type;
  const char* description;
  const phub_config_key* keys;
  size_t key_count;
  int (*decode)(const char*, size_t, const phub_output*, char*, size_t);
  int (*encode)(const char*, size_t, const phub_output*, char*, size_t);
};

// Both directions hand the message back with the codec's name in front.
template <char Tag>
int tagged(const char* bytes, size_t size, const phub_output* out, char*, size_t) {
  char buffer[256];
  if (size + 1 > sizeof buffer) return -1;
  buffer[0] = Tag;
  std::memcpy(buffer + 1, bytes, size);
  out->message(out->self, buffer, size + 1);
  return 0;
}

}  // namespace

extern "C" PHUB_EXPORT const phub_plugin* phub_plugin_entry() {
  static const CodecKind11 kCodecs[] = {
      {sizeof(CodecKind11), "abi11-a", "first codec from ABI 1.1", nullptr, 0, tagged<'a'>,
       tagged<'a'>},
      {sizeof(CodecKind11), "abi11-b", "second codec from ABI 1.1", nullptr, 0, tagged<'b'>,
       tagged<'b'>}};
  static const phub_plugin kPlugin = {1,
                                      offsetof(phub_plugin, codec_count) + sizeof(size_t),
                                      1,
                                      "compat_abi11",
                                      "1.0.0",
                                      "built against ABI 1.1",
                                      nullptr,
                                      0,
                                      nullptr,
                                      0,
                                      reinterpret_cast<const phub_codec_kind*>(kCodecs),
                                      2};
  return &kPlugin;
}

// libFuzzer target: arbitrary bytes as a stage envelope. Invariant: whatever decodes
// re-encodes to the same bytes (the format has one spelling per value).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "pipeline/envelope.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  auto envelope = pathhub::pipeline::decode(bytes);
  if (envelope && pathhub::pipeline::encode(*envelope) != bytes) std::abort();
  return 0;
}

// libFuzzer target: arbitrary bytes as what travels between stages — a stage envelope, and a
// mapper worker's request or reply (pipeline/worker_wire.h). Invariant: whatever decodes
// re-encodes to the same bytes (each format has one spelling per value), and nothing else
// decodes.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "pipeline/envelope.h"
#include "pipeline/worker_wire.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace pathhub::pipeline;
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  auto envelope = decode(bytes);
  if (envelope && encode(*envelope) != bytes) std::abort();
  auto reply = decodeReply(bytes);
  if (reply && encodeReply(*reply) != bytes) std::abort();
  auto request = decodeRequest(bytes);
  if (request && encodeRequest(*request) != bytes) std::abort();
  return 0;
}

// libFuzzer target: arbitrary bytes fed to the MLLP decoder in chunks whose sizes come from
// the input itself. Invariants: the same frames result whatever the chunking, and a frame
// never exceeds the size limit.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "mllp/mllp_codec.h"

namespace {

using pathhub::mllp::DecodedFrame;
using pathhub::mllp::Decoder;

constexpr std::size_t kLimit = 512;

std::vector<std::string> decode(std::string_view bytes, std::size_t chunk) {
  Decoder decoder(kLimit);
  std::vector<DecodedFrame> frames;
  for (std::size_t i = 0; i < bytes.size(); i += chunk) {
    decoder.feed(bytes.substr(i, chunk), frames);
  }
  std::vector<std::string> out;
  for (const auto& f : frames) {
    if (f.payload.size() > kLimit) std::abort();
    out.push_back(f.ok ? "ok:" + f.payload : "error:" + std::to_string(int(f.error.code)));
  }
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::string_view bytes(reinterpret_cast<const char*>(data) + 1, size - 1);
  const std::size_t chunk = 1 + data[0] % 64;
  if (decode(bytes, bytes.size() + 1) != decode(bytes, chunk)) std::abort();
  return 0;
}

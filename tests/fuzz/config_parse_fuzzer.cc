// libFuzzer target: arbitrary bytes as a hub configuration. Invariant: parsing answers a
// configuration or an error with text, never a crash or an exception.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "config/hub_config.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string xml(reinterpret_cast<const char*>(data), size);
  auto config = pathhub::config::parseHubConfig(xml, "fuzz.xml");
  if (!config && config.error().text.empty()) std::abort();
  return 0;
}

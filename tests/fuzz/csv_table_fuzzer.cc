// libFuzzer target: arbitrary bytes read as the operators' CSV tables (the practice directory
// and the test catalogue): problems are reported, never a crash.
#include <cstddef>
#include <cstdint>
#include <string>

#include "orders/test_catalogue.h"
#include "routing/practice_directory.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  (void)pathhub::routing::PracticeDirectory::parse(text, "fuzz.csv");
  (void)pathhub::orders::TestCatalogue::parse(text, "fuzz.csv");
  return 0;
}

// libFuzzer target: arbitrary bytes through the EDIFACT syntax layer, strict and lenient, and
// every MEDRPT message found through the NHS003 reader. Invariants: a strict parse that
// succeeds also succeeds leniently with the same messages; nothing crashes or hangs.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "edifact/edifact_syntax.h"
#include "edifact/medrpt_reader.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace pathhub::edifact;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto strict = parse(text);
  ParseOptions options;
  options.tolerateCountMismatch = true;
  auto lenient = parse(text, options);
  if (strict && (!lenient || lenient->messages.size() != strict->messages.size())) std::abort();
  if (lenient) {
    for (const Message& m : lenient->messages) (void)readMedrpt(m, &*lenient);
  }
  return 0;
}

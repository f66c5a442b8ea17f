// libFuzzer target: arbitrary bytes through the one conversion entry point, as each format
// into HL7 v2 (MEDRPT and NHSACK interchanges, FHIR report and order Bundles) and, when they
// read as HL7 v2, out to each format. Nothing may crash; whatever converts must be HL7 v2
// that parses.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "convert/formats.h"
#include "hl7/message.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace pathhub::convert;
  const std::string text(reinterpret_cast<const char*>(data), size);
  ReadOptions lenient;
  lenient.tolerateEdifactCounts = true;
  for (Format from : {Format::kEdifact, Format::kFhirJson, Format::kFhirXml}) {
    auto v2 = convertAll(from, Format::kHl7v2, text, lenient);
    if (!v2) continue;
    for (const auto& one : *v2) {
      if (!pathhub::hl7::Message::parse(one.bytes)) std::abort();
    }
  }
  for (Format to : {Format::kEdifact, Format::kFhirJson}) {
    (void)convertAll(Format::kHl7v2, to, text);
  }
  return 0;
}

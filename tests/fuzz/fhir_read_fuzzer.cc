// libFuzzer target: arbitrary bytes read as a FHIR Bundle in JSON and in XML (libxml2), and
// a Bundle that reads written out again in both forms and read back: it must read again.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "fhir/bundle_reader.h"
#include "fhir/bundle_writer.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace pathhub::fhir;
  const std::string text(reinterpret_cast<const char*>(data), size);
  for (auto read : {readBundleJson(text), readBundleXml(text)}) {
    if (!read) continue;
    pathhub::model::Message a = *read, b = *read;
    if (!readBundleJson(writeBundleJson(a))) std::abort();
    if (!readBundleXml(writeBundleXml(b))) std::abort();
  }
  return 0;
}

// Conversions for hl7inspect --to (see convert.h).
#include "convert.h"

#include <vector>

#include "convert/formats.h"

namespace pathhub::tools {

int convert(const std::string& input, const std::string& name, const std::string& to,
            std::ostream& out, std::ostream& warnings) {
  const auto target = convert::parseFormat(to);
  if (!target) {
    warnings << "hl7inspect: --to " << to
             << ": not a target (hl7v2, fhir-json, fhir-xml, edifact)\n";
    return 2;
  }
  // EDIFACT counts are read leniently here: this is for looking at messages, not taking them.
  convert::ReadOptions options;
  options.tolerateEdifactCounts = true;
  auto converted = convert::convertAll(convert::detectFormat(input), *target, input, options);
  if (!converted) {
    warnings << "hl7inspect: " << name << ": " << converted.error().describe() << "\n";
    return 2;
  }
  for (convert::Converted& one : *converted) {
    std::string& written = one.bytes;
    if (*target == convert::Format::kHl7v2) {
      for (char& c : written) {
        if (c == '\r') c = '\n';
      }
    }
    out << written << (written.empty() || written.back() == '\n' ? "" : "\n");
    for (const auto& w : one.warnings) warnings << "hl7inspect: warning: " << w << "\n";
  }
  return 0;
}

}  // namespace pathhub::tools

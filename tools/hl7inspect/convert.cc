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
  auto models = convert::readMessages(convert::detectFormat(input), input, options);
  if (!models) {
    warnings << "hl7inspect: " << name << ": " << models.error().describe() << "\n";
    return 2;
  }
  for (model::Message& m : *models) {
    auto written = convert::writeMessage(*target, m);
    if (!written) {
      warnings << "hl7inspect: " << name << ": " << written.error().describe() << "\n";
      return 2;
    }
    if (*target == convert::Format::kHl7v2) {
      for (char& c : *written) {
        if (c == '\r') c = '\n';
      }
    }
    out << *written << (written->empty() || written->back() == '\n' ? "" : "\n");
    for (const auto& w : m.warnings) warnings << "hl7inspect: warning: " << w << "\n";
  }
  return 0;
}

}  // namespace pathhub::tools

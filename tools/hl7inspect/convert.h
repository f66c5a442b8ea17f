// hl7inspect --to: any pathology message pathhub reads (HL7 v2, FHIR JSON or XML Bundle,
// EDIFACT MEDRPT), recognised by its first bytes, converted through the canonical model.
#pragma once

#include <ostream>
#include <string>

namespace pathhub::tools {

// `to`: hl7v2, fhir-json, fhir-xml or edifact (NHS003 MEDRPT). Writes each converted message to
// `out`, and each warning (what the target cannot carry) to `warnings`. Returns the exit status: 0
// converted, 2 unreadable input or an unknown target (the reason on `warnings`).
int convert(const std::string& input, const std::string& name, const std::string& to,
            std::ostream& out, std::ostream& warnings);

}  // namespace pathhub::tools

// Structural checks of a parsed HL7 v2 message, for hl7inspect --validate and for operators
// asking why a message was refused. Parsing already guarantees well-formed bytes; these checks
// look at what the standard requires of the content: header fields, segment order in the
// result and order messages pathology uses, and values of the data types that matter.
#pragma once

#include <string>
#include <vector>

#include "hl7/message.h"

namespace pathhub::hl7 {

struct Problem {
  enum class Severity { kError, kWarning };
  Severity severity;
  std::string location;  // "MSH-10", "OBX[3]-5", "segment 7 (OBX)"
  std::string text;
};

std::vector<Problem> validateStructure(const Message& message);

}  // namespace pathhub::hl7

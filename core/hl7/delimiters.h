// The delimiters of one HL7 v2 message, as its header (MSH-1 and MSH-2) declares them.
//
// HL7 lets each message choose its own separators; parsers must read them from the header
// rather than assume "|^~\&". A delimiter a message does not declare (a v2.1 header with only
// two encoding characters, say) is stored as '\0' and never matches.
#pragma once

#include <string>

namespace pathhub::hl7 {

struct Delimiters {
  char field = '|';
  char component = '^';
  char repetition = '~';
  char escape = '\\';
  char subcomponent = '&';
  char truncation = '\0';  // v2.7+: fifth encoding character, '#' when present

  // MSH-2 as it should be written: the encoding characters in standard order.
  std::string encodingCharacters() const {
    std::string out;
    for (char c : {component, repetition, escape, subcomponent, truncation}) {
      if (c == '\0') break;
      out += c;
    }
    return out;
  }

  bool operator==(const Delimiters&) const = default;
};

}  // namespace pathhub::hl7

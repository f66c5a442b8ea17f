// The identifiers an operator searches messages by, read from a parsed message when it is
// received and kept beside it in the journal: the patient's NHS number and the placer and
// filler order numbers. They are standard HL7 v2 fields, so no vendor knowledge is needed:
//
//   patient: the first PID-3, else PID-2 (v2.3's external id), repetition marked as the NHS
//            number: identifier type (CX.5) "NH", or "NHS" as the assigning authority (CX.4)
//            or in CX.2/CX.3 where some systems put it; else "" — a local MRN is not an NHS
//            number and is never guessed to be one.
//   placer:  ORC-2.1, else the first OBR-2.1.   filler: ORC-3.1, else the first OBR-3.1.
#pragma once

#include <string>

#include "hl7/message.h"

namespace pathhub::hl7 {

struct SearchKeys {
  std::string nhsNumber;
  std::string placerOrder;
  std::string fillerOrder;
};

SearchKeys searchKeys(const Message& message);

}  // namespace pathhub::hl7

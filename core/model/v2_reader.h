// HL7 v2 result messages (ORU^R01 and its kin, versions 2.2 to 2.5.1) read into the
// canonical model. Which v2 field feeds which model field is the table in
// core/model/README.md. Up to v2.4 the specimen is in OBR-15 (with OBR-7 and OBR-14); from
// v2.5 it is an SPM segment. An embedded document split over several ED OBX segments is joined
// back into one. What the model has no place for is listed in Message::warnings.
#pragma once

#include "hl7/message.h"
#include "model/pathology.h"
#include "pathhub/error.h"

namespace pathhub::model {

// Fails only for a message with no OBR (not a report); the error names the message.
Result<Message> readV2(const hl7::Message& message);

}  // namespace pathhub::model

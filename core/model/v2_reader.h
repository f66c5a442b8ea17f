// HL7 v2 result messages (ORU^R01, OUL^R22 and their kin, versions 2.2 to 2.8) read into the
// canonical model. Which v2 field feeds which model field is the table in
// core/model/README.md. Up to v2.4 the specimen is in OBR-15 (with OBR-7 and OBR-14); from
// v2.5 it is an SPM segment. An embedded document split over several ED OBX segments is joined
// back into one. What the model has no place for is listed in Message::warnings, named
// (model/warnings.h).
//
// Identity is never merged: a message holding PATIENT_RESULT groups of different patients is
// read as one model message per patient (readV2Split) or refused (readV2). Orders (ORM, OML)
// are refused: an order is not a report.
#pragma once

#include <vector>

#include "hl7/message.h"
#include "model/pathology.h"
#include "model/times.h"
#include "pathhub/error.h"

namespace pathhub::model {

// One model message. Fails for a message with no OBR, for an order, and for one whose
// PATIENT_RESULT groups name different patients ("[ambiguous-identity]"); the error names the
// message. Times sent without a zone are read in `zone`.
Result<Message> readV2(const hl7::Message& message, const LocalZone& zone = LocalZone::london());
// One model message per patient: groups of the same patient stay one message; groups of
// different patients become messages "<MSH-10>-1", "-2", … each with its own patient and
// reports (and a "[split]" warning).
Result<std::vector<Message>> readV2Split(const hl7::Message& message,
                                         const LocalZone& zone = LocalZone::london());
// An order (ORM, OML) read as a request, one model message per patient: each OBR a requested
// test (a Report whose status is the FHIR RequestStatus its ORC-1 says: active, revoked,
// on-hold; issuedAt from ORC-9), its OBX the answers to the questions asked at order entry,
// its specimens. For fhir::writeRequestBundle; refused for anything but an order.
Result<std::vector<Message>> readV2Orders(const hl7::Message& message,
                                          const LocalZone& zone = LocalZone::london());
bool isV2Order(const hl7::Message& message);

}  // namespace pathhub::model

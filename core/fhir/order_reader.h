// A FHIR R4 laboratory order message (NHS England pathology: a Bundle whose MessageHeader event
// is "laboratory-order", or one holding ServiceRequests and no DiagnosticReport) as an HL7 v2.5
// OML^O21, so that orders from requesters whose systems speak FHIR are routed and tracked like
// any other (core/orders):
//   MSH-3/4  the sender Organization's name and ODS code; MSH-5/6 the receiver's
//   MSH-10   Bundle.identifier; MSH-7 Bundle.timestamp
//   PID      the Patient's NHS number (PID-3 ^^^NHS^NH), name, birth date, sex
//   per ServiceRequest: ORC-1 NW (status active/draft/on-hold) or CA (revoked, completed or
//   entered-in-error), ORC-2 its identifier, ORC-9 authoredOn, ORC-12 the requester
//   Practitioner, ORC-21 the sender Organization (name^^ODS); OBR-4 its code (SNOMED CT as
//   SCT), OBR-2 its identifier again.
// Errors name the place with a JSON pointer.
#pragma once

#include <Poco/JSON/Object.h>

#include <optional>
#include <string>

#include "pathhub/error.h"

namespace pathhub::fhir {

bool isOrderBundle(const Poco::JSON::Object::Ptr& bundle);
Result<std::string> orderBundleToOml(const Poco::JSON::Object::Ptr& bundle);

}  // namespace pathhub::fhir

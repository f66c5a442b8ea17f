// FHIR messaging's answers, as the NHS Acknowledgement Framework has GP systems send them for
// a pathology message received over MESH: a message Bundle whose MessageHeader carries
// `response` — `identifier` the MessageHeader.id of the message answered (FHIR R4's
// definition), `code` ok | transient-error | fatal-error, `details` an OperationOutcome with
// the reasons. Read as an HL7 v2 ACK, so that the hub settles it the way it settles any
// answer (core/acks): MSA-1 AA for ok, AE for transient-error, AR for fatal-error; MSA-2 the
// identifier; MSA-3 and ERR-8 the OperationOutcome's issues ("error: Patient not registered
// (not-found)"). MSH-3/4 are the answering system and its ODS code, MSH-10 the answer's own
// MessageHeader.id (so a resent answer is a duplicate).
#pragma once

#include <Poco/JSON/Object.h>

#include <string>

#include "pathhub/error.h"

namespace pathhub::fhir {

// What an OperationOutcome says, one issue after another: "error: Patient not registered
// (not-found); warning: …" (diagnostics, else details' text, display or code); "" for none.
std::string outcomeIssues(const Poco::JSON::Object::Ptr& outcome);

// A message Bundle whose MessageHeader answers another message.
bool isResponseBundle(const Poco::JSON::Object::Ptr& bundle);

// The ACK; an error names what is missing (no identifier, an unknown code).
Result<std::string> responseBundleToAck(const Poco::JSON::Object::Ptr& bundle);

// The MessageHeader.id of a message Bundle (what its answer will name), "" when it has none.
std::string messageHeaderId(const Poco::JSON::Object::Ptr& bundle);

}  // namespace pathhub::fhir

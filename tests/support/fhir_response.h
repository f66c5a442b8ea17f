// A GP system's FHIR response message, as a practice sends it back over MESH (NHS
// Acknowledgement Framework; core/fhir/response_reader.h reads it): a message Bundle whose
// MessageHeader answers `answered` (the MessageHeader.id of the message answered) with `code`
// (ok, transient-error, fatal-error), an OperationOutcome with `reason` when one is given, and
// the answering practice as sender.
#pragma once

#include <string>

namespace pathhub::testing {

struct FhirResponse {
  std::string answered;
  std::string code = "ok";
  std::string reason;  // the OperationOutcome issue's diagnostics; none when empty
  std::string practiceOds = "A81002";
  std::string ownId = "5d1e6b2a-8c0f-4b7e-9a41-3f2c1d0e9b77";  // the answer's MessageHeader.id
};

std::string fhirResponseJson(const FhirResponse& response);

}  // namespace pathhub::testing

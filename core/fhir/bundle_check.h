// What a GP system receiving a pathology message Bundle must be able to rely on, checked
// offline before it is sent: the constraints of UK Core R4 and NHS England's pathology FHIR
// specification (DAPB4101) whose breach would file a report against nobody, lose its results
// or misread them. Not a profile validator (the tests run two of those over every corpus
// result): a guard that needs no network and no terminology server.
//
// Checked: a Bundle of type "message" with an identifier and a timestamp; a MessageHeader
// first, with its event, its source's endpoint and a focus on the bundle's reports; every
// entry with a fullUrl of its own and a resource; every reference resolved within the bundle
// (urn:uuid: fullUrls, or Type/id of an entry; references to outside it or to contained
// resources are not followed); one Patient, whose NHS number
// (https://fhir.nhs.uk/Id/nhs-number), when given, is ten digits with the right check digit;
// each DiagnosticReport and Observation with a status FHIR knows, a code (a coding with a
// code, or text) and a subject that is the Patient; each DiagnosticReport with an identifier
// that has a value (the lab's report number, which a correction is matched by), its results
// Observations and its specimens Specimens; each Observation's members Observations, its
// quantities (value, reference range) with a coded unit's system (R4 qty-3) and numbers as
// numbers, and never a value and a dataAbsentReason both (R4 obs-6); an ODS identifier
// (https://fhir.nhs.uk/Id/ods-organization-code) with a value.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace pathhub::fhir {

// The problems found, each naming where ("entry 3 (Observation): no status"); none: it may go.
std::vector<std::string> checkPathologyMessage(std::string_view json);

}  // namespace pathhub::fhir

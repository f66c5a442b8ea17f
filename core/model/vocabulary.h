// The code tables the conversions share, each a two-way mapping between HL7 v2 codes and the
// model's (FHIR's) words: result and report status, sex, priority, coding-system names.
// Codes the table does not know pass through unchanged in the system name's case, and become
// "unknown" (with a warning by the caller) where the target needs a fixed word.
#pragma once

#include <string>

namespace pathhub::model {

// HL7 table 0085 (OBX-11) ⇄ FHIR ObservationStatus.
std::string resultStatusFromV2(const std::string& code);
std::string resultStatusToV2(const std::string& status);
// HL7 table 0123 (OBR-25) ⇄ FHIR DiagnosticReportStatus.
std::string reportStatusFromV2(const std::string& code);
std::string reportStatusToV2(const std::string& status);
// HL7 table 0001 (PID-8) ⇄ FHIR AdministrativeGender.
std::string sexFromV2(const std::string& code);
std::string sexToV2(const std::string& sex);
// HL7 priority (OBR-5 / TQ1-9: S, A, R, …) ⇄ FHIR RequestPriority.
std::string priorityFromV2(const std::string& code);
std::string priorityToV2(const std::string& priority);
// HL7 table 0396 coding-system names ⇄ FHIR system URIs: LN ⇄ http://loinc.org,
// SCT ⇄ http://snomed.info/sct, UCUM ⇄ http://unitsofmeasure.org. Others pass through.
std::string systemFromV2(const std::string& name);
std::string systemToV2(const std::string& uri);

}  // namespace pathhub::model

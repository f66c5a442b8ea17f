// The code tables the conversions share, each a two-way mapping between HL7 v2 codes and the
// model's (FHIR's) words: result and report status, sex, priority, coding-system names.
//
// Status is sacred (a correction must stay a correction): each status table maps the whole
// HL7 table, codes are read without surrounding spaces ("F " is F), and a code or word with no
// equivalent is reported as such (nullopt) so the caller can warn and refuse — it is never
// made "final".
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace pathhub::model {

// A status in the other language: the code, and whether it means exactly the same.
struct StatusCode {
  std::string code;
  bool exact = true;  // false: the nearest equivalent (amended written as v2 C, corrected)
};

// HL7 table 0085 (OBX-11) → FHIR ObservationStatus; nullopt for a code with no equivalent.
std::optional<std::string> resultStatusFromV2(const std::string& code);
// FHIR ObservationStatus → OBX-11; nullopt for a word v2 cannot say ("unknown").
std::optional<StatusCode> resultStatusToV2(const std::string& status);
// HL7 table 0123 (OBR-25) ⇄ FHIR DiagnosticReportStatus, the same way.
std::optional<std::string> reportStatusFromV2(const std::string& code);
std::optional<StatusCode> reportStatusToV2(const std::string& status);
// Whether `status` is a FHIR ObservationStatus / DiagnosticReportStatus word.
bool isResultStatus(const std::string& status);
bool isReportStatus(const std::string& status);

// HL7 table 0001 (PID-8) ⇄ FHIR AdministrativeGender.
std::string sexFromV2(const std::string& code);
std::string sexToV2(const std::string& sex);
// HL7 priority (OBR-5 / TQ1-9: S, A, R, …) ⇄ FHIR RequestPriority.
std::string priorityFromV2(const std::string& code);
std::string priorityToV2(const std::string& priority);
// HL7 table 0396 coding-system names ⇄ FHIR system URIs: LN ⇄ http://loinc.org,
// SCT ⇄ http://snomed.info/sct, UCUM ⇄ http://unitsofmeasure.org, HL7nnnn ⇄ the v2 table's
// CodeSystem. Other names (a lab's own, "WinPath", "L", "99ABC") pass through unchanged: they
// are made URIs, in the lab's namespace, only where a language needs a URI (core/fhir).
std::string systemFromV2(const std::string& name);
std::string systemToV2(const std::string& uri);
// Whether a system is a standard terminology (SNOMED CT, LOINC): written first among codings.
bool isStandardTerminology(const std::string& system);

// Text without the spaces, tabs and line ends around it.
std::string trimmed(std::string_view text);
// Whether text is empty or only spaces, tabs and line ends.
bool isBlank(std::string_view text);

}  // namespace pathhub::model

// The record's FHIR R4 search parameters read into a journal query (record_types.h), with
// every value checked: a parameter the record does not support, or a value it cannot read, is
// an error naming it — never ignored, so a misspelt filter never widens what a clinician sees.
//
//   Patient?identifier=https://fhir.nhs.uk/Id/nhs-number|NNNNNNNNNN
//   DiagnosticReport?patient.identifier=…|subject:identifier=… [&date=][&category=][&code=]
//       [&status=][&_include=DiagnosticReport:result|DiagnosticReport:specimen][&_sort=-date|date]
//       [&_count=0..500][&_offset=N]
//   Observation?patient.identifier=…|subject:identifier=… [&code=][&date=][&status=][&_sort]
//       [&_count][&_offset]
// Tokens: "system|code", "code", "system|"; a comma between values is OR, a repeated parameter
// AND. Dates: an optional prefix (eq, ge, gt, le, lt) and an ISO 8601 date or time; a date
// names its whole period (record/instants.h).
#pragma once

#include <map>
#include <stdexcept>
#include <string>

#include "journal/record_types.h"

namespace pathhub::record {

inline constexpr const char* kNhsNumberSystem = "https://fhir.nhs.uk/Id/nhs-number";

class SearchError : public std::runtime_error {
 public:
  SearchError(std::string parameter, const std::string& message)
      : std::runtime_error(parameter + ": " + message), parameter_(std::move(parameter)) {}
  const std::string& parameter() const { return parameter_; }

 private:
  std::string parameter_;
};

struct Search {
  std::string type;            // Patient, DiagnosticReport, Observation
  journal::RecordQuery query;  // query.nhsNumber: the patient's
  bool includeResults = false, includeSpecimens = false;
};

// Throws SearchError.
Search parseSearch(const std::string& type, const std::multimap<std::string, std::string>& params);

// The NHS number a patient identifier token names ("https://fhir.nhs.uk/Id/nhs-number|N", or
// N alone); throws SearchError for another system or a number failing modulus 11.
std::string nhsNumberOf(const std::string& parameter, const std::string& token);

// Whether `code` is one of HL7 v3 PurposeOfUse's (TREAT, ETREAT, PUBHLTH, …).
bool isPurposeOfUse(const std::string& code);

}  // namespace pathhub::record

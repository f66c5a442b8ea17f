// The conversion chains the clinical-safety checks run on every result they are given (corpus
// files in place, the hand-made inputs of tests/data/clinical): the input read into the model,
// then written and read again through each language in turn, ending in FHIR R4 JSON.
//
//   HL7 v2   → FHIR;  v2 → FHIR → v2 → FHIR;  v2 → EDIFACT → FHIR
//   EDIFACT  → FHIR;  EDIFACT → FHIR → EDIFACT → FHIR
//   FHIR     → FHIR;  FHIR → v2 → FHIR
//
// Each chain keeps every FHIR Bundle written on the way (for the two validators of
// tests/validators) and the model at its start and end (for the clinical-meaning diff,
// clinical_facts.h), with every warning each step gave.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "convert/formats.h"
#include "model/pathology.h"

namespace pathhub::testing {

struct ChainRun {
  std::string name;  // "hl7v2>fhir-json>hl7v2>fhir-json" (convert::formatName)
  model::Message start, end;
  std::vector<std::string> bundles;   // every FHIR JSON written on the way, in order
  std::vector<std::string> warnings;  // every warning of every step
  std::string error;                  // "" when every step converted
};

// Whether `bytes` holds laboratory results (an ORU/OUL, a MEDRPT interchange or message, a FHIR
// report Bundle): the inputs every chain must convert. Orders, ACKs, NHSACKs are not.
bool holdsResults(std::string_view bytes);

// Every chain for each report in `bytes` (one run per report and chain).
std::vector<ChainRun> runChains(std::string_view bytes);

// The inputs the checks run on: every results file of the corpus (hl7v2, edifact, fhir) and
// every file of tests/data/clinical.
std::vector<std::filesystem::path> resultInputs();
// Every HL7 v2 order of the corpus (ORM, OML): each becomes FHIR request messages.
std::vector<std::filesystem::path> orderInputs();

}  // namespace pathhub::testing

// The clinical meaning of a message as a flat list of facts — patient identity, and for each
// report and result its code and system, value, unit, range, flag, status, times as instants,
// specimen, comments and conclusion — so that two models (the start and end of a conversion
// chain) can be compared for meaning rather than for bytes. Hazard H1–H10
// (docs/safety/hazard-log.md).
#pragma once

#include <map>
#include <string>
#include <vector>

#include "model/pathology.h"

namespace pathhub::testing {

// "report 0 result 3 value" → "quantity <5.20"; times as UTC instants.
using Facts = std::map<std::string, std::string>;
Facts clinicalFacts(const model::Message& m);

struct FactDifference {
  std::string key, before, after;  // "" where the fact is missing on that side
};
std::vector<FactDifference> differences(const Facts& before, const Facts& after);

// A difference a chain is allowed, because the target language cannot carry that fact, and
// only when the named warning was given (the table in core/model/README.md).
struct AllowedLoss {
  const char* chainContains;  // "edifact": any chain through EDIFACT
  const char* fact;           // "report # result # time" (numbers as #)
  const char* warning;        // "not-carried"
};
const std::vector<AllowedLoss>& allowedLosses();

// The differences of `chain` not allowed by the table given `warnings`.
std::vector<FactDifference> unexplained(const std::string& chain,
                                        const std::vector<FactDifference>& found,
                                        const std::vector<std::string>& warnings);

}  // namespace pathhub::testing

// Whether a code can be a SNOMED CT concept identifier (SNOMED CT Technical Implementation
// Guide, "SCTID"): 6 to 18 digits without a leading zero, a partition identifier saying
// "concept" (00 in the short format, 10 in the long, namespaced one) and a Verhoeff check
// digit that matches. It says nothing of whether the concept exists: no release is consulted.
#pragma once

#include <string_view>

namespace pathhub::model {

bool isSnomedConceptId(std::string_view code);

}  // namespace pathhub::model

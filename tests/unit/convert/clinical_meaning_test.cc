// The clinical-meaning diff (hazards H1–H10, docs/safety/hazard-log.md): every results input
// (the corpus in place, tests/data/clinical) goes through every conversion chain
// (v2 → FHIR → v2 → FHIR, EDIFACT → FHIR → EDIFACT → FHIR, v2 → EDIFACT → FHIR, …) and the
// patient, each result's code, value, unit, range, flag, status, time as an instant, specimen,
// comments and conclusion must be the same at both ends — except for the differences the
// table in core/model/README.md allows, each only with its warning.
#include <gtest/gtest.h>

#include "clinical_facts.h"
#include "conversion_chains.h"
#include "corpus.h"

namespace pathhub::testing {
namespace {

TEST(ClinicalMeaning, EveryResultKeepsItsMeaningThroughEveryChain) {
  const auto inputs = resultInputs();
  ASSERT_GE(inputs.size(), 25u) << "the corpus and tests/data/clinical hold more results";
  std::size_t runs = 0;
  for (const auto& input : inputs) {
    for (const ChainRun& run : runChains(readFile(input))) {
      ++runs;
      SCOPED_TRACE(input.filename().string() + " " + run.name);
      ASSERT_EQ(run.error, "");
      for (const FactDifference& d :
           unexplained(run.name, differences(clinicalFacts(run.start), clinicalFacts(run.end)),
                       run.warnings)) {
        ADD_FAILURE() << d.key << ": '" << d.before << "' became '" << d.after << "'";
      }
    }
  }
  EXPECT_GE(runs, 70u);
}

}  // namespace
}  // namespace pathhub::testing

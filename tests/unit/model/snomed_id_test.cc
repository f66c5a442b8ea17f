// SNOMED CT concept identifiers: the codes the public UK samples send pass, and each way a
// code can fail to be one is refused.
#include "model/snomed_id.h"

#include <gtest/gtest.h>

namespace pathhub::model {
namespace {

TEST(SnomedId, AcceptsConceptIdsFromThePublicSamples) {
  // oml_o21_nwgmsa_genomics_order_nhsno_v24 (short format) and
  // oru_r01_nwgmsa_genomics_report_pdf_v251 (a UK extension's long format).
  for (const char* id : {"363349007", "258580003", "77386006", "842009", "1186936003",
                         "762911000000102", "1054161000000101"}) {
    EXPECT_TRUE(isSnomedConceptId(id)) << id;
  }
}

TEST(SnomedId, RefusesWhatCannotBeAConceptId) {
  EXPECT_FALSE(isSnomedConceptId("363349008")) << "check digit";
  EXPECT_FALSE(isSnomedConceptId("363349070")) << "two digits swapped";
  EXPECT_FALSE(isSnomedConceptId("12345")) << "too short";
  EXPECT_FALSE(isSnomedConceptId("0363349007")) << "leading zero";
  EXPECT_FALSE(isSnomedConceptId("LA32-8")) << "a LOINC answer";
  EXPECT_FALSE(isSnomedConceptId("")) << "empty";
  EXPECT_FALSE(isSnomedConceptId("1234567890123456789")) << "too long";
  EXPECT_FALSE(isSnomedConceptId("110017")) << "partition 01: a description";
}

}  // namespace
}  // namespace pathhub::model

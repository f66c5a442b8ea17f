// EDIFACT: every sample in ../shared/corpus/edifact parses with its control counts checked;
// every MEDRPT report reads into the model; and for the interchanges the NHS lab-results
// adaptor translated (the pairs in SOURCES.md), patient, specimens, results, values, units,
// ranges and flags match the FHIR the adaptor produced.
#include <gtest/gtest.h>

#include "corpus.h"
#include "edifact/edifact_syntax.h"
#include "edifact/medrpt_reader.h"
#include "fhir/bundle_reader.h"
#include "model_compare.h"
#include "model_print.h"

namespace pathhub::edifact {
namespace {

TEST(Edifact, EverySampleParsesWithItsControlCounts) {
  int files = 0, reports = 0, stale = 0;
  for (const auto& f : testing::corpusFiles("edifact")) {
    // Strictly first; three of the adaptor's test interchanges have stale UNT counts, which
    // strict parsing refuses by segment and lenient parsing reads with a warning.
    auto strict = parse(testing::readFile(f));
    ParseOptions lenient;
    lenient.tolerateCountMismatch = true;
    auto parsed = parse(testing::readFile(f), lenient);
    if (!strict) {
      EXPECT_NE(strict.error().text.find("(UNT): counts"), std::string::npos)
          << strict.error().text;
      ASSERT_TRUE(parsed) << f;
      EXPECT_FALSE(parsed->warnings.empty());
      ++stale;
    }
    ASSERT_TRUE(parsed) << f << ": " << parsed.error().describe();
    ASSERT_FALSE(parsed->messages.empty()) << f;
    ++files;
    for (const Message& m : parsed->messages) {
      if (m.type != "MEDRPT") continue;
      auto model = readMedrpt(m, parsed->header ? &*parsed : nullptr);
      ASSERT_TRUE(model) << f << ": " << model.error().describe();
      EXPECT_FALSE(model->reports.empty());
      ++reports;
    }
  }
  EXPECT_EQ(files, 11);
  EXPECT_GE(reports, 10);
  EXPECT_EQ(stale, 3);
}

TEST(Edifact, ReadsReleaseCharactersAndBareOneLineMessages) {
  auto parsed =
      parse(testing::readCorpusFile("edifact/nhs003_medrpt_message_only_ferritin_oneline.edi"));
  ASSERT_TRUE(parsed) << parsed.error().describe();
  EXPECT_FALSE(parsed->header);
  ASSERT_EQ(parsed->messages.size(), 1u);
  auto m = readMedrpt(parsed->messages[0]);
  ASSERT_TRUE(m);
  EXPECT_EQ(m->reports[0].performingLab, "ST JAMES'S UNIVERSITY HOSPITAL");
}

TEST(Edifact, AnInvestigationWithSeqIsAGroupOfTheOnesAfterIt) {
  auto parsed =
      parse(testing::readCorpusFile("edifact/nhs003_medrpt_interchange_3msgs_b12_folate_fbc.edi"));
  ASSERT_TRUE(parsed);
  auto fbc = readMedrpt(parsed->messages[1], &*parsed);
  ASSERT_TRUE(fbc);
  const auto& results = fbc->reports[0].results;
  ASSERT_FALSE(results.empty());
  EXPECT_EQ(results[0].code.display, "Full blood count - FBC");
  EXPECT_EQ(results[0].value.kind, model::Value::Kind::kNone);
  EXPECT_EQ(results[0].members.size(), results.size() - 1);
  for (std::size_t i = 1; i < results.size(); ++i) EXPECT_TRUE(results[i].members.empty());
}

TEST(Edifact, RefusesCountsThatDoNotMatchNamingTheSegment) {
  const std::string good =
      "UNB+UNOC:3+A+B+100301:1751+77'UNH+1+MEDRPT:0:1:RT:NHS003'BGM+LSR'UNT+3+1'UNZ+1+77'";
  ASSERT_TRUE(parse(good));
  auto badUnt = parse("UNH+1+MEDRPT:0:1:RT:NHS003'BGM+LSR'UNT+4+1'");
  ASSERT_FALSE(badUnt);
  EXPECT_EQ(badUnt.error().text, "segment 3 (UNT): counts 4 segments; message 1 has 3");
  auto badRef = parse("UNH+1+MEDRPT:0:1:RT:NHS003'UNT+2+9'");
  ASSERT_FALSE(badRef);
  EXPECT_EQ(badRef.error().text, "segment 2 (UNT): reference 9 does not match UNH's 1");
  auto badUnz = parse("UNB+UNOC:3+A+B+100301:1751+77'UNH+1+MEDRPT:0:1:RT:NHS003'UNT+2+1'UNZ+2+77'");
  ASSERT_FALSE(badUnz);
  EXPECT_EQ(badUnz.error().text, "segment 4 (UNZ): counts 2 messages; the interchange has 1");
  auto unterminated = parse("UNH+1+MEDRPT:0:1:RT:NHS003'BGM+LSR");
  ASSERT_FALSE(unterminated);
  EXPECT_EQ(unterminated.error().text, "segment 2 (BGM): the last segment has no terminator");
  auto lastUnt = parse("UNH+1+MEDRPT:0:1:RT:NHS003'UNT+2+1\n");
  ASSERT_TRUE(lastUnt) << lastUnt.error().text;
  EXPECT_EQ(lastUnt->warnings.size(), 1u);
}

// Patient, specimens and results as the adaptor's FHIR has them.
void expectSameReport(const model::Message& fromEdifact, const model::Message& fromAdaptor) {
  EXPECT_EQ(fromEdifact.patient.nhsNumber, fromAdaptor.patient.nhsNumber);
  EXPECT_EQ(fromEdifact.patient.name.family, fromAdaptor.patient.name.family);
  EXPECT_EQ(fromEdifact.patient.name.given, fromAdaptor.patient.name.given);
  EXPECT_EQ(fromEdifact.patient.birthDate, fromAdaptor.patient.birthDate);
  ASSERT_EQ(fromEdifact.specimens.size(), fromAdaptor.specimens.size());
  for (std::size_t i = 0; i < fromEdifact.specimens.size(); ++i) {
    EXPECT_EQ(fromEdifact.specimens[i].id, fromAdaptor.specimens[i].id);
    EXPECT_EQ(fromEdifact.specimens[i].type.display, fromAdaptor.specimens[i].type.display);
    EXPECT_EQ(fromEdifact.specimens[i].collectedAt, fromAdaptor.specimens[i].collectedAt);
  }
  ASSERT_EQ(fromEdifact.reports.size(), 1u);
  ASSERT_EQ(fromAdaptor.reports.size(), 1u);
  std::vector<model::Observation> a = fromEdifact.reports[0].results;
  std::vector<model::Observation> b = fromAdaptor.reports[0].results;
  ASSERT_EQ(a.size(), b.size());
  for (std::size_t i = 0; i < a.size(); ++i) {
    testing::sameDecimals(a[i]);
    testing::sameDecimals(b[i]);
    EXPECT_EQ(a[i].code.code, b[i].code.code) << i;
    EXPECT_EQ(a[i].code.display, b[i].code.display) << i;
    EXPECT_EQ(a[i].value.kind, b[i].value.kind) << i;
    EXPECT_EQ(a[i].value.quantity.value, b[i].value.quantity.value) << i;
    EXPECT_EQ(a[i].value.quantity.comparator, b[i].value.quantity.comparator) << i;
    EXPECT_EQ(a[i].value.quantity.unit, b[i].value.quantity.unit) << i;
    ASSERT_EQ(a[i].referenceRanges.size(), b[i].referenceRanges.size()) << i;
    for (std::size_t r = 0; r < a[i].referenceRanges.size(); ++r) {
      EXPECT_EQ(a[i].referenceRanges[r].low.value, b[i].referenceRanges[r].low.value) << i;
      EXPECT_EQ(a[i].referenceRanges[r].high.value, b[i].referenceRanges[r].high.value) << i;
    }
    EXPECT_EQ(a[i].interpretation, b[i].interpretation) << i;
  }
}

struct Pair {
  const char* edifact;
  std::size_t message;  // 0-based, in the interchange
  const char* fhir;
};

class AdaptorPair : public ::testing::TestWithParam<Pair> {};

TEST_P(AdaptorPair, MatchesTheFhirTheNationalAdaptorProduced) {
  const Pair p = GetParam();
  ParseOptions lenient;  // some of these interchanges have stale UNT counts
  lenient.tolerateCountMismatch = true;
  auto parsed = parse(testing::readCorpusFile(std::string("edifact/") + p.edifact), lenient);
  ASSERT_TRUE(parsed) << parsed.error().describe();
  ASSERT_GT(parsed->messages.size(), p.message);
  auto fromEdifact = readMedrpt(parsed->messages[p.message], &*parsed);
  ASSERT_TRUE(fromEdifact) << fromEdifact.error().describe();
  auto fromAdaptor = fhir::readBundleJson(testing::readCorpusFile(std::string("fhir/") + p.fhir));
  ASSERT_TRUE(fromAdaptor) << fromAdaptor.error().describe();
  expectSameReport(*fromEdifact, *fromAdaptor);
}

INSTANTIATE_TEST_SUITE_P(
    SourcesMd, AdaptorPair,
    ::testing::Values(Pair{"nhs003_medrpt_interchange_3msgs_b12_folate_fbc.edi", 1,
                           "itk3_stu3_nhs003_fbc_from_edifact.json"},
                      Pair{"nhs002_medrpt_interchange_b12_folate.edi", 0,
                           "itk3_stu3_nhs002_b12_folate_from_edifact.json"},
                      Pair{"nhs004_screening_bowel_interchange.edi", 0,
                           "itk3_stu3_screening_from_edifact.json"}));

}  // namespace
}  // namespace pathhub::edifact

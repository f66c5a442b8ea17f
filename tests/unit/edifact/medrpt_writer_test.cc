// NHS003 written from the model: every MEDRPT in the corpus goes EDIFACT → model → EDIFACT
// → model unchanged, the written interchange passing the strict count checks; and an HL7 v2
// report written as NHS003 keeps its patient and results (documents are warned of).
#include "edifact/medrpt_writer.h"

#include <gtest/gtest.h>

#include "corpus.h"
#include "edifact/edifact_syntax.h"
#include "edifact/medrpt_reader.h"
#include "hl7/batch.h"
#include "hl7/message.h"
#include "model/v2_reader.h"
#include "model_print.h"

namespace pathhub::edifact {
namespace {

TEST(MedrptWriter, EveryCorpusReportRoundTrips) {
  int compared = 0;
  for (const auto& f : testing::corpusFiles("edifact")) {
    ParseOptions lenient;
    lenient.tolerateCountMismatch = true;
    auto parsed = parse(testing::readFile(f), lenient);
    ASSERT_TRUE(parsed) << f;
    for (const Message& m : parsed->messages) {
      if (m.type != "MEDRPT") continue;
      auto first = readMedrpt(m, &*parsed);
      ASSERT_TRUE(first) << f;
      model::Message copy = *first;
      MedrptEnvelope envelope;
      envelope.reference = parsed->reference.empty() ? "1" : parsed->reference;
      const std::string written = writeMedrpt(copy, envelope);
      auto again = parse(written);  // strict: the counts must be right
      ASSERT_TRUE(again) << f << ": " << again.error().describe() << "\n" << written;
      ASSERT_EQ(again->messages.size(), 1u);
      auto second = readMedrpt(again->messages[0], &*again);
      ASSERT_TRUE(second) << f;
      EXPECT_EQ(first->patient, second->patient) << f;
      EXPECT_EQ(first->specimens, second->specimens) << f << "\n" << written;
      ASSERT_EQ(first->reports.size(), 1u);
      const model::Report& a = first->reports[0];
      const model::Report& b = second->reports[0];
      ASSERT_EQ(a.results.size(), b.results.size()) << f << "\n" << written;
      for (std::size_t i = 0; i < a.results.size(); ++i) {
        EXPECT_EQ(a.results[i], b.results[i]) << f << " result " << i << "\n" << written;
      }
      EXPECT_EQ(a, b) << f;
      ++compared;
    }
  }
  EXPECT_GE(compared, 10);
}

TEST(MedrptWriter, WritesAnHl7v2ReportWithItsResultsAndWarnsOfDocuments) {
  auto parsed = hl7::Message::parse(hl7::normalizeSegmentSeparators(
      testing::readCorpusFile("hl7v2/oru_r01_dhcw_hba1c_fbc_corrected_v251.hl7")));
  ASSERT_TRUE(parsed);
  auto model = model::readV2(*parsed);
  ASSERT_TRUE(model);
  model::Message m = *model;
  const std::string written = writeMedrpt(m);
  auto again = parse(written);
  ASSERT_TRUE(again) << again.error().describe();
  ASSERT_EQ(again->messages.size(), model->reports.size());
  auto back = readMedrpt(again->messages[0], &*again);
  ASSERT_TRUE(back);
  EXPECT_EQ(back->patient.nhsNumber, "5189214567");
  EXPECT_EQ(back->patient.name.family, "Bloggs");
  const auto& original = model->reports[0].results;
  const auto& read = back->reports[0].results;
  ASSERT_EQ(read.size(), original.size());
  for (std::size_t i = 0; i < read.size(); ++i) {
    EXPECT_EQ(read[i].code.code, original[i].code.code);
    EXPECT_EQ(read[i].value.quantity.value, original[i].value.quantity.value);
    EXPECT_EQ(read[i].unit, original[i].unit);
  }
  auto pdf = hl7::Message::parse(hl7::normalizeSegmentSeparators(
      testing::readCorpusFile("hl7v2/oru_r01_nwgmsa_genomics_report_pdf_v251.hl7")));
  ASSERT_TRUE(pdf);
  auto withPdf = model::readV2(*pdf);
  ASSERT_TRUE(withPdf);
  (void)writeMedrpt(*withPdf);
  bool warned = false;
  for (const auto& w : withPdf->warnings)
    warned |= w.find("cannot be carried by NHS003") != std::string::npos;
  EXPECT_TRUE(warned);
}

}  // namespace
}  // namespace pathhub::edifact

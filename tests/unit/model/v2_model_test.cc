// HL7 v2 ⇄ canonical model on the public samples: every ORU in ../shared/corpus/hl7v2 reads
// into the model, writes back as v2 and reads again into the same model; and the fields of
// a few known samples land where the README's mapping table says.
#include <gtest/gtest.h>

#include "corpus.h"
#include "hl7/batch.h"
#include "hl7/message.h"
#include "model/v2_reader.h"
#include "model/v2_writer.h"
#include "model_print.h"

namespace pathhub::model {

namespace {

std::vector<std::string> oruMessages(const std::filesystem::path& file) {
  std::vector<std::string> out;
  const std::string bytes = testing::readFile(file);
  auto split = hl7::splitMessages(bytes);
  if (!split) return out;
  for (auto text : split->messages) {
    auto header = hl7::Message::parseHeader(text);
    // Reports: ORU messages with at least one OBR (the codec's own test samples may have none).
    const std::string normal = hl7::normalizeSegmentSeparators(text);
    if (header && header->messageType() == "ORU" && normal.find("\rOBR|") != std::string::npos) {
      out.push_back(normal);
    }
  }
  return out;
}

Message read(const std::string& bytes) {
  auto parsed = hl7::Message::parse(bytes);
  EXPECT_TRUE(parsed) << parsed.error().describe();
  auto model = readV2(*parsed);
  EXPECT_TRUE(model) << model.error().describe();
  return model ? *model : Message{};
}

class OruSample : public ::testing::TestWithParam<std::filesystem::path> {};

TEST_P(OruSample, ReadsWritesAndReadsBackTheSameModel) {
  const auto messages = oruMessages(GetParam());
  for (const std::string& bytes : messages) {
    const Message first = read(bytes);
    ASSERT_FALSE(first.reports.empty());
    Message toWrite = first;
    auto written = writeV2(toWrite);
    ASSERT_TRUE(written) << written.error().describe();
    const std::string again = written->encode();
    const Message second = read(again);
    EXPECT_EQ(first.header, second.header);
    EXPECT_EQ(first.patient, second.patient);
    EXPECT_EQ(first.specimens, second.specimens) << again;
    ASSERT_EQ(first.reports.size(), second.reports.size());
    for (std::size_t i = 0; i < first.reports.size(); ++i) {
      const Report& a = first.reports[i];
      const Report& b = second.reports[i];
      EXPECT_EQ(a.code, b.code);
      EXPECT_EQ(a.status, b.status);
      EXPECT_EQ(a.comments, b.comments);
      EXPECT_EQ(a.documents, b.documents);
      ASSERT_EQ(a.results.size(), b.results.size());
      for (std::size_t j = 0; j < a.results.size(); ++j) {
        EXPECT_EQ(a.results[j], b.results[j]) << "report " << i << " result " << j << "\n" << again;
      }
      EXPECT_EQ(a, b) << "report " << i;
    }
  }
}

std::vector<std::filesystem::path> oruFiles() {
  std::vector<std::filesystem::path> out;
  for (const auto& f : testing::corpusFiles("hl7v2")) {
    if (!oruMessages(f).empty()) out.push_back(f);
  }
  return out;
}

INSTANTIATE_TEST_SUITE_P(Hl7v2, OruSample, ::testing::ValuesIn(oruFiles()),
                         [](const auto& p) { return p.param.stem().string(); });

TEST(V2Model, HasTheOruSamples) { EXPECT_GE(oruFiles().size(), 15u); }

TEST(V2Model, ReadsTheDhcwProfileSample) {
  const Message m = read(hl7::normalizeSegmentSeparators(
      testing::readCorpusFile("hl7v2/oru_r01_dhcw_hba1c_fbc_corrected_v251.hl7")));
  EXPECT_EQ(m.header.version, "2.5.1");
  EXPECT_EQ(m.header.event, "ORU^R01");
  EXPECT_EQ(m.patient.nhsNumber, "5189214567");
  ASSERT_FALSE(m.patient.identifiers.empty());
  EXPECT_EQ(m.patient.identifiers[0].value, "403281375");
  EXPECT_EQ(m.patient.name.family, "Bloggs");
  ASSERT_FALSE(m.reports.empty());
  EXPECT_EQ(m.reports[0].fillerOrder, "914694928301");
  bool numeric = false;
  for (const auto& r : m.reports)
    for (const auto& o : r.results) numeric |= o.value.kind == Value::Kind::kQuantity;
  EXPECT_TRUE(numeric);
}

TEST(V2Model, ReadsComparatorsAsQuantitiesWithTheirComparator) {
  const Message m = read(hl7::normalizeSegmentSeparators(
      testing::readCorpusFile("hl7v2/oru_r01_winpath_numeric_comparators_nte_v23.hl7")));
  int withComparator = 0;
  for (const auto& r : m.reports)
    for (const auto& o : r.results)
      withComparator +=
          o.value.kind == Value::Kind::kQuantity && !o.value.quantity.comparator.empty();
  EXPECT_GT(withComparator, 0);
}

TEST(V2Model, JoinsADocumentSplitOverSeveralObx) {
  const Message m = read(hl7::normalizeSegmentSeparators(
      testing::readCorpusFile("hl7v2/oru_r01_nwgmsa_genomics_report_pdf_v251.hl7")));
  std::size_t documents = 0;
  for (const auto& r : m.reports) {
    for (const auto& d : r.documents) {
      ++documents;
      EXPECT_EQ(d.contentType, "application/pdf");
      EXPECT_FALSE(d.base64.empty());
    }
  }
  EXPECT_EQ(documents, 1u);
}

TEST(V2Model, ReadsAndWritesReportsHeldElsewhereAsReferencePointers) {
  // RP (HL7 2.A.65): the application ID carries the URI's scheme and authority, the pointer
  // its path; a pointer alone is kept as it is, with a warning if the application is no URI.
  const Message m = read(
      "MSH|^~\\&|LIMS|LAB|EPR|TRUST|20240101||ORU^R01|RP1|P|2.5.1\r"
      "PID|||123^^^NHS^NH\r"
      "OBR|1||F1|HIST^Histology report^LOCAL\r"
      "OBX|1|RP|PDF^Report PDF^LOCAL||/reports/F1.pdf^https://docs.lab.example&&URI^Application^PDF"
      "||||||F\r"
      "OBX|2|RP|IMG^Slide image^LOCAL||slide-7^PACS^Image^JPEG||||||F\r");
  ASSERT_EQ(m.reports.at(0).documents.size(), 2u);
  const Document& pdf = m.reports[0].documents[0];
  EXPECT_EQ(pdf.url, "https://docs.lab.example/reports/F1.pdf");
  EXPECT_EQ(pdf.contentType, "application/pdf");
  EXPECT_TRUE(pdf.base64.empty());
  EXPECT_EQ(pdf.title, "Report PDF");
  EXPECT_EQ(m.reports[0].documents[1].url, "slide-7");
  EXPECT_EQ(m.reports[0].documents[1].contentType, "image/jpeg");
  ASSERT_EQ(m.warnings.size(), 2u);
  EXPECT_EQ(m.warnings[0],
            "[invalid-nhs-number] PID-3 '123' is marked as an NHS number but fails the modulus "
            "11 check: kept as a local identifier");
  EXPECT_EQ(m.warnings[1],
            "[not-carried] OBX-5 RP application 'PACS' is not a URI: the pointer is kept alone");
  EXPECT_TRUE(m.reports[0].results.empty()) << "a pointer is a document, not a result";

  // Written back as RP with the whole URI as the pointer, and read back the same.
  Message toWrite = m;
  auto message = writeV2(toWrite);
  ASSERT_TRUE(message) << message.error().text;
  const std::string written = message->encode();
  EXPECT_NE(written.find("OBX|1|RP|^Report PDF||https://docs.lab.example/reports/F1.pdf^^"
                         "Application^PDF||||||F"),
            std::string::npos)
      << written;
  const Message again = read(written);
  EXPECT_EQ(again.reports.at(0).documents.at(0).url, pdf.url);
  EXPECT_EQ(again.reports.at(0).documents.at(0).contentType, pdf.contentType);
}

TEST(V2Model, RefusesAMessageWithoutAReportNamingIt) {
  auto parsed = hl7::Message::parse(hl7::normalizeSegmentSeparators(
      testing::readCorpusFile("hl7v2/oru_r01_repetitions_subcomponents_v24.hl7")));
  ASSERT_TRUE(parsed);
  auto model = readV2(*parsed);
  ASSERT_FALSE(model);
  EXPECT_EQ(model.error().text, "message CNTRL-3456 (ORU^R01) holds no OBR: it is not a report");
}

TEST(V2Model, WarnsOfWhatItCannotReadInsteadOfDroppingIt) {
  const Message m = read(hl7::normalizeSegmentSeparators(
      testing::readCorpusFile("hl7v2/oru_r01_winpath_numeric_comparators_nte_v23.hl7")));
  bool warned = false;
  for (const auto& w : m.warnings) warned |= w.find("'?7' is not a number") != std::string::npos;
  EXPECT_TRUE(warned);
}

TEST(V2Model, WritesIsoTimesAsHl7) {
  EXPECT_EQ(isoToHl7("2019-05-14T10:25:00+01:00"), "20190514102500+0100");
  EXPECT_EQ(isoToHl7("2019-05-14"), "20190514");
  EXPECT_EQ(isoToHl7("2019-05"), "201905");
  EXPECT_EQ(isoToHl7("2019-05-14T10:25:00.123Z"), "20190514102500.123+0000");
  EXPECT_EQ(isoToHl7("2019-05-14T10:25-05:00"), "201905141025-0500");
  EXPECT_EQ(isoToHl7("yesterday"), "yesterday");
}

}  // namespace
}  // namespace pathhub::model

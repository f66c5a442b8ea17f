// The CoPath, DHCW and Epic dialect codecs through the real loader, on the public samples.
#include <gtest/gtest.h>

#include "corpus.h"
#include "hl7/batch.h"
#include "hl7/message.h"
#include "model/v2_reader.h"
#include "model/warnings.h"
#include "plugin/codec_adapter.h"
#include "plugin/plugin_host.h"
#include "plugin/plugin_registry.h"

namespace pathhub::plugin {
namespace {

class Dialects : public ::testing::Test {
 protected:
  void SetUp() override {
    for (const char* p : {"lims_copath", "lims_dhcw", "lims_epic"}) {
      ASSERT_TRUE(
          registry_.loadFile(std::filesystem::path(PATHHUB_PLUGIN_DIR) / (std::string(p) + ".so")));
    }
  }
  std::string run(const char* codec, Direction d, const std::string& bytes) {
    auto c = converter(*registry_.codec(codec), d).convert(bytes);
    EXPECT_TRUE(c) << codec << ": " << (c ? "" : c.error().describe());
    return c && !c->messages.empty() ? c->messages[0] : std::string();
  }
  // The codec as a channel with these <codecSettings> gets it: every message and warning.
  pipeline::Conversion runWith(const char* codec, Direction d, const std::string& bytes,
                               const config::PluginSettings& settings) {
    auto made = makeConverter(registry_, codec, settings, d, "lab", "source", "test");
    EXPECT_TRUE(made) << made.error().text;
    if (!made) return {};
    auto c = made->convert(bytes);
    EXPECT_TRUE(c) << codec << ": " << (c ? "" : c.error().describe());
    return c ? *c : pipeline::Conversion{};
  }
  PluginRegistry registry_;
};

TEST_F(Dialects, CoPathMimeDocumentsBecomeOneEmbeddedPdf) {
  const std::string sample = hl7::normalizeSegmentSeparators(
      testing::readCorpusFile("hl7v2/oru_r01_copath_histology_pdf_ed_v23.hl7"));
  const std::string normal = run("copath", Direction::kDecode, sample);
  auto m = hl7::Message::parse(normal);
  ASSERT_TRUE(m) << m.error().describe();
  ASSERT_EQ(m->segmentIndexes("OBX").size(), 2u);  // the TX line and the one document
  EXPECT_EQ(*m->get("OBX[2]-5.3"), "PDF");
  EXPECT_EQ(*m->get("OBX[2]-5.4"), "Base64");
  EXPECT_EQ(m->get("OBX[2]-5.5")->rfind("JVBERi0xLjMK", 0), 0u);
  // The model reads it as a PDF, without the warning the raw MIME lines cause.
  auto model = model::readV2(*m);
  ASSERT_TRUE(model);
  ASSERT_EQ(model->reports[0].documents.size(), 1u);
  EXPECT_EQ(model->reports[0].documents[0].contentType, "application/pdf");
  for (const auto& w : model->warnings) {
    EXPECT_EQ(model::warningName(w), "zone-assumed") << w;  // nothing about the document
  }
  // Back to CoPath's form and in again: the same normal message.
  const std::string copath = run("copath", Direction::kEncode, normal);
  EXPECT_NE(copath.find("OBX|2|ED||1|Content-Type: application/pdf\r"
                        "OBX|3|ED||1|Content-transfer-encoding: base64\r"),
            std::string::npos)
      << copath.substr(copath.find("OBX|2"), 300);
  EXPECT_EQ(run("copath", Direction::kDecode, copath), normal);
}

TEST_F(Dialects, DhcwDocumentsAreSplitAt32KAndJoinedAgain) {
  const std::string data(70000, 'A');
  const std::string normal =
      "MSH|^~\\&|LAB|W|GP|W|20240101||ORU^R01|D1|P|2.5.1\rPID|1||5189214567^^^NHS^NH\r"
      "OBR|1||F1|REP^Report\rOBX|1|ED|PDF^Report||^AP^PDF^Base64^" +
      data + "||||||F\r";
  const std::string dhcw = run("dhcw", Direction::kEncode, normal);
  auto m = hl7::Message::parse(dhcw);
  ASSERT_TRUE(m);
  const auto obxs = m->segmentIndexes("OBX");
  ASSERT_EQ(obxs.size(), 3u);
  std::string joined;
  for (std::size_t obx : obxs) {
    const std::string part = m->get(obx, hl7::Path::at("", 5, 5));
    EXPECT_LE(part.size(), 32000u);
    joined += part;
  }
  EXPECT_EQ(joined, data);
  EXPECT_EQ(*m->get("OBX[3]-1"), "3");
  EXPECT_EQ(run("dhcw", Direction::kDecode, dhcw), normal);
}

TEST_F(Dialects, DhcwUnitsGetTheirUcumCodeAndReportTextIsLeftAlone) {
  const std::string text = hl7::normalizeSegmentSeparators(
      testing::readCorpusFile("hl7v2/oru_r01_dhcw_urine_mcs_text_report_v251.hl7"));
  // The sample's x10\S\6/L is in report lines (TX): text, never rewritten.
  EXPECT_EQ(run("dhcw", Direction::kDecode, text), text);
  const std::string normal =
      run("dhcw", Direction::kDecode,
          "MSH|^~\\&|LAB|W|GP|W|20240101||ORU^R01|D2|P|2.5.1\rOBR|1||F2|WBC^Urine WBC\r"
          "OBX|1|NM|WBC^White cells||10|x10\\S\\6/L||||F\r");
  EXPECT_NE(normal.find("|10*6/L|"), std::string::npos) << normal;
}

TEST_F(Dialects, EpicAsksForTheAcknowledgementModesEpicUses) {
  const std::string order = hl7::normalizeSegmentSeparators(
      testing::readCorpusFile("hl7v2/orm_o01_winpath_new_order_zpv_v23.hl7"));
  // In: already the normal shape; ZPV stays for scripts.
  EXPECT_EQ(run("epic", Direction::kDecode, order), order);
  // Out: MSH-15 AL, MSH-16 NE.
  auto m = hl7::Message::parse(
      run("epic", Direction::kEncode, "MSH|^~\\&|HUB|X|EPIC|Y|20240101||ORU^R01|E1|P|2.3\r"));
  ASSERT_TRUE(m);
  EXPECT_EQ(*m->get("MSH-15"), "AL");
  EXPECT_EQ(*m->get("MSH-16"), "NE");
}

TEST_F(Dialects, DhcwNamesSnomedCtAsSctWhereTheCodesAreConceptIds) {
  // The NW GMSA examples (published beside the DHCW profile) mark SNOMED CT codes SNM3 or SNM.
  const std::string order = hl7::normalizeSegmentSeparators(
      testing::readCorpusFile("hl7v2/oml_o21_nwgmsa_genomics_order_nhsno_v24.hl7"));
  auto m = hl7::Message::parse(run("dhcw", Direction::kDecode, order));
  ASSERT_TRUE(m) << m.error().describe();
  EXPECT_EQ(*m->get("DG1-3.1"), "363349007");
  EXPECT_EQ(*m->get("DG1-3.3"), "SCT");
  EXPECT_EQ(*m->get("SPM-4.3"), "SCT");
  EXPECT_EQ(*m->get("OBX[2]-5.3"), "SCT");
  EXPECT_EQ(*m->get("OBX[3]-3.3"), "SCT");
  EXPECT_EQ(*m->get("OBX[3]-5.3"), "LN") << "other systems are left alone";
  EXPECT_EQ(*m->get("OBX[2]-3.3"), "NWGMSA") << "the local question code keeps its system";
  const std::string report = hl7::normalizeSegmentSeparators(
      testing::readCorpusFile("hl7v2/oru_r01_nwgmsa_genomics_report_pdf_v251.hl7"));
  auto r = hl7::Message::parse(run("dhcw", Direction::kDecode, report));
  ASSERT_TRUE(r);
  EXPECT_EQ(*r->get("OBX[1]-3.3"), "SCT");  // 1054161000000101, a UK extension's concept
  // Out, with the LIMS's own name: SCT becomes the first of snomedSystems.
  auto out = runWith("dhcw", Direction::kEncode, m->encode(), {{"snomedSystems", "SNM3"}});
  auto back = hl7::Message::parse(out.messages.at(0));
  ASSERT_TRUE(back);
  EXPECT_EQ(*back->get("DG1-3.3"), "SNM3");
  EXPECT_EQ(*back->get("SPM-4.3"), "SNM3");
}

TEST_F(Dialects, ACodeMarkedSnomedThatIsNotAConceptIdIsKeptAndWarnedOf) {
  auto c = runWith("epic", Direction::kDecode,
                   "MSH|^~\\&|LAB|X|HUB|Y|20240101||ORU^R01|S1|P|2.5.1\r"
                   "OBR|1||F1|HBA1C^HbA1c^LOCAL\r"
                   "OBX|1|CE|12345^Old code^SNM3||363349008^Typo^SNM3|||||F\r",
                   {{"snomedSystems", "SNM3"}});
  ASSERT_EQ(c.messages.size(), 1u);
  EXPECT_NE(c.messages[0].find("12345^Old code^SNM3"), std::string::npos) << c.messages[0];
  EXPECT_NE(c.messages[0].find("363349008^Typo^SNM3"), std::string::npos) << "check digit";
  ASSERT_EQ(c.warnings.size(), 2u);
  EXPECT_NE(c.warnings[0].find("OBX-3 code '12345' is marked SNM3 but is not a SNOMED CT"),
            std::string::npos)
      << c.warnings[0];
}

TEST_F(Dialects, BatchesAreUnwrappedOnTheWayInAndMadeOnRequestOnTheWayOut) {
  const std::string one = "MSH|^~\\&|LAB|X|HUB|Y|20240101||ORU^R01|B1|P|2.3\rPID|||1\r";
  const std::string two = "MSH|^~\\&|LAB|X|HUB|Y|20240101||ORU^R01|B2|P|2.3\rPID|||2\r";
  const std::string batch = "FHS|^~\\&|LAB\rBHS|^~\\&|LAB\r" + one + two + "BTS|2\rFTS|1\r";
  auto in = runWith("epic", Direction::kDecode, batch, {});
  ASSERT_EQ(in.messages.size(), 2u);
  EXPECT_NE(in.messages[0].find("|B1|"), std::string::npos);
  EXPECT_NE(in.messages[1].find("|B2|"), std::string::npos);
  // A truncated batch is refused, not read in part.
  auto truncated = makeConverter(registry_, "epic", {}, Direction::kDecode, "lab", "source", "t")
                       ->convert("BHS|^~\\&|LAB\r" + one + "BTS|2\r");
  EXPECT_FALSE(truncated);

  auto out = runWith("dhcw", Direction::kEncode, one, {{"wrapBatch", "true"}});
  ASSERT_EQ(out.messages.size(), 1u);
  EXPECT_EQ(out.messages[0].rfind("BHS|^~\\&|LAB|X|HUB|Y|20240101\r", 0), 0u) << out.messages[0];
  auto split = hl7::splitMessages(out.messages[0]);
  ASSERT_TRUE(split) << split.error().describe();
  ASSERT_EQ(split->messages.size(), 1u);
  EXPECT_EQ(std::string(split->messages[0]), one);
}

TEST_F(Dialects, AnNhsNumberKeptElsewhereIsAddedToPid3WhereScriptsLook) {
  // King's sends the NHS number in PID-2 (oru_r01_kch_fbc_nhsno_in_pid2_v231).
  const std::string sample = hl7::normalizeSegmentSeparators(
      testing::readCorpusFile("hl7v2/oru_r01_kch_fbc_nhsno_in_pid2_v231.hl7"));
  auto in = runWith("epic", Direction::kDecode, sample, {{"nhsNumberAt", "PID-2"}});
  auto m = hl7::Message::parse(in.messages.at(0));
  ASSERT_TRUE(m);
  EXPECT_EQ(*m->get("PID-3[1]"), "Z100002") << "the hospital number stays first";
  EXPECT_EQ(*m->get("PID-3[2].1"), "7179209791");
  EXPECT_EQ(*m->get("PID-3[2].4"), "NHS");
  EXPECT_EQ(*m->get("PID-3[2].5"), "NH");
  EXPECT_EQ(*m->get("PID-2"), "7179209791") << "PID-2 is left as sent";
  // Already there: not added twice.
  auto again = runWith("epic", Direction::kDecode, in.messages[0], {{"nhsNumberAt", "PID-2"}});
  EXPECT_EQ(again.messages.at(0), in.messages[0]);
  // Not a valid NHS number: left, with a warning.
  std::string bad = sample;
  bad.replace(bad.find("7179209791"), 10, "7179209792");
  auto refused = runWith("epic", Direction::kDecode, bad, {{"nhsNumberAt", "PID-2"}});
  ASSERT_EQ(refused.warnings.size(), 1u);
  EXPECT_NE(refused.warnings[0].find("PID-2 '7179209792' is not a valid NHS number"),
            std::string::npos);
  // A setting that is no PID field stops the codec being made, naming the key.
  auto wrong = makeConverter(registry_, "epic", {{"nhsNumberAt", "OBX-5"}}, Direction::kDecode,
                             "lab", "source", "channel 'lab' source");
  ASSERT_FALSE(wrong);
  EXPECT_NE(wrong.error().text.find("nhsNumberAt: 'OBX-5' is not a PID field"), std::string::npos)
      << wrong.error().text;
}

TEST_F(Dialects, ResultStatusCodesAreMappedInAndBack) {
  const std::string lims = std::string("MSH|^~\\&|LAB|X|HUB|Y|20240101||ORU^R01|S2|P|2.3\r") +
                           "OBR|1||F2|FBC^Full blood count^LOCAL" + std::string(21, '|') + "?\r" +
                           "OBX|1|NM|HB^Haemoglobin^LOCAL||135|g/L|||||?\r"
                           "OBX|2|NM|WBC^White cells^LOCAL||6.1|10*9/L|||||F\r";
  auto in = runWith("epic", Direction::kDecode, lims, {{"resultStatuses", "?=I, Z=X"}});
  auto m = hl7::Message::parse(in.messages.at(0));
  ASSERT_TRUE(m);
  EXPECT_EQ(*m->get("OBX[1]-11"), "I");
  EXPECT_EQ(*m->get("OBX[2]-11"), "F");
  EXPECT_EQ(*m->get("OBR-25"), "I");
  auto out = runWith("epic", Direction::kEncode, in.messages[0], {{"resultStatuses", "?=I"}});
  auto back = hl7::Message::parse(out.messages.at(0));
  ASSERT_TRUE(back);
  EXPECT_EQ(*back->get("OBX[1]-11"), "?");
  EXPECT_EQ(*back->get("OBR-25"), "?");
  auto wrong = makeConverter(registry_, "epic", {{"resultStatuses", "?"}}, Direction::kDecode,
                             "lab", "source", "t");
  ASSERT_FALSE(wrong);
  EXPECT_NE(wrong.error().text.find("resultStatuses: '?' is not code=code"), std::string::npos);
}

}  // namespace
}  // namespace pathhub::plugin

// The lims_winpath codec through the real loader, on the public WinPath samples: WinPath's
// habits normalised on the way in, put back on the way out.
#include <Poco/JSON/Parser.h>
#include <gtest/gtest.h>

#include <map>

#include "corpus.h"
#include "fhir/bundle_writer.h"
#include "hl7/batch.h"
#include "hl7/message.h"
#include "model/v2_reader.h"
#include "plugin/codec_adapter.h"
#include "plugin/plugin_host.h"
#include "plugin/plugin_registry.h"

namespace pathhub::plugin {
namespace {

class WinPathCodec : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(registry_.loadFile(std::filesystem::path(PATHHUB_PLUGIN_DIR) / "lims_winpath.so"));
    ASSERT_TRUE(registry_.codec("winpath"));
  }
  // The codec as a channel with these <codecSettings> gets it.
  pipeline::Conversion run(Direction d, const std::string& bytes,
                           const config::PluginSettings& settings = {}) {
    auto codec = makeConverter(registry_, "winpath", settings, d, "lab", "source", "test");
    EXPECT_TRUE(codec) << codec.error().text;
    if (!codec) return {};
    auto c = codec->convert(bytes);
    EXPECT_TRUE(c) << c.error().describe();
    return c ? *c : pipeline::Conversion{};
  }
  static hl7::Message parsed(const std::string& bytes) {
    auto m = hl7::Message::parse(bytes);
    EXPECT_TRUE(m) << m.error().describe();
    return m ? *m : hl7::Message{};
  }
  PluginRegistry registry_;
};

TEST_F(WinPathCodec, MovesComparatorsIntoStructuredNumbers) {
  const std::string sample =
      testing::readCorpusFile("hl7v2/oru_r01_winpath_numeric_comparators_nte_v23.hl7");
  auto in = run(Direction::kDecode, sample);
  ASSERT_EQ(in.messages.size(), 1u);
  const hl7::Message m = parsed(in.messages[0]);
  EXPECT_EQ(*m.get("OBX[2]-2"), "SN");
  EXPECT_EQ(*m.get("OBX[2]-5.1"), "<");
  EXPECT_EQ(*m.get("OBX[2]-5.2"), "7");
  EXPECT_EQ(*m.get("OBX[3]-5.1"), ">");
  EXPECT_EQ(*m.get("OBX[4]-5"), "?7");  // neither: left as sent, warned of
  ASSERT_EQ(in.warnings.size(), 1u);
  EXPECT_NE(in.warnings[0].find("'?7'"), std::string::npos);
  EXPECT_EQ(*m.get("OBX[1]-3.3"), "WinPath");
  EXPECT_EQ(*m.get("PID-3.5"), "MR");
  // And back: WinPath's NM form and MEDREC again.
  auto out = run(Direction::kEncode, in.messages[0]);
  const hl7::Message back = parsed(out.messages.at(0));
  EXPECT_EQ(*back.get("OBX[2]-2"), "NM");
  EXPECT_EQ(*back.get("OBX[2]-5"), "<7");
  EXPECT_EQ(*back.get("PID-3.5"), "MEDREC");
}

TEST_F(WinPathCodec, GivesUnitsTheirUcumCode) {
  auto in = run(Direction::kDecode,
                testing::readCorpusFile("hl7v2/oru_r01_winpath_fbc_escapes_msg2_v23.hl7"));
  const hl7::Message m = parsed(in.messages.at(0));
  EXPECT_EQ(*m.get("OBX[2]-6"), "10*9/L");   // was x10\S\9/L
  EXPECT_EQ(*m.get("OBX[3]-6"), "10*12/L");  // was x10\S\12/L
  EXPECT_EQ(*m.get("OBX[1]-6"), "%");
}

TEST_F(WinPathCodec, EveryWinPathSampleNormalises) {
  int samples = 0;
  for (const auto& f : testing::corpusFiles("hl7v2")) {
    if (f.filename().string().find("winpath") == std::string::npos) continue;
    const std::string bytes = testing::readFile(f);
    auto split = hl7::splitMessages(bytes);
    ASSERT_TRUE(split);
    for (auto text : split->messages) {
      auto in = run(Direction::kDecode, std::string(text));
      ASSERT_EQ(in.messages.size(), 1u) << f;
      EXPECT_TRUE(hl7::Message::parse(in.messages[0])) << f;
    }
    ++samples;
  }
  EXPECT_GE(samples, 7);
}

TEST_F(WinPathCodec, NamesEachSensitivityPanelsOrganismWhenConfigured) {
  const std::string sample =
      testing::readCorpusFile("hl7v2/oru_r01_winpath_urine_culture_sensitivities_v23.hl7");
  // Without the setting the link stays as WinPath sends it: code and sub-id only, which the
  // isolate's count (ST) and organism (CE) share, so the first of them, the count, is found.
  auto plain = run(Direction::kDecode, sample);
  EXPECT_EQ(*parsed(plain.messages.at(0)).get("OBR[2]-26.3"), "");

  auto in = run(Direction::kDecode, sample, {{"organismValueType", "CE"}});
  ASSERT_EQ(in.messages.size(), 1u);
  const hl7::Message m = parsed(in.messages[0]);
  EXPECT_EQ(*m.get("OBR[2]-26.3"), "Klebsiella oxytoca");
  EXPECT_EQ(*m.get("OBR[3]-26.3"), "Proteus mirabilis");
  EXPECT_EQ(*m.get("OBR[1]-26"), "") << "a top-level report gets no link";
  EXPECT_TRUE(in.warnings.empty());

  // In FHIR, each panel's sensitivities are derivedFrom the organism's Observation (the CE
  // result of their isolate), not the count that shares its code and sub-id.
  auto v2 = hl7::Message::parse(in.messages[0]);
  ASSERT_TRUE(v2);
  auto model = model::readV2(*v2);
  ASSERT_TRUE(model) << model.error().text;
  EXPECT_EQ(model->reports.at(1).parentValue, "Klebsiella oxytoca");
  Poco::JSON::Parser parser;
  auto bundle = parser.parse(fhir::writeBundleJson(*model)).extract<Poco::JSON::Object::Ptr>();
  std::map<std::string, std::string> organismBySubId;
  std::vector<std::string> amikacinParents;
  auto entries = bundle->getArray("entry");
  for (std::size_t i = 0; i < entries->size(); ++i) {
    auto e = entries->getObject(static_cast<unsigned>(i));
    auto r = e->getObject("resource");
    if (r->getValue<std::string>("resourceType") != "Observation") continue;
    const auto code =
        r->getObject("code")->getArray("coding")->getObject(0)->getValue<std::string>("code");
    if (code == "ISOLATE" && r->has("valueCodeableConcept")) {
      organismBySubId[r->getArray("identifier")->getObject(0)->getValue<std::string>("value")] =
          e->getValue<std::string>("fullUrl");
    }
    if (code == "VAK") {
      amikacinParents.push_back(
          r->getArray("derivedFrom")->getObject(0)->getValue<std::string>("reference"));
    }
  }
  ASSERT_EQ(organismBySubId.size(), 2u);
  EXPECT_EQ(amikacinParents,
            (std::vector<std::string>{organismBySubId["1"], organismBySubId["2"]}));

  // Out again: WinPath never sends OBR-26.3, so it is dropped; the rest is as WinPath sent it.
  auto out = run(Direction::kEncode, in.messages[0], {{"organismValueType", "CE"}});
  const hl7::Message back = parsed(out.messages.at(0));
  EXPECT_EQ(*back.get("OBR[2]-26"),
            *parsed(hl7::normalizeSegmentSeparators(sample)).get("OBR[2]-26"));
}

TEST_F(WinPathCodec, WarnsWhenTheConfiguredOrganismIsNotThere) {
  auto in =
      run(Direction::kDecode,
          testing::readCorpusFile("hl7v2/oru_r01_winpath_urine_culture_sensitivities_v23.hl7"),
          {{"organismValueType", "CWE"}});
  EXPECT_EQ(*parsed(in.messages.at(0)).get("OBR[2]-26.3"), "");
  ASSERT_EQ(in.warnings.size(), 2u);
  EXPECT_NE(in.warnings[0].find("hangs from ISOLATE 1, which has no CWE result"), std::string::npos)
      << in.warnings[0];
}

TEST_F(WinPathCodec, RefusesWhatIsNotHl7) {
  auto c = converter(*registry_.codec("winpath"), Direction::kDecode).convert("not a message");
  EXPECT_FALSE(c);
}

}  // namespace
}  // namespace pathhub::plugin

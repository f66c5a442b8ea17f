// The lims_winpath codec through the real loader, on the public WinPath samples: WinPath's
// habits normalised on the way in, put back on the way out.
#include <gtest/gtest.h>

#include "corpus.h"
#include "hl7/batch.h"
#include "hl7/message.h"
#include "plugin/codec_adapter.h"
#include "plugin/plugin_registry.h"

namespace pathhub::plugin {
namespace {

class WinPathCodec : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(registry_.loadFile(std::filesystem::path(PATHHUB_PLUGIN_DIR) / "lims_winpath.so"));
    ASSERT_TRUE(registry_.codec("winpath"));
  }
  pipeline::Conversion run(Direction d, const std::string& bytes) {
    auto c = converter(*registry_.codec("winpath"), d).convert(bytes);
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

TEST_F(WinPathCodec, RefusesWhatIsNotHl7) {
  auto c = converter(*registry_.codec("winpath"), Direction::kDecode).convert("not a message");
  EXPECT_FALSE(c);
}

}  // namespace
}  // namespace pathhub::plugin

// Path syntax: SEG[occurrence]-FIELD[repetition].COMPONENT.SUBCOMPONENT.
#include "hl7/path.h"

#include <gtest/gtest.h>

namespace pathhub::hl7 {
namespace {

TEST(Path, ParsesEveryPart) {
  auto p = Path::parse("OBX[3]-5[2].1.2");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->segment, "OBX");
  EXPECT_EQ(p->occurrence, 3);
  EXPECT_EQ(p->field, 5);
  EXPECT_EQ(p->repetition, 2);
  EXPECT_EQ(p->component, 1);
  EXPECT_EQ(p->subcomponent, 2);
  EXPECT_EQ(p->toString(), "OBX[3]-5[2].1.2");
}

TEST(Path, PartsAfterTheSegmentAreOptional) {
  EXPECT_EQ(Path::parse("PID")->field, 0);
  EXPECT_EQ(Path::parse("PID-3")->repetition, 0);
  EXPECT_EQ(Path::parse("PID-3.1")->component, 1);
  EXPECT_EQ(Path::parse("ZX1-3")->segment, "ZX1");
  EXPECT_EQ(Path::parseField("3[2].1")->repetition, 2);
  EXPECT_EQ(Path::parse("PID-3.1")->toString(), "PID-3.1");
}

TEST(Path, RejectsMalformedPathsNamingTheCharacter) {
  for (const char* bad : {"", "PI", "pid-3", "1ID-3", "PID-", "PID-0", "PID-3[", "PID-3[0]",
                          "PID-3.", "PID-3.1.2.3", "PID 3", "PID-3x", "PID-99999", "PID[2"}) {
    auto p = Path::parse(bad);
    ASSERT_FALSE(p) << bad;
    EXPECT_EQ(p.error().code, ErrorCode::kInvalidPath);
    EXPECT_NE(p.error().text.find("path '"), std::string::npos);
  }
  EXPECT_NE(Path::parse("PID-3x").error().text.find("character 6"), std::string::npos);
}

}  // namespace
}  // namespace pathhub::hl7

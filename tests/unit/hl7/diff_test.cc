// Field-level differences between two versions of a message.
#include "hl7/diff.h"

#include <gtest/gtest.h>

#include "hl7_parse.h"

namespace pathhub::hl7 {
namespace {

using testing::parseOk;

TEST(Diff, ReportsEachChangeAsNarrowlyAsItHappened) {
  Message a = parseOk(
      "MSH|^~\\&|A||||||ORU^R01|1|P|2.4\rPID|1||123^^^X^MR||smith^john\rOBX|1|NM|HB||135\r");
  Message b = parseOk(
      "MSH|^~\\&|A||||||ORU^R01|1|P|2.4\rPID|1||9434765919^^^NHS^NH||SMITH^john\r"
      "NTE|1||added\rOBX|1|NM|HB||140\r");
  const auto changes = diffMessages(a, b);
  ASSERT_EQ(changes.size(), 6u);
  EXPECT_EQ(changes[0].path, "PID-3.1");
  EXPECT_EQ(changes[0].before, "123");
  EXPECT_EQ(changes[0].after, "9434765919");
  EXPECT_EQ(changes[1].path, "PID-3.4");
  EXPECT_EQ(changes[2].path, "PID-3.5");
  EXPECT_EQ(changes[3].path, "PID-5.1");
  EXPECT_EQ(changes[4].path, "OBX-5");  // not shifted by the inserted NTE
  EXPECT_EQ(changes[4].after, "140");
  EXPECT_EQ(changes[5].path, "NTE");
  EXPECT_EQ(changes[5].after, "NTE|1||added");
  EXPECT_TRUE(diffMessages(a, a).empty());
}

}  // namespace
}  // namespace pathhub::hl7

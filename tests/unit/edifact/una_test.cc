// The service string advice (UNA) as senders write it: ISO 9735's nine characters, other
// delimiters, a release position left blank (no release character), the reserved position
// left out, line breaks after it; a terminator that would cut segments wrongly is refused.
#include <gtest/gtest.h>

#include "edifact/edifact_syntax.h"
#include "expect_error.h"

namespace pathhub::edifact {
namespace {

const char* kBody = "UNH+1+MEDRPT:0:1:RT:NHS003'BGM+LSR'FTX+SPC+++A?+B'UNT+4+1'";

std::string body(char element, char component, char terminator) {
  std::string out = kBody;
  for (char& c : out) {
    if (c == '+')
      c = element;
    else if (c == ':')
      c = component;
    else if (c == '\'')
      c = terminator;
  }
  return out;
}

TEST(Una, TheStandardAdviceAndOtherDelimiters) {
  auto standard = parse(std::string("UNA:+.? '\r\n") + kBody);
  ASSERT_TRUE(standard) << standard.error().describe();
  EXPECT_EQ(standard->messages.at(0).segments.at(2).at(4), "A+B");  // released
  auto other = parse("UNA|*,? !" + body('*', '|', '!'));
  ASSERT_TRUE(other) << other.error().describe();
  EXPECT_EQ(other->messages.at(0).segments.at(1).tag, "BGM");
  EXPECT_TRUE(other->warnings.empty());
}

TEST(Una, TheReservedPositionLeftOutIsReadWithAWarning) {
  auto eight = parse(std::string("UNA:+.?'") + kBody);
  ASSERT_TRUE(eight) << eight.error().describe();
  EXPECT_EQ(eight->messages.at(0).segments.size(), 4u);
  ASSERT_EQ(eight->warnings.size(), 1u);
  EXPECT_NE(eight->warnings[0].find("8 characters"), std::string::npos);
}

TEST(Una, ABlankReleasePositionMeansNoReleaseCharacter) {
  std::string text = std::string("UNA:+.  '") + kBody;
  text.replace(text.find("A?+B"), 4, "A?B");  // '?' is data now
  auto read = parse(text);
  ASSERT_TRUE(read) << read.error().describe();
  EXPECT_EQ(read->messages.at(0).segments.at(2).at(4), "A?B");
}

TEST(Una, ATerminatorThatWouldCutSegmentsWronglyIsRefused) {
  EXPECT_FAILS_WITH(parse(std::string("UNA:+.? X") + kBody), ErrorCode::kMalformedMessage);
  EXPECT_FAILS_WITH(parse("UNA:+."), ErrorCode::kMalformedMessage);
}

}  // namespace
}  // namespace pathhub::edifact

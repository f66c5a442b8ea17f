// Escape sequences decoded for reading and encoded for writing, with any delimiter set.
#include "hl7/escape.h"

#include <gtest/gtest.h>

namespace pathhub::hl7 {
namespace {

TEST(Unescape, DecodesDelimiterSequences) {
  const Delimiters d;
  EXPECT_EQ(unescape("a\\F\\b\\S\\c\\T\\d\\R\\e\\E\\f", d), "a|b^c&d~e\\f");
}

TEST(Unescape, DecodesHexLineBreaksAndDropsHighlighting) {
  const Delimiters d;
  EXPECT_EQ(unescape("\\X0D0A\\", d), "\r\n");
  EXPECT_EQ(unescape("\\XC2B0\\C", d),
            "\xC2\xB0"
            "C");
  EXPECT_EQ(unescape("line1\\.br\\line2", d), "line1\nline2");
  EXPECT_EQ(unescape("a\\.sp2\\b", d), "a\n\nb");
  EXPECT_EQ(unescape("\\H\\HIGH\\N\\ normal", d), "HIGH normal");
  EXPECT_EQ(unescape("\\.ce\\centred\\.fi\\", d), "centred");
}

TEST(Unescape, KeepsWhatItCannotDecode) {
  const Delimiters d;
  EXPECT_EQ(unescape("50\\% off", d), "50\\% off");      // unterminated
  EXPECT_EQ(unescape("\\Zcustom\\", d), "\\Zcustom\\");  // locally defined
  EXPECT_EQ(unescape("\\XZZ\\", d), "\\XZZ\\");          // bad hex
  EXPECT_EQ(unescape("\\C2842\\", d), "\\C2842\\");      // character set switch
  EXPECT_EQ(unescape("a\\\\b", d), "a\\\\b");            // empty sequence
  EXPECT_EQ(unescape("no escapes", d), "no escapes");
}

TEST(Unescape, UsesTheMessagesOwnDelimiters) {
  Delimiters vista;
  vista.field = '^';
  vista.component = '~';
  vista.repetition = '|';
  EXPECT_EQ(unescape("a\\F\\b\\S\\c\\R\\d", vista), "a^b~c|d");
  Delimiters hash = Delimiters{};
  hash.escape = '#';
  EXPECT_EQ(unescape("a#F#b\\F\\", hash), "a|b\\F\\");
}

TEST(Escape, EncodesEveryDelimiterAndControlCharacter) {
  const Delimiters d;
  EXPECT_EQ(*escape("a|b^c&d~e\\f", d), "a\\F\\b\\S\\c\\T\\d\\R\\e\\E\\f");
  EXPECT_EQ(*escape("l1\nl2\r\nl3", d), "l1\\.br\\l2\\.br\\l3");
  EXPECT_EQ(*escape(std::string("\x01\x1F", 2), d), "\\X01\\\\X1F\\");
  EXPECT_EQ(*escape("tab\tkept", d), "tab\tkept");
}

TEST(Escape, RoundTripsThroughUnescape) {
  const Delimiters d;
  const std::string samples[] = {"",     "plain", "x10^9/L", "A&E",
                                 "\\\\", "a\nb",  "~|^&\\",  std::string("\0\x7f\x80", 3)};
  for (const std::string& s : samples) {
    EXPECT_EQ(unescape(*escape(s, d), d), s) << s;
  }
}

TEST(Escape, WritesLineBreaksAsHexWhereADotIsADelimiter) {
  // MSH-2 ".^~\$": '.' separates components, so \.br\ would split the value.
  Delimiters d;
  d.component = '.';
  d.repetition = '^';
  d.escape = '~';
  d.subcomponent = '\\';
  d.truncation = '$';
  const std::string text = "l1\nl2\r\nl3 x10^9.L $5 ~|\\";
  auto escaped = escape(text, d);
  ASSERT_TRUE(escaped);
  EXPECT_EQ(escaped->substr(0, 16), "l1~X0A~l2~X0D0A~");
  EXPECT_EQ(escaped->find_first_of(".^\\$|\r\n"), std::string::npos) << *escaped;
  EXPECT_EQ(unescape(*escaped, d), text);
}

TEST(Escape, FailsWhenTheMessageHasNoEscapeCharacter) {
  Delimiters d;
  d.escape = '\0';
  d.subcomponent = '\0';
  EXPECT_EQ(*escape("safe text", d), "safe text");
  auto bad = escape("a|b", d);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, ErrorCode::kInvalidValue);
}

}  // namespace
}  // namespace pathhub::hl7

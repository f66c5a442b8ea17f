// Parsing: delimiters from MSH, segment separators, structure, empty vs null, bad input.
#include <gtest/gtest.h>

#include "hl7/message.h"
#include "hl7_parse.h"

namespace pathhub::hl7 {
namespace {

using testing::parseOk;

std::string get(const Message& m, std::string_view path) {
  auto v = m.get(path);
  EXPECT_TRUE(v.has_value()) << path;
  return v ? *v : "<invalid path>";
}

TEST(Parse, ReadsHeaderFieldsAsTheStandardNumbersThem) {
  Message m = parseOk("MSH|^~\\&|LAB|RVJ|GP|A81001|20240131093000||ORU^R01^ORU_R01|MSG1|P|2.5.1\r");
  EXPECT_EQ(get(m, "MSH-1"), "|");
  EXPECT_EQ(get(m, "MSH-2"), "^~\\&");
  EXPECT_EQ(get(m, "MSH-3"), "LAB");
  EXPECT_EQ(get(m, "MSH-9.3"), "ORU_R01");
  EXPECT_EQ(m.messageType(), "ORU");
  EXPECT_EQ(m.triggerEvent(), "R01");
  EXPECT_EQ(m.controlId(), "MSG1");
  EXPECT_EQ(m.version(), "2.5.1");
  EXPECT_EQ(m.fieldCount(0), 12);
}

TEST(Parse, TakesDelimitersFromTheHeaderNeverAssumingThem) {
  // VistA style: field '^', component '~', repetition '|', escape '\', subcomponent '&'.
  Message m = parseOk("MSH^~|\\&^APP^FAC^^^20061006^^ORU~R01^55^T^2.4\rPID^^^A~B~C|D~E^^X&Y\r");
  EXPECT_EQ(m.delimiters().field, '^');
  EXPECT_EQ(m.delimiters().component, '~');
  EXPECT_EQ(m.delimiters().repetition, '|');
  EXPECT_EQ(get(m, "MSH-9.2"), "R01");
  EXPECT_EQ(get(m, "PID-3.2"), "B");
  EXPECT_EQ(get(m, "PID-3[2].2"), "E");
  EXPECT_EQ(get(m, "PID-5.1.2"), "Y");
}

TEST(Parse, HandlesFiveEncodingCharactersAndV21Headers) {
  Message v27 = parseOk("MSH|^~\\&#|A|B|||||ADT^A01|1|P|2.7\rPID|||12\\P\\3\r");
  EXPECT_EQ(v27.delimiters().truncation, '#');
  EXPECT_EQ(get(v27, "MSH-2"), "^~\\&#");
  EXPECT_EQ(get(v27, "PID-3"), "12#3");

  Message v21 = parseOk("MSH|^~\\}|RAD|MIR1||||19930502||ACK^|5|P|2.1\rMSA|AA|x}y\r");
  EXPECT_EQ(v21.delimiters().subcomponent, '}');
  EXPECT_EQ(get(v21, "MSA-2.1.2"), "y");
}

TEST(Parse, AcceptsCrLfAndCrLfSeparators) {
  for (const char* sep : {"\r", "\n", "\r\n"}) {
    const std::string text = std::string("MSH|^~\\&|A||||||ORU^R01|1|P|2.3") + sep + "PID|1||42" +
                             sep + "OBX|1|NM|GLU||5.4" + sep;
    Message m = parseOk(text);
    ASSERT_EQ(m.segmentCount(), 3u) << "separator " << int(sep[0]);
    EXPECT_EQ(get(m, "OBX-5"), "5.4");
    EXPECT_EQ(get(m, "PID-3"), "42");
  }
}

TEST(Parse, SplitsFieldsRepetitionsComponentsAndSubcomponents) {
  Message m = parseOk(
      "MSH|^~\\&|A||||||ORU^R01|1|P|2.4\r"
      "PID|1|7179209791^NHS|633^^^R0A^MR~9449305552^^^NHS^NH||SMITH^JOHN^A||19700101|M\r"
      "OBR|1" +
      std::string(14, '|') + "BLD&Blood&L\r");
  EXPECT_EQ(m.repetitionCount(Path::parse("PID-3").value()), 2);
  EXPECT_EQ(get(m, "PID-3"), "633");
  EXPECT_EQ(get(m, "PID-3[2]"), "9449305552");
  EXPECT_EQ(get(m, "PID-3[2].5"), "NH");
  EXPECT_EQ(get(m, "PID-3[2].4"), "NHS");
  EXPECT_EQ(get(m, "PID-5.2"), "JOHN");
  EXPECT_EQ(get(m, "OBR-15.1.2"), "Blood");
  EXPECT_EQ(m.getRaw(Path::parse("PID-3").value()), "633^^^R0A^MR~9449305552^^^NHS^NH");
  EXPECT_EQ(m.getRaw(Path::parse("PID-3[2]").value()), "9449305552^^^NHS^NH");
  EXPECT_EQ(m.getRaw(Path::parse("OBR-15.1").value()), "BLD&Blood&L");
}

TEST(Parse, KeepsEmptyAndExplicitNullApart) {
  Message m = parseOk("MSH|^~\\&|A||||||ADT^A08|1|P|2.4\rPID|1||42||\"\"|^\"\"|\r");
  const Path empty = Path::parse("PID-4").value();
  const Path null = Path::parse("PID-5").value();
  const Path nullComponent = Path::parse("PID-6.2").value();
  EXPECT_TRUE(m.exists(empty));
  EXPECT_FALSE(m.isNull(empty));
  EXPECT_EQ(m.get(empty), "");
  EXPECT_TRUE(m.isNull(null));
  EXPECT_EQ(m.getRaw(null), "\"\"");
  EXPECT_TRUE(m.isNull(nullComponent));
  EXPECT_FALSE(m.exists(Path::parse("PID-9").value()));
}

TEST(Parse, KeepsZSegmentsAndUnknownSegments) {
  Message m = parseOk("MSH|^~\\&|A||||||ORM^O01|1|P|2.3\rZPV|1|ward^bed\rQQQ|x\r");
  ASSERT_EQ(m.segmentCount(), 3u);
  EXPECT_EQ(m.segmentName(1), "ZPV");
  EXPECT_EQ(get(m, "ZPV-2.2"), "bed");
  EXPECT_EQ(m.segmentName(2), "QQQ");
}

TEST(Parse, FindsSegmentOccurrences) {
  Message m = parseOk("MSH|^~\\&|A||||||ORU^R01|1|P|2.3\rOBX|1|NM|A||1\rNTE|1\rOBX|2|NM|B||2\r");
  EXPECT_EQ(get(m, "OBX[2]-3"), "B");
  EXPECT_EQ(m.findSegment("OBX", 2), 3u);
  EXPECT_FALSE(m.findSegment("OBX", 3).has_value());
  EXPECT_EQ(m.segmentIndexes("OBX"), (std::vector<std::size_t>{1, 3}));
  EXPECT_EQ(get(m, "OBX[3]-3"), "");
}

TEST(Parse, DecodesEscapesOnRead) {
  Message m = parseOk("MSH|^~\\&|A||||||ORU^R01|1|P|2.3\rOBX|1|ST|U||x10\\S\\9/L\\.br\\A\\T\\E\r");
  EXPECT_EQ(get(m, "OBX-5"), "x10^9/L\nA&E");
  EXPECT_EQ(m.getRaw(Path::parse("OBX-5").value()), "x10\\S\\9/L\\.br\\A\\T\\E");
}

struct BadInput {
  const char* name;
  std::string bytes;
  std::string expectText;
  std::size_t expectOffset;
};

// Keeps generated test names short: the case name instead of the struct's bytes.
void PrintTo(const BadInput& bad, std::ostream* out) { *out << bad.name; }

class ParseRejects : public ::testing::TestWithParam<BadInput> {};

TEST_P(ParseRejects, WithAClearErrorNamingTheByte) {
  const BadInput& bad = GetParam();
  auto m = Message::parse(bad.bytes);
  ASSERT_FALSE(m.has_value());
  EXPECT_EQ(m.error().code, ErrorCode::kMalformedMessage);
  EXPECT_NE(m.error().text.find(bad.expectText), std::string::npos) << m.error().describe();
  ASSERT_TRUE(m.error().context.byteOffset.has_value());
  EXPECT_EQ(*m.error().context.byteOffset, bad.expectOffset);
}

INSTANTIATE_TEST_SUITE_P(
    Malformed, ParseRejects,
    ::testing::Values(
        BadInput{"Empty", "", "empty", 0},
        BadInput{"NotMsh", "PID|1||42\r", "does not start with an MSH", 0},
        BadInput{"Truncated", "MSH", "ends before its field separator", 3},
        BadInput{"LetterSeparator", "MSHX^~\\&|", "MSH-1", 3},
        BadInput{"NoEncodingChars", "MSH||A|B", "MSH-2", 4},
        BadInput{"RepeatedEncodingChar", "MSH|^^\\&|A", "MSH-2", 5},
        BadInput{"LongEncodingChars", "MSH|^~\\&#!|A", "longer than 5", 9},
        BadInput{"LowerCaseSegment", "MSH|^~\\&|A\rpid|1\r", "'pid' is not a segment id", 11},
        BadInput{"GarbageSegment", "MSH|^~\\&|A\r\x01\x02\xff|x\r", "is not a segment id", 11},
        BadInput{"LongSegmentId", "MSH|^~\\&|A\rPIDX|1\r", "'PIDX'", 11},
        BadInput{"SecondHeader", "MSH|^~\\&|A\rMSH|^~\\&|B\r", "second MSH", 11}),
    [](const auto& param) { return param.param.name; });

TEST(Parse, RefusesInputOverTheSizeLimit) {
  ParseOptions options;
  options.maxBytes = 64;
  auto m = Message::parse("MSH|^~\\&|A||||||ORU^R01|1|P|2.3\r" + std::string(100, 'x'), options);
  ASSERT_FALSE(m.has_value());
  EXPECT_EQ(m.error().code, ErrorCode::kMessageTooLarge);
}

TEST(Parse, ErrorNamesSegmentPositionAndOccurrence) {
  auto m = Message::parse("MSH|^~\\&|A\rOBX|1\rOB-|2\r");
  ASSERT_FALSE(m.has_value());
  EXPECT_EQ(m.error().context.segmentIndex, 3);
  EXPECT_EQ(m.error().context.segment, "OB-");
  EXPECT_NE(m.error().describe().find("segment 3 OB-"), std::string::npos);
}

}  // namespace
}  // namespace pathhub::hl7

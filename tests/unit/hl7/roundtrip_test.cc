// Lossless encoding: unmodified messages re-encode to their input; edits touch only their bytes.
#include <gtest/gtest.h>

#include "expect_error.h"
#include "hl7/batch.h"
#include "hl7/message.h"
#include "hl7/message_json.h"
#include "hl7_parse.h"

namespace pathhub::hl7 {
namespace {

using testing::parseOk;

TEST(Roundtrip, ReencodesInputBytesWithSeparatorsNormalised) {
  const std::string inputs[] = {
      "MSH|^~\\&|A||||||ORU^R01|1|P|2.3\rPID|1||42\r",
      "MSH|^~\\&|A||||||ORU^R01|1|P|2.3\nPID|1||42\n",
      "MSH|^~\\&|A||||||ORU^R01|1|P|2.3\r\nPID|1||42",                      // no final terminator
      "\xEF\xBB\xBFMSH|^~\\&|A||||||ORU^R01|1|P|2.3\nPID|1||42 \n",         // BOM, trailing space
      "MSH|^~\\&|A||||||ORU^R01|1|P|2.3\r\rPID|||a~~b^^&&||\"\"|\r\n\r\n",  // blank lines
      "MSH|^~\\&\rPID\r",                                                   // header and id only
  };
  for (const std::string& input : inputs) {
    Message m = parseOk(input);
    EXPECT_EQ(m.encode(), normalizeSegmentSeparators(input)) << input;
  }
}

TEST(Edit, ChangesOnlyTheEditedFieldsBytes) {
  const std::string input =
      "MSH|^~\\&|LAB|RVJ|GP|A81001|20240131||ORU^R01|1|P|2.4\r"
      "PID|1||633^^^R0A^MR~9449305552^^^NHS^NH||SMITH^JOHN\r"
      "OBX|1|NM|GLU^Glucose^L||5.4|mmol/L|3.0-6.0|N\r";
  Message m = parseOk(input);
  ASSERT_TRUE(m.set("OBX-5", "6.1"));
  std::string expected = input;
  expected.replace(expected.find("5.4"), 3, "6.1");
  EXPECT_EQ(m.encode(), expected);

  ASSERT_TRUE(m.set("PID-3[2].4", "NHS-ENGLAND"));
  expected.replace(expected.find("^^^NHS^"), 7, "^^^NHS-ENGLAND^");
  EXPECT_EQ(m.encode(), expected);
  EXPECT_EQ(m.get(Path::parse("PID-3[2].1").value()), "9449305552");
}

TEST(Edit, SetCreatesMissingFieldsRepetitionsComponentsAndSubcomponents) {
  Message m = parseOk("MSH|^~\\&|A||||||ORU^R01|1|P|2.4\rPID|1\r");
  ASSERT_TRUE(m.set("PID-3[2].1.2", "X"));
  EXPECT_EQ(m.segmentText(1), "PID|1||~&X");
  EXPECT_EQ(*m.get("PID-3[2].1.2"), "X");
  ASSERT_TRUE(m.set("PID-5.3", "ANN"));
  EXPECT_EQ(m.segmentText(1), "PID|1||~&X||^^ANN");
  ASSERT_TRUE(m.set("PID-5", "JONES"));  // leaf defaults: the first component
  EXPECT_EQ(m.segmentText(1), "PID|1||~&X||JONES^^ANN");
}

TEST(Edit, SetEscapesDelimitersAndLineBreaks) {
  Message m = parseOk("MSH|^~\\&|A||||||ORU^R01|1|P|2.4\rNTE|1\r");
  ASSERT_TRUE(m.set("NTE-3", "A|B^C&D~E\\F\nnext"));
  EXPECT_EQ(m.segmentText(1), "NTE|1||A\\F\\B\\S\\C\\T\\D\\R\\E\\E\\F\\.br\\next");
  EXPECT_EQ(*m.get("NTE-3"), "A|B^C&D~E\\F\nnext");
}

TEST(Edit, SetRawReplacesAWholeElement) {
  Message m = parseOk("MSH|^~\\&|A||||||ORU^R01|1|P|2.4\rPID|1||a~b~c||SMITH^JOHN\r");
  ASSERT_TRUE(m.setRaw(Path::parse("PID-3[2]").value(), "B1^^^X"));
  ASSERT_TRUE(m.setRaw(Path::parse("PID-5").value(), "JONES^ANN^^^DR"));
  EXPECT_EQ(m.segmentText(1), "PID|1||a~B1^^^X~c||JONES^ANN^^^DR");
  auto bad = m.setRaw(Path::parse("PID-5").value(), "A|B");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, ErrorCode::kInvalidValue);
  EXPECT_EQ(m.segmentText(1), "PID|1||a~B1^^^X~c||JONES^ANN^^^DR");
}

TEST(Edit, SetNullWritesTheHl7Null) {
  Message m = parseOk("MSH|^~\\&|A||||||ADT^A08|1|P|2.4\rPID|1||42||SMITH\r");
  ASSERT_TRUE(m.setNull(Path::parse("PID-5").value()));
  EXPECT_TRUE(m.isNull(Path::parse("PID-5").value()));
  EXPECT_EQ(m.segmentText(1), "PID|1||42||\"\"");
}

TEST(Edit, RefusesToWriteTheDelimiterFields) {
  Message m = parseOk("MSH|^~\\&|A||||||ADT^A08|1|P|2.4\r");
  EXPECT_FAILS_WITH(m.set("MSH-1", "#"), ErrorCode::kInvalidPath);
  EXPECT_FALSE(m.set("MSH-2", "^~"));
  ASSERT_TRUE(m.set("MSH-3", "NEWAPP"));
  EXPECT_EQ(m.segmentText(0), "MSH|^~\\&|NEWAPP||||||ADT^A08|1|P|2.4");
}

TEST(Edit, CreatesAMissingSegmentOnlyAsTheNextOccurrence) {
  Message m = parseOk("MSH|^~\\&|A||||||ORU^R01|1|P|2.4\r");
  ASSERT_TRUE(m.set("ZPV-2", "x"));
  EXPECT_EQ(m.segmentText(1), "ZPV||x");
  auto skipped = m.set("NTE[2]-3", "y");
  ASSERT_FALSE(skipped);
  EXPECT_EQ(skipped.error().code, ErrorCode::kInvalidPath);
}

TEST(Edit, InsertsRemovesAndMovesSegments) {
  Message m = parseOk("MSH|^~\\&|A||||||ORU^R01|1|P|2.4\rPID|1\rOBR|1\rOBX|1\r");
  ASSERT_TRUE(m.insertSegment(3, "NTE|1|L|comment"));
  EXPECT_EQ(m.encode(), "MSH|^~\\&|A||||||ORU^R01|1|P|2.4\rPID|1\rOBR|1\rNTE|1|L|comment\rOBX|1\r");
  EXPECT_EQ(*m.get("NTE-3"), "comment");
  ASSERT_TRUE(m.moveSegment(3, 4));
  EXPECT_EQ(m.segmentName(4), "NTE");
  ASSERT_TRUE(m.removeSegment(1));
  EXPECT_EQ(m.encode(), "MSH|^~\\&|A||||||ORU^R01|1|P|2.4\rOBR|1\rOBX|1\rNTE|1|L|comment\r");
  EXPECT_FALSE(m.removeSegment(0));
  EXPECT_FALSE(m.insertSegment(0, "PID|1"));
  EXPECT_FAILS_WITH(m.insertSegment(1, "pid|1"), ErrorCode::kInvalidValue);
  EXPECT_FALSE(m.insertSegment(1, "PID|1\rOBX|2"));
  EXPECT_FALSE(m.appendSegment("MSH|^~\\&|X"));
}

TEST(Edit, ManyEditsKeepTheIndexConsistent) {
  Message m = parseOk("MSH|^~\\&|A||||||ORU^R01|1|P|2.4\rOBX|1|NM|A||0\rOBX|2|NM|B||0\r");
  for (int i = 0; i < 2000; ++i) {
    ASSERT_TRUE(m.set(i % 2 ? "OBX[2]-5" : "OBX-5", std::to_string(i)));
  }
  EXPECT_EQ(*m.get("OBX-5"), "1998");
  EXPECT_EQ(*m.get("OBX[2]-5"), "1999");
  EXPECT_EQ(*m.get("OBX[2]-3"), "B");
  EXPECT_EQ(m.encode(), "MSH|^~\\&|A||||||ORU^R01|1|P|2.4\rOBX|1|NM|A||1998\rOBX|2|NM|B||1999\r");
}

TEST(Edit, WritingOverLeavesKeepsTheIndexAFreshParseWouldBuild) {
  Message m =
      parseOk("MSH|^~\\&|A||||||ORU^R01|1|P|2.4\rPID|1||a~b^c&d||x^y\rOBX|1|NM|HB^Hb||135|g/L\r");
  const char* paths[] = {"PID-3[1]", "PID-3[2].2.1", "PID-3[2].2.2", "PID-5.2",   "OBX-3.1",
                         "OBX-5",    "OBX-6",        "PID-1",        "PID-3[2].1"};
  const char* values[] = {"", "longer text", "z", "first", "", "140.5"};
  int n = 0;
  for (const char* p : paths) {
    for (const char* v : values) {
      ASSERT_TRUE(m.set(p, v)) << p;
      ++n;
      auto fresh = Message::parse(m.encode());
      ASSERT_TRUE(fresh);
      ASSERT_EQ(messageToJson(*fresh), messageToJson(m)) << "after " << n << " edits at " << p;
      ASSERT_EQ(*m.get(p), v);
    }
  }
}

TEST(Edit, GrowingAFieldReindexesItAsAFreshParseWould) {
  // Writes that add repetitions, components or subcomponents inside an existing field re-index
  // only that field; the fields after it move. Writes beyond the last field re-index the segment.
  Message m =
      parseOk("MSH|^~\\&|A||||||ORU^R01|1|P|2.4\rPID|1||a~b^c&d||x^y\rOBX|1|NM|HB^Hb||135|g/L\r");
  const char* paths[] = {"OBX-3.4", "OBX-3.6.2", "PID-3[4].2",   "PID-3[2].2.3",
                         "PID-5.5", "PID-2.2",   "OBX-3[2].3",   "PID-9.2",
                         "OBX-12",  "MSH-4.3",   "PID-3[4].2.2", "OBX-1.2"};
  int n = 0;
  for (int round = 0; round < 40; ++round) {  // enough edits to compact the index several times
    for (const char* p : paths) {
      const std::string value = "v" + std::to_string(n);
      ASSERT_TRUE(m.set(p, value)) << p;
      ++n;
      auto fresh = Message::parse(m.encode());
      ASSERT_TRUE(fresh);
      ASSERT_EQ(messageToJson(*fresh), messageToJson(m)) << "after " << n << " edits at " << p;
      ASSERT_EQ(*m.get(p), value);
    }
    ASSERT_TRUE(m.setRaw(*Path::parse("OBX-3"), "HB^Hb^LN"));
    ASSERT_TRUE(m.setRaw(*Path::parse("PID-3"), "a~b^c&d"));
  }
  EXPECT_EQ(*m.get("OBX-6"), "g/L");
  EXPECT_EQ(*m.get("PID-5.2"), "y");
}

TEST(Edit, TextWithLineBreaksKeepsTheStructureWhereADotIsADelimiter) {
  Message m = parseOk("MSH|.^~\\$|A||||||ORU.R01|1|P|2.4\rPID|1||a.b\r");  // found by fuzzing
  ASSERT_TRUE(m.set("PID-3.2", "line 1\nline 2. $5"));
  EXPECT_EQ(*m.get("PID-3.2"), "line 1\nline 2. $5");
  EXPECT_EQ(*m.get("PID-3.1"), "a");
  auto fresh = Message::parse(m.encode());
  ASSERT_TRUE(fresh);
  EXPECT_EQ(messageToJson(*fresh), messageToJson(m));
}

TEST(Edit, EditedMessageSurvivesAMove) {
  Message m = parseOk("MSH|^~\\&|A||||||ORU^R01|1|P|2.4\rPID|1\r");
  ASSERT_TRUE(m.set("PID-3", "x"));
  Message moved = std::move(m);
  EXPECT_EQ(*moved.get("PID-3"), "x");
  Message copy = moved;
  ASSERT_TRUE(copy.set("PID-3", "y"));
  EXPECT_EQ(*moved.get("PID-3"), "x");
  EXPECT_EQ(*copy.get("PID-3"), "y");
}

}  // namespace
}  // namespace pathhub::hl7

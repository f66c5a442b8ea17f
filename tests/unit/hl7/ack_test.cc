// ACK builder: original and enhanced mode, swapped MSH fields, ERR per version.
#include "hl7/ack.h"

#include <gtest/gtest.h>

#include "hl7_parse.h"

namespace pathhub::hl7 {
namespace {

using testing::parseOk;

AckOptions fixed() {
  AckOptions o;
  o.controlId = "ACK1";
  o.timestamp = "20240131093000+0000";
  return o;
}

TEST(Ack, OriginalModeSwapsSenderAndReceiverAndEchoesTheControlId) {
  Message in = parseOk(
      "MSH|^~\\&|WINPATH|RVJ01|EPR|TRUST|20240131||ORU^R01^ORU_R01|MSG0042|P|2.5.1\rPID|1\r");
  const std::string ack = buildAck(in, AckCode::kAccept, fixed());
  EXPECT_EQ(ack,
            "MSH|^~\\&|EPR|TRUST|WINPATH|RVJ01|20240131093000+0000||ACK^R01^ACK|ACK1|P|2.5.1\r"
            "MSA|AA|MSG0042\r");
  Message parsed = parseOk(ack);
  EXPECT_EQ(*parsed.get("MSA-2"), "MSG0042");
}

TEST(Ack, EnhancedModeAnswersCommitCodesAndHonoursMsh15) {
  Message always = parseOk("MSH|^~\\&|A|B|C|D|||ORU^R01|9|P|2.5|||AL|NE\r");
  EXPECT_EQ(ackModeOf(always), AckMode::kEnhanced);
  Message accepted = parseOk(buildAck(always, AckCode::kAccept, fixed()));
  EXPECT_EQ(*accepted.get("MSA-1"), "CA");
  Message rejected = parseOk(buildAck(always, AckCode::kReject, fixed()));
  EXPECT_EQ(*rejected.get("MSA-1"), "CR");
  EXPECT_TRUE(wantsAck(always, AckCode::kAccept));

  Message never = parseOk("MSH|^~\\&|A|B|C|D|||ORU^R01|9|P|2.5|||NE|AL\r");
  EXPECT_FALSE(wantsAck(never, AckCode::kAccept));
  Message errorsOnly = parseOk("MSH|^~\\&|A|B|C|D|||ORU^R01|9|P|2.5|||ER|AL\r");
  EXPECT_FALSE(wantsAck(errorsOnly, AckCode::kAccept));
  EXPECT_TRUE(wantsAck(errorsOnly, AckCode::kReject));
  Message successOnly = parseOk("MSH|^~\\&|A|B|C|D|||ORU^R01|9|P|2.5|||SU|AL\r");
  EXPECT_TRUE(wantsAck(successOnly, AckCode::kAccept));
  EXPECT_FALSE(wantsAck(successOnly, AckCode::kError));

  Message original = parseOk("MSH|^~\\&|A|B|C|D|||ORU^R01|9|P|2.5\r");
  EXPECT_EQ(ackModeOf(original), AckMode::kOriginal);
  EXPECT_TRUE(wantsAck(original, AckCode::kAccept));
}

TEST(Ack, ErrSegmentUsesV25LayoutWithLocationCodeAndSeverity) {
  Message in = parseOk("MSH|^~\\&|A|B|C|D|||ORU^R01|9|P|2.5.1\rPID|1\rOBX|1|NM\r");
  AckError e;
  e.code = kHl7DataTypeError;
  e.text = "OBX-5 'high' is not a number";
  e.segment = "OBX";
  e.segmentSequence = 1;
  e.field = 5;
  Message ack = parseOk(buildAck(in, AckCode::kError, fixed(), {e}));
  EXPECT_EQ(*ack.get("MSA-1"), "AE");
  EXPECT_EQ(*ack.get("MSA-3"), "OBX-5 'high' is not a number");
  EXPECT_EQ(ack.getRaw(*Path::parse("ERR-2")), "OBX^1^5");
  EXPECT_EQ(ack.getRaw(*Path::parse("ERR-3")), "102^Data type error^HL70357");
  EXPECT_EQ(*ack.get("ERR-4"), "E");
  EXPECT_EQ(*ack.get("ERR-8"), "OBX-5 'high' is not a number");
}

TEST(Ack, ErrSegmentUsesEldBeforeV25) {
  Message in = parseOk("MSH|^~\\&|A|B|C|D|||ORU^R01|9|P|2.3\r");
  AckError e;
  e.code = kHl7RequiredFieldMissing;
  e.segment = "PID";
  e.segmentSequence = 1;
  e.field = 3;
  e.text = "no patient identifier";
  const std::string ack = buildAck(in, AckCode::kReject, fixed(), {e});
  Message parsed = parseOk(ack);
  EXPECT_EQ(parsed.getRaw(*Path::parse("ERR-1")), "PID^1^3^101&Required field missing&HL70357");
  EXPECT_EQ(*parsed.get("MSH-9"), "ACK");
  EXPECT_EQ(parsed.getRaw(*Path::parse("MSH-9")), "ACK^R01");
}

TEST(Ack, EscapesErrorTextAndKeepsTheSendersDelimiters) {
  Message in = parseOk("MSH^~|\\&^A^B^C^D^^^ORU~R01^9^P^2.5\r");
  AckOptions o = fixed();
  o.text = "bad value a^b|c";
  const std::string ack = buildAck(in, AckCode::kError, o);
  EXPECT_EQ(ack.substr(0, 9), "MSH^~|\\&^");
  Message parsed = parseOk(ack);
  EXPECT_EQ(*parsed.get("MSA-3"), "bad value a^b|c");
  EXPECT_EQ(*parsed.get("MSA-2"), "9");
}

TEST(Ack, AnswersUnparseableInputFromWhateverHeaderItHas) {
  AckError e =
      AckError::from(Message::parse("MSH|^~\\&|A|B|C|D|||ORU^R01|77|P|2.4\rpid|1\r").error());
  const std::string fromHeader = buildAckForUnparsed(
      "MSH|^~\\&|A|B|C|D|||ORU^R01|77|P|2.4\rpid|1\r", AckCode::kReject, fixed(), {e});
  Message ack = parseOk(fromHeader);
  EXPECT_EQ(*ack.get("MSA-1"), "AR");
  EXPECT_EQ(*ack.get("MSA-2"), "77");
  EXPECT_EQ(*ack.get("MSH-3"), "C");
  EXPECT_EQ(*ack.get("ERR-1.1"), "pid");
  EXPECT_NE(ack.get("MSA-3")->find("not a segment id"), std::string::npos);

  const std::string fromNothing =
      buildAckForUnparsed("\x01garbage", AckCode::kReject, fixed(), {e});
  Message fallback = parseOk(fromNothing);
  EXPECT_EQ(*fallback.get("MSA-1"), "AR");
  EXPECT_EQ(*fallback.get("MSA-2"), "");
  EXPECT_EQ(*fallback.get("ERR-3.1"), "102");
}

}  // namespace
}  // namespace pathhub::hl7

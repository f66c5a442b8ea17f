// NHSACK (NHS001): the corpus's acknowledgements read; an acknowledgement made for the
// corpus's three-message interchange is byte for byte the one a GP system sent for it.
#include "edifact/nhsack.h"

#include <gtest/gtest.h>

#include "corpus.h"
#include "edifact/edifact_syntax.h"
#include "edifact/edifact_writer.h"
#include "edifact/nhsack_v2.h"

namespace pathhub::edifact {
namespace {

NhsAck readFile(const std::string& name) {
  auto parsed = parse(testing::readCorpusFile("edifact/" + name));
  EXPECT_TRUE(parsed) << parsed.error().describe();
  auto ack = readNhsAck(parsed->messages.at(0));
  EXPECT_TRUE(ack) << ack.error().describe();
  return ack ? *ack : NhsAck{};
}

TEST(NhsAck, ReadsAcceptedAndPartlyAcceptedInterchanges) {
  const NhsAck iaf = readFile("nhs001_nhsack_interchange_accepted_iaf.edi");
  EXPECT_EQ(iaf.status, "IAF");
  EXPECT_EQ(iaf.interchangeReference, "1015");
  EXPECT_EQ(iaf.sender, "000000004400001");
  ASSERT_EQ(iaf.messages.size(), 1u);
  EXPECT_TRUE(iaf.messages[0].accepted);

  const NhsAck iap = readFile("nhs001_nhsack_partially_accepted_iap.edi");
  EXPECT_EQ(iap.status, "IAP");
  ASSERT_EQ(iap.messages.size(), 3u);
  EXPECT_TRUE(iap.messages[0].accepted);
  EXPECT_FALSE(iap.messages[1].accepted);
  EXPECT_EQ(iap.messages[1].reasons, (std::vector<std::string>{"This is a failed message."}));
  EXPECT_TRUE(iap.messages[2].accepted);
}

TEST(NhsAck, WritesTheAcknowledgementAGpSystemSent) {
  auto received =
      parse(testing::readCorpusFile("edifact/nhs003_medrpt_interchange_3msgs_b12_folate_fbc.edi"));
  ASSERT_TRUE(received);
  const NhsAck ack = acknowledge(*received, {{"2", "This is a failed message."}}, "20200427");
  EXPECT_EQ(ack.status, "IAP");
  const std::string written = writeNhsAck(ack, "1000", "1737");
  std::string expected =
      testing::readCorpusFile("edifact/nhs001_nhsack_partially_accepted_iap.edi");
  while (!expected.empty() && expected.back() == '\n') expected.pop_back();
  std::string got = written;
  while (!got.empty() && got.back() == '\n') got.pop_back();
  EXPECT_EQ(got, expected);
  // And it reads back as what was meant.
  auto again = parse(written);
  ASSERT_TRUE(again) << again.error().describe();
  auto read = readNhsAck(again->messages[0]);
  ASSERT_TRUE(read);
  EXPECT_EQ(read->status, "IAP");
  EXPECT_EQ(read->messages.size(), 3u);
}

TEST(NhsAck, AcknowledgesAllOrNothing) {
  auto received =
      parse(testing::readCorpusFile("edifact/nhs003_medrpt_interchange_3msgs_b12_folate_fbc.edi"));
  ASSERT_TRUE(received);
  EXPECT_EQ(acknowledge(*received, {}, "20200427").status, "IAF");
  EXPECT_EQ(acknowledge(*received, {{"1", "a"}, {"2", "b"}, {"3", "c"}}, "20200427").status, "IRA");
}

TEST(NhsAck, RefusesAnUnknownStatusAndEscapesServiceCharacters) {
  auto bad = parse("UNH+1+NHSACK:D:1:NH:NHS001'NIR+SIR:1+A:80+B:80+XYZ'UNT+3+1'");
  ASSERT_TRUE(bad);
  auto ack = readNhsAck(bad->messages[0]);
  ASSERT_FALSE(ack);
  EXPECT_NE(ack.error().text.find("NIR status 'XYZ'"), std::string::npos);
  EXPECT_EQ(escape("ST JAMES'S 1+1:2?"), "ST JAMES?'S 1?+1?:2??");
  NhsAck a;
  a.interchangeReference = "9";
  a.sender = "S";
  a.recipient = "R";
  a.status = "IAP";
  a.date = "20260101";
  a.messages.push_back({"1", false, {"it's wrong: value+unit?"}});
  auto back = parse(writeNhsAck(a, "10", "0900"));
  ASSERT_TRUE(back) << back.error().describe();
  auto read = readNhsAck(back->messages[0]);
  ASSERT_TRUE(read);
  EXPECT_EQ(read->messages[0].reasons[0], "it's wrong: value+unit?");
}

TEST(NhsAck, BecomesOneHl7v2AckPerMessageItNames) {
  const auto acks = nhsAckAsV2(readFile("nhs001_nhsack_partially_accepted_iap.edi"), "1000");
  ASSERT_EQ(acks.size(), 3u);
  EXPECT_EQ(acks[0],
            "MSH|^~\\&|000000024600002|000000024600002|000000004400001|000000004400001|20200427||"
            "ACK|1000/1|P|2.4\rMSA|AA|1015/1\r");
  EXPECT_EQ(acks[1],
            "MSH|^~\\&|000000024600002|000000024600002|000000004400001|000000004400001|20200427||"
            "ACK|1000/2|P|2.4\rMSA|AR|1015/2|This is a failed message.\r"
            "ERR|||207^Application internal error^HL70357|E||||This is a failed message.\r");
  // An NHSACK naming no message answers the whole interchange.
  NhsAck whole = readFile("nhs001_nhsack_interchange_accepted_iaf.edi");
  whole.messages.clear();
  const auto one = nhsAckAsV2(whole, "77");
  ASSERT_EQ(one.size(), 1u);
  EXPECT_NE(one[0].find("|ACK|77/1|"), std::string::npos);
  EXPECT_NE(one[0].find("MSA|AA|1015\r"), std::string::npos) << one[0];
  whole.status = "IRA";
  EXPECT_NE(nhsAckAsV2(whole, "77")[0].find("MSA|AR|1015|interchange IRA"), std::string::npos);
}

TEST(NhsAck, EachInterchangeGetsAReferenceOfItsOwn) {
  EXPECT_EQ(interchangeReferenceFor("1015"), "1015");
  const std::string long_ = interchangeReferenceFor("0715094020V042424");
  EXPECT_EQ(long_.size(), 14u);
  EXPECT_EQ(long_, interchangeReferenceFor("0715094020V042424")) << "the same every time";
  EXPECT_NE(long_, interchangeReferenceFor("0715094020V042425"));
  EXPECT_EQ(interchangeReferenceFor("a-b").size(), 14u) << "not letters and digits";
}

}  // namespace
}  // namespace pathhub::edifact

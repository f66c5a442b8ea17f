// A GP system's FHIR response messages read as HL7 v2 ACKs (fhir/response_reader.h), and the
// reference a sent report Bundle will be answered by; hand-made answers that cannot be read
// are refused with the reason, never taken as an acceptance.
#include "fhir/response_reader.h"

#include <gtest/gtest.h>

#include "acks/acknowledgements.h"
#include "convert/formats.h"
#include "corpus.h"
#include "fhir/json_parse.h"
#include "fhir_response.h"
#include "hl7/message.h"

namespace pathhub::fhir {
namespace {

Poco::JSON::Object::Ptr bundle(const std::string& text) {
  return convert::bundleObject(convert::Format::kFhirJson, text);
}

testing::FhirResponse answer(std::string answered, std::string code, std::string reason = "") {
  testing::FhirResponse r;
  r.answered = std::move(answered);
  r.code = std::move(code);
  r.reason = std::move(reason);
  return r;
}

hl7::Message ackOf(const testing::FhirResponse& response) {
  auto b = bundle(testing::fhirResponseJson(response));
  EXPECT_TRUE(isResponseBundle(b));
  auto ack = responseBundleToAck(b);
  EXPECT_TRUE(ack) << (ack ? "" : ack.error().text);
  auto m = hl7::Message::parse(ack ? *ack : "");
  EXPECT_TRUE(m);
  return m ? *m : hl7::Message();
}

TEST(FhirResponse, AnOkAnswerIsAnAcceptance) {
  const hl7::Message m = ackOf(answer("1f0e2d3c-aaaa-8bbb-8ccc-0123456789ab", "ok"));
  EXPECT_EQ(m.messageType(), "ACK");
  EXPECT_EQ(*m.get("MSA-1"), "AA");
  EXPECT_EQ(*m.get("MSA-2"), "1f0e2d3c-aaaa-8bbb-8ccc-0123456789ab");
  EXPECT_EQ(*m.get("MSH-4"), "A81002") << "the answering practice";
  EXPECT_EQ(m.controlId(), "5d1e6b2a-8c0f-4b7e-9a41-3f2c1d0e9b77") << "the answer's own id";
  auto answer = acks::answerIn(m, 7);
  ASSERT_TRUE(answer);
  EXPECT_TRUE(answer->accepted);
}

TEST(FhirResponse, AFatalErrorIsARejectionWithTheOperationOutcomeAsItsReason) {
  const hl7::Message m =
      ackOf(answer("1f0e2d3c", "fatal-error", "Patient not registered at this practice|x^y"));
  EXPECT_EQ(*m.get("MSA-1"), "AR");
  auto answer = acks::answerIn(m, 7);
  ASSERT_TRUE(answer);
  EXPECT_FALSE(answer->accepted);
  // Delimiters in the reason are escaped, and read back whole.
  EXPECT_EQ(answer->detail, "error: Patient not registered at this practice|x^y (processing)");
  EXPECT_EQ(*m.get("ERR-4"), "E");
}

TEST(FhirResponse, ATransientErrorIsNotAnAcceptanceAndSaysSoWithoutAReason) {
  const hl7::Message m = ackOf(answer("1f0e2d3c", "transient-error", ""));
  EXPECT_EQ(*m.get("MSA-1"), "AE");
  auto answer = acks::answerIn(m, 7);
  ASSERT_TRUE(answer);
  EXPECT_FALSE(answer->accepted);
  EXPECT_EQ(answer->detail, "transient-error");
}

TEST(FhirResponse, AnAnswerThatCannotBeReadIsRefusedWithTheReason) {
  // Naming no message: it could settle nothing, and must not look as if it did.
  auto none = responseBundleToAck(bundle(testing::fhirResponseJson(answer("", "ok"))));
  ASSERT_FALSE(none);
  EXPECT_NE(none.error().text.find("names no message"), std::string::npos);
  // A code outside FHIR's three.
  auto odd = responseBundleToAck(bundle(testing::fhirResponseJson(answer("1f0e2d3c", "accepted"))));
  ASSERT_FALSE(odd);
  EXPECT_NE(odd.error().text.find("'accepted' is none of ok, transient-error, fatal-error"),
            std::string::npos);
  // Through the codec's path: the conversion fails, so the source keeps it as rejected.
  auto converted =
      convert::convertAll(convert::Format::kFhirJson, convert::Format::kHl7v2,
                          testing::fhirResponseJson(answer("1f0e2d3c", "maybe")), {}, {});
  EXPECT_FALSE(converted);
}

TEST(FhirResponse, AReportOrARequestIsNoAnswer) {
  for (const auto& path : testing::corpusFiles("fhir")) {
    if (path.extension() != ".json") continue;
    EXPECT_FALSE(isResponseBundle(bundle(testing::readFile(path)))) << path;
  }
}

// What a sent report will be answered by: its MessageHeader.id, in JSON and in XML alike.
TEST(FhirResponse, ASentReportAwaitsTheAnswerNamingItsMessageHeader) {
  const std::string oru =
      testing::readCorpusFile("hl7v2/oru_r01_dhcw_hba1c_fbc_corrected_v251.hl7");
  for (auto format : {convert::Format::kFhirJson, convert::Format::kFhirXml}) {
    auto converted = convert::convertAll(convert::Format::kHl7v2, format, oru, {}, {});
    ASSERT_TRUE(converted) << converted.error().text;
    ASSERT_EQ(converted->size(), 1u);
    const std::string& sent = converted->front().bytes;
    const std::string id = messageHeaderId(convert::bundleObject(format, sent));
    ASSERT_FALSE(id.empty());
    const acks::Expected expected = acks::expectedAnswers(sent);
    ASSERT_EQ(expected.references, std::vector<std::string>{id});
    // The practice's "ok" naming it is an acceptance of exactly that reference.
    auto settled = acks::answerIn(ackOf(answer(id, "ok")), 9);
    ASSERT_TRUE(settled);
    EXPECT_EQ(settled->reference, id);
  }
}

}  // namespace
}  // namespace pathhub::fhir

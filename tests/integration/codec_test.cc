// Format codecs in the real hub (plugins/format_fhir, plugins/format_edifact): FHIR R4
// Bundles POSTed over HTTP and EDIFACT NHS003 interchanges dropped in a folder are recorded
// and delivered as HL7 v2; a mapped HL7 v2 message is delivered to a folder as a FHIR
// Bundle; input a codec cannot read is refused with its reason and kept.
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/StreamCopier.h>
#include <gtest/gtest.h>

#include <fstream>

#include "corpus.h"
#include "hl7/batch.h"
#include "hl7/message.h"
#include "hl7_parse.h"
#include "hub_fixture.h"
#include "mllp/mllp_client.h"

namespace pathhub {
namespace {

using testing::HubFixture;
using testing::waitUntil;

std::pair<int, std::string> post(std::uint16_t port, const std::string& body) {
  Poco::Net::HTTPClientSession session("127.0.0.1", port);
  Poco::Net::HTTPRequest request("POST", "/messages", Poco::Net::HTTPMessage::HTTP_1_1);
  request.setContentType("application/fhir+json");
  request.setContentLength(static_cast<std::streamsize>(body.size()));
  session.sendRequest(request) << body;
  Poco::Net::HTTPResponse response;
  std::string answer;
  Poco::StreamCopier::copyToString(session.receiveResponse(response), answer);
  return {static_cast<int>(response.getStatus()), answer};
}

TEST(Codecs, FhirBundlesOverHttpArriveAsHl7v2) {
  HubFixture hub;
  const std::uint16_t httpPort = testing::freePort();
  hub.sourceElement = "<source type=\"http\" listen=\"127.0.0.1:" + std::to_string(httpPort) +
                      "\" codec=\"fhir-json\" contentTypes=\"application/fhir+json\"/>";
  hub.startSink();
  hub.startHub();
  ASSERT_TRUE(waitUntil([&] { return testing::accepting(httpPort); }));
  const auto [status, answer] =
      post(httpPort, testing::readCorpusFile("fhir/nhse_path_r4_hba1c_report_message_bundle.json"));
  EXPECT_EQ(status, 202) << answer;
  ASSERT_TRUE(waitUntil([&] { return hub.receivedCount() >= 1; }));
  // The Bundle's identifier is the message's control id.
  EXPECT_EQ(hub.received().front(), "82a908e2-f8fe-4ea4-a651-9758588304fd");
  // Not a Bundle: refused with the codec's reason, and not delivered.
  const auto [badStatus, badAnswer] = post(httpPort, R"({"resourceType": "Patient"})");
  EXPECT_EQ(badStatus, 400);
  EXPECT_NE(badAnswer.find("codec fhir-json: FHIR Bundle /resourceType: expected Bundle"),
            std::string::npos)
      << badAnswer;
  EXPECT_EQ(hub.receivedCount(), 1u);
}

TEST(Codecs, AnEdifactInterchangeInAFolderArrivesAsOneHl7v2MessagePerReport) {
  HubFixture hub;
  const auto inbox = hub.dir / "inbox";
  std::filesystem::create_directories(inbox);
  hub.sourceElement = "<source type=\"file\" directory=\"" + inbox.string() +
                      "\" pattern=\"*.edi\" pollMs=\"50\" codec=\"edifact\"/>";
  std::ofstream(inbox / "results.edi")
      << testing::readCorpusFile("edifact/nhs003_medrpt_interchange_3msgs_b12_folate_fbc.edi");
  hub.startSink();
  hub.startHub();
  ASSERT_TRUE(waitUntil([&] { return hub.receivedCount() >= 3; }));
  EXPECT_EQ(hub.received(), (std::vector<std::string>{"1015/1", "1015/2", "1015/3"}));
  ASSERT_TRUE(
      waitUntil([&] { return std::filesystem::exists(inbox / "archive" / "results.edi"); }));
}

TEST(Codecs, ADestinationTakesTheMappedMessageAsAFhirBundle) {
  HubFixture hub;
  const auto outbox = hub.dir / "fhir-out";
  hub.channelExtras += "<destination name=\"gpfhir\" type=\"file\" directory=\"" + outbox.string() +
                       "\" fileName=\"{id}.json\" codec=\"fhir-json\"/>";
  hub.startSink();
  hub.startHub();
  hl7::Message m = testing::parseOk(hl7::normalizeSegmentSeparators(
      testing::readCorpusFile("hl7v2/oru_r01_dhcw_hba1c_fbc_corrected_v251.hl7")));
  mllp::Client client({"127.0.0.1", hub.sourcePort});
  auto reply = client.exchange(m.encode());
  ASSERT_TRUE(reply);
  ASSERT_TRUE(waitUntil(
      [&] { return std::filesystem::exists(outbox) && !std::filesystem::is_empty(outbox); }));
  const auto file = std::filesystem::directory_iterator(outbox)->path();
  const std::string json = testing::readFile(file);
  EXPECT_NE(json.find("\"resourceType\": \"Bundle\""), std::string::npos) << json.substr(0, 200);
  EXPECT_NE(json.find("https://fhir.nhs.uk/Id/nhs-number"), std::string::npos);
  ASSERT_TRUE(waitUntil([&] { return hub.receivedCount() >= 1; }));  // and HL7 v2 to the sink
}

TEST(Codecs, AFhirDestinationWritesLocalCodesInTheSitesNamespaceAndTimesInItsZone) {
  HubFixture hub;
  const auto outbox = hub.dir / "fhir-out";
  hub.channelExtras += "<destination name=\"gpfhir\" type=\"file\" directory=\"" + outbox.string() +
                       "\" fileName=\"{id}.json\" codec=\"fhir-json\"><codecSettings "
                       "localCodeSystems=\"https://pathology.example.nhs.uk/CodeSystem/\" "
                       "localZone=\"UTC\"/></destination>";
  hub.startSink();
  hub.startHub();
  mllp::Client client({"127.0.0.1", hub.sourcePort});
  auto reply = client.exchange(
      "MSH|^~\\&|LIMS|RBH|EPR|GP|202607011024||ORU^R01|Z1|P|2.4\r"
      "PID|1||9434765919^^^NHS^NH\rOBR|1||F1|U&E^Urea and electrolytes^WinPath\r"
      "OBX|1|NM|NA^Sodium^WinPath||140|mmol/L|135-145||||F\r");
  ASSERT_TRUE(reply);
  ASSERT_TRUE(waitUntil(
      [&] { return std::filesystem::exists(outbox) && !std::filesystem::is_empty(outbox); }));
  const std::string json = testing::readFile(std::filesystem::directory_iterator(outbox)->path());
  EXPECT_NE(json.find("\"system\": \"https://pathology.example.nhs.uk/CodeSystem/WinPath\""),
            std::string::npos)
      << json;
  EXPECT_NE(json.find("\"timestamp\": \"2026-07-01T10:24:00+00:00\""), std::string::npos);
}

TEST(Codecs, ASourceCodecTakesItsSettingsFromTheChannel) {
  HubFixture hub;
  const auto outbox = hub.dir / "normal";
  hub.sourceElement = "<source type=\"mllp\" listen=\"127.0.0.1:" + std::to_string(hub.sourcePort) +
                      "\" codec=\"winpath\"><codecSettings organismValueType=\"CE\"/></source>";
  hub.channelExtras += "<destination name=\"normal\" type=\"file\" directory=\"" + outbox.string() +
                       "\" fileName=\"{id}.hl7\"/>";
  hub.startSink();
  hub.startHub();
  ASSERT_TRUE(waitUntil([&] { return testing::accepting(hub.sourcePort); }));
  mllp::Client client({"127.0.0.1", hub.sourcePort});
  auto reply = client.exchange(hl7::normalizeSegmentSeparators(
      testing::readCorpusFile("hl7v2/oru_r01_winpath_urine_culture_sensitivities_v23.hl7")));
  ASSERT_TRUE(reply);
  EXPECT_NE(reply->find("MSA|AA|"), std::string::npos) << *reply;
  ASSERT_TRUE(waitUntil(
      [&] { return std::filesystem::exists(outbox) && !std::filesystem::is_empty(outbox); }));
  const hl7::Message normal =
      testing::parseOk(testing::readFile(std::filesystem::directory_iterator(outbox)->path()));
  EXPECT_EQ(*normal.get("OBR[2]-26.3"), "Klebsiella oxytoca");
  EXPECT_EQ(*normal.get("PID-3.5"), "MR");
}

TEST(Codecs, CheckConfigRefusesCodecSettingsTheCodecDoesNotTake) {
  HubFixture hub;
  hub.sourceElement = "<source type=\"mllp\" listen=\"127.0.0.1:" + std::to_string(hub.sourcePort) +
                      "\" codec=\"winpath\"><codecSettings organismType=\"CE\" "
                      "nhsNumberAt=\"PID-2\"/></source>"
                      "<destination name=\"fhir\" type=\"file\" directory=\"out\" "
                      "codec=\"fhir-json\"><codecSettings pretty=\"true\"/></destination>";
  hub.writeConfig();
  const auto r =
      testing::runProgram("pathhub", {"--config", hub.configPath.string(), "--check-config"});
  EXPECT_NE(r.exitCode, 0);
  for (const char* expected :
       {"channel 'lab' source codecSettings: unknown attribute 'organismType'",
        "channel 'lab' destination 'fhir' codecSettings: unknown attribute "
        "'pretty'"}) {
    EXPECT_NE(r.err.find(expected), std::string::npos) << expected << "\n" << r.err;
  }
}

TEST(Codecs, CheckConfigRefusesACodecNoPluginProvides) {
  HubFixture hub;
  hub.sourceExtras = "codec=\"pdf\"";
  hub.writeConfig();
  const auto r =
      testing::runProgram("pathhub", {"--config", hub.configPath.string(), "--check-config"});
  EXPECT_NE(r.exitCode, 0);
  EXPECT_NE(r.err.find("channel 'lab' source: no plugin provides codec 'pdf'"), std::string::npos)
      << r.err;
}

}  // namespace
}  // namespace pathhub

// Issue 24 end to end with the real hub: results to three practices, each by one of today's
// routes — NHS003 EDIFACT over MESH API v2, a FHIR message over MESH API v2, and a FHIR Bundle
// to the NHS Pathology REST API (its double, over mutual TLS with a signed client assertion).
// The answers come back: an NHSACK accepting (and a repeat of it, which settles nothing twice),
// a FHIR response refusing with its reason, a REST refusal with its OperationOutcome, and one
// FHIR message never answered, flagged overdue. A report the practice could not match a
// correction to (no lab report number) fails the offline Bundle checks: it goes to exceptions
// with the reason and never reaches MESH.
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <gtest/gtest.h>

#include <fstream>
#include <thread>

#include "convert/formats.h"
#include "edifact/edifact_syntax.h"
#include "edifact/nhsack.h"
#include "fhir/response_reader.h"
#include "fhir_response.h"
#include "gp_results_support.h"
#include "http/api_auth.h"
#include "hub_fixture.h"
#include "mesh_test_server.h"
#include "pathology_api_double.h"
#include "test_certs.h"
#include "tls/tls_context.h"

namespace pathhub {
namespace {

using Poco::JSON::Object;
using testing::HubFixture;
using testing::waitUntil;

const std::string kSecret = "TestSharedSecret";
const std::string kToken = "clinical-token-0123456789";
const std::string kFhirWorkflow = "PATH_FHIR_TEST_RESULTS";  // as the practice's mailbox is set up
const std::string kApiKey = "pathhub-test-api-key";

std::string meshKeys(const testing::MeshTestServer& mesh) {
  return testing::hubMailboxKeys(mesh, kSecret);
}

class GpRoutes : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(certs_.ok());
    auto context = tls::serverContext(
        {certs_.pem("server"), certs_.key("server"), certs_.pem("test-ca"), true});
    ASSERT_TRUE(context) << context.error().describe();
    api_ = std::make_unique<testing::PathologyApiDouble>(*context, certs_.pem("stranger"), kApiKey,
                                                         "key-1");
    mesh_.addMailbox("HUB01", "hub-password");
    mesh_.addMailbox("GP01", "gp-password");
    mesh_.addMailbox("GP02", "gp-password");
    std::ofstream(hub_.dir / "practices.csv")
        << "ods,name,format,transport,address,workflow,acknowledgement\n"
           "A81001,The Densham Surgery,nhs003,mesh,GP01,PATH_MEDRPT_V3,yes\n"
           "A81002,Queens Park Medical Centre,fhir,mesh,GP02,"
        << kFhirWorkflow
        << ",yes\n"
           "A81003,Harbour View Practice,fhir,nhs-pathology-api,"
        << api_->bundleUrl() << ",,no\n";
    hub_.apiTokens =
        "<token name=\"nurse\" role=\"clinical\" sha256=\"" + http::sha256Hex(kToken) + "\"/>";
    // A refused delivery is set aside at once (with its reason), not held for retries.
    hub_.channelExtras =
        "<retry baseMs=\"50\" capMs=\"200\" maxAttempts=\"1000000\" onExhausted=\"skip\"/>"
        "<destination name=\"gp-edifact\" type=\"mesh\" codec=\"edifact\" " +
        meshKeys(mesh_) +
        "/>"
        "<destination name=\"gp-fhir-mesh\" type=\"mesh\" codec=\"fhir-json\" " +
        meshKeys(mesh_) +
        "/>"
        "<destination name=\"gp-api\" type=\"nhs-pathology-api\" codec=\"fhir-json\" url=\"" +
        api_->bundleUrl() + "\" tokenUrl=\"" + api_->tokenUrl() + "\" apiKey=\"" + kApiKey +
        "\" keyId=\"key-1\" signingKey=\"" + certs_.key("stranger") + "\" caFile=\"" +
        certs_.pem("test-ca") + "\" certificate=\"" + certs_.pem("client") + "\" privateKey=\"" +
        certs_.key("client") +
        "\" timeoutMs=\"5000\"/>"
        "<destination name=\"exceptions\" type=\"file\" directory=\"" +
        (hub_.dir / "exceptions").string() +
        "\" fileName=\"{id}.hl7\"/>"
        "<practices directory=\"" +
        (hub_.dir / "practices.csv").string() +
        "\" exceptions=\"exceptions\">"
        "<via format=\"nhs003\" transport=\"mesh\" destination=\"gp-edifact\"/>"
        "<via format=\"fhir\" transport=\"mesh\" destination=\"gp-fhir-mesh\"/>"
        "<via format=\"fhir\" transport=\"nhs-pathology-api\" destination=\"gp-api\"/>"
        "</practices><acknowledgements overdueSeconds=\"2\"/>";
    // One mailbox, two readers: NHSACKs through the edifact codec, FHIR answers through
    // fhir-json, each taking only its workflows.
    hub_.hubExtras =
        "<channel name=\"gp-nhsacks\"><source type=\"mesh\" codec=\"edifact\" " + meshKeys(mesh_) +
        " pollSeconds=\"1\" workflowFilter=\"PATH_MEDRPT*\"/><destination name=\"log\" "
        "type=\"file\" directory=\"" +
        (hub_.dir / "nhsacks").string() +
        "\"/></channel>"
        "<channel name=\"gp-fhir-answers\"><source type=\"mesh\" codec=\"fhir-json\" " +
        meshKeys(mesh_) +
        " pollSeconds=\"1\" workflowFilter=\"!PATH_MEDRPT*\"/><destination name=\"log\" "
        "type=\"file\" directory=\"" +
        (hub_.dir / "fhir-answers").string() + "\"/></channel>";
  }

  void send(const std::string& controlId, const std::string& practice, bool labNumber = true) {
    EXPECT_EQ(testing::sendOverMllp(hub_.sourcePort,
                                    testing::dhcwResultFor(controlId, practice, labNumber)),
              "CA");
  }
  Object::Ptr api(const std::string& target) { return gp_.get(target); }
  testing::GpApi::Delivery delivery(const std::string& controlId, const std::string& destination) {
    return gp_.delivery(gp_.messageId("lab", controlId), destination);
  }
  std::vector<std::string> history(const std::string& controlId, const std::string& kind) {
    return gp_.history(gp_.messageId("lab", controlId), kind);
  }

  testing::TestCertificates certs_;
  std::unique_ptr<testing::PathologyApiDouble> api_;
  testing::MeshTestServer mesh_{kSecret};
  HubFixture hub_;
  testing::GpApi gp_{hub_.apiPort, kToken};
};

TEST_F(GpRoutes, ThreePracticesThreeRoutesEveryAnswerSettledAndABadBundleNeverSent) {
  api_->queue({201, "", ""});
  api_->queue({422, "Patient not registered with practice A81003", ""});
  hub_.startSink();
  hub_.startHub();
  send("RES-EDI", "A81001");
  send("RES-FHIR-MESH", "A81002");
  send("RES-API", "A81003");
  send("RES-API-REFUSED", "A81003");

  // NHS003 to GP01 under its EDIFACT workflow; the FHIR message to GP02 under the FHIR one.
  ASSERT_TRUE(waitUntil(
      [&] { return mesh_.sentTo("GP01").size() == 1 && mesh_.sentTo("GP02").size() == 1; }));
  const auto edifactSent = mesh_.sentTo("GP01").front();
  EXPECT_EQ(edifactSent.workflow, "PATH_MEDRPT_V3");
  EXPECT_NE(edifactSent.bytes().find("NHS003"), std::string::npos);
  const auto fhirSent = mesh_.sentTo("GP02").front();
  EXPECT_EQ(fhirSent.workflow, kFhirWorkflow);
  const std::string header =
      fhir::messageHeaderId(convert::bundleObject(convert::Format::kFhirJson, fhirSent.bytes()));
  ASSERT_FALSE(header.empty()) << fhirSent.bytes().substr(0, 300);

  // The REST API: one Bundle accepted, one refused with its OperationOutcome, both with the
  // hub's client certificate and a token from a signed assertion.
  ASSERT_TRUE(waitUntil([&] { return api_->received().size() == 2; }));
  EXPECT_TRUE(api_->assertionsRefused().empty());
  for (const auto& name : api_->clientNames()) EXPECT_EQ(name, "lab-client");
  ASSERT_TRUE(waitUntil([&] { return delivery("RES-API-REFUSED", "gp-api").state == "failed"; }));
  EXPECT_EQ(delivery("RES-API", "gp-api").state, "delivered");
  EXPECT_NE(delivery("RES-API-REFUSED", "gp-api")
                .lastError.find("422 Unprocessable Entity: error: Patient not registered with "
                                "practice A81003 (invalid)"),
            std::string::npos)
      << delivery("RES-API-REFUSED", "gp-api").lastError;

  // Both MESH deliveries await their answers: two NHS003 messages, one FHIR message.
  ASSERT_TRUE(waitUntil([&] {
    return delivery("RES-FHIR-MESH", "gp-fhir-mesh").answers ==
           std::vector<std::string>{"awaiting"};
  }));
  EXPECT_EQ(delivery("RES-EDI", "gp-edifact").answers,
            (std::vector<std::string>{"awaiting", "awaiting"}));

  // The answers: the NHS003 practice accepts; the FHIR practice refuses, with its reason.
  auto interchange = edifact::parse(edifactSent.bytes());
  ASSERT_TRUE(interchange) << interchange.error().describe();
  mesh_.put(
      "GP01", "HUB01", "PATH_MEDRPT_V3_ACK",
      edifact::writeNhsAck(edifact::acknowledge(*interchange, {}, "20261203"), "701", "0900"));
  testing::FhirResponse refusal;
  refusal.answered = header;
  refusal.code = "fatal-error";
  refusal.reason = "Patient not registered at this practice";
  mesh_.put("GP02", "HUB01", kFhirWorkflow + "_ACK", testing::fhirResponseJson(refusal));
  ASSERT_TRUE(waitUntil([&] {
    return delivery("RES-EDI", "gp-edifact").answers ==
               std::vector<std::string>{"accepted", "accepted"} &&
           delivery("RES-FHIR-MESH", "gp-fhir-mesh").answers ==
               std::vector<std::string>{
                   "rejected: error: Patient not registered at this practice (processing)"};
  }));

  // The GP system sends its NHSACK again (a new interchange): nothing is settled twice.
  mesh_.put("GP01", "HUB01", "PATH_MEDRPT_V3_ACK",
            edifact::writeNhsAck(
                edifact::acknowledge(*interchange, {{"1", "Changed our mind"}}, "20261204"), "702",
                "0900"));
  ASSERT_TRUE(waitUntil([&] { return !history("RES-EDI", "acknowledgement_repeated").empty(); }));
  EXPECT_EQ(delivery("RES-EDI", "gp-edifact").answers,
            (std::vector<std::string>{"accepted", "accepted"}));

  // A FHIR message never answered is flagged overdue.
  send("RES-FHIR-LATE", "A81002");
  ASSERT_TRUE(waitUntil([&] { return mesh_.sentTo("GP02").size() == 2; }));
  ASSERT_TRUE(waitUntil([&] {
    return delivery("RES-FHIR-LATE", "gp-fhir-mesh").answers == std::vector<std::string>{"overdue"};
  }));
  auto late = api("/api/v1/deliveries/unacknowledged")->getArray("unacknowledged");
  ASSERT_EQ(late->size(), 1u);
  EXPECT_EQ(late->getObject(0)->getValue<std::string>("practice"), "A81002");

  // A report without its lab number fails the offline checks: to exceptions, never to MESH.
  send("RES-NO-LAB-NUMBER", "A81002", false);
  ASSERT_TRUE(waitUntil(
      [&] { return api("/api/v1/deliveries/exceptions")->getArray("exceptions")->size() == 1; }));
  auto exception = api("/api/v1/deliveries/exceptions")->getArray("exceptions")->getObject(0);
  EXPECT_EQ(exception->getValue<std::string>("controlId"), "RES-NO-LAB-NUMBER");
  const std::string reason = exception->getValue<std::string>("reason");
  EXPECT_NE(reason.find("[invalid-bundle]"), std::string::npos) << reason;
  EXPECT_NE(reason.find("no identifier with a value (the lab's report number)"), std::string::npos)
      << reason;
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  EXPECT_EQ(mesh_.sentTo("GP02").size(), 2u) << "the failing Bundle was never sent";
  // Every answer was taken by its own reader and acknowledged to MESH.
  EXPECT_EQ(mesh_.inboxCount("HUB01"), 0u);
}

}  // namespace
}  // namespace pathhub

// Results to GP practices with the real daemon: routed by the practice directory, one practice
// takes NHS003 through MESH (the MESH test server), one FHIR R4 over HTTP; the practices'
// NHSACKs come back through MESH and settle each delivery; an unknown practice lands in
// exceptions; an unanswered delivery becomes overdue and raises a notification; and a crash
// between a MESH download and the hub's commit loses nothing.
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/StreamCopier.h>
#include <gtest/gtest.h>

#include <atomic>
#include <fstream>
#include <mutex>
#include <thread>

#include "api_client.h"
#include "corpus.h"
#include "edifact/edifact_syntax.h"
#include "edifact/nhsack.h"
#include "gp_results_support.h"
#include "http/api_auth.h"
#include "hub_fixture.h"
#include "mesh_test_server.h"

namespace pathhub {
namespace {

using Poco::JSON::Object;
using testing::HubFixture;
using testing::waitUntil;

const std::string kSecret = "TestSharedSecret";
const std::string kToken = "clinical-token-0123456789";

// Takes FHIR POSTs, answering 200.
class FhirReceiver {
 public:
  FhirReceiver() : socket_(Poco::Net::SocketAddress("127.0.0.1", 0)) {
    server_ = std::make_unique<Poco::Net::HTTPServer>(new Factory(*this), socket_,
                                                      new Poco::Net::HTTPServerParams);
    server_->start();
  }
  ~FhirReceiver() { server_->stopAll(true); }
  std::uint16_t port() const { return socket_.address().port(); }
  std::vector<std::pair<std::string, std::string>> received() {
    std::lock_guard lock(mutex_);
    return received_;
  }

 private:
  struct Handler : Poco::Net::HTTPRequestHandler {
    explicit Handler(FhirReceiver& r) : owner(r) {}
    void handleRequest(Poco::Net::HTTPServerRequest& request,
                       Poco::Net::HTTPServerResponse& response) override {
      std::string body;
      Poco::StreamCopier::copyToString(request.stream(), body);
      {
        std::lock_guard lock(owner.mutex_);
        owner.received_.emplace_back(request.getURI(), body);
      }
      response.setStatus(Poco::Net::HTTPResponse::HTTP_OK);
      response.send() << "{}";
    }
    FhirReceiver& owner;
  };
  struct Factory : Poco::Net::HTTPRequestHandlerFactory {
    explicit Factory(FhirReceiver& r) : owner(r) {}
    Poco::Net::HTTPRequestHandler* createRequestHandler(
        const Poco::Net::HTTPServerRequest&) override {
      return new Handler(owner);
    }
    FhirReceiver& owner;
  };
  Poco::Net::ServerSocket socket_;
  std::unique_ptr<Poco::Net::HTTPServer> server_;
  std::mutex mutex_;
  std::vector<std::pair<std::string, std::string>> received_;
};

std::string meshKeys(const testing::MeshTestServer& mesh) {
  return testing::hubMailboxKeys(mesh, kSecret);
}

class GpResults : public ::testing::Test {
 protected:
  void SetUp() override {
    mesh_.addMailbox("HUB01", "hub-password");
    mesh_.addMailbox("GP01", "gp-password");
    std::ofstream(hub_.dir / "practices.csv")
        << "ods,name,format,transport,address,workflow,acknowledgement\n"
           "A81001,The Densham Surgery,nhs003,mesh,GP01,PATH_MEDRPT_V3,yes\n"
           "A81002,Queens Park Medical Centre,fhir,http,http://127.0.0.1:"
        << fhir_.port() << "/gp2/fhir,,no\n";
    hub_.apiTokens =
        "<token name=\"nurse\" role=\"clinical\" sha256=\"" + http::sha256Hex(kToken) + "\"/>";
  }

  // The lab channel: results routed by practice; `acknowledgements` its <acknowledgements>.
  void configure(const std::string& acknowledgements) {
    hub_.channelExtras +=
        "<destination name=\"gp-mesh\" type=\"mesh\" codec=\"edifact\" " + meshKeys(mesh_) +
        "/>"
        "<destination name=\"gp-fhir\" type=\"http\" codec=\"fhir-json\" "
        "url=\"http://127.0.0.1:" +
        std::to_string(fhir_.port()) +
        "/default\" contentType=\"application/fhir+json\"/>"
        "<destination name=\"exceptions\" type=\"file\" directory=\"" +
        (hub_.dir / "exceptions").string() +
        "\" fileName=\"{id}.hl7\"/>"
        "<destination name=\"alerts\" type=\"file\" directory=\"" +
        (hub_.dir / "alerts").string() + "\" fileName=\"{id}.json\"/>" + "<practices directory=\"" +
        (hub_.dir / "practices.csv").string() +
        "\" exceptions=\"exceptions\">"
        "<via format=\"nhs003\" transport=\"mesh\" destination=\"gp-mesh\"/>"
        "<via format=\"fhir\" transport=\"http\" destination=\"gp-fhir\"/></practices>" +
        acknowledgements;
    // The practices' answers come back to the hub's own mailbox.
    hub_.hubExtras = "<channel name=\"gp-answers\"><source type=\"mesh\" codec=\"edifact\" " +
                     meshKeys(mesh_) +
                     " pollSeconds=\"1\"/><destination name=\"log\" type=\"file\" directory=\"" +
                     (hub_.dir / "answers").string() + "\"/></channel>";
  }

  // The DHCW sample for a practice (ORC-21), with its own control id; returns MSA-1 (CA: the
  // sample asks for enhanced-mode acknowledgements).
  std::string send(const std::string& controlId, const std::string& practice) {
    return testing::sendOverMllp(hub_.sourcePort, testing::dhcwResultFor(controlId, practice));
  }
  Object::Ptr api(const std::string& target) { return gp_.get(target); }
  std::int64_t messageId(const std::string& controlId) { return gp_.messageId("lab", controlId); }
  // The acknowledgement states of the message's delivery to `destination`.
  std::vector<std::string> answerStates(std::int64_t id, const std::string& destination) {
    return gp_.delivery(id, destination).answers;
  }

  testing::MeshTestServer mesh_{kSecret};
  FhirReceiver fhir_;
  HubFixture hub_;
  testing::GpApi gp_{hub_.apiPort, kToken};
};

TEST_F(GpResults, ReachEachPracticeInItsFormatAndTheirAnswersSettleTheDeliveries) {
  configure("<acknowledgements overdueSeconds=\"3600\" notify=\"alerts\"/>");
  hub_.startSink();
  hub_.startHub();
  EXPECT_EQ(send("RES-MESH-1", "A81001"), "CA");
  EXPECT_EQ(send("RES-FHIR-1", "A81002"), "CA");
  EXPECT_EQ(send("RES-NOBODY", "Q99999"), "CA");
  EXPECT_EQ(send("RES-MESH-2", "A81001"), "CA");

  // A81001 by MESH as NHS003 EDIFACT, to its mailbox with its workflow.
  ASSERT_TRUE(waitUntil([&] { return mesh_.sentTo("GP01").size() == 2; }));
  const auto sent = mesh_.sentTo("GP01");
  for (const auto& m : sent) {
    EXPECT_EQ(m.workflow, "PATH_MEDRPT_V3");
    EXPECT_NE(m.bytes().find("NHS003"), std::string::npos) << m.bytes().substr(0, 300);
  }
  // A81002 as a FHIR Bundle, POSTed to its own endpoint.
  ASSERT_TRUE(waitUntil([&] { return fhir_.received().size() == 1; }));
  EXPECT_EQ(fhir_.received()[0].first, "/gp2/fhir");
  EXPECT_NE(fhir_.received()[0].second.find("\"resourceType\": \"Bundle\""), std::string::npos);
  // The unknown practice: kept in exceptions and listed with the reason.
  ASSERT_TRUE(waitUntil([&] {
    return std::filesystem::exists(hub_.dir / "exceptions") &&
           !std::filesystem::is_empty(hub_.dir / "exceptions");
  }));
  auto exceptions = api("/api/v1/deliveries/exceptions")->getArray("exceptions");
  ASSERT_EQ(exceptions->size(), 1u);
  EXPECT_EQ(exceptions->getObject(0)->getValue<std::string>("controlId"), "RES-NOBODY");
  EXPECT_EQ(exceptions->getObject(0)->getValue<std::string>("reason"),
            "practice Q99999 is not in the practice directory");
  // Both MESH deliveries await their NHSACK: one answer per report (the sample holds two, so
  // each interchange holds two NHS003 messages).
  const auto first = messageId("RES-MESH-1"), second = messageId("RES-MESH-2");
  const std::vector<std::string> awaiting = {"awaiting", "awaiting"};
  ASSERT_TRUE(waitUntil([&] { return answerStates(second, "gp-mesh") == awaiting; }));
  EXPECT_EQ(answerStates(first, "gp-mesh"), awaiting);
  EXPECT_EQ(api("/api/v1/deliveries/unacknowledged")->getArray("unacknowledged")->size(), 4u);
  // Nothing but notifications goes to the notify destination.
  EXPECT_FALSE(std::filesystem::exists(hub_.dir / "alerts"));

  // The practice answers: the first interchange accepted in full, the second's report refused.
  for (std::size_t i = 0; i < sent.size(); ++i) {
    auto interchange = edifact::parse(sent[i].bytes());
    ASSERT_TRUE(interchange) << interchange.error().describe();
    std::vector<std::pair<std::string, std::string>> rejected;
    if (i == 1) rejected.emplace_back("1", "Patient not registered at this practice");
    const edifact::NhsAck ack = edifact::acknowledge(*interchange, rejected, "20261125");
    mesh_.put("GP01", "HUB01", "PATH_MEDRPT_V3_ACK",
              edifact::writeNhsAck(ack, "50" + std::to_string(i), "1200"));
  }
  const std::vector<std::string> both = {"accepted", "accepted"};
  const std::vector<std::string> oneRefused = {"rejected: Patient not registered at this practice",
                                               "accepted"};
  ASSERT_TRUE(waitUntil([&] {
    return answerStates(first, "gp-mesh") == both && answerStates(second, "gp-mesh") == oneRefused;
  }));
  EXPECT_EQ(api("/api/v1/deliveries/unacknowledged")->getArray("unacknowledged")->size(), 0u);
  EXPECT_EQ(mesh_.inboxCount("HUB01"), 0u) << "each NHSACK acknowledged to MESH";
}

// Issue 24, the GP-side rules: an NHSACK is answered once. One that comes again — the same
// interchange (a GP system retransmitting it), or a new interchange answering what was
// answered already — settles nothing twice; each is recorded.
TEST_F(GpResults, ARepeatedNhsAckSettlesNothingTwiceAndIsRecorded) {
  configure("<acknowledgements overdueSeconds=\"3600\"/>");
  hub_.startSink();
  hub_.startHub();
  EXPECT_EQ(send("RES-MESH-1", "A81001"), "CA");
  ASSERT_TRUE(waitUntil([&] { return mesh_.sentTo("GP01").size() == 1; }));
  const auto id = messageId("RES-MESH-1");
  const std::vector<std::string> awaiting = {"awaiting", "awaiting"};
  ASSERT_TRUE(waitUntil([&] { return answerStates(id, "gp-mesh") == awaiting; }));
  auto interchange = edifact::parse(mesh_.sentTo("GP01")[0].bytes());
  ASSERT_TRUE(interchange) << interchange.error().describe();
  const std::string accepted =
      edifact::writeNhsAck(edifact::acknowledge(*interchange, {}, "20261125"), "601", "1200");
  mesh_.put("GP01", "HUB01", "PATH_MEDRPT_V3_ACK", accepted);
  const std::vector<std::string> both = {"accepted", "accepted"};
  ASSERT_TRUE(waitUntil([&] { return answerStates(id, "gp-mesh") == both; }));

  // The same NHSACK again, byte for byte: a duplicate of what the hub has.
  mesh_.put("GP01", "HUB01", "PATH_MEDRPT_V3_ACK", accepted);
  // A new interchange refusing a report the first one accepted: answered already.
  mesh_.put("GP01", "HUB01", "PATH_MEDRPT_V3_ACK",
            edifact::writeNhsAck(
                edifact::acknowledge(*interchange, {{"1", "Changed our mind"}}, "20261126"), "602",
                "1300"));
  auto history = [&] { return gp_.history(id, "acknowledgement_repeated"); };
  ASSERT_TRUE(waitUntil([&] { return mesh_.inboxCount("HUB01") == 0 && !history().empty(); }));
  std::this_thread::sleep_for(std::chrono::milliseconds(300));  // nothing more comes
  EXPECT_EQ(answerStates(id, "gp-mesh"), both) << "settled once, as the first answer said";
  const auto repeats = history();
  ASSERT_FALSE(repeats.empty());
  for (const auto& r : repeats) {
    EXPECT_NE(r.find("settled already by message"), std::string::npos) << r;
    EXPECT_NE(r.find("nothing changed"), std::string::npos) << r;
  }
  // The byte-for-byte copy is kept as a duplicate on the answers channel, not read again.
  auto answers = api("/api/v1/messages?channel=gp-answers&state=duplicate")->getArray("messages");
  ASSERT_TRUE(answers);
  EXPECT_GE(answers->size(), 1u);
}

// A practice added to the directory reaches its GP after SIGHUP, without a restart.
TEST_F(GpResults, APracticeAddedToTheDirectoryIsRoutedAfterAReload) {
  const std::string kAdminToken = "gp-test-admin-token-0123456789";
  hub_.apiTokens +=
      "<token name=\"admin\" role=\"admin\" sha256=\"" + http::sha256Hex(kAdminToken) + "\"/>";
  configure("");
  hub_.startSink();
  hub_.startHub();
  EXPECT_EQ(send("BEFORE-ADD", "A81003"), "CA");
  ASSERT_TRUE(waitUntil(
      [&] { return api("/api/v1/deliveries/exceptions")->getArray("exceptions")->size() == 1; }));
  std::ofstream(hub_.dir / "practices.csv", std::ios::app)
      << "A81003,Newly Merged Practice,fhir,http,http://127.0.0.1:" << fhir_.port()
      << "/gp3/fhir,,no\n";
  // As SIGHUP does, but answered when done: the channel restarts with the new directory.
  const auto reloaded = testing::apiCall(hub_.apiPort, kAdminToken, "POST", "/api/v1/reload");
  ASSERT_EQ(reloaded.status, 200) << reloaded.body;
  EXPECT_NE(reloaded.body.find("channel lab restarted: tables"), std::string::npos)
      << reloaded.body;
  EXPECT_EQ(send("AFTER-ADD", "A81003"), "CA");
  ASSERT_TRUE(waitUntil([&] { return fhir_.received().size() == 1; }));
  EXPECT_EQ(fhir_.received()[0].first, "/gp3/fhir");
  EXPECT_EQ(api("/api/v1/deliveries/exceptions")->getArray("exceptions")->size(), 1u);
}

TEST_F(GpResults, AnUnansweredDeliveryBecomesOverdueAndRaisesANotification) {
  configure("<acknowledgements overdueSeconds=\"1\" notify=\"alerts\"/>");
  hub_.startSink();
  hub_.startHub();
  EXPECT_EQ(send("RES-LATE", "A81001"), "CA");
  // The file destination writes a hidden temporary file and renames it: only a named one is
  // whole.
  std::filesystem::path written;
  ASSERT_TRUE(waitUntil([&] {
    if (!std::filesystem::exists(hub_.dir / "alerts")) return false;
    for (const auto& e : std::filesystem::directory_iterator(hub_.dir / "alerts")) {
      if (e.path().filename().string()[0] != '.') written = e.path();
    }
    return !written.empty();
  }));
  const std::string notice = testing::readFile(written);
  auto json = Poco::JSON::Parser().parse(notice).extract<Object::Ptr>();
  EXPECT_EQ(json->getValue<std::string>("notification"), "acknowledgement overdue");
  EXPECT_EQ(json->getValue<std::string>("practice"), "A81001");
  EXPECT_EQ(json->getValue<std::int64_t>("messageId"), messageId("RES-LATE"));
  EXPECT_EQ(json->getArray("references")->size(), 2u) << notice;
  auto late =
      api("/api/v1/deliveries/unacknowledged?olderThanSeconds=1")->getArray("unacknowledged");
  ASSERT_EQ(late->size(), 2u);
  EXPECT_EQ(late->getObject(0)->getValue<std::string>("state"), "overdue");
  // One notification per delivery, not per reference, and not again at the next check.
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  int notices = 0;
  for (const auto& e : std::filesystem::directory_iterator(hub_.dir / "alerts")) {
    notices += e.path().filename().string()[0] != '.';
  }
  EXPECT_EQ(notices, 1);
}

TEST_F(GpResults, ACrashBetweenTheMeshDownloadAndTheCommitLosesNothing) {
  configure("");
  hub_.startSink();
  // An NHSACK-free message from a practice system: an ORU it forwards to the hub.
  std::atomic<int> downloads{0};
  std::atomic<int> pid{0};
  mesh_.onDownload([&](const std::string&) {
    // The hub has asked for the message and waits for it: it dies now, before it can have
    // committed it. (Its pid is known once it has started; the hook waits for that.)
    if (++downloads != 1) return;
    for (int i = 0; i < 1000 && !pid; ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    if (pid) ::kill(pid, SIGKILL);
  });
  const std::string ack = edifact::writeNhsAck(
      edifact::acknowledge(*edifact::parse(testing::readCorpusFile(
                               "edifact/nhs003_medrpt_interchange_3msgs_b12_folate_fbc.edi")),
                           {}, "20261125"),
      "900", "1200");
  const std::string id = mesh_.put("GP01", "HUB01", "PATH_MEDRPT_V3_ACK", ack);
  hub_.writeConfig();
  hub_.startHub();
  pid = hub_.hubPid();
  ASSERT_TRUE(waitUntil([&] { return downloads >= 1; }));
  hub_.killHub();  // reaps it
  EXPECT_FALSE(mesh_.acknowledged(id)) << "never acknowledged by a hub that did not commit it";
  EXPECT_EQ(mesh_.inboxCount("HUB01"), 1u);
  // After the restart it comes again, is committed once, and only then acknowledged.
  hub_.startHub();
  ASSERT_TRUE(waitUntil([&] { return mesh_.acknowledged(id); }));
  EXPECT_GE(downloads.load(), 2);
  auto page = api("/api/v1/messages?channel=gp-answers");
  // The NHSACK answers three messages: three ACKs, each recorded once.
  EXPECT_EQ(page->getArray("messages")->size(), 3u);
}

}  // namespace
}  // namespace pathhub

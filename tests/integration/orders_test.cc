// Orders with the real daemon: a GP order reaches the lab that performs each test (split when
// it names tests of two labs, in WinPath's dialect for the WinPath lab), the lab's answer and
// results move it through its states while the results reach the GP, a cancellation, a
// result no order was placed for, one matched by NHS number and test, and an overdue order.
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/StreamCopier.h>
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <set>

#include "api_client.h"
#include "corpus.h"
#include "hl7/message.h"
#include "http/api_auth.h"
#include "hub_fixture.h"
#include "mllp/mllp_client.h"
#include "order_messages.h"

namespace pathhub {
namespace {

using Poco::JSON::Object;
using testing::HubFixture;
using testing::waitUntil;

const std::string kToken = "clinical-token-0123456789";
const std::string kAdminToken = "admin-token-0123456789";

using testing::omlOrder;
using testing::oruResult;

class Orders : public ::testing::Test {
 protected:
  void SetUp() override {
    ordersPort_ = testing::freePort();
    fhirPort_ = testing::freePort();
    std::ofstream(hub_.dir / "catalogue.csv") << "code,name,lab,specimen,turnaroundHours\n"
                                                 "FBC,Full blood count,RBH,EDTA blood,4\n"
                                                 "MG,Magnesium,RBH,Blood,24\n"
                                                 "CULT,Urine culture,MICRO,Urine,72\n"
                                                 "FAST,A test due at once,MICRO,Urine,0.0008\n"
                                                 "43396009,HbA1c,RBH,EDTA blood,48\n";
    auto folder = [this](const std::string& name) { return (hub_.dir / name).string(); };
    hub_.hubExtras =
        "<channel name=\"orders\"><source type=\"mllp\" listen=\"127.0.0.1:" +
        std::to_string(ordersPort_) +
        "\"/>"
        "<destination name=\"rbh\" type=\"file\" codec=\"winpath\" directory=\"" +
        folder("rbh") + "\" fileName=\"{id}.hl7\"/>" +
        "<destination name=\"micro\" type=\"file\" directory=\"" + folder("micro") +
        "\" fileName=\"{id}.hl7\"/>" + "<destination name=\"unplaced\" type=\"file\" directory=\"" +
        folder("unplaced") + "\" fileName=\"{id}.hl7\"/>" +
        "<destination name=\"alerts\" type=\"file\" directory=\"" + folder("alerts") +
        "\" fileName=\"{id}.json\"/>" + "<orders catalogue=\"" + folder("catalogue.csv") +
        "\" exceptions=\"unplaced\" notify=\"alerts\"><lab name=\"RBH\" destination=\"rbh\"/>"
        "<lab name=\"MICRO\" destination=\"micro\"/></orders></channel>"
        // Requesters whose systems speak FHIR: ServiceRequest bundles POSTed, as OML.
        "<channel name=\"fhir-orders\"><source type=\"http\" listen=\"127.0.0.1:" +
        std::to_string(fhirPort_) +
        "\" codec=\"fhir-json\" contentTypes=\"application/fhir+json\"/>"
        "<destination name=\"rbh\" type=\"file\" directory=\"" +
        folder("rbh-fhir") +
        "\" fileName=\"{id}.hl7\"/><destination name=\"unplaced\" type=\"file\" directory=\"" +
        folder("unplaced-fhir") + "\"/><orders catalogue=\"" + folder("catalogue.csv") +
        "\" exceptions=\"unplaced\"><lab name=\"RBH\" destination=\"rbh\"/></orders></channel>";
    // The fixture's channel is where the labs' answers and results come in, on to the GP.
    hub_.channelExtras += "<orders matchWindowHours=\"72\"/>";
    hub_.apiTokens = "<token name=\"nurse\" role=\"clinical\" sha256=\"" + http::sha256Hex(kToken) +
                     "\"/>" + "<token name=\"admin\" role=\"admin\" sha256=\"" +
                     http::sha256Hex(kAdminToken) + "\"/>";
    hub_.startSink();
    hub_.startHub();
    ASSERT_TRUE(waitUntil([&] { return testing::accepting(ordersPort_); }));
  }

  std::string send(std::uint16_t port, const std::string& message) {
    mllp::Client client({"127.0.0.1", port});
    auto reply = client.exchange(message);
    EXPECT_TRUE(reply);
    auto ack = hl7::Message::parse(reply ? *reply : "");
    return ack ? ack->get("MSA-1").value_or("") : "";
  }

  Object::Ptr api(const std::string& target, int expected = 200) {
    const testing::ApiAnswer a = testing::apiGet(hub_.apiPort, kToken, target);
    if (expected > 0) {  // -1: any (while waiting for something to appear)
      EXPECT_EQ(a.status, expected) << target << ": " << a.body;
    }
    return a.json ? a.json : Object::Ptr(new Object);
  }

  // lab → state of each part of the order.
  std::map<std::string, std::string> states(const std::string& placer) {
    std::map<std::string, std::string> out;
    auto answer = api("/api/v1/orders/" + placer, -1);
    auto parts = answer->getArray("parts");
    for (std::size_t i = 0; parts && i < parts->size(); ++i) {
      auto p = parts->getObject(static_cast<unsigned>(i));
      out[p->getValue<std::string>("lab")] = p->getValue<std::string>("state");
    }
    return out;
  }

  std::size_t files(const std::string& folder) {
    const auto path = hub_.dir / folder;
    if (!std::filesystem::exists(path)) return 0;
    return static_cast<std::size_t>(std::distance(std::filesystem::directory_iterator(path),
                                                  std::filesystem::directory_iterator()));
  }

  HubFixture hub_;
  std::uint16_t ordersPort_ = 0;
  std::uint16_t fhirPort_ = 0;
};

TEST_F(Orders, AFhirOrderBundleIsRoutedAndTrackedLikeAnOml) {
  ASSERT_TRUE(waitUntil([&] { return testing::accepting(fhirPort_); }));
  const std::string bundle =
      testing::readCorpusFile("fhir/nhse_path_r4_hba1c_request_message_bundle.json");
  Poco::Net::HTTPClientSession session("127.0.0.1", fhirPort_);
  Poco::Net::HTTPRequest request("POST", "/messages", Poco::Net::HTTPMessage::HTTP_1_1);
  request.setContentType("application/fhir+json");
  request.setContentLength(static_cast<std::streamsize>(bundle.size()));
  session.sendRequest(request) << bundle;
  Poco::Net::HTTPResponse response;
  std::string body;
  Poco::StreamCopier::copyToString(session.receiveResponse(response), body);
  EXPECT_EQ(static_cast<int>(response.getStatus()), 202) << body;
  ASSERT_TRUE(waitUntil([&] { return files("rbh-fhir") == 1; }));
  auto oml = hl7::Message::parse(
      testing::readFile(std::filesystem::directory_iterator(hub_.dir / "rbh-fhir")->path()));
  ASSERT_TRUE(oml);
  EXPECT_EQ(oml->messageType(), "OML");
  ASSERT_TRUE(waitUntil([&] { return states("REQ-20220129-000241")["RBH"] == "sent"; }));
  auto parts = api("/api/v1/orders/REQ-20220129-000241")->getArray("parts");
  EXPECT_EQ(parts->getObject(0)->getValue<std::string>("requester"), "B82033");
  EXPECT_EQ(parts->getObject(0)->getValue<std::string>("nhsNumber"), "9727710638");
}

TEST_F(Orders, AnOrderReachesItsLabsAndWalksToFinalAsTheLabAnswers) {
  EXPECT_EQ(send(ordersPort_, omlOrder("ORD1", "P100", {"FBC", "CULT", "MG"})), "AA");
  // Split: RBH gets FBC and MG (in WinPath's dialect), MICRO the culture.
  ASSERT_TRUE(waitUntil([&] { return files("rbh") == 1 && files("micro") == 1; }));
  const std::string toRbh =
      testing::readFile(std::filesystem::directory_iterator(hub_.dir / "rbh")->path());
  auto rbh = hl7::Message::parse(toRbh);
  ASSERT_TRUE(rbh) << rbh.error().describe();
  EXPECT_EQ(rbh->controlId(), "ORD1-1");
  EXPECT_EQ(rbh->segmentIndexes("OBR").size(), 2u);
  ASSERT_TRUE(waitUntil([&] {
    return states("P100") == std::map<std::string, std::string>{{"MICRO", "sent"}, {"RBH", "sent"}};
  }));
  // RBH accepts, then sends a partial and a final result, which reach the GP.
  EXPECT_EQ(send(hub_.sourcePort,
                 "MSH|^~\\&|WINPATH|RBH|PATHHUB|NET|20261125093000||ORL^O22|L1|P|2.5\r"
                 "MSA|AA|ORD1-1\rORC|OK|P100|F900\rOBR|1|P100|F900|FBC^FBC^L\r"),
            "AA");
  ASSERT_TRUE(waitUntil([&] { return states("P100")["RBH"] == "accepted"; }));
  EXPECT_EQ(send(hub_.sourcePort, oruResult("R1", "P100", "F900", "FBC", "P")), "AA");
  ASSERT_TRUE(waitUntil([&] { return states("P100")["RBH"] == "partial"; }));
  EXPECT_EQ(send(hub_.sourcePort, oruResult("R2", "", "F900", "FBC", "F")), "AA");  // filler only
  ASSERT_TRUE(waitUntil([&] { return states("P100")["RBH"] == "final"; }));
  EXPECT_EQ(states("P100")["MICRO"], "sent");
  ASSERT_TRUE(waitUntil([&] { return hub_.receivedCount() >= 3; }));  // ORL, R1, R2 to the GP
  // The history of RBH's part, and the same as FHIR Tasks.
  auto parts = api("/api/v1/orders/P100")->getArray("parts");
  std::vector<std::string> steps;
  for (std::size_t i = 0; i < parts->size(); ++i) {
    auto p = parts->getObject(static_cast<unsigned>(i));
    if (p->getValue<std::string>("lab") != "RBH") continue;
    EXPECT_EQ(p->getValue<std::string>("filler"), "F900");
    EXPECT_EQ(p->getValue<std::string>("requester"), "A81001");
    auto history = p->getArray("history");
    for (std::size_t j = 0; j < history->size(); ++j) {
      steps.push_back(history->getObject(static_cast<unsigned>(j))->getValue<std::string>("state"));
    }
  }
  EXPECT_EQ(steps, (std::vector<std::string>{"placed", "sent", "accepted", "partial", "final"}));
  auto tasks = api("/api/v1/orders/P100?format=fhir");
  EXPECT_EQ(tasks->getValue<std::string>("resourceType"), "Bundle");
  std::set<std::string> statuses;
  auto entries = tasks->getArray("entry");
  for (std::size_t i = 0; i < entries->size(); ++i) {
    statuses.insert(entries->getObject(static_cast<unsigned>(i))
                        ->getObject("resource")
                        ->getValue<std::string>("status"));
  }
  EXPECT_EQ(statuses, (std::set<std::string>{"completed", "received"}));
  // By requester and state.
  EXPECT_EQ(api("/api/v1/orders?requester=A81001&state=final")->getArray("orders")->size(), 1u);

  // A result for the culture without placer or filler: matched by NHS number and test.
  EXPECT_EQ(send(hub_.sourcePort, oruResult("R3", "", "", "CULT", "F")), "AA");
  ASSERT_TRUE(waitUntil([&] { return states("P100")["MICRO"] == "final"; }));
  // A result no order was placed for: kept, delivered, and listed.
  EXPECT_EQ(send(hub_.sourcePort, oruResult("R4", "P999", "F999", "MG", "F", "9990000018")), "AA");
  ASSERT_TRUE(waitUntil(
      [&] { return api("/api/v1/orders/unmatched")->getArray("unmatched")->size() == 1; }));
  auto unmatched = api("/api/v1/orders/unmatched")->getArray("unmatched")->getObject(0);
  EXPECT_EQ(unmatched->getValue<std::string>("placer"), "P999");
  api("/api/v1/orders/P999", 404);
}

TEST_F(Orders, ACancelledOrderStaysCancelledAndAnOverdueOneIsFlagged) {
  EXPECT_EQ(send(ordersPort_, omlOrder("ORD2", "P200", {"MG"})), "AA");
  ASSERT_TRUE(waitUntil([&] { return states("P200")["RBH"] == "sent"; }));
  EXPECT_EQ(send(ordersPort_, omlOrder("ORD3", "P200", {"MG"}, "CA")), "AA");
  ASSERT_TRUE(waitUntil([&] { return states("P200")["RBH"] == "cancelled"; }));
  ASSERT_TRUE(waitUntil([&] { return files("rbh") == 2; })) << "the cancellation reaches the lab";
  // The lab confirms; a late result does not bring it back.
  EXPECT_EQ(send(hub_.sourcePort,
                 "MSH|^~\\&|WINPATH|RBH|PATHHUB|NET|20261125093000||ORR^O02|L2|P|2.3\r"
                 "MSA|AA|ORD3\rORC|CR|P200\r"),
            "AA");
  EXPECT_EQ(send(hub_.sourcePort, oruResult("R5", "P200", "F201", "MG", "F")), "AA");
  ASSERT_TRUE(waitUntil([&] { return hub_.receivedCount() >= 2; }));
  EXPECT_EQ(states("P200")["RBH"], "cancelled");

  // A test due within three seconds that never comes: overdue, listed and notified.
  EXPECT_EQ(send(ordersPort_, omlOrder("ORD4", "P300", {"FAST"})), "AA");
  ASSERT_TRUE(waitUntil([&] { return files("alerts") == 1; }));
  auto overdue = api("/api/v1/orders/overdue")->getArray("orders");
  ASSERT_EQ(overdue->size(), 1u);
  EXPECT_EQ(overdue->getObject(0)->getValue<std::string>("placer"), "P300");
  const std::string notice =
      testing::readFile(std::filesystem::directory_iterator(hub_.dir / "alerts")->path());
  EXPECT_NE(notice.find("\"notification\":\"order overdue\""), std::string::npos) << notice;
  EXPECT_NE(notice.find("\"placer\":\"P300\""), std::string::npos) << notice;
}

// A test the catalogue lacks: that part of the order goes to exceptions and is overdue at
// once (nobody will perform it); once the catalogue is fixed and reloaded, the operator
// re-routes the order and only that part goes, to the lab that now performs it.
TEST_F(Orders, AnUnroutableOrderIsOverdueAndGoesToItsLabOnceTheCatalogueIsFixed) {
  EXPECT_EQ(send(ordersPort_, omlOrder("ORD9", "P900", {"FBC", "NEWTEST"})), "AA");
  ASSERT_TRUE(waitUntil([&] { return files("rbh") == 1 && files("unplaced") == 1; }));
  ASSERT_TRUE(waitUntil([&] {
    auto overdue = api("/api/v1/orders/overdue")->getArray("orders");
    return overdue && overdue->size() == 1;
  }));
  auto overdue = api("/api/v1/orders/overdue")->getArray("orders");
  EXPECT_EQ(overdue->getObject(0)->getValue<std::string>("lab"), "");
  EXPECT_EQ(overdue->getObject(0)->getValue<std::string>("tests"), "NEWTEST");
  // Before the fix a re-route changes nothing and says why.
  auto early = testing::apiCall(hub_.apiPort, kAdminToken, "POST", "/api/v1/orders/P900/reroute");
  ASSERT_EQ(early.status, 200) << early.body;
  EXPECT_NE(early.body.find("tests the catalogue lacks: NEWTEST"), std::string::npos) << early.body;
  EXPECT_EQ(files("micro"), 0u);

  std::ofstream(hub_.dir / "catalogue.csv", std::ios::app) << "NEWTEST,A new test,MICRO,Urine,48\n";
  auto reloaded = testing::apiCall(hub_.apiPort, kAdminToken, "POST", "/api/v1/reload");
  ASSERT_EQ(reloaded.status, 200) << reloaded.body;
  auto rerouted =
      testing::apiCall(hub_.apiPort, kAdminToken, "POST", "/api/v1/orders/P900/reroute");
  ASSERT_EQ(rerouted.status, 200) << rerouted.body;
  EXPECT_NE(rerouted.body.find("\"destinations\":[\"micro\"]"), std::string::npos) << rerouted.body;
  ASSERT_TRUE(waitUntil([&] { return files("micro") == 1; }));
  EXPECT_EQ(files("rbh"), 1u) << "the part already at its lab is not sent again";
  const std::string sent =
      testing::readFile(std::filesystem::directory_iterator(hub_.dir / "micro")->path());
  EXPECT_NE(sent.find("NEWTEST"), std::string::npos);
  EXPECT_EQ(sent.find("FBC"), std::string::npos) << sent;
  ASSERT_TRUE(waitUntil([&] { return states("P900")["MICRO"] == "sent"; }));
  EXPECT_EQ(states("P900")[""], "rerouted");
  EXPECT_EQ(api("/api/v1/orders/overdue")->getArray("orders")->size(), 0u);
  // Nothing waits any more.
  EXPECT_EQ(
      testing::apiCall(hub_.apiPort, kAdminToken, "POST", "/api/v1/orders/P900/reroute").status,
      404);
}

}  // namespace
}  // namespace pathhub

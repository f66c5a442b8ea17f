// The web console in a real browser (issue 19; hazard H16, docs/safety/hazard-log.md): a real hub
// with real traffic, then a script in tests/browser drives Debian's chromium through it with
// playwright-core.
//  - Over HTTP (console_test.js): an order walked to final, one overdue and a result matched
//    to no order; one result delivered and one refused by its receiver. Sign-in, the overview,
//    finding the failed delivery, the message's diff and the receiver's error, a bulk replay's
//    dry run and the replay, pause and resume, the orders pages, markup in a message shown as
//    text and never run, a clinical user with no replay button whose
//    forged replay is refused, a POST without the CSRF token refused, a patient's record (a
//    correction shown as one, its earlier version, a test's trend; a hostile name as text),
//    sign-out, and axe-core's
//    accessibility rules. Screenshots of each page go to build/console-screenshots.
//  - Over TLS (console_tls_test.js): the session cookie is Secure, and the console works.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <array>
#include <fstream>

#include "api_client.h"
#include "child_process.h"
#include "corpus.h"
#include "hl7/batch.h"
#include "hl7/message.h"
#include "hl7_parse.h"
#include "hub_fixture.h"
#include "mllp/mllp_client.h"
#include "order_messages.h"
#include "role_tokens.h"
#include "test_certs.h"

namespace pathhub {
namespace {

using testing::HubFixture;
using testing::waitUntil;

const std::map<std::string, std::string>& kTokens = testing::roleTokens();

void sendAccepted(std::uint16_t port, const std::string& message) {
  mllp::Client client({"127.0.0.1", port});
  auto reply = client.exchange(message);
  ASSERT_TRUE(reply && reply->find("MSA|AA") != std::string::npos)
      << (reply ? *reply : reply.error().describe());
}

// Runs tests/browser/SCRIPT with node, the browser tools on its module path and `env` set.
testing::RunResult runBrowserScript(const std::string& script,
                                    const std::map<std::string, std::string>& env) {
  for (const auto& [name, value] : env) ::setenv(name.c_str(), value.c_str(), 1);
  ::setenv("NODE_PATH", PATHHUB_NODE_BROWSER, 1);
  return testing::runProgram("/usr/bin/node",
                             {std::string(PATHHUB_SOURCE_DIR) + "/tests/browser/" + script});
}

std::string apiUrl(const std::string& scheme, const HubFixture& hub) {
  return scheme + "://127.0.0.1:" + std::to_string(hub.apiPort);
}

TEST(ConsoleInABrowser, OperatorsFindAFailedDeliveryAndOthersCannotReplay) {
  HubFixture hub;
  hub.apiTokens = testing::roleTokenElements();
  std::string tokensJson = "{";
  for (const auto& [role, token] : kTokens) {
    tokensJson += (tokensJson.size() > 1 ? "," : "") + ("\"" + role + "\":\"" + token + "\"");
  }
  tokensJson += "}";
  // Orders come in on their own channel and go to the lab's folder; the labs' answers and
  // results come in on "lab", which tracks them against the orders.
  const std::uint16_t ordersPort = testing::freePort();
  std::ofstream(hub.dir / "catalogue.csv") << "code,name,lab,specimen,turnaroundHours\n"
                                              "FBC,Full blood count,RBH,EDTA blood,4\n"
                                              "FAST,A test due at once,RBH,Urine,0.0005\n";
  hub.hubExtras =
      "<channel name=\"orders\"><source type=\"mllp\" listen=\"127.0.0.1:" +
      std::to_string(ordersPort) + "\"/><destination name=\"rbh\" type=\"file\" directory=\"" +
      (hub.dir / "rbh").string() +
      "\" fileName=\"{id}.hl7\"/><destination name=\"unplaced\" type=\"file\" directory=\"" +
      (hub.dir / "unplaced").string() + "\"/><orders catalogue=\"" +
      (hub.dir / "catalogue.csv").string() +
      "\" exceptions=\"unplaced\"><lab name=\"RBH\" destination=\"rbh\"/></orders></channel>"
      // An alert that fires once the order P300 is overdue; its webhook reaches nobody, so
      // the notifier shows as failing.
      "<alerts checkSeconds=\"1\" retrySeconds=\"3600\"><rule name=\"orders-overdue\""
      " condition=\"orders_overdue\" severity=\"warning\"/><rota name=\"lab-it\">"
      "<recipient webhook=\"pager\"/></rota><webhook name=\"pager\" url=\"http://127.0.0.1:" +
      std::to_string(testing::freePort()) + "/hook\"/></alerts>";
  hub.channelExtras =
      "<retry baseMs=\"50\" capMs=\"200\" maxAttempts=\"3\" onExhausted=\"skip\"/>"
      "<orders matchWindowHours=\"72\"/>"
      "<mapper workers=\"1\" script=\"" +
      std::string(PATHHUB_SOURCE_DIR) + "/scripts/demo.lua\" scriptsRoot=\"" +
      std::string(PATHHUB_SOURCE_DIR) + "/scripts\"/>";
  hub.startSink();
  hub.startHub();
  ASSERT_TRUE(waitUntil([&] { return testing::accepting(ordersPort); }));

  auto orderState = [&](const std::string& placer) {
    const auto order =
        testing::apiGet(hub.apiPort, kTokens.at("admin"), "/api/v1/orders/" + placer);
    return order.status == 200 && order.json
               ? order.json->getArray("parts")->getObject(0)->getValue<std::string>("state")
               : std::string();
  };
  sendAccepted(ordersPort, testing::omlOrder("ORD1", "P100", {"FBC"}));
  ASSERT_TRUE(waitUntil([&] { return orderState("P100") == "sent"; }));
  sendAccepted(hub.sourcePort,
               "MSH|^~\\&|WINPATH|RBH|PATHHUB|NET|20261125093000||ORL^O22|L1|P|2.5\r"
               "MSA|AA|ORD1-1\rORC|OK|P100|F900\rOBR|1|P100|F900|FBC^FBC^L\r");
  ASSERT_TRUE(waitUntil([&] { return orderState("P100") == "accepted"; }));
  sendAccepted(hub.sourcePort, testing::oruResult("R1", "P100", "F900", "FBC", "F"));
  ASSERT_TRUE(waitUntil([&] { return orderState("P100") == "final"; }));
  sendAccepted(ordersPort, testing::omlOrder("ORD2", "P300", {"FAST"}));
  sendAccepted(hub.sourcePort, testing::oruResult("R2", "P999", "F999", "FBC", "F", "9990000018"));
  ASSERT_TRUE(waitUntil([&] {
    return testing::apiGet(hub.apiPort, kTokens.at("admin"), "/api/v1/orders/overdue")
               .body.find("P300") != std::string::npos;
  }));
  ASSERT_TRUE(waitUntil([&] {
    return testing::apiGet(hub.apiPort, kTokens.at("admin"), "/api/v1/alerts")
               .body.find("\"failing\":true") != std::string::npos;
  }));

  hl7::Message m = testing::parseOk(hl7::normalizeSegmentSeparators(
      testing::readCorpusFile("hl7v2/oru_r01_winpath_bone_iron_profile_v23.hl7")));
  ASSERT_TRUE(m.set("MSH-10", "DELIVERED-1"));
  sendAccepted(hub.sourcePort, m.encode());
  // A hostile result: markup and script in the patient's name and a result's text. The
  // console must show them as text.
  sendAccepted(hub.sourcePort,
               "MSH|^~\\&|LIMS|LAB|GP|A81001|20261201093000||ORU^R01|MARKUP-1|P|2.4\r"
               "PID|1||9434765919^^^NHS^NH||<img src=x onerror=\"window.pwned=1\">^JANE\r"
               "OBR|1|PM1|FM1|K^Potassium^L|||20261201090000\r"
               "OBX|1|TX|K^Potassium^L||<script>window.pwned=2</script>||||||F\r");
  // A patient in the network's record: a potassium result, then its correction.
  for (const auto& [control, value, status, issued] : std::vector<std::array<std::string, 4>>{
           {"K-1", "4.1", "F", "20261130101000"}, {"K-2", "5.9", "C", "20261201080000"}}) {
    sendAccepted(
        hub.sourcePort,
        "MSH|^~\\&|LIMS|RAJ01|GP|A81001|" + issued + "||ORU^R01|" + control +
            "|P|2.4\rPID|1||9434765935^^^NHS^NH||TAYLOR^SAM||19800101|F\r"
            "OBR|1|PK1|FK1|UE^Urea and electrolytes^WinPath|||20261130090000|||||||||||||||" +
            issued + "|||" + status + "\rOBX|1|NM|2823-3^Potassium^LN||" + value +
            "|mmol/L|3.5-5.3|" + (status == "C" ? "H" : "N") + "|||" + status + "\r");
  }
  ASSERT_TRUE(waitUntil([&] {
    const auto record = testing::apiGet(hub.apiPort, kTokens.at("admin"), "/api/v1/record");
    return record.json && record.json->getValue<int>("pendingMessages") == 0 &&
           record.json->getValue<int>("versions") >= 2;
  }));

  // + ORL, R1, R2, DELIVERED-1, K-1, K-2
  ASSERT_TRUE(waitUntil([&] { return hub.receivedCount() == 7; }));
  hub.stopSink();
  hub.startSink({"--reject-every", "1"});
  ASSERT_TRUE(m.set("MSH-10", "REFUSED-1"));
  sendAccepted(hub.sourcePort, m.encode());
  ASSERT_TRUE(waitUntil([&] {
    const auto found =
        testing::apiGet(hub.apiPort, kTokens.at("admin"), "/api/v1/messages?deliveryState=failed");
    return found.body.find("REFUSED-1") != std::string::npos;
  }));
  const auto run = runBrowserScript(
      "console_test.js",
      {{"PATHHUB_URL", apiUrl("http", hub)},
       {"PATHHUB_TOKENS", tokensJson},
       {"PATHHUB_FAILED", "REFUSED-1"},
       {"PATHHUB_MARKUP", "MARKUP-1"},
       {"PATHHUB_ORDERS", R"({"final":"P100","overdue":"P300","unmatched":"P999"})"},
       {"PATHHUB_PATIENT", "9434765935"},
       {"PATHHUB_MARKUP_PATIENT", "9434765919"},
       {"PATHHUB_SCREENSHOTS",
        (testing::programDir().parent_path() / "console-screenshots").string()}});
  EXPECT_EQ(run.exitCode, 0) << run.out << run.err;
  std::cout << run.out;
  // The clinical user's forged replay is in the audit trail as refused.
  const auto denied = testing::apiGet(hub.apiPort, kTokens.at("admin"),
                                      "/api/v1/audit?action=denied&user=clinical-user");
  EXPECT_NE(denied.body.find("/replay"), std::string::npos) << denied.body;
  EXPECT_NE(denied.body.find("no CSRF token"), std::string::npos) << denied.body;
}

TEST(ConsoleInABrowser, OverTlsTheSessionCookieIsSecure) {
  testing::TestCertificates certs;
  ASSERT_TRUE(certs.ok());
  HubFixture hub;
  hub.apiAttributes = certs.serverTlsAttributes();
  hub.apiTokens = testing::roleTokenElements({"admin"});
  hub.startHub();
  const auto run =
      runBrowserScript("console_tls_test.js", {{"PATHHUB_URL", apiUrl("https", hub)},
                                               {"PATHHUB_CERTIFICATE", certs.pem("server")},
                                               {"PATHHUB_TOKEN", kTokens.at("admin")}});
  EXPECT_EQ(run.exitCode, 0) << run.out << run.err;
  std::cout << run.out;
}

}  // namespace
}  // namespace pathhub

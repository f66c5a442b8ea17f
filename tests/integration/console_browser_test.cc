// The web console in a real browser (issue 19): a real hub with real traffic — one result
// delivered, one refused by its receiver — then tests/browser/console_test.js drives Debian's
// chromium through it with playwright-core: sign-in, the overview, finding the failed
// delivery, the message's diff and the receiver's error, a bulk replay's dry run, pause and
// resume, a clinical user with no replay button whose forged replay is refused, a POST
// without the CSRF token refused, sign-out, and axe-core's accessibility rules. Screenshots of
// each page go to build/console-screenshots.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <fstream>

#include "api_client.h"
#include "child_process.h"
#include "corpus.h"
#include "hl7/batch.h"
#include "hl7/message.h"
#include "hl7_parse.h"
#include "http/api_auth.h"
#include "hub_fixture.h"
#include "mllp/mllp_client.h"
#include "role_tokens.h"

namespace pathhub {
namespace {

using testing::HubFixture;
using testing::waitUntil;

const std::map<std::string, std::string>& kTokens = testing::roleTokens();

TEST(ConsoleInABrowser, OperatorsFindAFailedDeliveryAndOthersCannotReplay) {
  HubFixture hub;
  hub.apiTokens = testing::roleTokenElements();
  std::string tokensJson = "{";
  for (const auto& [role, token] : kTokens) {
    tokensJson += (tokensJson.size() > 1 ? "," : "") + ("\"" + role + "\":\"" + token + "\"");
  }
  tokensJson += "}";
  hub.channelExtras =
      "<retry baseMs=\"50\" capMs=\"200\" maxAttempts=\"3\" onExhausted=\"skip\"/>"
      "<mapper workers=\"1\" script=\"" +
      std::string(PATHHUB_SOURCE_DIR) + "/scripts/demo.lua\" scriptsRoot=\"" +
      std::string(PATHHUB_SOURCE_DIR) + "/scripts\"/>";
  hub.startSink();
  hub.startHub();
  hl7::Message m = testing::parseOk(hl7::normalizeSegmentSeparators(
      testing::readCorpusFile("hl7v2/oru_r01_winpath_bone_iron_profile_v23.hl7")));
  auto send = [&](const std::string& id) {
    ASSERT_TRUE(m.set("MSH-10", id));
    mllp::Client client({"127.0.0.1", hub.sourcePort});
    auto reply = client.exchange(m.encode());
    ASSERT_TRUE(reply && reply->find("MSA|AA") != std::string::npos);
  };
  send("DELIVERED-1");
  ASSERT_TRUE(waitUntil([&] { return hub.receivedCount() == 1; }));
  hub.stopSink();
  hub.startSink({"--reject-every", "1"});
  send("REFUSED-1");
  ASSERT_TRUE(waitUntil([&] {
    const auto found =
        testing::apiGet(hub.apiPort, kTokens.at("admin"), "/api/v1/messages?deliveryState=failed");
    return found.body.find("REFUSED-1") != std::string::npos;
  }));

  const auto shots = testing::programDir().parent_path() / "console-screenshots";
  ::setenv("PATHHUB_URL", ("http://127.0.0.1:" + std::to_string(hub.apiPort)).c_str(), 1);
  ::setenv("PATHHUB_TOKENS", tokensJson.c_str(), 1);
  ::setenv("PATHHUB_FAILED", "REFUSED-1", 1);
  ::setenv("PATHHUB_SCREENSHOTS", shots.c_str(), 1);
  ::setenv("NODE_PATH", PATHHUB_NODE_BROWSER, 1);
  const auto run = testing::runProgram(
      "/usr/bin/node", {std::string(PATHHUB_SOURCE_DIR) + "/tests/browser/console_test.js"});
  EXPECT_EQ(run.exitCode, 0) << run.out << run.err;
  std::cout << run.out;
  // The clinical user's forged replay is in the audit trail as refused.
  const auto denied = testing::apiGet(hub.apiPort, kTokens.at("admin"),
                                      "/api/v1/audit?action=denied&user=clinical-user");
  EXPECT_NE(denied.body.find("/replay"), std::string::npos) << denied.body;
  EXPECT_NE(denied.body.find("no CSRF token"), std::string::npos) << denied.body;
}

}  // namespace
}  // namespace pathhub

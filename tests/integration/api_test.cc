// The operations API over real HTTP against the real pathhub daemon: health and readiness,
// every endpoint, paging, each role's denials, audit rows for views and replays, metrics that
// move as messages flow, channel pause/resume/restart, and pathhubctl driving it all.
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/StreamCopier.h>
#include <gtest/gtest.h>
#include <signal.h>

#include <fstream>
#include <regex>

#include "api_client.h"
#include "child_process.h"
#include "corpus.h"
#include "hl7/batch.h"
#include "hl7/message.h"
#include "hl7_parse.h"
#include "http/api_auth.h"
#include "hub_fixture.h"
#include "mllp/mllp_client.h"
#include "raw_peer.h"
#include "role_tokens.h"
#include "test_certs.h"

namespace pathhub {
namespace {

using Poco::JSON::Object;
using testing::HubFixture;
using testing::runProgram;
using testing::waitUntil;

// One token per role; the configuration holds only their hashes.
const std::map<std::string, std::string>& kTokens = testing::roleTokens();

// The channel maps with a script of this text, written to the hub's folder, under the extra
// <mapper> attributes given.
void mapWith(HubFixture& hub, const std::string& text, const std::string& mapperAttributes = "") {
  const auto script = hub.dir / "map.lua";
  std::ofstream(script) << text;
  hub.channelExtras +=
      "<mapper workers=\"1\" " + mapperAttributes + " script=\"" + script.string() + "\"/>";
}

// The WinPath sample, once per control id, over one connection; each must be ACKed AA.
void sendEach(HubFixture& hub, const std::vector<std::string>& controlIds) {
  mllp::Client client({"127.0.0.1", hub.sourcePort});
  hl7::Message m = testing::parseOk(hl7::normalizeSegmentSeparators(
      testing::readCorpusFile("hl7v2/oru_r01_winpath_bone_iron_profile_v23.hl7")));
  for (const auto& id : controlIds) {
    ASSERT_TRUE(m.set("MSH-10", id));
    auto reply = client.exchange(m.encode());
    ASSERT_TRUE(reply) << reply.error().describe();
    EXPECT_NE(reply->find("MSA|AA"), std::string::npos) << *reply;
  }
}

struct Answer {
  int status = 0;
  std::string body;
  std::string authenticate;  // WWW-Authenticate
  std::string setCookie;
  std::string securityPolicy;  // Content-Security-Policy
  Object::Ptr json;
};

class ApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    hub_.apiTokens = testing::roleTokenElements();
    hub_.channelExtras =
        "<retry baseMs=\"50\" capMs=\"200\" maxAttempts=\"1000000\"/>"
        "<mapper workers=\"1\" script=\"" +
        std::string(PATHHUB_SOURCE_DIR) + "/scripts/demo.lua\" scriptsRoot=\"" +
        std::string(PATHHUB_SOURCE_DIR) + "/scripts\"/>";
    hub_.startSink();
    hub_.startHub();
    ASSERT_TRUE(waitUntil([this] { return call("GET", "/ready").status == 200; }));
  }

  Answer call(const std::string& method, const std::string& target, const std::string& role = "",
              const std::string& body = "",
              const std::map<std::string, std::string>& headers = {}) {
    Answer a;
    try {
      Poco::Net::HTTPClientSession session("127.0.0.1", hub_.apiPort);
      session.setTimeout(Poco::Timespan(30, 0));
      Poco::Net::HTTPRequest request(method, target, Poco::Net::HTTPMessage::HTTP_1_1);
      if (!role.empty()) request.set("Authorization", "Bearer " + kTokens.at(role));
      for (const auto& [name, value] : headers) request.set(name, value);
      request.setContentLength(static_cast<std::streamsize>(body.size()));
      session.sendRequest(request) << body;
      Poco::Net::HTTPResponse response;
      std::istream& in = session.receiveResponse(response);
      Poco::StreamCopier::copyToString(in, a.body);
      a.status = static_cast<int>(response.getStatus());
      a.authenticate = response.get("WWW-Authenticate", "");
      a.setCookie = response.get("Set-Cookie", "");
      a.securityPolicy = response.get("Content-Security-Policy", "");
      if (response.getContentType() == "application/json") {
        Poco::JSON::Parser parser;
        a.json = parser.parse(a.body).extract<Object::Ptr>();
      }
    } catch (const Poco::Exception& e) {
      a.body = e.displayText();
    }
    return a;
  }

  // Sends a copy of the WinPath sample with this control id; returns MSA-1.
  std::string send(const std::string& controlId) {
    hl7::Message m = testing::parseOk(hl7::normalizeSegmentSeparators(
        testing::readCorpusFile("hl7v2/oru_r01_winpath_bone_iron_profile_v23.hl7")));
    EXPECT_TRUE(m.set("MSH-10", controlId));
    mllp::Client client({"127.0.0.1", hub_.sourcePort});
    auto reply = client.exchange(m.encode());
    if (!reply) return reply.error().describe();
    auto ack = hl7::Message::parse(*reply);
    return ack ? *ack->get("MSA-1") : "unparseable";
  }

  std::vector<std::int64_t> messageIds(const Answer& a) {
    std::vector<std::int64_t> out;
    auto list = a.json->getArray("messages");
    for (std::size_t i = 0; i < list->size(); ++i) {
      out.push_back(list->getObject(static_cast<unsigned>(i))->getValue<std::int64_t>("id"));
    }
    return out;
  }

  // Audit rows with this action (newest first), as "user target".
  std::vector<std::string> audited(const std::string& action) {
    Answer a = call("GET", "/api/v1/audit?limit=500&action=" + action, "admin");
    EXPECT_EQ(a.status, 200) << a.body;
    std::vector<std::string> out;
    auto list = a.json->getArray("entries");
    for (std::size_t i = 0; list && i < list->size(); ++i) {
      auto e = list->getObject(static_cast<unsigned>(i));
      out.push_back(e->getValue<std::string>("user") + " " + e->getValue<std::string>("target"));
    }
    return out;
  }

  // The value of one sample line of /metrics ("name{labels}"), -1 when absent.
  double metric(const std::string& series) {
    Answer a = call("GET", "/metrics", "viewer");
    std::istringstream lines(a.body);
    for (std::string line; std::getline(lines, line);) {
      if (line.rfind(series + " ", 0) == 0) return std::stod(line.substr(series.size() + 1));
    }
    return -1;
  }

  HubFixture hub_;
};

TEST_F(ApiTest, HealthAndReadyAreOpenAndEverythingElseNeedsAToken) {
  Answer health = call("GET", "/health");
  EXPECT_EQ(health.status, 200);
  EXPECT_EQ(health.json->getValue<std::string>("status"), "alive");
  Answer ready = call("GET", "/ready");
  EXPECT_EQ(ready.status, 200);
  EXPECT_EQ(ready.json->getValue<std::string>("journal"), "open");
  for (const char* path : {"/api/v1/status", "/api/v1/channels", "/api/v1/messages",
                           "/api/v1/messages/1", "/api/v1/audit", "/metrics"}) {
    Answer a = call("GET", path);
    EXPECT_EQ(a.status, 401) << path;
    EXPECT_EQ(a.authenticate.rfind("Bearer", 0), 0u) << path;
    EXPECT_EQ(a.json->getObject("error")->getValue<std::string>("code"), "unauthorized");
  }
  // A wrong token is no token.
  Poco::Net::HTTPClientSession session("127.0.0.1", hub_.apiPort);
  Poco::Net::HTTPRequest request("GET", "/api/v1/status", Poco::Net::HTTPMessage::HTTP_1_1);
  request.set("Authorization", "Bearer " + http::sha256Hex(kTokens.at("admin")));
  session.sendRequest(request);
  Poco::Net::HTTPResponse response;
  session.receiveResponse(response);
  EXPECT_EQ(response.getStatus(), 401);

  Answer status = call("GET", "/api/v1/status", "viewer");
  ASSERT_EQ(status.status, 200) << status.body;
  EXPECT_EQ(status.json->getValue<std::string>("status"), "ready");
  EXPECT_EQ(status.json->getObject("caller")->getValue<std::string>("name"), "viewer-user");
  EXPECT_EQ(call("GET", "/api/v1/nowhere", "admin").status, 404);
  EXPECT_EQ(call("DELETE", "/api/v1/audit", "admin").status, 405);
}

TEST_F(ApiTest, EachRoleIsDeniedWhatItMayNotDo) {
  // Targets that do not exist, so a role that is allowed gets 404 and changes nothing.
  struct Case {
    std::string method, path, least;
  };
  const std::vector<Case> cases = {
      {"GET", "/api/v1/status", "viewer"},
      {"GET", "/api/v1/channels", "viewer"},
      {"GET", "/api/v1/channels/none", "viewer"},
      {"GET", "/metrics", "viewer"},
      {"GET", "/api/v1/messages", "clinical"},
      {"GET", "/api/v1/messages/999999", "clinical"},
      {"POST", "/api/v1/messages/999999/replay", "operator"},
      {"POST", "/api/v1/messages/replay?channel=none", "operator"},
      {"POST", "/api/v1/channels/none/pause", "operator"},
      {"POST", "/api/v1/channels/none/resume", "operator"},
      {"POST", "/api/v1/channels/none/restart", "operator"},
      {"GET", "/api/v1/audit", "admin"},
  };
  const std::vector<std::string> order = {"viewer", "clinical", "operator", "admin"};
  int denials = 0;
  for (const Case& c : cases) {
    const auto least = std::find(order.begin(), order.end(), c.least) - order.begin();
    for (std::size_t r = 0; r < order.size(); ++r) {
      Answer a = call(c.method, c.path, order[r]);
      if (static_cast<long>(r) < least) {
        EXPECT_EQ(a.status, 403) << order[r] << " " << c.method << " " << c.path;
        EXPECT_EQ(a.json->getObject("error")->getValue<std::string>("code"), "forbidden");
        ++denials;
      } else {
        EXPECT_NE(a.status, 403) << order[r] << " " << c.method << " " << c.path << a.body;
        EXPECT_NE(a.status, 401);
      }
    }
  }
  // Every denial is in the audit trail, naming who tried what.
  const auto denied = audited("denied");
  EXPECT_EQ(static_cast<int>(denied.size()), denials);
  EXPECT_NE(std::find(denied.begin(), denied.end(), "viewer-user GET /api/v1/messages"),
            denied.end());
}

TEST_F(ApiTest, SearchPagesFiltersAndEveryViewIsAudited) {
  for (int i = 0; i < 5; ++i) ASSERT_EQ(send("API-" + std::to_string(i)), "AA");
  ASSERT_TRUE(waitUntil([this] { return hub_.receivedCount() >= 5; }));
  std::vector<std::int64_t> all;
  std::string target = "/api/v1/messages?channel=lab&limit=2";
  for (int pages = 0; pages < 10; ++pages) {
    Answer page = call("GET", target, "clinical");
    ASSERT_EQ(page.status, 200) << page.body;
    auto ids = messageIds(page);
    all.insert(all.end(), ids.begin(), ids.end());
    if (page.json->isNull("nextBefore")) break;
    target =
        "/api/v1/messages?channel=lab&limit=2&before=" + page.json->get("nextBefore").toString();
  }
  ASSERT_EQ(all.size(), 5u);
  EXPECT_TRUE(std::is_sorted(all.rbegin(), all.rend()));
  // The count is of every match, whatever the page (the console shows it).
  Answer counted = call(
      "GET", "/api/v1/messages?channel=lab&limit=2&count=true&before=" + std::to_string(all[1]),
      "clinical");
  EXPECT_EQ(counted.json->getValue<int>("total"), 5);
  EXPECT_FALSE(counted.json->getValue<bool>("totalIsAtLeast"));
  EXPECT_EQ(messageIds(counted).size(), 2u);
  EXPECT_FALSE(call("GET", "/api/v1/messages?limit=2", "clinical").json->has("total"));

  Answer one = call("GET", "/api/v1/messages?controlId=API-3&messageType=ORU", "clinical");
  ASSERT_EQ(messageIds(one).size(), 1u);
  const std::int64_t id = messageIds(one)[0];
  EXPECT_TRUE(messageIds(call("GET", "/api/v1/messages?messageType=ADT", "clinical")).empty());
  // A LIKE wildcard asked for is a character, not "every type" (issue 18, item 10).
  EXPECT_TRUE(messageIds(call("GET", "/api/v1/messages?messageType=%25", "clinical")).empty());
  EXPECT_TRUE(messageIds(call("GET", "/api/v1/messages?messageType=O_U", "clinical")).empty());
  EXPECT_EQ(messageIds(call("GET", "/api/v1/messages?text=API-4", "clinical")).size(), 1u);

  Answer bad = call("GET", "/api/v1/messages?limit=9999", "clinical");
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(bad.json->getObject("error")->getValue<std::string>("parameter"), "limit");
  bad = call("GET", "/api/v1/messages?from=last-week", "clinical");
  EXPECT_EQ(bad.json->getObject("error")->getValue<std::string>("parameter"), "from");
  bad = call("GET", "/api/v1/messages?chanel=lab", "clinical");
  EXPECT_EQ(bad.json->getObject("error")->getValue<std::string>("parameter"), "chanel");

  ASSERT_TRUE(waitUntil([&] {
    Answer m = call("GET", "/api/v1/messages/" + std::to_string(id), "clinical");
    return m.json && m.json->getArray("deliveries")->size() == 1 &&
           m.json->getArray("deliveries")->getObject(0)->getValue<std::string>("state") ==
               "delivered";
  }));
  Answer shown = call("GET", "/api/v1/messages/" + std::to_string(id), "clinical");
  ASSERT_EQ(shown.status, 200);
  const Object::Ptr& m = shown.json;
  EXPECT_EQ(m->getValue<std::string>("controlId"), "API-3");
  EXPECT_EQ(m->getValue<std::string>("raw").rfind("MSH|", 0), 0u);
  EXPECT_TRUE(m->getObject("tree")->has("segments")) << shown.body.substr(0, 300);
  auto delivery = m->getArray("deliveries")->getObject(0);
  EXPECT_EQ(delivery->getValue<std::string>("destination"), "gp");
  EXPECT_NE(delivery->getValue<std::string>("response").find("MSA|AA"), std::string::npos);
  EXPECT_GE(m->getArray("history")->size(), 3u);
  ASSERT_EQ(m->getArray("scriptLog")->size(), 1u);  // demo.lua logs one line per result
  EXPECT_NE(m->getArray("scriptLog")->get(0).toString().find("API-3"), std::string::npos);
  EXPECT_EQ(call("GET", "/api/v1/messages/999999", "clinical").status, 404);
  EXPECT_EQ(call("GET", "/api/v1/messages/abc", "clinical").status, 400);

  // Searches and views, each with who and what.
  const auto views = audited("view_message");
  EXPECT_NE(std::find(views.begin(), views.end(), "clinical-user " + std::to_string(id)),
            views.end());
  EXPECT_GE(audited("search_messages").size(), 6u);
  Answer trail = call("GET", "/api/v1/audit?limit=1", "admin");
  auto entry = trail.json->getArray("entries")->getObject(0);
  EXPECT_EQ(entry->getValue<std::string>("peer").rfind("127.0.0.1:", 0), 0u);
}

TEST_F(ApiTest, ReplayRedeliversToTheNamedDestinationsAndIsAudited) {
  ASSERT_EQ(send("RP-1"), "AA");
  ASSERT_EQ(send("RP-2"), "AA");
  ASSERT_TRUE(waitUntil([this] { return hub_.receivedCount() >= 2; }));
  const std::int64_t id = messageIds(call("GET", "/api/v1/messages?controlId=RP-1", "clinical"))[0];
  const std::string replay = "/api/v1/messages/" + std::to_string(id) + "/replay";

  Answer bad = call("POST", replay, "operator", R"({"destinations": ["nowhere"]})");
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(bad.json->getObject("error")->getValue<std::string>("parameter"), "destinations");
  EXPECT_EQ(call("POST", replay, "operator", "{broken").status, 400);

  for (const char* body : {R"({"destinations": [null]})", R"({"destinations": [1]})",
                           R"({"destinations": [["gp"]]})"}) {
    Answer odd = call("POST", replay, "operator", body);
    EXPECT_EQ(odd.status, 400) << body << ": " << odd.body;
  }
  Answer done = call("POST", replay, "operator", R"({"destinations": ["gp"]})");
  ASSERT_EQ(done.status, 200) << done.body;
  EXPECT_EQ(done.json->getValue<int>("deliveries"), 1);
  ASSERT_TRUE(waitUntil([this] { return hub_.receivedCount() >= 3; }));
  EXPECT_EQ(hub_.received().back(), "RP-1");

  Answer matching = call("POST", "/api/v1/messages/replay?channel=lab&controlId=RP-2", "operator");
  ASSERT_EQ(matching.status, 200) << matching.body;
  EXPECT_EQ(matching.json->getValue<int>("replayed"), 1);
  ASSERT_TRUE(waitUntil([this] { return hub_.receivedCount() >= 4; }));
  EXPECT_EQ(hub_.received().back(), "RP-2");
  Answer unfiltered = call("POST", "/api/v1/messages/replay", "operator");
  EXPECT_EQ(unfiltered.status, 400);

  EXPECT_EQ(audited("replay_message").front(), "operator-user " + std::to_string(id));
  EXPECT_EQ(audited("replay_matching").front(), "operator-user lab");
  // The replay is in the message's own history too.
  Answer shown = call("GET", "/api/v1/messages/" + std::to_string(id), "clinical");
  EXPECT_NE(shown.body.find("\"replayed\""), std::string::npos);
}

// Issue 24, the GP-side rule: an acknowledgement (an NHSACK the hub writes for a GP system is
// an HL7 v2 ACK before its codec) is never sent again by a replay, one or by filter, unless an
// operator asks for exactly that.
TEST_F(ApiTest, AReplayDoesNotSendAnAcknowledgementAgainUnlessAskedTo) {
  mllp::ClientOptions quick;
  quick.replyTimeout = std::chrono::milliseconds(500);  // an ACK is not itself acknowledged
  mllp::Client client({"127.0.0.1", hub_.sourcePort}, quick);
  (void)client.exchange(
      "MSH|^~\\&|GPSYS|A81001|LAB|RVJ|20261203120000||ACK^R01|ACK-1|P|2.4\rMSA|AA|RES-9\r");
  ASSERT_TRUE(waitUntil([this] { return hub_.receivedCount() >= 1; }));
  const std::int64_t id =
      messageIds(call("GET", "/api/v1/messages?controlId=ACK-1", "clinical")).at(0);
  const std::string replay = "/api/v1/messages/" + std::to_string(id) + "/replay";

  Answer refused = call("POST", replay, "operator");
  EXPECT_EQ(refused.status, 409) << refused.body;
  EXPECT_NE(refused.body.find("is an acknowledgement: a replay does not send an answer again"),
            std::string::npos)
      << refused.body;
  Answer plan =
      call("POST", "/api/v1/messages/replay?channel=lab&controlId=ACK-1&dryRun=true", "operator");
  ASSERT_EQ(plan.status, 200) << plan.body;
  EXPECT_EQ(plan.json->getValue<int>("messages"), 0);
  EXPECT_EQ(plan.json->getValue<int>("acknowledgementsNotResent"), 1);
  Answer bulk = call("POST", "/api/v1/messages/replay?channel=lab&controlId=ACK-1", "operator");
  ASSERT_EQ(bulk.status, 200) << bulk.body;
  EXPECT_EQ(bulk.json->getValue<int>("replayed"), 0);
  EXPECT_EQ(bulk.json->getValue<int>("skippedCount"), 1);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_EQ(hub_.receivedCount(), 1) << "nothing sent again";

  // pathhubctl says why, and sends nothing.
  const auto tokenFile = hub_.dir / "operator.token";
  std::ofstream(tokenFile) << kTokens.at("operator") << "\n";
  auto ctl = [&](std::vector<std::string> args) {
    std::vector<std::string> all = {
        "--url",        "http://127.0.0.1:" + std::to_string(hub_.apiPort),
        "--token-file", tokenFile.string(),
        "replay",       std::to_string(id)};
    all.insert(all.end(), args.begin(), args.end());
    return runProgram("pathhubctl", all);
  };
  auto declined = ctl({});
  EXPECT_EQ(declined.exitCode, 1);
  EXPECT_NE(declined.err.find("is an acknowledgement"), std::string::npos) << declined.err;
  EXPECT_EQ(hub_.receivedCount(), 1) << "nothing sent again";

  // Asked for in so many words: sent again, and the audit says so.
  auto asked = ctl({"--resend-acknowledgements"});
  ASSERT_EQ(asked.exitCode, 0) << asked.err;
  EXPECT_NE(asked.out.find("1 new deliveries"), std::string::npos) << asked.out;
  ASSERT_TRUE(waitUntil([this] { return hub_.receivedCount() >= 2; }));
  EXPECT_EQ(hub_.received().back(), "ACK-1");
  Answer audit = call("GET", "/api/v1/audit?action=replay_message", "admin");
  EXPECT_NE(audit.body.find("an acknowledgement, sent again as asked"), std::string::npos)
      << audit.body;
}

TEST_F(ApiTest, MetricsAndChannelFiguresMoveAsMessagesFlow) {
  EXPECT_EQ(metric("pathhub_messages_received_total{channel=\"lab\"}"), 0);
  for (int i = 0; i < 3; ++i) ASSERT_EQ(send("MX-" + std::to_string(i)), "AA");
  ASSERT_TRUE(waitUntil([this] {
    return metric("pathhub_deliveries_total{channel=\"lab\",destination=\"gp\"}") == 3;
  }));
  EXPECT_EQ(metric("pathhub_messages_received_total{channel=\"lab\"}"), 3);
  EXPECT_EQ(metric("pathhub_messages_mapped_total{channel=\"lab\"}"), 3);
  EXPECT_EQ(metric("pathhub_end_to_end_seconds_count{channel=\"lab\",destination=\"gp\"}"), 3);
  EXPECT_EQ(metric("pathhub_script_duration_seconds_count{channel=\"lab\"}"), 3);
  EXPECT_GE(metric("pathhub_journal_commit_seconds_count"), 3);
  EXPECT_EQ(metric("pathhub_channel_up{channel=\"lab\",state=\"running\"}"), 1);
  ASSERT_EQ(send("MX-0"), "AA");  // the resend
  EXPECT_EQ(metric("pathhub_messages_duplicate_total{channel=\"lab\"}"), 1);

  // The receiver goes down: the backlog grows and the last error says why.
  hub_.stopSink();
  for (int i = 3; i < 5; ++i) ASSERT_EQ(send("MX-" + std::to_string(i)), "AA");
  ASSERT_TRUE(waitUntil([this] {
    return metric("pathhub_backlog_messages{channel=\"lab\",destination=\"gp\"}") == 2 &&
           metric("pathhub_delivery_attempts_failed_total{channel=\"lab\",destination=\"gp\"}") > 0;
  }));
  Answer channels = call("GET", "/api/v1/channels", "viewer");
  auto lab = channels.json->getArray("channels")->getObject(0);
  EXPECT_EQ(lab->getValue<std::string>("state"), "running");
  EXPECT_EQ(lab->getValue<int>("received"), 5);
  auto gp = lab->getArray("destinations")->getObject(0);
  EXPECT_EQ(gp->getValue<int>("backlog"), 2);
  EXPECT_FALSE(gp->getValue<std::string>("oldestUndeliveredAt").empty());
  EXPECT_EQ(gp->getValue<int>("delivered"), 3);
  EXPECT_FALSE(gp->getObject("lastError")->getValue<std::string>("message").empty());
  Answer detail = call("GET", "/api/v1/channels/lab", "viewer");
  EXPECT_EQ(detail.json->getObject("mappingLatency")->getValue<int>("count"), 5);

  hub_.startSink();
  ASSERT_TRUE(waitUntil([this] {
    return metric("pathhub_backlog_messages{channel=\"lab\",destination=\"gp\"}") == 0;
  }));
}

TEST_F(ApiTest, OperatorsPauseResumeAndRestartAChannel) {
  Answer paused = call("POST", "/api/v1/channels/lab/pause", "operator");
  ASSERT_EQ(paused.status, 200) << paused.body;
  EXPECT_EQ(paused.json->getValue<std::string>("state"), "paused");
  EXPECT_FALSE(testing::accepting(hub_.sourcePort));
  EXPECT_EQ(metric("pathhub_channel_up{channel=\"lab\",state=\"paused\"}"), 1);
  Answer resumed = call("POST", "/api/v1/channels/lab/resume", "operator");
  EXPECT_EQ(resumed.json->getValue<std::string>("state"), "running");
  ASSERT_TRUE(waitUntil([this] { return testing::accepting(hub_.sourcePort); }));
  ASSERT_EQ(send("PR-1"), "AA");
  Answer restarted = call("POST", "/api/v1/channels/lab/restart", "operator");
  ASSERT_EQ(restarted.status, 200) << restarted.body;
  EXPECT_EQ(restarted.json->getValue<std::string>("state"), "running");
  // Counts are kept across the restart.
  EXPECT_EQ(restarted.json->getValue<int>("received"), 1);
  ASSERT_TRUE(waitUntil([this] { return testing::accepting(hub_.sourcePort); }));
  ASSERT_EQ(send("PR-2"), "AA");
  ASSERT_TRUE(waitUntil([this] { return hub_.receivedCount() >= 2; }));
  const auto actions = audited("pause_channel");
  EXPECT_EQ(actions, (std::vector<std::string>{"operator-user lab"}));
  EXPECT_EQ(audited("restart_channel").size(), 1u);
  EXPECT_EQ(call("POST", "/api/v1/channels/none/pause", "operator").status, 404);
}

TEST_F(ApiTest, PathhubctlDrivesTheApi) {
  ASSERT_EQ(send("CTL-1"), "AA");
  ASSERT_TRUE(waitUntil([this] { return hub_.receivedCount() >= 1; }));
  const auto tokenFile = hub_.dir / "operator.token";
  std::ofstream(tokenFile) << kTokens.at("operator") << "\n";
  auto ctl = [&](std::vector<std::string> args) {
    std::vector<std::string> all = {"--url", "http://127.0.0.1:" + std::to_string(hub_.apiPort),
                                    "--token-file", tokenFile.string()};
    all.insert(all.end(), args.begin(), args.end());
    return runProgram("pathhubctl", all);
  };
  auto status = ctl({"status"});
  EXPECT_EQ(status.exitCode, 0) << status.err;
  EXPECT_NE(status.out.find("operator-user (operator)"), std::string::npos) << status.out;
  auto channels = ctl({"channels"});
  EXPECT_TRUE(std::regex_search(channels.out, std::regex(R"(lab\s+running\s+1\s+0\s+gp\s+0\s+1)")))
      << channels.out;
  auto messages = ctl({"messages", "--control-id", "CTL-1"});
  EXPECT_EQ(messages.exitCode, 0) << messages.err;
  std::smatch idMatch;
  ASSERT_TRUE(std::regex_search(messages.out, idMatch, std::regex(R"(\n(\d+)\s+\S+\s+lab\s+ORU)")))
      << messages.out;
  const std::string id = idMatch[1];
  auto shown = ctl({"show", id});
  EXPECT_NE(shown.out.find("controlId: CTL-1"), std::string::npos) << shown.out;
  EXPECT_NE(shown.out.find("gp           delivered"), std::string::npos) << shown.out;
  auto json = ctl({"--json", "show", id});
  ASSERT_EQ(json.exitCode, 0);
  Poco::JSON::Parser parser;
  EXPECT_EQ(parser.parse(json.out).extract<Object::Ptr>()->getValue<std::string>("controlId"),
            "CTL-1");
  auto replay = ctl({"replay", id, "--replay-to", "gp"});
  EXPECT_EQ(replay.exitCode, 0) << replay.err;
  EXPECT_NE(replay.out.find("1 new deliveries"), std::string::npos) << replay.out;
  // Messages by their deliveries' state and destination (issue 17, item 4).
  auto delivered = ctl({"messages", "--delivery-state", "delivered", "--destination", "gp"});
  EXPECT_NE(delivered.out.find("CTL-1"), std::string::npos) << delivered.out << delivered.err;
  auto none = ctl({"messages", "--delivery-state", "failed", "--destination", "gp"});
  EXPECT_EQ(none.out.find("CTL-1"), std::string::npos) << none.out;
  // --to is the time filter, never a destination (issue 17, item 3); --dry-run changes nothing.
  auto plan = ctl({"replay", "--filter", "--channel", "lab", "--to", "2099-01-01", "--dry-run"});
  EXPECT_EQ(plan.exitCode, 0) << plan.err;
  EXPECT_NE(plan.out.find("would replay 1 message(s): gp 1"), std::string::npos) << plan.out;
  ASSERT_TRUE(waitUntil([this] { return hub_.receivedCount() >= 2; }));
  auto pause = ctl({"pause", "lab"});
  EXPECT_NE(pause.out.find("channel lab: paused"), std::string::npos) << pause.out << pause.err;
  EXPECT_NE(ctl({"resume", "lab"}).out.find("running"), std::string::npos);
  // An operator may not read the audit trail: the refusal is printed and the exit status 1.
  auto audit = ctl({"audit"});
  EXPECT_EQ(audit.exitCode, 1);
  EXPECT_NE(audit.err.find("403"), std::string::npos) << audit.err;
  EXPECT_EQ(ctl({"messages", "--nope", "x"}).exitCode, 2);
  auto unreachable = runProgram("pathhubctl", {"--url", "http://127.0.0.1:1", "status"});
  EXPECT_EQ(unreachable.exitCode, 2);
  auto hashed = runProgram("pathhubctl", {"hash-token"}, kTokens.at("admin") + "\n");
  EXPECT_EQ(hashed.out, http::sha256Hex(kTokens.at("admin")) + "\n");
}

// SQLite's integrity_check on demand, for admins, audited (issue 18, item 12).
// Issue 18, items 6 and 7: connections that never finish their request head, from one
// address, hold at most 16 of the API's 32 threads — the rest are answered 503 at once — so
// /health still answers; a POST that announces no length has no body (RFC 9112) and is
// answered at once, not after a socket timeout.
TEST_F(ApiTest, SlowOrCrowdingPeersCannotKeepTheApiFromAnswering) {
  std::vector<std::unique_ptr<testing::RawPeer>> slow;
  for (int i = 0; i < 20; ++i) {
    slow.push_back(std::make_unique<testing::RawPeer>("127.0.0.2", hub_.apiPort));
    ASSERT_TRUE(slow.back()->connected());
    ASSERT_TRUE(slow.back()->send("GET /health HTTP/1.1\r\nHost: x\r\n"));  // never the end
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  const auto asked = std::chrono::steady_clock::now();
  const auto health = testing::apiGet(hub_.apiPort, "", "/health");
  EXPECT_EQ(health.status, 200) << health.body;
  EXPECT_LT(std::chrono::steady_clock::now() - asked, std::chrono::seconds(2));
  int refused = 0;
  for (auto& peer : slow) {
    const std::string got = peer->read(std::chrono::milliseconds(200));
    if (got.rfind("HTTP/1.1 503", 0) == 0) {
      EXPECT_NE(got.find("\"code\":\"too_many_connections\""), std::string::npos) << got;
      EXPECT_TRUE(peer->read(std::chrono::seconds(2)).empty() && peer->closedByServer());
      ++refused;
    }
  }
  EXPECT_EQ(refused, 4);

  testing::RawPeer post("127.0.0.1", hub_.apiPort);
  ASSERT_TRUE(
      post.send("POST /api/v1/reload HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                "Authorization: Bearer " +
                kTokens.at("admin") + "\r\n\r\n"));
  const auto posted = std::chrono::steady_clock::now();
  const std::string answer = post.read(std::chrono::seconds(3));
  EXPECT_EQ(answer.rfind("HTTP/1.1 200", 0), 0u) << answer;
  EXPECT_NE(answer.find("\"applied\""), std::string::npos) << answer;  // the reload's report
  EXPECT_LT(std::chrono::steady_clock::now() - posted, std::chrono::seconds(2));
}

// Issue 19: the console signs in with a token once and then holds only a session cookie
// (HttpOnly, SameSite=Strict); a change made with the cookie needs the session's CSRF token;
// signing out ends the session; signing in and out, and a change refused, are audited.
TEST_F(ApiTest, TheConsoleSignsInWithATokenAndItsChangesNeedTheCsrfToken) {
  EXPECT_EQ(call("POST", "/api/v1/session", "", R"({"token": "not-a-token"})").status, 401);
  Answer in =
      call("POST", "/api/v1/session", "", R"({"token": ")" + kTokens.at("operator") + R"("})");
  ASSERT_EQ(in.status, 200) << in.body;
  EXPECT_EQ(in.json->getValue<std::string>("role"), "operator");
  EXPECT_EQ(in.json->getValue<std::string>("name"), "operator-user");
  const std::string csrf = in.json->getValue<std::string>("csrf");
  EXPECT_EQ(csrf.size(), 64u);
  const std::regex cookieShape(
      "pathhub_session=([0-9a-f]{64}); Path=/; HttpOnly; "
      "SameSite=Strict; Max-Age=28800");
  std::smatch cookie;
  ASSERT_TRUE(std::regex_match(in.setCookie, cookie, cookieShape)) << in.setCookie;
  const std::map<std::string, std::string> session{
      {"Cookie", "theme=dark; pathhub_session=" + cookie[1].str()}};
  auto withCsrf = session;
  withCsrf["X-CSRF-Token"] = csrf;

  EXPECT_EQ(call("GET", "/api/v1/channels", "", "", session).status, 200);
  Answer who = call("GET", "/api/v1/session", "", "", session);
  EXPECT_EQ(who.status, 200);
  EXPECT_EQ(who.json->getValue<std::string>("csrf"), csrf);
  Answer forged = call("POST", "/api/v1/channels/lab/pause", "", "", session);
  EXPECT_EQ(forged.status, 403) << forged.body;
  EXPECT_EQ(forged.json->getObject("error")->getValue<std::string>("code"), "csrf");
  auto wrong = session;
  wrong["X-CSRF-Token"] = std::string(64, '0');
  EXPECT_EQ(call("POST", "/api/v1/channels/lab/pause", "", "", wrong).status, 403);
  EXPECT_EQ(call("POST", "/api/v1/channels/lab/pause", "", "", withCsrf).status, 200);
  EXPECT_EQ(call("POST", "/api/v1/channels/lab/resume", "", "", withCsrf).status, 200);
  // The role is the token's: an operator's session may not read the audit trail.
  EXPECT_EQ(call("GET", "/api/v1/audit", "", "", session).status, 403);

  Answer out = call("DELETE", "/api/v1/session", "", "", withCsrf);
  EXPECT_EQ(out.status, 200) << out.body;
  EXPECT_NE(out.setCookie.find("pathhub_session=; "), std::string::npos) << out.setCookie;
  EXPECT_NE(out.setCookie.find("Max-Age=0"), std::string::npos) << out.setCookie;
  EXPECT_EQ(call("GET", "/api/v1/channels", "", "", session).status, 401);
  Answer audit = call("GET", "/api/v1/audit?limit=100", "admin");
  ASSERT_EQ(audit.status, 200);
  for (const char* action : {"\"sign_in\"", "\"sign_out\"", "no CSRF token"}) {
    EXPECT_NE(audit.body.find(action), std::string::npos) << action << " in " << audit.body;
  }
  // Data answers may load nothing, whoever asks.
  EXPECT_EQ(who.securityPolicy, "default-src 'none'; frame-ancestors 'none'");
}

// Issue 19: the console is served by the hub itself, from memory, under a policy that lets a
// page load only the hub's own scripts and talk only to the hub; no path leaves its folder.
TEST_F(ApiTest, TheConsoleIsServedWithAStrictPolicyAndNothingOutsideItsFolder) {
  Answer page = call("GET", "/");
  ASSERT_EQ(page.status, 200) << page.body;
  EXPECT_NE(page.body.find("<script type=\"module\" src=\"/console/app.js\"></script>"),
            std::string::npos);
  EXPECT_EQ(page.securityPolicy,
            "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            "connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'");
  for (const char* file : {"app.js", "api.js", "dom.js", "diff.js", "console.css", "icon.svg"}) {
    EXPECT_EQ(call("GET", std::string("/console/") + file).status, 200) << file;
  }
  for (const char* path : {"/console/nope.js", "/console/..%2F..%2F..%2Fetc%2Fpasswd",
                           "/console/../../CMakeLists.txt", "/console/"}) {
    EXPECT_NE(call("GET", path).status, 200) << path;
  }
}

// A call refused before its body is read (no token) closes its connection: the unread body
// must never be taken for the start of the next request on a kept-alive connection.
TEST_F(ApiTest, ABodyNotReadIsNeverReadAsTheNextRequest) {
  testing::RawPeer peer("127.0.0.1", hub_.apiPort);
  ASSERT_TRUE(
      peer.send("POST /api/v1/reload HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n{}"
                "GET /health HTTP/1.1\r\nHost: x\r\n\r\n"));
  const std::string answer = peer.read(std::chrono::seconds(5));
  EXPECT_EQ(answer.rfind("HTTP/1.1 401", 0), 0u) << answer;
  EXPECT_EQ(answer.find("HTTP/1.1 405"), std::string::npos) << answer;
  EXPECT_NE(answer.find("Connection: Close"), std::string::npos) << answer;
  EXPECT_TRUE(peer.closedByServer());
}

// Issue 19: the console shows a message as another format on demand — what a destination
// with that codec would send, with what the format could not carry — audited as a view.
TEST_F(ApiTest, AMessageIsShownInAnotherFormatOnDemand) {
  ASSERT_EQ(send("AS-1"), "AA");
  ASSERT_TRUE(waitUntil([this] { return hub_.receivedCount() >= 1; }));
  const std::int64_t id = messageIds(call("GET", "/api/v1/messages?controlId=AS-1", "clinical"))[0];
  const std::string path = "/api/v1/messages/" + std::to_string(id) + "/as/";
  Answer fhir = call("GET", path + "fhir-json", "clinical");
  ASSERT_EQ(fhir.status, 200) << fhir.body;
  EXPECT_EQ(fhir.json->getValue<std::string>("from"), "mapped");
  auto document = fhir.json->getArray("documents")->getObject(0);
  EXPECT_NE(document->getValue<std::string>("text").find("\"resourceType\": \"Bundle\""),
            std::string::npos);
  EXPECT_GT(document->getArray("warnings")->size(), 0u);  // v2.3's version is not carried
  EXPECT_EQ(call("GET", path + "edifact", "clinical").status, 200);
  EXPECT_EQ(call("GET", path + "hl7v2", "clinical").status, 404);
  EXPECT_EQ(call("GET", path + "nope", "clinical").status, 404);
  EXPECT_EQ(call("GET", path + "fhir-json", "viewer").status, 403);
  Answer audit = call("GET", "/api/v1/audit?action=view_message", "admin");
  EXPECT_NE(audit.body.find("lab as fhir-json"), std::string::npos) << audit.body;
}

TEST_F(ApiTest, AnAdminChecksTheJournalsIntegrity) {
  ASSERT_EQ(send("CHECK-1"), "AA");
  Answer checked = call("POST", "/api/v1/journal/check", "admin");
  ASSERT_EQ(checked.status, 200) << checked.body;
  EXPECT_TRUE(checked.json->getValue<bool>("ok"));
  EXPECT_EQ(checked.json->getArray("problems")->size(), 0u);
  EXPECT_EQ(call("POST", "/api/v1/journal/check", "operator").status, 403);
  EXPECT_EQ(audited("check_journal").size(), 1u);
}

// Issue 18, item 9: a Latin-1 message (MSH-18 8859/1) and binary garbage are shown, not a 500:
// the first converted to UTF-8, the second with '?' for what is not text.
TEST_F(ApiTest, MessagesInLatin1OrNotTextAtAllAreShown) {
  mllp::Client client({"127.0.0.1", hub_.sourcePort});
  const std::string latin1 =
      "MSH|^~\\&|LAB|RBH|GP|A81001|20261202||ORU^R01|LATIN-1|P|2.4||||||8859/1\r"
      "PID|1||9434765919^^^NHS^NH||M\xfcller^J\xfcrgen\rOBR|1|||FBC\r"
      "OBX|1|NM|HB^Haemoglobin||135|g/L\r";
  ASSERT_TRUE(client.exchange(latin1));
  ASSERT_TRUE(client.exchange(std::string("\x01\xff\xfe binary \x80\x81", 14)));
  Answer found = call("GET", "/api/v1/messages?controlId=LATIN-1", "clinical");
  ASSERT_EQ(messageIds(found).size(), 1u);
  Answer shown =
      call("GET", "/api/v1/messages/" + std::to_string(messageIds(found)[0]), "clinical");
  ASSERT_EQ(shown.status, 200) << shown.body;
  EXPECT_NE(shown.json->getValue<std::string>("raw").find("M\xc3\xbcller"), std::string::npos);
  Answer rejected = call("GET", "/api/v1/messages?state=rejected", "clinical");
  ASSERT_FALSE(messageIds(rejected).empty());
  Answer garbage =
      call("GET", "/api/v1/messages/" + std::to_string(messageIds(rejected)[0]), "clinical");
  ASSERT_EQ(garbage.status, 200) << garbage.body;
  ASSERT_TRUE(garbage.json);
  EXPECT_NE(garbage.json->getValue<std::string>("raw").find("binary"), std::string::npos);
}

// A bulk replay goes in steps, each step's progress on stderr, and ends with the totals.
TEST_F(ApiTest, ABulkReplayShowsItsProgress) {
  for (int i = 0; i < 3; ++i) ASSERT_EQ(send("BULK-" + std::to_string(i)), "AA");
  ASSERT_TRUE(waitUntil([this] { return hub_.receivedCount() >= 3; }));
  // In steps of one message through the API: nextBefore goes on where the step stopped.
  std::string before;
  int steps = 0, replayed = 0;
  do {
    Answer a = call("POST",
                    "/api/v1/messages/replay?channel=lab&limit=1" +
                        (before.empty() ? std::string() : "&before=" + before),
                    "operator");
    ASSERT_EQ(a.status, 200) << a.body;
    replayed += a.json->getValue<int>("replayed");
    before = a.json->isNull("nextBefore") ? "" : a.json->get("nextBefore").toString();
    ++steps;
  } while (!before.empty() && steps < 10);
  EXPECT_EQ(replayed, 3);
  EXPECT_EQ(steps, 3);
  ASSERT_TRUE(waitUntil([this] { return hub_.receivedCount() >= 6; }));
  const auto tokenFile = hub_.dir / "operator.token";
  std::ofstream(tokenFile) << kTokens.at("operator") << "\n";
  auto bulk = runProgram("pathhubctl", {"--url", "http://127.0.0.1:" + std::to_string(hub_.apiPort),
                                        "--token-file", tokenFile.string(), "replay", "--filter",
                                        "--channel", "lab", "--type", "ORU"});
  EXPECT_EQ(bulk.exitCode, 0) << bulk.err;
  EXPECT_NE(bulk.err.find("replay: 3 of 3 message(s) (100%)"), std::string::npos) << bulk.err;
  EXPECT_NE(bulk.out.find("replayed 3 message(s), 3 new deliveries; skipped 0"), std::string::npos)
      << bulk.out;
}

// SIGHUP and POST /api/v1/reload read the configuration again: tokens, channels and tables
// change while the hub runs; what cannot is reported; a bad configuration is refused whole.
TEST_F(ApiTest, AReloadAppliesWhatCanChangeLiveAndRefusesABadConfiguration) {
  const std::string original = testing::readFile(hub_.configPath);
  auto rewrite = [&](const std::string& from, const std::string& to) {
    std::string text = testing::readFile(hub_.configPath);
    const auto at = text.find(from);
    ASSERT_NE(at, std::string::npos) << from;
    text.replace(at, from.size(), to);
    std::ofstream(hub_.configPath) << text;
  };
  const std::string newToken = "a-new-operator-token-0123456789";
  EXPECT_EQ(call("GET", "/api/v1/status", "").status, 401);
  // A new token and a second channel, by SIGHUP.
  const auto secondPort = testing::freePort();
  rewrite("</api>", "<token name=\"night-shift\" role=\"operator\" sha256=\"" +
                        http::sha256Hex(newToken) + "\"/></api>");
  rewrite("</pathhub>", "<channel name=\"second\"><source type=\"mllp\" listen=\"127.0.0.1:" +
                            std::to_string(secondPort) +
                            "\"/><destination name=\"d\" type=\"file\" directory=\"" +
                            (hub_.dir / "second-out").string() + "\"/></channel></pathhub>");
  ASSERT_EQ(::kill(hub_.hubPid(), SIGHUP), 0);
  ASSERT_TRUE(waitUntil([&] { return testing::accepting(secondPort); }));
  // The tokens are taken once the reload has finished (after the channels).
  EXPECT_TRUE(waitUntil([&] {
    return testing::apiGet(hub_.apiPort, newToken, "/api/v1/status").status == 200;
  })) << "the new token is not taken";
  Answer channels = call("GET", "/api/v1/channels", "viewer");
  EXPECT_NE(channels.body.find("\"second\""), std::string::npos) << channels.body;
  // The first channel did not change, so it was not restarted: its source kept its listener.
  EXPECT_EQ(send("AFTER-HUP"), "AA");

  // Through the API: the listener's port cannot change live; the channel's retry can.
  rewrite("maxAttempts=\"1000000\"", "maxAttempts=\"999999\"");
  rewrite("<api listen=\"127.0.0.1:" + std::to_string(hub_.apiPort),
          "<api listen=\"127.0.0.1:" + std::to_string(testing::freePort()));
  Answer report = call("POST", "/api/v1/reload", "admin");
  ASSERT_EQ(report.status, 200) << report.body;
  EXPECT_NE(report.body.find("channel lab restarted: destinations changed"), std::string::npos)
      << report.body;
  EXPECT_NE(report.body.find("api (listener, TLS, certificates)"), std::string::npos)
      << report.body;
  EXPECT_EQ(call("POST", "/api/v1/reload", "operator").status, 403);
  EXPECT_EQ(audited("reload_configuration").size(), 1u);
  EXPECT_EQ(send("AFTER-RESTART"), "AA");
  // pathhubctl reload says so when nothing changed since.
  const auto adminToken = hub_.dir / "admin.token";
  std::ofstream(adminToken) << kTokens.at("admin") << "\n";
  auto ctl = runProgram("pathhubctl", {"--url", "http://127.0.0.1:" + std::to_string(hub_.apiPort),
                                       "--token-file", adminToken.string(), "reload"});
  EXPECT_EQ(ctl.exitCode, 0) << ctl.err;
  EXPECT_NE(ctl.out.find("api (listener, TLS, certificates)"), std::string::npos) << ctl.out;
  EXPECT_EQ(ctl.out.find("channel lab restarted"), std::string::npos) << ctl.out;

  // A configuration that is not valid is refused whole: the running one is kept.
  std::ofstream(hub_.configPath) << original.substr(0, original.size() / 2);
  Answer refused = call("POST", "/api/v1/reload", "admin");
  EXPECT_EQ(refused.status, 400) << refused.body;
  EXPECT_NE(refused.body.find("the running configuration is kept"), std::string::npos)
      << refused.body;
  EXPECT_TRUE(testing::accepting(secondPort));
  EXPECT_EQ(send("AFTER-REFUSAL"), "AA");
  ASSERT_TRUE(waitUntil([this] { return hub_.receivedCount() >= 3; }));
}

// Issue 18, item 8: a viewer (no patient data) never reads an error's text, which may name a
// patient; clinical users and above do.
TEST(LastErrors, AViewerSeesWhichMessageFailedButNotWhy) {
  HubFixture hub;
  const auto script = hub.dir / "reject.lua";
  std::ofstream(script)
      << "function map(msg, ctx) ctx:reject('NHS number 9434765918 fails the Modulus 11 check') "
         "end\n";
  hub.channelExtras += "<mapper workers=\"1\" script=\"" + script.string() + "\"/>";
  for (const char* role : {"viewer", "clinical"}) {
    hub.apiTokens += "<token name=\"" + std::string(role) + "\" role=\"" + role + "\" sha256=\"" +
                     http::sha256Hex(kTokens.at(role)) + "\"/>";
  }
  hub.startHub();
  mllp::Client client({"127.0.0.1", hub.sourcePort});
  hl7::Message m = testing::parseOk(hl7::normalizeSegmentSeparators(
      testing::readCorpusFile("hl7v2/oru_r01_winpath_bone_iron_profile_v23.hl7")));
  ASSERT_TRUE(client.exchange(m.encode()));
  auto lastError = [&](const std::string& role) -> std::string {
    auto a = testing::apiGet(hub.apiPort, kTokens.at(role), "/api/v1/channels/lab");
    if (!a.json || !a.json->has("lastError")) return "";
    return a.json->getObject("lastError")->getValue<std::string>("message");
  };
  ASSERT_TRUE(waitUntil([&] { return !lastError("clinical").empty(); }));
  EXPECT_NE(lastError("clinical").find("9434765918"), std::string::npos) << lastError("clinical");
  const std::string seen = lastError("viewer");
  EXPECT_EQ(seen.find("9434765918"), std::string::npos) << seen;
  EXPECT_NE(seen.find("details need the clinical role"), std::string::npos) << seen;
  EXPECT_EQ(seen.rfind("message ", 0), 0u) << seen;
  const auto list = testing::apiGet(hub.apiPort, kTokens.at("viewer"), "/api/v1/channels");
  EXPECT_EQ(list.body.find("9434765918"), std::string::npos) << list.body;
}

// A saved script goes live without waiting for a message, and one that does not compile is
// shown on the channel (the previous version stays live) until it is fixed.
TEST(ScriptReload, ASavedScriptIsReloadedAtOnceAndItsErrorIsShownOnTheChannel) {
  HubFixture hub;
  const auto script = hub.dir / "live.lua";
  std::ofstream(script) << "function map(msg, ctx) msg:set('MSH-3', 'ONE') end\n";
  hub.channelExtras += "<mapper workers=\"1\" script=\"" + script.string() + "\"/>";
  hub.apiTokens = "<token name=\"v\" role=\"viewer\" sha256=\"" +
                  http::sha256Hex(kTokens.at("viewer")) + "\"/>";
  hub.startSink();
  hub.startHub();
  auto scriptError = [&]() -> std::string {
    auto a = testing::apiGet(hub.apiPort, kTokens.at("viewer"), "/api/v1/channels/lab");
    if (!a.json || !a.json->has("scriptError")) return "";
    return a.json->getObject("scriptError")->getValue<std::string>("message");
  };
  EXPECT_EQ(scriptError(), "");
  // Saved with a syntax error, a second later (the file's time must move on).
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  std::ofstream(script) << "function map(msg, ctx)\n  msg:set('MSH-3', 'TWO'\nend\n";
  ASSERT_TRUE(waitUntil([&] { return !scriptError().empty(); }, std::chrono::seconds(10)));
  EXPECT_NE(scriptError().find("live.lua:3:"), std::string::npos) << scriptError();
  // The previous version still maps.
  mllp::Client client({"127.0.0.1", hub.sourcePort});
  hl7::Message m = testing::parseOk(hl7::normalizeSegmentSeparators(
      testing::readCorpusFile("hl7v2/oru_r01_winpath_bone_iron_profile_v23.hl7")));
  ASSERT_TRUE(client.exchange(m.encode()));
  ASSERT_TRUE(waitUntil([&] { return hub.receivedCount() == 1; }));
  std::string delivered;
  for (const auto& e : std::filesystem::directory_iterator(hub.dir / "sink")) {
    if (e.path().filename().string()[0] != '.') delivered = testing::readFile(e.path());
  }
  EXPECT_NE(delivered.find("|ONE|"), std::string::npos) << delivered;
  // Fixed: the error goes.
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  std::ofstream(script) << "function map(msg, ctx) msg:set('MSH-3', 'THREE') end\n";
  EXPECT_TRUE(waitUntil([&] { return scriptError().empty(); }, std::chrono::seconds(10)));
}

// Issue 18, item 1: a script stuck inside one C call (a backtracking string pattern, where no
// instruction hook reaches) holds its worker process only up to the time limit; that message
// fails with the reason, the messages after it are mapped and delivered, the API answers
// throughout, and a stop is prompt.
TEST(ScriptIsolation, AScriptStuckInOneCCallFailsOnlyItsMessageAndTheHubGoesOn) {
  HubFixture hub;
  mapWith(hub,
          "function map(msg, ctx)\n"
          "  if msg:get('MSH-10') == 'SLOW' then\n"
          "    string.find(('a'):rep(5000), 'a-a-a-b')\n"
          "  end\n"
          "end\n",
          "timeLimitMs=\"500\"");
  hub.apiTokens = testing::roleTokenElements({"clinical"});
  hub.startSink();
  hub.startHub();
  sendEach(hub, {"SLOW", "AFTER-1", "AFTER-2", "AFTER-3"});
  const auto asked = std::chrono::steady_clock::now();
  const auto channels = testing::apiGet(hub.apiPort, kTokens.at("clinical"), "/api/v1/channels");
  EXPECT_EQ(channels.status, 200) << channels.body;
  EXPECT_LT(std::chrono::steady_clock::now() - asked, std::chrono::seconds(1));
  ASSERT_TRUE(waitUntil([&] { return hub.receivedCount() == 3; }, std::chrono::seconds(15)));
  EXPECT_EQ(hub.received(), (std::vector<std::string>{"AFTER-1", "AFTER-2", "AFTER-3"}));
  const auto slow =
      testing::apiGet(hub.apiPort, kTokens.at("clinical"), "/api/v1/messages?controlId=SLOW");
  EXPECT_NE(slow.body.find("\"state\":\"failed\""), std::string::npos) << slow.body;
  EXPECT_NE(slow.body.find("ran past its wall-clock limit of 500 ms"), std::string::npos)
      << slow.body;
  const auto stopping = std::chrono::steady_clock::now();
  EXPECT_EQ(hub.stopHub(), 0);
  EXPECT_LT(std::chrono::steady_clock::now() - stopping, std::chrono::seconds(5));
}

// A restart (or stop) does not wait for the rest of a batch of slow messages: the worker
// finishes the message in hand, the rest stay received and are mapped after the start.
TEST(ScriptIsolation, ARestartDoesNotWaitForTheRestOfASlowBatch) {
  HubFixture hub;
  mapWith(hub,
          "function map(msg, ctx)\n"
          "  local t = os.clock() while os.clock() - t < 0.8 do end\n"
          "end\n",
          "instructionLimit=\"1000000000000\"");
  hub.apiTokens = testing::roleTokenElements({"operator"});
  hub.startSink();
  hub.startHub();
  sendEach(hub, {"SLOW-0", "SLOW-1", "SLOW-2", "SLOW-3", "SLOW-4", "SLOW-5"});
  // The first message is mapped alone; the other five wait as one batch, now in hand.
  ASSERT_TRUE(waitUntil([&] { return hub.receivedCount() >= 1; }, std::chrono::seconds(10)));
  const auto asked = std::chrono::steady_clock::now();
  const auto restarted = testing::apiCall(hub.apiPort, kTokens.at("operator"), "POST",
                                          "/api/v1/channels/lab/restart", "{}");
  EXPECT_EQ(restarted.status, 200) << restarted.body;
  EXPECT_LT(std::chrono::steady_clock::now() - asked, std::chrono::milliseconds(2500));
  ASSERT_TRUE(waitUntil([&] { return hub.receivedCount() == 6; }, std::chrono::seconds(30)));
}

TEST(ApiTls, ServesHttpsThatPathhubctlVerifies) {
  testing::TestCertificates certs;
  ASSERT_TRUE(certs.ok());
  HubFixture hub;
  hub.apiAttributes = certs.serverTlsAttributes();
  hub.apiTokens = "<token name=\"ops\" role=\"viewer\" sha256=\"" +
                  http::sha256Hex(kTokens.at("viewer")) + "\"/>";
  const auto tokenFile = hub.dir / "viewer.token";
  std::ofstream(tokenFile) << kTokens.at("viewer");
  hub.startSink();
  hub.startHub();
  const std::string url = "https://127.0.0.1:" + std::to_string(hub.apiPort);
  testing::RunResult status;
  ASSERT_TRUE(waitUntil([&] {
    status = runProgram("pathhubctl", {"--url", url, "--ca", certs.pem("test-ca"), "--token-file",
                                       tokenFile.string(), "status"});
    return status.exitCode == 0;
  })) << status.err;
  EXPECT_NE(status.out.find("ops (viewer)"), std::string::npos) << status.out;
  // A server the client's CAs do not vouch for is refused.
  auto untrusted = runProgram("pathhubctl", {"--url", url, "--ca", certs.pem("other-ca"),
                                             "--token-file", tokenFile.string(), "status"});
  EXPECT_EQ(untrusted.exitCode, 2) << untrusted.out;
}

}  // namespace
}  // namespace pathhub

// Changing a mapping with confidence, with the real hub and its real journal: a diff-replay of
// a new script over the traffic a channel received (pathhub-map --replay, and the API's try)
// reports exactly the messages and fields it would change and writes nothing; every message
// records the script version that mapped it; a deployment through the API is refused when the
// script does not compile, its tests fail or its replay changes more than allowed, and leaves
// the live version as it was; a roll-back puts an earlier version back, and what is mapped
// after it carries that version.
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/JSON/Stringifier.h>
#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <set>
#include <sstream>
#include <thread>

#include "api_client.h"
#include "child_process.h"
#include "hub_fixture.h"
#include "mllp/mllp_client.h"
#include "role_tokens.h"
#include "sqlite_file.h"

namespace pathhub {
namespace {

namespace fs = std::filesystem;
using Poco::JSON::Array;
using Poco::JSON::Object;
using testing::apiCall;
using testing::apiGet;
using testing::HubFixture;
using testing::runProgram;
using testing::waitUntil;

const std::string& token(const std::string& role) { return testing::roleTokens().at(role); }

// The live script: leaves messages as they are.
constexpr const char* kPassThrough = "function map(msg, ctx)\nend\n";
// The change under review: a SNOMED CT coding on OBX-3 for the lab's haemoglobin code.
constexpr const char* kSnomed = R"(function map(msg, ctx)
  for obx in msg:segments("OBX") do
    if obx:get("3.1") == "HB" then
      obx:set("3.4", "271026005")
      obx:set("3.5", "Haemoglobin concentration")
      obx:set("3.6", "SCT")
    end
  end
end
)";
// A change that fails on one message.
constexpr const char* kFailsOnR3 = R"(function map(msg, ctx)
  if msg:get("MSH-10") == "R3" then error("no mapping for this request") end
end
)";
// A change its tests catch: the wrong code.
constexpr const char* kWrongCode = R"(function map(msg, ctx)
  for obx in msg:segments("OBX") do obx:set("3.4", "999") end
end
)";
// What the lab IT team's test says a deployed script must do.
constexpr const char* kScriptTest = R"(test("haemoglobin carries its SNOMED CT code", function()
  local r = run_mapping("map.lua", "MSH|^~\\&|WINPATH|LAB|GP|P1|20261201090000||ORU^R01|T1|P|2.4\r" ..
    "OBX|1|NM|HB^Haemoglobin^WINPATH||140|g/L|130-170||||F\r")
  expect_eq(r.outcome, "mapped")
  expect_eq(field(r.message, "OBX-3.4"), "271026005")
end)
)";

// A synthetic result: one OBX per code given.
std::string result(const std::string& controlId, const std::vector<std::string>& codes) {
  std::string m = "MSH|^~\\&|WINPATH|LAB|GP|P1|20261201090000||ORU^R01|" + controlId +
                  "|P|2.4\rPID|1||9434765919^^^NHS^NH||TEST^PATIENT||19800101|F\r"
                  "OBR|1|PL-" +
                  controlId + "|FL-" + controlId +
                  "|FBC^Full blood count^WINPATH|||20261201080000\r";
  int set = 0;
  for (const auto& code : codes) {
    m += "OBX|" + std::to_string(++set) + "|NM|" + code + "^Test^WINPATH||140|g/L|130-170||||F\r";
  }
  return m;
}

std::string readFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

Object::Ptr parseObject(const std::string& text) {
  auto v = Poco::JSON::Parser().parse(text);
  return v.extract<Object::Ptr>();
}

class ScriptVersionsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    scripts_ = hub_.dir / "scripts";
    fs::create_directories(scripts_ / "tests");
    std::ofstream(scripts_ / "map.lua") << kPassThrough;
    std::ofstream(scripts_ / "tests" / "map_test.lua") << kScriptTest;
    hub_.apiTokens = testing::roleTokenElements();
    hub_.channelExtras += "<mapper workers=\"1\" script=\"" + (scripts_ / "map.lua").string() +
                          "\" scriptsRoot=\"" + scripts_.string() + "\"/>";
    hub_.startSink();
    hub_.startHub();
    ASSERT_TRUE(waitUntil([this] { return apiGet(hub_.apiPort, "", "/ready").status == 200; }));
  }

  void send(const std::string& message) {
    mllp::Client client({"127.0.0.1", hub_.sourcePort});
    auto reply = client.exchange(message);
    ASSERT_TRUE(reply) << reply.error().describe();
    ASSERT_NE(reply->find("MSA|AA"), std::string::npos) << *reply;
  }

  // The traffic the tests replay: six results, three with the haemoglobin code (R1 twice).
  void sendTraffic() {
    send(result("R1", {"HB", "HB"}));
    send(result("R2", {"HB"}));
    send(result("R3", {"K"}));
    send(result("R4", {"HB", "K"}));
    send(result("R5", {"K"}));
    send(result("R6", {"NA"}));
    ASSERT_TRUE(waitUntil([this] { return hub_.receivedCount() == 6; }));
  }

  // The journal's message id for a control id, and that message's record.
  Object::Ptr message(const std::string& controlId) {
    auto found = apiGet(hub_.apiPort, token("clinical"), "/api/v1/messages?controlId=" + controlId);
    EXPECT_EQ(found.status, 200) << found.body;
    Array::Ptr list = found.json ? found.json->getArray("messages") : nullptr;
    if (!list || list->size() == 0) return nullptr;
    const auto id = list->getObject(0)->getValue<std::int64_t>("id");
    return apiGet(hub_.apiPort, token("clinical"), "/api/v1/messages/" + std::to_string(id)).json;
  }
  std::int64_t versionOf(const std::string& controlId) {
    Object::Ptr m = message(controlId);
    return m && m->has("scriptVersion") ? m->getValue<std::int64_t>("scriptVersion") : 0;
  }

  // Sends results until one is mapped by `version` (the mappers load a new file within about a
  // second); returns its control id.
  std::string sendUntilMappedBy(std::int64_t version, const std::string& prefix) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    for (int i = 0; std::chrono::steady_clock::now() < deadline; ++i) {
      const std::string id = prefix + std::to_string(i);
      send(result(id, {"HB"}));
      std::int64_t got = 0;
      waitUntil([&] { return (got = versionOf(id)) != 0; });
      if (got == version) return id;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    ADD_FAILURE() << "no message was mapped by version " << version;
    return "";
  }

  // What the journal holds, counted (SQLite only: the file is read directly).
  std::string journalCounts() {
    if (!testing::journalIsSqlite()) return "";
    testing::SqliteFile db(hub_.dir / "journal.db");
    std::string out;
    for (const char* table :
         {"messages", "deliveries", "events", "script_versions", "script_deployments", "audit"}) {
      out += std::string(table) + "=" +
             std::to_string(db.number(std::string("SELECT COUNT(*) FROM ") + table)) + " ";
    }
    return out;
  }

  testing::RunResult replay(const std::string& text, const std::vector<std::string>& more = {}) {
    const fs::path script = hub_.dir / "candidate.lua";
    std::ofstream(script, std::ios::trunc) << text;
    std::vector<std::string> args = {script.string(),          "--replay", "lab", "--config",
                                     hub_.configPath.string(), "--since",  "1h"};
    args.insert(args.end(), more.begin(), more.end());
    return runProgram("pathhub-map", args);
  }

  Object::Ptr scripts() {
    return apiGet(hub_.apiPort, token("viewer"), "/api/v1/channels/lab/scripts").json;
  }

  std::string deployBody(const std::string& text, const std::string& gate = "") {
    Object o;
    o.set("script", text);
    std::ostringstream out;
    Poco::JSON::Stringifier::stringify(o, out);
    std::string body = out.str();
    if (!gate.empty()) body = body.substr(0, body.size() - 1) + ",\"replay\":" + gate + "}";
    return body;
  }

  HubFixture hub_;
  fs::path scripts_;
};

TEST_F(ScriptVersionsTest,
       AReplayReportsExactlyTheMessagesAndFieldsAChangeWouldChangeAndWritesNothing) {
  sendTraffic();
  const std::string before = journalCounts();
  const fs::path json = hub_.dir / "report.json", html = hub_.dir / "report.html";
  const auto r = replay(kSnomed, {"--report", json.string(), "--html", html.string()});
  EXPECT_EQ(r.exitCode, 1) << "something changed: " << r.out << r.err;
  EXPECT_NE(r.out.find("6 messages replayed, 3 unchanged, 3 changed"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("content changed: 3"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("routed differently: 0"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("newly failing: 0"), std::string::npos) << r.out;
  // Per field, messages (R1's two haemoglobin results count once).
  EXPECT_NE(r.out.find("OBX-3.4: 3 messages"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("OBX-3.6: 3 messages"), std::string::npos) << r.out;

  Object::Ptr report = parseObject(readFile(json));
  EXPECT_EQ(report->getValue<int>("messages"), 6);
  EXPECT_EQ(report->getValue<int>("changed"), 3);
  Object::Ptr fields = report->getObject("fields");
  EXPECT_EQ(fields->getNames(), (std::vector<std::string>{"OBX-3.4", "OBX-3.5", "OBX-3.6"}));
  Array::Ptr details = report->getArray("details");
  std::set<std::string> changed;
  for (std::size_t i = 0; i < details->size(); ++i) {
    Object::Ptr d = details->getObject(static_cast<unsigned>(i));
    changed.insert(d->getValue<std::string>("controlId"));
    EXPECT_EQ(d->getValue<std::string>("before"), "mapped");
    EXPECT_EQ(d->getValue<std::string>("after"), "mapped");
    EXPECT_EQ(d->getValue<int>("scriptVersionBefore"), 1);
    Array::Ptr f = d->getArray("fields");
    for (std::size_t k = 0; k < f->size(); ++k) {
      Object::Ptr c = f->getObject(static_cast<unsigned>(k));
      const std::string path = c->getValue<std::string>("path");
      EXPECT_EQ(path.rfind("OBX", 0), 0u) << path;
      if (path.find("3.4") != std::string::npos) {
        EXPECT_EQ(c->getValue<std::string>("before"), "");
        EXPECT_EQ(c->getValue<std::string>("after"), "271026005");
      }
    }
    // R1: two OBX segments, three components each.
    if (d->getValue<std::string>("controlId") == "R1") {
      EXPECT_EQ(f->size(), 6u);
    }
  }
  EXPECT_EQ(changed, (std::set<std::string>{"R1", "R2", "R4"}));
  const std::string page = readFile(html);
  EXPECT_NE(page.find("<h1>Diff-replay of channel lab</h1>"), std::string::npos);
  EXPECT_NE(page.find("271026005"), std::string::npos);

  // Read-only: nothing was written, routed or delivered.
  EXPECT_EQ(journalCounts(), before);
  EXPECT_EQ(hub_.receivedCount(), 6u);

  // The live script replayed over its own traffic changes nothing.
  const auto same = replay(kPassThrough);
  EXPECT_EQ(same.exitCode, 0) << same.out << same.err;
  EXPECT_NE(same.out.find("6 unchanged, 0 changed"), std::string::npos) << same.out;
}

TEST_F(ScriptVersionsTest, AScriptThatFailsOnOneMessageReportsItAsNewlyFailing) {
  sendTraffic();
  const fs::path json = hub_.dir / "report.json";
  const auto r = replay(kFailsOnR3, {"--report", json.string(), "--limit", "5"});
  EXPECT_EQ(r.exitCode, 1) << r.out << r.err;
  EXPECT_NE(r.out.find("5 messages replayed, 4 unchanged, 1 changed"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("newly failing: 1"), std::string::npos) << r.out;
  Object::Ptr report = parseObject(readFile(json));
  Object::Ptr d = report->getArray("details")->getObject(0);
  EXPECT_EQ(d->getValue<std::string>("controlId"), "R3");
  EXPECT_EQ(d->getValue<std::string>("before"), "mapped");
  const std::string after = d->getValue<std::string>("after");
  EXPECT_EQ(after.rfind("failed: script", 0), 0u) << after;
  EXPECT_NE(after.find("no mapping for this request"), std::string::npos) << after;
  EXPECT_EQ(d->getArray("routesBefore")->size(), 1u);
  EXPECT_EQ(d->getArray("routesAfter")->size(), 0u);

  // The same replay run by the hub, through its API with a token: the same report.
  const fs::path tokenFile = hub_.dir / "clinical.token";
  std::ofstream(tokenFile) << token("clinical") << "\n";
  const fs::path throughApi = hub_.dir / "api-report.json";
  const auto viaApi = replay(
      kFailsOnR3, {"--limit", "5", "--url", "http://127.0.0.1:" + std::to_string(hub_.apiPort),
                   "--token-file", tokenFile.string(), "--report", throughApi.string()});
  EXPECT_EQ(viaApi.exitCode, 1) << viaApi.out << viaApi.err;
  EXPECT_EQ(viaApi.out.substr(0, viaApi.out.find("\n(")), r.out.substr(0, r.out.find("\n(")));
  Object::Ptr apiReport = parseObject(readFile(throughApi));
  EXPECT_EQ(apiReport->getArray("details")->getObject(0)->getValue<std::string>("controlId"), "R3");
  const fs::path viewerToken = hub_.dir / "viewer.token";
  std::ofstream(viewerToken) << token("viewer") << "\n";
  const auto refused =
      replay(kFailsOnR3, {"--url", "http://127.0.0.1:" + std::to_string(hub_.apiPort),
                          "--token-file", viewerToken.string()});
  EXPECT_EQ(refused.exitCode, 2);
  EXPECT_NE(refused.err.find("403"), std::string::npos) << refused.err;

  // A script that does not compile is a usage error (2), naming the line.
  const auto broken = replay("function map(msg, ctx)\n  if then\nend\n");
  EXPECT_EQ(broken.exitCode, 2);
  EXPECT_NE(broken.err.find(":2:"), std::string::npos) << broken.err;
  // Through the API: the same report, for those who may read messages.
  auto tried = apiCall(
      hub_.apiPort, token("clinical"), "POST", "/api/v1/channels/lab/scripts/try",
      deployBody(kFailsOnR3).substr(0, deployBody(kFailsOnR3).size() - 1) + ",\"since\":\"1h\"}");
  ASSERT_EQ(tried.status, 200) << tried.body;
  EXPECT_EQ(tried.json->getValue<int>("messages"), 6);
  EXPECT_EQ(tried.json->getObject("counts")->getValue<int>("newly failing"), 1);
  EXPECT_EQ(apiCall(hub_.apiPort, token("viewer"), "POST", "/api/v1/channels/lab/scripts/try",
                    deployBody(kFailsOnR3))
                .status,
            403);
}

TEST_F(ScriptVersionsTest, DeploymentsAreCheckedAndRollBackPutsTheEarlierVersionLive) {
  send(result("R1", {"HB"}));
  ASSERT_TRUE(waitUntil([this] { return versionOf("R1") == 1; }));
  Object::Ptr listed = scripts();
  ASSERT_TRUE(listed);
  EXPECT_EQ(listed->getValue<int>("live"), 1);
  Object::Ptr first = listed->getArray("versions")->getObject(0);
  EXPECT_EQ(first->getValue<std::string>("createdBy"), "file");
  EXPECT_EQ(first->getValue<bool>("contentKept"), true);

  const std::string path = "/api/v1/channels/lab/scripts";
  // Refused: it does not compile; its tests fail; its replay changes more than allowed. The
  // file and the live version stay as they were.
  auto broken = apiCall(hub_.apiPort, token("operator"), "POST", path,
                        deployBody("function map(msg, ctx)\n  if then\nend\n"));
  EXPECT_EQ(broken.status, 422) << broken.body;
  EXPECT_EQ(broken.json->getObject("error")->getValue<std::string>("code"), "does_not_compile");
  auto failing = apiCall(hub_.apiPort, token("operator"), "POST", path, deployBody(kWrongCode));
  EXPECT_EQ(failing.status, 422) << failing.body;
  EXPECT_EQ(failing.json->getObject("error")->getValue<std::string>("code"), "tests_failed");
  EXPECT_NE(failing.json->getValue<std::string>("tests").find("FAIL"), std::string::npos);
  auto tooMany = apiCall(hub_.apiPort, token("operator"), "POST", path,
                         deployBody(kSnomed, R"({"since":"1h","maxChanged":0})"));
  EXPECT_EQ(tooMany.status, 422) << tooMany.body;
  EXPECT_EQ(tooMany.json->getObject("error")->getValue<std::string>("code"), "changes_too_many");
  EXPECT_EQ(tooMany.json->getObject("replay")->getValue<int>("changed"), 1);
  EXPECT_EQ(apiCall(hub_.apiPort, token("viewer"), "POST", path, deployBody(kSnomed)).status, 403);
  EXPECT_EQ(readFile(scripts_ / "map.lua"), kPassThrough);
  EXPECT_EQ(scripts()->getValue<int>("live"), 1);
  EXPECT_EQ(scripts()->getArray("versions")->size(), 1u);
  EXPECT_EQ(sendUntilMappedBy(1, "S"), "S0");

  // Deployed: checked, recorded with who and from where, live within about a second.
  auto deployed = apiCall(hub_.apiPort, token("operator"), "POST", path,
                          deployBody(kSnomed, R"({"since":"1h","maxChanged":5})"));
  ASSERT_EQ(deployed.status, 201) << deployed.body;
  EXPECT_EQ(deployed.json->getValue<int>("version"), 2);
  EXPECT_NE(deployed.json->getValue<std::string>("tests").find("1 passed, 0 failed"),
            std::string::npos);
  EXPECT_EQ(readFile(scripts_ / "map.lua"), kSnomed);
  const std::string byTwo = sendUntilMappedBy(2, "D");
  Object::Ptr mapped = message(byTwo);
  ASSERT_TRUE(mapped);
  EXPECT_NE(mapped->getValue<std::string>("mapped").find("271026005"), std::string::npos);
  listed = scripts();
  EXPECT_EQ(listed->getValue<int>("live"), 2);
  Object::Ptr latest = listed->getArray("deployments")->getObject(0);
  EXPECT_EQ(latest->getValue<std::string>("by"), "operator-user");
  EXPECT_EQ(latest->getValue<std::string>("action"), "deployed");
  EXPECT_EQ(latest->getValue<std::string>("origin").rfind("API from 127.0.0.1", 0), 0u);

  // pathhubctl lists the versions and rolls back to the first.
  const std::vector<std::string> ctl = {"--url",
                                        "http://127.0.0.1:" + std::to_string(hub_.apiPort)};
  auto run = [&](std::vector<std::string> args, const std::string& role) {
    args.insert(args.begin(), ctl.begin(), ctl.end());
    const fs::path tokenFile = hub_.dir / (role + ".token");
    std::ofstream(tokenFile) << token(role) << "\n";
    args.insert(args.begin(), {"--token-file", tokenFile.string()});
    return runProgram("pathhubctl", args);
  };
  auto shown = run({"scripts", "lab"}, "viewer");
  EXPECT_EQ(shown.exitCode, 0) << shown.err;
  EXPECT_NE(shown.out.find("live"), std::string::npos) << shown.out;
  EXPECT_NE(shown.out.find("operator-user"), std::string::npos) << shown.out;
  EXPECT_EQ(run({"scripts", "lab", "--rollback", "1"}, "viewer").exitCode, 1);
  auto back = run({"scripts", "lab", "--rollback", "1"}, "operator");
  EXPECT_EQ(back.exitCode, 0) << back.err;
  EXPECT_NE(back.out.find("version 1 is live again"), std::string::npos) << back.out;
  EXPECT_EQ(readFile(scripts_ / "map.lua"), kPassThrough);
  const std::string byOne = sendUntilMappedBy(1, "B");
  mapped = message(byOne);
  ASSERT_TRUE(mapped);
  EXPECT_FALSE(mapped->has("mapped")) << "version 1 leaves the message as received";
  listed = scripts();
  EXPECT_EQ(listed->getValue<int>("live"), 1);
  EXPECT_EQ(listed->getArray("versions")->size(), 2u);
  EXPECT_EQ(listed->getArray("deployments")->getObject(0)->getValue<std::string>("action"),
            "rolled back");
  EXPECT_EQ(run({"scripts", "lab", "--rollback", "9"}, "operator").exitCode, 1);

  // Every deployment, refused or not, and the roll-back are in the audit trail.
  auto audited = [this](const std::string& action) {
    auto audit = apiGet(hub_.apiPort, token("admin"), "/api/v1/audit?action=" + action);
    Array::Ptr entries = audit.json ? audit.json->getArray("entries") : nullptr;
    return entries ? entries->size() : 0u;
  };
  EXPECT_EQ(audited("deploy_script"), 1u);
  EXPECT_EQ(audited("deploy_script_refused"), 3u);
  EXPECT_EQ(audited("rollback_script"), 1u);
}

}  // namespace
}  // namespace pathhub

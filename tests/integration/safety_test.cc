// Clinical safety in the real hub (hazards H1 and H8, docs/safety/hazard-log.md): a result
// whose conversion to a destination's format gives a warning the channel blocks on (an NHS
// number that fails its check, by default) is not delivered there; the message goes to the
// channel's exceptions destination with the warning as the reason, the held delivery is
// failed with it (visible, replayable) and counted. A clean result is delivered as usual;
// a channel that blocks nothing delivers with the warning kept on the delivery. Beside them,
// from operational safety (issue 17): a replay goes where the routing sent the message, a
// held delivery is found by its state, a faulted channel shows on /ready.
#include <gtest/gtest.h>

#include "api_client.h"
#include "child_process.h"
#include "corpus.h"
#include "hl7/message.h"
#include "http/api_auth.h"
#include "hub_fixture.h"
#include "mllp/mllp_client.h"

namespace pathhub {
namespace {

using Poco::JSON::Object;
using testing::HubFixture;
using testing::waitUntil;

const std::string kToken = "safety-clinical-token-0123456789";
const std::string kOperator = "safety-operator-token-0123456789";

std::string oru(const std::string& controlId, const std::string& nhsNumber) {
  return "MSH|^~\\&|LIMS|RBH|EPR|GP|20260701102400+0100||ORU^R01|" + controlId + "|P|2.4\rPID|1||" +
         nhsNumber + "^^^NHS^NH||COOPER^ZOE||19620315|F\rOBR|1||F" + controlId +
         "|FOL^Folate^L|||20260701083000+0100||||||||||||||20260701100000+0100|||F\r"
         "OBX|1|NM|FOL^Folate^L||5.20|ng/mL|3.0-20.0||||F\r";
}

std::size_t files(const std::filesystem::path& dir) {
  if (!std::filesystem::exists(dir)) return 0;
  std::size_t n = 0;
  for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(dir)) ++n;
  return n;
}

class Safety : public ::testing::Test {
 protected:
  void start(const std::string& safety) {
    hub_.channelExtras += "<destination name=\"gpfhir\" type=\"file\" directory=\"" +
                          fhir_.string() +
                          "\" fileName=\"{id}.json\" codec=\"fhir-json\"/>"
                          "<destination name=\"exceptions\" type=\"file\" directory=\"" +
                          exceptions_.string() +
                          "\" fileName=\"{id}.hl7\"/>"
                          "<route destination=\"gpfhir\"/>" +
                          safety;
    hub_.apiTokens = "<token name=\"nurse\" role=\"clinical\" sha256=\"" + http::sha256Hex(kToken) +
                     "\"/>"
                     "<token name=\"ops\" role=\"operator\" sha256=\"" +
                     http::sha256Hex(kOperator) + "\"/>";
    hub_.startSink();
    hub_.startHub();
  }

  void send(const std::string& message) {
    mllp::Client client({"127.0.0.1", hub_.sourcePort});
    auto reply = client.exchange(message);
    ASSERT_TRUE(reply);
    EXPECT_NE(reply->find("MSA|AA"), std::string::npos) << *reply;
  }

  Object::Ptr api(const std::string& target) {
    const testing::ApiAnswer a = testing::apiGet(hub_.apiPort, kToken, target);
    EXPECT_EQ(a.status, 200) << target << ": " << a.body;
    return a.json ? a.json : Object::Ptr(new Object);
  }

  // destination → {state, lastError, routing.exception, response} of the message's deliveries.
  std::map<std::string, std::vector<std::string>> deliveries(const std::string& controlId) {
    std::map<std::string, std::vector<std::string>> out;
    auto page = api("/api/v1/messages?channel=lab&controlId=" + controlId);
    auto list = page->getArray("messages");
    if (!list || list->size() == 0) return out;
    const auto id = list->getObject(0)->getValue<std::int64_t>("id");
    auto d = api("/api/v1/messages/" + std::to_string(id))->getArray("deliveries");
    for (std::size_t i = 0; d && i < d->size(); ++i) {
      auto one = d->getObject(static_cast<unsigned>(i));
      auto routing = one->getObject("routing");
      out[one->getValue<std::string>("destination")] = {
          one->getValue<std::string>("state"),
          one->has("lastError") ? one->getValue<std::string>("lastError") : "",
          routing && routing->has("exception") ? routing->getValue<std::string>("exception") : "",
          one->has("response") ? one->getValue<std::string>("response") : ""};
    }
    return out;
  }

  HubFixture hub_;
  const std::filesystem::path fhir_ = hub_.dir / "fhir-out";
  const std::filesystem::path exceptions_ = hub_.dir / "exceptions";
};

TEST_F(Safety, AnInvalidNhsNumberIsHeldAndGoesToExceptionsWithTheReason) {
  start("<safety exceptions=\"exceptions\"/>");
  send(oru("GOOD1", "9434765919"));
  send(oru("BAD1", "9434765918"));  // the check digit is wrong
  ASSERT_TRUE(waitUntil([&] { return files(exceptions_) == 1 && files(fhir_) == 1; }));
  ASSERT_TRUE(waitUntil([&] { return deliveries("BAD1").size() == 2; }));
  const auto bad = deliveries("BAD1");
  EXPECT_EQ(bad.at("gpfhir")[0], "held");
  EXPECT_NE(bad.at("gpfhir")[1].find("clinical safety: codec fhir-json: [invalid-nhs-number] "
                                     "PID-3 '9434765918'"),
            std::string::npos)
      << bad.at("gpfhir")[1];
  ASSERT_TRUE(waitUntil([&] { return deliveries("BAD1").at("exceptions")[0] == "delivered"; }));
  EXPECT_NE(deliveries("BAD1").at("exceptions")[2].find("[invalid-nhs-number]"), std::string::npos);
  // The exceptions destination got the message as it was received, nothing to the receiver.
  const auto kept = std::filesystem::directory_iterator(exceptions_)->path();
  EXPECT_NE(testing::readFile(kept).find("9434765918^^^NHS^NH"), std::string::npos);
  const auto good = deliveries("GOOD1");
  EXPECT_EQ(good.at("gpfhir")[0], "delivered");
  EXPECT_EQ(good.count("exceptions"), 0u);
  // Found by its delivery's state and destination (issue 17, item 4).
  auto held = api("/api/v1/messages?channel=lab&deliveryState=held&destination=gpfhir");
  ASSERT_EQ(held->getArray("messages")->size(), 1u);
  EXPECT_EQ(held->getArray("messages")->getObject(0)->getValue<std::string>("controlId"), "BAD1");
  EXPECT_EQ(api("/api/v1/messages?channel=lab&deliveryState=held&destination=exceptions")
                ->getArray("messages")
                ->size(),
            0u);
  EXPECT_EQ(testing::apiGet(hub_.apiPort, kToken, "/api/v1/messages?deliveryState=lost").status,
            400);
  // Counted per destination.
  const testing::ApiAnswer metrics = testing::apiGet(hub_.apiPort, kToken, "/metrics");
  EXPECT_NE(
      metrics.body.find("pathhub_deliveries_held_total{channel=\"lab\",destination=\"gpfhir\"} 1"),
      std::string::npos)
      << metrics.body.substr(0, 400);
}

TEST_F(Safety, AChannelThatBlocksNothingDeliversAndKeepsTheWarning) {
  start("<safety block=\"\"/>");
  send(oru("BAD2", "9434765918"));
  ASSERT_TRUE(waitUntil([&] { return files(fhir_) == 1; }));
  ASSERT_TRUE(waitUntil([&] {
    auto d = deliveries("BAD2");
    return d.count("gpfhir") && d.at("gpfhir")[0] == "delivered";
  }));
  EXPECT_EQ(files(exceptions_), 0u);
  // The warning is kept with the delivery, where the API shows it.
  EXPECT_NE(deliveries("BAD2").at("gpfhir")[3].find(
                "conversion warning: [invalid-nhs-number] PID-3 '9434765918'"),
            std::string::npos)
      << deliveries("BAD2").at("gpfhir")[3];
  // The Bundle does not present the failing number as an NHS number.
  const std::string json = testing::readFile(std::filesystem::directory_iterator(fhir_)->path());
  EXPECT_EQ(json.find("https://fhir.nhs.uk/Id/nhs-number"), std::string::npos);
  EXPECT_NE(json.find("9434765918"), std::string::npos);
}

// Issue 17, item 2: a replay with no destinations named goes where the routing sent the
// message — here the FHIR destination only — never to every destination of the channel (the
// exceptions destination, the HL7 v2 sink). A bulk replay's dry run says so first.
TEST_F(Safety, AReplayGoesWhereTheRoutingSentItNotToEveryDestination) {
  start("<safety exceptions=\"exceptions\"/>");
  send(oru("GOOD3", "9434765919"));
  ASSERT_TRUE(waitUntil([&] { return files(fhir_) == 1; }));
  auto page = api("/api/v1/messages?channel=lab&controlId=GOOD3");
  const auto id = page->getArray("messages")->getObject(0)->getValue<std::int64_t>("id");
  const auto plan =
      testing::apiCall(hub_.apiPort, kOperator, "POST",
                       "/api/v1/messages/replay?channel=lab&controlId=GOOD3&dryRun=true");
  ASSERT_EQ(plan.status, 200) << plan.body;
  EXPECT_NE(plan.body.find("\"deliveriesPerDestination\":{\"gpfhir\":1}"), std::string::npos)
      << plan.body;
  EXPECT_EQ(files(fhir_), 1u);  // the dry run changed nothing
  const auto replayed = testing::apiCall(hub_.apiPort, kOperator, "POST",
                                         "/api/v1/messages/" + std::to_string(id) + "/replay");
  ASSERT_EQ(replayed.status, 200) << replayed.body;
  EXPECT_EQ(replayed.json->getValue<int>("deliveries"), 1);
  // Delivered a second time to the FHIR destination (the file of the same id is written again).
  ASSERT_TRUE(waitUntil([&] {
    auto d = api("/api/v1/messages/" + std::to_string(id))->getArray("deliveries");
    int delivered = 0;
    for (std::size_t i = 0; d && i < d->size(); ++i) {
      auto one = d->getObject(static_cast<unsigned>(i));
      delivered += one->getValue<std::string>("destination") == "gpfhir" &&
                   one->getValue<std::string>("state") == "delivered";
    }
    return delivered == 2;
  }));
  EXPECT_EQ(files(exceptions_), 0u);
  EXPECT_EQ(hub_.receivedCount(), 0u);  // the HL7 v2 sink ("gp") was never routed to
  EXPECT_EQ(deliveries("GOOD3").count("exceptions"), 0u);
  EXPECT_EQ(deliveries("GOOD3").count("gp"), 0u);
}

// Issue 17, item 5: a faulted channel shows on /ready (named, the hub "degraded") as well as
// on /api/v1/channels; the other channels go on. (The fault is one --check-config cannot see:
// a CA file that is gone when the destination starts.)
TEST(Ready, AFaultedChannelIsNamedAndTheHubIsDegraded) {
  HubFixture hub;
  hub.hubExtras = "<channel name=\"broken\"><source type=\"file\" directory=\"" +
                  (hub.dir / "broken-in").string() +
                  "\"/><destination name=\"web\" type=\"http\" url=\"https://127.0.0.1:9/in\""
                  " caFile=\"" +
                  (hub.dir / "ca-file-that-went-missing.pem").string() + "\"/></channel>";
  hub.apiTokens =
      "<token name=\"nurse\" role=\"clinical\" sha256=\"" + http::sha256Hex(kToken) + "\"/>";
  hub.startSink();
  hub.startHub();
  Poco::JSON::Object::Ptr ready;
  ASSERT_TRUE(waitUntil([&] {
    const auto a = testing::apiGet(hub.apiPort, kToken, "/ready");
    ready = a.json;
    return a.status == 200 && ready && ready->getValue<std::string>("status") == "degraded";
  }));
  auto faulted = ready->getArray("faultedChannels");
  ASSERT_EQ(faulted->size(), 1u);
  EXPECT_EQ(faulted->get(0).toString(), "broken");
  // The healthy channel still takes and delivers.
  mllp::Client client({"127.0.0.1", hub.sourcePort});
  auto reply = client.exchange(oru("STILL1", "9434765919"));
  ASSERT_TRUE(reply);
  EXPECT_NE(reply->find("MSA|AA"), std::string::npos);
  ASSERT_TRUE(waitUntil([&] { return hub.receivedCount() >= 1; }));
}

TEST(SafetyConfig, CheckConfigNamesAnUnknownWarningAndDestination) {
  HubFixture hub;
  hub.channelExtras += "<safety exceptions=\"nowhere\" block=\"invalid-nhs-number,made-up\"/>";
  hub.writeConfig();
  auto r = testing::runProgram("pathhub", {"--check-config", "--config", hub.configPath.string()});
  EXPECT_NE(r.exitCode, 0);
  EXPECT_NE((r.out + r.err).find("'made-up' is not a warning name"), std::string::npos)
      << r.out << r.err;
  EXPECT_NE((r.out + r.err).find("'nowhere' is not a destination of this channel"),
            std::string::npos)
      << r.out << r.err;
}

}  // namespace
}  // namespace pathhub

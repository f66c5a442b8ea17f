// The alerts' life with the clock in the test's hands: pending until forSeconds, one notice
// when it fires, none within the quiet period, a repeat after it unless acknowledged, a
// "resolved" when it clears; rules removed by a reload; failing notifiers retried and seen.
// Notices go out through the real notifiers: a webhook receiver and a syslog socket here.
#include "alerts/alert_engine.h"

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Net/DatagramSocket.h>
#include <gtest/gtest.h>

#include <filesystem>

#include "alerts/senders.h"
#include "hub_fixture.h"
#include "webhook_receiver.h"

namespace pathhub::alerts {
namespace {

using testing::waitUntil;
using testing::WebhookReceiver;

class Engine : public ::testing::Test {
 protected:
  Engine() {
    setenv("TZ", "UTC", 1);
    tzset();
    config_.enabled = true;
    config_.retryBase = std::chrono::seconds(1);
    config_.retryAttempts = 3;
    config::AlertRule rule;
    rule.name = "gp-down";
    rule.condition = "destination_failing";
    rule.severity = "critical";
    rule.forDuration = std::chrono::seconds(120);
    rule.quiet = std::chrono::seconds(600);
    config_.rules = {rule};
    config_.webhooks = {{"ops", hooks_.url(), "json", "", "the-shared-secret", ""}};
    config::AlertRota everyone;
    everyone.name = "everyone";
    everyone.severities = config::kAlertSeverities;
    everyone.periods = config::kAlertPeriods;
    everyone.webhooks = {"ops"};
    config_.rotas = {everyone};
  }

  HubFacts facts(bool failing) {
    HubFacts f;
    f.atMs = nowMs();
    f.channels = {{"lab", "running", 0, 0, 0, 0}};
    f.destinations = {{"lab", "gp", failing, failing ? 3 : 0, 0}};
    return f;
  }
  std::int64_t nowMs() const {
    return std::chrono::duration_cast<std::chrono::milliseconds>(now_.time_since_epoch()).count();
  }
  void pass(std::chrono::seconds s) { now_ += s; }
  // The kinds of the notices the receiver accepted, in order.
  std::vector<std::string> accepted() {
    std::vector<std::string> out;
    for (const auto& p : hooks_.posts()) {
      if (p.answeredWith != 200) continue;
      out.push_back(Poco::JSON::Parser()
                        .parse(p.body)
                        .extract<Poco::JSON::Object::Ptr>()
                        ->getValue<std::string>("kind"));
    }
    return out;
  }
  bool acceptedAre(const std::vector<std::string>& kinds) {
    return waitUntil([&] { return accepted() == kinds; }, std::chrono::seconds(10));
  }

  WebhookReceiver hooks_;
  config::AlertsConfig config_;
  std::chrono::system_clock::time_point now_ =
      std::chrono::system_clock::from_time_t(1'796'000'000);  // a Thursday, 09:33 UTC
  AlertEngine::Clock clock_ = [this] { return now_; };
};

TEST_F(Engine, FiresAfterForSecondsOnceWithinTheQuietPeriodAndResolves) {
  Dispatcher dispatcher(config_);
  AlertEngine engine(config_, dispatcher, "hub-1", clock_);
  engine.evaluate(facts(true));
  pass(std::chrono::seconds(119));
  engine.evaluate(facts(true));
  EXPECT_TRUE(engine.view().firing.empty());  // pending: not yet two minutes
  pass(std::chrono::seconds(1));
  engine.evaluate(facts(true));
  ASSERT_EQ(engine.view().firing.size(), 1u);
  const AlertRecord fired = engine.view().firing[0];
  EXPECT_EQ(fired.rule, "gp-down");
  EXPECT_EQ(fired.destination, "gp");
  EXPECT_EQ(fired.toldRotas, std::vector<std::string>{"everyone"});
  EXPECT_EQ(fired.trueSinceMs, nowMs() - 120'000);
  ASSERT_TRUE(acceptedAre({"firing"}));
  for (int i = 0; i < 9; ++i) {  // nine more minutes: within the quiet period
    pass(std::chrono::seconds(60));
    engine.evaluate(facts(true));
  }
  pass(std::chrono::seconds(59));
  engine.evaluate(facts(true));
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_EQ(accepted(), std::vector<std::string>{"firing"});
  pass(std::chrono::seconds(1));  // ten minutes since it was told
  engine.evaluate(facts(true));
  ASSERT_TRUE(acceptedAre({"firing", "repeat"}));
  pass(std::chrono::seconds(30));
  engine.evaluate(facts(false));
  ASSERT_TRUE(acceptedAre({"firing", "repeat", "resolved"}));
  const AlertsView view = engine.view();
  EXPECT_TRUE(view.firing.empty());
  ASSERT_EQ(view.history.size(), 1u);
  EXPECT_EQ(view.history[0].state, "resolved");
  EXPECT_EQ(view.history[0].notifications, 3);
  EXPECT_EQ(view.history[0].resolvedAtMs, nowMs());
  // Signed: a receiver with the secret can check each body and its timestamp.
  for (const auto& p : hooks_.posts()) {
    EXPECT_EQ(p.signature, webhookSignature("the-shared-secret", std::stoll(p.timestamp), p.body));
    EXPECT_EQ(p.contentType, "application/json");
  }
}

TEST_F(Engine, AnAcknowledgedAlertStopsRepeatingUntilItResolves) {
  config_.rules[0].forDuration = std::chrono::seconds(0);
  config_.rules[0].quiet = std::chrono::seconds(60);
  Dispatcher dispatcher(config_);
  AlertEngine engine(config_, dispatcher, "hub-1", clock_);
  engine.evaluate(facts(true));
  pass(std::chrono::seconds(60));
  engine.evaluate(facts(true));
  ASSERT_TRUE(acceptedAre({"firing", "repeat"}));
  const std::int64_t id = engine.view().firing.at(0).id;
  auto acknowledged = engine.acknowledge(id, "ops-user");
  ASSERT_TRUE(acknowledged);
  EXPECT_EQ(acknowledged->acknowledgedBy, "ops-user");
  EXPECT_EQ(acknowledged->acknowledgedAtMs, nowMs());
  for (int i = 0; i < 5; ++i) {
    pass(std::chrono::seconds(60));
    engine.evaluate(facts(true));
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_EQ(accepted(), (std::vector<std::string>{"firing", "repeat"}));
  engine.evaluate(facts(false));
  ASSERT_TRUE(acceptedAre({"firing", "repeat", "resolved"}));
  EXPECT_EQ(engine.view().history.at(0).acknowledgedBy, "ops-user");
  // Resolved: there is nothing left to acknowledge; an unknown id is not found.
  EXPECT_EQ(engine.acknowledge(id, "ops-user").error().code, ErrorCode::kInvalidState);
  EXPECT_EQ(engine.acknowledge(999, "ops-user").error().code, ErrorCode::kNotFound);
  // The same destination failing again is a new alert, repeating again.
  engine.evaluate(facts(true));
  ASSERT_EQ(engine.view().firing.size(), 1u);
  EXPECT_NE(engine.view().firing[0].id, id);
  EXPECT_TRUE(engine.view().firing[0].acknowledgedBy.empty());
}

TEST_F(Engine, ARuleRemovedByAReloadClosesItsAlertsWithoutANotice) {
  config_.rules[0].forDuration = std::chrono::seconds(0);
  Dispatcher dispatcher(config_);
  AlertEngine engine(config_, dispatcher, "hub-1", clock_);
  engine.evaluate(facts(true));
  ASSERT_TRUE(acceptedAre({"firing"}));
  config::AlertsConfig next = config_;
  next.rules.clear();
  dispatcher.reconfigure(next);
  engine.reconfigure(next);
  engine.evaluate(facts(true));
  const AlertsView view = engine.view();
  EXPECT_TRUE(view.firing.empty());
  ASSERT_EQ(view.history.size(), 1u);
  EXPECT_EQ(view.history[0].state, "closed");
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_EQ(accepted(), std::vector<std::string>{"firing"});
}

// In a cluster the node holding the alert checks' lease speaks for the shared journal's
// figures; a node that loses it hands its alerts over quietly rather than resolving them.
TEST_F(Engine, AJournalWideAlertIsHandedOverWhenAnotherNodeChecksIt) {
  config::AlertRule backlog;
  backlog.name = "backlog";
  backlog.condition = "backlog";
  config_.rules = {backlog, config_.rules[0]};
  config_.rules[1].forDuration = std::chrono::seconds(0);
  Dispatcher dispatcher(config_);
  AlertEngine engine(config_, dispatcher, "node-a", clock_);
  HubFacts f = facts(true);
  engine.evaluate(f);
  ASSERT_TRUE(acceptedAre({"firing", "firing"}));
  f.speaksForJournal = false;  // the lease went to another node
  engine.evaluate(f);
  const AlertsView view = engine.view();
  ASSERT_EQ(view.firing.size(), 1u);  // its own destination's failure stays its own
  EXPECT_EQ(view.firing[0].rule, "gp-down");
  ASSERT_EQ(view.history.size(), 1u);
  EXPECT_EQ(view.history[0].rule, "backlog");
  EXPECT_EQ(view.history[0].state, "handed_over");
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_EQ(accepted(), (std::vector<std::string>{"firing", "firing"}));  // no "resolved"
}

// Kept in the journal: a new engine on the same journal (a restarted hub) carries on with an
// alert still firing — not told again — and closes, without a notice, one whose rule the
// configuration no longer has.
TEST_F(Engine, AnEngineOnTheSameJournalCarriesOnWithItsAlerts) {
  const auto folder = std::filesystem::temp_directory_path() /
                      ("pathhub-alert-engine-" + std::to_string(::getpid()));
  std::filesystem::create_directories(folder);
  auto journal =
      journal::Journal::open(journal::JournalOptions::sqlite((folder / "journal.db").string(), {}));
  ASSERT_TRUE(journal) << journal.error().describe();
  config_.rules[0].forDuration = std::chrono::seconds(0);
  config::AlertRule backlog;
  backlog.name = "backlog";
  backlog.condition = "backlog";
  config_.rules.push_back(backlog);
  std::int64_t id = 0;
  {
    Dispatcher dispatcher(config_);
    AlertEngine engine(config_, dispatcher, "hub-1", clock_, journal->get());
    engine.evaluate(facts(true));
    ASSERT_TRUE(acceptedAre({"firing", "firing"}));
    id = engine.view().firing.at(0).id;
    ASSERT_TRUE(engine.acknowledge(id, "ops-user"));
  }
  config_.rules.pop_back();  // restarted without the backlog rule
  Dispatcher dispatcher(config_);
  AlertEngine engine(config_, dispatcher, "hub-1", clock_, journal->get());
  ASSERT_EQ(engine.view().firing.size(), 2u);  // as they were when it stopped
  pass(std::chrono::seconds(3600));            // past the quiet period, but acknowledged
  engine.evaluate(facts(true));
  AlertsView view = engine.view();
  ASSERT_EQ(view.firing.size(), 1u);
  EXPECT_EQ(view.firing[0].id, id);
  EXPECT_EQ(view.firing[0].acknowledgedBy, "ops-user");
  ASSERT_EQ(view.history.size(), 1u);
  EXPECT_EQ(view.history[0].rule, "backlog");
  EXPECT_EQ(view.history[0].state, "closed");
  engine.evaluate(facts(false));
  ASSERT_TRUE(acceptedAre({"firing", "firing", "resolved"}));
  view = engine.view();
  EXPECT_EQ(view.history.at(0).id, id);
  EXPECT_EQ(view.history.at(0).state, "resolved");
  journal->reset();
  std::filesystem::remove_all(folder);
}

TEST_F(Engine, AFailingNotifierIsRetriedAndItsFailureShows) {
  config_.rules[0].forDuration = std::chrono::seconds(0);
  hooks_.answerWith({503, 500});
  Dispatcher dispatcher(config_);
  AlertEngine engine(config_, dispatcher, "hub-1", clock_);
  engine.evaluate(facts(true));
  ASSERT_TRUE(waitUntil([&] {
    const auto s = engine.view().notifiers;
    return s.size() == 1 && s[0].failedAttempts == 1 && s[0].failing;
  }));
  const NotifierStatus failing = engine.view().notifiers[0];
  EXPECT_EQ(failing.name, "webhook ops");
  EXPECT_EQ(failing.waiting, 1u);
  EXPECT_NE(failing.lastError.find("HTTP 503"), std::string::npos) << failing.lastError;
  // Retried after 1 s, then 2 s: the third attempt is taken.
  ASSERT_TRUE(acceptedAre({"firing"}));
  ASSERT_TRUE(waitUntil([&] { return engine.view().notifiers[0].sent == 1; }));
  const NotifierStatus recovered = engine.view().notifiers[0];
  EXPECT_FALSE(recovered.failing);
  EXPECT_EQ(recovered.failedAttempts, 2u);
  EXPECT_EQ(recovered.waiting, 0u);
  EXPECT_EQ(hooks_.posts().size(), 3u);
}

TEST_F(Engine, ANotifierThatNeverAnswersIsGivenUpAfterItsAttempts) {
  config_.rules[0].forDuration = std::chrono::seconds(0);
  config_.retryAttempts = 2;
  config_.smtp.host = "127.0.0.1";
  config_.smtp.port = testing::freePort();  // nobody listens
  config_.smtp.tls = "none";
  config_.rotas[0].webhooks.clear();
  config_.rotas[0].emails = {"lab-it@example.nhs.uk"};
  Dispatcher dispatcher(config_);
  AlertEngine engine(config_, dispatcher, "hub-1", clock_);
  engine.evaluate(facts(true));
  ASSERT_TRUE(waitUntil([&] {
    const auto s = engine.view().notifiers;
    return s.size() == 1 && s[0].givenUp == 1;
  }));
  const NotifierStatus s = engine.view().notifiers[0];
  EXPECT_EQ(s.name, "email");
  EXPECT_EQ(s.failedAttempts, 2u);
  EXPECT_EQ(s.waiting, 0u);
  EXPECT_TRUE(s.failing);
  EXPECT_NE(s.lastError.find("email through 127.0.0.1:"), std::string::npos) << s.lastError;
}

TEST_F(Engine, SyslogGetsEveryAlertOfItsSeverities) {
  Poco::Net::DatagramSocket listener(Poco::Net::SocketAddress("127.0.0.1", 0));
  listener.setReceiveTimeout(Poco::Timespan(10, 0));
  config_.rules[0].forDuration = std::chrono::seconds(0);
  config_.rotas.clear();  // nobody on a rota: syslog still has it
  config_.syslog.enabled = true;
  config_.syslog.host = "127.0.0.1:" + std::to_string(listener.address().port());
  Dispatcher dispatcher(config_);
  AlertEngine engine(config_, dispatcher, "hub-1", clock_);
  engine.evaluate(facts(true));
  char buffer[2048];
  const int n = listener.receiveBytes(buffer, sizeof buffer);
  const std::string line(buffer, n > 0 ? n : 0);
  // RFC 5424: <PRI>1 ...; local0 (16) * 8 + critical (2) = 130.
  EXPECT_EQ(line.rfind("<130>1 ", 0), 0u) << line;
  EXPECT_NE(line.find("[pathhub CRITICAL] FIRING gp-down: deliveries to destination gp of channel"
                      " lab are failing"),
            std::string::npos)
      << line;
  EXPECT_TRUE(engine.view().firing.at(0).toldRotas.empty());
}

}  // namespace
}  // namespace pathhub::alerts

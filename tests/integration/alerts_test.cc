// Alerts in the real hub (issue 26; hazard H23): a destination goes down, and after the rule's
// forSeconds the rota on duty gets one email (a local SMTP server with STARTTLS and a login)
// and one signed webhook; nothing more within the quiet period; a "resolved" of each when the
// destination is back. An acknowledged alert stops repeating, and the acknowledgement is
// audited. Rules added by a reload take effect. The rota on duty follows the (injected)
// clock: the out-of-hours rota at night, the day rota by day. No notification carries any
// part of a message.
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <set>

#include "alerts/alert_engine.h"
#include "alerts/senders.h"
#include "api_client.h"
#include "child_process.h"
#include "hub_fixture.h"
#include "mllp/mllp_client.h"
#include "role_tokens.h"
#include "smtp_test_server.h"
#include "test_certs.h"
#include "webhook_receiver.h"

namespace pathhub {
namespace {

using Poco::JSON::Object;
using testing::HubFixture;
using testing::roleTokens;
using testing::waitUntil;
using testing::WebhookReceiver;

const std::string kSmtpUser = "pathhub-alerts";
const std::string kSmtpPassword = "a-mail-password";
const std::string kSecret = "the-webhook-secret";

// A result with a patient in it: nothing of it may appear in a notification.
std::string oru(const std::string& controlId) {
  return "MSH|^~\\&|LIMS|RBH|EPR|GP|20260701102400+0100||ORU^R01|" + controlId +
         "|P|2.4\rPID|1||9434765919^^^NHS^NH||COOPER^ZOE||19620315|F\rOBR|1||F" + controlId +
         "|FOL^Folate^L|||20260701083000+0100||||||||||||||20260701100000+0100|||F\r"
         "OBX|1|NM|FOL^Folate^L||5.20|ng/mL|3.0-20.0||||F\r";
}
const std::vector<std::string> kPatientData = {"9434765919", "COOPER", "ZOE",    "19620315",
                                               "Folate",     "5.20",   "ALERT-", "RBH"};

// Quoted-printable soft line breaks and "=3D" undone: the text as the reader sees it.
std::string readable(std::string text) {
  for (std::size_t at; (at = text.find("=\r\n")) != std::string::npos;) text.erase(at, 3);
  for (std::size_t at; (at = text.find("=3D")) != std::string::npos;) text.replace(at, 3, "=");
  return text;
}

class HubAlerts : public ::testing::Test {
 protected:
  HubAlerts()
      : certs_(), smtp_(certs_.pem("server"), certs_.key("server"), kSmtpUser, kSmtpPassword) {
    std::ofstream(hub_.dir / "smtp-password") << kSmtpPassword << "\n";
    std::ofstream(hub_.dir / "webhook-secret") << kSecret << "\n";
    hub_.apiTokens = testing::roleTokenElements();
  }

  // <alerts> with `rules`, one rota on duty at all times for every severity (email and the
  // webhook), the SMTP server and the webhook.
  std::string alerts(const std::string& rules) {
    return "<alerts checkSeconds=\"1\" retrySeconds=\"1\""
           " consoleUrl=\"https://pathhub.example.nhs.uk/\">" +
           rules +
           "<rota name=\"lab-it\"><recipient email=\"lab-it@example.nhs.uk\"/>"
           "<recipient webhook=\"ops\"/></rota>"
           "<smtp host=\"127.0.0.1\" port=\"" +
           std::to_string(smtp_.port()) + "\" user=\"" + kSmtpUser + "\" passwordFile=\"" +
           (hub_.dir / "smtp-password").string() + "\" from=\"pathhub@example.nhs.uk\" caFile=\"" +
           certs_.pem("test-ca") +
           "\"/>"
           "<webhook name=\"ops\" url=\"" +
           hooks_.url() + "\" secretFile=\"" + (hub_.dir / "webhook-secret").string() +
           "\"/></alerts>";
  }

  void send(const std::string& controlId) {
    mllp::Client client({"127.0.0.1", hub_.sourcePort});
    auto reply = client.exchange(oru(controlId));
    ASSERT_TRUE(reply);
    EXPECT_NE(reply->find("MSA|AA"), std::string::npos) << *reply;
  }

  // The webhook bodies the receiver took (answered 200), parsed.
  std::vector<Object::Ptr> webhooks() {
    std::vector<Object::Ptr> out;
    for (const auto& p : hooks_.posts()) {
      if (p.answeredWith == 200) {
        out.push_back(Poco::JSON::Parser().parse(p.body).extract<Object::Ptr>());
      }
    }
    return out;
  }

  Object::Ptr api(const std::string& role, const std::string& target) {
    const testing::ApiAnswer a = testing::apiGet(hub_.apiPort, roleTokens().at(role), target);
    EXPECT_EQ(a.status, 200) << target << ": " << a.body;
    return a.json ? a.json : Object::Ptr(new Object);
  }

  // Every notification sent: no part of any message is in one.
  void expectNoMessageContent() {
    std::vector<std::string> sent;
    for (const auto& m : smtp_.messages()) sent.push_back(readable(m.text));
    for (const auto& p : hooks_.posts()) sent.push_back(p.body);
    ASSERT_FALSE(sent.empty());
    for (const auto& text : sent) {
      for (const auto& secret : kPatientData) {
        EXPECT_EQ(text.find(secret), std::string::npos) << secret << " is in:\n" << text;
      }
    }
  }

  testing::TestCertificates certs_;
  testing::SmtpTestServer smtp_;
  WebhookReceiver hooks_;
  HubFixture hub_;
};

TEST_F(HubAlerts, ADestinationDownIsToldOnceByEmailAndWebhookThenResolved) {
  ASSERT_TRUE(certs_.ok());
  ASSERT_TRUE(smtp_.ok());
  hub_.hubExtras = alerts(
      "<rule name=\"gp-down\" condition=\"destination_failing\" destination=\"gp\""
      " severity=\"critical\" forSeconds=\"2\" quietSeconds=\"3600\"/>");
  hooks_.answerWith({503});  // the webhook's first attempt fails: retried a second later
  hub_.startHub();           // the sink (destination gp) is not running
  const auto down = std::chrono::steady_clock::now();
  for (const char* id : {"ALERT-1", "ALERT-2", "ALERT-3"}) send(id);
  ASSERT_TRUE(waitUntil([&] { return smtp_.messages().size() == 1 && webhooks().size() == 1; }));
  EXPECT_GE(std::chrono::steady_clock::now() - down, std::chrono::seconds(2));

  const auto mail = smtp_.messages()[0];
  EXPECT_EQ(mail.envelopeTo, "lab-it@example.nhs.uk");
  const std::string text = readable(mail.text);
  for (const char* part :
       {"From: pathhub@example.nhs.uk", "FIRING gp-down",
        "deliveries to destination gp of channel lab are failing", "Channel: lab",
        "Destination: gp", "Console: https://pathhub.example.nhs.uk/#/alerts",
        "Auto-Submitted: auto-generated"}) {
    EXPECT_NE(text.find(part), std::string::npos) << part << " not in:\n" << text;
  }
  const Object::Ptr fired = webhooks()[0];
  EXPECT_EQ(fired->getValue<std::string>("kind"), "firing");
  EXPECT_EQ(fired->getValue<std::string>("rule"), "gp-down");
  EXPECT_EQ(fired->getValue<std::string>("destination"), "gp");
  for (const auto& p : hooks_.posts()) {
    EXPECT_EQ(p.signature, alerts::webhookSignature(kSecret, std::stoll(p.timestamp), p.body));
  }

  // The API, the metrics and pathhubctl show it firing, and the webhook's failed attempt.
  auto state = api("viewer", "/api/v1/alerts");
  ASSERT_EQ(state->getArray("firing")->size(), 1u);
  auto alert = state->getArray("firing")->getObject(0);
  EXPECT_EQ(alert->getValue<std::string>("rule"), "gp-down");
  EXPECT_EQ(alert->getValue<std::string>("severity"), "critical");
  EXPECT_EQ(alert->getArray("toldRotas")->getElement<std::string>(0), "lab-it");
  std::map<std::string, Object::Ptr> notifiers;
  for (std::size_t i = 0; i < state->getArray("notifiers")->size(); ++i) {
    auto n = state->getArray("notifiers")->getObject(static_cast<unsigned>(i));
    notifiers[n->getValue<std::string>("name")] = n;
  }
  ASSERT_EQ(notifiers.size(), 2u);
  EXPECT_EQ(notifiers["email"]->getValue<int>("sent"), 1);
  EXPECT_EQ(notifiers["webhook ops"]->getValue<int>("failedAttempts"), 1);
  EXPECT_NE(notifiers["webhook ops"]->getValue<std::string>("lastError").find("HTTP 503"),
            std::string::npos);
  const std::string metrics =
      testing::apiGet(hub_.apiPort, roleTokens().at("viewer"), "/metrics").body;
  for (const char* sample : {"pathhub_alerts_firing{rule=\"gp-down\",severity=\"critical\"} 1",
                             "pathhub_destination_failing{channel=\"lab\",destination=\"gp\"} 1",
                             "pathhub_backlog_messages{channel=\"lab\",destination=\"gp\"} 3",
                             "pathhub_alert_notifications_total{notifier=\"webhook "
                             "ops\",outcome=\"failed_attempt\"} 1"}) {
    EXPECT_NE(metrics.find(sample), std::string::npos) << sample;
  }
  // Every metric docs/prometheus/pathhub-rules.yml alerts on is one this hub exports (a
  // cluster's node metric only on a node; the disk only for a SQLite journal).
  std::ifstream rules(std::string(PATHHUB_SOURCE_DIR) + "/docs/prometheus/pathhub-rules.yml");
  const std::string ruleText((std::istreambuf_iterator<char>(rules)), {});
  std::set<std::string> named;
  for (std::size_t at = 0; (at = ruleText.find("expr: ", at)) != std::string::npos; ++at) {
    const std::size_t start = ruleText.find("pathhub_", at);
    if (start == std::string::npos || start > ruleText.find('\n', at)) continue;
    named.insert(ruleText.substr(start, ruleText.find_first_of("{ =<>[", start) - start));
  }
  EXPECT_GE(named.size(), 11u);
  for (const auto& metric : named) {
    if (metric == "pathhub_cluster_node_up") continue;
    if (metric == "pathhub_journal_disk_free_ratio" && !testing::journalIsSqlite()) continue;
    EXPECT_NE(metrics.find("# TYPE " + metric + " "), std::string::npos) << metric;
  }
  const auto tokenFile = hub_.dir / "viewer-token";
  std::ofstream(tokenFile) << roleTokens().at("viewer");
  const auto ctl = testing::runProgram(
      "pathhubctl", {"--url", "http://127.0.0.1:" + std::to_string(hub_.apiPort), "--token-file",
                     tokenFile.string(), "alerts"});
  EXPECT_EQ(ctl.exitCode, 0) << ctl.err;
  EXPECT_NE(ctl.out.find("gp-down"), std::string::npos) << ctl.out;
  EXPECT_NE(ctl.out.find("lab-it"), std::string::npos) << ctl.out;

  // Four more checks within the quiet period: nothing more is sent.
  std::this_thread::sleep_for(std::chrono::seconds(4));
  EXPECT_EQ(smtp_.messages().size(), 1u);
  EXPECT_EQ(webhooks().size(), 1u);

  hub_.startSink();  // back: the messages are delivered, and the alert resolves
  ASSERT_TRUE(waitUntil([&] { return smtp_.messages().size() == 2 && webhooks().size() == 2; }));
  EXPECT_NE(readable(smtp_.messages()[1].text).find("RESOLVED gp-down"), std::string::npos);
  EXPECT_EQ(webhooks()[1]->getValue<std::string>("kind"), "resolved");
  EXPECT_EQ(hub_.receivedCount(), 3u);
  state = api("viewer", "/api/v1/alerts");
  EXPECT_EQ(state->getArray("firing")->size(), 0u);
  ASSERT_EQ(state->getArray("history")->size(), 1u);
  EXPECT_EQ(state->getArray("history")->getObject(0)->getValue<std::string>("state"), "resolved");
  expectNoMessageContent();
}

TEST_F(HubAlerts, AnAcknowledgedAlertStopsRepeatingAndTheAcknowledgementIsAudited) {
  ASSERT_TRUE(smtp_.ok());
  hub_.hubExtras = alerts(
      "<rule name=\"gp-backlog\" condition=\"backlog\" destination=\"gp\" threshold=\"0\""
      " severity=\"warning\" quietSeconds=\"2\"/>");
  hub_.startHub();
  send("ALERT-4");
  ASSERT_TRUE(waitUntil([&] { return webhooks().size() >= 2; }));  // fired, and repeated
  EXPECT_EQ(webhooks()[1]->getValue<std::string>("kind"), "repeat");
  const auto id = api("viewer", "/api/v1/alerts")
                      ->getArray("firing")
                      ->getObject(0)
                      ->getValue<std::int64_t>("id");
  const std::string target = "/api/v1/alerts/" + std::to_string(id) + "/acknowledge";
  EXPECT_EQ(testing::apiCall(hub_.apiPort, roleTokens().at("viewer"), "POST", target).status, 403);
  const auto acknowledged =
      testing::apiCall(hub_.apiPort, roleTokens().at("operator"), "POST", target);
  ASSERT_EQ(acknowledged.status, 200) << acknowledged.body;
  EXPECT_EQ(acknowledged.json->getObject("acknowledged")->getValue<std::string>("by"),
            "operator-user");
  EXPECT_EQ(testing::apiCall(hub_.apiPort, roleTokens().at("operator"), "POST",
                             "/api/v1/alerts/999/acknowledge")
                .status,
            404);
  std::this_thread::sleep_for(std::chrono::seconds(1));  // a repeat already on its way lands
  const std::size_t told = webhooks().size();
  std::this_thread::sleep_for(std::chrono::seconds(5));  // two quiet periods and more
  EXPECT_EQ(webhooks().size(), told);
  const auto audit = api("admin", "/api/v1/audit?action=acknowledge_alert");
  ASSERT_EQ(audit->getArray("entries")->size(), 1u);
  auto entry = audit->getArray("entries")->getObject(0);
  EXPECT_EQ(entry->getValue<std::string>("user"), "operator-user");
  EXPECT_EQ(entry->getValue<std::string>("target"), std::to_string(id));

  hub_.startSink();  // resolved: told even though acknowledged
  ASSERT_TRUE(
      waitUntil([&] { return webhooks().back()->getValue<std::string>("kind") == "resolved"; }));
  expectNoMessageContent();
}

// The alerts are kept in the journal: a hub that restarts while one fires carries on with it
// (the same alert, still acknowledged, not told again) and tells its resolution.
TEST_F(HubAlerts, ARestartedHubCarriesOnWithItsAlertsAndTheirAcknowledgements) {
  ASSERT_TRUE(smtp_.ok());
  hub_.hubExtras = alerts(
      "<rule name=\"gp-backlog\" condition=\"backlog\" destination=\"gp\" quietSeconds=\"2\"/>");
  hub_.startHub();
  send("ALERT-6");
  ASSERT_TRUE(waitUntil([&] { return webhooks().size() == 1; }));
  const auto id = webhooks()[0]->getValue<std::int64_t>("alert");
  const auto acknowledged =
      testing::apiCall(hub_.apiPort, roleTokens().at("operator"), "POST",
                       "/api/v1/alerts/" + std::to_string(id) + "/acknowledge");
  ASSERT_EQ(acknowledged.status, 200) << acknowledged.body;
  std::this_thread::sleep_for(std::chrono::seconds(1));  // a repeat already on its way lands
  const std::size_t told = webhooks().size();
  ASSERT_EQ(hub_.stopHub(), 0);
  hub_.startHub();
  std::this_thread::sleep_for(std::chrono::seconds(4));  // checks, and two quiet periods
  EXPECT_EQ(webhooks().size(), told) << "told again after the restart";
  auto state = api("viewer", "/api/v1/alerts");
  ASSERT_EQ(state->getArray("firing")->size(), 1u);
  auto alert = state->getArray("firing")->getObject(0);
  EXPECT_EQ(alert->getValue<std::int64_t>("id"), id);
  EXPECT_EQ(alert->getObject("acknowledged")->getValue<std::string>("by"), "operator-user");
  hub_.startSink();
  ASSERT_TRUE(
      waitUntil([&] { return webhooks().back()->getValue<std::string>("kind") == "resolved"; }));
  EXPECT_EQ(webhooks().back()->getValue<std::int64_t>("alert"), id);
  // Restarted again: the history is still there.
  ASSERT_EQ(hub_.stopHub(), 0);
  hub_.startHub();
  state = api("viewer", "/api/v1/alerts");
  EXPECT_EQ(state->getArray("firing")->size(), 0u);
  ASSERT_EQ(state->getArray("history")->size(), 1u);
  EXPECT_EQ(state->getArray("history")->getObject(0)->getValue<std::int64_t>("id"), id);
  EXPECT_EQ(state->getArray("history")->getObject(0)->getValue<std::string>("state"), "resolved");
}

TEST_F(HubAlerts, RulesAddedByAReloadTakeEffect) {
  ASSERT_TRUE(smtp_.ok());
  hub_.hubExtras = alerts("");
  hub_.startHub();
  send("ALERT-5");
  std::this_thread::sleep_for(std::chrono::seconds(3));
  EXPECT_TRUE(hooks_.posts().empty());
  hub_.hubExtras =
      alerts("<rule name=\"gp-down\" condition=\"destination_failing\" severity=\"critical\"/>");
  hub_.writeConfig();
  const auto reload =
      testing::apiCall(hub_.apiPort, roleTokens().at("admin"), "POST", "/api/v1/reload");
  ASSERT_EQ(reload.status, 200) << reload.body;
  EXPECT_NE(reload.body.find("alerts (1 rules, 1 rotas)"), std::string::npos) << reload.body;
  ASSERT_TRUE(waitUntil([&] { return webhooks().size() == 1; }));
  EXPECT_EQ(webhooks()[0]->getValue<std::string>("rule"), "gp-down");
}

// The rota on duty follows the clock, injected here: the engine the hub runs, with the real
// notifiers (the SMTP server and the webhook receiver).
class Rotas : public ::testing::Test {
 protected:
  Rotas() : smtp_(certs_.pem("server"), certs_.key("server"), kSmtpUser, kSmtpPassword) {
    setenv("TZ", "UTC", 1);
    tzset();
    config_.enabled = true;
    config_.bankHolidayDates = {"2026-12-25"};
    config::AlertRule rule;
    rule.name = "gp-down";
    rule.condition = "destination_failing";
    rule.severity = "critical";
    config_.rules = {rule};
    config_.smtp.host = "127.0.0.1";
    config_.smtp.port = smtp_.port();
    config_.smtp.user = kSmtpUser;
    config_.smtp.password = kSmtpPassword;
    config_.smtp.caFile = certs_.pem("test-ca");
    config_.webhooks = {{"on-call-pager", hooks_.url(), "slack", "", "", ""}};
    config::AlertRota day{
        "day", {"warning", "critical"}, {"working-hours"}, {"day@example.nhs.uk"}, {}};
    config::AlertRota night{"on-call",
                            {"critical"},
                            {"out-of-hours", "weekend", "bank-holiday"},
                            {"on-call@example.nhs.uk"},
                            {"on-call-pager"}};
    config_.rotas = {day, night};
  }

  alerts::HubFacts facts(bool failing) {
    alerts::HubFacts f;
    f.atMs = std::chrono::duration_cast<std::chrono::milliseconds>(now_.time_since_epoch()).count();
    f.channels = {{"lab", "running", 0, 0, 0, 0}};
    f.destinations = {{"lab", "gp", failing, 1, 0}};
    return f;
  }
  static std::chrono::system_clock::time_point at(const char* iso) {
    std::tm t{};
    strptime(iso, "%Y-%m-%dT%H:%M", &t);
    return std::chrono::system_clock::from_time_t(timegm(&t));
  }
  static std::string notifierErrors(alerts::AlertEngine& engine) {
    std::string out;
    for (const auto& n : engine.view().notifiers) out += n.name + ": " + n.lastError + "\n";
    return out;
  }
  // Fires and resolves the alert at `when`; returns the rotas it told.
  std::vector<std::string> fireAt(alerts::AlertEngine& engine, const char* when) {
    now_ = at(when);
    engine.evaluate(facts(true));
    auto told = engine.view().firing.at(0).toldRotas;
    engine.evaluate(facts(false));
    return told;
  }

  testing::TestCertificates certs_;
  testing::SmtpTestServer smtp_;
  WebhookReceiver hooks_;
  config::AlertsConfig config_;
  std::chrono::system_clock::time_point now_;
};

TEST_F(Rotas, TheOutOfHoursRotaAtNightAndTheDayRotaByDay) {
  ASSERT_TRUE(smtp_.ok());
  alerts::Dispatcher dispatcher(config_);
  alerts::AlertEngine engine(config_, dispatcher, "hub-1", [this] { return now_; });
  // Thursday 3 December 2026, 03:00: out of hours.
  EXPECT_EQ(fireAt(engine, "2026-12-03T03:00"), std::vector<std::string>{"on-call"});
  ASSERT_TRUE(waitUntil([&] { return smtp_.messages().size() == 2 && hooks_.posts().size() == 2; }))
      << notifierErrors(engine);
  EXPECT_EQ(smtp_.messages()[0].envelopeTo, "on-call@example.nhs.uk");
  EXPECT_EQ(smtp_.messages()[1].envelopeTo, "on-call@example.nhs.uk");  // its resolution
  // The same day at 11:00: the day rota, by email only.
  EXPECT_EQ(fireAt(engine, "2026-12-03T11:00"), std::vector<std::string>{"day"});
  ASSERT_TRUE(waitUntil([&] { return smtp_.messages().size() == 4; }));
  EXPECT_EQ(smtp_.messages()[2].envelopeTo, "day@example.nhs.uk");
  EXPECT_EQ(hooks_.posts().size(), 2u);
  // Christmas Day at 11:00 (a Friday, a bank holiday) and Saturday at 11:00: on call.
  EXPECT_EQ(fireAt(engine, "2026-12-25T11:00"), std::vector<std::string>{"on-call"});
  EXPECT_EQ(fireAt(engine, "2026-12-05T11:00"), std::vector<std::string>{"on-call"});
  ASSERT_TRUE(
      waitUntil([&] { return smtp_.messages().size() == 8 && hooks_.posts().size() == 6; }));
  EXPECT_EQ(smtp_.messages()[4].envelopeTo, "on-call@example.nhs.uk");
  // The pager's webhook takes Slack's shape.
  auto body = Poco::JSON::Parser().parse(hooks_.posts()[0].body).extract<Object::Ptr>();
  EXPECT_EQ(body->getNames(), std::vector<std::string>{"text"});
  EXPECT_EQ(body->getValue<std::string>("text").rfind("[pathhub CRITICAL] FIRING gp-down", 0), 0u);
}

}  // namespace
}  // namespace pathhub

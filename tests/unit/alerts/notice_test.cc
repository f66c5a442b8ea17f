// How a notice reads: the email's subject and text, each webhook format (parsed back as JSON),
// and the signature a receiver checks.
#include "alerts/notice.h"

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <gtest/gtest.h>

#include "alerts/senders.h"
#include "common/digest.h"

namespace pathhub::alerts {
namespace {

Notice notice(const std::string& kind = "firing") {
  Notice n;
  n.kind = kind;
  n.alertId = 42;
  n.rule = "gp-down";
  n.severity = "critical";
  n.condition = "destination_failing";
  n.channel = "lab";
  n.destination = "gp";
  n.summary = "deliveries to destination gp of channel lab are failing; 12 messages wait";
  n.firedAtMs = 1'796'000'000'000;
  n.atMs = n.firedAtMs + 60'000;
  n.hub = "hub-1";
  n.link = "https://pathhub.example.nhs.uk/#/alerts";
  n.period = "out-of-hours";
  return n;
}

Poco::JSON::Object::Ptr parsed(const std::string& body) {
  return Poco::JSON::Parser().parse(body).extract<Poco::JSON::Object::Ptr>();
}

TEST(Notice, SubjectAndTextNameTheAlertItsPlaceAndTheConsole) {
  EXPECT_EQ(noticeSubject(notice()),
            "[pathhub CRITICAL] FIRING gp-down: deliveries to destination gp of channel lab are"
            " failing; 12 messages wait");
  EXPECT_EQ(noticeSubject(notice("resolved")).substr(0, 36),
            "[pathhub CRITICAL] RESOLVED gp-down:");
  EXPECT_NE(noticeSubject(notice("repeat")).find("STILL FIRING"), std::string::npos);
  const std::string text = noticeText(notice());
  for (const char* line :
       {"Channel: lab\n", "Destination: gp\n", "Hub: hub-1\n",
        "Console: https://pathhub.example.nhs.uk/#/alerts\n",
        "Rule: gp-down (destination_failing, critical)\n", "pathhubctl alerts --acknowledge 42"}) {
    EXPECT_NE(text.find(line), std::string::npos) << line << " not in:\n" << text;
  }
  EXPECT_EQ(noticeText(notice("resolved")).find("--acknowledge"), std::string::npos);
}

TEST(Notice, WebhookBodiesInEachFormat) {
  auto json = parsed(webhookBody(notice(), "json"));
  EXPECT_EQ(json->getValue<std::string>("kind"), "firing");
  EXPECT_EQ(json->getValue<int>("alert"), 42);
  EXPECT_EQ(json->getValue<std::string>("destination"), "gp");
  EXPECT_EQ(json->getValue<std::string>("period"), "out-of-hours");
  EXPECT_EQ(json->getValue<std::string>("text"), noticeSubject(notice()));

  auto slack = parsed(webhookBody(notice(), "slack"));
  EXPECT_EQ(slack->getNames(), std::vector<std::string>{"text"});
  EXPECT_EQ(slack->getValue<std::string>("text"),
            noticeSubject(notice()) + "\nhttps://pathhub.example.nhs.uk/#/alerts");

  auto teams = parsed(webhookBody(notice(), "teams"));
  EXPECT_EQ(teams->getValue<std::string>("@type"), "MessageCard");
  EXPECT_EQ(teams->getValue<std::string>("themeColor"), "C62828");
  EXPECT_NE(teams->getValue<std::string>("text").find("Channel: lab\n\n"), std::string::npos);
  auto action = teams->getArray("potentialAction")->getObject(0);
  EXPECT_EQ(action->getValue<std::string>("@type"), "OpenUri");
  EXPECT_EQ(parsed(webhookBody(notice("resolved"), "teams"))->getValue<std::string>("themeColor"),
            "2E7D32");
}

TEST(Notice, SignaturesAreHmacSha256OverTimestampAndBody) {
  // RFC 4231, test case 2.
  EXPECT_EQ(hmacSha256Hex("Jefe", "what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  EXPECT_EQ(webhookSignature("s3cret", 1700000000, "{}"),
            "sha256=" + hmacSha256Hex("s3cret", "1700000000.{}"));
  EXPECT_NE(webhookSignature("s3cret", 1700000001, "{}"),
            webhookSignature("s3cret", 1700000000, "{}"));
}

}  // namespace
}  // namespace pathhub::alerts

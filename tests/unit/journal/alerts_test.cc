// The alerts' rows (schema 5, journal/alerts.cc) on both backends: kept as they fire, change and
// resolve, and read back per owner — those firing oldest first, the others newest first.
#include "journal_fixture.h"

namespace pathhub::journal {
namespace {

class AlertJournalTest : public JournalTest {
 protected:
  AlertRecord fired(const std::string& owner, const std::string& subject) {
    AlertRecord a;
    a.owner = owner;
    a.subject = subject;
    a.state = "firing";
    a.rule = "gp-down";
    a.severity = "critical";
    a.condition = "destination_failing";
    a.channel = "lab";
    a.destination = subject.substr(subject.find('/') + 1);
    a.summary = "deliveries to destination gp of channel lab are failing; 3 messages wait";
    a.value = 3;
    a.trueSinceMs = 1000;
    a.firedAtMs = 2000;
    return a;
  }
};

TEST_P(AlertJournalTest, AlertsAreKeptAsTheyChangeAndReadBackPerOwner) {
  AlertRecord gp = fired("", "lab/gp");
  auto id = journal_->addAlert(gp);
  ASSERT_TRUE(id) << id.error().describe();
  gp.id = *id;
  AlertRecord epr = fired("", "lab/epr");
  epr.id = *journal_->addAlert(epr);
  AlertRecord other = fired("node-b", "lab/gp");
  other.id = *journal_->addAlert(other);
  EXPECT_GT(epr.id, gp.id);
  EXPECT_GT(other.id, epr.id) << "one numbering for every node";

  gp.lastNotifiedAtMs = 2000;
  gp.notifications = 1;
  gp.toldRotas = {"lab-it", "on-call"};
  gp.acknowledgedBy = "operator-user";
  gp.acknowledgedAtMs = 2500;
  ASSERT_TRUE(journal_->updateAlert(gp));
  epr.state = "resolved";
  epr.resolvedAtMs = 3000;
  epr.notifications = 2;
  ASSERT_TRUE(journal_->updateAlert(epr));

  auto firing = journal_->alertsOf("", true, 100);
  ASSERT_TRUE(firing) << firing.error().describe();
  ASSERT_EQ(firing->size(), 1u);
  const AlertRecord& back = (*firing)[0];
  EXPECT_EQ(back.id, gp.id);
  EXPECT_EQ(back.subject, "lab/gp");
  EXPECT_EQ(back.summary, gp.summary);
  EXPECT_EQ(back.value, 3);
  EXPECT_EQ(back.trueSinceMs, 1000);
  EXPECT_EQ(back.firedAtMs, 2000);
  EXPECT_EQ(back.notifications, 1);
  EXPECT_EQ(back.toldRotas, (std::vector<std::string>{"lab-it", "on-call"}));
  EXPECT_EQ(back.acknowledgedBy, "operator-user");
  EXPECT_EQ(back.acknowledgedAtMs, 2500);
  auto past = journal_->alertsOf("", false, 100);
  ASSERT_TRUE(past);
  ASSERT_EQ(past->size(), 1u);
  EXPECT_EQ((*past)[0].state, "resolved");
  EXPECT_EQ((*past)[0].resolvedAtMs, 3000);
  EXPECT_TRUE((*past)[0].toldRotas.empty());
  EXPECT_EQ(journal_->alertsOf("node-b", true, 100)->size(), 1u);
  EXPECT_TRUE(journal_->alertsOf("node-c", true, 100)->empty());
}

INSTANTIATE_JOURNAL_BACKENDS(AlertJournalTest);

}  // namespace
}  // namespace pathhub::journal

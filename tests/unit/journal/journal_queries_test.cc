// The journal's operations queries on each backend (a real SQLite file, a real PostgreSQL): search
// by each filter with paging, a message's full record, backlog per destination, and the append-only
// audit trail.
#include <Poco/Data/Session.h>
#include <gtest/gtest.h>

#include "journal/journal.h"
#include "journal_fixture.h"

namespace pathhub::journal {
namespace {

class JournalQueriesTest : public JournalTest {
 protected:
  MessageId appendWith(const std::string& controlId, const std::string& nhs,
                       const std::string& placer, const std::string& type = "ORU^R01",
                       const std::string& channel = "lab") {
    NewMessage m = message(controlId, "body of " + controlId);
    m.channel = channel;
    m.messageType = type;
    m.nhsNumber = nhs;
    m.placerOrder = placer;
    m.fillerOrder = placer.empty() ? "" : "F" + placer;
    auto a = journal_->append(m);
    EXPECT_TRUE(a) << a.error().describe();
    return a ? a->id : 0;
  }
  std::vector<std::int64_t> ids(const MessageFilter& f) {
    auto page = journal_->search(f);
    EXPECT_TRUE(page) << page.error().describe();
    std::vector<std::int64_t> out;
    if (page) {
      for (const auto& m : page->messages) out.push_back(m.id);
    }
    return out;
  }
};

TEST_P(JournalQueriesTest, SearchesByEachFilterNewestFirst) {
  const auto a = appendWith("A", "9434765919", "P1");
  const auto b = appendWith("B", "9434765870", "P2", "ADT^A01");
  const auto c = appendWith("C", "9434765919", "P3", "ORU^R01", "other");
  using V = std::vector<std::int64_t>;
  EXPECT_EQ(ids({}), (V{c, b, a}));
  MessageFilter f;
  f.nhsNumber = "9434765919";
  EXPECT_EQ(ids(f), (V{c, a}));
  f.nhsNumber = "943 476 5919";  // as lib.nhs.format prints it (issue 17, item 13)
  EXPECT_EQ(ids(f), (V{c, a}));
  f = {};
  f.channel = "lab";
  EXPECT_EQ(ids(f), (V{b, a}));
  f = {};
  f.placerOrder = "P2";
  EXPECT_EQ(ids(f), (V{b}));
  f = {};
  f.fillerOrder = "FP3";
  EXPECT_EQ(ids(f), (V{c}));
  f = {};
  f.controlId = "A";
  EXPECT_EQ(ids(f), (V{a}));
  f = {};
  f.messageType = "ORU";  // the event's family matches every trigger
  EXPECT_EQ(ids(f), (V{c, a}));
  f.messageType = "ADT^A01";
  EXPECT_EQ(ids(f), (V{b}));
  f = {};
  f.text = "body of B";
  EXPECT_EQ(ids(f), (V{b}));
  f = {};
  f.state = "received";
  EXPECT_EQ(ids(f).size(), 3u);
  f.state = "mapped";
  EXPECT_TRUE(ids(f).empty());
  f = {};
  f.fromMs = nowMs() + 60000;
  EXPECT_TRUE(ids(f).empty());
  f = {};
  f.toMs = nowMs() + 60000;
  EXPECT_EQ(ids(f).size(), 3u);
}

TEST_P(JournalQueriesTest, PagesByIdUntilNothingIsLeft) {
  std::vector<std::int64_t> all;
  for (int i = 0; i < 7; ++i) all.insert(all.begin(), appendWith("M" + std::to_string(i), "", ""));
  MessageFilter f;
  f.limit = 3;
  std::vector<std::int64_t> seen;
  for (int pages = 1;; ++pages) {
    auto page = journal_->search(f);
    ASSERT_TRUE(page);
    for (const auto& m : page->messages) seen.push_back(m.id);
    if (!page->nextBefore) {
      EXPECT_EQ(pages, 3);
      break;
    }
    EXPECT_EQ(page->messages.size(), 3u);
    f.before = *page->nextBefore;
  }
  EXPECT_EQ(seen, all);
}

TEST_P(JournalQueriesTest, DetailsHoldDeliveriesWithAnswersEventsAndScriptLines) {
  const auto id = appendWith("D1", "9434765919", "P9");
  Journal::Mapping m;
  m.id = id;
  m.mapped = std::string("MSH|^~\\&|MAPPED\r");
  m.destinations = {"gp", "epr"};
  m.notes = {"info: mapped 2 results"};
  std::vector<Journal::Mapping> batch;
  batch.push_back(std::move(m));
  ASSERT_TRUE(journal_->submitMapped(std::move(batch)).get());
  auto pending = journal_->pendingDeliveries("lab", "gp", 10);
  ASSERT_TRUE(pending);
  ASSERT_EQ(pending->size(), 1u);
  EXPECT_GT(pending->front().receivedAtMs, 0);
  ASSERT_TRUE(journal_
                  ->submitAttempts({{pending->front().deliveryId, AttemptOutcome::kDelivered, "", 0,
                                     "MSH|...\rMSA|AA|D1\r"}})
                  .get());
  auto epr = journal_->nextDelivery("lab", "epr");
  ASSERT_TRUE(epr && *epr);
  ASSERT_TRUE(journal_->recordAttempt((*epr)->deliveryId, AttemptOutcome::kRetry,
                                      "connection refused", nowMs() + 1000));

  auto d = journal_->details(id);
  ASSERT_TRUE(d) << d.error().describe();
  EXPECT_EQ(d->summary.controlId, "D1");
  EXPECT_EQ(d->nhsNumber, "9434765919");
  EXPECT_EQ(d->placerOrder, "P9");
  ASSERT_TRUE(d->mapped);
  EXPECT_EQ(*d->mapped, "MSH|^~\\&|MAPPED\r");
  ASSERT_EQ(d->deliveries.size(), 2u);
  EXPECT_EQ(d->deliveries[0].destination, "gp");
  EXPECT_EQ(d->deliveries[0].state, "delivered");
  EXPECT_EQ(d->deliveries[0].response, "MSH|...\rMSA|AA|D1\r");
  EXPECT_EQ(d->deliveries[1].state, "pending");
  EXPECT_EQ(d->deliveries[1].lastError, "connection refused");
  EXPECT_EQ(d->deliveries[1].attempts, 1);
  bool sawNote = false, sawAttempt = false;
  for (const auto& e : d->events) {
    sawNote |= e.kind == "script_log" && e.detail == "info: mapped 2 results";
    sawAttempt |= e.kind == "attempt_failed" && e.detail == "epr: connection refused";
  }
  EXPECT_TRUE(sawNote);
  EXPECT_TRUE(sawAttempt);

  auto backlog = journal_->backlog("lab");
  ASSERT_TRUE(backlog);
  ASSERT_EQ(backlog->size(), 1u);
  EXPECT_EQ(backlog->front().destination, "epr");
  EXPECT_EQ(backlog->front().pending, 1);
  EXPECT_EQ(backlog->front().oldestReceivedAtMs, d->summary.receivedAtMs);  // the one waiting

  auto missing = journal_->details(id + 100);
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);
}

TEST_P(JournalQueriesTest, ScriptLinesOfAFailedMessageAreKept) {
  const auto id = appendWith("F1", "", "");
  ASSERT_TRUE(journal_->markFailed(id, "script error", {"warning: no OBX"}));
  auto d = journal_->details(id);
  ASSERT_TRUE(d);
  EXPECT_EQ(d->summary.state, "failed");
  ASSERT_GE(d->events.size(), 2u);
  EXPECT_EQ(d->events[0].kind, "script_log");
  EXPECT_EQ(d->events[0].detail, "warning: no OBX");
}

TEST_P(JournalQueriesTest, AuditTrailOnlyGrows) {
  for (int i = 0; i < 5; ++i) {
    AuditEntry e;
    e.user = i % 2 ? "ada" : "bob";
    e.role = "admin";
    e.action = i < 3 ? "view_message" : "replay_message";
    e.target = std::to_string(i);
    e.peer = "127.0.0.1:1";
    ASSERT_TRUE(journal_->audit(e));
  }
  AuditFilter f;
  f.limit = 2;
  auto page = journal_->auditTrail(f);
  ASSERT_TRUE(page);
  ASSERT_EQ(page->entries.size(), 2u);
  EXPECT_EQ(page->entries[0].target, "4");
  EXPECT_GT(page->entries[0].atMs, 0);
  ASSERT_TRUE(page->nextBefore);
  f.before = *page->nextBefore;
  f.limit = 50;
  EXPECT_EQ(journal_->auditTrail(f)->entries.size(), 3u);
  f = {};
  f.user = "ada";
  f.action = "view_message";
  ASSERT_EQ(journal_->auditTrail(f)->entries.size(), 1u);

  // Not even a direct connection to the journal may change or remove an entry.
  Poco::Data::Session s = directSession();
  EXPECT_THROW((s << "UPDATE audit SET \"user\" = 'mallory'", Poco::Data::Keywords::now),
               Poco::Exception);
  EXPECT_THROW((s << "DELETE FROM audit", Poco::Data::Keywords::now), Poco::Exception);
  if (GetParam() == "postgresql") {
    EXPECT_THROW((s << "TRUNCATE audit", Poco::Data::Keywords::now), Poco::Exception);
  }
  EXPECT_EQ(journal_->auditTrail({})->entries.size(), 5u);
  // Pruning everything finished leaves the trail alone.
  ASSERT_TRUE(journal_->prune(0));
  EXPECT_EQ(journal_->auditTrail({})->entries.size(), 5u);
}

INSTANTIATE_JOURNAL_BACKENDS(JournalQueriesTest);

}  // namespace
}  // namespace pathhub::journal

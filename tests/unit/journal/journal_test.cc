// The journal on each backend (a real SQLite file, a real PostgreSQL): group commit, dedupe,
// states, delivery order, replay, retention.
#include "journal/journal.h"

#include <Poco/Data/Session.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <future>
#include <mutex>
#include <set>
#include <thread>

#include "expect_error.h"
#include "journal_fixture.h"
#include "test_certs.h"

namespace pathhub::journal {
namespace {

// For the writer's tests: a table `probe` of the writer's own, and how many rows it has.
void createProbe(GroupCommitter& writer, const std::string& column) {
  ASSERT_TRUE(writer.run([&column](SqlConnection& c) -> std::function<void()> {
    c.run("CREATE TABLE probe(" + column + ")");
    return nullptr;
  }));
}
std::int64_t probeRows(GroupCommitter& writer) {
  std::int64_t rows = -1;
  EXPECT_TRUE(writer.run([&rows](SqlConnection& c) -> std::function<void()> {
    rows = c.integer("SELECT COUNT(*) FROM probe").value_or(0);
    return nullptr;
  }));
  return rows;
}

TEST_F(SqliteJournalTest, OpensInWalModeAndKeepsMessagesAcrossReopen) {
  const MessageId id = append("M1");
  open();
  auto record = journal_->message(id);
  ASSERT_TRUE(record);
  EXPECT_EQ(record->state, "received");
  EXPECT_EQ(record->controlId, "M1");
  EXPECT_TRUE(std::filesystem::exists(path_.string() + "-wal"));
}

TEST_P(JournalTest, ConcurrentAppendsShareCommits) {
  constexpr int kThreads = 8, kEach = 50;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) append("T" + std::to_string(t) + "-" + std::to_string(i));
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(*journal_->countMessages("lab", "received"), kThreads * kEach);
  EXPECT_EQ(journal_->writer().jobs(), static_cast<std::uint64_t>(kThreads * kEach));
  // Group commit: fewer transactions than writes (each fsync carried several messages).
  EXPECT_LT(journal_->writer().commits(), journal_->writer().jobs());
}

TEST_P(JournalTest, AFailingJobFailsAloneAndTheRestOfItsBatchCommits) {
  auto& writer = journal_->writer();
  createProbe(writer, "v INTEGER");
  auto insert = [](int v) {
    return [v](SqlConnection& c) -> std::function<void()> {
      c.run("INSERT INTO probe(v) VALUES(?)", v);
      return nullptr;
    };
  };
  std::vector<std::future<Result<void>>> results;
  for (int v = 0; v < 20; ++v) {
    if (v == 7) {
      results.push_back(writer.submit([](SqlConnection& c) -> std::function<void()> {
        c.run("INSERT INTO no_such_table VALUES(1)");
        return nullptr;
      }));
    } else {
      results.push_back(writer.submit(insert(v)));
    }
  }
  for (int v = 0; v < 20; ++v) {
    auto r = results[static_cast<std::size_t>(v)].get();
    EXPECT_EQ(static_cast<bool>(r), v != 7) << v;
  }
  EXPECT_EQ(probeRows(writer), 19);  // every job but the failing one, each exactly once
}

// Statements sent ahead (SqlConnection::send; PostgreSQL's pipeline mode): their answers are
// there by the time the job's after-commit work runs, and one that fails is found when the
// answers are read — in a later job's statement or at COMMIT — yet fails its own job alone.
TEST_P(JournalTest, AStatementSentAheadThatFailsFailsItsOwnJobAlone) {
  auto& writer = journal_->writer();
  createProbe(writer, "v INTEGER CONSTRAINT not_seven CHECK (v <> 7)");
  std::vector<std::int64_t> answers(20, -1);
  std::vector<std::int64_t> seenAfterCommit(20, -1);
  std::vector<std::future<Result<void>>> results;
  for (int v = 0; v < 20; ++v) {
    results.push_back(writer.submit([v, &answers, &seenAfterCommit](SqlConnection& c) {
      const auto i = static_cast<std::size_t>(v);
      c.send(
          "INSERT INTO probe(v) VALUES(?) RETURNING v * 10",
          [&answers, i](const SqlStatement& q) { answers[i] = q.int64(0); }, v);
      // Every third job also waits for an answer of its own, which reads the earlier ones.
      if (v % 3 == 0) c.integer("SELECT COUNT(*) FROM probe");
      return std::function<void()>(
          [&answers, &seenAfterCommit, i] { seenAfterCommit[i] = answers[i]; });
    }));
  }
  for (int v = 0; v < 20; ++v) {
    auto r = results[static_cast<std::size_t>(v)].get();
    EXPECT_EQ(static_cast<bool>(r), v != 7) << v;
    if (v == 7) {
      ASSERT_FALSE(r);
      EXPECT_NE(r.error().describe().find("not_seven"), std::string::npos) << r.error().describe();
    } else {
      EXPECT_EQ(seenAfterCommit[static_cast<std::size_t>(v)], v * 10) << v;
    }
  }
  EXPECT_EQ(probeRows(writer), 19);  // every job but the failing one, each exactly once
}

TEST_P(JournalTest, AJobThatThrowsWhileAStatementSentAheadHasFailedLeavesNoTransactionOpen) {
  auto& writer = journal_->writer();
  createProbe(writer, "v INTEGER CONSTRAINT not_seven CHECK (v <> 7)");
  std::vector<std::future<Result<void>>> results;
  for (int v = 0; v < 10; ++v) {
    results.push_back(writer.submit([v](SqlConnection& c) -> std::function<void()> {
      // Job 3 sends a statement that fails; job 5 fails on its own before any answer is read.
      c.send(
          "INSERT INTO probe(v) VALUES(?)", [](const SqlStatement&) {}, v == 3 ? 7 : 10 + v);
      if (v == 5) throw std::runtime_error("job 5's own failure");
      return nullptr;
    }));
  }
  for (int v = 0; v < 10; ++v) {
    auto r = results[static_cast<std::size_t>(v)].get();
    EXPECT_EQ(static_cast<bool>(r), v != 3 && v != 5) << v;
    if (!r) {
      EXPECT_NE(r.error().describe().find(v == 3 ? "not_seven" : "job 5's own failure"),
                std::string::npos)
          << r.error().describe();
    }
  }
  // The next transactions start clean: nothing of the failed attempts was left open.
  ASSERT_TRUE(writer.run([](SqlConnection& c) -> std::function<void()> {
    c.run("INSERT INTO probe(v) VALUES(100)");
    return nullptr;
  }));
  EXPECT_EQ(probeRows(writer), 9);  // the eight good jobs, each once, and the one after
}

TEST_P(JournalTest, TheSameMessageFromManySendersAtOnceIsRecordedOnceAndTheRestAreDuplicates) {
  // The receive statements of one transaction are sent ahead together: each must still see
  // the ones before it.
  constexpr int kSenders = 12;
  std::vector<std::thread> threads;
  std::mutex mutex;
  std::vector<Appended> outcomes;
  std::set<MessageId> announced;
  for (int t = 0; t < kSenders; ++t) {
    threads.emplace_back([&] {
      auto a = journal_->append(message("SAME"), [&](MessageId id) {
        std::lock_guard lock(mutex);
        announced.insert(id);
      });
      std::lock_guard lock(mutex);
      ASSERT_TRUE(a);
      outcomes.push_back(*a);
    });
  }
  for (auto& t : threads) t.join();
  ASSERT_EQ(outcomes.size(), static_cast<std::size_t>(kSenders));
  MessageId original = 0;
  for (const Appended& a : outcomes) {
    if (!a.duplicate) {
      EXPECT_EQ(original, 0) << "recorded as new twice";
      original = a.id;
    }
  }
  ASSERT_NE(original, 0);
  for (const Appended& a : outcomes) {
    if (a.duplicate) {
      EXPECT_EQ(a.duplicateOf, original);
    }
  }
  EXPECT_EQ(announced, std::set<MessageId>{original});
  EXPECT_EQ(*journal_->countMessages("lab", "received"), 1);
  EXPECT_EQ(*journal_->countMessages("lab", "duplicate"), kSenders - 1);
}

TEST_P(JournalTest, AMappingBatchKeepsEveryByteAndRoutesEachMessageInItsOwnOrder) {
  // One write for the batch: bytes that need escaping, a NUL, UTF-8 and a message left
  // unchanged all come back as they went in, and each message gets its own deliveries.
  const MessageId changed = append("B1");
  const MessageId unchanged = append("B2", "as received");
  const MessageId nowhere = append("B3");
  const std::string bytes = std::string("MSH|^~\\&|\"quoted\"|{braces},\\x00|5.1 \xC2\xB5mol/L\r") +
                            std::string(1, '\0') + "after a NUL\r";
  std::vector<Journal::Mapping> batch(3);
  batch[0].id = changed;
  batch[0].mapped = bytes;
  batch[0].destinations = {"gp", "epr"};
  batch[1].id = unchanged;
  batch[1].destinations = {"gp"};
  batch[2].id = nowhere;
  batch[2].mapped = "routed nowhere\r";
  ASSERT_TRUE(journal_->submitMapped(std::move(batch)).get());
  auto queue = journal_->pendingDeliveries("lab", "gp", 10);
  ASSERT_TRUE(queue);
  ASSERT_EQ(queue->size(), 2u);
  EXPECT_EQ((*queue)[0].messageId, changed);
  EXPECT_EQ((*queue)[0].bytes, bytes);
  EXPECT_EQ((*queue)[1].messageId, unchanged);
  EXPECT_EQ((*queue)[1].bytes, message("B2", "as received").bytes);
  auto epr = journal_->pendingDeliveries("lab", "epr", 10);
  ASSERT_TRUE(epr);
  ASSERT_EQ(epr->size(), 1u);
  EXPECT_EQ((*epr)[0].bytes, bytes);
  EXPECT_EQ(journal_->message(nowhere)->state, "mapped");
  EXPECT_EQ(*journal_->routedTo(nowhere), std::vector<std::string>{});
  // Mapped once only: the same batch again changes nothing.
  std::vector<Journal::Mapping> again(1);
  again[0].id = changed;
  again[0].mapped = "second mapping";
  again[0].destinations = {"gp"};
  ASSERT_TRUE(journal_->submitMapped(std::move(again)).get());
  EXPECT_EQ(journal_->pendingDeliveries("lab", "gp", 10)->size(), 2u);
  EXPECT_EQ((*journal_->pendingDeliveries("lab", "gp", 10))[0].bytes, bytes);
}

TEST_P(JournalTest, TheQueueLeavesOutDeliveriesMadeButNotYetRecorded) {
  std::vector<MessageId> ids;
  for (int i = 0; i < 5; ++i) {
    ids.push_back(append("Q" + std::to_string(i)));
    ASSERT_TRUE(journal_->markMapped(ids.back(), std::nullopt, {"gp"}));
  }
  auto all = journal_->pendingDeliveries("lab", "gp", 10);
  ASSERT_TRUE(all);
  ASSERT_EQ(all->size(), 5u);
  // The first two were delivered and their record is on its way: the next read skips them
  // and still fills its limit from the rest, in order.
  auto rest =
      journal_->pendingDeliveries("lab", "gp", 2, {(*all)[0].deliveryId, (*all)[1].deliveryId});
  ASSERT_TRUE(rest);
  ASSERT_EQ(rest->size(), 2u);
  EXPECT_EQ((*rest)[0].messageId, ids[2]);
  EXPECT_EQ((*rest)[1].messageId, ids[3]);
}

TEST_P(JournalTest, DedupesSameSourceControlIdAndBytesOnly) {
  const MessageId first = append("D1");
  auto again = journal_->append(message("D1"));
  ASSERT_TRUE(again);
  EXPECT_TRUE(again->duplicate);
  EXPECT_EQ(again->duplicateOf, first);
  auto changed = journal_->append(message("D1", "other content"));
  ASSERT_TRUE(changed);
  EXPECT_FALSE(changed->duplicate);
  EXPECT_TRUE(changed->sameIdOtherBytes);
  NewMessage otherSource = message("D1");
  otherSource.source = "other/mllp";
  EXPECT_FALSE(journal_->append(otherSource)->duplicate);
  EXPECT_EQ(*journal_->countMessages("lab", "duplicate"), 1);
  EXPECT_EQ(*journal_->countMessages("lab", "received"), 3);
}

TEST_P(JournalTest, DedupeWindowZeroTurnsDedupeOff) {
  open(std::chrono::seconds(0));
  append("W1");
  EXPECT_FALSE(journal_->append(message("W1"))->duplicate);
}

TEST_P(JournalTest, CommittedCallbackRunsForNewMessagesOnly) {
  std::vector<MessageId> announced;
  auto a = journal_->append(message("C1"), [&](MessageId id) { announced.push_back(id); });
  auto dup = journal_->append(message("C1"), [&](MessageId id) { announced.push_back(id); });
  NewMessage bad = message("C2");
  bad.rejected = true;
  bad.error = "unparseable";
  auto rejected = journal_->append(bad, [&](MessageId id) { announced.push_back(id); });
  ASSERT_TRUE(a && dup && rejected);
  EXPECT_EQ(announced, std::vector<MessageId>{a->id});
  EXPECT_EQ(journal_->message(rejected->id)->error, "unparseable");
}

TEST_P(JournalTest, DeliveriesWaitForEveryEarlierMessageToBeMapped) {
  const MessageId first = append("O1");
  const MessageId second = append("O2");
  ASSERT_TRUE(journal_->markMapped(second, "two", {"gp"}));
  // O2 is mapped but O1 is not: nothing may be delivered yet, or O2 would overtake O1.
  EXPECT_FALSE(journal_->nextDelivery("lab", "gp")->has_value());
  ASSERT_TRUE(journal_->markMapped(first, "one", {"gp"}));
  auto next = journal_->nextDelivery("lab", "gp");
  ASSERT_TRUE(next && *next);
  EXPECT_EQ((*next)->messageId, first);
  EXPECT_EQ((*next)->bytes, "one");
  ASSERT_TRUE(journal_->recordAttempt((*next)->deliveryId, AttemptOutcome::kDelivered, "", 0));
  EXPECT_EQ((*journal_->nextDelivery("lab", "gp"))->messageId, second);
}

TEST_P(JournalTest, DerivedMessagesAreDeliveredInTheirParentsPlace) {
  const MessageId report = append("SPLIT");
  const MessageId later = append("LATER");
  Journal::Mapping split;
  split.id = report;
  split.filtered = "split into parts";
  for (const char* part : {"P1", "P2"}) {
    Journal::Derived d;
    d.bytes = message(part).bytes;
    d.controlId = part;
    d.destinations = {"gp"};
    split.derived.push_back(d);
  }
  ASSERT_TRUE(journal_->markMapped(later, std::nullopt, {"gp"}));
  ASSERT_TRUE(journal_->submitMapped({split}).get());
  auto queue = journal_->pendingDeliveries("lab", "gp", 10);
  ASSERT_TRUE(queue);
  ASSERT_EQ(queue->size(), 3u);
  // The parts come first: they take the place of the report, which came before LATER.
  EXPECT_NE((*queue)[0].bytes.find("|P1|"), std::string::npos);
  EXPECT_NE((*queue)[1].bytes.find("|P2|"), std::string::npos);
  EXPECT_EQ((*queue)[2].messageId, later);
  EXPECT_EQ(journal_->message(report)->state, "filtered");
  EXPECT_EQ(*journal_->countMessages("lab", "mapped"), 3);
}

TEST_P(JournalTest, AnUnchangedMappingDeliversTheReceivedBytes) {
  const MessageId id = append("U1", "as received");
  ASSERT_TRUE(journal_->markMapped(id, std::nullopt, {"gp"}));
  auto next = journal_->nextDelivery("lab", "gp");
  ASSERT_TRUE(next && *next);
  EXPECT_EQ((*next)->bytes, message("U1", "as received").bytes);
  EXPECT_EQ(journal_->message(id)->mapped, message("U1", "as received").bytes);
}

TEST_P(JournalTest, MappingTwiceCreatesOneDelivery) {
  const MessageId id = append("I1");
  ASSERT_TRUE(journal_->markMapped(id, "m", {"gp", "epr"}));
  ASSERT_TRUE(journal_->markMapped(id, "m", {"gp", "epr"}));
  EXPECT_EQ(*journal_->countDeliveries("lab", "pending"), 2);
}

TEST_P(JournalTest, RetriesKeepTheDeliveryPendingWithItsError) {
  const MessageId id = append("R1");
  ASSERT_TRUE(journal_->markMapped(id, "m", {"gp"}));
  auto d = **journal_->nextDelivery("lab", "gp");
  ASSERT_TRUE(journal_->recordAttempt(d.deliveryId, AttemptOutcome::kRetry, "AE: busy", 12345));
  auto again = **journal_->nextDelivery("lab", "gp");
  EXPECT_EQ(again.attempts, 1);
  EXPECT_EQ(again.nextAttemptAtMs, 12345);
  ASSERT_TRUE(journal_->recordAttempt(d.deliveryId, AttemptOutcome::kFailed, "gave up", 0));
  EXPECT_FALSE(journal_->nextDelivery("lab", "gp")->has_value());
  EXPECT_EQ(*journal_->countDeliveries("lab", "failed"), 1);
}

// Many attempts in one write (one statement on PostgreSQL): each keeps its own outcome, error
// and receiver's answer byte for byte, whatever characters they hold.
TEST_P(JournalTest, AttemptsRecordedTogetherKeepEachOutcomeAndAnswerExactly) {
  std::vector<Journal::Attempt> batch;
  const std::vector<std::string> answers = {"MSH|^~\\&|GP||||||ACK|1|P|2.4\rMSA|AA|A1\r",
                                            "quote \" brace { } comma , back\\slash", "", "NULL",
                                            "é ü 血"};
  std::vector<MessageId> ids;
  for (std::size_t i = 0; i < answers.size(); ++i) {
    ids.push_back(append("B" + std::to_string(i)));
    ASSERT_TRUE(journal_->markMapped(ids.back(), std::nullopt, {"gp"}));
  }
  auto pending = journal_->pendingDeliveries("lab", "gp", 10);
  ASSERT_TRUE(pending);
  ASSERT_EQ(pending->size(), answers.size());
  for (std::size_t i = 0; i < answers.size(); ++i) {
    const bool retry = i == 2;
    batch.push_back(
        {(*pending)[i].deliveryId, retry ? AttemptOutcome::kRetry : AttemptOutcome::kDelivered,
         retry ? "AE: \"busy\", {later}" : "", retry ? 777 : 0, retry ? "" : answers[i]});
  }
  ASSERT_TRUE(journal_->submitAttempts(std::move(batch)).get());
  for (std::size_t i = 0; i < answers.size(); ++i) {
    auto d = journal_->details(ids[i]);
    ASSERT_TRUE(d);
    ASSERT_EQ(d->deliveries.size(), 1u);
    EXPECT_EQ(d->deliveries[0].attempts, 1);
    if (i == 2) {
      EXPECT_EQ(d->deliveries[0].state, "pending");
      EXPECT_EQ(d->deliveries[0].lastError, "AE: \"busy\", {later}");
      EXPECT_EQ(d->deliveries[0].nextAttemptAtMs, 777);
    } else {
      EXPECT_EQ(d->deliveries[0].state, "delivered");
      EXPECT_EQ(d->deliveries[0].response, answers[i]) << i;
    }
  }
}

TEST_P(JournalTest, ReplayAddsDeliveriesAndKeepsHistory) {
  const MessageId id = append("P1");
  ASSERT_TRUE(journal_->markMapped(id, "m", {"gp"}));
  auto d = **journal_->nextDelivery("lab", "gp");
  ASSERT_TRUE(journal_->recordAttempt(d.deliveryId, AttemptOutcome::kDelivered, "", 0));
  auto replayed = journal_->replay(id, {"gp"});
  ASSERT_TRUE(replayed);
  EXPECT_EQ(*replayed, 1);
  EXPECT_EQ(*journal_->countDeliveries("lab", "delivered"), 1);
  EXPECT_EQ(*journal_->countDeliveries("lab", "pending"), 1);
  const MessageId unmapped = append("P2");
  auto refused = journal_->replay(unmapped, {"gp"});
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().text.find("only mapped messages"), std::string::npos);
}

TEST_P(JournalTest, ReplayOfAFailedMappingMapsTheMessageAgain) {
  const MessageId id = append("FM1");
  ASSERT_TRUE(journal_->markFailed(id, "script error at demo.lua:3"));
  EXPECT_TRUE(journal_->unmapped("lab")->empty());
  ASSERT_TRUE(journal_->replay(id, {}));
  EXPECT_EQ(*journal_->unmapped("lab"), std::vector<MessageId>{id});
  EXPECT_EQ(journal_->message(id)->state, "received");
}

TEST_P(JournalTest, PruningNeverRemovesAnythingUndelivered) {
  const MessageId delivered = append("X1");
  const MessageId pending = append("X2");
  const MessageId unmapped = append("X3");
  ASSERT_TRUE(journal_->markMapped(delivered, "m", {"gp"}));
  ASSERT_TRUE(journal_->markMapped(pending, "m", {"gp"}));
  auto d = **journal_->nextDelivery("lab", "gp");
  ASSERT_TRUE(journal_->recordAttempt(d.deliveryId, AttemptOutcome::kDelivered, "", 0));
  // Retention 0 days: everything is old enough; only the finished message may go.
  auto removed = journal_->prune(0);
  ASSERT_TRUE(removed);
  EXPECT_EQ(*removed, 1);
  EXPECT_FAILS_WITH(journal_->message(delivered), ErrorCode::kNotFound);
  EXPECT_TRUE(journal_->message(pending));
  EXPECT_TRUE(journal_->message(unmapped));
}

INSTANTIATE_JOURNAL_BACKENDS(JournalTest);

}  // namespace
}  // namespace pathhub::journal

namespace pathhub::journal {
namespace {

// A cluster's nodes sharing one PostgreSQL journal (core/cluster): mapping work is claimed.
class ClusterJournalTest : public JournalFixture {
 protected:
  std::string backend() const override { return "postgresql"; }
  std::unique_ptr<Journal> node(const std::string& name, std::chrono::milliseconds claimFor) {
    JournalOptions o = options();
    o.node = name;
    o.claimFor = claimFor;
    auto j = Journal::open(o);
    EXPECT_TRUE(j) << j.error().describe();
    return j ? std::move(*j) : nullptr;
  }
};

TEST_F(ClusterJournalTest, NodesClaimingAtOnceShareTheWorkAndEachMessageIsMappedOnce) {
  // Received by a node that died at once: its claims (1 ms) have run out.
  auto gone = node("node-gone", std::chrono::milliseconds(1));
  for (int i = 0; i < 200; ++i) ASSERT_TRUE(gone->append(message("C" + std::to_string(i))));
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  std::mutex mutex;
  std::multiset<MessageId> claimed;
  auto work = [&](const std::string& name) {
    auto j = node(name, std::chrono::seconds(10));
    ASSERT_NE(j, nullptr);
    for (;;) {
      auto batch = j->claimUnmapped("lab", 7);
      ASSERT_TRUE(batch) << batch.error().describe();
      if (batch->empty()) return;
      for (MessageId id : *batch) ASSERT_TRUE(j->markMapped(id, std::nullopt, {"gp"}));
      std::lock_guard lock(mutex);
      claimed.insert(batch->begin(), batch->end());
    }
  };
  std::thread a(work, "node-a"), b(work, "node-b"), c(work, "node-c");
  a.join();
  b.join();
  c.join();
  EXPECT_EQ(claimed.size(), 200u) << "each message claimed by one node";
  EXPECT_EQ(std::set<MessageId>(claimed.begin(), claimed.end()).size(), 200u);
  EXPECT_EQ(*journal_->countDeliveries("lab", "pending"), 200) << "each mapped once";
}

// TLS to the database where the URL asks for it: sslmode=verify-full with the CA that signed
// the server's certificate connects over TLS; with another CA it is refused.
TEST_F(ClusterJournalTest, TheUrlsSslModeMakesTheConnectionTlsAndChecksTheServer) {
  testing::TestCertificates certificates;
  ASSERT_TRUE(certificates.ok());
  ASSERT_EQ(server_->enableTls(certificates.pem("server"), certificates.key("server")), "");
  JournalOptions o = options();
  o.url += "?sslmode=verify-full&sslrootcert=" + certificates.pem("test-ca");
  journal_.reset();
  auto tls = Journal::open(o);
  ASSERT_TRUE(tls) << tls.error().describe();
  ASSERT_TRUE((*tls)->append(message("TLS-1")));
  auto s = directSession();
  int encrypted = 0;
  s << "SELECT COUNT(*)::int FROM pg_stat_ssl JOIN pg_stat_activity USING (pid)"
       " WHERE datname = current_database() AND ssl AND pid <> pg_backend_pid()",
      Poco::Data::Keywords::into(encrypted), Poco::Data::Keywords::now;
  EXPECT_GE(encrypted, 1) << "the journal's connections are TLS";
  o.url = options().url + "?sslmode=verify-full&sslrootcert=" + certificates.pem("other-ca");
  auto stranger = Journal::open(o);
  ASSERT_FALSE(stranger) << "a server its CA did not sign is refused";
  EXPECT_NE(stranger.error().text.find("certificate"), std::string::npos) << stranger.error().text;
}

TEST_F(ClusterJournalTest, AMessageIsLeftToTheNodeThatReceivedItUntilItsClaimRunsOut) {
  auto slow = node("node-a", std::chrono::milliseconds(300));
  auto other = node("node-b", std::chrono::seconds(10));
  const MessageId id = *slow->append(message("R1")).map([](const Appended& a) { return a.id; });
  EXPECT_EQ(*slow->claimUnmapped("lab", 10), std::vector<MessageId>{id}) << "its own";
  EXPECT_TRUE(other->claimUnmapped("lab", 10)->empty()) << "a live claim is left alone";
  std::this_thread::sleep_for(std::chrono::milliseconds(400));  // node-a stalls past it
  EXPECT_EQ(*other->claimUnmapped("lab", 10), std::vector<MessageId>{id});
  EXPECT_TRUE(slow->claimUnmapped("lab", 10)->empty()) << "node-b's claim now";
  // Both map it (node-a had started before it stalled): it is recorded once.
  ASSERT_TRUE(other->markMapped(id, std::nullopt, {"gp"}));
  ASSERT_TRUE(slow->markMapped(id, std::string("changed"), {"gp", "archive"}));
  EXPECT_EQ(*journal_->countDeliveries("lab", "pending"), 1);
  EXPECT_EQ(journal_->message(id)->mapped, journal_->message(id)->bytes) << "node-b's mapping";
}

}  // namespace
}  // namespace pathhub::journal

// Destination leases on a real PostgreSQL (issue 21; core/cluster/destination_leases.h): one
// owner at a time; a lease kept by renewing it, taken over once it expires with the next
// epoch; a node that lost its lease can renew nothing, and the journal records nothing it
// delivered or held under it (Journal::submitAttempts and holdDelivery with a Fence); a
// released lease is free at once.
#include "cluster/destination_leases.h"

#include <Poco/Data/Session.h>
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "journal/journal.h"
#include "postgres_server.h"

namespace pathhub::cluster {
namespace {

using namespace Poco::Data::Keywords;
using namespace std::chrono_literals;

class DestinationLeasesTest : public testing::PostgresJournalTest {
 protected:
  void SetUp() override {
    testing::PostgresJournalTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    Poco::Data::Session s = session();
    s << "TRUNCATE destination_leases, messages, deliveries, events", now;
    journal::JournalOptions o;
    o.backend = "postgresql";
    o.url = server().url();
    o.password = testing::PostgresServer::kPassword;
    auto opened = journal::Journal::open(o);
    ASSERT_TRUE(opened) << opened.error().describe();
    journal_ = std::move(*opened);
  }
  DestinationLeases node(const std::string& name, std::chrono::milliseconds ttl = 10s) {
    return DestinationLeases(session(), name, ttl);
  }
  static journal::Journal::Fence fence(const std::string& node, const Lease& lease) {
    return {lease.channel, lease.destination, node, lease.epoch};
  }
  // A message of its own for lab's gp destination, mapped: its pending delivery's id.
  std::int64_t pendingDelivery(const std::string& controlId) {
    journal::NewMessage m;
    m.channel = "lab";
    m.source = "lab/mllp";
    m.controlId = controlId;
    m.messageType = "ORU^R01";
    m.bytes = "MSH|^~\\&|LAB||GP||202612021200||ORU^R01|" + controlId + "|P|2.4\r";
    auto appended = journal_->append(m);
    EXPECT_TRUE(appended);
    if (!appended) return 0;
    EXPECT_TRUE(journal_->markMapped(appended->id, std::nullopt, {"gp"}));
    auto pending = journal_->pendingDeliveries("lab", "gp", 1000);
    EXPECT_TRUE(pending);
    for (const auto& d : pending.value_or(std::vector<journal::PendingDelivery>{})) {
      if (d.messageId == appended->id) return d.deliveryId;
    }
    ADD_FAILURE() << "no pending delivery for " << controlId;
    return 0;
  }
  // A delivery made by `name` under `lease` and recorded as the journal records them: false
  // (refused as "lease lost", nothing written) once the lease is no longer `name`'s.
  bool record(const std::string& name, const Lease& lease, const std::string& what) {
    const std::int64_t id = pendingDelivery(what);
    auto done = journal_
                    ->submitAttempts({{id, journal::AttemptOutcome::kDelivered, "", 0, what}},
                                     fence(name, lease))
                    .get();
    if (!done) {
      EXPECT_NE(done.error().describe().find("lease lost"), std::string::npos)
          << done.error().describe();
    }
    return static_cast<bool>(done);
  }
  // Deliveries recorded as delivered with `what` as the receiver's answer.
  int recorded(const std::string& what) {
    int n = 0;
    std::string w = what;
    session() << "SELECT COUNT(*)::int FROM deliveries WHERE response = $1 AND state = 'delivered'",
        use(w), into(n), now;
    return n;
  }
  std::unique_ptr<journal::Journal> journal_;
};

TEST_F(DestinationLeasesTest, OneOwnerAtATimeAndItKeepsItsLeaseByRenewing) {
  auto a = node("node-a");
  auto b = node("node-b");
  auto first = a.acquire("lab", "gp");
  ASSERT_TRUE(first && *first) << (first ? "" : first.error().describe());
  EXPECT_EQ((*first)->epoch, 1);
  auto other = b.acquire("lab", "gp");
  ASSERT_TRUE(other);
  EXPECT_FALSE(*other) << "node-b may not take a lease node-a holds";
  EXPECT_TRUE(*a.renew(**first));
  auto again = a.acquire("lab", "gp");
  ASSERT_TRUE(again && *again);
  EXPECT_EQ((*again)->epoch, 1) << "the holder asking again keeps its epoch";
  // Another destination is a lease of its own.
  auto elsewhere = b.acquire("lab", "epr");
  ASSERT_TRUE(elsewhere && *elsewhere);
  auto held = a.holdings();
  ASSERT_TRUE(held);
  ASSERT_EQ(held->size(), 2u);
  EXPECT_EQ((*held)[0].destination, "epr");
  EXPECT_EQ((*held)[0].owner, "node-b");
  EXPECT_EQ((*held)[1].owner, "node-a");
}

TEST_F(DestinationLeasesTest, AnExpiredLeaseIsTakenOverAndTheOldOwnerCanRecordNothing) {
  auto a = node("node-a", 300ms);  // a node paused past its lease (SIGSTOP) renews nothing
  auto b = node("node-b", 10s);
  auto old = a.acquire("lab", "gp");
  ASSERT_TRUE(old && *old);
  EXPECT_TRUE(record("node-a", **old, "a-before"));
  std::this_thread::sleep_for(500ms);
  auto taken = b.acquire("lab", "gp");
  ASSERT_TRUE(taken && *taken);
  EXPECT_EQ((*taken)->epoch, 2) << "a new owner, the next epoch";
  // node-a wakes up: its lease is gone, and what it would record is refused.
  EXPECT_FALSE(*a.renew(**old));
  EXPECT_FALSE(record("node-a", **old, "a-after"));
  EXPECT_TRUE(record("node-b", **taken, "b-after"));
  EXPECT_EQ(recorded("a-before"), 1);
  EXPECT_EQ(recorded("a-after"), 0);
  EXPECT_EQ(recorded("b-after"), 1);
  // Asking again does not help node-a while node-b renews.
  EXPECT_TRUE(*b.renew(**taken));
  auto retry = a.acquire("lab", "gp");
  ASSERT_TRUE(retry);
  EXPECT_FALSE(*retry);
}

TEST_F(DestinationLeasesTest, AnExpiredLeaseCannotBeRenewedEvenBeforeAnotherNodeAsks) {
  auto a = node("node-a", 200ms);
  auto lease = a.acquire("lab", "gp");
  ASSERT_TRUE(lease && *lease);
  std::this_thread::sleep_for(400ms);
  EXPECT_FALSE(*a.renew(**lease)) << "once run out it must be asked for again";
  auto back = a.acquire("lab", "gp");
  ASSERT_TRUE(back && *back);
  EXPECT_EQ((*back)->epoch, 2) << "taken again, as a new holding";
  EXPECT_FALSE(record("node-a", **lease, "stale-epoch"));
  EXPECT_TRUE(record("node-a", **back, "new-epoch"));
}

TEST_F(DestinationLeasesTest, AReleasedLeaseIsFreeAtOnce) {
  auto a = node("node-a");
  auto b = node("node-b");
  auto lease = a.acquire("lab", "gp");
  ASSERT_TRUE(lease && *lease);
  ASSERT_TRUE(a.release(**lease));
  auto taken = b.acquire("lab", "gp");
  ASSERT_TRUE(taken && *taken) << "no wait for the expiry after a clean stop";
  EXPECT_EQ((*taken)->epoch, 2);
  EXPECT_FALSE(record("node-a", **lease, "after-release"));
}

TEST_F(DestinationLeasesTest, ATakeOverWaitsForAFencedWriteInFlight) {
  auto a = node("node-a", 300ms);
  auto lease = a.acquire("lab", "gp");
  ASSERT_TRUE(lease && *lease);
  std::this_thread::sleep_for(400ms);  // expired: another node may take it...
  // ... but node-a's fenced write began before, and holds the lease row as the journal's
  // fenced writes do (FOR SHARE, in the writer's transaction).
  Poco::Data::Session inFlight = session();
  inFlight.begin();
  std::string c = "lab", d = "gp", owner;
  inFlight << "SELECT owner FROM destination_leases WHERE channel = $1 AND destination = $2"
              " FOR SHARE",
      use(c), use(d), into(owner), now;
  auto b = node("node-b", 300ms);
  std::atomic<bool> tookOver{false};
  std::thread taker([&] {
    auto taken = b.acquire("lab", "gp");
    tookOver = taken && *taken;
  });
  std::this_thread::sleep_for(300ms);
  EXPECT_FALSE(tookOver) << "the take-over waits for the write in flight";
  inFlight.commit();
  taker.join();
  EXPECT_TRUE(tookOver) << "and then takes the lease";
}

TEST_F(DestinationLeasesTest, AHoldForSafetyByANodeThatLostItsLeaseIsNotRecorded) {
  auto a = node("node-a", 300ms);
  auto b = node("node-b", 10s);
  auto old = a.acquire("lab", "gp");
  ASSERT_TRUE(old && *old);
  const std::int64_t first = pendingDelivery("H1");
  const std::int64_t second = pendingDelivery("H2");
  std::this_thread::sleep_for(500ms);
  auto taken = b.acquire("lab", "gp");
  ASSERT_TRUE(taken && *taken);
  // node-a, paused past its lease, would hold a message and send it to the exceptions queue.
  auto stale =
      journal_->holdDelivery(first, "unit not carried", "exceptions", "", fence("node-a", **old));
  ASSERT_FALSE(stale);
  EXPECT_NE(stale.error().describe().find("lease lost"), std::string::npos)
      << stale.error().describe();
  int held = 0, exceptions = 0;
  session() << "SELECT COUNT(*)::int FROM deliveries WHERE state = 'held'", into(held), now;
  session() << "SELECT COUNT(*)::int FROM deliveries WHERE destination = 'exceptions'",
      into(exceptions), now;
  EXPECT_EQ(held, 0) << "nothing held under a lost lease";
  EXPECT_EQ(exceptions, 0) << "nor sent to the exceptions destination";
  // The owner's hold is recorded, with its epoch.
  ASSERT_TRUE(journal_->holdDelivery(second, "unit not carried", "exceptions", "",
                                     fence("node-b", **taken)));
  Poco::Int64 epoch = 0, id = second;
  std::string state;
  session() << "SELECT state, epoch FROM deliveries WHERE id = $1", use(id), into(state),
      into(epoch), now;
  EXPECT_EQ(state, "held");
  EXPECT_EQ(epoch, (*taken)->epoch);
}

}  // namespace
}  // namespace pathhub::cluster

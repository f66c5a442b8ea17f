// Destination leases on a real PostgreSQL (issue 21; core/cluster/destination_leases.h): one
// owner at a time; a lease kept by renewing it, taken over once it expires with the next
// epoch; a node that lost its lease can renew nothing and record nothing; a released lease
// is free at once.
#include "cluster/destination_leases.h"

#include <Poco/Data/Session.h>
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

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
    s << "CREATE TABLE IF NOT EXISTS recorded (what TEXT NOT NULL)", now;
    s << "TRUNCATE destination_leases, recorded", now;
  }
  DestinationLeases node(const std::string& name, std::chrono::milliseconds ttl = 10s) {
    return DestinationLeases(session(), name, ttl);
  }
  // A delivery record, written only while `lease` holds.
  bool record(DestinationLeases& leases, const Lease& lease, const std::string& what) {
    auto done = leases.fenced(lease, [&](Poco::Data::Session& s) {
      std::string w = what;
      s << "INSERT INTO recorded(what) VALUES($1)", use(w), now;
    });
    EXPECT_TRUE(done) << done.error().describe();
    return done && *done;
  }
  int recorded(const std::string& what) {
    int n = 0;
    std::string w = what;
    session() << "SELECT COUNT(*)::int FROM recorded WHERE what = $1", use(w), into(n), now;
    return n;
  }
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
  EXPECT_TRUE(record(a, **old, "a-before"));
  std::this_thread::sleep_for(500ms);
  auto taken = b.acquire("lab", "gp");
  ASSERT_TRUE(taken && *taken);
  EXPECT_EQ((*taken)->epoch, 2) << "a new owner, the next epoch";
  // node-a wakes up: its lease is gone, and what it would record is refused.
  EXPECT_FALSE(*a.renew(**old));
  EXPECT_FALSE(record(a, **old, "a-after"));
  EXPECT_TRUE(record(b, **taken, "b-after"));
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
  EXPECT_FALSE(record(a, **lease, "stale-epoch"));
  EXPECT_TRUE(record(a, **back, "new-epoch"));
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
  EXPECT_FALSE(record(a, **lease, "after-release"));
}

TEST_F(DestinationLeasesTest, ATakeOverWaitsForAFencedWriteInFlight) {
  auto a = node("node-a", 300ms);
  auto lease = a.acquire("lab", "gp");
  ASSERT_TRUE(lease && *lease);
  std::this_thread::sleep_for(400ms);  // expired: another node may take it...
  // ... but node-a's fenced write began before, and holds the lease row as fenced() does.
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

}  // namespace
}  // namespace pathhub::cluster

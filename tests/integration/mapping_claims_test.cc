// Mapping work shared by cluster nodes on a real PostgreSQL (issue 21;
// core/cluster/mapping_claims.h): nodes claiming at once get disjoint messages and together
// all of them; a claim that runs out passes to another node; each message is mapped once.
#include "cluster/mapping_claims.h"

#include <Poco/Data/Session.h>
#include <gtest/gtest.h>

#include <mutex>
#include <set>
#include <thread>

#include "postgres_server.h"

namespace pathhub::cluster {
namespace {

using namespace Poco::Data::Keywords;
using namespace std::chrono_literals;

class MappingClaimsTest : public testing::PostgresJournalTest {
 protected:
  void SetUp() override {
    testing::PostgresJournalTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    session() << "TRUNCATE messages", now;
  }
  void receive(int count) {
    auto s = session();
    s << "INSERT INTO messages(channel, source, control_id, message_type, received_at,"
         " content_hash, bytes, state) SELECT 'lab', 'lab/mllp', 'M' || n, 'ORU^R01', n, n,"
         " '\\x4d5348'::bytea, 'received' FROM generate_series(1, $1) AS n",
        use(count), now;
  }
  static void markMapped(Poco::Data::Session& s, std::int64_t id) {
    Poco::Int64 message = id;
    s << "UPDATE messages SET state = 'mapped' WHERE id = $1", use(message), now;
  }
};

TEST_F(MappingClaimsTest, NodesClaimingAtOnceShareTheWorkAndEachMessageIsMappedOnce) {
  receive(200);
  std::mutex mutex;
  std::multiset<std::int64_t> mapped;
  auto work = [&](const std::string& node) {
    MappingClaims claims(session(), node, 10s);
    for (;;) {
      auto batch = claims.claim("lab", 7);
      ASSERT_TRUE(batch) << batch.error().describe();
      if (batch->empty()) return;
      for (auto id : *batch) {
        auto done = claims.finish(id, [id](Poco::Data::Session& s) { markMapped(s, id); });
        ASSERT_TRUE(done) << done.error().describe();
        if (*done) {
          std::lock_guard lock(mutex);
          mapped.insert(id);
        }
      }
    }
  };
  std::thread a(work, "node-a"), b(work, "node-b"), c(work, "node-c");
  a.join();
  b.join();
  c.join();
  EXPECT_EQ(mapped.size(), 200u);
  EXPECT_EQ(std::set<std::int64_t>(mapped.begin(), mapped.end()).size(), 200u)
      << "no message mapped twice";
}

TEST_F(MappingClaimsTest, AClaimThatRunsOutPassesToAnotherNodeAndTheSlowNodeRecordsNothing) {
  receive(5);
  MappingClaims slow(session(), "node-a", 200ms);
  MappingClaims other(session(), "node-b", 10s);
  auto first = slow.claim("lab", 10);
  ASSERT_TRUE(first);
  ASSERT_EQ(first->size(), 5u);
  auto none = other.claim("lab", 10);
  ASSERT_TRUE(none);
  EXPECT_TRUE(none->empty()) << "a live claim is left alone";
  std::this_thread::sleep_for(300ms);  // node-a stalls past its claim
  auto taken = other.claim("lab", 10);
  ASSERT_TRUE(taken);
  EXPECT_EQ(*taken, *first) << "the same messages, oldest first";
  const auto id = first->front();
  auto late = slow.finish(id, [id](Poco::Data::Session& s) { markMapped(s, id); });
  ASSERT_TRUE(late);
  EXPECT_FALSE(*late) << "node-a's claim was taken over: it records nothing";
  auto done = other.finish(id, [id](Poco::Data::Session& s) { markMapped(s, id); });
  ASSERT_TRUE(done);
  EXPECT_TRUE(*done);
  auto twice = other.finish(id, [id](Poco::Data::Session& s) { markMapped(s, id); });
  ASSERT_TRUE(twice);
  EXPECT_FALSE(*twice) << "a mapped message is not mapped again";
}

}  // namespace
}  // namespace pathhub::cluster

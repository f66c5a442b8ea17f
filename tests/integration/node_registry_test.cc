// The cluster's nodes on a real PostgreSQL (issue 21; core/cluster/node_registry.h): a node
// that beats is alive, one that stopped beating is seen as dead after the liveness window,
// and a restart is seen as one.
#include "cluster/node_registry.h"

#include <gtest/gtest.h>

#include <thread>

#include "postgres_server.h"

namespace pathhub::cluster {
namespace {

using namespace Poco::Data::Keywords;
using namespace std::chrono_literals;

class NodeRegistryTest : public testing::PostgresJournalTest {
 protected:
  void SetUp() override {
    testing::PostgresJournalTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    session() << "TRUNCATE cluster_nodes", now;
  }
};

TEST_F(NodeRegistryTest, ANodeThatStopsBeatingIsSeenAsDead) {
  NodeRegistry a(session(), "node-a", 400ms);
  NodeRegistry b(session(), "node-b", 400ms);
  ASSERT_TRUE(a.join());
  ASSERT_TRUE(b.join());
  for (int i = 0; i < 4; ++i) {  // node-a beats; node-b went quiet
    std::this_thread::sleep_for(150ms);
    ASSERT_TRUE(a.beat());
  }
  auto nodes = a.nodes();
  ASSERT_TRUE(nodes) << nodes.error().describe();
  ASSERT_EQ(nodes->size(), 2u);
  EXPECT_EQ((*nodes)[0].name, "node-a");
  EXPECT_TRUE((*nodes)[0].alive);
  EXPECT_LT((*nodes)[0].sinceBeatMs, 400);
  EXPECT_FALSE((*nodes)[1].alive) << "node-b's last beat is " << (*nodes)[1].sinceBeatMs
                                  << " ms old";
  // node-b restarts: alive again, with a new start time.
  const auto firstStart = (*nodes)[1].startedAtMs;
  ASSERT_TRUE(b.join());
  nodes = a.nodes();
  ASSERT_TRUE(nodes);
  EXPECT_TRUE((*nodes)[1].alive);
  EXPECT_GT((*nodes)[1].startedAtMs, firstStart);
}

}  // namespace
}  // namespace pathhub::cluster

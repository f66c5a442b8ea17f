// PostgreSQL's own availability, as the cluster documentation sets it up (issue 21): a primary
// with a synchronous streaming standby. Every commit the primary acknowledged is on the standby
// when the primary is lost; the standby is promoted, and a client whose connection names both
// servers with target_session_attrs=read-write finds the new primary by itself and writes on.
#include <Poco/Data/PostgreSQL/Connector.h>
#include <Poco/Data/Session.h>
#include <gtest/gtest.h>

#include "hub_fixture.h"
#include "postgres_server.h"

namespace pathhub {
namespace {

using namespace Poco::Data::Keywords;

// Both servers, the writable one wherever it is now.
std::string bothServers(const testing::PostgresServer& a, const testing::PostgresServer& b) {
  return "host=127.0.0.1,127.0.0.1 port=" + std::to_string(a.port()) + "," +
         std::to_string(b.port()) +
         " dbname=pathhub user=pathhub password=" + testing::PostgresServer::kPassword +
         " target_session_attrs=read-write";
}

TEST(PostgresFailover, EveryAcknowledgedCommitSurvivesThePrimaryAndClientsFindTheNewOne) {
  Poco::Data::PostgreSQL::Connector::registerConnector();
  std::string whyNot;
  bool missing = false;
  auto primary = testing::PostgresServer::start(&whyNot, &missing);
  if (!primary && missing) GTEST_SKIP() << whyNot;
  ASSERT_NE(primary, nullptr) << whyNot;
  auto standby = primary->startSynchronousStandby(&whyNot);
  ASSERT_NE(standby, nullptr) << whyNot;
  const std::string url = bothServers(*primary, *standby);
  int acknowledged = 0;
  {
    Poco::Data::Session s("PostgreSQL", url);
    s << "CREATE TABLE acked (n INTEGER PRIMARY KEY)", now;
    for (int n = 1; n <= 200; ++n) {
      s << "INSERT INTO acked(n) VALUES($1)", use(n), now;  // each its own commit
      acknowledged = n;
    }
  }
  primary->crash();
  ASSERT_EQ(standby->promote(), "");
  int found = 0;
  ASSERT_TRUE(testing::waitUntil([&] {
    try {
      Poco::Data::Session s("PostgreSQL", url);
      s << "SELECT COUNT(*)::int FROM acked", into(found), now;
      int next = acknowledged + 1;
      s << "INSERT INTO acked(n) VALUES($1)", use(next), now;
      return true;
    } catch (const Poco::Exception&) {
      return false;  // still promoting
    }
  })) << "no writable server found after the promotion";
  EXPECT_EQ(found, acknowledged) << "every commit the lost primary acknowledged is there";
}

}  // namespace
}  // namespace pathhub

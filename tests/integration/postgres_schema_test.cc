// The journal's schema on a real PostgreSQL (issue 21; core/journal/postgres_schema.h): a new
// database is brought to the current version in one step and recorded; it is not migrated
// twice; messages' bytes are compressed with lz4; the audit trail refuses UPDATE, DELETE and
// TRUNCATE from the journal's own role; a database from a newer pathhub is refused.
#include "journal/postgres_schema.h"

#include <Poco/Data/Session.h>
#include <gtest/gtest.h>

#include "postgres_server.h"

namespace pathhub::journal {
namespace {

using namespace Poco::Data::Keywords;

class PostgresSchemaTest : public testing::PostgresTest {
 protected:
  // A database of the test's own, brought to the current schema.
  Poco::Data::Session freshJournal() {
    static int n = 0;
    const std::string name =
        "schema_test_" + std::to_string(::getpid()) + "_" + std::to_string(++n);
    EXPECT_EQ(server().createDatabase(name), "");
    Poco::Data::Session s = session(name);
    auto upgraded = upgradePostgresSchema(s, name, "pathhub test");
    EXPECT_TRUE(upgraded) << upgraded.error().describe();
    if (upgraded) {
      EXPECT_EQ(upgraded->from, 0);
      EXPECT_EQ(upgraded->to, kPostgresSchemaVersion);
    }
    return s;
  }
  static std::string refusal(Poco::Data::Session& s, const std::string& sql) {
    try {
      s << sql, now;
      return "";
    } catch (const Poco::Exception& e) {
      return e.displayText();
    }
  }
};

TEST_F(PostgresSchemaTest, ANewDatabaseIsBroughtToThisVersionOnceAndRecorded) {
  auto s = freshJournal();
  EXPECT_EQ(postgresSchemaVersion(s), kPostgresSchemaVersion);
  int history = 0;
  s << "SELECT COUNT(*)::int FROM schema_history", into(history), now;
  EXPECT_EQ(history, kPostgresSchemaVersion);
  std::string id;
  s << "SELECT value FROM journal_info WHERE key = 'journal_id'", into(id), now;
  EXPECT_EQ(id.size(), 36u);
  auto again = upgradePostgresSchema(s, "again", "pathhub test");
  ASSERT_TRUE(again);
  EXPECT_EQ(again->from, again->to) << "nothing to do the second time";
  s << "SELECT COUNT(*)::int FROM schema_history", into(history), now;
  EXPECT_EQ(history, kPostgresSchemaVersion);
  // The tables the journal and the cluster use are there.
  for (const char* table :
       {"messages", "deliveries", "acknowledgements", "orders", "order_history",
        "unmatched_results", "events", "audit", "destination_leases", "cluster_nodes"}) {
    EXPECT_EQ(refusal(s, std::string("SELECT COUNT(*) FROM ") + table), "") << table;
  }
}

TEST_F(PostgresSchemaTest, MessagesBytesAreCompressedWithLz4) {
  // Debian's server is built with lz4 (version 2's migration keeps pglz where it is not).
  auto s = freshJournal();
  std::string methods;
  s << "SELECT string_agg(attname::text || '=' || attcompression::text, ',' ORDER BY attname)"
       " FROM pg_attribute WHERE attrelid = 'messages'::regclass"
       " AND attname IN ('bytes', 'mapped')",
      into(methods), now;
  EXPECT_EQ(methods, "bytes=l,mapped=l");
  // And what goes in comes out.
  s << "INSERT INTO messages(channel, source, control_id, message_type, received_at,"
       " content_hash, bytes, state) VALUES('c', 's', '1', 'ORU^R01', 1, 0,"
       " convert_to(repeat('OBX|1|NM|2823-3^Potassium||4.1|mmol/L|3.5-5.3|N|||F' || chr(13), 100),"
       " 'UTF8'), 'received')",
      now;
  std::string back;
  s << "SELECT convert_from(bytes, 'UTF8') FROM messages", into(back), now;
  EXPECT_EQ(back.size(), 100u * 52u);
  EXPECT_EQ(back.substr(0, 52), "OBX|1|NM|2823-3^Potassium||4.1|mmol/L|3.5-5.3|N|||F\r");
}

TEST_F(PostgresSchemaTest, TheAuditTrailIsAppendOnlyWhoeverAsks) {
  auto s = freshJournal();
  s << "INSERT INTO audit(at, \"user\", role, action) VALUES(1, 'ada', 'admin', 'view_message')",
      now;
  EXPECT_NE(refusal(s, "UPDATE audit SET \"user\" = 'someone else'")
                .find("the audit trail cannot be changed"),
            std::string::npos);
  EXPECT_NE(refusal(s, "DELETE FROM audit").find("the audit trail cannot be changed"),
            std::string::npos);
  EXPECT_NE(refusal(s, "TRUNCATE audit").find("the audit trail cannot be changed"),
            std::string::npos);
  int rows = 0;
  s << "SELECT COUNT(*)::int FROM audit", into(rows), now;
  EXPECT_EQ(rows, 1);
}

TEST_F(PostgresSchemaTest, ADatabaseFromANewerPathhubIsRefused) {
  auto s = freshJournal();
  s << "UPDATE schema_version SET version = " + std::to_string(kPostgresSchemaVersion + 1), now;
  auto refused = upgradePostgresSchema(s, "postgresql://pathhub@db/journal", "pathhub test");
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().describe().find("written by a newer pathhub"), std::string::npos)
      << refused.error().describe();
}

}  // namespace
}  // namespace pathhub::journal

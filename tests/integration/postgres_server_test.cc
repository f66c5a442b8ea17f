// The PostgreSQL the cluster tests run on (issue 21): the test set-up starts a real server from
// Debian's packages, and pathhub's client library for it (Poco Data PostgreSQL, on libpq)
// commits, sees another session's commits, and is refused with a wrong password.
#include "postgres_server.h"

#include <Poco/Data/Session.h>
#include <gtest/gtest.h>

namespace pathhub {
namespace {

using namespace Poco::Data::Keywords;

using PostgresServerTest = testing::PostgresTest;

TEST_F(PostgresServerTest, ACommitIsSeenByAnotherSession) {
  Poco::Data::Session writer = session();
  writer << "CREATE TABLE IF NOT EXISTS probe (id BIGSERIAL PRIMARY KEY, body BYTEA NOT NULL)", now;
  writer.begin();
  std::string body("MSH|^~\\&|\r\0binary", 17);
  Poco::Data::BLOB blob(reinterpret_cast<const unsigned char*>(body.data()), body.size());
  writer << "INSERT INTO probe(body) VALUES($1)", use(blob), now;
  writer.commit();
  Poco::Data::Session reader = session();
  Poco::Data::BLOB back;
  reader << "SELECT body FROM probe ORDER BY id DESC LIMIT 1", into(back), now;
  EXPECT_EQ(std::string(reinterpret_cast<const char*>(back.rawContent()), back.size()), body)
      << "bytes, CR and NUL included, come back as written";
}

TEST_F(PostgresServerTest, AWrongPasswordIsRefused) {
  const std::string wrong = "host=127.0.0.1 port=" + std::to_string(server().port()) +
                            " dbname=pathhub user=pathhub password=not-it";
  EXPECT_ANY_THROW(Poco::Data::Session("PostgreSQL", wrong));
}

}  // namespace
}  // namespace pathhub

// A throw-away PostgreSQL 15 server for tests: initdb into a temporary folder, a free port on
// 127.0.0.1, stopped and removed when the object goes. Debian's server binaries are used
// (/usr/lib/postgresql/15/bin, or $PATHHUB_PG_BINDIR). PostgreSQL refuses to run as root, so
// as root every server command runs as the `postgres` system user (or `nobody` without one).
// The cluster has a superuser `postgres` and a role and database `pathhub` (password
// `pathhub-test`); local connections need the password (scram-sha-256), as a real site's
// would.
#pragma once

#include <Poco/Data/Session.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>

namespace pathhub::testing {

class PostgresServer {
 public:
  // A running server, or nullptr with `whyNot` saying why: the binaries are missing
  // (`*missing` true: a test may skip), or initdb or the start failed (its log is quoted: a
  // test must fail).
  static std::unique_ptr<PostgresServer> start(std::string* whyNot, bool* missing);
  ~PostgresServer();
  PostgresServer(const PostgresServer&) = delete;
  PostgresServer& operator=(const PostgresServer&) = delete;

  // One server for the whole test program, started by the first call and stopped when the
  // program ends; nullptr (with why, and whether the binaries are missing) as start() says.
  static PostgresServer* shared(std::string* whyNot, bool* missing);

  std::uint16_t port() const { return port_; }
  // The journal's URL (config <journal url>) for the pathhub role and `database`; its password
  // is kPassword.
  std::string url(const std::string& database = "pathhub") const;
  // Poco::Data PostgreSQL's connection string for the pathhub role, to database `database`.
  std::string connectionString(const std::string& database = "pathhub") const;
  // A new, empty database owned by the pathhub role (a test's own); "" or psql's error.
  std::string createDatabase(const std::string& name) const;
  static constexpr const char* kPassword = "pathhub-test";
  // Runs `sql` with psql as the superuser; "" on success, else psql's error output.
  std::string superuserSql(const std::string& sql) const;

  // Serves TLS (as well as plain connections) with this certificate and key, from now on;
  // "" or the error.
  std::string enableTls(const std::string& certificatePem, const std::string& keyPem) const;

  // A streaming-replication standby of this server, made synchronous: from then on a commit
  // here returns only once the standby has it (synchronous_commit on, the default).
  std::unique_ptr<PostgresServer> startSynchronousStandby(std::string* whyNot) const;
  // Stops the server at once, as a crash would (pg_ctl stop -m immediate).
  void crash();
  // A standby made the primary; "" or pg_ctl's error.
  std::string promote();

 private:
  PostgresServer() = default;
  bool makeFolder(std::string* whyNot);
  bool run(std::string* whyNot);  // pg_ctl start on a free port
  bool running_ = false;
  std::filesystem::path dir_;
  std::string bin_, user_;  // user_: "" when not root (the server runs as this process's user)
  std::uint16_t port_ = 0;
};

// A test suite with one server for all its tests, started before the first: a test skips
// only when the server binaries are missing, and fails when the server would not start.
class PostgresTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite();
  static void TearDownTestSuite();
  void SetUp() override;
  static PostgresServer& server() { return *server_; }
  // A new connection, as the pathhub role, to `database`.
  static Poco::Data::Session session(const std::string& database = "pathhub");

 private:
  static PostgresServer* server_;
  static std::string whyNot_;
  static bool missing_;
};

// The same, with the database `pathhub` brought to the journal's PostgreSQL schema
// (core/journal/postgres_schema.h) before each test.
class PostgresJournalTest : public PostgresTest {
 protected:
  void SetUp() override;
};

}  // namespace pathhub::testing

#include "postgres_server.h"

#include <Poco/Data/PostgreSQL/Connector.h>
#include <pwd.h>
#include <unistd.h>

#include <fstream>

#include "child_process.h"
#include "hub_fixture.h"
#include "journal/postgres_schema.h"

namespace pathhub::testing {
namespace {

namespace fs = std::filesystem;

std::string serverUser() {
  if (::geteuid() != 0) return "";
  return ::getpwnam("postgres") ? "postgres" : "nobody";
}

// `program` from the server's bin folder, as the server's user.
RunResult runAs(const std::string& user, const std::string& program,
                const std::vector<std::string>& args, const std::string& input = "") {
  if (user.empty()) return runProgram(program, args, input);
  std::vector<std::string> all = {"--reuid=" + user, "--regid=" + user, "--init-groups", program};
  all.insert(all.end(), args.begin(), args.end());
  return runProgram("/usr/bin/setpriv", all, input);
}

std::string fileText(const fs::path& path) {
  std::ifstream in(path);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

}  // namespace

std::unique_ptr<PostgresServer> PostgresServer::start(std::string* whyNot, bool* missing) {
  *missing = false;
  const char* env = std::getenv("PATHHUB_PG_BINDIR");
  const std::string bin = env ? env : "/usr/lib/postgresql/15/bin";
  if (!fs::exists(fs::path(bin) / "initdb") || !fs::exists(fs::path(bin) / "pg_ctl")) {
    *whyNot = "no PostgreSQL server binaries in " + bin +
              " (apt-get install postgresql-15, or set PATHHUB_PG_BINDIR)";
    *missing = true;
    return nullptr;
  }
  std::unique_ptr<PostgresServer> server(new PostgresServer);
  server->bin_ = bin;
  server->user_ = serverUser();
  if (!server->makeFolder(whyNot)) return nullptr;
  const fs::path data = server->dir_ / "data";
  const fs::path passwordFile = server->dir_ / "superuser-password";
  {
    std::ofstream(passwordFile) << kPassword << "\n";
    if (!server->user_.empty()) {
      runProgram("/usr/bin/chown", {server->user_ + ":", passwordFile.string()});
    }
  }
  auto init = runAs(server->user_, bin + "/initdb",
                    {"-D", data.string(), "-U", "postgres", "--pwfile=" + passwordFile.string(),
                     "--auth=scram-sha-256", "-E", "UTF8", "--locale=C"});
  if (init.exitCode != 0) {
    *whyNot = "initdb failed: " + init.out + init.err;
    return nullptr;
  }
  if (!server->run(whyNot)) return nullptr;
  std::string setUp =
      server->superuserSql(std::string("CREATE ROLE pathhub LOGIN PASSWORD '") + kPassword + "'");
  if (setUp.empty()) setUp = server->superuserSql("CREATE DATABASE pathhub OWNER pathhub");
  if (!setUp.empty()) {
    *whyNot = "cannot create the pathhub role and database: " + setUp;
    return nullptr;
  }
  return server;
}

bool PostgresServer::makeFolder(std::string* whyNot) {
  char pattern[] = "/tmp/pathhub-pg-XXXXXX";
  if (!::mkdtemp(pattern)) {
    *whyNot = "cannot make a temporary folder";
    return false;
  }
  dir_ = pattern;
  if (!user_.empty()) runProgram("/usr/bin/chown", {user_ + ":", dir_.string()});
  return true;
}

bool PostgresServer::run(std::string* whyNot) {
  port_ = freePort(12000, 19999);  // apart from the hubs' ports (hub_fixture.h)
  const fs::path log = dir_ / "server.log";
  auto started = runAs(
      user_, bin_ + "/pg_ctl",
      {"-D", (dir_ / "data").string(), "-l", log.string(), "-w", "-t", "60", "-o",
       "-p " + std::to_string(port_) + " -k " + dir_.string() + " -c listen_addresses=127.0.0.1",
       "start"});
  if (started.exitCode != 0) {
    *whyNot = "the server did not start: " + started.out + started.err + fileText(log);
    return false;
  }
  running_ = true;
  return true;
}

std::unique_ptr<PostgresServer> PostgresServer::startSynchronousStandby(std::string* whyNot) const {
  std::unique_ptr<PostgresServer> standby(new PostgresServer);
  standby->bin_ = bin_;
  standby->user_ = user_;
  if (!standby->makeFolder(whyNot)) return nullptr;
  // A copy of this server's data, set to follow it (-R: standby.signal and primary_conninfo).
  auto copied =
      runAs(user_, bin_ + "/pg_basebackup",
            {"-d",
             "host=127.0.0.1 port=" + std::to_string(port_) +
                 " user=postgres password=" + kPassword + " application_name=standby",
             "-D", (standby->dir_ / "data").string(), "-R", "-X", "stream", "-c", "fast"});
  if (copied.exitCode != 0) {
    *whyNot = "pg_basebackup failed: " + copied.out + copied.err;
    return nullptr;
  }
  if (!standby->run(whyNot)) return nullptr;
  // Commits on this server now wait until the standby has them.
  std::string set = superuserSql("ALTER SYSTEM SET synchronous_standby_names = '*'");
  if (set.empty()) set = superuserSql("SELECT pg_reload_conf()");
  if (!set.empty()) {
    *whyNot = "cannot make the standby synchronous: " + set;
    return nullptr;
  }
  if (!waitUntil([&] {
        return superuserSql(
                   "DO $$BEGIN IF NOT EXISTS (SELECT 1 FROM pg_stat_replication WHERE"
                   " sync_state = 'sync') THEN RAISE EXCEPTION 'not yet'; END IF; END$$")
            .empty();
      })) {
    *whyNot = "the standby did not become synchronous";
    return nullptr;
  }
  return standby;
}

void PostgresServer::crash() {
  runAs(user_, bin_ + "/pg_ctl", {"-D", (dir_ / "data").string(), "-m", "immediate", "-w", "stop"});
  running_ = false;
}

std::string PostgresServer::promote() {
  auto promoted = runAs(user_, bin_ + "/pg_ctl", {"-D", (dir_ / "data").string(), "-w", "promote"});
  return promoted.exitCode == 0 ? "" : promoted.out + promoted.err;
}

PostgresServer::~PostgresServer() {
  if (running_) {
    runAs(user_, bin_ + "/pg_ctl", {"-D", (dir_ / "data").string(), "-m", "fast", "-w", "stop"});
  }
  std::error_code ignored;
  fs::remove_all(dir_, ignored);
}

std::string PostgresServer::connectionString(const std::string& database) const {
  return "host=127.0.0.1 port=" + std::to_string(port_) + " dbname=" + database +
         " user=pathhub password=" + kPassword;
}

std::string PostgresServer::url(const std::string& database) const {
  return "postgresql://pathhub@127.0.0.1:" + std::to_string(port_) + "/" + database;
}

PostgresServer* PostgresServer::shared(std::string* whyNot, bool* missing) {
  static std::string why;
  static bool absent = false;
  static std::unique_ptr<PostgresServer> server = start(&why, &absent);
  *whyNot = why;
  *missing = absent;
  return server.get();
}

std::string PostgresServer::enableTls(const std::string& certificatePem,
                                      const std::string& keyPem) const {
  const fs::path data = dir_ / "data";
  std::error_code ec;
  fs::copy_file(certificatePem, data / "server.crt", fs::copy_options::overwrite_existing, ec);
  if (!ec) fs::copy_file(keyPem, data / "server.key", fs::copy_options::overwrite_existing, ec);
  if (ec) return "cannot copy the certificate: " + ec.message();
  // The server refuses a key others can read.
  fs::permissions(data / "server.key", fs::perms::owner_read | fs::perms::owner_write,
                  fs::perm_options::replace);
  if (!user_.empty()) {
    runProgram("/usr/bin/chown",
               {user_ + ":", (data / "server.crt").string(), (data / "server.key").string()});
  }
  std::string done = superuserSql("ALTER SYSTEM SET ssl = on");
  if (done.empty()) done = superuserSql("SELECT pg_reload_conf()");
  return done;
}

std::string PostgresServer::createDatabase(const std::string& name) const {
  return superuserSql("CREATE DATABASE " + name + " OWNER pathhub");
}

std::string PostgresServer::superuserSql(const std::string& sql) const {
  // PGPASSWORD only in psql's own environment: setpriv and env pass it on.
  auto run = runProgram("/usr/bin/env",
                        {std::string("PGPASSWORD=") + kPassword, bin_ + "/psql", "-X", "-q", "-v",
                         "ON_ERROR_STOP=1", "-h", "127.0.0.1", "-p", std::to_string(port_), "-U",
                         "postgres", "-d", "postgres", "-c", sql});
  return run.exitCode == 0 ? "" : run.out + run.err;
}

PostgresServer* PostgresTest::server_ = nullptr;
std::string PostgresTest::whyNot_;
bool PostgresTest::missing_ = false;

void PostgresTest::SetUpTestSuite() {
  Poco::Data::PostgreSQL::Connector::registerConnector();
  server_ = PostgresServer::start(&whyNot_, &missing_).release();
}

void PostgresTest::TearDownTestSuite() {
  delete server_;
  server_ = nullptr;
}

void PostgresTest::SetUp() {
  if (!server_ && missing_) GTEST_SKIP() << whyNot_;
  ASSERT_NE(server_, nullptr) << whyNot_;
}

Poco::Data::Session PostgresTest::session(const std::string& database) {
  return Poco::Data::Session("PostgreSQL", server_->connectionString(database));
}

void PostgresJournalTest::SetUp() {
  PostgresTest::SetUp();
  if (IsSkipped() || HasFatalFailure()) return;
  auto s = session();
  auto upgraded = journal::upgradePostgresSchema(s, "the test database", "pathhub test");
  ASSERT_TRUE(upgraded) << upgraded.error().describe();
}

}  // namespace pathhub::testing

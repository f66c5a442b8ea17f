// Running pathhub in production (issue 20): a journal written by the previous release is
// migrated and its pending result delivered; a backup taken while messages flow, restored into
// the stopped hub, holds every message ACKed before it; a start that cannot succeed exits
// non-zero with the reason; the service manager is told when the hub is ready, reloads and
// stops; --version and /api/v1/status say what is running.
#include <Poco/Net/ServerSocket.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <fstream>
#include <mutex>
#include <set>
#include <thread>

#include "api_client.h"
#include "child_process.h"
#include "hub_fixture.h"
#include "journal/schema.h"
#include "mllp/mllp_client.h"
#include "order_messages.h"
#include "role_tokens.h"
#include "sqlite_file.h"

namespace pathhub {
namespace {

using testing::HubFixture;
using testing::runProgram;
using testing::waitUntil;

const std::map<std::string, std::string>& kTokens = testing::roleTokens();

TEST(Upgrade, AJournalOfThePreviousReleaseIsMigratedAndItsPendingResultDelivered) {
  HubFixture hub;  // channel "lab", destination "gp": the names the fixture's journal uses
  hub.apiTokens = testing::roleTokenElements({"viewer"});
  testing::loadFixtureJournal("schema-1", hub.dir / "journal.db");
  hub.startSink();
  hub.startHub();
  ASSERT_TRUE(waitUntil([&] {
    const auto got = hub.received();
    return std::find(got.begin(), got.end(), "RES-F3") != got.end();
  })) << "the result pending in the old journal is delivered after the upgrade";
  const auto status = testing::apiGet(hub.apiPort, kTokens.at("viewer"), "/api/v1/status");
  ASSERT_TRUE(status.json) << status.body;
  EXPECT_EQ(status.json->getValue<int>("schemaVersion"), journal::kSchemaVersion);
  EXPECT_FALSE(status.json->getValue<std::string>("version").empty());
  EXPECT_FALSE(status.json->getValue<std::string>("gitCommit").empty());
  EXPECT_EQ(hub.stopHub(), 0);
  testing::SqliteFile db(hub.dir / "journal.db");
  EXPECT_EQ(db.number("PRAGMA user_version"), journal::kSchemaVersion);
  EXPECT_EQ(db.number("SELECT COUNT(*) FROM messages WHERE control_id LIKE 'RES-F%'"), 3);
}

TEST(Upgrade, AJournalOfANewerReleaseIsRefusedWithTheReason) {
  HubFixture hub;
  testing::loadFixtureJournal("schema-2", hub.dir / "journal.db");
  {
    testing::SqliteFile db(hub.dir / "journal.db");
    db.exec("PRAGMA user_version = " + std::to_string(journal::kSchemaVersion + 1));
  }
  hub.writeConfig();
  const auto run = runProgram("pathhub", {"--config", hub.configPath.string()});
  EXPECT_NE(run.exitCode, 0);
  EXPECT_NE(run.err.find("written by a newer pathhub"), std::string::npos) << run.err;
}

TEST(Backup, ACopyTakenWhileMessagesFlowHoldsEverythingAckedBeforeItAndRestores) {
  HubFixture hub;
  hub.apiTokens = testing::roleTokenElements({"admin"});
  const auto tokenFile = hub.dir / "admin.token";
  std::ofstream(tokenFile) << kTokens.at("admin");
  hub.startSink();
  hub.startHub();
  std::mutex mutex;
  std::set<std::string> acked;
  std::atomic<bool> sending{true};
  std::thread sender([&] {
    mllp::Client client({"127.0.0.1", hub.sourcePort});
    for (int n = 0; sending; ++n) {
      const std::string id = "FLOW-" + std::to_string(n);
      auto reply = client.exchange(testing::oruResult(id, "P" + std::to_string(n), "F", "K", "F"));
      if (reply && reply->find("MSA|AA") != std::string::npos) {
        std::lock_guard lock(mutex);
        acked.insert(id);
      }
    }
  });
  ASSERT_TRUE(waitUntil([&] {
    std::lock_guard lock(mutex);
    return acked.size() >= 200;
  }));
  std::set<std::string> ackedBefore;
  {
    std::lock_guard lock(mutex);
    ackedBefore = acked;
  }
  const auto file = hub.dir / "backup.db";
  const std::vector<std::string> ctl = {"--url", "http://127.0.0.1:" + std::to_string(hub.apiPort),
                                        "--token-file", tokenFile.string()};
  auto args = ctl;
  args.insert(args.end(), {"backup", file.string()});
  const auto backup = runProgram("pathhubctl", args);
  ASSERT_EQ(backup.exitCode, 0) << backup.out << backup.err;
  EXPECT_NE(backup.out.find("integrity ok"), std::string::npos) << backup.out;
  std::this_thread::sleep_for(std::chrono::milliseconds(300));  // more messages after it
  sending = false;
  sender.join();
  // Never overwritten; readable by its owner alone.
  EXPECT_EQ(runProgram("pathhubctl", args).exitCode, 1);
  EXPECT_EQ(std::filesystem::status(file).permissions() &
                (std::filesystem::perms::group_all | std::filesystem::perms::others_all),
            std::filesystem::perms::none);
  // No restore while the hub runs.
  const auto busy =
      runProgram("pathhub", {"--config", hub.configPath.string(), "--restore", file.string()});
  EXPECT_NE(busy.exitCode, 0);
  EXPECT_NE(busy.err.find("stop the hub before restoring"), std::string::npos) << busy.err;

  EXPECT_EQ(hub.stopHub(), 0);
  std::size_t ackedInAll = 0;
  {
    std::lock_guard lock(mutex);
    ackedInAll = acked.size();
  }
  const auto restored =
      runProgram("pathhub", {"--config", hub.configPath.string(), "--restore", file.string()});
  ASSERT_EQ(restored.exitCode, 0) << restored.out << restored.err;
  EXPECT_NE(restored.out.find("the journal it replaced is kept as"), std::string::npos)
      << restored.out;
  testing::SqliteFile db(hub.dir / "journal.db");
  std::size_t missing = 0;
  for (const auto& id : ackedBefore) {
    missing += db.number("SELECT COUNT(*) FROM messages WHERE control_id = '" + id + "'") != 1;
  }
  EXPECT_EQ(missing, 0u) << "every message ACKed before the backup is in it";
  EXPECT_LT(static_cast<std::size_t>(db.number("SELECT COUNT(*) FROM messages")), ackedInAll + 1)
      << "the backup is of its moment, not of the end";
  // The hub runs on the restored journal.
  hub.startHub();
  ASSERT_TRUE(waitUntil(
      [&] { return testing::apiGet(hub.apiPort, kTokens.at("admin"), "/ready").status == 200; }));
  const auto audit =
      testing::apiGet(hub.apiPort, kTokens.at("admin"), "/api/v1/audit?action=backup_journal");
  EXPECT_NE(audit.body.find("backup_journal"), std::string::npos) << audit.body;
}

TEST(Backup, ARestoreOfSomethingThatIsNotAJournalIsRefusedAndChangesNothing) {
  HubFixture hub;
  hub.startSink();
  hub.startHub();
  EXPECT_EQ(hub.stopHub(), 0);
  const auto journal = hub.dir / "journal.db";
  const auto before = std::filesystem::file_size(journal);
  const auto notSqlite = hub.dir / "not-a-backup.db";
  std::ofstream(notSqlite) << "MSH|^~\\&|this is a message, not a journal\r";
  auto refused =
      runProgram("pathhub", {"--config", hub.configPath.string(), "--restore", notSqlite.string()});
  EXPECT_NE(refused.exitCode, 0);
  EXPECT_NE(refused.err.find("not an SQLite file"), std::string::npos) << refused.err;
  // An SQLite file that is not a pathhub journal.
  const auto other = hub.dir / "other.db";
  testing::SqliteFile(other).exec("CREATE TABLE t (x INTEGER)");
  refused =
      runProgram("pathhub", {"--config", hub.configPath.string(), "--restore", other.string()});
  EXPECT_NE(refused.exitCode, 0);
  EXPECT_NE(refused.err.find("not a pathhub journal"), std::string::npos) << refused.err;
  EXPECT_EQ(std::filesystem::file_size(journal), before);
  for (const auto& entry : std::filesystem::directory_iterator(hub.dir)) {
    EXPECT_EQ(entry.path().filename().string().find("before-restore"), std::string::npos)
        << "nothing moved aside: " << entry.path();
  }
}

TEST(StartUp, AStartThatCannotSucceedExitsNonZeroWithTheReason) {
  HubFixture hub;
  hub.writeConfig();
  const auto daemon = runProgram("pathhub", {"--config", hub.configPath.string(), "--daemon"});
  EXPECT_EQ(daemon.exitCode, 64);
  EXPECT_NE(daemon.err.find("--daemon is not supported"), std::string::npos) << daemon.err;

  HubFixture noPlugins;
  noPlugins.hubExtras = "<plugins folder=\"" + (noPlugins.dir / "no-such-folder").string() + "\"/>";
  noPlugins.writeConfig();
  const auto plugins = runProgram("pathhub", {"--config", noPlugins.configPath.string()});
  EXPECT_NE(plugins.exitCode, 0);
  EXPECT_NE(plugins.err.find("no-such-folder cannot be read"), std::string::npos) << plugins.err;

  // A journal that cannot be created (its folder is a file; root may write anywhere else).
  HubFixture unwritable;
  std::ofstream(unwritable.dir / "a-file") << "not a folder";
  unwritable.writeConfig();
  {
    std::ifstream in(unwritable.configPath);
    std::string config((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const std::string journal = (unwritable.dir / "journal.db").string();
    config.replace(config.find(journal), journal.size(),
                   (unwritable.dir / "a-file" / "journal.db").string());
    std::ofstream(unwritable.configPath) << config;
  }
  const auto journal = runProgram("pathhub", {"--config", unwritable.configPath.string()});
  EXPECT_NE(journal.exitCode, 0);
  EXPECT_NE(journal.err.find("a-file/journal.db"), std::string::npos) << journal.err;

  // The only channel's port is taken: nothing could flow.
  HubFixture taken;
  taken.writeConfig();
  Poco::Net::ServerSocket holder(Poco::Net::SocketAddress("127.0.0.1", taken.sourcePort));
  const auto port = runProgram("pathhub", {"--config", taken.configPath.string()});
  EXPECT_NE(port.exitCode, 0);
  EXPECT_NE(port.err.find("every channel is faulted"), std::string::npos) << port.err;
  EXPECT_NE(port.err.find("127.0.0.1:" + std::to_string(taken.sourcePort)), std::string::npos)
      << port.err;
}

// The service manager's side of Type=notify: a datagram socket named by NOTIFY_SOCKET, as
// systemd makes one for the service.
class NotifySocket {
 public:
  explicit NotifySocket(const std::filesystem::path& path) : path_(path) {
    fd_ = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    std::snprintf(address.sun_path, sizeof address.sun_path, "%s", path.c_str());
    EXPECT_EQ(::bind(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
    timeval wait{0, 200 * 1000};
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &wait, sizeof wait);
  }
  ~NotifySocket() {
    ::close(fd_);
    std::filesystem::remove(path_);
  }
  // Every notification received so far, appended to what came before.
  const std::string& received() {
    char buffer[4096];
    for (ssize_t n; (n = ::recv(fd_, buffer, sizeof buffer, 0)) > 0;) {
      said_.append(buffer, static_cast<std::size_t>(n)).append("\n");
    }
    return said_;
  }

 private:
  std::filesystem::path path_;
  int fd_ = -1;
  std::string said_;
};

TEST(StartUp, TheServiceManagerIsToldWhenTheHubIsReadyReloadsAndStops) {
  HubFixture hub;
  NotifySocket manager(hub.dir / "notify");
  ::setenv("NOTIFY_SOCKET", (hub.dir / "notify").c_str(), 1);
  hub.startSink();
  hub.startHub();
  ::unsetenv("NOTIFY_SOCKET");
  ASSERT_TRUE(waitUntil([&] { return manager.received().find("READY=1") != std::string::npos; }))
      << manager.received();
  EXPECT_NE(manager.received().find("STATUS=ready: 1 channel(s)"), std::string::npos)
      << manager.received();
  ::kill(hub.hubPid(), SIGHUP);
  ASSERT_TRUE(waitUntil([&] {
    const std::string& said = manager.received();
    const auto reloading = said.find("RELOADING=1");
    return reloading != std::string::npos && said.find("READY=1", reloading) != std::string::npos;
  })) << manager.received();
  EXPECT_EQ(hub.stopHub(), 0);
  EXPECT_NE(manager.received().find("STOPPING=1"), std::string::npos) << manager.received();
}

TEST(StartUp, VersionSaysWhatIsRunning) {
  const auto run = runProgram("pathhub", {"--version"});
  EXPECT_EQ(run.exitCode, 0);
  EXPECT_NE(run.out.find("pathhub "), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("plugin ABI 1."), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("journal schema version " + std::to_string(journal::kSchemaVersion)),
            std::string::npos)
      << run.out;
}

}  // namespace
}  // namespace pathhub

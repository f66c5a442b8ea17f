// The daemon test fixture (see hub_fixture.h).
#include "hub_fixture.h"

#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/Net/StreamSocket.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/file.h>
#include <unistd.h>

#include <fstream>
#include <random>
#include <thread>

#include "corpus.h"
#include "hl7/message.h"
#include "postgres_server.h"

namespace pathhub::testing {

namespace {

// Claims `port` for this test process until it exits: an exclusive flock on a file named
// for the port, shared by every test process on the machine. Probing that a port is free
// is not enough when tests run in parallel: two processes can probe the same free port
// before either binds it (a CI run failed so, "Address already in use" on the API port).
// flock is per open file, so a second claim from this same process fails too; the kernel
// drops the claims when the process ends, however it ends.
bool claim(std::uint16_t port) {
  static const std::filesystem::path folder =
      std::filesystem::temp_directory_path() / "pathhub-test-ports";
  std::error_code ignored;
  if (std::filesystem::create_directory(folder, ignored)) {
    // Root in CI and a developer locally may share the folder.
    std::filesystem::permissions(folder, std::filesystem::perms::all, ignored);
  }
  const auto file = folder / (std::to_string(port) + ".lock");
  const int fd = ::open(file.c_str(), O_RDONLY | O_CREAT | O_CLOEXEC, 0666);
  if (fd < 0) return false;
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    ::close(fd);
    return false;
  }
  return true;  // the descriptor stays open, and the claim with it, for the process's life
}

}  // namespace

// A port below the kernel's ephemeral range (32768 and up on Linux), chosen at random, claimed
// for this process and found free: outgoing connections never take one there, and no other
// test process is handed it while this one runs; the hub binds without SO_REUSEPORT (a
// collision would fail, not share).
std::uint16_t freePort(int from, int to) {
  static std::mt19937 random(std::random_device{}() ^ static_cast<unsigned>(::getpid()));
  std::uniform_int_distribution<int> pick(from, to);
  for (int attempt = 0; attempt < 200; ++attempt) {
    const auto port = static_cast<std::uint16_t>(pick(random));
    if (!claim(port)) continue;  // another test process has it, or this one already does
    try {
      Poco::Net::ServerSocket probe;
      probe.bind(Poco::Net::SocketAddress("127.0.0.1", port), true, false);
      return port;
    } catch (const Poco::Exception&) {
      continue;  // taken by something that is not a test: another
    }
  }
  Poco::Net::ServerSocket probe(Poco::Net::SocketAddress("127.0.0.1", 0));
  return probe.address().port();
}

bool journalIsSqlite() {
  const char* asked = std::getenv("PATHHUB_TEST_JOURNAL");
  return !asked || std::string(asked) != "postgresql";
}

bool waitUntil(const std::function<bool()>& done, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline) return done();
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return true;
}

bool accepting(std::uint16_t port) {
  try {
    Poco::Net::StreamSocket s;
    s.connect(Poco::Net::SocketAddress("127.0.0.1", port), Poco::Timespan(0, 200000));
    return true;
  } catch (const Poco::Exception&) {
    return false;
  }
}

HubFixture::HubFixture() {
  static int counter = 0;
  dir = std::filesystem::temp_directory_path() /
        ("pathhub-test-" + std::to_string(::getpid()) + "-" + std::to_string(++counter));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir / "sink");
  configPath = dir / "pathhub.xml";
  sourcePort = freePort();
  sinkPort = freePort();
  apiPort = freePort();
}

HubFixture::~HubFixture() {
  hub_.reset();
  sink_.reset();
  if (!database_.empty()) {
    std::string whyNot;
    bool missing = false;
    if (auto* server = PostgresServer::shared(&whyNot, &missing)) {
      (void)server->superuserSql("DROP DATABASE IF EXISTS " + database_ + " WITH (FORCE)");
    }
  }
  std::filesystem::remove_all(dir);
}

void HubFixture::writeConfig() {
  const std::string source =
      !sourceElement.empty()
          ? sourceElement
          : "<source type=\"mllp\" listen=\"127.0.0.1:" + std::to_string(sourcePort) + "\" " +
                sourceExtras + "/>";
  if (journalElement.empty() && !journalIsSqlite()) {
    std::string whyNot;
    bool missing = false;
    PostgresServer* server = PostgresServer::shared(&whyNot, &missing);
    ASSERT_NE(server, nullptr) << whyNot;
    static int made = 0;
    database_ = "hub_" + std::to_string(::getpid()) + "_" + std::to_string(++made);
    ASSERT_EQ(server->createDatabase(database_), "");
    const auto passwordFile = dir / "journal-password";
    std::ofstream(passwordFile) << PostgresServer::kPassword << "\n";
    journalElement = "<journal backend=\"postgresql\" url=\"" + server->url(database_) +
                     "\" passwordFile=\"" + passwordFile.string() + "\"/>";
  }
  std::ofstream out(configPath);
  out << "<pathhub>\n"
      << "  "
      << (journalElement.empty() ? "<journal path=\"" + (dir / "journal.db").string() + "\"/>"
                                 : journalElement)
      << "\n"
      << "  <log level=\"warning\"/>\n"
      << "  <api listen=\"127.0.0.1:" << apiPort << "\" " << apiAttributes << ">" << apiTokens
      << "</api>\n"
      << "  " << hubExtras << "\n"
      << "  <channel name=\"lab\">\n"
      << "    " << source << "\n"
      << "    <destination name=\"gp\" type=\"mllp\" endpoint=\"127.0.0.1:" << sinkPort
      << "\" connectTimeoutMs=\"500\" ackTimeoutMs=\"2000\" " << destinationAttributes << "/>\n"
      << "    " << backlog << "\n"
      << "    " << channelExtras << "\n"
      << "  </channel>\n"
      << "</pathhub>\n";
}

void HubFixture::startHub() {
  if (!std::filesystem::exists(configPath)) writeConfig();
  hub_ = std::make_unique<ChildProcess>("pathhub",
                                        std::vector<std::string>{"--config", configPath.string()});
  if (sourceElement.empty()) {
    ASSERT_TRUE(waitUntil([this] { return accepting(sourcePort); })) << "pathhub did not start";
  }
  // The API starts after the channels: a test's first call must not find it not yet
  // listening (when the configuration is the fixture's, with the API on apiPort).
  std::ifstream config(configPath);
  const std::string text((std::istreambuf_iterator<char>(config)),
                         std::istreambuf_iterator<char>());
  if (text.find("<api listen=\"127.0.0.1:" + std::to_string(apiPort) + "\"") != std::string::npos) {
    ASSERT_TRUE(waitUntil([this] { return accepting(apiPort); })) << "pathhub's API did not start";
  }
}

int HubFixture::hubPid() const { return hub_ ? hub_->pid() : 0; }

void HubFixture::killHub() {
  if (hub_) hub_->kill();
  hub_.reset();
}

int HubFixture::stopHub() {
  const int code = hub_ ? hub_->stop() : -1;
  hub_.reset();
  return code;
}

void HubFixture::startSink(const std::vector<std::string>& extra) {
  std::vector<std::string> args = {"--listen", "127.0.0.1:" + std::to_string(sinkPort), "--save",
                                   (dir / "sink").string()};
  args.insert(args.end(), extra.begin(), extra.end());
  sink_ = std::make_unique<ChildProcess>("hl7sink", args);
  ASSERT_EQ(sink_->readLine().rfind("hl7sink listening", 0), 0u);
}

void HubFixture::stopSink() {
  if (sink_) sink_->stop();
  sink_.reset();
}

std::vector<std::string> HubFixture::received() const {
  std::vector<std::filesystem::path> files;
  for (const auto& e : std::filesystem::directory_iterator(dir / "sink")) {
    if (e.path().filename().string()[0] != '.') files.push_back(e.path());  // not half-written
  }
  std::sort(files.begin(), files.end());
  std::vector<std::string> ids;
  for (const auto& f : files) {
    auto m = hl7::Message::parse(readFile(f));
    ids.push_back(m ? m->controlId() : "<unparseable>");
  }
  return ids;
}

std::size_t HubFixture::receivedCount() const {
  std::size_t n = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir / "sink")) {
    n += e.path().filename().string()[0] != '.';
  }
  return n;
}

}  // namespace pathhub::testing

// The connection guard every listener uses (tls/connection_guard.h), with real sockets: the
// per-address cap, the descriptors kept for the journal, deadlines that end a waiting read,
// and shutting every connection down at a stop.
#include "tls/connection_guard.h"

#include <Poco/Net/ServerSocket.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/resource.h>
#include <unistd.h>

#include <thread>
#include <vector>

#include "raw_peer.h"

namespace pathhub::tls {
namespace {

class ConnectionGuardTest : public ::testing::Test {
 protected:
  // A connection from `from`, as the server accepted it.
  Poco::Net::StreamSocket accept(const std::string& from) {
    peers_.push_back(std::make_unique<testing::RawPeer>(from, server_.address().port()));
    EXPECT_TRUE(peers_.back()->connected());
    return server_.acceptConnection();
  }
  Poco::Net::ServerSocket server_{Poco::Net::SocketAddress("127.0.0.1", 0)};
  std::vector<std::unique_ptr<testing::RawPeer>> peers_;
};

TEST_F(ConnectionGuardTest, CapsConnectionsPerAddressAndFreesTheSlotWhenOneCloses) {
  ConnectionLimits limits;
  limits.perAddress = 2;
  ConnectionGuard guard(limits);
  std::string why;
  auto a = accept("127.0.0.2"), b = accept("127.0.0.2"), c = accept("127.0.0.2");
  auto first = guard.admit(a, &why), second = guard.admit(b, &why);
  ASSERT_TRUE(first && second);
  EXPECT_FALSE(guard.admit(c, &why));
  EXPECT_EQ(why, "too many connections from 127.0.0.2 (at most 2)");
  auto other = accept("127.0.0.3");
  EXPECT_TRUE(guard.admit(other, &why));  // another address is not held back
  EXPECT_EQ(guard.open(), 2);             // the one just admitted has gone again
  first.reset();
  EXPECT_TRUE(guard.admit(c, &why));
}

TEST_F(ConnectionGuardTest, KeepsDescriptorsForTheJournal) {
  ConnectionGuard guard(ConnectionLimits{});
  rlimit saved{};
  ASSERT_EQ(::getrlimit(RLIMIT_NOFILE, &saved), 0);
  // With a limit of 160, descriptors from 96 up are the reserve's: fill up to there.
  rlimit low = saved;
  low.rlim_cur = 160;
  ASSERT_EQ(::setrlimit(RLIMIT_NOFILE, &low), 0);
  std::vector<int> filler;
  for (;;) {
    const int fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
    ASSERT_GE(fd, 0);
    if (fd >= 100) {
      ::close(fd);
      break;
    }
    filler.push_back(fd);
  }
  std::string why;
  auto late = accept("127.0.0.2");
  EXPECT_FALSE(guard.admit(late, &why));
  EXPECT_NE(why.find("open-file limit"), std::string::npos) << why;
  for (int fd : filler) ::close(fd);
  ASSERT_EQ(::setrlimit(RLIMIT_NOFILE, &saved), 0);
  auto early = accept("127.0.0.2");
  EXPECT_TRUE(guard.admit(early, &why)) << why;
}

TEST_F(ConnectionGuardTest, ADeadlineEndsAWaitingReadAndAStopEndsThemAll) {
  ConnectionGuard guard(ConnectionLimits{});
  std::string why;
  auto armed = accept("127.0.0.2"), plain = accept("127.0.0.2");
  auto ticket = guard.admit(armed, &why), other = guard.admit(plain, &why);
  ASSERT_TRUE(ticket && other);
  ticket->arm(std::chrono::milliseconds(300));
  const auto started = std::chrono::steady_clock::now();
  char byte;
  EXPECT_EQ(armed.receiveBytes(&byte, 1), 0);  // ended by the deadline, not by the peer
  const auto took = std::chrono::steady_clock::now() - started;
  EXPECT_GE(took, std::chrono::milliseconds(250));
  EXPECT_LT(took, std::chrono::seconds(3));
  // Disarmed, a connection waits as long as its peer likes — until the guard shuts all down.
  std::thread stopper([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    guard.shutdownAll();
  });
  EXPECT_EQ(plain.receiveBytes(&byte, 1), 0);
  stopper.join();
}

}  // namespace
}  // namespace pathhub::tls

// MLLP client and server over real sockets on 127.0.0.1.
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/SocketAddress.h>
#include <gtest/gtest.h>

#include <atomic>

#include "expect_error.h"
#include "mllp/mllp_client.h"
#include "mllp/mllp_server.h"

namespace pathhub::mllp {
namespace {

TEST(Endpoint, ParsesHostAndPort) {
  auto e = parseEndpoint("127.0.0.1:2575");
  ASSERT_TRUE(e);
  EXPECT_EQ(e->host, "127.0.0.1");
  EXPECT_EQ(e->port, 2575);
  for (const char* bad : {"", "host", ":1", "host:", "host:0", "host:70000", "host:12a"}) {
    EXPECT_FAILS_WITH(parseEndpoint(bad), ErrorCode::kInvalidValue) << bad;
  }
}

TEST(ClientServer, ExchangesMessagesOnOneConnection) {
  std::atomic<int> seen{0};
  Server server({"127.0.0.1", 0}, [&](const DecodedFrame& f) -> std::optional<std::string> {
    ++seen;
    return "echo:" + f.payload + " from " + f.peer.substr(0, f.peer.find(':'));
  });
  ASSERT_TRUE(server.start());
  ASSERT_NE(server.port(), 0);
  Client client({"127.0.0.1", server.port()});
  for (int i = 0; i < 5; ++i) {
    auto reply = client.exchange("msg" + std::to_string(i));
    ASSERT_TRUE(reply) << reply.error().describe();
    EXPECT_EQ(*reply, "echo:msg" + std::to_string(i) + " from 127.0.0.1");
  }
  EXPECT_EQ(seen, 5);
}

TEST(ClientServer, ServerHandsFramingErrorsToTheHandler) {
  Server server(
      {"127.0.0.1", 0},
      [](const DecodedFrame& f) -> std::optional<std::string> {
        return f.ok ? "ok" : "refused:" + std::string(errorCodeName(f.error.code));
      },
      ServerOptions{.maxMessageBytes = 16});
  ASSERT_TRUE(server.start());
  Client client({"127.0.0.1", server.port()});
  auto reply = client.exchange(std::string(100, 'x'));
  ASSERT_TRUE(reply);
  EXPECT_EQ(*reply, "refused:message_too_large");
  auto next = client.exchange("fine");
  ASSERT_TRUE(next);
  EXPECT_EQ(*next, "ok");
}

TEST(ClientServer, ClientReportsATimeoutWhenNoReplyComes) {
  Poco::Net::ServerSocket silent(Poco::Net::SocketAddress("127.0.0.1", 0));
  ClientOptions options;
  options.replyTimeout = std::chrono::milliseconds(200);
  Client client({"127.0.0.1", silent.address().port()}, options);
  auto reply = client.exchange("hello");
  ASSERT_FALSE(reply);
  EXPECT_EQ(reply.error().code, ErrorCode::kTimeout);
  EXPECT_FALSE(client.connected());
}

TEST(ClientServer, ClientReportsARefusedConnection) {
  std::uint16_t port;
  {
    Poco::Net::ServerSocket probe(Poco::Net::SocketAddress("127.0.0.1", 0));
    port = probe.address().port();
  }
  Client client({"127.0.0.1", port});
  auto reply = client.exchange("hello");
  ASSERT_FALSE(reply);
  EXPECT_EQ(reply.error().code, ErrorCode::kIoError);
}

TEST(ClientServer, ClosingWithoutReplyIsReportedToTheClient) {
  Server server({"127.0.0.1", 0},
                [](const DecodedFrame&) -> std::optional<std::string> { return std::nullopt; });
  ASSERT_TRUE(server.start());
  Client client({"127.0.0.1", server.port()});
  auto reply = client.exchange("hello");
  ASSERT_FALSE(reply);
  EXPECT_EQ(reply.error().code, ErrorCode::kIoError);
  EXPECT_NE(reply.error().text.find("without a reply"), std::string::npos);
}

}  // namespace
}  // namespace pathhub::mllp

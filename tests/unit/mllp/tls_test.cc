// MLLP over TLS with real certificates (made per test by openssl): mutual TLS works, and each
// kind of wrong certificate — none when one is required, an untrusted client, a server the
// client's CAs do not sign, a plain client — ends the connection with an error instead of an
// exchange.
#include <gtest/gtest.h>

#include "expect_error.h"
#include "mllp/mllp_client.h"
#include "mllp/mllp_server.h"
#include "test_certs.h"
#include "tls/tls_context.h"

namespace pathhub::mllp {
namespace {

using tls::clientContext;
using tls::serverContext;
using tls::TlsSettings;

class MllpTls : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(certs_.ok()) << "make_test_certs.sh failed (is openssl installed?)";
  }

  // Starts a TLS echo server presenting `identity` (signed by test-ca) that requires, or not,
  // client certificates signed by test-ca.
  void startServer(bool requireClient = true, const std::string& identity = "server") {
    TlsSettings s{certs_.pem(identity), certs_.key(identity), certs_.pem("test-ca"), requireClient};
    auto context = serverContext(s);
    ASSERT_TRUE(context) << context.error().describe();
    ServerOptions options;
    options.tls = *context;
    server_ = std::make_unique<Server>(
        Endpoint{"127.0.0.1", 0},
        [](const DecodedFrame& f) -> std::optional<std::string> { return "ok:" + f.payload; },
        options);
    ASSERT_TRUE(server_->start());
  }

  Result<std::string> send(const TlsSettings& client, bool tls = true) {
    ClientOptions options;
    options.connectTimeout = std::chrono::milliseconds(2000);
    options.replyTimeout = std::chrono::milliseconds(2000);
    if (tls) {
      auto context = clientContext(client);
      if (!context) return tl::unexpected(context.error());
      options.tls = *context;
    }
    Client c({"127.0.0.1", server_->port()}, options);
    return c.exchange("MSH|^~\\&|A");
  }

  testing::TestCertificates certs_;
  std::unique_ptr<Server> server_;
};

TEST_F(MllpTls, ExchangesWithMutualCertificates) {
  startServer();
  auto reply = send({certs_.pem("client"), certs_.key("client"), certs_.pem("test-ca")});
  ASSERT_TRUE(reply) << reply.error().describe();
  EXPECT_EQ(*reply, "ok:MSH|^~\\&|A");
}

TEST_F(MllpTls, ServesClientsWithoutCertificatesWhenNoneIsRequired) {
  startServer(false);
  auto reply = send({"", "", certs_.pem("test-ca")});
  ASSERT_TRUE(reply) << reply.error().describe();
}

TEST_F(MllpTls, RefusesAClientWithoutACertificateWhenOneIsRequired) {
  startServer();
  EXPECT_FAILS_WITH(send({"", "", certs_.pem("test-ca")}), ErrorCode::kIoError);
}

TEST_F(MllpTls, RefusesAClientCertificateFromAnotherCa) {
  startServer();
  EXPECT_FAILS_WITH(send({certs_.pem("stranger"), certs_.key("stranger"), certs_.pem("test-ca")}),
                    ErrorCode::kIoError);
}

TEST_F(MllpTls, ClientRefusesAServerItsCasDoNotSign) {
  startServer(false);
  auto reply = send({"", "", certs_.pem("other-ca")});
  ASSERT_FALSE(reply);
  EXPECT_NE(reply.error().text.find("127.0.0.1"), std::string::npos) << reply.error().text;
}

TEST_F(MllpTls, ClientChecksTheServerIsTheHostItAskedFor) {
  startServer(false, "client");  // a certificate test-ca signed, but for "lab-client"
  auto reply = send({"", "", certs_.pem("test-ca")});
  EXPECT_FALSE(reply);
  TlsSettings trusting{"", "", certs_.pem("test-ca")};
  trusting.verifyHost = false;
  auto unchecked = send(trusting);
  EXPECT_TRUE(unchecked) << unchecked.error().describe();
}

TEST_F(MllpTls, APlainClientGetsNoReply) {
  startServer(false);
  EXPECT_FAILS_WITH(send({}, false), ErrorCode::kIoError);
}

TEST_F(MllpTls, SettingsErrorsNameTheFile) {
  auto missing = serverContext({"/nonexistent/server.pem", certs_.key("server"), "", false});
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().text.find("TLS certificate /nonexistent/server.pem"), std::string::npos)
      << missing.error().text;
  auto keyless = serverContext({certs_.pem("server"), "", "", false});
  ASSERT_FALSE(keyless);
  EXPECT_NE(keyless.error().text.find("needs a certificate and a private key"), std::string::npos);
}

}  // namespace
}  // namespace pathhub::mllp

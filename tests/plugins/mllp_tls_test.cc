// transport_mllp with TLS, through the real loader: a TLS destination delivers to a receiver
// that requires client certificates, a TLS source acknowledges a client with a certificate
// and answers nothing to a plain one, and a TLS source without its certificate faults its
// channel with the reason.
#include "expect_error.h"
#include "mllp/mllp_client.h"
#include "mllp/mllp_server.h"
#include "plugin_runtime.h"
#include "test_certs.h"

namespace pathhub::plugin {
namespace {

class MllpTlsPlugin : public PluginRuntime {
 protected:
  void SetUp() override {
    PluginRuntime::SetUp();
    ASSERT_TRUE(certs_.ok()) << "make_test_certs.sh failed (is openssl installed?)";
  }
  testing::TestCertificates certs_;
};

TEST_F(MllpTlsPlugin, DestinationDeliversToAReceiverRequiringClientCertificates) {
  auto context =
      tls::serverContext({certs_.pem("server"), certs_.key("server"), certs_.pem("test-ca"), true});
  ASSERT_TRUE(context) << context.error().describe();
  std::atomic<int> received{0};
  mllp::ServerOptions options;
  options.tls = *context;
  mllp::Server receiver(
      {"127.0.0.1", 0},
      [&](const mllp::DecodedFrame& f) -> std::optional<std::string> {
        ++received;
        return "MSH|^~\\&|GP||LAB||20260101||ACK|A1|P|2.4\rMSA|AA|" +
               std::string(f.payload.find("|C1|") != std::string::npos ? "C1" : "?");
      },
      options);
  ASSERT_TRUE(receiver.start());
  auto& ch = start(channelConfig("lab", "mllp",
                                 {{"endpoint", "127.0.0.1:" + std::to_string(receiver.port())},
                                  {"tls", "true"},
                                  {"caFile", certs_.pem("test-ca")},
                                  {"certificate", certs_.pem("client")},
                                  {"privateKey", certs_.key("client")}}));
  accept(ch, "C1");
  ASSERT_TRUE(testing::waitUntil([&] { return pending("lab") == 0 && received == 1; }));
  EXPECT_EQ(journal_->countDeliveries("lab", "delivered").value_or(0), 1);
  EXPECT_EQ(ch.faultReason(), "");
}

TEST_F(MllpTlsPlugin, SourceAcknowledgesTlsClientsOnly) {
  const std::uint16_t port = testing::freePort();
  config::ChannelConfig c = channelConfig("lab", "file", {{"directory", (dir_ / "out").string()}});
  c.source.settings = {{"listen", "127.0.0.1:" + std::to_string(port)},
                       {"tls", "true"},
                       {"certificate", certs_.pem("server")},
                       {"privateKey", certs_.key("server")},
                       {"caFile", certs_.pem("test-ca")},
                       {"requireClientCertificate", "true"}};
  auto& ch = start(c);
  auto source = makeSource(registry_, ch);
  ASSERT_TRUE(source) << source.error().describe();
  ASSERT_TRUE((*source)->start());

  auto clientTls =
      tls::clientContext({certs_.pem("client"), certs_.key("client"), certs_.pem("test-ca")});
  ASSERT_TRUE(clientTls) << clientTls.error().describe();
  mllp::ClientOptions options;
  options.tls = *clientTls;
  mllp::Client client({"127.0.0.1", port}, options);
  auto ack = client.exchange(kMessage);
  ASSERT_TRUE(ack) << ack.error().describe();
  EXPECT_NE(ack->find("MSA|AA|C1"), std::string::npos) << *ack;
  auto committed = journal_->message(1);  // ACKed, so committed
  ASSERT_TRUE(committed) << committed.error().describe();
  EXPECT_EQ(committed->controlId, "C1");

  mllp::ClientOptions plainOptions;
  plainOptions.replyTimeout = std::chrono::milliseconds(1000);
  mllp::Client plain({"127.0.0.1", port}, plainOptions);
  EXPECT_FAILS_WITH(plain.exchange(kMessage), ErrorCode::kIoError);
  (*source)->stop();
}

TEST_F(MllpTlsPlugin, ATlsSourceWithoutItsCertificateFaultsItsChannel) {
  config::ChannelConfig c = channelConfig("lab", "file", {{"directory", (dir_ / "out").string()}});
  c.source.settings = {{"listen", "127.0.0.1:0"}, {"tls", "true"}};
  auto& ch = start(c);
  auto source = makeSource(registry_, ch);
  ASSERT_TRUE(source);
  EXPECT_FALSE((*source)->start());
  EXPECT_NE(ch.faultReason().find("a TLS listener needs a certificate and a private key"),
            std::string::npos)
      << ch.faultReason();
}

}  // namespace
}  // namespace pathhub::plugin

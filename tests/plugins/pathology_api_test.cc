// The NHS Pathology API destination (plugins/transport_nhs_pathology_api) through the loader,
// against the API double (tests/support/pathology_api_double.h) over mutual TLS on 127.0.0.1:
// the signed client assertion, the token exchange and its reuse, the client certificate, and
// how each kind of answer settles a delivery (accepted, refused with the OperationOutcome,
// retried no sooner than Retry-After, a revoked token replaced).
#include <gtest/gtest.h>

#include <chrono>

#include "corpus.h"
#include "hl7/batch.h"
#include "hub_fixture.h"
#include "pathology_api_double.h"
#include "plugin_runtime.h"
#include "test_certs.h"
#include "tls/tls_context.h"

namespace pathhub::plugin {
namespace {

using testing::PathologyApiDouble;

const std::string kApiKey = "pathhub-test-api-key";
const std::string kKeyId = "pathhub-test-1";

class PathologyApi : public PluginRuntime {
 protected:
  void SetUp() override {
    PluginRuntime::SetUp();
    ASSERT_TRUE(certs_.ok());
    // The API asks for a client certificate its CA signed; client assertions are verified with
    // the public key registered for kKeyId (here: the "stranger" certificate's key pair).
    auto context = tls::serverContext(
        {certs_.pem("server"), certs_.key("server"), certs_.pem("test-ca"), true});
    ASSERT_TRUE(context) << context.error().describe();
    api_ = std::make_unique<PathologyApiDouble>(*context, certs_.pem("stranger"), kApiKey, kKeyId);
    // The hub works in HL7 v2; the destination's fhir-json codec makes the Bundle sent.
    bundle_ = hl7::normalizeSegmentSeparators(
        testing::readCorpusFile("hl7v2/oru_r01_dhcw_hba1c_fbc_corrected_v251.hl7"));
  }

  config::PluginSettings settings() {
    return {{"url", api_->bundleUrl()},
            {"tokenUrl", api_->tokenUrl()},
            {"apiKey", kApiKey},
            {"keyId", kKeyId},
            {"signingKey", certs_.key("stranger")},
            {"caFile", certs_.pem("test-ca")},
            {"certificate", certs_.pem("client")},
            {"privateKey", certs_.key("client")},
            {"timeoutMs", "5000"}};
  }

  pipeline::Channel& startApi(config::PluginSettings s, bool hold = false) {
    config::ChannelConfig c = channelConfig("gp", "nhs-pathology-api", std::move(s));
    c.destinations[0].retry.holdOnFailure = hold;
    c.destinations[0].codec = "fhir-json";
    return start(c);
  }

  journal::DeliveryRecord delivery(journal::MessageId id) {
    auto details = journal_->details(id);
    EXPECT_TRUE(details);
    return details && !details->deliveries.empty() ? details->deliveries.front()
                                                   : journal::DeliveryRecord{};
  }

  std::size_t delivered() { return journal_->countDeliveries("gp", "delivered").value_or(0); }

  testing::TestCertificates certs_;
  std::unique_ptr<PathologyApiDouble> api_;
  std::string bundle_;
};

TEST_F(PathologyApi, PostsEachBundleWithATokenFromASignedAssertionOverMutualTls) {
  auto& ch = startApi(settings());
  const auto first = accept(ch, "B1", bundle_);
  const auto second = accept(ch, "B2", bundle_);
  ASSERT_TRUE(testing::waitUntil([&] { return delivered() == 2; }));
  EXPECT_TRUE(api_->assertionsRefused().empty());
  EXPECT_EQ(api_->tokensIssued(), 1) << "the token is reused while it lasts";
  const auto received = api_->received();
  ASSERT_EQ(received.size(), 2u);
  EXPECT_NE(received[0].bundle.find("\"resourceType\": \"Bundle\""), std::string::npos);
  EXPECT_EQ(received[0].authorization, "Bearer token-1");
  EXPECT_EQ(received[0].correlationId, "pathhub-" + std::to_string(first));
  EXPECT_EQ(received[1].correlationId, "pathhub-" + std::to_string(second));
  EXPECT_FALSE(received[0].requestId.empty());
  EXPECT_NE(received[0].requestId, received[1].requestId);
  for (const auto& name : api_->clientNames()) EXPECT_EQ(name, "lab-client");
  EXPECT_EQ(delivery(first).response.substr(0, 11), "201 Created");
}

TEST_F(PathologyApi, ARefusalKeepsTheOperationOutcomeAsTheReasonAndIsNotRetried) {
  api_->queue({422, "Patient 9999999999 not known to the practice", ""});
  auto& ch = startApi(settings());
  const auto id = accept(ch, "B1", bundle_);
  ASSERT_TRUE(testing::waitUntil(
      [&] { return journal_->countDeliveries("gp", "failed").value_or(0) == 1; }));
  const auto d = delivery(id);
  EXPECT_EQ(d.attempts, 1);
  EXPECT_NE(d.lastError.find("422"), std::string::npos) << d.lastError;
  EXPECT_NE(d.lastError.find("error: Patient 9999999999 not known to the practice (invalid)"),
            std::string::npos)
      << d.lastError;
  EXPECT_EQ(api_->received().size(), 1u);
}

// The receiver's Retry-After wins over the hub's backoff (10 ms in these tests).
TEST_F(PathologyApi, ABusyAnswerIsRetriedNoSoonerThanItsRetryAfter) {
  api_->queue({429, "slow down", "2"});
  api_->queue({503, "", ""});
  auto& ch = startApi(settings(), true);
  const auto id = accept(ch, "B1", bundle_);
  ASSERT_TRUE(testing::waitUntil([&] { return api_->received().size() == 1; }));
  const auto firstAt = std::chrono::steady_clock::now();
  ASSERT_TRUE(testing::waitUntil([&] { return delivered() == 1; }, std::chrono::seconds(15)));
  EXPECT_GE(std::chrono::steady_clock::now() - firstAt, std::chrono::milliseconds(1900));
  EXPECT_EQ(api_->received().size(), 3u) << "429, then 503 (retried on the backoff), then 201";
  EXPECT_EQ(delivery(id).attempts, 3);
}

TEST_F(PathologyApi, ARevokedTokenIsReplacedAndTheBundleSentAgain) {
  auto& ch = startApi(settings(), true);
  accept(ch, "B1", bundle_);
  ASSERT_TRUE(testing::waitUntil([&] { return delivered() == 1; }));
  api_->revokeTokens();
  const auto id = accept(ch, "B2", bundle_);
  ASSERT_TRUE(testing::waitUntil([&] { return delivered() == 2; }));
  EXPECT_EQ(api_->tokensIssued(), 2);
  EXPECT_EQ(delivery(id).attempts, 2);
  EXPECT_EQ(api_->received().back().authorization, "Bearer token-2");
}

TEST_F(PathologyApi, AnAssertionSignedWithAnotherKeyGetsNoTokenAndNothingIsSent) {
  auto s = settings();
  s["signingKey"] = certs_.key("client");  // not the key registered for kKeyId
  auto& ch = startApi(s, true);
  const auto id = accept(ch, "B1", bundle_);
  ASSERT_TRUE(testing::waitUntil([&] { return delivery(id).attempts >= 1; }));
  ASSERT_FALSE(api_->assertionsRefused().empty());
  EXPECT_NE(api_->assertionsRefused().front().find("signature"), std::string::npos)
      << api_->assertionsRefused().front();
  EXPECT_NE(delivery(id).lastError.find("no access token: token endpoint answered 401"),
            std::string::npos)
      << delivery(id).lastError;
  EXPECT_TRUE(api_->received().empty());
  EXPECT_EQ(delivery(id).state, "pending") << "kept, and tried again";
}

TEST_F(PathologyApi, WithoutAClientCertificateTheApiWillNotTalk) {
  auto s = settings();
  s.erase("certificate");
  s.erase("privateKey");
  auto& ch = startApi(s, true);
  const auto id = accept(ch, "B1", bundle_);
  ASSERT_TRUE(testing::waitUntil([&] { return delivery(id).attempts >= 1; }));
  EXPECT_EQ(api_->tokensIssued(), 0);
  EXPECT_TRUE(api_->received().empty());
  EXPECT_NE(delivery(id).lastError.find("no access token"), std::string::npos)
      << delivery(id).lastError;
}

}  // namespace
}  // namespace pathhub::plugin

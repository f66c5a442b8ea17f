// The transport_http plugin through the real loader: the source answers 202 only after the
// commit and a JSON error otherwise, keeping refused input; the destination counts 2xx as
// delivered, retries 5xx and gives up at once on other 4xx.
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/HTTPSClientSession.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/SecureServerSocket.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/StreamCopier.h>

#include <atomic>
#include <deque>
#include <thread>

#include "plugin_runtime.h"
#include "raw_peer.h"
#include "test_certs.h"
#include "tls/tls_context.h"

namespace pathhub::plugin {
namespace {

struct Reply {
  int status = 0;
  Poco::JSON::Object::Ptr json;
};

Reply post(std::uint16_t port, const std::string& path, const std::string& body,
           const std::string& method = "POST",
           const std::string& contentType = "x-application/hl7-v2+er7",
           Poco::Net::Context::Ptr tls = nullptr) {
  std::unique_ptr<Poco::Net::HTTPClientSession> owned =
      tls ? std::make_unique<Poco::Net::HTTPSClientSession>("127.0.0.1", port, tls)
          : std::make_unique<Poco::Net::HTTPClientSession>("127.0.0.1", port);
  Poco::Net::HTTPClientSession& session = *owned;
  Poco::Net::HTTPRequest request(method, path, Poco::Net::HTTPMessage::HTTP_1_1);
  request.setContentType(contentType);
  request.setContentLength(static_cast<std::streamsize>(body.size()));
  session.sendRequest(request) << body;
  Poco::Net::HTTPResponse response;
  std::string text;
  Poco::StreamCopier::copyToString(session.receiveResponse(response), text);
  Reply r;
  r.status = static_cast<int>(response.getStatus());
  r.json = Poco::JSON::Parser().parse(text).extract<Poco::JSON::Object::Ptr>();
  return r;
}

class HttpSourceTest : public PluginRuntime {
 protected:
  std::uint16_t port_ = testing::freePort();

  pipeline::Channel& startWithSource(std::size_t maxMessageBytes = 16 * 1024 * 1024,
                                     const config::PluginSettings& extra = {}) {
    config::ChannelConfig c =
        channelConfig("lab", "file", {{"directory", (dir_ / "out").string()}});
    c.source.type = "http";
    c.source.maxMessageBytes = maxMessageBytes;
    c.source.settings = {{"listen", "127.0.0.1:" + std::to_string(port_)}, {"path", "/in"}};
    c.source.settings.insert(extra.begin(), extra.end());
    return startWithItsSource(c);
  }
};

TEST_F(HttpSourceTest, AnswersAcceptedOnlyOnceTheMessageIsCommitted) {
  startWithSource();
  const Reply r = post(port_, "/in", kMessage);
  ASSERT_EQ(r.status, 202);
  EXPECT_EQ(r.json->getValue<std::string>("status"), "accepted");
  const auto id = r.json->getValue<Poco::Int64>("messageId");
  EXPECT_NE(r.json->getValue<std::string>("ack").find("MSA|AA|C1"), std::string::npos);
  auto stored = journal_->message(id);
  ASSERT_TRUE(stored) << stored.error().describe();
  EXPECT_EQ(stored->bytes, kMessage);
  EXPECT_EQ(stored->controlId, "C1");
  const Reply again = post(port_, "/in", kMessage);
  EXPECT_EQ(again.status, 202);
  EXPECT_EQ(again.json->getValue<std::string>("status"), "duplicate");
}

TEST_F(HttpSourceTest, AnswersBadInputWithAJsonErrorAndKeepsIt) {
  startWithSource(2000);
  const Reply garbage = post(port_, "/in", "this is not HL7");
  EXPECT_EQ(garbage.status, 400);
  EXPECT_EQ(garbage.json->getValue<std::string>("error"), "rejected");
  EXPECT_NE(garbage.json->getValue<std::string>("message").find("MSH"), std::string::npos);
  auto kept = journal_->message(garbage.json->getValue<Poco::Int64>("messageId"));
  ASSERT_TRUE(kept);
  EXPECT_EQ(kept->state, "rejected");
  EXPECT_EQ(kept->bytes, "this is not HL7");

  const Reply fhir = post(port_, "/in", "{}", "POST", "application/fhir+json");
  EXPECT_EQ(fhir.status, 415);
  EXPECT_NE(fhir.json->getValue<std::string>("message").find("application/fhir+json"),
            std::string::npos);
  const Reply big = post(port_, "/in", kMessage + std::string(3000, 'x'));
  EXPECT_EQ(big.status, 413);
  EXPECT_EQ(big.json->getValue<std::string>("error"), "too_large");
  EXPECT_EQ(journal_->countMessages("lab", "rejected").value_or(0), 3);  // nothing lost
  // Each refusal is kept with the code that says why (ABI 1.4's refuse_as), not one for all.
  const auto first = garbage.json->getValue<Poco::Int64>("messageId");
  EXPECT_EQ(journal_->message(first)->error.rfind("malformed_message: ", 0), 0u);
  EXPECT_EQ(journal_->message(first + 1)->error.rfind("invalid_value: Content-Type", 0), 0u)
      << journal_->message(first + 1)->error;
  EXPECT_EQ(journal_->message(first + 2)->error.rfind("message_too_large: the body exceeds", 0), 0u)
      << journal_->message(first + 2)->error;

  const Reply get = post(port_, "/in", "", "GET");
  EXPECT_EQ(get.status, 405);
  EXPECT_EQ(get.json->getValue<std::string>("error"), "method_not_allowed");
  EXPECT_EQ(post(port_, "/elsewhere", kMessage).status, 404);
}

// Issue 18, items 6 and 7: a request head that does not arrive within headerSeconds ends
// the connection, a sender over its address's cap is answered 503, and a POST without a
// length has no body (RFC 9112): answered at once, kept as rejected.
TEST_F(HttpSourceTest, SlowHeadsCrowdsAndBodiesOfNoLengthGetPromptAnswers) {
  startWithSource(16 * 1024 * 1024, {{"headerSeconds", "1"}, {"maxConnectionsPerAddress", "2"}});
  testing::RawPeer slow("127.0.0.2", port_), slower("127.0.0.2", port_);
  ASSERT_TRUE(slow.send("POST /in HTTP/1.1\r\nHost: x\r\n"));
  ASSERT_TRUE(slower.send("POST /in HTTP/1.1\r\n"));
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  testing::RawPeer third("127.0.0.2", port_);
  const std::string refused = third.read(std::chrono::seconds(5));
  EXPECT_EQ(refused.rfind("HTTP/1.1 503", 0), 0u) << refused;
  EXPECT_NE(refused.find("\"error\":\"too_many_connections\""), std::string::npos) << refused;
  const auto started = std::chrono::steady_clock::now();
  EXPECT_EQ(slow.read(std::chrono::seconds(10)), "");
  EXPECT_TRUE(slow.closedByServer());
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(4));
  EXPECT_EQ(slower.read(std::chrono::seconds(5)), "");
  EXPECT_TRUE(slower.closedByServer());
  // Another sender was never kept out meanwhile, and a POST of no length is answered at once.
  EXPECT_EQ(post(port_, "/in", kMessage).status, 202);
  testing::RawPeer noLength("127.0.0.1", port_);
  ASSERT_TRUE(noLength.send("POST /in HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"));
  const auto posted = std::chrono::steady_clock::now();
  const std::string answer = noLength.read(std::chrono::seconds(3));
  EXPECT_EQ(answer.rfind("HTTP/1.1 400", 0), 0u) << answer;
  EXPECT_NE(answer.find("\"error\":\"rejected\""), std::string::npos) << answer;
  EXPECT_LT(std::chrono::steady_clock::now() - posted, std::chrono::seconds(2));
}

TEST_F(HttpSourceTest, ServesHttpsToClientsWithCertificatesOnly) {
  testing::TestCertificates certs;
  ASSERT_TRUE(certs.ok());
  startWithSource(16 * 1024 * 1024, {{"tls", "true"},
                                     {"certificate", certs.pem("server")},
                                     {"privateKey", certs.key("server")},
                                     {"caFile", certs.pem("test-ca")},
                                     {"requireClientCertificate", "true"}});
  auto client =
      tls::clientContext({certs.pem("client"), certs.key("client"), certs.pem("test-ca")});
  ASSERT_TRUE(client) << client.error().describe();
  const Reply r = post(port_, "/in", kMessage, "POST", "x-application/hl7-v2+er7", *client);
  EXPECT_EQ(r.status, 202);
  auto anonymous = tls::clientContext({"", "", certs.pem("test-ca")});
  ASSERT_TRUE(anonymous);
  EXPECT_ANY_THROW(post(port_, "/in", kMessage, "POST", "x-application/hl7-v2+er7", *anonymous));
  EXPECT_ANY_THROW(post(port_, "/in", kMessage));  // plain HTTP to an HTTPS source
}

// A receiving system for the destination: answers each request with the next status queued
// (200 once the queue is empty) and keeps what it was sent. HTTPS when given a TLS context.
class Receiver {
 public:
  explicit Receiver(Poco::Net::Context::Ptr tls = nullptr)
      : server_(new Factory(*this),
                tls ? Poco::Net::SecureServerSocket(0, 64, tls) : Poco::Net::ServerSocket(0),
                new Poco::Net::HTTPServerParams) {
    server_.start();
  }
  ~Receiver() { server_.stopAll(true); }
  std::uint16_t port() const { return server_.port(); }
  void queue(std::initializer_list<int> statuses) {
    std::lock_guard lock(mutex_);
    statuses_.insert(statuses_.end(), statuses);
  }
  struct Seen {
    std::string body, messageId, authorization, contentType;
  };
  std::vector<Seen> seen() {
    std::lock_guard lock(mutex_);
    return seen_;
  }

 private:
  struct Handler : Poco::Net::HTTPRequestHandler {
    explicit Handler(Receiver& r) : r_(r) {}
    void handleRequest(Poco::Net::HTTPServerRequest& request,
                       Poco::Net::HTTPServerResponse& response) override {
      Seen s;
      Poco::StreamCopier::copyToString(request.stream(), s.body);
      s.messageId = request.get("X-Pathhub-Message-Id", "");
      s.authorization = request.get("Authorization", "");
      s.contentType = request.getContentType();
      int status = 200;
      {
        std::lock_guard lock(r_.mutex_);
        r_.seen_.push_back(s);
        if (!r_.statuses_.empty()) {
          status = r_.statuses_.front();
          r_.statuses_.pop_front();
        }
      }
      response.setStatus(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(status));
      response.send() << "status " << status;
    }
    Receiver& r_;
  };
  struct Factory : Poco::Net::HTTPRequestHandlerFactory {
    explicit Factory(Receiver& r) : r_(r) {}
    Poco::Net::HTTPRequestHandler* createRequestHandler(
        const Poco::Net::HTTPServerRequest&) override {
      return new Handler(r_);
    }
    Receiver& r_;
  };
  std::mutex mutex_;
  std::deque<int> statuses_;
  std::vector<Seen> seen_;
  Poco::Net::HTTPServer server_;
};

TEST_F(PluginRuntime, HttpDestinationRetriesServerErrorsUntilDelivered) {
  Receiver receiver;
  receiver.queue({503, 500});
  auto& ch = start(
      channelConfig("lab", "http",
                    {{"url", "http://127.0.0.1:" + std::to_string(receiver.port()) + "/results"},
                     {"authorization", "Bearer lab-token"}}));
  const auto id = accept(ch, "C1");
  ASSERT_TRUE(
      testing::waitUntil([&] { return receiver.seen().size() == 3 && pending("lab") == 0; }));
  for (const auto& s : receiver.seen()) {
    EXPECT_EQ(s.body, kMessage);
    EXPECT_EQ(s.messageId, std::to_string(id));
    EXPECT_EQ(s.authorization, "Bearer lab-token");
    EXPECT_EQ(s.contentType, "x-application/hl7-v2+er7");
  }
  EXPECT_EQ(journal_->countDeliveries("lab", "delivered").value_or(0), 1);
}

TEST_F(PluginRuntime, HttpDestinationGivesUpAtOnceOnAClientError) {
  Receiver receiver;
  receiver.queue({422});
  config::ChannelConfig c = channelConfig(
      "lab", "http", {{"url", "http://127.0.0.1:" + std::to_string(receiver.port()) + "/results"}});
  c.destinations[0].retry.holdOnFailure = false;  // a refused message is set aside, not held
  auto& ch = start(c);
  accept(ch, "C1");
  ASSERT_TRUE(testing::waitUntil(
      [&] { return journal_->countDeliveries("lab", "failed").value_or(0) == 1; }));
  EXPECT_EQ(receiver.seen().size(), 1u);  // not retried
  EXPECT_EQ(ch.faultReason(), "");
}

TEST_F(PluginRuntime, HttpsDestinationVerifiesTheReceiver) {
  testing::TestCertificates certs;
  ASSERT_TRUE(certs.ok());
  auto server = tls::serverContext({certs.pem("server"), certs.key("server"), "", false});
  ASSERT_TRUE(server) << server.error().describe();
  Receiver receiver(*server);
  const std::string url = "https://127.0.0.1:" + std::to_string(receiver.port()) + "/results";
  auto& trusting =
      start(channelConfig("lab", "http", {{"url", url}, {"caFile", certs.pem("test-ca")}}));
  accept(trusting, "C1");
  ASSERT_TRUE(testing::waitUntil(
      [&] { return journal_->countDeliveries("lab", "delivered").value_or(0) == 1; }));
  EXPECT_EQ(receiver.seen().size(), 1u);
  // A receiver whose certificate the configured CAs do not sign gets nothing.
  auto& wary =
      start(channelConfig("wary", "http", {{"url", url}, {"caFile", certs.pem("other-ca")}}));
  accept(wary, "W1");
  ASSERT_TRUE(testing::waitUntil(
      [&] { return journal_->countDeliveries("wary", "pending").value_or(0) == 1; }));
  std::this_thread::sleep_for(std::chrono::milliseconds(300));  // a few attempts' worth
  EXPECT_EQ(receiver.seen().size(), 1u);
  EXPECT_EQ(pending("wary"), 1u);
}

TEST_F(PluginRuntime, HttpDestinationRefusesAUrlItCannotUse) {
  auto& ch = start(channelConfig("lab", "http", {{"url", "ftp://lab.example/results"}}));
  ASSERT_TRUE(testing::waitUntil([&] { return !ch.faultReason().empty(); }));
  EXPECT_NE(ch.faultReason().find("is not an http(s)://HOST[:PORT]/PATH address"),
            std::string::npos)
      << ch.faultReason();
}

}  // namespace
}  // namespace pathhub::plugin

// The transport_mesh plugin and its MESH client against the MESH test server
// (tests/support/mesh_test_server.h), through the real loader and a real journal: signed
// requests (and refused ones), chunked sends and downloads, acknowledgement only after the
// commit, tracking, endpoint lookup, and the destination sending where the routing says.
#include <Poco/MD5Engine.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/SHA2Engine.h>
#include <Poco/StreamCopier.h>
#include <Poco/String.h>

#include "expect_error.h"
#include "mesh_auth.h"
#include "mesh_client.h"
#include "mesh_test_server.h"
#include "plugin_runtime.h"
#include "test_certs.h"
#include "tls/tls_context.h"

namespace pathhub::plugin {
namespace {

const std::string kSecret = "TestSharedSecret";

class Mesh : public PluginRuntime {
 protected:
  void SetUp() override {
    PluginRuntime::SetUp();
    server_.addMailbox("HUB01", "hub-password");
    server_.addMailbox("GP01", "gp-password");
  }
  mesh::MeshSettings settings(const std::string& password = "hub-password") {
    mesh::MeshSettings s;
    s.url = server_.url();
    s.mailbox = "HUB01";
    s.password = password;
    s.sharedSecret = kSecret;
    s.timeoutMs = 5000;
    return s;
  }
  config::PluginSettings pluginSettings() {
    return {{"url", server_.url()},
            {"mailbox", "HUB01"},
            {"password", "hub-password"},
            {"sharedSecret", kSecret}};
  }
  testing::MeshTestServer server_{kSecret};
};

TEST(MeshAuth, SignsAsTheMeshApiSays) {
  const std::string h =
      mesh::authorizationHeader("HUB01", "pw", "secret", "nonce-1", "0", "202611250900");
  auto token = mesh::parseAuthorization(h);
  ASSERT_TRUE(token);
  EXPECT_EQ(token->mailbox, "HUB01");
  EXPECT_EQ(token->nonce, "nonce-1");
  EXPECT_EQ(token->timestamp, "202611250900");
  EXPECT_EQ(token->hash.size(), 64u);
  EXPECT_TRUE(mesh::hashMatches(*token, "pw", "secret"));
  EXPECT_FALSE(mesh::hashMatches(*token, "other", "secret"));
  EXPECT_FALSE(mesh::hashMatches(*token, "pw", "other"));
  EXPECT_FALSE(mesh::parseAuthorization("Bearer x"));
  EXPECT_FALSE(mesh::parseAuthorization("NHSMESH HUB01:n:0:202611250900"));
  const auto now = std::chrono::system_clock::now();
  EXPECT_TRUE(mesh::timestampWithin(mesh::meshTimestamp(now), now, std::chrono::hours(2)));
  EXPECT_FALSE(mesh::timestampWithin("201901010000", now, std::chrono::hours(2)));
}

TEST_F(Mesh, TheServerRefusesBadAndReusedTokens) {
  mesh::MeshClient good(settings());
  EXPECT_TRUE(good.handshake());
  mesh::MeshClient wrong(settings("not-the-password"));
  auto refused = wrong.handshake();
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, ErrorCode::kInvalidValue) << "a 403 will not pass by itself";
  // The same token twice: the second is refused.
  const std::string header =
      mesh::authorizationHeader("HUB01", "hub-password", kSecret, "same-nonce", "0",
                                mesh::meshTimestamp(std::chrono::system_clock::now()));
  int statuses[2];
  for (int& status : statuses) {
    Poco::Net::HTTPClientSession session("127.0.0.1", server_.port());
    Poco::Net::HTTPRequest request("GET", "/messageexchange/HUB01");
    request.set("Authorization", header);
    request.set("Accept", "application/vnd.mesh.v2+json");
    session.sendRequest(request);
    Poco::Net::HTTPResponse response;
    std::string body;
    Poco::StreamCopier::copyToString(session.receiveResponse(response), body);
    status = static_cast<int>(response.getStatus());
  }
  EXPECT_EQ(statuses[0], 200);
  EXPECT_EQ(statuses[1], 403);
  EXPECT_EQ(server_.refusedRequests(), 2);
}

TEST_F(Mesh, SendsLargeMessagesInChunksAndDownloadsThemWhole) {
  auto s = settings();
  s.chunkBytes = 1024;
  mesh::MeshClient client(s);
  std::string big;
  for (int i = 0; big.size() < 5000; ++i) big += "OBX|" + std::to_string(i) + "|ST|X||value\r";
  auto id = client.send({"GP01", "PATH_MEDRPT_V3", "pathhub-7", "results", "7.dat", big});
  ASSERT_TRUE(id) << id.error().text;
  const auto sent = server_.sentTo("GP01");
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].chunks.size(), 5u);
  EXPECT_EQ(sent[0].bytes(), big);
  EXPECT_EQ(sent[0].workflow, "PATH_MEDRPT_V3");
  EXPECT_EQ(sent[0].localId, "pathhub-7");
  EXPECT_EQ(sent[0].checksum.rfind("SHA256:", 0), 0u);
  EXPECT_EQ(sent[0].checksum.size(), 7u + 64u);
  // Tracked by MESH's id (v2), with v2's lower-case status.
  auto tracked = client.track(*id);
  ASSERT_TRUE(tracked) << tracked.error().text;
  EXPECT_NE(tracked->find("\"message_id\":\"" + *id + "\""), std::string::npos) << *tracked;
  EXPECT_NE(tracked->find("\"local_id\":\"pathhub-7\""), std::string::npos) << *tracked;
  EXPECT_NE(tracked->find("\"status\":\"accepted\""), std::string::npos) << *tracked;

  // Into the hub's inbox in three chunks: listed, downloaded whole, acknowledged, gone.
  const std::string in = server_.put("GP01", "HUB01", "PATH_MEDRPT_V3_ACK", big, 3);
  EXPECT_EQ(client.count().value_or(-1), 1);
  auto listed = client.inbox();
  ASSERT_TRUE(listed);
  EXPECT_EQ(*listed, std::vector<std::string>{in});
  auto got = client.download(in);
  ASSERT_TRUE(got) << got.error().text;
  EXPECT_EQ(got->bytes, big);
  EXPECT_EQ(got->from, "GP01");
  EXPECT_EQ(got->workflow, "PATH_MEDRPT_V3_ACK");
  ASSERT_TRUE(client.acknowledge(in));
  EXPECT_TRUE(client.inbox()->empty());
  // An unknown recipient is refused for good; an unknown message is not found.
  auto nobody = client.send({"NOBODY", "PATH_MEDRPT_V3", "", "", "", "x"});
  ASSERT_FALSE(nobody);
  EXPECT_EQ(nobody.error().code, ErrorCode::kInvalidValue);
  EXPECT_NE(nobody.error().text.find("417"), std::string::npos) << nobody.error().text;
  EXPECT_EQ(client.download("NOPE").error().code, ErrorCode::kNotFound);
}

// Issue 18, item 5: a broken Mex-Chunk-Range is refused, never read as "one chunk" (that took
// a part of a message for the whole and acknowledged it); chunk counts and bytes are capped.
TEST_F(Mesh, ABrokenOrHugeChunkRangeIsRefusedNotFollowed) {
  mesh::MeshClient client(settings());
  std::string body;
  for (int i = 0; body.size() < 3000; ++i) body += "OBX|" + std::to_string(i) + "|ST|X||v\r";
  const std::string id = server_.put("GP01", "HUB01", "PATH_MEDRPT_V3_ACK", body, 3);
  for (const auto& [range, code] :
       std::vector<std::pair<std::string, ErrorCode>>{{"3:2", ErrorCode::kMalformedMessage},
                                                      {"1:x", ErrorCode::kMalformedMessage},
                                                      {"2:3", ErrorCode::kMalformedMessage},
                                                      {"1:200000", ErrorCode::kMessageTooLarge}}) {
    server_.setFirstChunkRange(id, range);
    const auto started = std::chrono::steady_clock::now();
    EXPECT_FAILS_WITH(client.download(id), code) << range;
    EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(5)) << range;
  }
  server_.setFirstChunkRange(id, "");
  // Bytes are read against the limit: never the whole of a message larger than the channel takes.
  EXPECT_FAILS_WITH(client.download(id, 2000), ErrorCode::kMessageTooLarge);
  EXPECT_FAILS_WITH(client.download(id, 500), ErrorCode::kMessageTooLarge);
  auto whole = client.download(id, 3100);
  ASSERT_TRUE(whole) << whole.error().text;
  EXPECT_EQ(whole->bytes, body);
}

// Issue 18, item 5: the sender's Mex-Content-Checksum is checked against what was downloaded;
// bytes that do not match are not what was sent, and are neither stored nor acknowledged.
TEST_F(Mesh, AMessageWhoseChecksumDoesNotMatchIsRefused) {
  mesh::MeshClient client(settings());
  const std::string body = "MSH|^~\\&|GP|A81001|LAB|RVJ|20240101||ACK|1|P|2.4\rMSA|AA|42\r";
  const std::string id = server_.put("GP01", "HUB01", "PATH_MEDRPT_V3_ACK", body, 2);
  Poco::SHA2Engine sha(Poco::SHA2Engine::SHA_256);
  sha.update(body);
  const std::string sha256 = Poco::DigestEngine::digestToHex(sha.digest());
  Poco::MD5Engine md5;
  md5.update(body);
  const std::string md5hex = Poco::DigestEngine::digestToHex(md5.digest());
  for (const std::string& good : {"SHA256:" + sha256, Poco::toUpper(sha256), "md5:" + md5hex,
                                  std::string("a checksum in no form we know")}) {
    server_.setChecksum(id, good);
    auto got = client.download(id);
    ASSERT_TRUE(got) << good << ": " << got.error().text;
    EXPECT_EQ(got->bytes, body);
  }
  std::string wrong = sha256;
  wrong[10] = wrong[10] == '0' ? '1' : '0';
  for (const std::string& bad : {"SHA256:" + wrong, "MD5:" + std::string(32, '0'), wrong}) {
    server_.setChecksum(id, bad);
    auto got = client.download(id);
    EXPECT_FAILS_WITH(got, ErrorCode::kMalformedMessage) << bad;
    if (!got) {
      EXPECT_NE(got.error().text.find("neither stored nor acknowledged"), std::string::npos);
    }
  }
  EXPECT_FALSE(server_.acknowledged(id));
}

TEST(MeshTls, TalksMutualTlsWithTheMailboxsCertificateOnly) {
  testing::TestCertificates certs;
  ASSERT_TRUE(certs.ok());
  // MESH asks for the mailbox's client certificate, signed by its CA.
  auto context =
      tls::serverContext({certs.pem("server"), certs.key("server"), certs.pem("test-ca"), true});
  ASSERT_TRUE(context) << context.error().describe();
  testing::MeshTestServer server(kSecret, *context);
  server.addMailbox("HUB01", "hub-password");
  mesh::MeshSettings s;
  s.url = server.url();
  s.mailbox = "HUB01";
  s.password = "hub-password";
  s.sharedSecret = kSecret;
  s.timeoutMs = 5000;
  s.caFile = certs.pem("test-ca");
  s.certificate = certs.pem("client");
  s.privateKey = certs.key("client");
  mesh::MeshClient good(s);
  auto ok = good.handshake();
  EXPECT_TRUE(ok) << ok.error().text;
  // Without a client certificate, or with one another CA signed, MESH will not talk.
  s.certificate = s.privateKey = "";
  mesh::MeshClient anonymous(s);
  EXPECT_FAILS_WITH(anonymous.handshake(), ErrorCode::kIoError);
  s.certificate = certs.pem("stranger");
  s.privateKey = certs.key("stranger");
  mesh::MeshClient stranger(s);
  EXPECT_FAILS_WITH(stranger.handshake(), ErrorCode::kIoError);
  // And the client checks MESH: a CA that did not sign its certificate refuses it.
  s.certificate = certs.pem("client");
  s.privateKey = certs.key("client");
  s.caFile = certs.pem("other-ca");
  mesh::MeshClient wary(s);
  EXPECT_FAILS_WITH(wary.handshake(), ErrorCode::kIoError);
}

// MESH API v2: every call the client makes asks for it; a client that does not is refused.
TEST_F(Mesh, EveryCallAsksForApiV2AndAV1OnlyRequestIsRefused) {
  mesh::MeshClient client(settings());
  ASSERT_TRUE(client.handshake());
  server_.put("GP01", "HUB01", "PATH_MEDRPT_V3_ACK", "MSH|^~\\&|x\r");
  auto listed = client.inbox();
  ASSERT_TRUE(listed) << listed.error().text;
  ASSERT_EQ(listed->size(), 1u);
  ASSERT_TRUE(client.download(listed->front()));
  ASSERT_TRUE(client.acknowledge(listed->front()));
  ASSERT_TRUE(client.send({"GP01", "PATH_MEDRPT_V3", "v2-1", "", "", "MSH|^~\\&|y\r"}));
  EXPECT_EQ(server_.v1Refused(), 0);
  // As a v1 client asks: no Accept header.
  Poco::Net::HTTPClientSession session("127.0.0.1", server_.port());
  Poco::Net::HTTPRequest request("GET", "/messageexchange/HUB01/inbox");
  request.set("Authorization",
              mesh::authorizationHeader("HUB01", "hub-password", kSecret, "v1-nonce", "0",
                                        mesh::meshTimestamp(std::chrono::system_clock::now())));
  session.sendRequest(request);
  Poco::Net::HTTPResponse response;
  std::string body;
  Poco::StreamCopier::copyToString(session.receiveResponse(response), body);
  EXPECT_EQ(static_cast<int>(response.getStatus()), 406);
  EXPECT_EQ(server_.v1Refused(), 1);
}

// An inbox longer than a page (v2 lists 10..5000 at a time) is followed through links.next.
TEST_F(Mesh, AnInboxOfSeveralPagesIsListedWhole) {
  std::vector<std::string> put;
  for (int i = 0; i < 1203; ++i) {
    put.push_back(server_.put("GP01", "HUB01", "PATH_MEDRPT_V3_ACK", "M" + std::to_string(i)));
  }
  mesh::MeshClient client(settings());
  auto listed = client.inbox();
  ASSERT_TRUE(listed) << listed.error().text;
  EXPECT_EQ(*listed, put);
  EXPECT_EQ(server_.inboxPages(), 3) << "pages of 500: 500, 500, 203";
}

// v2's workflow_filter: exact, begins with, contains, and each negated.
TEST(MeshWorkflowFilter, MatchesAsMeshApiV2Says) {
  EXPECT_TRUE(mesh::workflowMatches("", "PATH_MEDRPT_V3_ACK"));
  EXPECT_TRUE(mesh::workflowMatches("PATH_MEDRPT_V3_ACK", "PATH_MEDRPT_V3_ACK"));
  EXPECT_FALSE(mesh::workflowMatches("PATH_MEDRPT_V3", "PATH_MEDRPT_V3_ACK"));
  EXPECT_TRUE(mesh::workflowMatches("PATH_MEDRPT*", "PATH_MEDRPT_V3_ACK"));
  EXPECT_FALSE(mesh::workflowMatches("PATH_MEDRPT*", "GPCONNECT_UPDATE_RECORD_ACK"));
  EXPECT_TRUE(mesh::workflowMatches("*_ACK*", "GPCONNECT_UPDATE_RECORD_ACK"));
  EXPECT_FALSE(mesh::workflowMatches("!*_ACK*", "GPCONNECT_UPDATE_RECORD_ACK"));
  EXPECT_TRUE(mesh::workflowMatches("!PATH_MEDRPT*", "PATH_FHIR_ACK"));
  EXPECT_FALSE(mesh::workflowMatches("!PATH_MEDRPT_V3_ACK", "PATH_MEDRPT_V3_ACK"));
}

// Two sources can share a mailbox: each lists only its own workflows, page after page.
TEST_F(Mesh, AnInboxIsListedForTheWorkflowsAsked) {
  std::vector<std::string> acks, others;
  for (int i = 0; i < 1100; ++i) {
    const bool ack = i % 3 == 0;
    (ack ? acks : others)
        .push_back(server_.put("GP01", "HUB01", ack ? "PATH_MEDRPT_V3_ACK" : "OTHER_FHIR_ACK",
                               "M" + std::to_string(i)));
  }
  mesh::MeshClient client(settings());
  auto listed = client.inbox("PATH_MEDRPT*");
  ASSERT_TRUE(listed) << listed.error().text;
  EXPECT_EQ(*listed, acks);
  listed = client.inbox("!PATH_MEDRPT*");
  ASSERT_TRUE(listed) << listed.error().text;
  EXPECT_EQ(*listed, others) << "links.next keeps the filter";
}

TEST_F(Mesh, LooksUpAPracticesMailbox) {
  server_.addEndpoint("A81001", "PATH_MEDRPT_V3", "GP01");
  mesh::MeshClient client(settings());
  auto found = client.lookup("A81001", "PATH_MEDRPT_V3");
  ASSERT_TRUE(found) << found.error().text;
  EXPECT_EQ(*found, std::vector<std::string>{"GP01"});
  EXPECT_TRUE(client.lookup("Z99999", "PATH_MEDRPT_V3")->empty());
}

TEST_F(Mesh, TheDestinationSendsWhereTheRoutingSaysAndKeepsMeshsId) {
  auto settings = pluginSettings();
  settings["to"] = "NOBODY";  // the routing's attribute wins over this default
  config::ChannelConfig c = channelConfig("lab", "mesh", settings);
  c.destinations[0].retry.holdOnFailure = false;
  auto& ch = start(c);
  // A delivery that names its recipient, as practice routing does.
  journal::NewMessage m;
  m.channel = "lab";
  m.source = "lab/test";
  m.controlId = "C1";
  m.messageType = "ORU^R01";
  m.bytes = kMessage;
  auto appended = ch.accept(m);
  ASSERT_TRUE(appended);
  // The pass-through mapping gives no attributes: the default recipient is unknown to MESH.
  ASSERT_TRUE(testing::waitUntil(
      [&] { return journal_->countDeliveries("lab", "failed").value_or(0) == 1; }));
  auto details = journal_->details(appended->id);
  ASSERT_TRUE(details);
  EXPECT_NE(details->deliveries.at(0).lastError.find("417"), std::string::npos);

  config::ChannelConfig good = channelConfig("lab2", "mesh", pluginSettings());
  good.destinations[0].settings["to"] = "GP01";
  good.destinations[0].settings["workflowId"] = "PATH_MEDRPT_V3";
  auto& ch2 = start(good);
  const auto id = accept(ch2, "C2");
  ASSERT_TRUE(testing::waitUntil([&] { return server_.sentTo("GP01").size() == 1; }));
  const auto sent = server_.sentTo("GP01").front();
  EXPECT_EQ(sent.bytes(), kMessage);
  EXPECT_EQ(sent.localId, "pathhub-" + std::to_string(id));
  ASSERT_TRUE(testing::waitUntil(
      [&] { return journal_->countDeliveries("lab2", "delivered").value_or(0) == 1; }));
  auto shown = journal_->details(id);
  ASSERT_TRUE(shown);
  EXPECT_EQ(shown->deliveries.at(0).response,
            "MESH message " + sent.id + " to GP01 (PATH_MEDRPT_V3)");
}

// A busy MESH (429) saying when to come back is not asked again before then, however short
// the hub's backoff (10 ms in these tests).
TEST_F(Mesh, ABusyMeshIsNotAskedAgainBeforeItsRetryAfter) {
  server_.busy(1, "2");
  config::ChannelConfig c = channelConfig("lab", "mesh", pluginSettings());
  c.destinations[0].settings["to"] = "GP01";
  auto& ch = start(c);
  const auto started = std::chrono::steady_clock::now();
  const auto id = accept(ch, "C1");
  ASSERT_TRUE(testing::waitUntil([&] { return server_.sentTo("GP01").size() == 1; }));
  EXPECT_GE(std::chrono::steady_clock::now() - started, std::chrono::milliseconds(1900));
  ASSERT_TRUE(testing::waitUntil(
      [&] { return journal_->countDeliveries("lab", "delivered").value_or(0) == 1; }));
  auto shown = journal_->details(id);
  ASSERT_TRUE(shown);
  EXPECT_EQ(shown->deliveries.at(0).attempts, 2);
}

class MeshSourceTest : public Mesh {
 protected:
  pipeline::Channel& startWithSource() {
    config::ChannelConfig c =
        channelConfig("acks", "file", {{"directory", (dir_ / "out").string()}});
    c.source.type = "mesh";
    c.source.settings = pluginSettings();
    c.source.settings["pollSeconds"] = "1";
    return startWithItsSource(c);
  }
};

TEST_F(MeshSourceTest, AcknowledgesEachMessageOnlyOnceTheHubHasIt) {
  std::vector<std::string> seenAtDownload;
  const std::string id = server_.put("GP01", "HUB01", "PATH_MEDRPT_V3", kMessage);
  // At the moment of the download the message is not yet acknowledged.
  server_.onDownload([&](const std::string& downloaded) {
    if (server_.acknowledged(downloaded)) seenAtDownload.push_back(downloaded);
  });
  startWithSource();
  ASSERT_TRUE(testing::waitUntil([&] { return server_.acknowledged(id); }));
  EXPECT_TRUE(seenAtDownload.empty());
  auto found = journal_->search({});
  ASSERT_TRUE(found);
  ASSERT_EQ(found->messages.size(), 1u);
  EXPECT_EQ(found->messages.front().controlId, "C1");
  EXPECT_EQ(found->messages.front().peer, "mesh:GP01/" + id);
  // The same message again (a resend): recorded as a duplicate, and acknowledged.
  const std::string again = server_.put("GP01", "HUB01", "PATH_MEDRPT_V3", kMessage);
  ASSERT_TRUE(testing::waitUntil([&] { return server_.acknowledged(again); }));
  // Unreadable input is kept as rejected and acknowledged, so it does not block the inbox.
  const std::string junk = server_.put("GP01", "HUB01", "PATH_MEDRPT_V3", "not a message");
  ASSERT_TRUE(testing::waitUntil([&] { return server_.acknowledged(junk); }));
  EXPECT_EQ(server_.inboxCount("HUB01"), 0u);
}

TEST_F(MeshSourceTest, ASourceWithAWorkflowFilterLeavesOtherWorkflowsInTheInbox) {
  const std::string other = server_.put("GP01", "HUB01", "FHIR_ANSWERS_ACK", kMessage);
  const std::string mine = server_.put("GP01", "HUB01", "PATH_MEDRPT_V3_ACK", kMessage);
  config::ChannelConfig c = channelConfig("acks", "file", {{"directory", (dir_ / "out").string()}});
  c.source.type = "mesh";
  c.source.settings = pluginSettings();
  c.source.settings["pollSeconds"] = "1";
  c.source.settings["workflowFilter"] = "PATH_MEDRPT*";
  startWithItsSource(c);
  ASSERT_TRUE(testing::waitUntil([&] { return server_.acknowledged(mine); }));
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));  // another poll or two
  EXPECT_FALSE(server_.acknowledged(other)) << "another source's message, left for it";
  auto found = journal_->search({});
  ASSERT_TRUE(found);
  EXPECT_EQ(found->messages.size(), 1u);
}

}  // namespace
}  // namespace pathhub::plugin

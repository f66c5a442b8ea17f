// Several pathhub nodes on one PostgreSQL journal (issue 21; hazard H17), end to end: real daemons,
// a real PostgreSQL 15 started by the test set-up, hl7sink downstream, senders spread over the
// nodes. The destination is owned by one node at a time; killing it (kill -9) or pausing it
// past its lease (SIGSTOP) moves the destination to a live node, and nothing ACKed is lost,
// skipped or reordered — a message in flight at the cut may arrive twice.
#include <Poco/Data/PostgreSQL/Connector.h>
#include <Poco/Data/Session.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <gtest/gtest.h>
#include <signal.h>

#include <atomic>
#include <fstream>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "api_client.h"
#include "corpus.h"
#include "hl7/batch.h"
#include "hl7/message.h"
#include "hl7_parse.h"
#include "hub_fixture.h"
#include "mllp/mllp_client.h"
#include "postgres_server.h"
#include "role_tokens.h"
#include "webhook_receiver.h"

namespace pathhub {
namespace {

using namespace Poco::Data::Keywords;
using testing::HubFixture;
using testing::waitUntil;

constexpr int kLeaseSeconds = 3;

std::string sampleWithId(const std::string& controlId) {
  hl7::Message m = testing::parseOk(hl7::normalizeSegmentSeparators(
      testing::readCorpusFile("hl7v2/oru_r01_winpath_bone_iron_profile_v23.hl7")));
  EXPECT_TRUE(m.set("MSH-10", controlId));
  return m.encode();
}

std::string ackCode(const Result<std::string>& reply) {
  if (!reply) return "error";
  auto ack = hl7::Message::parse(*reply);
  return ack ? *ack->get("MSA-1") : "unparseable";
}

// Joins the sender threads however the test ends (a failed ASSERT returns early).
struct Joined {
  std::vector<std::thread*> threads;
  ~Joined() {
    for (auto* t : threads) {
      if (t->joinable()) t->join();
    }
  }
};

class ClusterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Poco::Data::PostgreSQL::Connector::registerConnector();
    std::string whyNot;
    bool missing = false;
    server_ = testing::PostgresServer::shared(&whyNot, &missing);
    if (!server_ && missing) GTEST_SKIP() << whyNot;
    ASSERT_NE(server_, nullptr) << whyNot;
    static int n = 0;
    database_ = "cluster_" + std::to_string(::getpid()) + "_" + std::to_string(++n);
    ASSERT_EQ(server_->createDatabase(database_), "");
    for (int i = 0; i < 2; ++i) nodes_.push_back(std::make_unique<HubFixture>());
    for (int i = 0; i < 2; ++i) {
      HubFixture& node = *nodes_[static_cast<std::size_t>(i)];
      const auto passwordFile = node.dir / "journal-password";
      std::ofstream(passwordFile) << testing::PostgresServer::kPassword << "\n";
      node.journalElement = "<journal backend=\"postgresql\" url=\"" + server_->url(database_) +
                            "\" passwordFile=\"" + passwordFile.string() + "\"/>";
      node.hubExtras = "<cluster node=\"" + name(i) + "\" leaseSeconds=\"" +
                       std::to_string(kLeaseSeconds) + "\"/>";
      node.sinkPort = nodes_[0]->sinkPort;  // one downstream system for the whole cluster
    }
  }
  void TearDown() override {
    nodes_.clear();
    if (server_ && !database_.empty()) {
      (void)server_->superuserSql("DROP DATABASE IF EXISTS " + database_ + " WITH (FORCE)");
    }
  }
  static std::string name(int i) { return "node-" + std::string(1, static_cast<char>('a' + i)); }
  HubFixture& node(int i) { return *nodes_[static_cast<std::size_t>(i)]; }
  HubFixture& sink() { return *nodes_[0]; }

  // The node holding the destination's live lease ("" when none), and its epoch.
  std::pair<std::string, std::int64_t> owner() {
    Poco::Data::Session s("PostgreSQL", server_->connectionString(database_));
    std::vector<std::string> owners;
    std::vector<Poco::Int64> epochs;
    s << "SELECT owner, epoch FROM destination_leases WHERE channel = 'lab' AND"
         " destination = 'gp' AND expires_at > now()",
        into(owners), into(epochs), now;
    if (owners.empty()) return {"", 0};
    return {owners.front(), epochs.front()};
  }
  int indexOf(const std::string& nodeName) { return nodeName == name(0) ? 0 : 1; }

  // A sender as a LIS would be, to one node: one message at a time, resent until ACKed.
  // Control ids "<prefix>-<n>"; `acked` lists them in the order they were ACKed.
  std::thread sender(int nodeIndex, const std::string& prefix, int count,
                     std::vector<std::string>& acked, std::mutex& mutex, std::atomic<bool>& done) {
    return std::thread([this, nodeIndex, prefix, count, &acked, &mutex, &done] {
      mllp::ClientOptions options;
      options.connectTimeout = std::chrono::milliseconds(200);
      options.replyTimeout = std::chrono::milliseconds(3000);
      mllp::Client client({"127.0.0.1", node(nodeIndex).sourcePort}, options);
      for (int i = 0; i < count; ++i) {
        const std::string id = prefix + "-" + std::to_string(i);
        const std::string message = sampleWithId(id);
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(90);
        while (ackCode(client.exchange(message)) != "AA") {
          if (std::chrono::steady_clock::now() > deadline) return;
          std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
        std::lock_guard lock(mutex);
        acked.push_back(id);
      }
      done = true;
    });
  }

  // Every ACKed message reached the sink; each sender's first arrivals are in its ACK order.
  // Returns how many arrived more than once.
  std::size_t expectNothingLostNorReordered(const std::vector<std::string>& acked,
                                            const std::string& journal = "") {
    std::vector<std::string> missing;
    EXPECT_TRUE(waitUntil(
        [&] {
          const auto got = sink().received();
          const std::set<std::string> arrived(got.begin(), got.end());
          missing.clear();
          for (const auto& id : acked) {
            if (!arrived.count(id)) missing.push_back(id);
          }
          return missing.empty();
        },
        std::chrono::seconds(90)))
        << missing.size() << " ACKed messages never arrived, first " << missing.front();
    const auto got = sink().received();
    std::map<std::string, long> last;  // per sender, the highest first arrival so far
    std::set<std::string> seen;
    std::size_t again = 0;
    for (const std::string& id : got) {
      if (!seen.insert(id).second) {
        ++again;
        continue;
      }
      const auto dash = id.rfind('-');
      const std::string from = id.substr(0, dash);
      const long n = std::stol(id.substr(dash + 1));
      if (last.count(from)) {
        EXPECT_GT(n, last[from]) << "out of order from " << from << "\n"
                                 << journalOf(journal.empty() ? server_->connectionString(database_)
                                                              : journal,
                                              from + "-" + std::to_string(last[from]), id);
      }
      last[from] = n;
    }
    return again;
  }

  // What the journal holds of two messages (an ordering failure's evidence).
  static std::string journalOf(const std::string& connection, const std::string& a,
                               const std::string& b) {
    try {
      Poco::Data::Session s("PostgreSQL", connection);
      std::vector<Poco::Int64> ids, deliveries, sequences, epochs, updated;
      std::vector<std::string> controls, states, claimed;
      std::string ca = a, cb = b;
      s << "SELECT m.id, m.control_id, m.state, COALESCE(m.claimed_by, ''), d.id, d.sequence,"
           " d.epoch, d.updated_at FROM messages m JOIN deliveries d ON d.message_id = m.id"
           " WHERE m.control_id IN ($1, $2) ORDER BY m.id, d.id",
          use(ca), use(cb), into(ids), into(controls), into(states), into(claimed),
          into(deliveries), into(sequences), into(epochs), into(updated), now;
      std::string out;
      for (std::size_t i = 0; i < ids.size(); ++i) {
        out += "message " + std::to_string(ids[i]) + " " + controls[i] + " " + states[i] +
               " claimed by " + claimed[i] + "; delivery " + std::to_string(deliveries[i]) +
               " sequence " + std::to_string(sequences[i]) + " epoch " + std::to_string(epochs[i]) +
               " at " + std::to_string(updated[i]) + "\n";
      }
      std::vector<std::string> kinds, details;
      std::vector<Poco::Int64> at, of;
      s << "SELECT e.message_id, e.at, e.kind, e.detail FROM events e JOIN messages m ON"
           " m.id = e.message_id WHERE m.control_id IN ($1, $2) ORDER BY e.id",
          use(ca), use(cb), into(of), into(at), into(kinds), into(details), now;
      for (std::size_t i = 0; i < of.size(); ++i) {
        out += "event of " + std::to_string(of[i]) + " at " + std::to_string(at[i]) + ": " +
               kinds[i] + " " + details[i] + "\n";
      }
      return out;
    } catch (const Poco::Exception& e) {
      return "(journal not readable: " + e.displayText() + ")";
    }
  }

  testing::PostgresServer* server_ = nullptr;
  std::string database_;
  std::vector<std::unique_ptr<HubFixture>> nodes_;
};

TEST_F(ClusterTest, KillingTheOwnerUnderLoadLosesNothingAndKeepsEachSendersOrder) {
  sink().startSink();
  node(0).startHub();
  node(1).startHub();
  ASSERT_TRUE(waitUntil([&] { return !owner().first.empty(); })) << "nobody took the lease";
  constexpr int kEach = 1500;
  std::vector<std::string> acked;
  std::mutex mutex;
  std::atomic<bool> doneA{false}, doneB{false};
  std::thread a = sender(0, "A", kEach, acked, mutex, doneA);
  std::thread b = sender(1, "B", kEach, acked, mutex, doneB);
  Joined joined{{&a, &b}};
  auto ackedCount = [&] {
    std::lock_guard lock(mutex);
    return acked.size();
  };
  std::vector<double> failoverSeconds;
  for (std::size_t killAt : {500u, 1300u, 2100u}) {
    ASSERT_TRUE(waitUntil([&] { return ackedCount() >= killAt; }, std::chrono::seconds(120)));
    const auto [killed, epoch] = owner();
    ASSERT_FALSE(killed.empty());
    const std::size_t before = sink().receivedCount();
    const auto cut = std::chrono::steady_clock::now();
    node(indexOf(killed)).killHub();
    // The other node takes the destination over and delivers on.
    ASSERT_TRUE(waitUntil(
        [&] {
          const auto [now, nowEpoch] = owner();
          return !now.empty() && now != killed && nowEpoch > epoch &&
                 sink().receivedCount() > before;
        },
        std::chrono::seconds(30)))
        << "no other node delivered after " << killed << " was killed";
    failoverSeconds.push_back(
        std::chrono::duration<double>(std::chrono::steady_clock::now() - cut).count());
    node(indexOf(killed)).startHub();
  }
  a.join();
  b.join();
  ASSERT_TRUE(doneA && doneB) << "a sender gave up after " << ackedCount() << " messages";
  const std::size_t again = expectNothingLostNorReordered(acked);
  // At-least-once: what was in flight at each cut may come twice, no more.
  EXPECT_LT(again, 3u * 200u) << again << " redeliveries after 3 kills";
  for (double s : failoverSeconds) {
    std::cout << "failover (kill to the new owner's first delivery): " << s << " s\n";
    EXPECT_LT(s, kLeaseSeconds + 5.0);
  }
}

TEST_F(ClusterTest, AnOwnerPausedPastItsLeaseDeliversAndRecordsNothingWhenItWakes) {
  // A slow receiver: the owner has a batch in hand when it is paused.
  sink().startSink({"--delay-ms", "10"});
  node(0).startHub();
  node(1).startHub();
  ASSERT_TRUE(waitUntil([&] { return !owner().first.empty(); }));
  std::vector<std::string> acked;
  std::mutex mutex;
  std::atomic<bool> doneA{false}, doneB{false};
  std::thread a = sender(0, "A", 300, acked, mutex, doneA);
  std::thread b = sender(1, "B", 300, acked, mutex, doneB);
  a.join();
  b.join();
  ASSERT_TRUE(doneA && doneB);
  ASSERT_TRUE(waitUntil([&] { return sink().receivedCount() >= 60; }));
  const auto [paused, epoch] = owner();
  const int stale = indexOf(paused);
  ASSERT_EQ(::kill(node(stale).hubPid(), SIGSTOP), 0);
  // The other node takes over once the lease runs out, and delivers everything.
  ASSERT_TRUE(waitUntil(
      [&] {
        const auto [now, nowEpoch] = owner();
        return now == name(1 - stale) && nowEpoch > epoch;
      },
      std::chrono::seconds(kLeaseSeconds + 10)));
  const std::size_t again = expectNothingLostNorReordered(acked);
  const std::size_t settled = sink().receivedCount();
  Poco::Data::Session s("PostgreSQL", server_->connectionString(database_));
  Poco::Int64 recordedByStale = 0;
  s << "SELECT COUNT(*) FROM deliveries WHERE epoch = $1", bind(epoch), into(recordedByStale), now;
  // Woken, the stale node finds its lease gone: it delivers nothing more, and anything it
  // tries to record under the old epoch is refused.
  ASSERT_EQ(::kill(node(stale).hubPid(), SIGCONT), 0);
  std::this_thread::sleep_for(std::chrono::seconds(kLeaseSeconds + 1));
  EXPECT_EQ(sink().receivedCount(), settled) << "the stale node delivered after it woke";
  Poco::Int64 recordedAfter = 0;
  s << "SELECT COUNT(*) FROM deliveries WHERE epoch = $1", bind(epoch), into(recordedAfter), now;
  EXPECT_EQ(recordedAfter, recordedByStale) << "the stale node recorded after it woke";
  EXPECT_LT(again, 200u);
  // And it is a healthy node again: it may take the lease back later, under a new epoch.
  EXPECT_GE(owner().second, epoch + 1);
}

TEST_F(ClusterTest, TheClusterIsVisibleThroughTheApiAndMetricsNameTheNode) {
  sink().startSink();
  node(0).apiTokens = testing::roleTokenElements({"viewer"});
  node(0).startHub();
  node(1).startHub();
  ASSERT_TRUE(waitUntil([&] { return !owner().first.empty(); }));
  const std::string token = testing::roleTokens().at("viewer");
  const std::uint16_t port = node(0).apiPort;
  ASSERT_TRUE(waitUntil([&] {
    auto r = testing::apiGet(port, token, "/api/v1/cluster");
    return r.status == 200 && r.body.find("\"node-b\"") != std::string::npos;
  }));
  auto r = testing::apiGet(port, token, "/api/v1/cluster");
  EXPECT_NE(r.body.find("\"node\":\"node-a\""), std::string::npos) << r.body;
  EXPECT_NE(r.body.find("\"destination\":\"gp\""), std::string::npos) << r.body;
  EXPECT_NE(r.body.find("\"owner\":\"" + owner().first + "\""), std::string::npos) << r.body;
  const auto tokenFile = node(0).dir / "token";
  std::ofstream(tokenFile) << token << "\n";
  const auto ctl =
      testing::runProgram("pathhubctl", {"--url", "http://127.0.0.1:" + std::to_string(port),
                                         "--token-file", tokenFile.string(), "cluster"});
  EXPECT_EQ(ctl.exitCode, 0) << ctl.err;
  EXPECT_NE(ctl.out.find("node-b"), std::string::npos) << ctl.out;
  EXPECT_NE(ctl.out.find("lab"), std::string::npos) << ctl.out;
  auto metrics = testing::apiGet(port, token, "/metrics");
  EXPECT_NE(metrics.body.find("pathhub_messages_received_total{node=\"node-a\",channel=\"lab\"}"),
            std::string::npos)
      << metrics.body.substr(0, 600);
  // A database it cannot reach makes a node not ready (and its senders get no AA).
  (void)server_->superuserSql(
      "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '" + database_ +
      "'; ALTER DATABASE " + database_ + " ALLOW_CONNECTIONS false");
  EXPECT_TRUE(waitUntil([&] { return testing::apiGet(port, "", "/ready").status == 503; },
                        std::chrono::seconds(20)));
  mllp::ClientOptions options;
  options.replyTimeout = std::chrono::milliseconds(3000);
  mllp::Client client({"127.0.0.1", node(0).sourcePort}, options);
  EXPECT_NE(ackCode(client.exchange(sampleWithId("DOWN-1"))), "AA");
  (void)server_->superuserSql("ALTER DATABASE " + database_ + " ALLOW_CONNECTIONS true");
  EXPECT_TRUE(waitUntil([&] { return testing::apiGet(port, "", "/ready").status == 200; },
                        std::chrono::seconds(30)));
  EXPECT_TRUE(waitUntil([&] { return ackCode(client.exchange(sampleWithId("UP-1"))) == "AA"; },
                        std::chrono::seconds(30)))
      << "the node did not take messages again once the database was back";
}

// What a single hub does with a resend and a replay, the cluster does whichever node is asked:
// a resend reaching the other node is a duplicate (ACKed, not delivered again), and a replay
// asked of the node that does not deliver is delivered by the one that does.
TEST_F(ClusterTest, DedupeAndReplayWorkAcrossNodes) {
  sink().startSink();
  for (int i = 0; i < 2; ++i) node(i).apiTokens = testing::roleTokenElements({"operator"});
  node(0).startHub();
  node(1).startHub();
  ASSERT_TRUE(waitUntil([&] { return !owner().first.empty(); }));
  const int deliverer = indexOf(owner().first), other = 1 - deliverer;
  mllp::Client first({"127.0.0.1", node(deliverer).sourcePort});
  mllp::Client second({"127.0.0.1", node(other).sourcePort});
  ASSERT_EQ(ackCode(first.exchange(sampleWithId("X-1"))), "AA");
  ASSERT_EQ(ackCode(second.exchange(sampleWithId("X-1"))), "AA") << "a resend to another node";
  ASSERT_EQ(ackCode(second.exchange(sampleWithId("X-2"))), "AA");
  ASSERT_TRUE(waitUntil([&] { return sink().receivedCount() >= 2; }));
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  EXPECT_EQ(sink().received(), (std::vector<std::string>{"X-1", "X-2"}))
      << "the resend was delivered again";
  // A replay asked of the node that does not deliver.
  const std::string token = testing::roleTokens().at("operator");
  auto found =
      testing::apiGet(node(other).apiPort, token, "/api/v1/messages?controlId=X-1&state=mapped");
  ASSERT_EQ(found.status, 200) << found.body;
  const auto id = found.json->getArray("messages")->getObject(0)->getValue<std::int64_t>("id");
  auto replayed = testing::apiCall(node(other).apiPort, token, "POST",
                                   "/api/v1/messages/" + std::to_string(id) + "/replay");
  ASSERT_EQ(replayed.status, 200) << replayed.body;
  ASSERT_TRUE(waitUntil([&] { return sink().receivedCount() >= 3; }));
  EXPECT_EQ(sink().received().back(), "X-1");
}

// Alerts in a cluster (issue 26): a backlog both nodes read alike from the shared journal is
// told once, by the node holding the alert checks' lease; a failing destination is told by the
// node delivering for it — never once per node.
TEST_F(ClusterTest, EachAlertIsToldOnceWhicheverNodesWatch) {
  testing::WebhookReceiver hooks;
  for (int i = 0; i < 2; ++i) {
    node(i).hubExtras +=
        "<alerts checkSeconds=\"1\"><rule name=\"backlog\" condition=\"backlog\" destination=\"gp\""
        " threshold=\"0\" quietSeconds=\"0\"/><rule name=\"gp-down\""
        " condition=\"destination_failing\" quietSeconds=\"0\"/><rota name=\"ops\">"
        "<recipient webhook=\"ops\"/></rota><webhook name=\"ops\" url=\"" +
        hooks.url() + "\"/></alerts>";
  }
  node(0).startHub();  // the sink (destination gp) is down
  node(1).startHub();
  ASSERT_TRUE(waitUntil([&] { return !owner().first.empty(); }));
  mllp::Client client({"127.0.0.1", node(0).sourcePort});
  ASSERT_EQ(ackCode(client.exchange(sampleWithId("ALERT-C1"))), "AA");
  auto told = [&](const std::string& rule) {
    std::vector<std::string> hubs;
    for (const auto& p : hooks.posts()) {
      auto body = Poco::JSON::Parser().parse(p.body).extract<Poco::JSON::Object::Ptr>();
      if (body->getValue<std::string>("rule") == rule) {
        hubs.push_back(body->getValue<std::string>("kind") + " " +
                       body->getValue<std::string>("hub"));
      }
    }
    return hubs;
  };
  ASSERT_TRUE(
      waitUntil([&] { return told("backlog").size() == 1 && told("gp-down").size() == 1; }));
  std::this_thread::sleep_for(std::chrono::seconds(4));  // four more checks on each node
  EXPECT_EQ(told("backlog").size(), 1u);
  EXPECT_EQ(told("gp-down"), std::vector<std::string>{"firing " + owner().first});
  sink().startSink();
  ASSERT_TRUE(
      waitUntil([&] { return told("backlog").size() == 2 && told("gp-down").size() == 2; }));
  EXPECT_EQ(told("backlog")[1].rfind("resolved ", 0), 0u);
  std::this_thread::sleep_for(std::chrono::seconds(2));
  EXPECT_EQ(hooks.posts().size(), 4u);
}

// PostgreSQL's own availability under the hubs: a primary with a synchronous standby, the hubs'
// URL naming both with target_session_attrs=read-write. The primary is lost while messages
// flow; the standby is promoted; the hubs find it by themselves and nothing ACKed is lost.
TEST_F(ClusterTest, PromotingTheStandbyWhileMessagesFlowLosesNothingAcknowledged) {
  std::string whyNot;
  bool missing = false;
  auto primary = testing::PostgresServer::start(&whyNot, &missing);
  ASSERT_NE(primary, nullptr) << whyNot;
  auto standby = primary->startSynchronousStandby(&whyNot);
  ASSERT_NE(standby, nullptr) << whyNot;
  const std::string url = "postgresql://pathhub@127.0.0.1:" + std::to_string(primary->port()) +
                          ",127.0.0.1:" + std::to_string(standby->port()) +
                          "/pathhub?target_session_attrs=read-write&amp;connect_timeout=2";
  for (int i = 0; i < 2; ++i) {
    node(i).journalElement = "<journal backend=\"postgresql\" url=\"" + url + "\" passwordFile=\"" +
                             (node(i).dir / "journal-password").string() + "\"/>";
  }
  sink().startSink();
  node(0).startHub();
  node(1).startHub();
  std::vector<std::string> acked;
  std::mutex mutex;
  std::atomic<bool> doneA{false}, doneB{false};
  std::thread a = sender(0, "A", 600, acked, mutex, doneA);
  std::thread b = sender(1, "B", 600, acked, mutex, doneB);
  Joined joined{{&a, &b}};
  ASSERT_TRUE(waitUntil(
      [&] {
        std::lock_guard lock(mutex);
        return acked.size() >= 300;
      },
      std::chrono::seconds(60)));
  primary->crash();
  ASSERT_EQ(standby->promote(), "");
  a.join();
  b.join();
  ASSERT_TRUE(doneA && doneB) << "a sender gave up after " << acked.size()
                              << " messages: the hubs did not find the promoted standby";
  const std::size_t again = expectNothingLostNorReordered(acked, standby->connectionString());
  EXPECT_LT(again, 400u);
  nodes_.clear();  // the hubs stop before their database does
}

}  // namespace
}  // namespace pathhub

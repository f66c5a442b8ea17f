// The MLLP destination's answers and windows (pipeline="N"; hazard H20), through the real
// loader into a real channel: an ACK counts only for the message it names (MSA-2), and with a
// window the messages go out together and each answer is matched to its own message.
#include <Poco/AutoPtr.h>
#include <Poco/Logger.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/Net/StreamSocket.h>

#include <atomic>
#include <map>
#include <thread>

#include "hl7/message.h"
#include "mllp/mllp_codec.h"
#include "plugin_runtime.h"

namespace pathhub::plugin {
namespace {

using namespace std::chrono_literals;

// A receiver written for these tests on a plain socket. It answers nothing until `together`
// frames have come on a connection (or half a second has passed), then answers them all in order: a
// sender with one message in flight at a time gets its answers a frame at a time, late, and a
// pipelining sender gets a whole window's at once. `answer(controlId, timesSeen)` writes each
// ACK.
class GroupingReceiver {
 public:
  using Answer = std::function<std::string(const std::string& controlId, int timesSeen)>;

  GroupingReceiver(std::size_t together, Answer answer)
      : together_(together),
        answer_(std::move(answer)),
        socket_(Poco::Net::SocketAddress("127.0.0.1", 0)),
        thread_([this] { serve(); }) {}
  ~GroupingReceiver() {
    stop_ = true;
    thread_.join();
  }
  std::uint16_t port() const { return socket_.address().port(); }

  // The control ids of each group answered together, in order.
  std::vector<std::vector<std::string>> groups() {
    std::lock_guard lock(mutex_);
    return groups_;
  }

 private:
  void serve() {
    while (!stop_) {
      if (!socket_.poll(Poco::Timespan(0, 50000), Poco::Net::Socket::SELECT_READ)) continue;
      Poco::Net::StreamSocket connection = socket_.acceptConnection();
      converse(connection);
    }
  }

  void converse(Poco::Net::StreamSocket& connection) {
    mllp::Decoder decoder;
    std::vector<std::string> waiting;
    auto firstWaiting = std::chrono::steady_clock::now();
    char buffer[65536];
    while (!stop_) {
      if (connection.poll(Poco::Timespan(0, 20000), Poco::Net::Socket::SELECT_READ)) {
        const int n = connection.receiveBytes(buffer, sizeof buffer);
        if (n <= 0) return;
        std::vector<mllp::DecodedFrame> frames;
        decoder.feed(std::string_view(buffer, static_cast<std::size_t>(n)), frames);
        for (const auto& f : frames) {
          if (waiting.empty()) firstWaiting = std::chrono::steady_clock::now();
          waiting.push_back(hl7::Message::parseHeader(f.payload)->controlId());
        }
      }
      if (waiting.empty()) continue;
      if (waiting.size() < together_ && std::chrono::steady_clock::now() - firstWaiting < 500ms) {
        continue;
      }
      std::string replies;
      for (const auto& id : waiting) replies += mllp::frame(answer_(id, ++seen_[id]));
      {
        std::lock_guard lock(mutex_);
        groups_.push_back(waiting);
      }
      waiting.clear();
      connection.sendBytes(replies.data(), static_cast<int>(replies.size()));
    }
  }

  const std::size_t together_;
  Answer answer_;
  Poco::Net::ServerSocket socket_;
  std::atomic<bool> stop_{false};
  std::map<std::string, int> seen_;
  std::mutex mutex_;
  std::vector<std::vector<std::string>> groups_;
  std::thread thread_;
};

std::string ack(const std::string& code, const std::string& controlId) {
  return "MSH|^~\\&|GP||LAB||20260101||ACK|A-" + controlId + "|P|2.4\rMSA|" + code + "|" +
         controlId + "\r";
}

class MllpDestinationAnswers : public PluginRuntime {
 protected:
  // A result whose MSH-10 is `controlId`, accepted on `channel`.
  journal::MessageId send(pipeline::Channel& channel, const std::string& controlId) {
    return accept(channel, controlId,
                  "MSH|^~\\&|LAB|RRK|GP|G81001|20260101120000||ORU^R01|" + controlId +
                      "|P|2.4\rPID|1||9434765919^^^NHS\r");
  }
  std::string stateOf(journal::MessageId id, std::string* lastError = nullptr,
                      int* attempts = nullptr) {
    auto details = journal_->details(id);
    if (!details || details->deliveries.empty()) return "?";
    if (lastError) *lastError = details->deliveries[0].lastError;
    if (attempts) *attempts = details->deliveries[0].attempts;
    return details->deliveries[0].state;
  }
  // Waits until every message in `ids` is delivered.
  bool allDelivered(const std::vector<journal::MessageId>& ids) {
    return testing::waitUntil([&] {
      for (auto id : ids) {
        if (stateOf(id) != "delivered") return false;
      }
      return true;
    });
  }
};

TEST_F(MllpDestinationAnswers, AWindowGoesOutTogetherAndEachAnswerSettlesItsOwnMessage) {
  GroupingReceiver receiver(3, [](const std::string& id, int) { return ack("AA", id); });
  config::ChannelConfig c = channelConfig(
      "lab", "mllp",
      {{"endpoint", "127.0.0.1:" + std::to_string(receiver.port())}, {"pipeline", "3"}});
  c.destinations[0].retry.base = 10ms;
  auto& ch = start(c);
  // Accepted at once: the first read of the queue may take one or all of them; what is left
  // goes in the next window. Every message is answered, by its own ACK.
  std::vector<journal::MessageId> ids;
  for (const char* id : {"C1", "C2", "C3", "C4", "C5", "C6"}) ids.push_back(send(ch, id));
  ASSERT_TRUE(allDelivered(ids));
  // The receiver answers only when it holds three: at least one window of three went out
  // together (a sender waiting for each answer would have been answered a frame at a time,
  // after the receiver's half second).
  bool three = false;
  for (const auto& group : receiver.groups()) three = three || group.size() == 3;
  EXPECT_TRUE(three);
  EXPECT_EQ(ch.faultReason(), "");
}

TEST_F(MllpDestinationAnswers, AnAnswerOutOfStepEndsTheWindowAndNothingAfterItCountsAsDelivered) {
  Poco::AutoPtr<CapturedLog> log(new CapturedLog);
  Poco::Logger::get("pipeline.lab").setChannel(log);
  // The first time C2 arrives, the receiver's answer names another message.
  GroupingReceiver receiver(3, [](const std::string& id, int times) {
    return id == "C2" && times == 1 ? ack("AA", "C9") : ack("AA", id);
  });
  config::ChannelConfig c = channelConfig(
      "lab", "mllp",
      {{"endpoint", "127.0.0.1:" + std::to_string(receiver.port())}, {"pipeline", "3"}});
  c.destinations[0].retry.base = 10ms;
  c.destinations[0].retry.cap = 10ms;
  auto& ch = start(c);
  std::vector<journal::MessageId> ids;
  for (const char* id : {"C1", "C2", "C3"}) ids.push_back(send(ch, id));
  ASSERT_TRUE(allDelivered(ids));
  int attempts = 0;
  EXPECT_EQ(stateOf(ids[1], nullptr, &attempts), "delivered");
  EXPECT_EQ(attempts, 2) << "the out-of-step answer is a failed attempt, then C2 is sent again";
  EXPECT_TRUE(log->contains("the reply acknowledges 'C9', not this message ('C2')"));
  EXPECT_EQ(stateOf(ids[2], nullptr, &attempts), "delivered");
  EXPECT_EQ(attempts, 1) << "C3, behind the answer out of step, was sent again uncounted";
  // C2 went out twice; C3 went out after it each time and was never settled by C2's answer.
  std::vector<std::string> sent;
  for (const auto& group : receiver.groups()) sent.insert(sent.end(), group.begin(), group.end());
  EXPECT_EQ(std::count(sent.begin(), sent.end(), "C2"), 2);
  EXPECT_EQ(stateOf(ids[2]), "delivered");
}

TEST_F(MllpDestinationAnswers, WithoutPipeliningAnAckNamingAnotherMessageIsNoDelivery) {
  Poco::AutoPtr<CapturedLog> log(new CapturedLog);
  Poco::Logger::get("pipeline.lab").setChannel(log);
  GroupingReceiver receiver(1, [](const std::string& id, int times) {
    return times == 1 ? ack("AA", "SOMETHING-ELSE") : ack("AA", id);
  });
  config::ChannelConfig c =
      channelConfig("lab", "mllp", {{"endpoint", "127.0.0.1:" + std::to_string(receiver.port())}});
  c.destinations[0].retry.base = 10ms;
  c.destinations[0].retry.cap = 10ms;
  auto& ch = start(c);
  const auto id = send(ch, "C1");
  ASSERT_TRUE(allDelivered({id}));
  int attempts = 0;
  EXPECT_EQ(stateOf(id, nullptr, &attempts), "delivered");
  EXPECT_EQ(attempts, 2) << "the ACK naming another message was a failed attempt";
  EXPECT_TRUE(log->contains("the reply acknowledges 'SOMETHING-ELSE', not this message ('C1')"));
  for (const auto& group : receiver.groups()) EXPECT_EQ(group.size(), 1u);
}

}  // namespace
}  // namespace pathhub::plugin

// The delivery stage on its own (issue 23; hazard H19, docs/safety/hazard-log.md): a
// DeliveryWorker over a real SQLite journal and
// real ZeroMQ sockets, with a destination written for the test that does what each test
// tells it (deliver slowly, fail a message some times, fault, hold). What is checked is what
// a receiver would see: the order messages arrive in, per lane and per patient, and what the
// journal says of each delivery afterwards.
#include "pipeline/delivery_worker.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "hl7/message.h"
#include "pipeline/channel.h"
#include "pipeline/delivery_attributes.h"
#include "pipeline/lane_key.h"
#include "pipeline_test_support.h"

namespace pathhub::pipeline {
namespace {

using namespace std::chrono_literals;

std::string resultFor(const std::string& patient, int n) {
  return "MSH|^~\\&|LAB|RVJ|GP|A81001|20240131||ORU^R01|" + patient + "-" + std::to_string(n) +
         "|P|2.4\rPID|1||" + patient + "^^^RVJ^MR||doe^jane\rOBX|1|NM|K^Potassium||" +
         std::to_string(n) + "|mmol/L\r";
}

// What the receiver saw, across every lane's connection.
struct Receiver {
  struct Arrival {
    std::string controlId;
    int connection;
  };
  std::mutex mutex;
  std::vector<Arrival> arrivals;
  int inside = 0, mostAtOnce = 0;           // deliveries under way at one time
  std::map<std::string, int> failuresLeft;  // control id → retries to answer before success
  std::string faultOn, holdOn, rejectOn;    // control ids
  std::chrono::milliseconds takes{0};       // each delivery
  std::chrono::milliseconds retryAfter{0};  // asked for with each "try later"
  int connections = 0;
  std::size_t window = 1;            // messages a connection takes at once (pipelining)
  std::vector<std::size_t> windows;  // the size of each window taken

  std::vector<std::string> order() {
    std::lock_guard lock(mutex);
    std::vector<std::string> out;
    for (const auto& a : arrivals) out.push_back(a.controlId);
    return out;
  }
};

class ScriptedDestination : public Destination {
 public:
  ScriptedDestination(Receiver& r, int connection) : r_(r), connection_(connection) {}
  DeliveryResult deliver(const std::string& bytes, std::int64_t,
                         const DeliveryAttributes&) override {
    const std::string controlId = hl7::Message::parseHeader(bytes)->controlId();
    {
      std::lock_guard lock(r_.mutex);
      r_.mostAtOnce = std::max(r_.mostAtOnce, ++r_.inside);
    }
    std::this_thread::sleep_for(r_.takes);
    std::lock_guard lock(r_.mutex);
    --r_.inside;
    if (controlId == r_.faultOn) return {DeliveryResult::Kind::kFault, "the plugin broke"};
    if (controlId == r_.holdOn) return {DeliveryResult::Kind::kHeld, "unit conflict"};
    if (controlId == r_.rejectOn) return {DeliveryResult::Kind::kRejected, "AR: unknown patient"};
    if (auto it = r_.failuresLeft.find(controlId); it != r_.failuresLeft.end() && it->second > 0) {
      --it->second;
      DeliveryResult later{DeliveryResult::Kind::kRetryLater, "AE: try later"};
      later.retryAfter = r_.retryAfter;
      return later;
    }
    r_.arrivals.push_back({controlId, connection_});
    return {DeliveryResult::Kind::kDelivered, "AA"};
  }

  // A pipelining receiver: every message of the window reaches it and is answered on its
  // own, whatever became of the ones before.
  std::vector<DeliveryResult> deliverWindow(std::span<const Outgoing> window) override {
    const std::size_t n = std::min(window.size(), r_.window);
    {
      std::lock_guard lock(r_.mutex);
      r_.windows.push_back(n);
    }
    std::vector<DeliveryResult> out;
    for (std::size_t i = 0; i < n; ++i) {
      out.push_back(deliver(*window[i].bytes, window[i].messageId, *window[i].attributes));
    }
    return out;
  }

 private:
  Receiver& r_;
  int connection_;
};

// The channel's side, as a test sees it.
struct Decisions : DeliveryDecisions {
  std::vector<journal::Journal::Awaited> awaitedAnswers(const journal::PendingDelivery&,
                                                        const DeliveryResult&) const override {
    return {};
  }
  void delivered(const journal::PendingDelivery&) override {}
  void held(const journal::PendingDelivery& d, const std::string& reason, DestinationStats&,
            const std::optional<journal::Journal::Fence>& fence) override {
    std::lock_guard lock(mutex);
    heldIds.push_back(d.messageId);
    (void)journal->holdDelivery(d.deliveryId, reason, "", "", fence);
  }
  void faulted(const std::string& reason) override {
    std::lock_guard lock(mutex);
    fault = reason;
  }
  journal::Journal* journal = nullptr;
  std::mutex mutex;
  std::vector<journal::MessageId> heldIds;
  std::string fault;
};

class DeliveryWorkerTest : public ::testing::Test {
 protected:
  DeliveryWorkerTest()
      : rig_(std::string("delivery-worker-") +
             ::testing::UnitTest::GetInstance()->current_test_info()->name()) {
    dest_ = rig_.config.destinations[0];
    dest_.retry.base = std::chrono::milliseconds(40);
    dest_.retry.cap = std::chrono::milliseconds(40);
    decisions_.journal = rig_.journal.get();
  }
  ~DeliveryWorkerTest() override { stop(); }

  // A received message, mapped unchanged and routed to "gp" (with these attributes).
  journal::MessageId add(const std::string& bytes, const std::string& attributes = "") {
    journal::NewMessage m;
    m.channel = "lab";
    m.source = "test";
    m.controlId = hl7::Message::parseHeader(bytes)->controlId();
    m.messageType = "ORU^R01";
    m.bytes = bytes;
    auto appended = rig_.journal->append(m);
    EXPECT_TRUE(appended);
    journal::Journal::Mapping mapping;
    mapping.id = appended->id;
    mapping.destinations = {"gp"};
    if (!attributes.empty()) mapping.attributes["gp"] = attributes;
    EXPECT_TRUE(rig_.journal->submitMapped({mapping}).get());
    return appended->id;
  }

  void start() {
    control_ = zmq::socket_t(rig_.zmq, zmq::socket_type::pub);
    control_.bind("inproc://control");
    wakeups_ = zmq::socket_t(rig_.zmq, zmq::socket_type::pull);
    wakeups_.bind("inproc://wakeups");
    DeliveryWorkerSetup setup;
    setup.channel = "lab";
    setup.destination = dest_;
    setup.journal = rig_.journal.get();
    setup.counted = &counted_;
    setup.decisions = &decisions_;
    setup.makeDestination = [this]() -> Result<std::unique_ptr<Destination>> {
      std::lock_guard lock(receiver_.mutex);
      return std::make_unique<ScriptedDestination>(receiver_, receiver_.connections++);
    };
    setup.zmq = &rig_.zmq;
    setup.laneEndpoint = "inproc://lanes";
    worker_ = std::make_unique<DeliveryWorker>(std::move(setup));
    zmq::socket_t stopSignal(rig_.zmq, zmq::socket_type::sub);
    stopSignal.set(zmq::sockopt::subscribe, "");
    stopSignal.connect("inproc://control");
    thread_ =
        std::thread([this, s = std::move(stopSignal)]() mutable { worker_->run(wakeups_, s); });
  }

  void stop() {
    if (!thread_.joinable()) return;
    control_.send(zmq::str_buffer("stop"), zmq::send_flags::none);
    thread_.join();
  }

  std::int64_t count(const std::string& state) {
    return rig_.journal->countDeliveries("lab", state).value_or(-1);
  }

  bool waitFor(const std::function<bool()>& done, std::chrono::milliseconds limit = 10s) {
    const auto until = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < until) {
      if (done()) return true;
      std::this_thread::sleep_for(5ms);
    }
    return done();
  }

  // The control ids of `patient` in the order the receiver got them.
  std::vector<std::string> arrivedFor(const std::string& patient) {
    std::vector<std::string> out;
    for (const auto& id : receiver_.order()) {
      if (id.rfind(patient + "-", 0) == 0) out.push_back(id);
    }
    return out;
  }

  ChannelRig rig_;
  config::DestinationConfig dest_;
  DestinationStats counted_{"gp"};
  Decisions decisions_;
  Receiver receiver_;
  zmq::socket_t control_, wakeups_;
  std::unique_ptr<DeliveryWorker> worker_;
  std::thread thread_;
};

std::vector<std::string> inOrder(const std::string& patient, int n) {
  std::vector<std::string> out;
  for (int i = 0; i < n; ++i) out.push_back(patient + "-" + std::to_string(i));
  return out;
}

TEST_F(DeliveryWorkerTest, OneLaneDeliversEveryMessageInJournalOrderOverOneConnection) {
  ASSERT_TRUE(rig_.journal);
  std::vector<std::string> expected;
  for (int i = 0; i < 150; ++i) {  // more than one read of the queue
    const std::string patient = i % 2 ? "P2" : "P1";
    add(resultFor(patient, i));
    expected.push_back(patient + "-" + std::to_string(i));
  }
  start();
  ASSERT_TRUE(waitFor([&] { return count("delivered") == 150; })) << count("delivered");
  EXPECT_EQ(receiver_.order(), expected);
  EXPECT_EQ(receiver_.connections, 1);
  EXPECT_EQ(receiver_.mostAtOnce, 1);
}

TEST_F(DeliveryWorkerTest, LanesKeepEachPatientsOrderWhileDifferentPatientsGoInParallel) {
  ASSERT_TRUE(rig_.journal);
  dest_.lanes = 4;
  receiver_.takes = 3ms;
  const std::vector<std::string> patients = {"A1", "B2", "C3", "D4", "E5", "F6", "G7", "H8"};
  for (int n = 0; n < 10; ++n) {
    for (const auto& p : patients) add(resultFor(p, n));
  }
  start();
  ASSERT_TRUE(waitFor([&] { return count("delivered") == 80; })) << count("delivered");
  EXPECT_EQ(receiver_.connections, 4);
  EXPECT_GT(receiver_.mostAtOnce, 1);  // patients went in parallel
  std::map<std::string, std::set<int>> connectionsOf;
  {
    std::lock_guard lock(receiver_.mutex);
    for (const auto& a : receiver_.arrivals) {
      connectionsOf[a.controlId.substr(0, 2)].insert(a.connection);
    }
  }
  for (const auto& p : patients) {
    EXPECT_EQ(arrivedFor(p), inOrder(p, 10)) << p;
    EXPECT_EQ(connectionsOf[p].size(), 1u) << p << " went over more than one connection";
  }
}

TEST_F(DeliveryWorkerTest, AHeldRetryHoldsOnlyItsOwnLane) {
  ASSERT_TRUE(rig_.journal);
  dest_.lanes = 8;
  // Two patients in different lanes.
  std::string other = "B0";
  for (int i = 0; laneFor("pid:" + other, 8) == laneFor("pid:A0", 8); ++i) {
    other = "B" + std::to_string(i);
  }
  receiver_.failuresLeft["A0-0"] = 2;
  for (int n = 0; n < 3; ++n) add(resultFor("A0", n));
  for (int n = 0; n < 3; ++n) add(resultFor(other, n));
  start();
  ASSERT_TRUE(waitFor([&] { return count("delivered") == 6; })) << count("delivered");
  // The other patient did not wait for A0's retries; A0's results kept their order.
  const auto order = receiver_.order();
  EXPECT_EQ(arrivedFor("A0"), inOrder("A0", 3));
  EXPECT_EQ(arrivedFor(other), inOrder(other, 3));
  const auto firstA = std::find(order.begin(), order.end(), "A0-0") - order.begin();
  const auto lastOther = std::find(order.begin(), order.end(), other + "-2") - order.begin();
  EXPECT_LT(lastOther, firstA);
  EXPECT_EQ(counted_.attemptsFailed.value(), 2u);
}

TEST_F(DeliveryWorkerTest, OnOneLaneAHeldRetryHoldsEveryMessageBehindIt) {
  ASSERT_TRUE(rig_.journal);
  receiver_.failuresLeft["A0-0"] = 2;
  add(resultFor("A0", 0));
  add(resultFor("B0", 0));
  start();
  ASSERT_TRUE(waitFor([&] { return count("delivered") == 2; })) << count("delivered");
  EXPECT_EQ(receiver_.order(), (std::vector<std::string>{"A0-0", "B0-0"}));
}

TEST_F(DeliveryWorkerTest, AGivenUpDeliveryIsSkippedWhenTheDestinationSaysSo) {
  ASSERT_TRUE(rig_.journal);
  dest_.retry.holdOnFailure = false;
  receiver_.rejectOn = "A0-0";
  for (int n = 0; n < 3; ++n) add(resultFor("A0", n));
  start();
  ASSERT_TRUE(waitFor([&] { return count("delivered") == 2 && count("failed") == 1; }));
  EXPECT_EQ(receiver_.order(), (std::vector<std::string>{"A0-1", "A0-2"}));
  EXPECT_EQ(counted_.failed.value(), 1u);
}

// A receiver's own "not before" (HTTP Retry-After, plugin ABI 1.6) outweighs a shorter
// backoff (40 ms here), and a wait of days is cut to an hour.
TEST_F(DeliveryWorkerTest, TheNextAttemptWaitsAsLongAsTheReceiverAsked) {
  ASSERT_TRUE(rig_.journal);
  receiver_.failuresLeft["A0-0"] = 1;
  receiver_.retryAfter = std::chrono::hours(72);
  add(resultFor("A0", 0));
  const auto before = journal::nowMs();
  start();
  ASSERT_TRUE(waitFor([&] { return counted_.attemptsFailed.value() == 1; }));
  std::this_thread::sleep_for(200ms);  // five backoffs: still not tried again
  EXPECT_TRUE(receiver_.order().empty());
  auto pending = rig_.journal->pendingDeliveries("lab", dest_.name, 10);
  ASSERT_TRUE(pending);
  ASSERT_EQ(pending->size(), 1u);
  const auto wait = pending->front().nextAttemptAtMs - before;
  EXPECT_GE(wait, 3'590'000) << "about an hour";
  EXPECT_LE(wait, 3'610'000) << "an hour at most";
}

TEST_F(DeliveryWorkerTest, ARejectionHeldForAnOperatorStopsTheLaneThere) {
  ASSERT_TRUE(rig_.journal);
  dest_.retry.holdOnFailure = true;
  dest_.retry.maxAttempts = 1;
  receiver_.rejectOn = "A0-0";
  for (int n = 0; n < 3; ++n) add(resultFor("A0", n));
  start();
  ASSERT_TRUE(waitFor([&] { return counted_.failed.value() >= 1; }));
  std::this_thread::sleep_for(200ms);  // past the retry time: still nothing overtakes it
  EXPECT_TRUE(receiver_.order().empty());
  EXPECT_EQ(count("delivered"), 0);
  EXPECT_EQ(count("pending"), 3);
}

TEST_F(DeliveryWorkerTest, AFaultMarksTheChannelAndLeavesTheDeliveryPending) {
  ASSERT_TRUE(rig_.journal);
  dest_.lanes = 2;
  receiver_.faultOn = "A0-1";
  for (int n = 0; n < 3; ++n) add(resultFor("A0", n));
  start();
  ASSERT_TRUE(waitFor([&] {
    std::lock_guard lock(decisions_.mutex);
    return !decisions_.fault.empty();
  }));
  stop();
  EXPECT_EQ(decisions_.fault, "destination gp: the plugin broke");
  EXPECT_EQ(receiver_.order(), (std::vector<std::string>{"A0-0"}));
  EXPECT_EQ(count("delivered"), 1);
  EXPECT_EQ(count("pending"), 2);
}

TEST_F(DeliveryWorkerTest, AHeldDeliveryGoesToTheChannelAndTheLaneGoesOn) {
  ASSERT_TRUE(rig_.journal);
  receiver_.holdOn = "A0-1";
  std::vector<journal::MessageId> ids;
  for (int n = 0; n < 3; ++n) ids.push_back(add(resultFor("A0", n)));
  start();
  ASSERT_TRUE(waitFor([&] { return count("delivered") == 2 && count("held") == 1; }));
  EXPECT_EQ(receiver_.order(), (std::vector<std::string>{"A0-0", "A0-2"}));
  EXPECT_EQ(decisions_.heldIds, std::vector<journal::MessageId>{ids[1]});
}

TEST_F(DeliveryWorkerTest, AKeyTheScriptSetPicksTheLane) {
  ASSERT_TRUE(rig_.journal);
  dest_.lanes = 4;
  // Two patients the script says belong together (one family's samples, say) share a lane.
  add(resultFor("A0", 0), formatAttributes({{"lane", "family-1"}}));
  add(resultFor("B0", 0), formatAttributes({{"lane", "family-1"}}));
  start();
  ASSERT_TRUE(waitFor([&] { return count("delivered") == 2; }));
  std::lock_guard lock(receiver_.mutex);
  ASSERT_EQ(receiver_.arrivals.size(), 2u);
  EXPECT_EQ(receiver_.arrivals[0].connection, receiver_.arrivals[1].connection);
  EXPECT_EQ(receiver_.arrivals[0].controlId, "A0-0");
}

// A mapper that takes longer over some messages than others, so two of them finish out of
// journal order.
class UnevenMapper : public Mapper {
 public:
  MapResult map(const std::string& bytes, const MapContext& context) override {
    std::this_thread::sleep_for(std::chrono::milliseconds(context.messageId % 3 == 0 ? 4 : 0));
    return {MapResult::Kind::kMapped, bytes, {}, ""};
  }
};

// Two mapper workers finish out of order; the destination still gets journal order, on one
// lane and per patient on several.
TEST(DeliveryOrder, TwoMappersFinishingOutOfOrderDoNotReorderTheDestination) {
  for (int lanes : {1, 3}) {
    ChannelRig rig("delivery-order-" + std::to_string(lanes));
    ASSERT_TRUE(rig.journal);
    rig.config.mapperWorkers = 2;
    rig.config.destinations[0].lanes = lanes;
    Receiver receiver;
    Channel channel(
        rig.config, *rig.journal, rig.zmq,
        [] { return Result<std::unique_ptr<Mapper>>(std::make_unique<UnevenMapper>()); },
        [&receiver](const config::DestinationConfig&, Channel&) {
          std::lock_guard lock(receiver.mutex);
          return Result<std::unique_ptr<Destination>>(
              std::make_unique<ScriptedDestination>(receiver, receiver.connections++));
        });
    ASSERT_TRUE(channel.start());
    std::vector<std::string> sent;
    for (int n = 0; n < 60; ++n) {
      const std::string patient = "P" + std::to_string(n % 4);
      journal::NewMessage m;
      m.channel = "lab";
      m.source = "lab/test";
      m.controlId = patient + "-" + std::to_string(n / 4);
      m.messageType = "ORU^R01";
      m.bytes = resultFor(patient, n / 4);
      ASSERT_TRUE(channel.accept(m));
      sent.push_back(m.controlId);
    }
    const auto deadline = std::chrono::steady_clock::now() + 20s;
    while (receiver.order().size() < 60 && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(5ms);
    }
    channel.stop();
    const auto got = receiver.order();
    ASSERT_EQ(got.size(), 60u) << lanes << " lane(s)";
    if (lanes == 1) {
      EXPECT_EQ(got, sent);
      continue;
    }
    for (int p = 0; p < 4; ++p) {
      std::vector<std::string> mine;
      for (const auto& id : got) {
        if (id.rfind("P" + std::to_string(p) + "-", 0) == 0) mine.push_back(id);
      }
      EXPECT_EQ(mine, inOrder("P" + std::to_string(p), 15)) << lanes << " lanes";
    }
  }
}

TEST(LaneKey, IsTheNhsNumberElseThePatientIdElseTheConfiguredPath) {
  journal::PendingDelivery d;
  d.bytes =
      "MSH|^~\\&|LAB|RVJ|GP|A81001|20240131||ORU^R01|C1|P|2.4\r"
      "PID|1||9449305552^^^NHS^NH~H123^^^RVJ^MR||doe^jane\rOBR|1||F77|K^Potassium\r";
  EXPECT_EQ(laneKey(d, "patient"), "nhs:9449305552");
  d.bytes =
      "MSH|^~\\&|LAB|RVJ|GP|A81001|20240131||ORU^R01|C1|P|2.4\r"
      "PID|1||H123^^^RVJ^MR||doe^jane\rOBR|1||F77|K^Potassium\r";
  EXPECT_EQ(laneKey(d, "patient"), "pid:H123");
  EXPECT_EQ(laneKey(d, "OBR-3"), "key:F77");
  d.attributes = formatAttributes({{"lane", "x"}});
  EXPECT_EQ(laneKey(d, "patient"), "set:x");
  d.attributes.clear();
  d.bytes = "MSH|^~\\&|LAB|RVJ|GP|A81001|20240131||ACK|C1|P|2.4\rMSA|AA|X\r";
  EXPECT_EQ(laneKey(d, "patient"), "");
  EXPECT_EQ(laneFor("nhs:9449305552", 1), 0u);
  EXPECT_EQ(laneFor("nhs:9449305552", 7), laneFor("nhs:9449305552", 7));
  EXPECT_LT(laneFor("nhs:9449305552", 7), 7u);
}

}  // namespace
}  // namespace pathhub::pipeline

namespace pathhub::pipeline {
namespace {

// Pipelining (hazard H20): a window's messages all reach the receiver, so what it accepted
// after one it did not is delivered — recorded so, and noted — while those it did not accept
// go back to the journal untouched and follow the failed one in order.
TEST_F(DeliveryWorkerTest, AWindowRecordsWhatTheReceiverTookAfterAFailureAndResendsTheRestInOrder) {
  ASSERT_TRUE(rig_.journal);
  receiver_.window = 4;
  receiver_.failuresLeft["A0-1"] = 1;
  receiver_.failuresLeft["A0-3"] = 1;
  std::vector<journal::MessageId> ids;
  for (int n = 0; n < 5; ++n) ids.push_back(add(resultFor("A0", n)));
  start();
  ASSERT_TRUE(waitFor([&] { return count("delivered") == 5; }));
  stop();
  // First window: 0 taken, 1 refused for now, 2 taken (ahead of 1), 3 refused; then 1, 3, 4.
  EXPECT_EQ(receiver_.order(), (std::vector<std::string>{"A0-0", "A0-2", "A0-1", "A0-3", "A0-4"}));
  EXPECT_EQ(receiver_.windows.front(), 4u);
  auto attemptsOf = [&](journal::MessageId id) {
    auto details = rig_.journal->details(id);
    EXPECT_TRUE(details);
    return details->deliveries.at(0);
  };
  EXPECT_EQ(attemptsOf(ids[1]).attempts, 2) << "its failure is counted, then its delivery";
  EXPECT_EQ(attemptsOf(ids[3]).attempts, 1)
      << "refused after the window broke: sent again without an attempt counted against it";
  const auto overtaker = attemptsOf(ids[2]);
  EXPECT_EQ(overtaker.attempts, 1);
  EXPECT_NE(overtaker.response.find("may be ahead of that one at the receiver"), std::string::npos)
      << overtaker.response;
  EXPECT_EQ(attemptsOf(ids[0]).response, "AA");
  EXPECT_EQ(counted_.attemptsFailed.value(), 1u);
}

TEST_F(DeliveryWorkerTest, WithoutAWindowTheDestinationIsOfferedTheRunAndTakesOneAtATime) {
  ASSERT_TRUE(rig_.journal);
  receiver_.failuresLeft["A0-1"] = 1;
  for (int n = 0; n < 4; ++n) add(resultFor("A0", n));
  start();
  ASSERT_TRUE(waitFor([&] { return count("delivered") == 4; }));
  stop();
  EXPECT_EQ(receiver_.order(), (std::vector<std::string>{"A0-0", "A0-1", "A0-2", "A0-3"}));
  for (std::size_t n : receiver_.windows) EXPECT_EQ(n, 1u);
}

}  // namespace
}  // namespace pathhub::pipeline

// One destination's delivery stage: reads what the destination owes from the journal, in
// journal order, delivers it, records each attempt, and settles the records as they commit.
//
// A destination delivers over one or more ordered lanes (<destination lanes="N">). Each
// message goes to the lane its key picks (the patient by default: lane_key.h), so the order
// of one patient's messages is kept while different patients go in parallel. A lane is one
// connection (one Destination) working through a run of its deliveries at a time; with one
// lane the worker delivers on its own thread, every message in journal order, as a single
// connection always has. With more, each lane has a thread and the worker hands out runs.
//
// The journal stays the truth. Nothing past a lane's first undelivered message is handed to
// that lane: a run stops at the first delivery that is not made, what it had not reached goes
// back to the journal, and a lane whose head waits for its retry (onExhausted="hold") holds
// only its own messages. A delivery made is left out of what the journal offers until its
// record commits (it is not read again with its bytes); the queue is read from its head each
// time, never from a cursor, because on a shared journal a message of another node may become
// visible after later ones.
#pragma once

#include <Poco/Logger.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>
#include <zmq.hpp>

#include "config/hub_config.h"
#include "journal/journal.h"
#include "pathhub/error.h"
#include "pipeline/channel_stats.h"
#include "pipeline/delivery_gate.h"
#include "pipeline/destination.h"

namespace pathhub::pipeline {

// What a delivery worker asks of its channel around a delivery: the decisions that belong to
// answers, orders and clinical safety, which the channel makes with core/acks, core/orders
// and its <safety> configuration. Called from lane threads: implementations are thread-safe.
class DeliveryDecisions {
 public:
  virtual ~DeliveryDecisions() = default;
  // The answers a delivery just made now awaits (recorded with it), when its routing says the
  // receiver acknowledges.
  virtual std::vector<journal::Journal::Awaited> awaitedAnswers(
      const journal::PendingDelivery& delivery, const DeliveryResult& result) const = 0;
  // A delivery was made (an order delivered to its lab is "sent").
  virtual void delivered(const journal::PendingDelivery& delivery) = 0;
  // A delivery held for clinical safety (DeliveryResult::kHeld): recorded before it returns.
  virtual void held(const journal::PendingDelivery& delivery, const std::string& reason,
                    DestinationStats& counted,
                    const std::optional<journal::Journal::Fence>& fence) = 0;
  // The destination itself failed: the channel is marked faulted.
  virtual void faulted(const std::string& reason) = 0;
};

struct DeliveryWorkerSetup {
  std::string channel;
  config::DestinationConfig destination;
  journal::Journal* journal = nullptr;
  DestinationStats* counted = nullptr;
  DeliveryDecisions* decisions = nullptr;
  DeliveryGate* gate = nullptr;  // none: a single hub, which always delivers
  // Makes and starts the destination of one lane (called once per lane, on the worker's
  // thread, before any delivery); an error faults the channel.
  std::function<Result<std::unique_ptr<Destination>>()> makeDestination;
  zmq::context_t* zmq = nullptr;  // for the lanes' "run done" news
  std::string laneEndpoint;       // inproc address, unique to this worker
};

class DeliveryWorker {
 public:
  explicit DeliveryWorker(DeliveryWorkerSetup setup);
  ~DeliveryWorker();
  DeliveryWorker(const DeliveryWorker&) = delete;
  DeliveryWorker& operator=(const DeliveryWorker&) = delete;

  // Delivers until a frame arrives on `control`; `wakeups` brings news of deliveries waiting
  // (hints only: the journal is read anyway when idle). Runs on the calling thread and
  // returns once every lane has finished its run and every record is settled.
  void run(zmq::socket_t& wakeups, zmq::socket_t& control);

  // How many deliveries one read of the queue takes, and how many made deliveries are
  // recorded together (small record batches bound what a crash makes us deliver again).
  static constexpr int kBatch = 128;
  static constexpr std::size_t kRecordBatch = 16;
  static constexpr std::size_t kMaxUnrecorded = 512;
  // The most messages of a run offered to the destination at once (its window may be less).
  static constexpr std::size_t kWindowOffer = 64;
  // After a read shorter than this, the worker waits up to kGatherFor for news before reading
  // again (news ends the wait at once; a cluster's node reads on, news from other nodes comes
  // only through the journal).
  static constexpr std::size_t kGatherBelow = 8;
  static constexpr std::chrono::milliseconds kGatherFor{1};

 private:
  // Attempts submitted to the journal, and the deliveries their commit settles.
  struct Recording {
    std::future<Result<void>> done;
    std::vector<std::int64_t> deliveries;
  };
  // A run of one lane's deliveries, and what became of it.
  struct Run {
    std::vector<journal::PendingDelivery> deliveries;
    std::optional<journal::Journal::Fence> fence;
    // Filled in by deliver():
    std::vector<Recording> records;
    std::vector<std::int64_t> untouched;  // not reached (after a failure or a stop)
    std::string fault;                    // the destination failed: why
  };
  struct Lane;

  // One lane's work on a run: delivers in order until one is not made; records as it goes.
  // The run is offered to the destination a window at a time (Destination::deliverWindow);
  // what a window's receiver accepted after a failure is still recorded as delivered.
  void deliver(Lane& lane, Run& run);
  // A delivery made: counted, its answers awaited, recorded with the next flush.
  void recordDelivered(const journal::PendingDelivery& d, DeliveryResult result, Run& run,
                       std::vector<journal::Journal::Attempt>& made);
  // The attempts made since the last flush, submitted as one record.
  void flush(Run& run, std::vector<journal::Journal::Attempt>& made);
  // A delivery not made: counted, logged and recorded (retried later, or given up).
  void recordFailure(const journal::PendingDelivery& d, const DeliveryResult& result, Run& run);
  // Takes back what a lane did: its records to settle, what it did not reach to read again.
  void absorb(Run& run);
  // Waits for the records submitted so far: all of them, or only those already committed.
  void settle(bool all);
  // Whether this node may deliver now (a cluster's lease); notes a change of hands.
  bool leaseHeld();
  // Hands out one read of the queue to the lanes; false when nothing could be handed out.
  // `due`: when the first held-up lane's head is due, if any is.
  bool dispatch(const std::vector<journal::PendingDelivery>& batch,
                std::optional<std::int64_t>& due);
  // Waits for news, a lane finishing or `timeout`; false when a stop arrived.
  bool wait(zmq::socket_t& wakeups, zmq::socket_t& control, std::chrono::milliseconds timeout);
  void collectFinishedLanes();
  bool anyLaneBusy() const;
  void laneLoop(Lane& lane);
  void stopLanes();

  DeliveryWorkerSetup setup_;
  const config::DestinationConfig& dest_;
  DestinationStats& counted_;
  Poco::Logger& log_;
  std::vector<std::unique_ptr<Lane>> lanes_;
  std::optional<zmq::socket_t> laneNews_;  // PULL: lanes say a run is done (several lanes only)
  std::atomic<bool> stopping_{false};
  bool faulted_ = false;
  std::optional<journal::Journal::Fence> fence_;
  // Handed to a lane or made and not yet recorded: left out of what the journal offers.
  std::set<std::int64_t> inFlight_;
  std::vector<Recording> records_;
};

}  // namespace pathhub::pipeline

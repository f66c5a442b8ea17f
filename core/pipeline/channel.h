// One channel's pipeline: mapper workers → router → one delivery worker per destination,
// each stage an actor with its own thread and ZeroMQ sockets (inproc), joined PUSH → PULL.
//
// The journal is the truth and a ZeroMQ frame only news of it (envelope.h): a received
// message is announced to the mappers right after its commit; a mapper maps it, records the
// result and tells the router; the router wakes the destinations concerned; a delivery worker
// asks the journal for the next delivery it owes, in journal order, and records each attempt.
// Anything that misses its news (a restart, a full queue) is found again in the journal:
// idle mappers look for messages left unmapped and idle delivery workers re-read their queue.
//
// Channels share nothing but the journal writer, so one channel's fault or backlog never
// stalls another's stages.
#pragma once

#include <Poco/Logger.h>

#include <atomic>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>
#include <zmq.hpp>

#include "config/hub_config.h"
#include "journal/journal.h"
#include "pipeline/channel_decisions.h"
#include "pipeline/channel_stats.h"
#include "pipeline/delivery_gate.h"
#include "pipeline/delivery_worker.h"
#include "pipeline/destination.h"
#include "pipeline/envelope.h"
#include "pipeline/mapper.h"
#include "pipeline/script_versions.h"

namespace pathhub::pipeline {

// Makes one mapper per worker (a script that does not load fails the channel's start).
using MapperFactory = std::function<Result<std::unique_ptr<Mapper>>()>;
class Channel;
// Makes and starts one destination of a channel (on its delivery worker's thread); an error
// marks the channel faulted.
using DestinationFactory = std::function<Result<std::unique_ptr<Destination>>(
    const config::DestinationConfig&, Channel& channel)>;

class Channel : private DeliveryDecisions {
 public:
  // `stats`: where the channel counts what it does; a fresh set when none is given.
  // `gate`: when this hub is one node of a cluster, whether it delivers for a destination now
  // (delivery_gate.h); none: it always does. `decisions`: what the channel decides beside
  // mapping (answers, orders, practices: channel_decisions.h), made at each start; none: it
  // decides nothing beside mapping.
  Channel(config::ChannelConfig config, journal::Journal& journal, zmq::context_t& zmq,
          MapperFactory mappers, DestinationFactory destinations,
          std::shared_ptr<ChannelStats> stats = nullptr, DeliveryGate* gate = nullptr,
          DecisionsFactory decisions = nullptr);
  ~Channel();
  Channel(const Channel&) = delete;
  Channel& operator=(const Channel&) = delete;

  // Starts every stage: the sockets are bound before any thread starts, so news sent at once
  // is queued, not lost; it does not wait for the threads to be running. Work left in the
  // journal by an earlier run (unmapped messages, pending deliveries) is picked up from there.
  Result<void> start();
  // Stops the stages after the work in hand (a mapping, a delivery attempt) is finished.
  void stop();

  // Records a message for this channel and, once it is durable, announces it to the mappers.
  // Returns when it is committed: the caller may acknowledge it then.
  Result<journal::Appended> accept(const journal::NewMessage& message);
  // Whether undelivered messages have reached the channel's backlog limit (counted in the
  // journal at most every 100 ms, plus what was accepted since).
  bool overBacklog();

  const config::ChannelConfig& config() const { return config_; }

  // Re-routes the parts of order `placer` its routing sent to the exceptions destination (tests
  // the catalogue lacked, a lab without a destination), with the catalogue and labs the channel
  // runs with now (a reload brings a fixed catalogue). A part still unplaceable stays where it
  // is, with the reason. not_found: no part of that order waits here; invalid_state: the
  // channel routes no orders.
  using Rerouted = pipeline::Rerouted;
  Result<Rerouted> rerouteOrder(const std::string& placer);
  ChannelStats& stats() { return *stats_; }
  // The channel's script versions (none without a script): script_versions.h.
  ScriptVersions* scriptVersions() { return versions_.get(); }
  // The decisions made at the last start (empty before it): what a diff-replay routes with.
  const ChannelDecisionSet& decisions() const { return decisions_; }
  // Whether every stage is running (start() succeeded and stop() has not been called).
  bool running() const { return running_; }
  // Tells these destinations' workers that deliveries wait in the journal (a replay), so
  // they look now instead of at their next idle poll. Callable from any thread.
  void wake(const std::vector<std::string>& destinations);

  // A part of the channel (its source, a destination) cannot go on: the channel is marked
  // faulted with the reason (the first one is kept) and the part stops; other parts and other
  // channels carry on, and nothing in the journal is lost.
  void markFaulted(const std::string& reason);
  // Why the channel is faulted; "" while it is not.
  std::string faultReason() const;

 private:
  std::string endpoint(const std::string& stage) const;
  // Unbinds and closes the sockets the channel bound, so a new start can bind them again.
  void releaseSockets();
  Result<journal::Appended> announceAfterCommit(const journal::NewMessage& message);
  void mapperLoop(int worker, std::unique_ptr<Mapper> mapper, zmq::socket_t input,
                  zmq::socket_t control);
  void routerLoop(zmq::socket_t& input, zmq::socket_t control);
  void deliveryLoop(std::size_t index, zmq::socket_t& wakeups, zmq::socket_t control);
  // DeliveryDecisions, for the delivery workers.
  std::vector<journal::Journal::Awaited> awaitedAnswers(
      const journal::PendingDelivery& delivery, const DeliveryResult& result) const override;
  void delivered(const journal::PendingDelivery& delivery) override;
  void held(const journal::PendingDelivery& delivery, const std::string& reason,
            DestinationStats& counted,
            const std::optional<journal::Journal::Fence>& fence) override {
    holdForSafety(delivery, reason, counted, fence);
  }
  void faulted(const std::string& reason) override { markFaulted(reason); }
  // A mapped message to record, and the news to send once the record is durable.
  struct Mapped {
    journal::Journal::Mapping record;
    Envelope news;
  };
  // A message about to be mapped: its bytes, and what the channel found before the mapping
  // (an answer it settles).
  struct Pending {
    journal::MessageId id;
    std::string bytes;
    std::string answered;  // what it answered, "" when it is no answer
  };
  // Before the mapping: reads the message when it was not announced with its bytes (none when
  // it is gone or another worker mapped it), settles the answer it is, tracks the orders it
  // concerns.
  std::optional<Pending> prepare(journal::MessageId id, std::string announced, bool fromJournal);
  // After the mapping: checks and routes what it made. Filtered and failed messages are
  // recorded at once; a mapped one is returned for the batch write.
  std::optional<Mapped> finish(const Pending& pending, MapResult result);
  // A delivery held for clinical safety (DeliveryResult::kHeld): failed with `reason`, the
  // message sent to the <safety> exceptions destination.
  // Under `fence` (a cluster's node): not recorded once the lease has moved on.
  void holdForSafety(const journal::PendingDelivery& d, const std::string& reason,
                     DestinationStats& counted,
                     const std::optional<journal::Journal::Fence>& fence);
  config::ChannelConfig config_;
  journal::Journal& journal_;
  zmq::context_t& zmq_;
  MapperFactory mappers_;
  DestinationFactory destinations_;
  Poco::Logger& log_;
  std::shared_ptr<ChannelStats> stats_;
  DeliveryGate* gate_;  // none: a single hub, which always delivers
  DecisionsFactory makeDecisions_;
  ChannelDecisionSet decisions_;  // made by start()
  std::unique_ptr<ScriptVersions> versions_;

  zmq::socket_t announce_;  // PUSH to the mappers; used only on the journal writer thread
  zmq::socket_t control_;   // PUB of the stop signal; used only by start/stop
  zmq::socket_t routeIn_;   // PULL of the router stage (its thread only, while it runs)
  std::vector<zmq::socket_t> deliverIn_;  // PULL of each delivery stage, likewise
  std::vector<std::thread> threads_;
  std::atomic<bool> running_{false};

  mutable std::mutex faultMutex_;
  std::string fault_;

  std::mutex backlogMutex_;
  std::int64_t backlogCheckedAtMs_ = 0;
  std::int64_t backlogCounted_ = 0;      // undelivered messages at the last count
  std::int64_t admittedSinceCount_ = 0;  // accepted since then
  bool backlogRefreshing_ = false;
};

}  // namespace pathhub::pipeline

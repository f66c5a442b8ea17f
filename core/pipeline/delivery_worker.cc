// A destination's delivery stage and its ordered lanes (see delivery_worker.h).
#include "pipeline/delivery_worker.h"

#include <pthread.h>

#include <algorithm>
#include <limits>

#include "pipeline/lane_key.h"
#include "pipeline/retry.h"

namespace pathhub::pipeline {
namespace {

constexpr auto kIdlePoll = std::chrono::milliseconds(1000);
// The longest Retry-After a receiver is granted: a longer ask (or a wrong one) does not hold
// results back for days.
constexpr auto kLongestRetryAfter = std::chrono::milliseconds(std::chrono::hours(1));

}  // namespace

// One connection of the destination. With several lanes, a thread of its own works through
// the run it is handed; the worker reads `run` only once the lane says it is done.
struct DeliveryWorker::Lane {
  std::size_t index = 0;
  std::unique_ptr<Destination> destination;
  bool busy = false;  // worker thread only: handed a run not yet taken back
  std::thread thread;
  std::mutex mutex;
  std::condition_variable wake;
  bool hasRun = false, finished = false, quit = false;  // guarded by mutex
  Run run;
};

DeliveryWorker::DeliveryWorker(DeliveryWorkerSetup setup)
    : setup_(std::move(setup)),
      dest_(setup_.destination),
      counted_(*setup_.counted),
      log_(Poco::Logger::get("pipeline." + setup_.channel)) {}

DeliveryWorker::~DeliveryWorker() { stopLanes(); }

void DeliveryWorker::run(zmq::socket_t& wakeups, zmq::socket_t& control) {
  const auto idlePoll = setup_.gate ? setup_.gate->idlePoll() : kIdlePoll;
  const auto lanes = static_cast<std::size_t>(std::max(1, dest_.lanes));
  for (std::size_t i = 0; i < lanes && !faulted_; ++i) {
    auto made = setup_.makeDestination();
    if (!made) {
      setup_.decisions->faulted(made.error().text);
      faulted_ = true;
      break;
    }
    auto lane = std::make_unique<Lane>();
    lane->index = i;
    lane->destination = std::move(*made);
    lanes_.push_back(std::move(lane));
  }
  if (!faulted_ && lanes > 1) {
    laneNews_.emplace(*setup_.zmq, zmq::socket_type::pull);
    laneNews_->bind(setup_.laneEndpoint);
    for (auto& lane : lanes_) {
      lane->thread = std::thread([this, l = lane.get()] { laneLoop(*l); });
    }
  }
  for (;;) {
    zmq::message_t frame;
    if (faulted_) {
      // A faulted destination delivers nothing more; its worker only waits to be stopped
      // (taking back what its other lanes finish meanwhile).
      while (wait(wakeups, control, kIdlePoll)) {
        while (wakeups.recv(frame, zmq::recv_flags::dontwait)) {
        }
        collectFinishedLanes();
      }
      break;
    }
    if (control.recv(frame, zmq::recv_flags::dontwait)) break;
    while (wakeups.recv(frame, zmq::recv_flags::dontwait)) {
    }
    collectFinishedLanes();
    settle(false);
    if (!leaseHeld()) {
      if (anyLaneBusy()) {
        if (!wait(wakeups, control, idlePoll)) break;
        continue;
      }
      settle(true);
      if (!wait(wakeups, control, idlePoll)) break;
      continue;
    }
    // What was made and is still being recorded is left out by the query (not read again
    // with its bytes); so many at once only when the journal is slow: wait for them first.
    if (inFlight_.size() > kMaxUnrecorded) {
      if (anyLaneBusy()) {
        if (!wait(wakeups, control, idlePoll)) break;
        continue;
      }
      settle(true);
    }
    auto batch = setup_.journal->pendingDeliveries(setup_.channel, dest_.name, kBatch, inFlight_);
    if (!batch) {
      log_.error("channel %s destination %s: %s", setup_.channel, dest_.name,
                 batch.error().describe());
      if (!wait(wakeups, control, idlePoll)) break;
      continue;
    }
    std::optional<std::int64_t> due;
    if (dispatch(*batch, due)) {
      // A short read took all there was: unless news came meanwhile, the next read would find
      // nothing. Wait a moment for news instead (it ends the wait at once) and read then, so
      // under a steady flow each read takes what a mapper batch brought, not one message.
      if (batch->size() < kGatherBelow && !setup_.gate && !wait(wakeups, control, kGatherFor)) {
        break;
      }
      continue;
    }
    if (batch->empty() && !records_.empty() && !anyLaneBusy()) {
      // Nothing new: once the records are in, look again (the head may have moved).
      settle(true);
      continue;
    }
    // Nothing to hand out now: wait for news, a lane, or the first held-up head's retry.
    auto timeout = idlePoll;
    if (due) {
      timeout = std::clamp(std::chrono::milliseconds(*due - journal::nowMs()),
                           std::chrono::milliseconds(0), std::chrono::milliseconds(1000));
    }
    if (!wait(wakeups, control, timeout)) break;
  }
  stopLanes();
  for (auto& lane : lanes_) {
    if (lane->busy) {
      lane->busy = false;
      absorb(lane->run);
    }
  }
  settle(true);
}

bool DeliveryWorker::leaseHeld() {
  if (!setup_.gate) return true;
  auto now = setup_.gate->held(setup_.channel, dest_.name);
  const bool changed = !now || !fence_ || now->epoch != fence_->epoch;
  if (changed && !anyLaneBusy()) settle(true);  // lost, or (re)gained
  if (now && (!fence_ || now->epoch != fence_->epoch)) {
    log_.notice("channel %s destination %s: this node delivers now (lease epoch %?d)",
                setup_.channel, dest_.name, now->epoch);
  }
  if (!now && fence_) {
    log_.notice("channel %s destination %s: another node delivers now", setup_.channel, dest_.name);
  }
  fence_ = std::move(now);
  return fence_.has_value();
}

bool DeliveryWorker::dispatch(const std::vector<journal::PendingDelivery>& batch,
                              std::optional<std::int64_t>& due) {
  const std::size_t lanes = lanes_.size();
  std::vector<Run> runs(lanes);
  std::vector<bool> closed(lanes, false);  // nothing more for this lane in this read
  const std::int64_t now = journal::nowMs();
  for (std::size_t i = 0; i < lanes; ++i) closed[i] = lanes_[i]->busy;
  for (const journal::PendingDelivery& d : batch) {
    // One lane: no key to read (every message goes in journal order anyway).
    const std::size_t l = lanes == 1 ? 0 : laneFor(laneKey(d, dest_.laneKey), lanes);
    // A lane at work has earlier messages in hand (left out of the read): whatever of its
    // own comes later waits for them, as do the messages after a head not yet due.
    if (closed[l]) continue;
    if (d.nextAttemptAtMs > now) {
      // Holding the lane until its head's retry is due keeps that lane's order.
      closed[l] = true;
      due = due ? std::min(*due, d.nextAttemptAtMs) : d.nextAttemptAtMs;
      continue;
    }
    runs[l].deliveries.push_back(d);
  }
  bool handed = false;
  for (std::size_t l = 0; l < lanes; ++l) {
    if (runs[l].deliveries.empty()) continue;
    handed = true;
    Lane& lane = *lanes_[l];
    runs[l].fence = fence_;
    for (const auto& d : runs[l].deliveries) inFlight_.insert(d.deliveryId);
    if (lanes == 1) {
      deliver(lane, runs[l]);  // on this thread: no hand-off for a single connection
      absorb(runs[l]);
      continue;
    }
    lane.busy = true;
    {
      std::lock_guard lock(lane.mutex);
      lane.run = std::move(runs[l]);
      lane.hasRun = true;
      lane.finished = false;
    }
    lane.wake.notify_one();
  }
  return handed;
}

void DeliveryWorker::deliver(Lane& lane, Run& run) {
  std::vector<journal::Journal::Attempt> made;  // recorded together, kRecordBatch at a time
  std::size_t next = 0;
  bool broken = false;  // a delivery of this run was not made: the run ends with its window
  // Each delivery as the destination is offered it, its attributes read once for the run.
  std::vector<DeliveryAttributes> attributes(run.deliveries.size());
  std::vector<Outgoing> outgoing(run.deliveries.size());
  for (std::size_t i = 0; i < run.deliveries.size(); ++i) {
    const journal::PendingDelivery& d = run.deliveries[i];
    if (!d.attributes.empty()) attributes[i] = parseAttributes(d.attributes);
    outgoing[i] = {&d.bytes, d.messageId, &attributes[i]};
  }
  while (next < run.deliveries.size() && !broken) {
    if (stopping_) break;
    if (run.fence && !setup_.gate->stillHeld(*run.fence)) break;  // paused past the lease
    // The rest of the run is offered; a destination without a window takes one message.
    const std::size_t offered = std::min(run.deliveries.size() - next, kWindowOffer);
    const std::span<const Outgoing> window(outgoing.data() + next, offered);
    std::vector<DeliveryResult> results;
    const auto started = std::chrono::steady_clock::now();
    try {
      results = lane.destination->deliverWindow(window);
    } catch (const std::exception& e) {
      results = {
          {DeliveryResult::Kind::kRetryLater, std::string("destination threw: ") + e.what()}};
    }
    if (results.empty() || results.size() > offered) {
      results = {{DeliveryResult::Kind::kFault, "gave " + std::to_string(results.size()) +
                                                    " results for " + std::to_string(offered) +
                                                    " messages"}};
    }
    // A window's messages were in flight together: each is counted with its share of the time.
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count() /
        static_cast<double>(results.size());
    for (std::size_t i = 0; i < results.size(); ++i) {
      const journal::PendingDelivery& d = run.deliveries[next + i];
      DeliveryResult& result = results[i];
      counted_.deliverySeconds.observe(seconds);
      if (result.kind == DeliveryResult::Kind::kFault) {
        // The destination itself failed: no attempt is counted, the delivery stays pending.
        if (run.fault.empty()) run.fault = "destination " + dest_.name + ": " + result.reason;
        run.untouched.push_back(d.deliveryId);
        broken = true;
        continue;
      }
      if (result.kind == DeliveryResult::Kind::kDelivered) {
        if (broken) {
          // Pipelined after one that was not delivered, and taken by the receiver all the same:
          // it was delivered, and may have reached the receiver ahead of that one (hazard H20).
          log_.warning(
              "channel %s destination %s: message %?d was accepted after an earlier message of "
              "its lane was not delivered: it may be ahead of it at the receiver",
              setup_.channel, dest_.name, d.messageId);
          result.reason +=
              "\nnote: sent in one window after an earlier message of its lane "
              "that was not delivered; it may be ahead of that one at the receiver";
        }
        recordDelivered(d, std::move(result), run, made);
        continue;
      }
      if (broken) {
        run.untouched.push_back(d.deliveryId);  // read again, after the one that failed
        continue;
      }
      flush(run, made);  // what went before is recorded first
      if (result.kind == DeliveryResult::Kind::kHeld) {
        setup_.decisions->held(d, result.reason, counted_, run.fence);  // recorded on return
        run.records.push_back({{}, {d.deliveryId}});
        continue;
      }
      recordFailure(d, result, run);
      broken = true;  // the lane reads its queue again: the failed one comes back with its retry
    }
    next += results.size();
  }
  flush(run, made);
  for (; next < run.deliveries.size(); ++next)
    run.untouched.push_back(run.deliveries[next].deliveryId);
}

void DeliveryWorker::recordDelivered(const journal::PendingDelivery& d, DeliveryResult result,
                                     Run& run, std::vector<journal::Journal::Attempt>& made) {
  counted_.delivered.add();
  counted_.deliveredRate.add();
  counted_.lastDeliveredAtMs = journal::nowMs();
  counted_.endToEndSeconds.observe(static_cast<double>(journal::nowMs() - d.receivedAtMs) / 1000.0);
  auto awaited = setup_.decisions->awaitedAnswers(d, result);
  // A successful delivery's reason is the receiver's answer (its ACK), kept with it.
  made.push_back({d.deliveryId, journal::AttemptOutcome::kDelivered, "", 0,
                  std::move(result.reason), std::move(awaited)});
  setup_.decisions->delivered(d);
  if (made.size() >= kRecordBatch) flush(run, made);
}

void DeliveryWorker::flush(Run& run, std::vector<journal::Journal::Attempt>& made) {
  if (made.empty()) return;
  std::vector<std::int64_t> ids;
  for (const auto& a : made) ids.push_back(a.deliveryId);
  run.records.push_back(
      {setup_.journal->submitAttempts(std::move(made), run.fence), std::move(ids)});
  made.clear();
}

void DeliveryWorker::recordFailure(const journal::PendingDelivery& d, const DeliveryResult& result,
                                   Run& run) {
  const int attempts = d.attempts + 1;
  const bool exhausted =
      attempts >= dest_.retry.maxAttempts || result.kind == DeliveryResult::Kind::kRejected;
  const bool skip = exhausted && !dest_.retry.holdOnFailure;
  // The receiver's own ask (Retry-After) wins over a shorter backoff, up to an hour.
  const auto wait = std::max(backoffDelay(dest_.retry, attempts),
                             std::min(result.retryAfter, kLongestRetryAfter));
  const std::int64_t nextAt = skip ? 0 : journal::nowMs() + wait.count();
  log_.warning("channel %s destination %s: message %?d attempt %d failed: %s", setup_.channel,
               dest_.name, d.messageId, attempts, result.reason);
  (exhausted ? counted_.failed : counted_.attemptsFailed).add();
  counted_.lastAttemptFailedAtMs = journal::nowMs();
  counted_.lastError.set("message " + std::to_string(d.messageId) + ": " + result.reason);
  // Recorded before the lane reads its queue again, so the retry time is there to be seen.
  auto recorded =
      setup_.journal
          ->submitAttempts(
              {{d.deliveryId,
                skip ? journal::AttemptOutcome::kFailed : journal::AttemptOutcome::kRetry,
                result.reason,
                nextAt,
                {}}},
              run.fence)
          .get();
  if (!recorded) {
    log_.error("channel %s destination %s: cannot record attempt: %s", setup_.channel, dest_.name,
               recorded.error().describe());
  }
  run.records.push_back({{}, {d.deliveryId}});
}

void DeliveryWorker::absorb(Run& run) {
  for (std::int64_t id : run.untouched) inFlight_.erase(id);
  for (Recording& r : run.records) {
    if (!r.done.valid()) {
      // Recorded already (a failure, a hold): nothing to wait for.
      for (std::int64_t id : r.deliveries) inFlight_.erase(id);
      continue;
    }
    records_.push_back(std::move(r));
  }
  if (!run.fault.empty() && !faulted_) {
    faulted_ = true;
    setup_.decisions->faulted(run.fault);
  }
  run = Run{};
}

void DeliveryWorker::settle(bool all) {
  for (auto it = records_.begin(); it != records_.end();) {
    if (!all && it->done.wait_for(std::chrono::seconds(0)) != std::future_status::ready) {
      ++it;
      continue;
    }
    if (auto r = it->done.get(); !r) {
      log_.error("channel %s destination %s: cannot record a delivery: %s", setup_.channel,
                 dest_.name, r.error().describe());
    }
    for (std::int64_t id : it->deliveries) inFlight_.erase(id);
    it = records_.erase(it);
  }
}

bool DeliveryWorker::wait(zmq::socket_t& wakeups, zmq::socket_t& control,
                          std::chrono::milliseconds timeout) {
  std::vector<zmq::pollitem_t> items = {{wakeups.handle(), 0, ZMQ_POLLIN, 0},
                                        {control.handle(), 0, ZMQ_POLLIN, 0}};
  if (laneNews_) items.push_back({laneNews_->handle(), 0, ZMQ_POLLIN, 0});
  zmq::poll(items.data(), items.size(), timeout);
  return !(items[1].revents & ZMQ_POLLIN);
}

void DeliveryWorker::collectFinishedLanes() {
  if (!laneNews_) return;
  zmq::message_t frame;
  while (laneNews_->recv(frame, zmq::recv_flags::dontwait)) {
  }
  for (auto& lane : lanes_) {
    if (!lane->busy) continue;
    Run finished;
    {
      std::lock_guard lock(lane->mutex);
      if (!lane->finished) continue;
      finished = std::move(lane->run);
      lane->finished = false;
    }
    lane->busy = false;
    absorb(finished);
  }
}

bool DeliveryWorker::anyLaneBusy() const {
  return std::any_of(lanes_.begin(), lanes_.end(), [](const auto& l) { return l->busy; });
}

void DeliveryWorker::laneLoop(Lane& lane) {
  pthread_setname_np(pthread_self(), ("out:" + dest_.name)
                                         .substr(0, 12)
                                         .append("." + std::to_string(lane.index))
                                         .substr(0, 15)
                                         .c_str());
  zmq::socket_t news(*setup_.zmq, zmq::socket_type::push);
  news.connect(setup_.laneEndpoint);
  for (;;) {
    Run run;
    {
      std::unique_lock lock(lane.mutex);
      lane.wake.wait(lock, [&lane] { return lane.hasRun || lane.quit; });
      if (!lane.hasRun) return;
      run = std::move(lane.run);
      lane.hasRun = false;
    }
    deliver(lane, run);
    {
      std::lock_guard lock(lane.mutex);
      lane.run = std::move(run);
      lane.finished = true;
    }
    news.send(zmq::str_buffer("done"), zmq::send_flags::dontwait);
  }
}

void DeliveryWorker::stopLanes() {
  stopping_ = true;  // a lane stops after the delivery in hand
  for (auto& lane : lanes_) {
    {
      std::lock_guard lock(lane->mutex);
      lane->quit = true;
    }
    lane->wake.notify_one();
    if (lane->thread.joinable()) lane->thread.join();
  }
  // A run a lane finished but nobody took back is absorbed by run()'s caller side.
  for (auto& lane : lanes_) {
    std::lock_guard lock(lane->mutex);
    if (lane->hasRun) {  // handed but never started: nothing of it was attempted
      for (const auto& d : lane->run.deliveries) lane->run.untouched.push_back(d.deliveryId);
      lane->hasRun = false;
    }
  }
  if (laneNews_) {
    laneNews_->close();
    laneNews_.reset();
  }
}

}  // namespace pathhub::pipeline

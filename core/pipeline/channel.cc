// A channel's stages and their threads (see channel.h).
#include "pipeline/channel.h"

#include <Poco/Exception.h>
#include <pthread.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <set>

#include "hl7/message.h"
#include "pipeline/envelope.h"
#include "pipeline/mapping_plan.h"
#include "pipeline/retry.h"

namespace pathhub::pipeline {
namespace {

constexpr auto kIdlePoll = std::chrono::milliseconds(1000);

// Waits up to `timeout` for news on `input` or a stop on `control`. Returns false on stop.
bool waitForNews(zmq::socket_t& input, zmq::socket_t& control, std::chrono::milliseconds timeout,
                 bool* gotNews = nullptr) {
  zmq::pollitem_t items[] = {{input.handle(), 0, ZMQ_POLLIN, 0},
                             {control.handle(), 0, ZMQ_POLLIN, 0}};
  zmq::poll(items, 2, timeout);
  if (items[1].revents & ZMQ_POLLIN) return false;
  if (gotNews) *gotNews = (items[0].revents & ZMQ_POLLIN) != 0;
  return true;
}

}  // namespace

Channel::Channel(config::ChannelConfig config, journal::Journal& journal, zmq::context_t& zmq,
                 MapperFactory mappers, DestinationFactory destinations,
                 std::shared_ptr<ChannelStats> stats, DeliveryGate* gate,
                 DecisionsFactory decisions)
    : config_(std::move(config)),
      journal_(journal),
      zmq_(zmq),
      mappers_(std::move(mappers)),
      destinations_(std::move(destinations)),
      log_(Poco::Logger::get("pipeline." + config_.name)),
      stats_(stats ? std::move(stats) : std::make_shared<ChannelStats>(config_)),
      gate_(gate),
      makeDecisions_(std::move(decisions)),
      versions_(config_.script.empty()
                    ? nullptr
                    : std::make_unique<ScriptVersions>(config_.name, config_.script, journal_)) {}

Channel::~Channel() { stop(); }

std::string Channel::endpoint(const std::string& stage) const {
  return config_.stageEndpoints + "/" + config_.name + "." + stage;
}

Result<void> Channel::start() {
  if (config_.stageEndpoints.rfind("ipc://", 0) == 0) {
    // ipc endpoints are files: their folder must exist.
    std::error_code ec;
    std::filesystem::create_directories(config_.stageEndpoints.substr(6), ec);
    if (ec) {
      return fail(ErrorCode::kIoError, "channel " + config_.name + ": cannot create " +
                                           config_.stageEndpoints.substr(6) + ": " + ec.message());
    }
  }
  decisions_ = {};
  if (makeDecisions_) {
    // Made at each start, so a restart of the channel reads an edited directory or catalogue.
    auto made = makeDecisions_(config_, journal_);
    if (!made) return tl::unexpected(made.error());
    decisions_ = std::move(*made);
  }
  try {
    control_ = zmq::socket_t(zmq_, zmq::socket_type::pub);
    control_.bind(endpoint("control"));
    auto subscriber = [this] {
      zmq::socket_t s(zmq_, zmq::socket_type::sub);
      s.set(zmq::sockopt::subscribe, "");
      s.connect(endpoint("control"));
      return s;
    };
    // News of received messages: the source's commits can outrun the mappers by the whole
    // backlog before back-pressure stops it, so the queue is sized to hold that much.
    announce_ = zmq::socket_t(zmq_, zmq::socket_type::push);
    announce_.set(zmq::sockopt::sndhwm, static_cast<int>(std::min<std::size_t>(
                                            config_.backlogLimit * 2 + 1000, 1 << 30)));
    announce_.bind(endpoint("map"));

    // Bound sockets belong to the channel, not to the stage threads using them, so that stop()
    // can unbind them before closing: a closed socket's inproc address is released only
    // later, by ZeroMQ's reaper, and a restarted channel binding it again would fail.
    routeIn_ = zmq::socket_t(zmq_, zmq::socket_type::pull);
    routeIn_.bind(endpoint("route"));
    deliverIn_.clear();
    for (const auto& d : config_.destinations) {
      zmq::socket_t in(zmq_, zmq::socket_type::pull);
      in.bind(endpoint("deliver." + d.name));
      deliverIn_.push_back(std::move(in));
    }
    // Every worker's mapper is made before any thread starts, so a script that does not load
    // stops the channel here with its error.
    std::vector<std::unique_ptr<Mapper>> mappers;
    for (int w = 0; w < config_.mapperWorkers; ++w) {
      auto mapper = mappers_();
      if (!mapper) {
        releaseSockets();
        return fail(ErrorCode::kInvalidValue,
                    "channel " + config_.name + ": mapping: " + mapper.error().describe());
      }
      mappers.push_back(std::move(*mapper));
    }
    running_ = true;
    for (int w = 0; w < config_.mapperWorkers; ++w) {
      zmq::socket_t in(zmq_, zmq::socket_type::pull);
      in.connect(endpoint("map"));
      threads_.emplace_back([this, w, m = std::move(mappers[static_cast<std::size_t>(w)]),
                             in = std::move(in), c = subscriber()]() mutable {
        mapperLoop(w, std::move(m), std::move(in), std::move(c));
      });
    }
    threads_.emplace_back(
        [this, c = subscriber()]() mutable { routerLoop(routeIn_, std::move(c)); });
    for (std::size_t i = 0; i < deliverIn_.size(); ++i) {
      threads_.emplace_back(
          [this, i, c = subscriber()]() mutable { deliveryLoop(i, deliverIn_[i], std::move(c)); });
    }
    log_.information("channel %s started: %d mapper worker(s), %z destination(s)", config_.name,
                     config_.mapperWorkers, config_.destinations.size());
    return {};
  } catch (const zmq::error_t& e) {
    stop();
    return fail(ErrorCode::kIoError,
                "channel " + config_.name + ": cannot start its stages: " + e.what());
  }
}

void Channel::stop() {
  if (running_.exchange(false)) {
    try {
      control_.send(zmq::buffer(encode(Envelope{Envelope::Kind::kStop, 0, {}, {}})),
                    zmq::send_flags::dontwait);
    } catch (const zmq::error_t& e) {
      log_.error("channel %s: stop signal failed: %s", config_.name, std::string(e.what()));
    }
    for (auto& t : threads_) t.join();
    threads_.clear();
    log_.information("channel %s stopped", config_.name);
  }
  releaseSockets();
}

void Channel::releaseSockets() {
  // Every stage thread has ended (joined in stop), so this thread may use their sockets now.
  auto release = [this](zmq::socket_t& socket, const std::string& stage) {
    if (!socket) return;
    try {
      socket.unbind(endpoint(stage));
    } catch (const zmq::error_t&) {
      // Never bound (start failed part way): nothing to release.
    }
    socket.close();
  };
  release(announce_, "map");
  release(control_, "control");
  release(routeIn_, "route");
  for (std::size_t i = 0; i < deliverIn_.size(); ++i) {
    release(deliverIn_[i], "deliver." + config_.destinations[i].name);
  }
  deliverIn_.clear();
}

Result<journal::Appended> Channel::accept(const journal::NewMessage& message) {
  auto appended = announceAfterCommit(message);
  if (!appended) return appended;
  if (message.rejected) {
    stats_->rejected.add();
    stats_->lastError.set("rejected input: " + message.error);
  } else if (appended->duplicate) {
    stats_->duplicates.add();
  } else {
    stats_->received.add();
    stats_->receivedRate.add();
    std::lock_guard lock(backlogMutex_);
    ++admittedSinceCount_;
  }
  return appended;
}

Result<journal::Appended> Channel::announceAfterCommit(const journal::NewMessage& message) {
  return journal_.append(message, [this, &message](journal::MessageId id) {
    // On the journal writer thread, right after the commit: never block it (other channels
    // share it). If the queue is full the message stays "received" and an idle mapper finds it.
    try {
      if (!announce_.send(
              zmq::buffer(encode(Envelope{Envelope::Kind::kReceived, id, {}, message.bytes})),
              zmq::send_flags::dontwait)) {
        log_.warning("channel %s: mapper queue full; message %?d left for the journal scan",
                     config_.name, static_cast<long long>(id));
      }
    } catch (const zmq::error_t& e) {
      log_.warning("channel %s: announcing message %?d failed: %s", config_.name,
                   static_cast<long long>(id), std::string(e.what()));
    }
  });
}

bool Channel::overBacklog() {
  const std::int64_t now = journal::nowMs();
  bool refresh = false;
  {
    std::lock_guard lock(backlogMutex_);
    if (now - backlogCheckedAtMs_ >= 100 && !backlogRefreshing_) {
      backlogRefreshing_ = refresh = true;
    }
  }
  if (refresh) {
    // One thread counts in the journal, outside the lock; the others use the last count.
    // What was admitted before the count is in it; what is admitted while it runs is kept.
    std::int64_t admittedBefore = 0;
    {
      std::lock_guard lock(backlogMutex_);
      admittedBefore = admittedSinceCount_;
    }
    auto counted = journal_.backlogSize(config_.name);
    std::lock_guard lock(backlogMutex_);
    backlogRefreshing_ = false;
    if (counted) {
      backlogCheckedAtMs_ = now;
      backlogCounted_ = *counted;
      admittedSinceCount_ -= admittedBefore;
    }
  }
  std::lock_guard lock(backlogMutex_);
  // Messages admitted since the count are added, so a burst cannot overshoot the limit.
  return static_cast<std::size_t>(backlogCounted_ + admittedSinceCount_) >= config_.backlogLimit;
}

std::optional<Channel::Pending> Channel::prepare(journal::MessageId id, std::string announced,
                                                 bool fromJournal) {
  Pending p{id, std::move(announced), {}};
  if (fromJournal) {
    auto record = journal_.message(id);
    if (!record) {
      log_.error("channel %s: cannot read message %?d: %s", config_.name, id,
                 record.error().describe());
      return std::nullopt;
    }
    if (record->state != "received") return std::nullopt;  // another worker got there first
    p.bytes = std::move(record->bytes);
  }
  for (const auto& d : decisions_.all) {
    std::string said = d->received(p.bytes, id);
    if (!said.empty()) p.answered += (p.answered.empty() ? "" : "; ") + said;
  }
  return p;
}

std::optional<Channel::Mapped> Channel::finish(const Pending& pending, MapResult mapping) {
  const journal::MessageId id = pending.id;
  const std::int64_t version = versions_ ? versions_->resolve(mapping.scriptHash) : 0;
  MappingPlan plan = planMapping(config_, decisions_, std::move(mapping), pending.answered);
  MapResult& result = plan.result;
  journal::Journal::Mapping& record = plan.record;
  record.id = id;
  record.scriptVersion = version;
  const std::vector<std::string> notes = std::move(result.notes);
  if (result.kind == MapResult::Kind::kMapped ||
      (result.kind == MapResult::Kind::kFiltered && !record.derived.empty())) {
    if (result.kind == MapResult::Kind::kFiltered) {
      record.filtered = result.reason;
    } else if (result.bytes != pending.bytes) {
      record.mapped = std::move(result.bytes);  // an unchanged message is not stored twice
    }
    Envelope news{Envelope::Kind::kMapped, id, {}, {}};
    news.destinations = record.destinations;
    // The parts of a split order go where their lab is (news duplicates do no harm).
    for (const auto& d : record.derived) {
      news.destinations.insert(news.destinations.end(), d.destinations.begin(),
                               d.destinations.end());
    }
    record.notes = notes;
    (result.kind == MapResult::Kind::kFiltered ? stats_->filtered : stats_->mapped).add();
    return Mapped{std::move(record), std::move(news)};
  }
  Result<void> recorded;
  if (result.kind == MapResult::Kind::kFiltered) {
    stats_->filtered.add();
    recorded = journal_.markFiltered(id, result.reason, notes, version);
  } else {
    log_.warning("channel %s: message %?d failed mapping: %s", config_.name, id, result.reason);
    stats_->mappingFailed.add();
    stats_->lastError.set("message " + std::to_string(id) + ": " + result.reason);
    recorded = journal_.markFailed(id, result.reason, notes, version);
  }
  if (!recorded) {
    log_.error("channel %s: cannot record the outcome of message %?d: %s", config_.name, id,
               recorded.error().describe());
  }
  return std::nullopt;
}

void Channel::mapperLoop(int worker, std::unique_ptr<Mapper> mapper, zmq::socket_t input,
                         zmq::socket_t control) {
  pthread_setname_np(pthread_self(), ("map:" + config_.name).substr(0, 15).c_str());
  constexpr std::size_t kBatch = 128;
  zmq::socket_t toRouter(zmq_, zmq::socket_type::push);
  toRouter.connect(endpoint("route"));
  std::string shownLoadError;  // what this worker last told the channel's figures
  auto lastScan = std::chrono::steady_clock::now();
  for (;;) {
    bool news = false;
    if (!waitForNews(input, control, kIdlePoll, &news)) return;
    if (!news) mapper->idle();
    if (std::string error = mapper->loadError(); error != shownLoadError) {
      stats_->scriptError.set(error);
      shownLoadError = std::move(error);
    }
    std::vector<journal::MessageId> ids;
    std::vector<std::string> bytes;  // as announced; empty when read from the journal
    if (news) {
      zmq::message_t frame;
      while (ids.size() < kBatch && input.recv(frame, zmq::recv_flags::dontwait)) {
        auto envelope = decode(frame.to_string_view());
        if (!envelope) {
          log_.error("channel %s: bad stage envelope: %s", config_.name,
                     envelope.error().describe());
          continue;
        }
        ids.push_back(envelope->messageId);
        bytes.push_back(std::move(envelope->payload));
      }
    }
    // Idle, and every second under load: map what the journal holds unmapped (after a
    // restart, news that was lost, or — in a cluster — what a node that died had received:
    // until it is mapped, the channel's later deliveries wait for it). Workers split the scan
    // by id so that they do not race for the same messages.
    if (!news || std::chrono::steady_clock::now() - lastScan >= kIdlePoll) {
      lastScan = std::chrono::steady_clock::now();
      auto unmapped =
          journal_.claimUnmapped(config_.name, static_cast<int>(kBatch) * config_.mapperWorkers);
      if (unmapped) {
        const std::size_t announced = ids.size();
        for (journal::MessageId id : *unmapped) {
          const bool known =
              std::find(ids.begin(), ids.begin() + static_cast<std::ptrdiff_t>(announced), id) !=
              ids.begin() + static_cast<std::ptrdiff_t>(announced);
          if (id % config_.mapperWorkers == worker && !known && ids.size() < 2 * kBatch) {
            ids.push_back(id);
          }
        }
      }
    }
    // Map the batch (handed to the mapper together), record it in one journal write, then
    // tell the router about each message once its deliveries are durable.
    std::vector<Pending> pending;
    for (std::size_t i = 0; i < ids.size(); ++i) {
      // A stop does not wait for the rest of a batch (each message may take up to the script's
      // time limit): what is left stays received in the journal and is mapped after a start.
      if (!running_) break;
      const bool announced = i < bytes.size();
      if (auto p = prepare(ids[i], announced ? std::move(bytes[i]) : std::string(), !announced)) {
        pending.push_back(std::move(*p));
      }
    }
    // Handed to the mapper together; a stop ends the batch after the message in hand.
    std::vector<MapRequest> requests;
    for (const Pending& p : pending) requests.push_back({&p.bytes, MapContext{config_.name, p.id}});
    const auto started = std::chrono::steady_clock::now();
    std::vector<MapResult> results = mapper->mapAll(requests, [this] { return !running_; });
    if (!results.empty()) {
      // Each message's share of the batch's time (the mapper maps them back to back).
      const double each =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count() /
          static_cast<double>(results.size());
      for (std::size_t i = 0; i < results.size(); ++i) stats_->mappingSeconds.observe(each);
    }
    std::vector<journal::Journal::Mapping> records;
    std::vector<Envelope> toAnnounce;
    for (std::size_t i = 0; i < pending.size() && i < results.size(); ++i) {
      if (auto m = finish(pending[i], std::move(results[i]))) {
        records.push_back(std::move(m->record));
        toAnnounce.push_back(std::move(m->news));
      }
    }
    if (records.empty()) continue;
    if (auto recorded = journal_.submitMapped(std::move(records)).get(); !recorded) {
      // The messages stay "received"; the idle scan maps them again.
      log_.error("channel %s: cannot record %z mapped message(s): %s", config_.name,
                 toAnnounce.size(), recorded.error().describe());
      continue;
    }
    for (const Envelope& e : toAnnounce)
      toRouter.send(zmq::buffer(encode(e)), zmq::send_flags::dontwait);
  }
}

void Channel::routerLoop(zmq::socket_t& input, zmq::socket_t control) {
  pthread_setname_np(pthread_self(), ("route:" + config_.name).substr(0, 15).c_str());
  std::vector<zmq::socket_t> wake;
  for (const auto& d : config_.destinations) {
    zmq::socket_t s(zmq_, zmq::socket_type::push);
    s.set(zmq::sockopt::sndhwm, 16);  // wake-ups are hints: a few queued are enough
    s.connect(endpoint("deliver." + d.name));
    wake.push_back(std::move(s));
  }
  for (;;) {
    bool news = false;
    if (!waitForNews(input, control, kIdlePoll, &news)) return;
    if (!news) continue;
    zmq::message_t frame;
    if (!input.recv(frame, zmq::recv_flags::dontwait)) continue;
    auto envelope = decode(frame.to_string_view());
    if (!envelope) continue;
    for (std::size_t i = 0; i < config_.destinations.size(); ++i) {
      const auto& names = envelope->destinations;
      if (std::find(names.begin(), names.end(), config_.destinations[i].name) != names.end()) {
        wake[i].send(zmq::buffer(frame.to_string_view()), zmq::send_flags::dontwait);
      }
    }
  }
}

void Channel::deliveryLoop(std::size_t index, zmq::socket_t& wakeups, zmq::socket_t control) {
  const config::DestinationConfig& dest = config_.destinations[index];
  pthread_setname_np(pthread_self(), ("out:" + dest.name).substr(0, 15).c_str());
  DeliveryWorkerSetup setup;
  setup.channel = config_.name;
  setup.destination = dest;
  setup.journal = &journal_;
  setup.counted = &stats_->destinations[index];
  setup.decisions = this;
  setup.gate = gate_;
  setup.makeDestination = [this, &dest] { return destinations_(dest, *this); };
  setup.zmq = &zmq_;
  setup.laneEndpoint = endpoint("lanes." + dest.name);
  DeliveryWorker(std::move(setup)).run(wakeups, control);
}

std::vector<journal::Journal::Awaited> Channel::awaitedAnswers(
    const journal::PendingDelivery& delivery, const DeliveryResult& result) const {
  std::vector<journal::Journal::Awaited> out;
  for (const auto& d : decisions_.all) {
    auto awaited = d->awaitedAnswers(delivery, result);
    out.insert(out.end(), awaited.begin(), awaited.end());
  }
  return out;
}

void Channel::delivered(const journal::PendingDelivery& delivery) {
  for (const auto& d : decisions_.all) d->delivered(delivery);
}

Result<Channel::Rerouted> Channel::rerouteOrder(const std::string& placer) {
  if (!decisions_.orders) {
    return fail(ErrorCode::kInvalidState, "channel " + config_.name + " routes no orders");
  }
  return decisions_.orders->reroute(
      placer, [this](const std::vector<std::string>& destinations) { wake(destinations); });
}

void Channel::wake(const std::vector<std::string>& destinations) {
  if (!running_) return;
  try {
    // A socket of the caller's own (sockets are not shared between threads), pushing the
    // same news the router sends after a mapping.
    for (const auto& d : destinations) {
      zmq::socket_t push(zmq_, zmq::socket_type::push);
      push.set(zmq::sockopt::linger, 100);  // closing waits for the frame to be handed over
      push.connect(endpoint("deliver." + d));
      push.send(zmq::buffer(encode(Envelope{Envelope::Kind::kMapped, 0, {d}, {}})),
                zmq::send_flags::dontwait);
    }
  } catch (const zmq::error_t& e) {
    // Only a hint: the workers' idle poll finds the deliveries anyway.
    log_.warning("channel %s: waking destinations failed: %s", config_.name, std::string(e.what()));
  }
}

// A delivery whose conversion could not carry the message's meaning is not made: it fails
// with the reason, and the message goes to the channel's exceptions destination (if any),
// the reason as its exception, in one journal transaction.
void Channel::holdForSafety(const journal::PendingDelivery& d, const std::string& reason,
                            DestinationStats& counted,
                            const std::optional<journal::Journal::Fence>& fence) {
  const std::string& exceptions = config_.safety.exceptions;
  log_.warning("channel %s destination %s: message %?d held: %s%s", config_.name, counted.name,
               d.messageId, reason,
               exceptions.empty() ? std::string() : "; sent to " + exceptions + " instead");
  counted.held.add();
  counted.lastError.set("message " + std::to_string(d.messageId) + ": " + reason);
  auto held = journal_.holdDelivery(
      d.deliveryId, reason, exceptions,
      exceptions.empty() ? std::string() : formatAttributes({{"exception", reason}}), fence);
  if (!held) {
    log_.error("channel %s destination %s: cannot record the hold of message %?d: %s", config_.name,
               counted.name, d.messageId, held.error().describe());
  } else if (!exceptions.empty()) {
    wake({exceptions});
  }
}

void Channel::markFaulted(const std::string& reason) {
  std::lock_guard lock(faultMutex_);
  if (!fault_.empty()) return;
  fault_ = reason;
  log_.error("channel %s faulted: %s", config_.name, reason);
}

std::string Channel::faultReason() const {
  std::lock_guard lock(faultMutex_);
  return fault_;
}

}  // namespace pathhub::pipeline

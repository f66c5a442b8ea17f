// A channel's stages and their threads (see channel.h).
#include "pipeline/channel.h"

#include <Poco/Exception.h>

#include <algorithm>
#include <chrono>

#include "pipeline/envelope.h"
#include "pipeline/retry.h"

namespace pathhub::pipeline {
namespace {

constexpr auto kIdlePoll = std::chrono::milliseconds(1000);

bool stopRequested(zmq::socket_t& control) {
  zmq::message_t frame;
  return control.recv(frame, zmq::recv_flags::dontwait).has_value();
}

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
                 MapperFactory mappers, DestinationFactory destinations)
    : config_(std::move(config)),
      journal_(journal),
      zmq_(zmq),
      mappers_(std::move(mappers)),
      destinations_(std::move(destinations)),
      log_(Poco::Logger::get("pipeline." + config_.name)) {}

Channel::~Channel() { stop(); }

std::string Channel::endpoint(const std::string& stage) const {
  return "inproc://pathhub/" + config_.name + "/" + stage;
}

Result<void> Channel::start() {
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

    zmq::socket_t routerIn(zmq_, zmq::socket_type::pull);
    routerIn.bind(endpoint("route"));
    std::vector<zmq::socket_t> deliveryIns;
    for (const auto& d : config_.destinations) {
      zmq::socket_t in(zmq_, zmq::socket_type::pull);
      in.bind(endpoint("deliver/" + d.name));
      deliveryIns.push_back(std::move(in));
    }
    running_ = true;
    for (int w = 0; w < config_.mapperWorkers; ++w) {
      zmq::socket_t in(zmq_, zmq::socket_type::pull);
      in.connect(endpoint("map"));
      threads_.emplace_back([this, w, in = std::move(in), c = subscriber()]() mutable {
        mapperLoop(w, std::move(in), std::move(c));
      });
    }
    threads_.emplace_back([this, in = std::move(routerIn), c = subscriber()]() mutable {
      routerLoop(std::move(in), std::move(c));
    });
    for (std::size_t i = 0; i < deliveryIns.size(); ++i) {
      threads_.emplace_back([this, i, in = std::move(deliveryIns[i]), c = subscriber()]() mutable {
        deliveryLoop(i, std::move(in), std::move(c));
      });
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
  if (!running_.exchange(false)) return;
  try {
    control_.send(zmq::buffer(encode(Envelope{Envelope::Kind::kStop, 0, {}})),
                  zmq::send_flags::dontwait);
  } catch (const zmq::error_t& e) {
    log_.error("channel %s: stop signal failed: %s", config_.name, std::string(e.what()));
  }
  for (auto& t : threads_) t.join();
  threads_.clear();
  announce_.close();
  control_.close();
  log_.information("channel %s stopped", config_.name);
}

Result<journal::Appended> Channel::accept(const journal::NewMessage& message) {
  return journal_.append(message, [this](journal::MessageId id) {
    // On the journal writer thread, right after the commit: never block it (other channels
    // share it). If the queue is full the message stays "received" and an idle mapper finds it.
    try {
      if (!announce_.send(zmq::buffer(encode(Envelope{Envelope::Kind::kReceived, id, {}})),
                          zmq::send_flags::dontwait)) {
        log_.warning("channel %s: mapper queue full; message %Ld left for the journal scan",
                     config_.name, static_cast<long long>(id));
      }
    } catch (const zmq::error_t& e) {
      log_.warning("channel %s: announcing message %Ld failed: %s", config_.name,
                   static_cast<long long>(id), std::string(e.what()));
    }
  });
}

bool Channel::overBacklog() {
  std::lock_guard lock(backlogMutex_);
  const std::int64_t now = journal::nowMs();
  if (now - backlogCheckedAtMs_ >= 100) {
    backlogCheckedAtMs_ = now;
    auto pending = journal_.undelivered(config_.name);
    auto unmapped = journal_.countMessages(config_.name, "received");
    if (pending && unmapped) {
      overBacklog_ = static_cast<std::size_t>(*pending + *unmapped) >= config_.backlogLimit;
    }
  }
  return overBacklog_;
}

bool Channel::mapOne(Mapper& mapper, journal::MessageId id, zmq::socket_t& toRouter) {
  auto record = journal_.message(id);
  if (!record) {
    log_.error("channel %s: cannot read message %Ld: %s", config_.name, static_cast<long long>(id),
               record.error().describe());
    return false;
  }
  if (record->state != "received") return true;  // another worker got there first
  MapResult result;
  try {
    result = mapper.map(record->bytes, MapContext{config_.name, id});
  } catch (const std::exception& e) {
    result = {MapResult::Kind::kFailed, {}, {}, std::string("mapping threw: ") + e.what()};
  }
  Result<void> recorded;
  switch (result.kind) {
    case MapResult::Kind::kFiltered:
      recorded = journal_.markFiltered(id, result.reason);
      break;
    case MapResult::Kind::kFailed:
      log_.warning("channel %s: message %Ld failed mapping: %s", config_.name,
                   static_cast<long long>(id), result.reason);
      recorded = journal_.markFailed(id, result.reason);
      break;
    case MapResult::Kind::kMapped: {
      std::vector<std::string> routes = result.routes;
      if (routes.empty()) {
        for (const auto& d : config_.destinations) routes.push_back(d.name);
      }
      for (const auto& r : routes) {
        const bool known = std::any_of(config_.destinations.begin(), config_.destinations.end(),
                                       [&r](const auto& d) { return d.name == r; });
        if (!known) {
          recorded = journal_.markFailed(id, "routed to '" + r + "', which this channel lacks");
          return static_cast<bool>(recorded);
        }
      }
      recorded = journal_.markMapped(id, result.bytes, routes);
      if (recorded) {
        toRouter.send(zmq::buffer(encode(Envelope{Envelope::Kind::kMapped, id, routes})),
                      zmq::send_flags::dontwait);
      }
      break;
    }
  }
  if (!recorded) {
    log_.error("channel %s: cannot record mapping of message %Ld: %s", config_.name,
               static_cast<long long>(id), recorded.error().describe());
  }
  return static_cast<bool>(recorded);
}

void Channel::mapperLoop(int worker, zmq::socket_t input, zmq::socket_t control) {
  std::unique_ptr<Mapper> mapper = mappers_();
  zmq::socket_t toRouter(zmq_, zmq::socket_type::push);
  toRouter.connect(endpoint("route"));
  for (;;) {
    bool news = false;
    if (!waitForNews(input, control, kIdlePoll, &news)) return;
    if (news) {
      zmq::message_t frame;
      if (!input.recv(frame, zmq::recv_flags::dontwait)) continue;
      auto envelope = decode(frame.to_string_view());
      if (!envelope) {
        log_.error("channel %s: bad stage envelope: %s", config_.name, envelope.error().describe());
        continue;
      }
      mapOne(*mapper, envelope->messageId, toRouter);
      continue;
    }
    // Idle: map what the journal holds unmapped (after a restart, or news that was lost).
    // Workers split the scan by id so that they do not race for the same messages.
    auto ids = journal_.unmapped(config_.name);
    if (!ids) continue;
    for (journal::MessageId id : *ids) {
      if (id % config_.mapperWorkers != worker) continue;
      if (stopRequested(control)) return;
      mapOne(*mapper, id, toRouter);
    }
  }
}

void Channel::routerLoop(zmq::socket_t input, zmq::socket_t control) {
  std::vector<zmq::socket_t> wake;
  for (const auto& d : config_.destinations) {
    zmq::socket_t s(zmq_, zmq::socket_type::push);
    s.set(zmq::sockopt::sndhwm, 16);  // wake-ups are hints: a few queued are enough
    s.connect(endpoint("deliver/" + d.name));
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

void Channel::deliveryLoop(std::size_t index, zmq::socket_t wakeups, zmq::socket_t control) {
  const config::DestinationConfig& dest = config_.destinations[index];
  std::unique_ptr<Destination> destination = destinations_(dest, config_.name);
  auto drain = [&wakeups] {
    zmq::message_t frame;
    while (wakeups.recv(frame, zmq::recv_flags::dontwait)) {
    }
  };
  for (;;) {
    if (stopRequested(control)) return;
    drain();
    auto next = journal_.nextDelivery(config_.name, dest.name);
    if (!next) {
      log_.error("channel %s destination %s: %s", config_.name, dest.name, next.error().describe());
      if (!waitForNews(wakeups, control, kIdlePoll)) return;
      continue;
    }
    if (!*next) {
      if (!waitForNews(wakeups, control, kIdlePoll)) return;
      continue;
    }
    const journal::PendingDelivery& d = **next;
    const std::int64_t waitMs = d.nextAttemptAtMs - journal::nowMs();
    if (waitMs > 0) {
      // Holding the queue until the retry is due keeps the destination's order.
      if (!waitForNews(wakeups, control,
                       std::chrono::milliseconds(std::min<std::int64_t>(waitMs, 1000)))) {
        return;
      }
      continue;
    }
    DeliveryResult result;
    try {
      result = destination->deliver(d.bytes, d.messageId);
    } catch (const std::exception& e) {
      result = {DeliveryResult::Kind::kRetryLater, std::string("destination threw: ") + e.what()};
    }
    journal::AttemptOutcome outcome = journal::AttemptOutcome::kDelivered;
    std::int64_t nextAt = 0;
    if (result.kind != DeliveryResult::Kind::kDelivered) {
      const int attempts = d.attempts + 1;
      const bool exhausted =
          attempts >= dest.retry.maxAttempts || result.kind == DeliveryResult::Kind::kRejected;
      if (exhausted && !dest.retry.holdOnFailure) {
        outcome = journal::AttemptOutcome::kFailed;
      } else {
        outcome = journal::AttemptOutcome::kRetry;
        nextAt = journal::nowMs() + backoffDelay(dest.retry, attempts).count();
      }
      log_.warning("channel %s destination %s: message %Ld attempt %d failed: %s", config_.name,
                   dest.name, static_cast<long long>(d.messageId), attempts, result.reason);
    }
    auto recorded = journal_.recordAttempt(d.deliveryId, outcome, result.reason, nextAt);
    if (!recorded) {
      log_.error("channel %s destination %s: cannot record attempt: %s", config_.name, dest.name,
                 recorded.error().describe());
      if (!waitForNews(wakeups, control, kIdlePoll)) return;
    }
  }
}

}  // namespace pathhub::pipeline

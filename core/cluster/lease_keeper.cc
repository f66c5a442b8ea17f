// A node's leases and heartbeat (see lease_keeper.h).
#include "cluster/lease_keeper.h"

#include <Poco/Data/PostgreSQL/Connector.h>
#include <Poco/Data/Session.h>
#include <Poco/Logger.h>
#include <pthread.h>

#include <algorithm>

namespace pathhub::cluster {

LeaseKeeper::LeaseKeeper(Options options)
    : options_(std::move(options)),
      interval_(std::min<std::chrono::milliseconds>(options_.lease / 4,
                                                    std::chrono::milliseconds(1000))) {}

Result<std::unique_ptr<LeaseKeeper>> LeaseKeeper::start(Options options) {
  Poco::Data::PostgreSQL::Connector::registerConnector();
  std::unique_ptr<LeaseKeeper> keeper(new LeaseKeeper(std::move(options)));
  if (auto ok = keeper->connect(); !ok) return tl::unexpected(ok.error());
  if (auto joined = keeper->registry_->join(); !joined) return tl::unexpected(joined.error());
  Poco::Logger::get("cluster").notice("node %s joined the cluster; leases last %?d ms",
                                      keeper->options_.node, keeper->options_.lease.count());
  keeper->round();
  keeper->thread_ = std::thread([k = keeper.get()] { k->loop(); });
  return keeper;
}

LeaseKeeper::~LeaseKeeper() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
  // A clean stop: the next node need not wait for the leases to run out.
  if (leases_) {
    for (const auto& [key, h] : held_) (void)leases_->release(h.lease);
  }
}

Result<void> LeaseKeeper::connect() {
  try {
    leases_ = std::make_unique<DestinationLeases>(
        Poco::Data::Session("PostgreSQL", options_.connection), options_.node, options_.lease);
    registry_ = std::make_unique<NodeRegistry>(
        Poco::Data::Session("PostgreSQL", options_.connection), options_.node, options_.lease);
    connected_ = true;
    return {};
  } catch (const Poco::Exception& e) {
    leases_.reset();
    registry_.reset();
    connected_ = false;
    return fail(ErrorCode::kUnavailable,
                "node " + options_.node + " cannot reach the journal database: " + e.displayText());
  }
}

void LeaseKeeper::loop() {
  pthread_setname_np(pthread_self(), "cluster");
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    wake_.wait_for(lock, interval_);
    if (stopping_) break;
    lock.unlock();
    round();
    lock.lock();
  }
}

void LeaseKeeper::round() {
  auto& log = Poco::Logger::get("cluster");
  // Counted from before the database is asked: its own clock starts the lease later.
  const auto started = std::chrono::steady_clock::now();
  const auto validUntil = started + options_.lease - options_.lease / 10;
  if (!leases_) {
    if (auto ok = connect(); !ok) {
      log.warning("%s", ok.error().text);
      return;
    }
    log.notice("node %s reached the journal database again", options_.node);
  }
  bool reached = static_cast<bool>(registry_->beat());
  std::vector<std::pair<std::string, std::string>> destinations;
  {
    std::lock_guard lock(mutex_);
    destinations = options_.destinations;
    for (auto it = held_.begin(); it != held_.end();) {
      const bool named =
          std::find(destinations.begin(), destinations.end(), it->first) != destinations.end();
      it = named ? std::next(it) : held_.erase(it);
    }
  }
  for (const auto& key : destinations) {
    std::optional<Held> mine;
    {
      std::lock_guard lock(mutex_);
      if (auto it = held_.find(key); it != held_.end()) mine = it->second;
    }
    std::optional<Held> now;
    if (mine) {
      auto renewed = leases_->renew(mine->lease);
      reached = reached && static_cast<bool>(renewed);
      if (renewed && *renewed) now = Held{mine->lease, validUntil};
      if (renewed && !*renewed) {
        log.warning("node %s lost the lease of %s/%s (epoch %?d)", options_.node, key.first,
                    key.second, mine->lease.epoch);
      }
      // Unreached: the lease stays, and runs out on this node's clock unless renewed in time.
      if (!renewed) now = mine;
    } else {
      auto taken = leases_->acquire(key.first, key.second);
      reached = reached && static_cast<bool>(taken);
      if (taken && *taken) {
        now = Held{**taken, validUntil};
        log.notice("node %s holds the lease of %s/%s (epoch %?d)", options_.node, key.first,
                   key.second, (*taken)->epoch);
      }
    }
    std::lock_guard lock(mutex_);
    if (now) {
      held_[key] = *now;
    } else {
      held_.erase(key);
    }
  }
  if (!reached) {
    if (connected_) log.error("node %s cannot reach the journal database", options_.node);
    // A fresh connection next round (the server may have restarted, or a standby been
    // promoted: the connection string may name both).
    leases_.reset();
    registry_.reset();
    connected_ = false;
  }
}

void LeaseKeeper::setDestinations(std::vector<std::pair<std::string, std::string>> destinations) {
  std::lock_guard lock(mutex_);
  options_.destinations = std::move(destinations);
}

std::optional<journal::Journal::Fence> LeaseKeeper::held(const std::string& channel,
                                                         const std::string& destination) {
  std::lock_guard lock(mutex_);
  const auto it = held_.find({channel, destination});
  if (it == held_.end() || std::chrono::steady_clock::now() >= it->second.validUntil) {
    return std::nullopt;
  }
  return journal::Journal::Fence{channel, destination, options_.node, it->second.lease.epoch};
}

bool LeaseKeeper::stillHeld(const journal::Journal::Fence& fence) {
  std::lock_guard lock(mutex_);
  const auto it = held_.find({fence.channel, fence.destination});
  return it != held_.end() && it->second.lease.epoch == fence.epoch &&
         std::chrono::steady_clock::now() < it->second.validUntil;
}

Result<LeaseKeeper::View> LeaseKeeper::view() {
  std::lock_guard lock(viewMutex_);
  try {
    // A connection of its own: the keeper's thread may be mid-round on its.
    DestinationLeases leases(Poco::Data::Session("PostgreSQL", options_.connection), options_.node,
                             options_.lease);
    NodeRegistry registry(Poco::Data::Session("PostgreSQL", options_.connection), options_.node,
                          options_.lease);
    View out;
    auto nodes = registry.nodes();
    if (!nodes) return tl::unexpected(nodes.error());
    auto holdings = leases.holdings();
    if (!holdings) return tl::unexpected(holdings.error());
    out.nodes = std::move(*nodes);
    out.leases = std::move(*holdings);
    return out;
  } catch (const Poco::Exception& e) {
    return fail(ErrorCode::kUnavailable, "cannot read the cluster: " + e.displayText());
  }
}

}  // namespace pathhub::cluster

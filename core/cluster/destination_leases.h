// Which node of a cluster delivers for a destination (issue 21): each destination is owned by
// at most one node at a time, through a lease row in the shared PostgreSQL journal —
// owner, a fencing epoch, and an expiry on the database's clock (no skew between nodes).
//  - A node takes a lease that is free or expired, and the epoch goes up by one; it keeps its
//    own by renewing it before it expires (a node that dies, or is paused past the expiry,
//    loses it to the next node that asks).
//  - Everything a node records for a destination is fenced by the journal (Journal::Fence on
//    submitAttempts and holdDelivery): in the writer's transaction it locks the lease row (FOR
//    SHARE) and checks it is still this node's at this epoch before the write. A node taking the
//    lease over must lock the row FOR UPDATE, so it waits for any fenced write in flight and
//    then reads what it committed; once it holds the new epoch, the old owner's writes are
//    refused. A paused or partitioned node can deliver a message at most
//    once more, and can never record anything after the new owner starts.
#pragma once

#include <Poco/Data/Session.h>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "pathhub/error.h"

namespace pathhub::cluster {

struct Lease {
  std::string channel, destination;
  std::int64_t epoch = 0;
};

class DestinationLeases {
 public:
  // `session`: this node's connection to the shared journal; `node`: its name (<cluster
  // node>); `ttl`: how long a lease lasts without renewal (renew well within it).
  DestinationLeases(Poco::Data::Session session, std::string node, std::chrono::milliseconds ttl);

  // The lease of (channel, destination) for this node: kept and renewed when already ours, taken
  // with the next epoch when free or expired; nullopt while another node holds it.
  Result<std::optional<Lease>> acquire(const std::string& channel, const std::string& destination);
  // Extends our lease; false when it is no longer ours at that epoch (it expired and another
  // node took it): stop delivering for that destination at once.
  Result<bool> renew(const Lease& lease);
  // Gives the lease up (a clean stop): the next node may take it without waiting for expiry.
  Result<void> release(const Lease& lease);

  // Who holds what, for /api/v1/cluster: every lease row.
  struct Holding {
    std::string channel, destination, owner;
    std::int64_t epoch = 0;
    bool expired = false;
  };
  Result<std::vector<Holding>> holdings();

 private:
  Poco::Data::Session session_;
  std::string node_;
  std::chrono::milliseconds ttl_;
};

}  // namespace pathhub::cluster

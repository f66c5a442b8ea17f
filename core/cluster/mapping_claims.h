// Mapping work shared by the nodes of a cluster (issue 21): any node may map any received
// message, and each message is mapped once. A node claims a batch of a channel's received
// messages (oldest first, FOR UPDATE SKIP LOCKED: nodes claiming at the same moment get
// different messages, none waits), for a while on the database's clock; a claim that runs out
// (its node died mid-batch) may be taken by another node. Recording the mapping is
// `finish`: it succeeds only for a message still "received" and claimed by this node, so a
// message is mapped exactly once even when a slow node's claim ran out and another took it.
#pragma once

#include <Poco/Data/Session.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "pathhub/error.h"

namespace pathhub::cluster {

class MappingClaims {
 public:
  MappingClaims(Poco::Data::Session session, std::string node, std::chrono::milliseconds ttl);

  // Up to `limit` received messages of `channel` no live claim holds, oldest first, now
  // claimed by this node.
  Result<std::vector<std::int64_t>> claim(const std::string& channel, int limit);
  // Records the mapping of `message` with `record` (in the same transaction) if the message is
  // still received and this node's claim; false (nothing recorded) when another node's
  // mapping came first or took the claim over.
  Result<bool> finish(std::int64_t message,
                      const std::function<void(Poco::Data::Session&)>& record);

 private:
  Poco::Data::Session session_;
  std::string node_;
  std::chrono::milliseconds ttl_;
};

}  // namespace pathhub::cluster

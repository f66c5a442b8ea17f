// The journal writer's hot statements: the writes every message makes on its way through
// (dedupe check, receive, map, deliver, events), kept prepared on the writer's connection
// (sql.h), so steady traffic never compiles SQL. Used only on the writer thread, inside its
// transaction; a failing statement throws.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "journal/sql.h"

namespace pathhub::journal {

class WriterStatements {
 public:
  explicit WriterStatements(SqlConnection& connection) : c_(connection) {}

  struct Candidate {
    std::int64_t id, hash;
  };
  // Earlier messages with this source and control id since `since` (dedupe candidates).
  std::vector<Candidate> candidates(const std::string& channel, const std::string& source,
                                    const std::string& controlId, std::int64_t since);
  struct MessageRow {
    std::string channel, source, peer, controlId, messageType, state, error;
    std::string nhsNumber, placerOrder, fillerOrder;  // search keys ("" when none)
    std::int64_t receivedAt = 0, hash = 0, duplicateOf = 0, parentId = 0;
    // A cluster's node claiming it for its mappers, for claimMs (PostgreSQL only).
    std::string claimedBy;
    std::int64_t claimMs = 0;
  };
  std::int64_t insertMessage(const MessageRow& row, const std::string& bytes);
  // A message received (row.state "received"), checked against earlier ones with its source
  // and control id since `since`: a duplicate (same bytes) is recorded as "duplicate" of the
  // first; `sameIdOtherBytes` says an earlier one had the id with other bytes. `events`
  // (kind, detail) are recorded with it, and for a duplicate a "duplicate" event with
  // `duplicateDetail`. One statement sent ahead where statements cost a round trip
  // (PostgreSQL: SqlConnection::send), so `done` is called with the outcome when its answer
  // is read, by the commit at the latest; on SQLite, before this returns.
  struct Received {
    std::int64_t id = 0, duplicateOf = 0;
    bool sameIdOtherBytes = false;
  };
  using Events = std::vector<std::pair<std::string, std::string>>;
  void insertReceived(MessageRow row, const std::string& bytes, std::int64_t since,
                      const Events& events, const std::string& duplicateDetail,
                      const std::function<void(const Received&)>& done);
  void insertEvent(std::int64_t messageId, const std::string& kind, const std::string& detail);
  // Sets the message mapped if it is still "received"; returns its channel when it was.
  // A null `mapped` means unchanged (nothing stored; the received bytes are delivered).
  // `scriptVersion`: the script version that mapped it (0: none, stored as NULL).
  std::optional<std::string> markMapped(std::int64_t id, const std::string* mapped,
                                        std::int64_t scriptVersion);
  // markMapped and a pending delivery to each of `destinations` (in that order, with its
  // attributes), one round trip where the database takes arrays.
  std::optional<std::string> markMappedAndRoute(std::int64_t id, const std::string* mapped,
                                                std::int64_t scriptVersion,
                                                const std::vector<std::string>& destinations,
                                                const std::vector<std::string>& attributes);
  // markMappedAndRoute with no answer awaited: sent ahead where statements cost a round trip
  // (SqlConnection::send). For a mapping that needs nothing back (no notes, nothing derived).
  void sendMappedAndRoute(std::int64_t id, const std::string* mapped, std::int64_t scriptVersion,
                          const std::vector<std::string>& destinations,
                          const std::vector<std::string>& attributes);
  // `sequence` orders the delivery in its queue: the message's id, or its parent's.
  // `attributes`: what the routing gave this delivery (pipeline/delivery_attributes.h).
  void insertDelivery(std::int64_t messageId, std::int64_t sequence, const std::string& channel,
                      const std::string& destination, const std::string& attributes = {});
  // Records an attempt with its error, or the receiver's answer when delivered; returns the
  // delivery's message id and destination.
  // Several attempts at once, one round trip where the database takes arrays; returns, per
  // delivery id, its message id and destination.
  struct AttemptRow {
    std::int64_t deliveryId = 0;
    std::string state;
    std::int64_t nextAttemptAt = 0;
    std::string error, response;
  };
  std::vector<std::pair<std::int64_t, std::pair<std::int64_t, std::string>>> updateDeliveries(
      const std::vector<AttemptRow>& rows, std::int64_t epoch);
  // `epoch`: the lease epoch it is written under (a cluster's node; 0 = not recorded).
  std::pair<std::int64_t, std::string> updateDelivery(
      std::int64_t deliveryId, const std::string& state, std::int64_t nextAttemptAt,
      const std::string& error, const std::string& response, std::int64_t epoch = 0);

 private:
  // kMapAndRoute sent ahead (PostgreSQL), its one row (the channel, when mapped) to `row`.
  void sendMapAndRoute(std::int64_t id, const std::string* mapped, std::int64_t scriptVersion,
                       const std::vector<std::string>& destinations,
                       const std::vector<std::string>& attributes,
                       const std::function<void(const SqlStatement&)>& row);

  SqlConnection& c_;
};

// A script version as stored: 0 (no script) is NULL.
inline std::optional<std::int64_t> versionOrNull(std::int64_t version) {
  return version ? std::optional<std::int64_t>(version) : std::nullopt;
}

// The event detail of a message a mapping made, before its parent's id: what tells it from a
// notification the hub made later about the same parent (a diff-replay compares only the first).
inline constexpr const char* kMadeByMapping = "made by the mapping of message ";

}  // namespace pathhub::journal

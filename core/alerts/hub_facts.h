// What the hub looks like at one moment, as the alert rules and /metrics read it: each
// channel's state and figures, each destination's, the journal's disk, a cluster's nodes. It
// holds names and counts only — never anything from a message — so nothing built from it can
// carry patient data. daemon::Hub gathers it (Hub::facts).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace pathhub::alerts {

struct DestinationFacts {
  std::string channel, destination;
  bool failing = false;                    // its last delivery attempt failed
  std::int64_t backlog = 0;                // deliveries pending
  std::int64_t oldestUndeliveredAtMs = 0;  // when the oldest pending one was received; 0 none
};

struct ChannelFacts {
  std::string name;
  std::string state;               // running, paused, faulted, stopped
  std::uint64_t scriptErrors = 0;  // mappings failed since the hub started (a counter)
  std::int64_t acknowledgementsOverdue = 0;
  std::int64_t ordersOverdue = 0;
  std::int64_t unmatchedResults = 0;  // received within HubFacts::unmatchedWindowMs
};

struct NodeFacts {
  std::string name;
  bool alive = true;
  std::int64_t sinceBeatMs = 0;
};

struct HubFacts {
  std::int64_t atMs = 0;  // when gathered (epoch ms)
  std::vector<ChannelFacts> channels;
  std::vector<DestinationFacts> destinations;
  // The journal's file system (SQLite): percent of it free for the hub; none for PostgreSQL.
  std::optional<double> journalDiskFreePercent;
  std::vector<NodeFacts> nodes;  // a cluster's nodes; none for a single hub
  std::int64_t unmatchedWindowMs = 0;
  // Whether this hub checks the figures a cluster's nodes all read alike from the shared
  // journal (journalWide() conditions): a single hub always; in a cluster, the one node
  // holding the alert checks' lease, so that the rota is told once.
  bool speaksForJournal = true;
};

// The conditions over figures the shared journal gives every node alike (backlogs, answers,
// orders, unmatched results, missing nodes), as against this node's own (its channels' states,
// its deliveries, its script errors, its disk).
inline bool journalWide(const std::string& condition) {
  return condition == "backlog" || condition == "oldest_undelivered" ||
         condition == "acknowledgements_overdue" || condition == "orders_overdue" ||
         condition == "unmatched_results" || condition == "node_missing";
}

}  // namespace pathhub::alerts

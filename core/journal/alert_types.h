// What the journal keeps of the hub's alerts (schema 5, journal/alerts.cc; core/alerts): each
// alert from when it fired to when it resolved, so that a hub that restarts carries on with
// what it had told and who acknowledged it, and the history outlives it.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace pathhub::journal {

struct AlertRecord {
  std::int64_t id = 0;
  // Whose alert it is: a cluster's node name; "" for a hub on its own journal.
  std::string owner;
  std::string subject;  // what it is about within its rule: "lab", "lab/gp", "node-b", "journal"
  // "firing", "resolved", "closed" (its rule was removed by a reload) or "handed_over" (in a
  // cluster, another node checks its rule now)
  std::string state;
  std::string rule, severity, condition, channel, destination, node, summary;
  std::int64_t value = 0;
  std::int64_t trueSinceMs = 0, firedAtMs = 0, lastNotifiedAtMs = 0, resolvedAtMs = 0;
  int notifications = 0;               // notices made: the firing, its repeats, the resolution
  std::vector<std::string> toldRotas;  // the rotas the last notice went to
  std::string acknowledgedBy;
  std::int64_t acknowledgedAtMs = 0;
};

}  // namespace pathhub::journal

// What each rule's condition finds in the hub's facts: one finding per thing it is true of
// (a channel, a destination, a node, the journal), with the figure and a sentence that names
// it. Sentences are made of configured names and counts only (hub_facts.h): never patient data.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <string>
#include <vector>

#include "alerts/hub_facts.h"
#include "config/alerts_config.h"

namespace pathhub::alerts {

struct Finding {
  std::string subject;  // what it is about, unique within the rule: "lab", "lab/gp", "node-b"
  std::string channel, destination, node;
  std::int64_t value = 0;  // the figure compared with the threshold
  std::string summary;
};

// A counter's increase over a trailing window (script errors per channel), from the samples
// taken at each evaluation. A counter starts at 0 with the hub, so before the first sample
// older than the window, the whole count is the increase.
class CounterWindows {
 public:
  void add(const std::string& key, std::int64_t atMs, std::uint64_t value);
  std::uint64_t increase(const std::string& key, std::int64_t windowMs, std::int64_t nowMs) const;
  // Forgets samples no window of `longestMs` needs.
  void trim(std::int64_t longestMs, std::int64_t nowMs);

 private:
  std::map<std::string, std::deque<std::pair<std::int64_t, std::uint64_t>>> samples_;
};

std::vector<Finding> evaluate(const config::AlertRule& rule, const HubFacts& facts,
                              const CounterWindows& scriptErrors);

// "45 s", "12 min", "3 h 5 min", "2 d 4 h": a duration as a person on call reads it.
std::string describeDuration(std::int64_t ms);

}  // namespace pathhub::alerts

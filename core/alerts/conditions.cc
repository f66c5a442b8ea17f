#include "alerts/conditions.h"

#include <cstdio>

namespace pathhub::alerts {

void CounterWindows::add(const std::string& key, std::int64_t atMs, std::uint64_t value) {
  samples_[key].emplace_back(atMs, value);
}

std::uint64_t CounterWindows::increase(const std::string& key, std::int64_t windowMs,
                                       std::int64_t nowMs) const {
  const auto found = samples_.find(key);
  if (found == samples_.end() || found->second.empty()) return 0;
  const auto& samples = found->second;
  std::uint64_t baseline = 0;
  for (const auto& [at, value] : samples) {
    if (at > nowMs - windowMs) break;
    baseline = value;
  }
  const std::uint64_t latest = samples.back().second;
  return latest > baseline ? latest - baseline : 0;  // a smaller count: the channel restarted
}

void CounterWindows::trim(std::int64_t longestMs, std::int64_t nowMs) {
  for (auto& [key, samples] : samples_) {
    // Keep the newest sample at or before the window's start: it is the baseline.
    while (samples.size() > 1 && samples[1].first <= nowMs - longestMs) samples.pop_front();
  }
}

std::string describeDuration(std::int64_t ms) {
  const std::int64_t s = ms / 1000;
  char text[48];
  if (s < 120) {
    std::snprintf(text, sizeof text, "%lld s", static_cast<long long>(s));
  } else if (s < 7200) {
    std::snprintf(text, sizeof text, "%lld min", static_cast<long long>(s / 60));
  } else if (s < 2 * 86400) {
    std::snprintf(text, sizeof text, s % 3600 / 60 ? "%lld h %lld min" : "%lld h",
                  static_cast<long long>(s / 3600), static_cast<long long>(s % 3600 / 60));
  } else {
    std::snprintf(text, sizeof text, s % 86400 / 3600 ? "%lld d %lld h" : "%lld d",
                  static_cast<long long>(s / 86400), static_cast<long long>(s % 86400 / 3600));
  }
  return text;
}

namespace {

bool chosen(const std::string& wanted, const std::string& name) {
  return wanted.empty() || wanted == name;
}

std::string plural(std::int64_t n, const std::string& one, const std::string& many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

std::vector<Finding> ofDestinations(const config::AlertRule& rule, const HubFacts& facts) {
  std::vector<Finding> out;
  for (const auto& d : facts.destinations) {
    if (!chosen(rule.channel, d.channel) || !chosen(rule.destination, d.destination)) continue;
    Finding f{d.channel + "/" + d.destination, d.channel, d.destination, "", 0, ""};
    const std::string where = "destination " + d.destination + " of channel " + d.channel;
    const std::string waiting = plural(d.backlog, "message waits", "messages wait");
    if (rule.condition == "destination_failing") {
      if (!d.failing) continue;
      f.value = d.backlog;
      f.summary = "deliveries to " + where + " are failing; " + waiting;
    } else if (rule.condition == "backlog") {
      if (d.backlog <= rule.threshold) continue;
      f.value = d.backlog;
      f.summary =
          waiting + " for " + where + " (alert above " + std::to_string(rule.threshold) + ")";
    } else {  // oldest_undelivered
      if (!d.oldestUndeliveredAtMs) continue;
      f.value = (facts.atMs - d.oldestUndeliveredAtMs) / 1000;
      if (f.value <= rule.threshold) continue;
      f.summary = "the oldest message waiting for " + where + " was received " +
                  describeDuration(f.value * 1000) + " ago (alert after " +
                  describeDuration(rule.threshold * 1000) + "); " + waiting;
    }
    out.push_back(std::move(f));
  }
  return out;
}

std::vector<Finding> ofChannels(const config::AlertRule& rule, const HubFacts& facts,
                                const CounterWindows& scriptErrors) {
  std::vector<Finding> out;
  const std::string window = describeDuration(rule.window.count() * 1000);
  for (const auto& c : facts.channels) {
    if (!chosen(rule.channel, c.name)) continue;
    Finding f{c.name, c.name, "", "", 0, ""};
    const std::string& k = rule.condition;
    const std::string above = " (alert above " + std::to_string(rule.threshold) + ")";
    if (k == "channel_faulted" || k == "channel_paused") {
      const std::string state = k == "channel_faulted" ? "faulted" : "paused";
      if (c.state != state) continue;
      f.summary = "channel " + c.name + " is " + state;
    } else if (k == "acknowledgements_overdue") {
      f.value = c.acknowledgementsOverdue;
      f.summary = plural(f.value, "delivery", "deliveries") + " of channel " + c.name +
                  " got no answer (acknowledgement) in time" + above;
    } else if (k == "orders_overdue") {
      f.value = c.ordersOverdue;
      f.summary = plural(f.value, "order", "orders") + " of channel " + c.name + " passed " +
                  (f.value == 1 ? "its" : "their") + " turnaround target without a final result" +
                  above;
    } else if (k == "unmatched_results") {
      f.value = c.unmatchedResults;
      f.summary = plural(f.value, "result", "results") + " on channel " + c.name +
                  " matched no order in the last " + describeDuration(facts.unmatchedWindowMs) +
                  above;
    } else {  // script_errors
      f.value = static_cast<std::int64_t>(
          scriptErrors.increase(c.name, rule.window.count() * 1000, facts.atMs));
      f.summary = plural(f.value, "message", "messages") + " of channel " + c.name + " failed " +
                  (f.value == 1 ? "its" : "their") + " mapping in the last " + window + above;
    }
    if (k != "channel_faulted" && k != "channel_paused" && f.value <= rule.threshold) continue;
    out.push_back(std::move(f));
  }
  return out;
}

}  // namespace

std::vector<Finding> evaluate(const config::AlertRule& rule, const HubFacts& facts,
                              const CounterWindows& scriptErrors) {
  const std::string& k = rule.condition;
  if (k == "destination_failing" || k == "backlog" || k == "oldest_undelivered") {
    return ofDestinations(rule, facts);
  }
  if (k == "journal_disk_space") {
    if (!facts.journalDiskFreePercent ||
        *facts.journalDiskFreePercent >= static_cast<double>(rule.threshold)) {
      return {};
    }
    char free[32];
    std::snprintf(free, sizeof free, "%.1f", *facts.journalDiskFreePercent);
    return {{"journal", "", "", "", static_cast<std::int64_t>(*facts.journalDiskFreePercent),
             "the journal's disk has " + std::string(free) + "% free (alert below " +
                 std::to_string(rule.threshold) + "%)"}};
  }
  if (k == "node_missing") {
    std::vector<Finding> out;
    for (const auto& n : facts.nodes) {
      if (n.alive) continue;
      out.push_back({n.name, "", "", n.name, n.sinceBeatMs / 1000,
                     "cluster node " + n.name + " has not been heard from for " +
                         describeDuration(n.sinceBeatMs)});
    }
    return out;
  }
  return ofChannels(rule, facts, scriptErrors);
}

}  // namespace pathhub::alerts

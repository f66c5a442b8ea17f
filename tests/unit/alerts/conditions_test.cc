// What each condition finds in the hub's facts, what its threshold means, and that the
// sentences it makes name only the channel, destination, node and counts.
#include "alerts/conditions.h"

#include <gtest/gtest.h>

namespace pathhub::alerts {
namespace {

constexpr std::int64_t kNow = 1'796'000'000'000;

HubFacts facts() {
  HubFacts f;
  f.atMs = kNow;
  f.unmatchedWindowMs = 86'400'000;
  f.channels = {{"lab", "running", 7, 3, 2, 5},
                {"orders", "paused", 0, 0, 0, 0},
                {"broken", "faulted", 0, 0, 0, 0}};
  f.destinations = {{"lab", "gp", true, 12, kNow - 45 * 60'000},
                    {"lab", "epr", false, 0, 0},
                    {"orders", "winpath", false, 40, kNow - 90'000}};
  f.journalDiskFreePercent = 7.5;
  f.nodes = {{"node-a", true, 1000}, {"node-b", false, 95'000}};
  return f;
}

config::AlertRule rule(const std::string& condition, long long threshold = 0) {
  config::AlertRule r;
  r.name = condition;
  r.condition = condition;
  r.threshold = threshold;
  return r;
}

std::vector<std::string> subjects(const std::vector<Finding>& found) {
  std::vector<std::string> out;
  for (const auto& f : found) out.push_back(f.subject);
  return out;
}

TEST(Conditions, ChannelStates) {
  CounterWindows none;
  EXPECT_EQ(subjects(evaluate(rule("channel_faulted"), facts(), none)),
            std::vector<std::string>{"broken"});
  const auto paused = evaluate(rule("channel_paused"), facts(), none);
  ASSERT_EQ(subjects(paused), std::vector<std::string>{"orders"});
  EXPECT_EQ(paused[0].summary, "channel orders is paused");
}

TEST(Conditions, DestinationsFailingBacklogAndAge) {
  CounterWindows none;
  const auto failing = evaluate(rule("destination_failing"), facts(), none);
  ASSERT_EQ(subjects(failing), std::vector<std::string>{"lab/gp"});
  EXPECT_EQ(failing[0].summary,
            "deliveries to destination gp of channel lab are failing; 12 messages wait");
  EXPECT_EQ(subjects(evaluate(rule("backlog", 12), facts(), none)),
            std::vector<std::string>{"orders/winpath"});  // above 12: 12 itself is not
  EXPECT_EQ(subjects(evaluate(rule("backlog", 11), facts(), none)),
            (std::vector<std::string>{"lab/gp", "orders/winpath"}));
  const auto old = evaluate(rule("oldest_undelivered", 30 * 60), facts(), none);
  ASSERT_EQ(subjects(old), std::vector<std::string>{"lab/gp"});
  EXPECT_EQ(old[0].value, 45 * 60);
  EXPECT_EQ(old[0].summary,
            "the oldest message waiting for destination gp of channel lab was received 45 min ago"
            " (alert after 30 min); 12 messages wait");
}

TEST(Conditions, ChannelAndDestinationNarrowARule) {
  CounterWindows none;
  config::AlertRule r = rule("backlog", 0);
  r.channel = "orders";
  EXPECT_EQ(subjects(evaluate(r, facts(), none)), std::vector<std::string>{"orders/winpath"});
  r.channel = "";
  r.destination = "gp";
  EXPECT_EQ(subjects(evaluate(r, facts(), none)), std::vector<std::string>{"lab/gp"});
}

TEST(Conditions, CountsAboveTheirThresholds) {
  CounterWindows none;
  EXPECT_EQ(subjects(evaluate(rule("acknowledgements_overdue", 2), facts(), none)),
            std::vector<std::string>{"lab"});
  EXPECT_TRUE(evaluate(rule("acknowledgements_overdue", 3), facts(), none).empty());
  EXPECT_EQ(subjects(evaluate(rule("orders_overdue", 1), facts(), none)),
            std::vector<std::string>{"lab"});
  const auto unmatched = evaluate(rule("unmatched_results", 4), facts(), none);
  ASSERT_EQ(unmatched.size(), 1u);
  EXPECT_EQ(unmatched[0].summary,
            "5 results on channel lab matched no order in the last 24 h (alert above 4)");
}

TEST(Conditions, ScriptErrorsCountOnlyWithinTheWindow) {
  CounterWindows errors;
  config::AlertRule r = rule("script_errors", 3);
  r.window = std::chrono::seconds(600);
  HubFacts f = facts();
  f.channels = {{"lab", "running", 2, 0, 0, 0}};
  f.atMs = kNow - 900'000;  // 15 minutes ago: 2 errors since the start
  errors.add("lab", f.atMs, 2);
  f.atMs = kNow - 300'000;
  errors.add("lab", f.atMs, 4);
  f.atMs = kNow;
  f.channels[0].scriptErrors = 9;
  errors.add("lab", kNow, 9);
  // Over the last 10 minutes: from 2 (the newest sample before the window) to 9.
  EXPECT_EQ(errors.increase("lab", 600'000, kNow), 7u);
  const auto found = evaluate(r, f, errors);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].value, 7);
  // Samples are as far apart as the checks: the 5 errors since the sample 5 minutes ago are
  // counted in a 1-minute window too (told rather than missed).
  r.window = std::chrono::seconds(60);
  ASSERT_EQ(evaluate(r, f, errors).size(), 1u);
  EXPECT_EQ(evaluate(r, f, errors)[0].value, 5);
  r.threshold = 5;
  EXPECT_TRUE(evaluate(r, f, errors).empty());
  errors.trim(600'000, kNow);
  EXPECT_EQ(errors.increase("lab", 600'000, kNow), 7u);  // the baseline is kept
  EXPECT_EQ(errors.increase("unknown", 600'000, kNow), 0u);
}

TEST(Conditions, DiskSpaceBelowAndMissingNodes) {
  CounterWindows none;
  const auto disk = evaluate(rule("journal_disk_space", 10), facts(), none);
  ASSERT_EQ(disk.size(), 1u);
  EXPECT_EQ(disk[0].summary, "the journal's disk has 7.5% free (alert below 10%)");
  EXPECT_TRUE(evaluate(rule("journal_disk_space", 5), facts(), none).empty());
  HubFacts postgres = facts();
  postgres.journalDiskFreePercent.reset();
  EXPECT_TRUE(evaluate(rule("journal_disk_space", 50), postgres, none).empty());
  const auto nodes = evaluate(rule("node_missing"), facts(), none);
  ASSERT_EQ(nodes.size(), 1u);
  EXPECT_EQ(nodes[0].node, "node-b");
  EXPECT_EQ(nodes[0].summary, "cluster node node-b has not been heard from for 95 s");
}

TEST(Conditions, DurationsReadAsPeopleSayThem) {
  EXPECT_EQ(describeDuration(45'000), "45 s");
  EXPECT_EQ(describeDuration(12 * 60'000), "12 min");
  EXPECT_EQ(describeDuration(3 * 3'600'000 + 5 * 60'000), "3 h 5 min");
  EXPECT_EQ(describeDuration(52 * 3'600'000), "2 d 4 h");
  EXPECT_EQ(describeDuration(86'400'000), "24 h");
  EXPECT_EQ(describeDuration(7 * 86'400'000), "7 d");
}

}  // namespace
}  // namespace pathhub::alerts

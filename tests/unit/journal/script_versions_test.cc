// Mapping scripts' versions in the journal (schema 4), on both backends: numbered per channel by
// their text, deployments recorded when the live version changes, each message's version, and
// the history a diff-replay reads (what each message became, where it went, what its mapping
// made — and not what the hub made about it later).
#include "journal_fixture.h"

namespace pathhub::journal {
namespace {

class ScriptVersionJournalTest : public JournalTest {
 protected:
  std::int64_t record(const std::string& channel, const std::string& hash,
                      std::optional<std::string> content, const std::string& action = "loaded") {
    auto v = journal_->recordScriptVersion(
        {channel, hash, "map.lua", std::move(content), "file", "scripts/map.lua", action});
    EXPECT_TRUE(v) << v.error().describe();
    return v ? *v : 0;
  }
};

TEST_P(ScriptVersionJournalTest, VersionsAreNumberedPerChannelByTheirText) {
  EXPECT_EQ(record("lab", "aaa", "text a"), 1);
  EXPECT_EQ(record("lab", "bbb", "text b", "deployed"), 2);
  EXPECT_EQ(record("other", "bbb", "text b"), 1) << "each channel numbers its own";
  EXPECT_EQ(record("lab", "aaa", "text a", "rolled back"), 1) << "the same text, the same version";
  EXPECT_EQ(record("lab", "aaa", "text a"), 1);
  auto versions = journal_->scriptVersions("lab");
  ASSERT_TRUE(versions);
  ASSERT_EQ(versions->size(), 2u);
  EXPECT_EQ((*versions)[0].version, 2);
  EXPECT_EQ((*versions)[1].hash, "aaa");
  // A deployment each time the live version changed, newest first; none when it stayed.
  auto deployments = journal_->scriptDeployments("lab", 10);
  ASSERT_TRUE(deployments);
  ASSERT_EQ(deployments->size(), 3u);
  EXPECT_EQ((*deployments)[0].version, 1);
  EXPECT_EQ((*deployments)[0].action, "rolled back");
  EXPECT_EQ((*deployments)[1].action, "deployed");
  EXPECT_EQ(**journal_->scriptContent("lab", 2), "text b");
  EXPECT_FALSE(*journal_->scriptContent("lab", 7));
}

TEST_P(ScriptVersionJournalTest, AVersionSeenWithoutItsTextGetsItWhenItComesBack) {
  EXPECT_EQ(record("lab", "ccc", std::nullopt), 1);
  EXPECT_FALSE(*journal_->scriptContent("lab", 1));
  EXPECT_FALSE((*journal_->scriptVersions("lab"))[0].contentKept);
  EXPECT_EQ(record("lab", "ccc", "text c"), 1);
  EXPECT_EQ(**journal_->scriptContent("lab", 1), "text c");
}

TEST_P(ScriptVersionJournalTest, EachMessageRecordsTheVersionThatMappedIt) {
  const MessageId mapped = append("M1"), filtered = append("M2"), failed = append("M3"),
                  plain = append("M4");
  Journal::Mapping m;
  m.id = mapped;
  m.destinations = {"gp"};
  m.scriptVersion = 3;
  ASSERT_TRUE(journal_->submitMapped({m}).get());
  ASSERT_TRUE(journal_->markFiltered(filtered, "not for us", {}, 3));
  ASSERT_TRUE(journal_->markFailed(failed, "script error", {}, 4));
  ASSERT_TRUE(journal_->markMapped(plain, std::nullopt, {"gp"}));
  EXPECT_EQ(journal_->details(mapped)->scriptVersion, 3);
  EXPECT_EQ(journal_->details(filtered)->scriptVersion, 3);
  EXPECT_EQ(journal_->details(failed)->scriptVersion, 4);
  EXPECT_EQ(journal_->details(plain)->scriptVersion, 0) << "no script: no version";
}

TEST_P(ScriptVersionJournalTest, HistoryHoldsWhatEachMessageBecameInTheWindow) {
  const MessageId a = append("H1", "first"), b = append("H2"), c = append("H3");
  append("H4");  // not mapped yet
  Journal::Mapping m;
  m.id = a;
  m.mapped = "MSH|^~\\&|MAPPED||||||ORU^R01|H1|P|2.4\r";
  m.destinations = {"gp", "archive"};
  m.scriptVersion = 2;
  Journal::Derived part;
  part.bytes = message("PART").bytes;
  part.controlId = "PART";
  part.destinations = {"gp"};
  m.derived.push_back(part);
  ASSERT_TRUE(journal_->submitMapped({m}).get());
  ASSERT_TRUE(journal_->markFiltered(b, "not a result"));
  ASSERT_TRUE(journal_->markFailed(c, "script error at line 3"));
  // A replay to where it went adds deliveries; a notification the hub makes about it later is
  // no part of what its mapping made.
  ASSERT_TRUE(journal_->replay(a, {}));
  auto note = journal_->addNotification(a, "lab", "gp", "NOTE", message("NOTE").bytes);
  ASSERT_TRUE(note) << note.error().describe();

  HistoryWindow window;
  window.channel = "lab";
  auto history = journal_->channelHistory(window);
  ASSERT_TRUE(history) << history.error().describe();
  ASSERT_EQ(history->size(), 3u) << "the unmapped H4 and the messages made are not in it";
  const HistoryRecord& first = (*history)[0];
  EXPECT_EQ(first.id, a);
  EXPECT_EQ(first.state, "mapped");
  EXPECT_EQ(first.produced, *m.mapped);
  EXPECT_NE(first.bytes.find("first"), std::string::npos);
  EXPECT_EQ(first.destinations, (std::vector<std::string>{"gp", "archive"}));
  ASSERT_EQ(first.made.size(), 1u);
  EXPECT_EQ(first.made[0], part.bytes);
  EXPECT_EQ(first.scriptVersion, 2);
  EXPECT_EQ((*history)[1].state, "filtered");
  EXPECT_EQ((*history)[1].error, "not a result");
  EXPECT_TRUE((*history)[1].destinations.empty());
  EXPECT_EQ((*history)[2].state, "failed");
  EXPECT_EQ((*history)[2].error, "script error at line 3");

  // Pages by id; a window by the time received.
  window.afterId = a;
  window.limit = 1;
  history = journal_->channelHistory(window);
  ASSERT_EQ(history->size(), 1u);
  EXPECT_EQ((*history)[0].id, b);
  window = {};
  window.channel = "lab";
  window.fromMs = nowMs() + 60'000;
  EXPECT_TRUE(journal_->channelHistory(window)->empty());
  window.channel = "other";
  window.fromMs = 0;
  EXPECT_TRUE(journal_->channelHistory(window)->empty());
  // How far through the journal a time is, by id (a replay's progress).
  EXPECT_EQ(*journal_->lastIdReceivedBefore(0), *note) << "the notification came last";
  EXPECT_EQ(*journal_->lastIdReceivedBefore(nowMs() + 60'000), *journal_->lastIdReceivedBefore(0));
  EXPECT_EQ(*journal_->lastIdReceivedBefore(1), a - 1) << "everything came after";
}

INSTANTIATE_JOURNAL_BACKENDS(ScriptVersionJournalTest);

}  // namespace
}  // namespace pathhub::journal

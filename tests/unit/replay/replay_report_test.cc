// The diff-replay's pieces that need no journal: windows as people write them, fields folded
// over repetitions, the summary's figures, and reports that show a message's content as text
// only (an HTML report opened in a browser never runs what a message holds).
#include "replay/replay_report.h"

#include <gtest/gtest.h>

#include "replay/replay_window.h"

namespace pathhub::replay {
namespace {

TEST(ReplayWindow, DurationsAndInstantsAreReadAsTheApiReadsThem) {
  EXPECT_EQ(parseDurationMs("7d"), 7 * 86'400'000LL);
  EXPECT_EQ(parseDurationMs("12h"), 12 * 3'600'000LL);
  EXPECT_EQ(parseDurationMs("30m"), 30 * 60'000LL);
  EXPECT_EQ(parseDurationMs("45s"), 45'000LL);
  for (const char* bad : {"", "d", "7", "7w", "-1d", "1.5d", "7 d", "yesterday"}) {
    EXPECT_FALSE(parseDurationMs(bad)) << bad;
  }
  EXPECT_EQ(parseInstantMs("2026-11-25T10:00:00Z"), 1795600800000LL);
  EXPECT_EQ(parseInstantMs("2026-11-25T10:00:00+01:00"), 1795597200000LL);
  EXPECT_EQ(parseInstantMs("2026-11-25"), 1795564800000LL);
  EXPECT_EQ(parseInstantMs("1795600800000"), 1795600800000LL);
  for (const char* bad : {"", "yesterday", "25/11/2026", "2026-13-45x"}) {
    EXPECT_FALSE(parseInstantMs(bad)) << bad;
  }
}

TEST(ReplayReport, FieldsAreCountedWithoutTheirRepetitions) {
  EXPECT_EQ(fieldOf("OBX[2]-3.4"), "OBX-3.4");
  EXPECT_EQ(fieldOf("PID-3[1].1"), "PID-3.1");
  EXPECT_EQ(fieldOf("MSH-10"), "MSH-10");
  EXPECT_EQ(fieldOf("segment 7"), "segment 7");
}

ReplaySummary hostileSummary() {
  ReplaySummary s;
  s.channel = "lab";
  s.messages = 12345;
  s.unchanged = 11141;
  s.changed = 1204;
  s.counts[Change::kContent] = 1204;
  s.fields["OBX-3.4"] = 1204;
  s.fields["PID-5.1"] = 1;
  ChangedMessage m;
  m.id = 42;
  m.controlId = "<b>C1</b>";
  m.messageType = "ORU^R01";
  m.changes = {Change::kContent};
  m.before = m.after = "mapped";
  m.fields.push_back({"PID-5.1", "SMITH", "<script>window.pwned=1</script>"});
  s.details.push_back(m);
  return s;
}

TEST(ReplayReport, TheSummaryGivesEachKindAndFieldWithItsCount) {
  const std::string text = summaryText(hostileSummary());
  EXPECT_NE(text.find("channel lab: 12,345 messages replayed, 11,141 unchanged, 1,204 changed"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("  content changed: 1,204\n"), std::string::npos);
  EXPECT_NE(text.find("  newly failing: 0\n"), std::string::npos);
  // The field that changed most first; one message is "message".
  EXPECT_LT(text.find("OBX-3.4: 1,204 messages"), text.find("PID-5.1: 1 message\n"));
}

TEST(ReplayReport, AMessagesContentIsTextInTheHtmlReportAndEscapedInTheJson) {
  const ReplaySummary s = hostileSummary();
  const std::string html = reportHtml(s);
  EXPECT_EQ(html.find("<script>window"), std::string::npos);
  EXPECT_EQ(html.find("<b>C1"), std::string::npos);
  EXPECT_NE(html.find("&lt;script&gt;window.pwned=1&lt;/script&gt;"), std::string::npos);
  std::ostringstream json;
  reportJson(s)->stringify(json);
  EXPECT_NE(json.str().find("\"detailsLeftOut\":1203"), std::string::npos) << json.str();
  EXPECT_NE(json.str().find("\"OBX-3.4\":1204"), std::string::npos);
}

TEST(ReplayReport, AReportReadBackIsTheSameReport) {
  ReplaySummary s = hostileSummary();
  s.fromMs = 1795564800000;
  s.details[0].routesBefore = {"gp"};
  auto back = summaryFromJson(reportJson(s));
  ASSERT_TRUE(back) << back.error().describe();
  EXPECT_EQ(summaryText(*back), summaryText(s));
  EXPECT_EQ(reportHtml(*back), reportHtml(s));
  Poco::JSON::Object::Ptr notOne = new Poco::JSON::Object;
  notOne->set("channel", "lab");
  EXPECT_FALSE(summaryFromJson(notOne));
}

}  // namespace
}  // namespace pathhub::replay

// Configuration loading: the shipped files, defaults, and every problem reported at once.
#include "config/hub_config.h"

#include <gtest/gtest.h>

namespace pathhub::config {
namespace {

TEST(HubConfig, ShippedConfigurationsAreValid) {
  for (const char* file : {"config/pathhub.xml", "config/bench.xml"}) {
    auto c = loadHubConfig(std::string(PATHHUB_SOURCE_DIR) + "/" + file);
    ASSERT_TRUE(c) << file << ": " << c.error().text;
    ASSERT_EQ(c->channels.size(), 1u);
  }
  auto demo = loadHubConfig(std::string(PATHHUB_SOURCE_DIR) + "/config/pathhub.xml");
  EXPECT_EQ(demo->channels[0].source.type, "mllp");
  EXPECT_EQ(demo->channels[0].source.settings.at("listen"), "127.0.0.1:2575");
  EXPECT_EQ(demo->journal.path, "var/pathhub.db");
  EXPECT_EQ(demo->channels[0].destinations[0].type, "file");
}

TEST(HubConfig, FillsDefaultsAndInheritsTheChannelRetryPolicy) {
  auto c = parseHubConfig(
      "<pathhub><channel name=\"a\"><source listen=\"127.0.0.1:0\"/>"
      "<retry baseMs=\"10\" capMs=\"100\"/>"
      "<destination name=\"x\" type=\"mllp\" endpoint=\"127.0.0.1:9\"/>"
      "<destination name=\"y\" type=\"file\" directory=\"out\"><retry maxAttempts=\"3\" "
      "onExhausted=\"skip\"/></destination></channel></pathhub>",
      "test");
  ASSERT_TRUE(c) << c.error().text;
  const ChannelConfig& ch = c->channels[0];
  EXPECT_EQ(ch.mapperWorkers, 2);
  EXPECT_EQ(ch.destinations[0].retry.base.count(), 10);
  EXPECT_TRUE(ch.destinations[0].retry.holdOnFailure);
  EXPECT_EQ(ch.destinations[1].retry.base.count(), 10);
  EXPECT_EQ(ch.destinations[1].retry.maxAttempts, 3);
  EXPECT_FALSE(ch.destinations[1].retry.holdOnFailure);
  EXPECT_EQ(c->journal.dedupeWindow.count(), 86400);
  // Attributes the core does not own are the plugin's settings, kept as written.
  EXPECT_EQ(ch.source.type, "mllp");
  EXPECT_EQ(ch.source.settings, (PluginSettings{{"listen", "127.0.0.1:0"}}));
  EXPECT_EQ(ch.destinations[1].settings, (PluginSettings{{"directory", "out"}}));
  EXPECT_TRUE(c->pluginFolders.empty());
}

TEST(HubConfig, ReadsPluginFolders) {
  auto c = parseHubConfig(
      "<pathhub><plugins folder=\"a\"/><plugins folder=\"/opt/b\"/><channel name=\"a\"><source/>"
      "<destination name=\"x\"/></channel></pathhub>",
      "test");
  ASSERT_TRUE(c) << c.error().text;
  EXPECT_EQ(c->pluginFolders, (std::vector<std::string>{"a", "/opt/b"}));
}

TEST(HubConfig, ReadsRoutesAndChecksTheirDestinations) {
  auto c = parseHubConfig(
      "<pathhub><channel name=\"a\"><source/>"
      "<destination name=\"gp\" type=\"file\" directory=\"gp\"/>"
      "<destination name=\"epr\" type=\"file\" directory=\"epr\"/>"
      "<route destination=\"gp\" messageType=\"ORU^R01\"/><route destination=\"epr\"/>"
      "</channel></pathhub>",
      "routes.xml");
  ASSERT_TRUE(c) << c.error().text;
  ASSERT_EQ(c->channels[0].routes.size(), 2u);
  EXPECT_EQ(c->channels[0].routes[0].messageType, "ORU^R01");
  auto bad = parseHubConfig(
      "<pathhub><channel name=\"a\"><source/><destination name=\"gp\" type=\"file\" "
      "directory=\"x\"/><route destination=\"lab\"/></channel></pathhub>",
      "bad.xml");
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().text.find("channel 'a' route 1: destination: 'lab' is not a destination"),
            std::string::npos)
      << bad.error().text;
}

TEST(HubConfig, ListsEveryProblemNamingTheElement) {
  auto c = parseHubConfig(
      "<pathhub><journal retentionDays=\"0\"/><log level=\"loud\"/><colour/>"
      "<pipeline endpoints=\"tcp://127.0.0.1:5555\"/>"
      "<channel name=\"a\"><source/>"
      "<mapper workers=\"two\"/><destination type=\"file\"/><retry base=\"1\"/></channel>"
      "</pathhub>",
      "bad.xml");
  ASSERT_FALSE(c);
  const std::string& t = c.error().text;
  for (const char* expected :
       {"pathhub: unknown element <colour>", "channel 'a' retry: unknown attribute 'base'",
        "journal: retentionDays: '0' is outside 1..36500", "log: level: 'loud' is not one of",
        "channel 'a' mapper: workers: 'two' is not a whole number",
        "channel 'a' destination: needs a name",
        "pipeline: endpoints: 'tcp://127.0.0.1:5555' is not an inproc:// or ipc:// address"}) {
    EXPECT_NE(t.find(expected), std::string::npos) << "missing: " << expected << "\nin:\n" << t;
  }
  EXPECT_EQ(c.error().context.file, "bad.xml");
}

TEST(HubConfig, RefusesBrokenXmlAndMissingFiles) {
  auto broken = parseHubConfig("<pathhub><channel>", "b.xml");
  ASSERT_FALSE(broken);
  EXPECT_NE(broken.error().text.find("not well-formed XML"), std::string::npos);
  EXPECT_FALSE(parseHubConfig("<hub/>", "c.xml"));
  EXPECT_FALSE(parseHubConfig("<pathhub/>", "d.xml"));
  auto missing = loadHubConfig("/nonexistent/pathhub.xml");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, ErrorCode::kIoError);
}

}  // namespace
}  // namespace pathhub::config

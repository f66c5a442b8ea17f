// Plugins at run time, loaded through the real loader into real channels (a real SQLite
// journal, real ZeroMQ stages): the file destination writes what it is given, and a plugin
// that fails — in create, start or deliver — faults only its own channel while the message
// stays pending in the journal.
#include <Poco/AutoPtr.h>
#include <Poco/Logger.h>

#include <fstream>

#include "plugin_runtime.h"

namespace pathhub::plugin {
namespace {

TEST_F(PluginRuntime, FileDestinationWritesEachMessageUnderItsPattern) {
  Poco::AutoPtr<CapturedLog> log(new CapturedLog);
  Poco::Logger& pluginLog = Poco::Logger::get("plugin.transport_file");
  pluginLog.setChannel(log);
  pluginLog.setLevel(Poco::Message::PRIO_INFORMATION);
  auto& ch = start(channelConfig("lab", "file",
                                 {{"directory", (dir_ / "outbox").string()},
                                  {"fileName", "{channel}_{destination}_{id}.hl7"}}));
  const auto id = accept(ch, "C1");
  const auto file = dir_ / "outbox" / ("lab_out_" + std::to_string(id) + ".hl7");
  ASSERT_TRUE(testing::waitUntil([&] { return std::filesystem::exists(file); }));
  std::ifstream in(file, std::ios::binary);
  EXPECT_EQ(std::string(std::istreambuf_iterator<char>(in), {}), kMessage);
  ASSERT_TRUE(testing::waitUntil([&] { return pending("lab") == 0; }));
  EXPECT_EQ(ch.faultReason(), "");
  channels_.clear();  // stopping the channel stops its destination, which reports its counters
  EXPECT_TRUE(log->contains("[transport_file:lab:out] stopped; counters: files_written=1"));
}

TEST_F(PluginRuntime, AFileNamePatternWithoutTheIdIsRefusedAtCreate) {
  config::ChannelConfig c =
      channelConfig("lab", "file", {{"directory", dir_.string()}, {"fileName", "result.hl7"}});
  auto& ch = start(c);
  ASSERT_TRUE(testing::waitUntil([&] { return !ch.faultReason().empty(); }));
  EXPECT_NE(ch.faultReason().find("fileName must hold {id}"), std::string::npos)
      << ch.faultReason();
}

TEST_F(PluginRuntime, ADestinationThrowingInDeliverFaultsOnlyItsChannel) {
  auto& faulty = start(channelConfig("faulty", "throws_in_deliver", {}));
  auto& healthy = start(channelConfig("healthy", "file", {{"directory", (dir_ / "ok").string()}}));
  accept(faulty, "F1");
  ASSERT_TRUE(testing::waitUntil([&] { return !faulty.faultReason().empty(); }));
  EXPECT_NE(faulty.faultReason().find("[faulty:faulty:out] vendor library crashed on message"),
            std::string::npos)
      << faulty.faultReason();
  // Nothing lost: the delivery is still pending, with no attempt counted against it.
  auto p = journal_->pendingDeliveries("faulty", "out", 10);
  ASSERT_TRUE(p);
  ASSERT_EQ(p->size(), 1u);
  EXPECT_EQ((*p)[0].attempts, 0);
  // The other channel carries on.
  const auto id = accept(healthy, "H1");
  ASSERT_TRUE(testing::waitUntil([&] {
    return std::filesystem::exists(dir_ / "ok" / ("healthy-" + std::to_string(id) + ".hl7"));
  }));
  EXPECT_EQ(healthy.faultReason(), "");
}

TEST_F(PluginRuntime, ADestinationThrowingInCreateFaultsItsChannel) {
  auto& ch = start(channelConfig("lab", "throws_in_create", {}));
  ASSERT_TRUE(testing::waitUntil([&] { return !ch.faultReason().empty(); }));
  EXPECT_NE(ch.faultReason().find("cannot create: cannot reach the licence server"),
            std::string::npos)
      << ch.faultReason();
  accept(ch, "L1");
  // Mapped and routed as usual, then kept pending for when the plugin is fixed.
  EXPECT_TRUE(testing::waitUntil([&] { return pending("lab") == 1; }));
}

TEST_F(PluginRuntime, ASourceThrowingInStartFaultsItsChannel) {
  config::ChannelConfig c = channelConfig("lab", "file", {{"directory", dir_.string()}});
  c.source.type = "throws_in_start";
  auto& ch = start(c);
  auto source = makeSource(registry_, ch);
  ASSERT_TRUE(source) << source.error().describe();
  EXPECT_FALSE((*source)->start());
  EXPECT_NE(ch.faultReason().find("cannot start the source: port already taken"), std::string::npos)
      << ch.faultReason();
  c.source.type = "carrier-pigeon";
  EXPECT_EQ(checkChannels(registry_, {c}),
            "channel 'lab' source: no plugin provides type 'carrier-pigeon'");
}

}  // namespace
}  // namespace pathhub::plugin

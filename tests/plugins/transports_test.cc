// Plugins at run time, loaded through the real loader into real channels (a real SQLite
// journal, real ZeroMQ stages): the file destination writes what it is given, and a plugin
// that fails — in create, start or deliver — faults only its own channel while the message
// stays pending in the journal.
#include <Poco/AutoPtr.h>
#include <Poco/Channel.h>
#include <Poco/Logger.h>
#include <Poco/Message.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>
#include <mutex>
#include <thread>

#include "hub_fixture.h"
#include "journal/journal.h"
#include "pipeline/channel.h"
#include "plugin/plugin_host.h"

namespace pathhub::plugin {
namespace {

const std::string kMessage =
    "MSH|^~\\&|LAB|RRK|GP|G81001|20260101120000||ORU^R01|C1|P|2.4\rPID|1||943 476 5919^^^NHS\r";

// Keeps what a logger writes, for assertions on plugin log lines.
class CapturedLog : public Poco::Channel {
 public:
  void log(const Poco::Message& m) override {
    std::lock_guard lock(mutex_);
    lines_.push_back(m.getText());
  }
  bool contains(const std::string& text) {
    std::lock_guard lock(mutex_);
    for (const auto& l : lines_) {
      if (l.find(text) != std::string::npos) return true;
    }
    return false;
  }

 private:
  std::mutex mutex_;
  std::vector<std::string> lines_;
};

class PluginRuntime : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("plugin-runtime-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    EXPECT_TRUE(registry_.loadFolders({PATHHUB_PLUGIN_DIR}).empty());
    ASSERT_TRUE(registry_.loadFile(std::filesystem::path(PATHHUB_BROKEN_PLUGIN_DIR) / "faulty.so"));
    journal::JournalOptions options;
    options.path = (dir_ / "journal.db").string();
    auto j = journal::Journal::open(options);
    ASSERT_TRUE(j) << j.error().describe();
    journal_ = std::move(*j);
  }
  void TearDown() override {
    channels_.clear();
    journal_.reset();
    std::filesystem::remove_all(dir_);
  }

  config::ChannelConfig channelConfig(const std::string& name, const std::string& destType,
                                      config::PluginSettings settings) {
    config::ChannelConfig c;
    c.name = name;
    c.mapperWorkers = 1;
    c.stageEndpoints = "inproc://plugin-runtime";
    config::DestinationConfig d;
    d.name = "out";
    d.type = destType;
    d.settings = std::move(settings);
    d.retry.base = std::chrono::milliseconds(10);
    c.destinations.push_back(d);
    return c;
  }

  pipeline::Channel& start(const config::ChannelConfig& c) {
    channels_.push_back(std::make_unique<pipeline::Channel>(
        c, *journal_, zmq_,
        []() -> Result<std::unique_ptr<pipeline::Mapper>> {
          return std::make_unique<pipeline::PassThroughMapper>();
        },
        destinationFactory(registry_)));
    EXPECT_TRUE(channels_.back()->start());
    return *channels_.back();
  }

  journal::MessageId accept(pipeline::Channel& channel, const std::string& controlId) {
    journal::NewMessage m;
    m.channel = channel.config().name;
    m.source = m.channel + "/test";
    m.controlId = controlId;
    m.messageType = "ORU^R01";
    m.bytes = kMessage;
    auto appended = channel.accept(m);
    EXPECT_TRUE(appended);
    return appended ? appended->id : 0;
  }

  std::size_t pending(const std::string& channel) {
    auto p = journal_->pendingDeliveries(channel, "out", {}, 100);
    return p ? p->size() : 0;
  }

  std::filesystem::path dir_;
  PluginRegistry registry_;
  std::unique_ptr<journal::Journal> journal_;
  zmq::context_t zmq_;
  std::vector<std::unique_ptr<pipeline::Channel>> channels_;
};

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
  auto p = journal_->pendingDeliveries("faulty", "out", {}, 10);
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

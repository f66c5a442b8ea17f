// The fixture of the plugin runtime tests: the shipped plugins and tests/plugins/broken's
// faulty.so loaded through the real loader, a real SQLite journal in a temporary folder, and
// channels started on it with the plugins' destinations.
#pragma once

#include <Poco/Channel.h>
#include <Poco/Message.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <mutex>

#include "hub_fixture.h"
#include "journal/journal.h"
#include "pipeline/channel.h"
#include "plugin/plugin_host.h"

namespace pathhub::plugin {

inline const std::string kMessage =
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
    source_.reset();  // before the channel it submits to
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

  // Starts `c` (whose source settings name a plugin source) and then its source, kept in
  // source_ until the test ends.
  pipeline::Channel& startWithItsSource(const config::ChannelConfig& c) {
    auto& ch = start(c);
    auto made = makeSource(registry_, ch);
    EXPECT_TRUE(made) << made.error().describe();
    if (made) {
      source_ = std::move(*made);
      EXPECT_TRUE(source_->start());
    }
    return ch;
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

  // `bytes` (kMessage by default) accepted on `channel` as a message with this control id.
  journal::MessageId accept(pipeline::Channel& channel, const std::string& controlId,
                            const std::string& bytes = kMessage) {
    journal::NewMessage m;
    m.channel = channel.config().name;
    m.source = m.channel + "/test";
    m.controlId = controlId;
    m.messageType = "ORU^R01";
    m.bytes = bytes;
    auto appended = channel.accept(m);
    EXPECT_TRUE(appended);
    return appended ? appended->id : 0;
  }

  std::size_t pending(const std::string& channel) {
    auto p = journal_->pendingDeliveries(channel, "out", 100);
    return p ? p->size() : 0;
  }

  std::filesystem::path dir_;
  PluginRegistry registry_;
  std::unique_ptr<journal::Journal> journal_;
  zmq::context_t zmq_;
  std::vector<std::unique_ptr<pipeline::Channel>> channels_;
  std::unique_ptr<pipeline::Source> source_;
};

}  // namespace pathhub::plugin

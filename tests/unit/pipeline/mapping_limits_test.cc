// What a mapping makes obeys the channel's size limit (<source maxMessageBytes>), as what it
// takes in does (issue 18, item 3): an oversized mapped message, or one it emitted, fails the
// message with the reason instead of filling the journal and the destinations.
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>

#include "journal/journal.h"
#include "pipeline/channel.h"
#include "pipeline_test_support.h"

namespace pathhub::pipeline {
namespace {

class GrowingMapper : public Mapper {
 public:
  MapResult map(const std::string& bytes, const MapContext&) override {
    MapResult r;
    if (bytes.find("|BIG|") != std::string::npos) {
      r.bytes = bytes + "NTE|1||" + std::string(5000, 'x') + "\r";
    } else if (bytes.find("|EMIT|") != std::string::npos) {
      r.bytes = bytes;
      r.derived.push_back({bytes + "NTE|1||" + std::string(5000, 'x') + "\r", {}});
    } else {
      r.bytes = bytes;
    }
    return r;
  }
};

TEST(MappingLimits, AMappedOrEmittedMessageOverTheLimitFailsItsMessage) {
  ChannelRig rig("mapping-limits");
  ASSERT_TRUE(rig.journal);
  rig.config.source.maxMessageBytes = 2000;
  std::atomic<int> delivered{0};
  Channel channel(
      rig.config, *rig.journal, rig.zmq,
      [] { return Result<std::unique_ptr<Mapper>>(std::make_unique<GrowingMapper>()); },
      [&delivered](const config::DestinationConfig&, Channel&) {
        return Result<std::unique_ptr<Destination>>(
            std::make_unique<CountingDestination>(delivered));
      });
  ASSERT_TRUE(channel.start());
  std::vector<journal::MessageId> ids;
  for (const char* kind : {"BIG", "EMIT", "OK"}) {
    journal::NewMessage m;
    m.channel = "lab";
    m.source = "lab/test";
    m.controlId = kind;
    m.messageType = "ORU^R01";
    m.bytes = std::string("MSH|^~\\&|A||||||ORU^R01|") + kind + "|P|2.5\rPID|1\r";
    auto a = channel.accept(m);
    ASSERT_TRUE(a);
    ids.push_back(a->id);
  }
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (delivered < 1 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  EXPECT_EQ(delivered, 1);  // OK only
  auto big = rig.journal->message(ids[0]);
  EXPECT_EQ(big->state, "failed");
  EXPECT_NE(big->error.find("the mapped message is"), std::string::npos) << big->error;
  EXPECT_NE(big->error.find("over the channel's limit of 2000"), std::string::npos);
  auto emitted = rig.journal->message(ids[1]);
  EXPECT_EQ(emitted->state, "failed");
  EXPECT_NE(emitted->error.find("message 1 the mapping made is"), std::string::npos)
      << emitted->error;
}

}  // namespace
}  // namespace pathhub::pipeline

// A channel stopped and built again at once, on the same ZeroMQ context and stage addresses,
// starts every time (what an operator's restart does), and keeps delivering.
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>

#include "journal/journal.h"
#include "pipeline/channel.h"
#include "pipeline_test_support.h"

namespace pathhub::pipeline {
namespace {

TEST(ChannelRestart, StartsAgainAtOnceOnTheSameAddresses) {
  ChannelRig rig("channel-restart");
  ASSERT_TRUE(rig.journal);
  std::atomic<int> delivered{0};
  auto stats = std::make_shared<ChannelStats>(rig.config);
  for (int round = 0; round < 20; ++round) {
    Channel channel(
        rig.config, *rig.journal, rig.zmq,
        [] { return Result<std::unique_ptr<Mapper>>(std::make_unique<PassThroughMapper>()); },
        [&delivered](const config::DestinationConfig&, Channel&) {
          return Result<std::unique_ptr<Destination>>(
              std::make_unique<CountingDestination>(delivered));
        },
        stats);
    auto started = channel.start();
    ASSERT_TRUE(started) << "round " << round << ": " << started.error().describe();
    journal::NewMessage m;
    m.channel = "lab";
    m.source = "lab/test";
    m.controlId = "R" + std::to_string(round);
    m.messageType = "ORU^R01";
    m.bytes = "MSH|^~\\&|A||||||ORU^R01|R" + std::to_string(round) + "|P|2.5\r";
    ASSERT_TRUE(channel.accept(m));
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (delivered < round + 1 && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    ASSERT_EQ(delivered, round + 1) << "round " << round;
    channel.stop();
  }
  // The figures carried across the rebuilds.
  EXPECT_EQ(stats->received.value(), 20u);
  EXPECT_EQ(stats->destinations[0].delivered.value(), 20u);
}

}  // namespace
}  // namespace pathhub::pipeline

// A channel stopped and built again at once, on the same ZeroMQ context and stage addresses,
// starts every time (what an operator's restart does), and keeps delivering.
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>

#include "counting_destination.h"
#include "journal/journal.h"
#include "pipeline/channel.h"

namespace pathhub::pipeline {
namespace {

TEST(ChannelRestart, StartsAgainAtOnceOnTheSameAddresses) {
  const auto dir =
      std::filesystem::temp_directory_path() / ("channel-restart-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  auto journal = journal::Journal::open({(dir / "j.db").string(), std::chrono::seconds(60)});
  ASSERT_TRUE(journal);
  zmq::context_t zmq;
  config::ChannelConfig config;
  config.name = "lab";
  config.mapperWorkers = 1;
  config::DestinationConfig gp;
  gp.name = "gp";
  gp.type = "test";
  config.destinations.push_back(gp);
  std::atomic<int> delivered{0};
  auto stats = std::make_shared<ChannelStats>(config);
  for (int round = 0; round < 20; ++round) {
    Channel channel(
        config, **journal, zmq,
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
  journal->reset();
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace pathhub::pipeline

// Pipeline parts on their own: the stage envelope, retry backoff, the file destination.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "pipeline/envelope.h"
#include "pipeline/file_destination.h"
#include "pipeline/file_source.h"
#include "pipeline/retry.h"

namespace pathhub::pipeline {
namespace {

TEST(Envelope, RoundTripsAndRefusesMalformedFrames) {
  Envelope e{Envelope::Kind::kMapped, 1234567890123, {"gp", "epr"}, "MSH|payload"};
  auto back = decode(encode(e));
  ASSERT_TRUE(back);
  EXPECT_EQ(back->kind, Envelope::Kind::kMapped);
  EXPECT_EQ(back->messageId, 1234567890123);
  EXPECT_EQ(back->destinations, (std::vector<std::string>{"gp", "epr"}));
  EXPECT_EQ(back->payload, "MSH|payload");
  EXPECT_TRUE(decode(encode({Envelope::Kind::kReceived, 7, {}, {}}))->destinations.empty());
  EXPECT_FALSE(decode(""));
  const std::string header = std::string(8, '\0') + std::string(4, '\0');  // id 0, no payload
  EXPECT_FALSE(decode("R1234567"));
  EXPECT_FALSE(decode("X" + header));
  EXPECT_FALSE(decode("M" + header + "gp\n"));
  EXPECT_FALSE(decode("M" + header + "gp\n\nepr"));
  EXPECT_FALSE(decode("R" + std::string(8, '\0') + std::string("\0\0\0\x09", 4) + "short"));
}

TEST(Retry, BackoffDoublesWithJitterUpToTheCap) {
  config::RetryPolicy p;
  p.base = std::chrono::milliseconds(100);
  p.cap = std::chrono::milliseconds(1000);
  for (int i = 0; i < 50; ++i) {
    const auto first = backoffDelay(p, 1).count();
    EXPECT_GE(first, 50);
    EXPECT_LE(first, 100);
    const auto third = backoffDelay(p, 3).count();
    EXPECT_GE(third, 200);
    EXPECT_LE(third, 400);
    const auto late = backoffDelay(p, 40).count();
    EXPECT_GE(late, 500);
    EXPECT_LE(late, 1000);
  }
}

TEST(FileDestination, WritesEachMessageAtomicallyUnderItsJournalId) {
  const auto dir = std::filesystem::temp_directory_path() /
                   ("file-dest-" + std::to_string(::getpid())) / "outbox";
  std::filesystem::remove_all(dir.parent_path());
  FileDestination out(dir, "demo");
  auto r = out.deliver("MSH|^~\\&|A\r", 42);
  EXPECT_EQ(r.kind, DeliveryResult::Kind::kDelivered) << r.reason;
  std::ifstream in(dir / "demo-42.hl7", std::ios::binary);
  EXPECT_EQ(std::string(std::istreambuf_iterator<char>(in), {}), "MSH|^~\\&|A\r");
  int files = 0;
  for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(dir)) ++files;
  EXPECT_EQ(files, 1);                                           // no temporary file left behind
  FileDestination blocked(dir / "demo-42.hl7" / "sub", "demo");  // a file where a folder must be
  EXPECT_EQ(blocked.deliver("x", 1).kind, DeliveryResult::Kind::kRetryLater);
  std::filesystem::remove_all(dir.parent_path());
}

TEST(FileSource, MatchesGlobPatterns) {
  EXPECT_TRUE(globMatch("*.hl7", "result.hl7"));
  EXPECT_TRUE(globMatch("*.hl7", ".hl7"));
  EXPECT_TRUE(globMatch("ORU_??.txt", "ORU_01.txt"));
  EXPECT_TRUE(globMatch("*", "anything"));
  EXPECT_FALSE(globMatch("*.hl7", "result.hl7.tmp"));
  EXPECT_FALSE(globMatch("ORU_??.txt", "ORU_1.txt"));
  EXPECT_FALSE(globMatch("a*b*c", "abx"));
}

}  // namespace
}  // namespace pathhub::pipeline

// Pipeline parts on their own: the stage envelope and retry backoff.
#include <gtest/gtest.h>

#include "expect_error.h"
#include "pipeline/envelope.h"
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
  EXPECT_FAILS_WITH(decode(""), ErrorCode::kMalformedMessage);
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

}  // namespace
}  // namespace pathhub::pipeline

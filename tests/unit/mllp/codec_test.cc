// MLLP decoding: partial reads, several frames per read, noise, size limits, resync.
#include <gtest/gtest.h>

#include "mllp/mllp_codec.h"

namespace pathhub::mllp {
namespace {

std::vector<DecodedFrame> feedAll(Decoder& d, std::string_view bytes) {
  std::vector<DecodedFrame> out;
  d.feed(bytes, out);
  return out;
}

TEST(Mllp, FramesAPayload) { EXPECT_EQ(frame("MSH|x"), "\x0bMSH|x\x1c\r"); }

TEST(Mllp, DecodesAFrameDeliveredOneByteAtATime) {
  Decoder d;
  const std::string bytes = frame("MSH|^~\\&|A\rPID|1\r");
  std::vector<DecodedFrame> out;
  for (char c : bytes) d.feed(std::string_view(&c, 1), out);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_TRUE(out[0].ok);
  EXPECT_EQ(out[0].payload, "MSH|^~\\&|A\rPID|1\r");
  EXPECT_FALSE(d.inFrame());
}

TEST(Mllp, DecodesSeveralFramesFromOneRead) {
  Decoder d;
  auto out = feedAll(d, frame("one") + frame("two") + frame("three"));
  ASSERT_EQ(out.size(), 3u);
  EXPECT_EQ(out[2].payload, "three");
}

// Whitespace between frames is nothing; text outside a frame is refused (framing_error) at its
// line end or the next start block, kept as the refused frame's payload, so a sender that
// does not frame gets an answer (issue 18, item 7).
TEST(Mllp, SkipsWhitespaceAndRefusesTextOutsideAFrame) {
  Decoder d;
  auto out = feedAll(d, "\r\n  \r\n" + frame("msg"));
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].payload, "msg");
  EXPECT_EQ(d.bytesSkipped(), 6u);
  Decoder e;
  out = feedAll(e, "\r\n  junk" + frame("msg") + "more junk\r\n");
  ASSERT_EQ(out.size(), 3u);
  EXPECT_FALSE(out[0].ok);
  EXPECT_EQ(out[0].error.code, ErrorCode::kFramingError);
  EXPECT_EQ(out[0].payload, "junk");
  EXPECT_EQ(out[1].payload, "msg");
  EXPECT_FALSE(out[2].ok);
  EXPECT_EQ(out[2].payload, "more junk");
  // What is kept of the text never exceeds the limit on a message (mllp_decode_fuzzer).
  Decoder small(16);
  out = feedAll(small, std::string(100, 'x') + "\r");
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].payload, std::string(16, 'x'));
}

TEST(Mllp, AcceptsAnEndBlockWithoutCarriageReturn) {
  Decoder d;
  auto out = feedAll(d,
                     "\x0b"
                     "a\x1c"
                     "\x0b"
                     "b\x1c\r");
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].payload, "a");
  EXPECT_EQ(out[1].payload, "b");
  EXPECT_EQ(d.bytesSkipped(), 0u);
}

TEST(Mllp, RefusesAnOversizedFrameOnceThenResynchronises) {
  Decoder d(10);
  std::vector<DecodedFrame> out;
  d.feed("\x0b" + std::string(8, 'x'), out);
  d.feed(std::string(100, 'y'), out);  // the limit is crossed here
  d.feed(std::string(100, 'z') + "\x1c\r", out);
  d.feed(frame("small"), out);
  ASSERT_EQ(out.size(), 2u);
  EXPECT_FALSE(out[0].ok);
  EXPECT_EQ(out[0].error.code, ErrorCode::kMessageTooLarge);
  EXPECT_EQ(*out[0].error.context.byteOffset, 0u);
  EXPECT_TRUE(out[1].ok);
  EXPECT_EQ(out[1].payload, "small");
}

TEST(Mllp, ReportsAFrameCutShortByANewStartBlock) {
  Decoder d;
  auto out = feedAll(d,
                     "\x0b"
                     "partial" +
                         frame("whole"));
  ASSERT_EQ(out.size(), 2u);
  EXPECT_FALSE(out[0].ok);
  EXPECT_EQ(out[0].error.code, ErrorCode::kFramingError);
  EXPECT_NE(out[0].error.text.find("truncated"), std::string::npos);
  EXPECT_EQ(out[1].payload, "whole");
}

TEST(Mllp, ReportsAnUnfinishedFrameThroughInFrame) {
  Decoder d;
  auto out = feedAll(d,
                     "\x0b"
                     "half a mess");
  EXPECT_TRUE(out.empty());
  EXPECT_TRUE(d.inFrame());
}

}  // namespace
}  // namespace pathhub::mllp

// Error values: stable code names and the location sentence.
#include "pathhub/error.h"

#include <gtest/gtest.h>

namespace pathhub {
namespace {

TEST(Error, DescribeNamesCodeTextAndLocation) {
  ErrorContext ctx;
  ctx.segment = "OBX";
  ctx.segmentIndex = 4;
  ctx.field = 5;
  ctx.byteOffset = 214;
  Error e{ErrorCode::kMalformedMessage, "value is not a number", ctx};
  EXPECT_EQ(e.describe(),
            "malformed_message: value is not a number (segment 4 OBX, field 5, byte 214)");
  ErrorContext file;
  file.file = "scripts/demo.lua";
  file.line = 12;
  EXPECT_EQ(Error({ErrorCode::kInvalidValue, "bad", file}).describe(),
            "invalid_value: bad (scripts/demo.lua:12)");
}

TEST(Error, CodeNamesAreStableAndDistinct) {
  EXPECT_EQ(errorCodeName(ErrorCode::kMalformedMessage), "malformed_message");
  EXPECT_EQ(errorCodeName(ErrorCode::kMessageTooLarge), "message_too_large");
  EXPECT_EQ(errorCodeName(ErrorCode::kFramingError), "framing_error");
  EXPECT_EQ(errorCodeName(ErrorCode::kTimeout), "timeout");
  EXPECT_EQ(static_cast<int>(ErrorCode::kUsage), 8);
}

}  // namespace
}  // namespace pathhub

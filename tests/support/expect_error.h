// Checking that a Result failed for the reason expected, not only that it failed:
// EXPECT_FALSE(send(...)) passes for any failure, a wrong one included.
#pragma once

#include <gtest/gtest.h>

#include "pathhub/error.h"

namespace pathhub::testing {

template <typename T>
::testing::AssertionResult failsWith(const Result<T>& result, ErrorCode code) {
  if (result) return ::testing::AssertionFailure() << "it succeeded";
  if (result.error().code != code) {
    return ::testing::AssertionFailure()
           << "it failed with " << errorCodeName(result.error().code) << " instead of "
           << errorCodeName(code) << ": " << result.error().describe();
  }
  return ::testing::AssertionSuccess();
}

}  // namespace pathhub::testing

// EXPECT_FAILS_WITH(parse(text), ErrorCode::kMalformedMessage)
#define EXPECT_FAILS_WITH(expr, code) EXPECT_TRUE(::pathhub::testing::failsWith((expr), (code)))

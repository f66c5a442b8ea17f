// Parsing a message that a test expects to be valid: fails the test (with the parser's own
// error) rather than crashing when it is not.
#pragma once

#include <gtest/gtest.h>

#include <string>

#include "hl7/message.h"

namespace pathhub::testing {

inline hl7::Message parseOk(const std::string& text) {
  auto m = hl7::Message::parse(text);
  EXPECT_TRUE(m.has_value()) << (m ? "" : m.error().describe());
  return m ? std::move(*m) : hl7::Message{};
}

}  // namespace pathhub::testing

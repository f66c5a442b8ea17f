// Field-level differences between two versions of a message, for people checking a mapping:
// `PID-3.1: "123" → "9434765919"`.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "hl7/message.h"

namespace pathhub::hl7 {

struct FieldChange {
  std::string path;    // "PID-3[1].1", "OBX[2]-5", or "segment 7" for added/removed segments
  std::string before;  // decoded text ("" when absent)
  std::string after;
};

// Compares segment by segment (by id and occurrence); within a field, component by component
// when both sides have components, so a change is reported as narrowly as it happened.
std::vector<FieldChange> diffMessages(const Message& before, const Message& after);

// The same for two messages as ER7 text with \r between segments (as the hub stores them), where
// most segments are usually the same: only the segments whose text differs are parsed, so a
// diff of a long report changed in two fields costs little more than comparing its bytes.
// Nullopt when either is not such a message (no MSH first, another segment separator) or does
// not parse: the caller parses both and calls diffMessages.
std::optional<std::vector<FieldChange>> diffMessageTexts(std::string_view before,
                                                         std::string_view after);

}  // namespace pathhub::hl7

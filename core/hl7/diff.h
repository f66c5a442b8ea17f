// Field-level differences between two versions of a message, for people checking a mapping:
// `PID-3.1: "123" → "9434765919"`.
#pragma once

#include <string>
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

}  // namespace pathhub::hl7

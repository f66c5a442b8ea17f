// The human-readable tree view of hl7inspect: one line per non-empty field with its name,
// indented lines for repetitions, components and subcomponents.
#pragma once

#include <ostream>

#include "hl7/message.h"

namespace pathhub::tools {

void printTree(const hl7::Message& message, std::ostream& out);

}  // namespace pathhub::tools

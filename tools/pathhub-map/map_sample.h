// `pathhub-map SCRIPT --in FILE`: runs a mapping script on each message of a sample file the way
// the hub would, and prints the outcome, the routes, what changed field by field, and the result.
#pragma once

#include <ostream>
#include <string>

namespace pathhub::tools {

// Returns the exit status: 0 when every message mapped (or was filtered), 1 when one failed,
// 2 when the script or the sample cannot be read.
int mapSample(const std::string& script, const std::string& sample, std::ostream& out,
              std::ostream& err);

}  // namespace pathhub::tools

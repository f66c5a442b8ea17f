// `pathhub-map SCRIPT --replay CHANNEL [options]`: a diff-replay (core/replay) of SCRIPT over
// the traffic CHANNEL received, read straight from the hub's journal (the configuration says
// where it is, and how the channel routes) without writing to it.
#pragma once

#include <ostream>
#include <string>
#include <vector>

namespace pathhub::tools {

// `args` are those after SCRIPT --replay CHANNEL. Exit status: 0 nothing changed, 1 something
// changed, 2 bad usage, an unreadable script or journal.
int replayCommand(const std::string& script, const std::string& channel,
                  const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace pathhub::tools

// The tables of mapping scripts' versions (schema 4 on both backends): each script text a
// channel has run, numbered per channel, with who brought it and from where; each time a
// channel's live version changed; and, on each message, the version that mapped it.
#pragma once

#include <string>
#include <vector>

namespace pathhub::journal {

// The statements that add them, in the backend's types.
std::vector<std::string> scriptSchema(bool postgres);

}  // namespace pathhub::journal

// pathhubctl scripts: a channel's mapping script versions, and putting an earlier one back.
//
//   pathhubctl scripts CHANNEL                      the versions, the live one marked
//   pathhubctl scripts CHANNEL --rollback VERSION   make VERSION live again
#pragma once

#include <string>
#include <vector>

#include "api_client.h"
#include "commands.h"

namespace pathhub::ctl {

// Exit status as runCommand's.
int scriptsCommand(ApiClient& api, const Options& options, const std::vector<std::string>& args);

}  // namespace pathhub::ctl

// pathhubctl backup FILE: a consistent copy of the running hub's journal, written to FILE.
#pragma once

#include <string>
#include <vector>

#include "api_client.h"
#include "commands.h"

namespace pathhub::ctl {

// Exit status as runCommand's.
int backupCommand(ApiClient& api, const Options& options, const std::vector<std::string>& args);

}  // namespace pathhub::ctl

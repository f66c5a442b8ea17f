// pathhubctl's commands: each turns its arguments into one API call and prints the answer,
// as a table for people or, with --json, as the API's JSON for scripts.
#pragma once

#include <string>
#include <vector>

#include "api_client.h"

namespace pathhub::ctl {

struct Options {
  bool json = false;
};

// Runs `command` with `args`; returns the exit status (0 ok, 1 the API refused or failed,
// 2 bad usage or the hub could not be reached). Messages go to stdout/stderr.
int runCommand(ApiClient& api, const Options& options, const std::string& command,
               const std::vector<std::string>& args);

}  // namespace pathhub::ctl

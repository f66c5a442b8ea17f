// pathhubctl record: a patient's reports in the network's record (the FHIR API under
// /fhir/R4/), what the record holds, and rebuilding it from the journal.
#pragma once

#include <string>
#include <vector>

#include "api_client.h"
#include "commands.h"

namespace pathhub::ctl {

// Exit status as runCommand's.
int recordCommand(ApiClient& api, const Options& options, const std::vector<std::string>& args);

}  // namespace pathhub::ctl

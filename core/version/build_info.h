// What this build is: the release version (CMake's project version), the git commit it was
// built from, and the plugin ABI it speaks — for `--version`, /api/v1/status and the journal's
// record of which program migrated it.
#pragma once

#include <string>

namespace pathhub::build {

extern const char* const kVersion;    // "0.1.0"
extern const char* const kGitCommit;  // "3f2c1a9b0d4e", "+changes" added when the tree was
                                      // not clean at configure time; "unknown" without git
std::string pluginAbi();              // "1.3": PHUB_ABI_MAJOR.PHUB_ABI_MINOR

}  // namespace pathhub::build

// Reading a whole input file (or stdin for "-") for the command-line programs.
#pragma once

#include <string>

#include "pathhub/error.h"

namespace pathhub::tools {

Result<std::string> readInput(const std::string& path);

}  // namespace pathhub::tools

// Whole-file reads for the command-line programs (see read_input.h).
#include "read_input.h"

#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>

namespace pathhub::tools {

Result<std::string> readInput(const std::string& path) {
  if (path == "-") {
    std::ostringstream all;
    all << std::cin.rdbuf();
    return all.str();
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    ErrorContext ctx;
    ctx.file = path;
    return fail(ErrorCode::kIoError, "cannot open the file", ctx);
  }
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

}  // namespace pathhub::tools

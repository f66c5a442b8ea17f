// The opt-out list's file (see opt_outs.h).
#include "record/opt_outs.h"

#include <cerrno>
#include <cstring>
#include <fstream>

#include "hl7/types.h"

namespace pathhub::record {

Result<std::set<std::string>> readOptOuts(const std::string& path) {
  std::ifstream in(path);
  if (!in) {
    ErrorContext where;
    where.file = path;
    return fail(ErrorCode::kInvalidValue,
                "the opt-out list cannot be read (" + std::string(std::strerror(errno)) + ")",
                where);
  }
  std::set<std::string> out;
  std::string line;
  for (int number = 1; std::getline(in, line); ++number) {
    std::string digits;
    for (char c : line) {
      if (c == '#') break;
      if (c != ' ' && c != '\t' && c != '\r') digits += c;
    }
    if (digits.empty()) continue;
    if (!hl7::isValidNhsNumber(digits)) {
      ErrorContext where;
      where.file = path;
      where.line = number;
      return fail(ErrorCode::kInvalidValue,
                  "'" + digits + "' is not a valid NHS number (ten digits, modulus 11)", where);
    }
    out.insert(digits);
  }
  return out;
}

}  // namespace pathhub::record

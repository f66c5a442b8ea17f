// The national-data-opt-out style list: NHS numbers whose results the record never shows to an
// organisation other than the one that sent them. A text file, one NHS number per line
// (spaces ignored, # comments), read at start and at every reload (<record optOuts>).
#pragma once

#include <set>
#include <string>

#include "pathhub/error.h"

namespace pathhub::record {

// The NHS numbers in `path`. A line that is not a valid NHS number (ten digits, modulus 11)
// is an error naming the file and line: a typo must not let a patient's opt-out lapse.
Result<std::set<std::string>> readOptOuts(const std::string& path);

}  // namespace pathhub::record

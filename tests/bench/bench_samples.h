// The messages the benchmarks measure, shared with the comparison against other parsers
// (tools/bench/compare_parsers.py reads the files hl7_bench --write-samples writes).
#pragma once

#include <string>

namespace pathhub::bench {

// A 1.5 KB ORU^R01 from the shared corpus (two OBR groups, SPM, twenty OBX), separators
// normalised to \r and the byte order mark removed so every parser reads the same bytes.
std::string oruSample();
// A 30 KB histopathology-style report: one OBR and several hundred FT OBX lines of text
// with line-break and delimiter escapes, generated deterministically.
std::string longTextReport();

}  // namespace pathhub::bench

// The WinPath dialect of HL7 v2 (Clinisys WinPath, as its ORU^R01 messages appear in the public
// UCLH feeds of ../shared/corpus/hl7v2), and the normal shape pathhub's scripts see. Each rule
// and the sample it comes from is listed in README.md.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "../dialect_common.h"

namespace pathhub::lims_winpath {

using dialect::Converted;

// WinPath → normal: comparators out of NM values into SN, units to UCUM where the table knows
// them, WinPath's local coding system spelt one way ("WinPath"), the hospital number's type
// to MR.
Result<Converted> normalise(std::string_view winpath);
// Normal → WinPath: SN comparators back into NM values, MR back to MEDREC.
Result<Converted> denormalise(std::string_view normal);

}  // namespace pathhub::lims_winpath

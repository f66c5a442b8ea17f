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

// The winpath codec's own settings (<codecSettings>).
struct Options {
  // The OBX-2 value type of the result naming an isolate's organism, among the results that
  // share the isolate's code and sub-id ("CE" in the public samples); "" leaves the parent link
  // as WinPath sends it.
  std::string organismValueType;
  explicit Options(const sdk::Settings& settings);
};

// WinPath → normal: comparators out of NM values into SN, units to UCUM where the table knows
// them, WinPath's local coding system spelt one way ("WinPath"), the hospital number's type
// to MR; with organismValueType, each child OBR-26.3 names its parent isolate's organism.
Result<Converted> normalise(std::string_view winpath, const Options& options);
// Normal → WinPath: SN comparators back into NM values, MR back to MEDREC, OBR-26.3 dropped
// when organismValueType filled it.
Result<Converted> denormalise(std::string_view normal, const Options& options);

}  // namespace pathhub::lims_winpath

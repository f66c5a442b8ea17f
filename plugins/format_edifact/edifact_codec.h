// The EDIFACT codec: an NHS003 MEDRPT interchange (or bare message) to HL7 v2 ORU^R01, one
// per report, and an ORU^R01 to an NHS003 interchange, through the canonical model
// (core/convert). UNT/UNZ counts are checked strictly: an interchange whose counts do not
// match is refused with the segment named, as an NHSACK would refuse it.
#pragma once

#include <string_view>

#include "pathhub/plugin_sdk.hpp"

namespace pathhub::format_edifact {

struct EdifactCodec {
  static void decode(std::string_view interchange, const sdk::Output& out);
  static void encode(std::string_view hl7v2, const sdk::Output& out);
};

}  // namespace pathhub::format_edifact

// The EDIFACT codec: an NHS003 MEDRPT interchange (or bare message) to HL7 v2 ORU^R01, one
// per report, and an ORU^R01 to an NHS003 interchange, through the canonical model
// (core/convert). UNT/UNZ counts are checked strictly: an interchange whose counts do not
// match is refused with the segment named, as an NHSACK would refuse it. Setting: localZone
// (../format_common.h), for HL7 v2 times sent without a zone.
#pragma once

#include <string_view>

#include "../format_common.h"
#include "pathhub/plugin_sdk.hpp"

namespace pathhub::format_edifact {

inline constexpr phub_config_key kKeys[] = {format::kLocalZoneKey};

struct EdifactCodec {
  explicit EdifactCodec(const sdk::Settings& settings) : options_(settings) {}
  void decode(std::string_view interchange, const sdk::Output& out) const;
  void encode(std::string_view hl7v2, const sdk::Output& out) const;

 private:
  format::Options options_;
};

}  // namespace pathhub::format_edifact

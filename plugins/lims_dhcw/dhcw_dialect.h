// The NHS Wales DHCW HL7 v2.5.1 ORU^R01 national profile, and the normal shape pathhub's
// scripts see. Each rule and the part of the public specification it comes from is listed in
// README.md.
#pragma once

#include <string_view>

#include "../dialect_common.h"

namespace pathhub::lims_dhcw {

// DHCW → normal: a document split over OBX segments (OBX-5 is limited to 32K) joined into
// one; units to their UCUM code where the table knows them.
Result<dialect::Converted> normalise(std::string_view dhcw);
// Normal → DHCW: documents longer than 32,000 characters split over several OBX.
Result<dialect::Converted> denormalise(std::string_view normal);

}  // namespace pathhub::lims_dhcw

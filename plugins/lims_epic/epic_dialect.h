// Epic's side of HL7 v2 lab interfaces (orders from Epic, results to Epic), as the public
// UCLH samples show it, and the normal shape. Rules and sources are in README.md.
#pragma once

#include <string_view>

#include "../dialect_common.h"

namespace pathhub::lims_epic {

// Epic → normal: nothing to change; what Epic adds (ZPV, MSH-15/16 AL|NE) is already in the
// normal shape: ZPV passes through for scripts, AL|NE asks the hub for enhanced-mode ACKs.
Result<dialect::Converted> normalise(std::string_view epic);
// Normal → Epic: MSH-15 AL and MSH-16 NE, the acknowledgement modes Epic's messages carry.
Result<dialect::Converted> denormalise(std::string_view normal);

}  // namespace pathhub::lims_epic

// The canonical model written as an HL7 v2 ORU^R01 message: the other half of v2_reader.h,
// so that v2 → model → v2 → model gives the same model. The version written is the header's
// (default 2.5.1): before 2.5 specimens go in OBR-7/14/15, from 2.5 in SPM segments. Documents
// are written as ED OBX segments of at most 32,000 base64 characters each (the DHCW profile's
// limit for OBX-5), and read back joined.
#pragma once

#include "hl7/message.h"
#include "model/pathology.h"
#include "pathhub/error.h"

namespace pathhub::model {

// What v2 cannot carry is added to message.warnings, named (model/warnings.h).
Result<hl7::Message> writeV2(Message& message);

// ISO 8601 ("2019-05-14T10:25:00+01:00", any precision) as an HL7 TS ("20190514102500+0100");
// text that is not ISO 8601 is returned unchanged.
std::string isoToHl7(const std::string& iso);

}  // namespace pathhub::model

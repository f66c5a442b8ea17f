// ASTM E1394 / CLSI LIS2-A2 records (H header, P patient, O order, R result, C comment, L
// terminator) turned into one HL7 v2.5 ORU^R01 per message (H..L): PID from P, an OBR per O,
// an OBX per R, NTE for C. The record delimiters are the ones the H record declares
// (usually "H|\^&": field |, repeat \, component ^, escape &).
#pragma once

#include <string>
#include <vector>

#include "pathhub/error.h"

namespace pathhub::transport_astm {

struct OruOptions {
  std::string sendingFacility;        // MSH-4 (e.g. the lab's ODS code)
  std::string codingSystem = "ASTM";  // OBX-3.3 / OBR-4.3 for the instrument's test codes
};

// `records` from an H record to an L record, each without its CR. The ORU's MSH-10 is derived
// from the records' bytes, so an instrument sending the same message again sends a duplicate
// the journal recognises.
Result<std::string> toOru(const std::vector<std::string>& records, const OruOptions& options);

}  // namespace pathhub::transport_astm

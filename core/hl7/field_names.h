// Names of the fields of common HL7 v2 segments (v2.5.1 wording), for people reading a
// message: hl7inspect's tree view, error texts, the HTTP API's parsed view.
#pragma once

#include <string_view>

namespace pathhub::hl7 {

// "Patient Identifier List" for ("PID", 3); "" for unknown segments or fields.
std::string_view fieldName(std::string_view segment, int field);
// "Patient Identification" for "PID"; "" when the segment is not in the table.
std::string_view segmentDescription(std::string_view segment);
// Whether the segment id is one of the standard segments the table knows.
bool isKnownSegment(std::string_view segment);

}  // namespace pathhub::hl7

// What one journal message adds to the network's pathology record: each result report it
// carries, as the FHIR R4 resources the model's Bundle writer makes (UK Core shapes), with
// logical ids that stay the same from one version of a report to the next, references between
// them rewritten to those ids, and the fields searches filter on.
//
// A report's identity (its logical id) is the sender's (MSH-4 / UNB / MessageHeader.sender),
// the filler's number (else the placer's), the test code and, for a microbiology child report,
// its parent: a corrected report from the same lab is a new version of the same report,
// whatever patient it now names (a correction that moves a report to another patient takes it
// out of the first patient's record). A report with neither number cannot be told apart from
// another: each such report stands alone, never superseded.
//
// Reports of a patient without a valid NHS number are not recorded, only counted: the record
// is searched by NHS number, and a local identifier is no basis to join trusts' results.
#pragma once

#include <string>

#include "journal/record_types.h"

namespace pathhub::record {

journal::RecordedMessage buildRecord(const journal::RecordSource& source);

// The record's logical id for a key: 32 hex digits of its SHA-256 (ids must not collide: two
// reports sharing one would be merged).
std::string logicalId(const std::string& key);

}  // namespace pathhub::record

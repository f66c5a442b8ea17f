// An NHSACK as HL7 v2 application acknowledgements, so that the hub matches the answers of GP
// practices the way it matches any ACK (core/acks): one ACK per message the NHSACK names (NMR),
// MSA-1 AA for MA and AR for MR (each FTX+ERD reason in MSA-3 and an ERR segment), MSA-2 the
// acknowledged message's key "<interchange reference>/<message reference>"; an NHSACK naming no
// message answers the whole interchange: one ACK whose MSA-2 is the interchange reference (AA
// for IAF, AR otherwise). MSH-3/4 are the practice that answers, MSH-5/6 the sender it
// answers; MSH-10 is "<the NHSACK's own interchange reference>/<n>", so a resent NHSACK is
// recognised as a duplicate.
#pragma once

#include <string>
#include <vector>

#include "edifact/nhsack.h"

namespace pathhub::edifact {

std::vector<std::string> nhsAckAsV2(const NhsAck& ack, const std::string& ownReference);

// The key an acknowledgement names one message of an interchange by (MSA-2 above).
std::string acknowledgementKey(const std::string& interchangeReference,
                               const std::string& messageReference);

// An interchange reference (UNB-5, at most 14 letters and digits) for a message: its id when
// that fits, else 14 characters derived from it, so the same message always gets the same one.
std::string interchangeReferenceFor(const std::string& messageId);

}  // namespace pathhub::edifact

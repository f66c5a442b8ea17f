// NHSACK (NHS001): the acknowledgement a GP system returns for an interchange of pathology
// reports, read and written. NIR names the interchange acknowledged and how it fared: IAF
// accepted in full, IAP accepted in part, IRA rejected (every message), IRI rejected as
// invalid, IRM rejected: message(s) invalid. One NMR per message: MA accepted, MR rejected
// (with FTX+ERD giving the reason).
#pragma once

#include <string>
#include <vector>

#include "edifact/edifact_syntax.h"
#include "pathhub/error.h"

namespace pathhub::edifact {

struct NhsAck {
  std::string interchangeReference;  // of the interchange acknowledged (NIR SIR)
  std::string sender, recipient;     // of that interchange
  std::string status;                // IAF, IAP, IRA, IRI, IRM
  struct MessageStatus {
    std::string reference;  // the message's UNH reference
    bool accepted = true;
    std::vector<std::string> reasons;  // FTX+ERD
  };
  std::vector<MessageStatus> messages;
  std::string date;  // DTM+137, CCYYMMDD
};

Result<NhsAck> readNhsAck(const Message& message);

// The acknowledgement of `received`: IAF when no message is in `rejected` (reference → reason),
// IAP when some are, IRA when all are.
NhsAck acknowledge(const Interchange& received,
                   const std::vector<std::pair<std::string, std::string>>& rejected,
                   const std::string& date);

// The NHSACK interchange text, sent back from `ack.recipient` to `ack.sender`; `reference` is
// the new interchange's own reference, `time` HHMM.
std::string writeNhsAck(const NhsAck& ack, const std::string& reference, const std::string& time);

}  // namespace pathhub::edifact

// Closing the loop with receivers that answer later: which references a message sent will be
// answered by, and what an answer that arrives says. Answers arrive as HL7 v2 ACKs — a
// practice's NHSACK becomes ACKs through the edifact codec (edifact/nhsack_v2.h) — on any
// channel; the channel settles them against the journal's awaited answers before mapping.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "hl7/message.h"
#include "journal/journal.h"

namespace pathhub::acks {

struct Expected {
  std::vector<std::string> references;  // what an answer names (MSA-2)
  std::string recipient;                // who answers (compared with the answer's MSH-3/4)
};

// For an EDIFACT interchange: "<UNB reference>/<UNH reference>" per message, the recipient the
// UNB's; for HL7 v2: MSH-10, the recipient MSH-6 (else MSH-5); for a FHIR message Bundle (JSON
// or XML): its MessageHeader.id, which the FHIR response message names, any recipient. (FHIR
// over HTTP is answered at once by the HTTP response: its practices say acknowledgement=no.)
Expected expectedAnswers(std::string_view sent);

// The answer an HL7 v2 ACK carries (MSA-1 AA/CA accepted; AE, AR, CE, CR not, with MSA-3 and
// ERR-8 as the detail); nullopt when the message is not an ACK with an MSA.
std::optional<journal::Journal::Answer> answerIn(const hl7::Message& message,
                                                 journal::MessageId id);

}  // namespace pathhub::acks

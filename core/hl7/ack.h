// Building HL7 v2 acknowledgements (ACK) for a received message.
//
// Original mode answers AA / AE / AR; enhanced mode, chosen by the sender through MSH-15 or
// MSH-16, answers CA / CE / CR and only when MSH-15 asks for it (AL, ER, SU; NE means never).
// The ACK swaps sender and receiver (MSH-3/4 ⇄ MSH-5/6), echoes the control id in MSA-2, and
// describes each problem in an ERR segment with an HL7 table 0357 code and the failing
// location, in the layout of the message's own version (ERR-1 before v2.5, ERR-2..8 after).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "hl7/message.h"
#include "pathhub/error.h"

namespace pathhub::hl7 {

enum class AckCode { kAccept, kError, kReject };  // AA/CA, AE/CE, AR/CR
enum class AckMode { kOriginal, kEnhanced };

AckMode ackModeOf(const Message& original);
// Whether the sender wants an acknowledgement for this outcome: always in original mode; in
// enhanced mode as MSH-15 says (AL or empty: always, NE: never, ER: on error, SU: on success).
bool wantsAck(const Message& original, AckCode code);

// HL7 table 0357 message error condition codes used by pathhub.
enum Hl7ErrorCode : int {
  kHl7SegmentSequenceError = 100,
  kHl7RequiredFieldMissing = 101,
  kHl7DataTypeError = 102,
  kHl7TableValueNotFound = 103,
  kHl7UnsupportedMessageType = 200,
  kHl7UnsupportedEventCode = 201,
  kHl7UnsupportedProcessingId = 202,
  kHl7UnsupportedVersionId = 203,
  kHl7DuplicateKey = 205,
  kHl7ApplicationInternalError = 207,
};
std::string_view hl7ErrorText(int code);

// One problem reported in an ERR segment.
struct AckError {
  int code = kHl7ApplicationInternalError;  // HL7 table 0357
  std::string text;                         // ERR-8 user message (MSA-3 in old versions)
  char severity = 'E';                      // E error, W warning, I information
  std::string segment;                      // failing location, as far as it is known
  int segmentSequence = 0, field = 0, repetition = 0, component = 0, subcomponent = 0;

  // Maps a pathhub error (code, text and context) onto an ERR description.
  static AckError from(const Error& error);
};

struct AckOptions {
  std::string controlId;  // MSH-10 of the ACK; generated when empty
  std::string timestamp;  // MSH-7; the current UTC time when empty
  std::string text;       // MSA-3 text message; defaults to the first error's text
};

// ER7 bytes of the acknowledgement for `original` (segments separated by \r, no framing).
std::string buildAck(const Message& original, AckCode code, const AckOptions& options = {},
                     const std::vector<AckError>& errors = {});

// The acknowledgement for input that did not parse: header fields are taken from the input's
// first segment when that much can be read, otherwise defaults ("|^~\&", v2.5) are used.
std::string buildAckForUnparsed(std::string_view input, AckCode code, const AckOptions& options,
                                const std::vector<AckError>& errors);

// The current UTC time as an HL7 timestamp, "YYYYMMDDHHMMSS+0000".
std::string currentHl7Timestamp();

}  // namespace pathhub::hl7

// Splitting a file or stream that holds several HL7 v2 messages into single messages.
//
// Two layouts are accepted: messages one after another (each starting with MSH, optionally
// separated by blank lines), and HL7 batch files wrapped in FHS/BHS ... BTS/FTS. Batch
// trailers that state a count (BTS-1 messages, FTS-1 batches) are checked, so a truncated
// batch is reported instead of silently processed in part.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "pathhub/error.h"

namespace pathhub::hl7 {

struct SplitMessages {
  std::vector<std::string_view> messages;  // each from its MSH to its last segment terminator
  std::vector<std::string_view> envelope;  // FHS, BHS, BTS and FTS segments, in file order
  bool isBatch() const { return !envelope.empty(); }
};

// Finds the messages in `text`. Views point into `text`. Errors name the line and byte of
// the first segment that belongs to no message or of a trailer count that does not match.
Result<SplitMessages> splitMessages(std::string_view text);

// `text` with every segment separator (\r\n, \n or \r) written as \r: the form a parsed
// message re-encodes to. Used to check that a round trip is lossless.
std::string normalizeSegmentSeparators(std::string_view text);

}  // namespace pathhub::hl7

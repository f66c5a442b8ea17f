// What travels between pipeline stages over ZeroMQ: news of a journal state, never the
// message itself (the journal is the truth; a restarted stage rebuilds its work from it).
//
// What a stage needs may ride along: the received message's bytes, so that a mapper need not
// read them back from the journal.
//
// Wire form: one frame: a kind byte, the journal id (8 bytes big-endian), the payload length
// (4 bytes big-endian) and payload, then the names of the destinations the news concerns,
// '\n'-separated. decode() refuses anything else.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "pathhub/error.h"

namespace pathhub::pipeline {

struct Envelope {
  enum class Kind : char { kReceived = 'R', kMapped = 'M', kStop = 'S' };
  Kind kind = Kind::kReceived;
  std::int64_t messageId = 0;
  std::vector<std::string> destinations;  // kMapped: who has a new delivery
  std::string payload;                    // kReceived: the message as received
};

std::string encode(const Envelope& envelope);
Result<Envelope> decode(std::string_view bytes);

}  // namespace pathhub::pipeline

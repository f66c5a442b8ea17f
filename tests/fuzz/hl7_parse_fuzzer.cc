// libFuzzer target: arbitrary bytes through message splitting, parsing, every read the tree
// offers, re-encoding, an edit, validation and the ACK builder. Invariants checked: a parsed
// message re-encodes to its normalised input, and an edit leaves a message that parses again.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "hl7/ack.h"
#include "hl7/batch.h"
#include "hl7/message.h"
#include "hl7/message_json.h"
#include "hl7/types.h"
#include "hl7/validate.h"

namespace {

using namespace pathhub::hl7;

void check(bool ok) {
  if (!ok) std::abort();
}

void exercise(std::string_view bytes) {
  auto message = Message::parse(std::string(bytes));
  if (!message) {
    (void)buildAckForUnparsed(bytes, AckCode::kReject, {}, {AckError::from(message.error())});
    return;
  }
  check(message->encode() == normalizeSegmentSeparators(bytes));
  for (std::size_t s = 0; s < message->segmentCount(); ++s) {
    for (int f = 1; f <= message->fieldCount(s); ++f) {
      Path p;
      p.field = f;
      const int reps = message->repetitionCount(s, p);
      for (int r = 1; r <= reps && r <= 4; ++r) {
        p.repetition = r;
        (void)message->get(s, p);
        (void)parseCx(message->getRaw(s, p), message->delimiters());
        (void)parseSn(message->getRaw(s, p), message->delimiters());
        (void)parseDateTime(message->get(s, p));
      }
    }
  }
  (void)validateStructure(*message);
  (void)messageToJson(*message);
  (void)buildAck(*message, AckCode::kAccept);
  Message edited = *message;
  if (edited.set("PID-3[2].4.2", "edit|^~\\&\n")) {
    check(Message::parse(edited.encode()).has_value());
    check(*edited.get("PID-3[2].4.2") == "edit|^~\\&\n" ||
          edited.delimiters().subcomponent == '\0');
  }
  // Writing over existing leaves (the offset-shifting path) and growing existing fields (the
  // one-field re-index) must leave the same index a fresh parse of the result builds.
  for (std::size_t s = 1; s < edited.segmentCount() && s < 6; ++s) {
    Path p;
    p.field = 1 + static_cast<int>(s % 3);
    if (edited.exists(s, p)) (void)edited.set(s, p, s % 2 ? "x" : "longer value");
    p.component = 3 + static_cast<int>(s % 2);
    p.subcomponent = static_cast<int>(s % 3);
    (void)edited.set(s, p, "grown");
  }
  auto reparsed = Message::parse(edited.encode());
  check(reparsed.has_value() && messageToJson(*reparsed) == messageToJson(edited));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  exercise(bytes);
  if (auto split = splitMessages(bytes)) {
    for (std::string_view m : split->messages) exercise(m);
  }
  return 0;
}

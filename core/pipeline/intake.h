// A channel's intake: what every source does with what it receives, whatever the transport.
// It parses enough to know the message (control id, type), keeps unreadable or oversized input
// as "rejected" with the reason, applies back-pressure, records the message in the journal and
// builds the HL7 acknowledgement the sender gets once the message is committed: AA/CA, AR/CR
// with an ERR segment for rejected input, AE/CE "busy" or "not stored, resend later". A source
// plugin reaches it through the host API's submit, refuse and submit_file.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>
#include <string_view>

#include "pipeline/channel.h"
#include "pipeline/converter.h"

namespace pathhub::pipeline {

struct Submission {
  enum class Status { kAccepted, kDuplicate, kRejected, kBusy, kFailed, kStopping };
  Status status = Status::kAccepted;
  std::int64_t messageId = 0;
  std::string reply;   // the HL7 acknowledgement for the sender ("" when none is wanted)
  std::string reason;  // why, when not accepted
  std::uint32_t messages = 0, rejected = 0;  // submitFile: messages in the file, rejected ones
};

class Intake {
 public:
  // `sourceType` names the source in the journal ("mllp"), which scopes duplicate detection.
  // `decoder`: the source's codec, when its input is not HL7 v2 (FHIR, EDIFACT): each input
  // is converted first, and each message it gives is recorded on its own, with the input kept
  // as an event of the first and the conversion's warnings as events of each. Input that does
  // not convert is kept as rejected with the codec's reason.
  Intake(Channel& channel, std::string sourceType, Converter decoder = {});

  // One message. Blocks while the channel is over its backlog limit (unless the channel
  // answers "busy" instead) and until the message is committed.
  Submission submit(std::string_view bytes, const std::string& origin);
  // Input refused before it is a message (unframed, too large, unconvertible: `code` says
  // which): recorded as rejected with `reason` and the code, answered AR with both.
  Submission refuse(std::string_view bytes, const std::string& origin, ErrorCode code,
                    const std::string& reason);
  // A file that may hold several messages or an HL7 batch: each is recorded on its own.
  Submission submitFile(std::string_view bytes, const std::string& origin);

  // Ends any wait for back-pressure; later submissions answer kStopping.
  void stop() { stopping_ = true; }

 private:
  // One HL7 v2 message, with events to record beside it.
  Submission submitHl7(std::string_view bytes, const std::string& origin,
                       std::vector<std::pair<std::string, std::string>> events);
  // Input in the decoder's format: converted, then each message submitted.
  Submission submitDecoded(std::string_view bytes, const std::string& origin);
  bool waitForRoom();  // false when stopping
  // Records `record` as rejected for `why` and builds the reject ACK for `bytes`.
  Submission keepRejected(journal::NewMessage record, std::string_view bytes, const Error& why);
  journal::NewMessage base(const std::string& origin) const;

  Channel& channel_;
  std::string source_;
  Converter decoder_;
  std::atomic<bool> stopping_{false};
};

}  // namespace pathhub::pipeline

// NHSACK read and write (see nhsack.h).
#include "edifact/nhsack.h"

#include <algorithm>

#include "edifact/edifact_writer.h"

namespace pathhub::edifact {

Result<NhsAck> readNhsAck(const Message& message) {
  if (message.type != "NHSACK") {
    return fail(ErrorCode::kInvalidValue,
                "message " + message.reference + " is " + message.type + ", not an NHSACK");
  }
  NhsAck ack;
  bool sawNir = false;
  for (const Segment& s : message.segments) {
    if (s.tag == "NIR") {
      sawNir = true;
      ack.interchangeReference = s.at(1, 2);
      ack.sender = s.at(2, 1);
      ack.recipient = s.at(3, 1);
      ack.status = s.at(4);
    } else if (s.tag == "NMR") {
      NhsAck::MessageStatus m;
      m.reference = s.at(1, 2);
      m.accepted = s.at(2) == "MA";
      if (s.at(2) != "MA" && s.at(2) != "MR") {
        return fail(ErrorCode::kInvalidValue, "segment " + std::to_string(s.number) +
                                                  " (NMR): status '" + s.at(2) +
                                                  "' is neither MA nor MR");
      }
      ack.messages.push_back(std::move(m));
    } else if (s.tag == "FTX" && s.at(1) == "ERD" && !ack.messages.empty()) {
      ack.messages.back().reasons.push_back(s.at(4));
    } else if (s.tag == "DTM" && s.at(1, 1) == "137") {
      ack.date = s.at(1, 2);
    }
  }
  if (!sawNir) return fail(ErrorCode::kInvalidValue, "NHSACK " + message.reference + " has no NIR");
  static const char* const kStatuses[] = {"IAF", "IAP", "IRA", "IRI", "IRM"};
  if (std::find(std::begin(kStatuses), std::end(kStatuses), ack.status) == std::end(kStatuses)) {
    return fail(ErrorCode::kInvalidValue, "NHSACK " + message.reference + ": NIR status '" +
                                              ack.status + "' is not IAF, IAP, IRA, IRI or IRM");
  }
  return ack;
}

NhsAck acknowledge(const Interchange& received,
                   const std::vector<std::pair<std::string, std::string>>& rejected,
                   const std::string& date) {
  NhsAck ack;
  ack.interchangeReference = received.reference;
  ack.sender = received.sender;
  ack.recipient = received.recipient;
  ack.date = date;
  std::size_t refused = 0;
  for (const Message& m : received.messages) {
    NhsAck::MessageStatus status;
    status.reference = m.reference;
    for (const auto& [reference, reason] : rejected) {
      if (reference == m.reference) {
        status.accepted = false;
        status.reasons.push_back(reason);
      }
    }
    refused += status.accepted ? 0 : 1;
    ack.messages.push_back(std::move(status));
  }
  ack.status = refused == 0 ? "IAF" : refused == ack.messages.size() ? "IRA" : "IAP";
  return ack;
}

std::string writeNhsAck(const NhsAck& ack, const std::string& reference, const std::string& time) {
  // The acknowledgement goes back: from the reports' recipient to their sender.
  InterchangeWriter w({ack.recipient, "80"}, {ack.sender, "80"},
                      ack.date.size() == 8 ? ack.date.substr(2) : ack.date, time, reference,
                      "NHSACK");
  w.beginMessage("1", {"NHSACK", "D", "1", "NH", "NHS001"});
  w.segment("BGM", {{"AKR"}});
  w.segment("DTM", {{"137", ack.date, "102"}});
  w.segment(
      "NIR",
      {{"SIR", ack.interchangeReference}, {ack.sender, "80"}, {ack.recipient, "80"}, {ack.status}});
  // An interchange rejected as a whole (IRI, IRM) names no message.
  if (ack.status != "IRI" && ack.status != "IRM") {
    for (const auto& m : ack.messages) {
      w.segment("NMR", {{"AGO", m.reference}, {m.accepted ? "MA" : "MR"}});
      for (const auto& reason : m.reasons) w.segment("FTX", {{"ERD"}, {}, {}, {reason}});
    }
  }
  w.endMessage();
  return w.finish();
}

}  // namespace pathhub::edifact

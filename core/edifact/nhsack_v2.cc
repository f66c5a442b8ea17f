// NHSACK as HL7 v2 ACKs (see nhsack_v2.h).
#include "edifact/nhsack_v2.h"

#include <cctype>
#include <cstdint>

#include "hl7/escape.h"

namespace pathhub::edifact {
namespace {

// Default delimiters always declare an escape character, so escaping cannot fail.
std::string escaped(const std::string& text) {
  return hl7::escape(text, hl7::Delimiters{}).value_or(std::string());
}

std::string ack(const NhsAck& a, const std::string& controlId, bool accepted,
                const std::string& key, const std::vector<std::string>& reasons) {
  std::string reason;
  for (const auto& r : reasons) reason += (reason.empty() ? "" : "; ") + r;
  const std::string date = a.date.empty() ? "" : a.date;
  std::string out = "MSH|^~\\&|" + escaped(a.recipient) + "|" + escaped(a.recipient) + "|" +
                    escaped(a.sender) + "|" + escaped(a.sender) + "|" + date + "||ACK|" +
                    escaped(controlId) + "|P|2.4\r";
  out += "MSA|" + std::string(accepted ? "AA" : "AR") + "|" + escaped(key) +
         (reason.empty() ? "" : "|" + escaped(reason)) + "\r";
  for (const auto& r : reasons) {
    out += "ERR|||207^Application internal error^HL70357|E||||" + escaped(r) + "\r";
  }
  return out;
}

}  // namespace

std::string acknowledgementKey(const std::string& interchangeReference,
                               const std::string& messageReference) {
  return interchangeReference + "/" + messageReference;
}

std::vector<std::string> nhsAckAsV2(const NhsAck& a, const std::string& ownReference) {
  std::vector<std::string> out;
  const std::string prefix = (ownReference.empty() ? a.interchangeReference : ownReference) + "/";
  if (a.messages.empty()) {
    const bool accepted = a.status == "IAF";
    out.push_back(ack(a, prefix + "1", accepted, a.interchangeReference,
                      accepted ? std::vector<std::string>{}
                               : std::vector<std::string>{"interchange " + a.status}));
    return out;
  }
  int n = 0;
  for (const auto& m : a.messages) {
    out.push_back(ack(a, prefix + std::to_string(++n), m.accepted,
                      acknowledgementKey(a.interchangeReference, m.reference), m.reasons));
  }
  return out;
}

std::string interchangeReferenceFor(const std::string& messageId) {
  bool fits = !messageId.empty() && messageId.size() <= 14;
  for (char c : messageId) fits = fits && std::isalnum(static_cast<unsigned char>(c));
  if (fits) return messageId;
  std::uint64_t h = 1469598103934665603ULL;  // FNV-1a 64: stable across runs and builds
  for (unsigned char c : messageId) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  const char* digits = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
  std::string out;
  for (int i = 0; i < 13; ++i) {
    out += digits[h % 36];
    h /= 36;
  }
  return "H" + out;  // a letter first: never mistaken for a plain sequence number
}

}  // namespace pathhub::edifact

// Acknowledgement builder (see ack.h).
#include "hl7/ack.h"

#include <atomic>
#include <chrono>
#include <ctime>

#include "hl7/escape.h"

namespace pathhub::hl7 {
namespace {

Path header(int field, int component = 0) { return Path::at("MSH", field, component); }

// The version in MSH-12.1 as major*100 + minor*10 + patch (2.3.1 → 231, 2.5 → 250).
int versionNumber(std::string_view version) {
  int parts[3] = {0, 0, 0};
  int part = 0;
  for (char c : version) {
    if (c == '.') {
      if (++part > 2) break;
    } else if (c >= '0' && c <= '9') {
      parts[part] = parts[part] * 10 + (c - '0');
    } else {
      break;
    }
  }
  return parts[0] * 100 + parts[1] * 10 + parts[2];
}

std::string_view codeText(AckCode code, AckMode mode) {
  const bool enhanced = mode == AckMode::kEnhanced;
  switch (code) {
    case AckCode::kAccept:
      return enhanced ? "CA" : "AA";
    case AckCode::kError:
      return enhanced ? "CE" : "AE";
    case AckCode::kReject:
      return enhanced ? "CR" : "AR";
  }
  return "AR";
}

std::string nextControlId() {
  static std::atomic<unsigned> counter{0};
  const auto now = std::chrono::system_clock::now().time_since_epoch();
  return "ACK" +
         std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(now).count()) + "." +
         std::to_string(counter.fetch_add(1) % 100000);
}

// Escapes free text for a field; the message's own escape character always exists here
// except for odd v2.1 headers, where unsafe characters are replaced by spaces.
std::string safeText(std::string_view text, const Delimiters& d) {
  if (auto escaped = escape(text, d)) return *escaped;
  std::string out(text);
  for (char& c : out) {
    if (c == d.field || c == d.component || c == d.repetition || c == d.subcomponent ||
        static_cast<unsigned char>(c) < 0x20) {
      c = ' ';
    }
  }
  return out;
}

std::string number(int n) { return n > 0 ? std::to_string(n) : std::string(); }

}  // namespace

AckMode ackModeOf(const Message& original) {
  return original.get(header(15)).empty() && original.get(header(16)).empty() ? AckMode::kOriginal
                                                                              : AckMode::kEnhanced;
}

bool wantsAck(const Message& original, AckCode code) {
  if (ackModeOf(original) == AckMode::kOriginal) return true;
  const std::string condition = original.get(header(15));
  if (condition == "NE") return false;
  if (condition == "ER") return code != AckCode::kAccept;
  if (condition == "SU") return code == AckCode::kAccept;
  return true;
}

std::string_view hl7ErrorText(int code) {
  switch (code) {
    case 0:
      return "Message accepted";
    case 100:
      return "Segment sequence error";
    case 101:
      return "Required field missing";
    case 102:
      return "Data type error";
    case 103:
      return "Table value not found";
    case 200:
      return "Unsupported message type";
    case 201:
      return "Unsupported event code";
    case 202:
      return "Unsupported processing id";
    case 203:
      return "Unsupported version id";
    case 204:
      return "Unknown key identifier";
    case 205:
      return "Duplicate key identifier";
    case 206:
      return "Application record locked";
    default:
      return "Application internal error";
  }
}

AckError AckError::from(const Error& error) {
  AckError out;
  switch (error.code) {
    case ErrorCode::kMalformedMessage:
    case ErrorCode::kInvalidValue:
      out.code = kHl7DataTypeError;
      break;
    default:
      out.code = kHl7ApplicationInternalError;
      break;
  }
  out.text = error.describe();
  out.segment = error.context.segment;
  out.segmentSequence = error.context.segmentOccurrence;
  out.field = error.context.field;
  return out;
}

std::string currentHl7Timestamp() {
  const std::time_t now = std::time(nullptr);
  std::tm utc{};
  gmtime_r(&now, &utc);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y%m%d%H%M%S+0000", &utc);
  return buf;
}

std::string buildAck(const Message& original, AckCode code, const AckOptions& options,
                     const std::vector<AckError>& errors) {
  const Delimiters& d = original.delimiters();
  const char f = d.field;
  const char c = d.component;
  const char s = d.subcomponent != '\0' ? d.subcomponent : d.component;
  const std::string versionRaw(original.getRaw(header(12)));
  const int version = versionNumber(original.version());
  const std::string trigger(original.getRaw(header(9, 2)));

  std::string ack = "MSH";
  ack += f;
  ack += d.encodingCharacters();
  auto field = [&ack, f](std::string_view value) {
    ack += f;
    ack += value;
  };
  field(original.getRaw(header(5)));
  field(original.getRaw(header(6)));
  field(original.getRaw(header(3)));
  field(original.getRaw(header(4)));
  field(options.timestamp.empty() ? currentHl7Timestamp() : options.timestamp);
  field("");
  std::string type = "ACK";
  if (!trigger.empty()) type += c + trigger;
  if (version >= 231) type += std::string(trigger.empty() ? 2 : 1, c) + "ACK";
  field(type);
  field(safeText(options.controlId.empty() ? nextControlId() : options.controlId, d));
  field(original.getRaw(header(11)));
  field(versionRaw);
  ack += '\r';

  ack += "MSA";
  field(codeText(code, ackModeOf(original)));
  field(original.getRaw(header(10)));
  const std::string text = !options.text.empty() ? options.text
                           : errors.empty()      ? std::string()
                                                 : errors[0].text;
  if (!text.empty()) field(safeText(text.substr(0, 200), d));

  for (const AckError& e : errors) {
    ack += "\rERR";
    const std::string codeCwe =
        std::to_string(e.code) + c + safeText(hl7ErrorText(e.code), d) + c + "HL70357";
    if (version < 250) {
      // ERR-1 (ELD): segment^sequence^field^code&text&table.
      std::string eld = safeText(e.segment, d) + c + number(e.segmentSequence) + c +
                        number(e.field) + c + std::to_string(e.code) + s +
                        safeText(hl7ErrorText(e.code), d) + s + "HL70357";
      field(eld);
    } else {
      field("");
      std::string erl;
      if (!e.segment.empty()) {
        erl = safeText(e.segment, d) + c + number(e.segmentSequence) + c + number(e.field) + c +
              number(e.repetition) + c + number(e.component) + c + number(e.subcomponent);
        while (!erl.empty() && erl.back() == c) erl.pop_back();
      }
      field(erl);
      field(codeCwe);
      field(std::string(1, e.severity));
      field("");
      field("");
      field("");
      field(safeText(e.text, d));
    }
  }
  ack += '\r';
  return ack;
}

std::string buildAckForUnparsed(std::string_view input, AckCode code, const AckOptions& options,
                                const std::vector<AckError>& errors) {
  if (auto headerOnly = Message::parseHeader(input)) {
    return buildAck(*headerOnly, code, options, errors);
  }
  auto fallback = Message::parse("MSH|^~\\&|||||||||P|2.5");
  return buildAck(*fallback, code, options, errors);
}

}  // namespace pathhub::hl7

// ASTM records to HL7 v2 ORU^R01 (see astm_records.h).
#include "astm_records.h"

#include <cstdint>
#include <cstdio>
#include <cstdlib>

#include "hl7/escape.h"
#include "hl7/message.h"

namespace pathhub::transport_astm {
namespace {

struct Delims {
  char field = '|', repeat = '\\', component = '^', escape = '&';
};

// One record split into fields: field(1) is the record type, as E1394 numbers them.
class Record {
 public:
  Record(const std::string& text, const Delims& d) : d_(d) {
    std::size_t start = 0;
    for (;;) {
      const std::size_t bar = text.find(d.field, start);
      fields_.push_back(text.substr(start, bar - start));
      if (bar == std::string::npos) break;
      start = bar + 1;
    }
  }
  char type() const { return fields_[0].empty() ? '?' : fields_[0][0]; }
  std::string field(std::size_t n) const { return n <= fields_.size() ? fields_[n - 1] : ""; }
  // Component c (1-based) of the first repetition of field n.
  std::string component(std::size_t n, std::size_t c) const {
    std::string f = field(n);
    f = f.substr(0, f.find(d_.repeat));
    for (std::size_t i = 1; i < c; ++i) {
      const std::size_t hat = f.find(d_.component);
      if (hat == std::string::npos) return "";
      f = f.substr(hat + 1);
    }
    return f.substr(0, f.find(d_.component));
  }
  // The test code of a universal test id (^^^code^name...): the first non-empty component
  // from the fourth on, as instruments fill them.
  std::string testCode(std::size_t n) const {
    for (std::size_t c = 4; c <= 6; ++c) {
      if (auto code = component(n, c); !code.empty()) return code;
    }
    return component(n, 1);
  }

 private:
  std::vector<std::string> fields_;
  Delims d_;
};

std::string text(const std::string& value) {
  auto escaped = hl7::escape(value, hl7::Delimiters{});
  return escaped ? *escaped : std::string();
}

bool numeric(const std::string& v) {
  if (v.empty()) return false;
  char* end = nullptr;
  std::strtod(v.c_str(), &end);
  return end && *end == '\0';
}

std::string fnv1a(const std::vector<std::string>& records) {
  std::uint64_t h = 1469598103934665603ULL;
  for (const auto& r : records) {
    for (unsigned char c : r) h = (h ^ c) * 1099511628211ULL;
    h = (h ^ '\r') * 1099511628211ULL;
  }
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llX", static_cast<unsigned long long>(h));
  return hex;
}

// E1394 result status → HL7 OBX-11.
std::string resultStatus(const std::string& astm) {
  if (astm == "C") return "C";
  if (astm == "P" || astm == "I" || astm == "S") return "P";
  if (astm == "X") return "X";
  return "F";
}

}  // namespace

Result<std::string> toOru(const std::vector<std::string>& records, const OruOptions& options) {
  if (records.empty() || records.front().size() < 5 || records.front()[0] != 'H') {
    return fail(ErrorCode::kMalformedMessage, "an ASTM message must start with an H record");
  }
  if (records.back().empty() || records.back()[0] != 'L') {
    return fail(ErrorCode::kMalformedMessage, "an ASTM message must end with an L record");
  }
  const std::string& h = records.front();
  Delims d{h[1], h[2], h[3], h[4]};
  const Record header(h, d);
  const std::string sender = header.component(5, 1);
  const std::string timestamp = header.field(14);

  std::string pid = "PID|1";
  std::vector<std::string> body;
  int obr = 0, obx = 0, nte = 0;
  bool anyResult = false;
  for (std::size_t i = 1; i + 1 < records.size(); ++i) {
    const Record r(records[i], d);
    switch (r.type()) {
      case 'P':
        pid = "PID|1||" + text(r.field(3).empty() ? r.field(4) : r.field(3)) + "||" +
              text(r.component(6, 1)) + "^" + text(r.component(6, 2)) + "||" + text(r.field(8)) +
              "|" + text(r.field(9));
        break;
      case 'O':
        ++obr;
        obx = 0;
        body.push_back("OBR|" + std::to_string(obr) + "|" + text(r.field(3)) + "|" +
                       text(r.field(3)) + "|" + text(r.testCode(5)) + "^^" +
                       text(options.codingSystem) + "|||" + text(r.field(8)));
        break;
      case 'R': {
        if (obr == 0) {
          ++obr;  // results without an order record still need an OBR to hang on
          body.push_back("OBR|1|||UNKNOWN^^" + text(options.codingSystem));
        }
        const std::string value = r.field(4);
        body.push_back("OBX|" + std::to_string(++obx) + "|" + (numeric(value) ? "NM" : "ST") + "|" +
                       text(r.testCode(3)) + "^^" + text(options.codingSystem) + "||" +
                       text(value) + "|" + text(r.field(5)) + "|" + text(r.field(6)) + "|" +
                       text(r.field(7)) + "|||" + resultStatus(r.field(9)) + "|||" +
                       text(r.field(13)) + "||||" + text(r.field(14)));
        anyResult = true;
        break;
      }
      case 'C':
        body.push_back("NTE|" + std::to_string(++nte) + "|L|" + text(r.component(4, 1)));
        break;
      default:
        break;  // Q (query), M (manufacturer) and S records carry nothing for a result
    }
  }
  if (!anyResult) return fail(ErrorCode::kMalformedMessage, "the ASTM message holds no R record");
  std::string oru = "MSH|^~\\&|" + text(sender) + "|" + text(options.sendingFacility) +
                    "|PATHHUB||" + text(timestamp) + "||ORU^R01^ORU_R01|A" + fnv1a(records) +
                    "|P|2.5\r" + pid + "\r";
  for (const auto& segment : body) oru += segment + "\r";
  if (auto parsed = hl7::Message::parse(oru); !parsed) {
    return fail(ErrorCode::kMalformedMessage,
                "the ORU made from the ASTM message does not parse: " + parsed.error().text);
  }
  return oru;
}

}  // namespace pathhub::transport_astm

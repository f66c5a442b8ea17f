// CoPath ⇄ normal HL7 v2 (see copath_dialect.h and README.md).
#include "copath_dialect.h"

#include <algorithm>
#include <cctype>

#include "../ed_parts.h"
#include "hl7/batch.h"
#include "hl7/message.h"

namespace pathhub::lims_copath {
namespace {

using hl7::Path;

constexpr std::size_t kLine = 76;  // base64 line length written back (RFC 2045's)

Path at(int field, int component = 0) { return Path::at("", field, component); }

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

// The whole OBX-5 of a MIME line, raw: it is MIME text, not HL7 (the sample's
// "name=C:\MIME\x.pdf" would otherwise read as an HL7 escape).
std::string line(const hl7::Message& m, std::size_t obx) {
  return std::string(m.getRaw(obx, at(5)));
}

}  // namespace

Result<dialect::Converted> normalise(std::string_view copath) {
  auto parsed = hl7::Message::parse(hl7::normalizeSegmentSeparators(copath));
  if (!parsed) return tl::unexpected(parsed.error());
  hl7::Message& m = *parsed;
  dialect::Converted out;
  auto obxs = m.segmentIndexes("OBX");
  for (std::size_t k = 0; k < obxs.size(); ++k) {
    const std::size_t first = obxs[k];
    if (m.get(first, at(2)) != "ED" || lower(line(m, first)).rfind("content-type:", 0) != 0) {
      continue;
    }
    // The MIME part: this OBX and the consecutive ED OBX of the same sub-id after it.
    std::vector<std::size_t> parts = {first};
    while (k + parts.size() < obxs.size()) {
      const std::size_t next = obxs[k + parts.size()];
      if (next != parts.back() + 1 || m.get(next, at(2)) != "ED" ||
          m.get(next, at(4)) != m.get(first, at(4))) {
        break;
      }
      parts.push_back(next);
    }
    std::string contentType, encoding, data;
    bool body = false;
    for (std::size_t p : parts) {
      const std::string text = line(m, p);
      if (body) {
        data += text;
      } else if (text.empty()) {
        body = true;  // the blank line ends the headers
      } else if (lower(text).rfind("content-type:", 0) == 0) {
        contentType = lower(text);
      } else if (lower(text).rfind("content-transfer-encoding:", 0) == 0) {
        encoding = lower(text.substr(26));
      }
    }
    encoding.erase(0, encoding.find_first_not_of(' '));
    if (encoding != "base64") {
      out.warnings.push_back("CoPath: a document with transfer encoding '" + encoding +
                             "' is left as sent");
      continue;
    }
    // The sample's header says text/plain but names a .pdf and the data is a PDF ("%PDF" is
    // "JVBER" in base64): the data decides.
    const bool pdf = data.rfind("JVBER", 0) == 0 || contentType.find(".pdf") != std::string::npos;
    const std::string type = pdf ? "AP" : "TEXT", subtype = pdf ? "PDF" : "PLAIN";
    (void)m.setRaw(first, at(5), "");
    (void)m.set(first, at(5, 2), type);
    (void)m.set(first, at(5, 3), subtype);
    (void)m.set(first, at(5, 4), "Base64");
    (void)m.set(first, at(5, 5), data);
    for (std::size_t i = parts.size(); i-- > 1;) (void)m.removeSegment(parts[i]);
    obxs = m.segmentIndexes("OBX");
  }
  dialect::renumberObx(m);
  out.bytes = m.encode();
  return out;
}

Result<dialect::Converted> denormalise(std::string_view normal) {
  auto parsed = hl7::Message::parse(hl7::normalizeSegmentSeparators(normal));
  if (!parsed) return tl::unexpected(parsed.error());
  hl7::Message& m = *parsed;
  const auto obxs = m.segmentIndexes("OBX");
  for (std::size_t k = obxs.size(); k-- > 0;) {
    const std::size_t obx = obxs[k];
    if (m.get(obx, at(2)) != "ED" || m.get(obx, at(5, 4)) != "Base64") continue;
    const std::string data = m.get(obx, at(5, 5));
    const std::string type = m.get(obx, at(5, 3)) == "PDF" ? "application/pdf" : "text/plain";
    std::vector<std::string> lines = {"Content-Type: " + type, "Content-transfer-encoding: base64",
                                      ""};
    for (std::size_t at76 = 0; at76 < data.size(); at76 += kLine)
      lines.push_back(data.substr(at76, kLine));
    const std::string segment(m.segmentText(obx));
    for (std::size_t i = lines.size(); i-- > 1;) {
      (void)m.insertSegment(obx + 1, segment);
      (void)m.setRaw(obx + 1, at(5), "");
      (void)m.set(obx + 1, at(5), lines[i]);
    }
    (void)m.setRaw(obx, at(5), "");
    (void)m.set(obx, at(5), lines[0]);
  }
  dialect::renumberObx(m);
  return dialect::Converted{m.encode(), {}};
}

}  // namespace pathhub::lims_copath

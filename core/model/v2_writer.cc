// Model → HL7 v2 (see v2_writer.h).
#include "model/v2_writer.h"

#include <cctype>

#include "model/ranges.h"
#include "model/vocabulary.h"
#include "model/warnings.h"

namespace pathhub::model {
namespace {

using hl7::Path;

constexpr std::size_t kEdChunk = 32000;

bool before25(const std::string& version) {
  return !version.empty() && version < "2.5";  // "2.2" … "2.4"; "2.5", "2.5.1" are not
}

class Writer {
 public:
  explicit Writer(Message& in) : in_(in) {
    version_ = in.header.version.empty() ? "2.5.1" : in.header.version;
  }

  Result<hl7::Message> write() {
    auto parsed = hl7::Message::parse("MSH|^~\\&|");
    if (!parsed) return tl::unexpected(parsed.error());
    m_ = std::move(*parsed);
    header();
    patient();
    int obrSet = 0;
    for (const Report& r : in_.reports) report(r, ++obrSet);
    if (!ok_) return tl::unexpected(*error_);
    return std::move(m_);
  }

 private:
  void set(std::size_t seg, int field, int component, const std::string& value, int repetition = 1,
           int subcomponent = 0) {
    if (value.empty() || !ok_) return;
    Path p = Path::at("", field, component);
    p.repetition = repetition;
    p.subcomponent = subcomponent;
    if (auto done = m_.set(seg, p, value); !done) {
      ok_ = false;
      error_ = done.error();
    }
  }
  std::size_t segment(const std::string& id) {
    if (auto added = m_.appendSegment(id); !added) {
      ok_ = false;
      error_ = added.error();
    }
    return m_.segmentCount() - 1;
  }
  // A CE/CWE: the coding, then its first alternate (another system's code for the same
  // concept) in the alternate triplet; v2 has room for no more.
  void coding(std::size_t seg, int field, const Coding& c, int repetition = 1) {
    set(seg, field, 1, c.code, repetition);
    set(seg, field, 2, c.display, repetition);
    set(seg, field, 3, systemToV2(c.system), repetition);
    if (c.alternates.empty()) return;
    const Coding& alt = c.alternates.front();
    set(seg, field, 4, alt.code, repetition);
    set(seg, field, 5, alt.display, repetition);
    set(seg, field, 6, systemToV2(alt.system), repetition);
    for (std::size_t i = 1; i < c.alternates.size(); ++i) {
      warn(in_, warning::kNotCarried,
           "v2: a CE holds two codings: " + c.alternates[i].system + " " + c.alternates[i].code +
               " (for " + c.code + ") was not written");
    }
  }
  // OBR-25 / OBX-11 from the model's word: nothing for unknown; a word v2 cannot say is
  // refused (unmappable-status), the nearest equivalent said (approximated).
  void status(std::size_t seg, int field, const std::string& word,
              std::optional<StatusCode> (*table)(const std::string&), const std::string& where) {
    if (word.empty() || word == "unknown") return;
    const auto code = table(word);
    if (!code) {
      warn(in_, warning::kUnmappableStatus,
           where + ": HL7 v2 has no status for '" + word + "': none written");
      return;
    }
    if (!code->exact) {
      warn(in_, warning::kApproximated,
           where + ": '" + word + "' written as " + code->code + ", the nearest HL7 v2 status");
    }
    set(seg, field, 1, code->code);
  }
  void name(std::size_t seg, int field, const HumanName& n, int offset = 0) {
    set(seg, field, 1 + offset, n.family);
    if (!n.given.empty()) set(seg, field, 2 + offset, n.given[0]);
    if (n.given.size() > 1) set(seg, field, 3 + offset, n.given[1]);
    set(seg, field, 5 + offset, n.prefix);
  }

  void header() {
    const Header& h = in_.header;
    set(0, 3, 1, h.sendingApplication);
    set(0, 4, 1, h.sendingFacility);
    set(0, 5, 1, h.receivingApplication);
    set(0, 6, 1, h.receivingFacility);
    set(0, 7, 1, isoToHl7(h.sentAt));
    const auto caret = h.event.find('^');
    set(0, 9, 1, h.event.empty() ? "ORU" : h.event.substr(0, caret));
    set(0, 9, 2,
        caret == std::string::npos ? (h.event.empty() ? "R01" : "") : h.event.substr(caret + 1));
    set(0, 10, 1, h.messageId);
    set(0, 11, 1, "P");
    set(0, 12, 1, version_);
  }

  void patient() {
    const Patient& p = in_.patient;
    const std::size_t pid = segment("PID");
    set(pid, 1, 1, "1");
    int rep = 0;
    if (!p.nhsNumber.empty()) {
      ++rep;
      set(pid, 3, 1, p.nhsNumber, rep);
      set(pid, 3, 4, "NHS", rep);
      set(pid, 3, 5, "NH", rep);
    }
    for (const Identifier& id : p.identifiers) {
      ++rep;
      set(pid, 3, 1, id.value, rep);
      set(pid, 3, 4, id.authority, rep);
      set(pid, 3, 5, id.type, rep);
    }
    name(pid, 5, p.name);
    set(pid, 7, 1, isoToHl7(p.birthDate));
    set(pid, 8, 1, sexToV2(p.sex));
    for (std::size_t i = 0; i < p.address.lines.size() && i < 2; ++i) {
      set(pid, 11, static_cast<int>(i) + 1, p.address.lines[i]);
    }
    if (p.address.lines.size() > 2) {
      warn(in_, warning::kNotCarried, "PID-11 holds two street lines; the others were not written");
    }
    set(pid, 11, 3, p.address.city);
    set(pid, 11, 5, p.address.postcode);
    if (!p.gpPractice.empty()) set(segment("PD1"), 3, 3, p.gpPractice);
  }

  void report(const Report& r, int setId) {
    const std::size_t orc = segment("ORC");
    set(orc, 1, 1, "RE");
    set(orc, 2, 1, r.placerOrder);
    set(orc, 3, 1, r.fillerOrder);
    set(orc, 21, 3, r.requesterOrganisation);
    const std::size_t obr = segment("OBR");
    set(obr, 1, 1, std::to_string(setId));
    set(obr, 2, 1, r.placerOrder);
    set(obr, 3, 1, r.fillerOrder);
    coding(obr, 4, r.code);
    set(obr, 5, 1, priorityToV2(r.priority));
    set(obr, 13, 1, r.clinicalDetails);
    set(obr, 16, 1, r.requester.id);
    name(obr, 16, r.requester.name, 1);
    set(obr, 16, 9, r.requester.idAuthority);
    set(obr, 22, 1, isoToHl7(r.issuedAt));
    status(obr, 25, r.status, reportStatusToV2, "OBR " + std::to_string(setId) + " OBR-25");
    set(obr, 26, 1, r.parentCode, 1, 1);
    set(obr, 26, 2, r.parentSubId);
    set(obr, 26, 3, r.parentValue);
    set(obr, 29, 2, r.parentFiller);
    const bool old = before25(version_);
    if (old && r.specimens.size() > 1) {
      warn(in_, warning::kNotCarried,
           "OBR " + std::to_string(setId) + ": v" + version_ +
               " carries one specimen per OBR; the first was written");
    }
    // OBR-7, the collection time of a specimen-based study, in every version.
    if (!r.specimens.empty() && r.specimens[0] < in_.specimens.size()) {
      set(obr, 7, 1, isoToHl7(in_.specimens[r.specimens[0]].collectedAt));
    }
    if (old && !r.specimens.empty() && r.specimens[0] < in_.specimens.size()) {
      const Specimen& s = in_.specimens[r.specimens[0]];
      set(obr, 14, 1, isoToHl7(s.receivedAt));
      set(obr, 15, 1, s.type.code, 1, 1);
      set(obr, 15, 1, s.type.display, 1, 2);
      set(obr, 15, 1, systemToV2(s.type.system), 1, 3);
    }
    for (const std::string& c : r.comments) note(c);
    if (!r.conclusion.empty()) note(r.conclusion, kConclusionNote);
    int obxSet = 0;
    for (const Observation& o : r.results) observation(r, o, ++obxSet);
    for (const Document& d : r.documents) document(d, obxSet);
    if (!old) {
      int spmSet = 0;
      for (std::size_t index : r.specimens) {
        if (index >= in_.specimens.size()) continue;
        const Specimen& s = in_.specimens[index];
        const std::size_t spm = segment("SPM");
        set(spm, 1, 1, std::to_string(++spmSet));
        set(spm, 2, 2, s.id);
        coding(spm, 4, s.type);
        set(spm, 17, 1, isoToHl7(s.collectedAt));
        set(spm, 18, 1, isoToHl7(s.receivedAt));
      }
    }
  }

  // An NTE; a conclusion is marked in NTE-4 (v2 has no field for one).
  void note(const std::string& text, const char* type = nullptr) {
    const std::size_t nte = segment("NTE");
    set(nte, 1, 1, "1");
    set(nte, 3, 1, text);
    if (type) {
      set(nte, 4, 1, type);
      set(nte, 4, 2, "Conclusion");
    }
  }

  void observation(const Report& report, const Observation& o, int setId) {
    const std::string where = "OBX " + std::to_string(setId);
    const std::size_t obx = segment("OBX");
    set(obx, 1, 1, std::to_string(setId));
    coding(obx, 3, o.code);
    set(obx, 4, 1, o.subId);
    const Value& v = o.value;
    const bool old = before25(version_);
    std::string type;
    switch (v.kind) {
      case Value::Kind::kNone:
        type = "ST";
        break;
      case Value::Kind::kQuantity:
        if (v.quantity.comparator.empty()) {
          type = "NM";
          set(obx, 5, 1, v.quantity.value);
        } else {
          type = "SN";
          set(obx, 5, 1, v.quantity.comparator);
          set(obx, 5, 2, v.quantity.value);
        }
        break;
      case Value::Kind::kRange:
        type = "SN";
        set(obx, 5, 2, v.range.low.value);
        set(obx, 5, 3, "-");
        set(obx, 5, 4, v.range.high.value);
        break;
      case Value::Kind::kRatio:
        type = "SN";
        set(obx, 5, 1, v.quantity.comparator);
        set(obx, 5, 2, v.quantity.value);
        set(obx, 5, 3, ":");
        set(obx, 5, 4, v.denominator.value);
        break;
      case Value::Kind::kCoded:
        type = old ? "CE" : "CWE";
        coding(obx, 5, v.coded);
        break;
      case Value::Kind::kText:
        type = v.text.find('\n') == std::string::npos ? "ST" : "TX";
        set(obx, 5, 1, v.text);
        break;
      case Value::Kind::kDateTime:
        type = old ? "TS" : "DTM";
        set(obx, 5, 1, isoToHl7(v.text));
        break;
    }
    set(obx, 2, 1, type);
    // OBX-6 is the unit of the result and of its range: a result without a numeric value (or
    // without a value) takes its range's.
    const bool numeric = v.kind == Value::Kind::kQuantity || v.kind == Value::Kind::kRange;
    const std::string obx6 = o.unit.empty() && !numeric && !o.referenceRanges.empty()
                                 ? rangeUnit(o.referenceRanges[0])
                                 : o.unit;
    set(obx, 6, 1, obx6);
    if (!o.referenceRanges.empty()) {
      // OBX-7 has no unit of its own: it is read in OBX-6's. A range in another unit is not
      // written under the result's (refused, unit-conflict).
      const Range& r = o.referenceRanges[0];
      const std::string& unit = rangeUnit(r);
      if (!unit.empty() && unit != obx6) {
        warn(in_, warning::kUnitConflict,
             where + ": the reference range " + rangeText(r) + " is in " + unit +
                 ", the result in " + (obx6.empty() ? "no unit" : obx6) +
                 ": OBX-7 has no unit of its own, so the range was not written");
      } else {
        set(obx, 7, 1, rangeText(r));
      }
      if (o.referenceRanges.size() > 1) {
        warn(in_, warning::kNotCarried,
             where + ": OBX-7 holds one reference range; the others were not written");
      }
    }
    for (std::size_t i = 0; i < o.interpretation.size(); ++i) {
      set(obx, 8, 1, o.interpretation[i], static_cast<int>(i) + 1);
    }
    status(obx, 11, o.status, resultStatusToV2, where + " OBX-11");
    if (!o.members.empty()) {
      warn(in_, warning::kNotCarried,
           where + ": " + o.code.code + " heads a group of " + std::to_string(o.members.size()) +
               " results; v2 has no groups inside an OBR, so they follow it as plain results");
    }
    if (!o.specimens.empty() && o.specimens != report.specimens) {
      warn(in_, warning::kNotCarried,
           where + ": v2 ties results to their OBR's specimens, not to one of them");
    }
    set(obx, 14, 1, isoToHl7(o.observedAt));
    set(obx, 15, 1, o.performer);
    set(obx, 17, 2, o.method);
    for (const std::string& c : o.comments) note(c);
  }

  void document(const Document& d, int& setId) {
    const auto slash = d.contentType.find('/');
    std::string type = slash == std::string::npos ? "application" : d.contentType.substr(0, slash);
    std::string subtype =
        slash == std::string::npos ? d.contentType : d.contentType.substr(slash + 1);
    if (d.contentType == "application/pdf") subtype = "PDF";
    if (type == "application") type = "AP";
    if (d.base64.empty() && !d.url.empty()) {
      // Held elsewhere: an RP whose pointer is the whole URI (no application ID needed).
      const std::size_t obx = segment("OBX");
      set(obx, 1, 1, std::to_string(++setId));
      set(obx, 2, 1, "RP");
      set(obx, 3, 2, d.title);
      set(obx, 5, 1, d.url);
      set(obx, 5, 3, type == "AP" ? "Application" : type);
      set(obx, 5, 4, subtype);
      set(obx, 11, 1, "F");
      return;
    }
    for (std::size_t at = 0; at < d.base64.size() || at == 0; at += kEdChunk) {
      const std::size_t obx = segment("OBX");
      set(obx, 1, 1, std::to_string(++setId));
      set(obx, 2, 1, "ED");
      set(obx, 3, 2, d.title);
      set(obx, 4, 1, "1");
      set(obx, 5, 2, type);
      set(obx, 5, 3, subtype);
      set(obx, 5, 4, "Base64");
      set(obx, 5, 5, d.base64.substr(at, kEdChunk));
      set(obx, 11, 1, "F");
      if (d.base64.empty()) break;
    }
  }

  static constexpr const char* kConclusionNote = "CONC";  // as v2_reader reads it

  Message& in_;
  std::string version_;
  hl7::Message m_;
  bool ok_ = true;
  std::optional<Error> error_;
};

}  // namespace

std::string isoToHl7(const std::string& iso) {
  // YYYY[-MM[-DD[THH[:MM[:SS[.F+]]]]]][Z|±HH:MM]
  std::string digits, zone;
  std::size_t i = 0;
  for (; i < iso.size(); ++i) {
    const char c = iso[i];
    if (std::isdigit(static_cast<unsigned char>(c)) || c == '.') {
      digits += c;
    } else if (c == '-' && (i == 4 || i == 7)) {
      continue;  // a date separator
    } else if (c == 'T' || c == ':') {
      continue;
    } else {
      break;
    }
  }
  if (i < iso.size()) {
    const std::string rest = iso.substr(i);
    if (rest == "Z") {
      zone = "+0000";
    } else if ((rest[0] == '+' || rest[0] == '-') && rest.size() == 6 && rest[3] == ':') {
      zone = rest.substr(0, 3) + rest.substr(4);
    } else {
      return iso;  // not ISO 8601: as it was kept
    }
  }
  if (digits.size() < 4) return iso;
  return digits + zone;
}

Result<hl7::Message> writeV2(Message& message) { return Writer(message).write(); }

}  // namespace pathhub::model

// HL7 v2 → model (see v2_reader.h).
#include "model/v2_reader.h"

#include <Poco/Base64Encoder.h>

#include <cctype>
#include <sstream>

#include "hl7/escape.h"
#include "hl7/types.h"
#include "model/digest.h"
#include "model/ranges.h"
#include "model/vocabulary.h"
#include "model/warnings.h"

namespace pathhub::model {
namespace {

using hl7::Path;
namespace w = warning;

bool isOrder(const std::string& type) {
  return type == "ORM" || type == "OML" || type == "OMG" || type == "OMI";
}

class Reader {
 public:
  Reader(const hl7::Message& m, const LocalZone& zone, bool orders)
      : m_(m), d_(m.delimiters()), zone_(zone), oul_(m.messageType() == "OUL"), orders_(orders) {}

  // One model message per PATIENT_RESULT group (a PID and what follows it).
  Result<std::vector<Message>> read() {
    const std::string type = m_.messageType();
    const bool order = isOrder(type);
    if (order && !orders_) {
      return fail(ErrorCode::kUnconvertible,
                  "message " + m_.controlId() + " (" + type + "^" + m_.triggerEvent() +
                      ") is an order, not a report: it is converted as an order or not at all");
    }
    if (!order && orders_) {
      return fail(ErrorCode::kInvalidValue, "message " + m_.controlId() + " (" + type + "^" +
                                                m_.triggerEvent() + ") is not an order");
    }
    groups_.emplace_back();
    groups_.back().header = header();
    for (std::size_t i = 0; i < m_.segmentCount(); ++i) {
      const std::string_view name = m_.segmentName(i);
      if (name == "PID") {
        endObrGroup();
        if (patientSeen_) {  // another PATIENT_RESULT group
          groups_.emplace_back();
          groups_.back().header = groups_.front().header;
          orc_.reset();
          currentSpm_.reset();
          lastResult_ = nullptr;
          lastDocument_ = nullptr;
        }
        patientSeen_ = true;
        patient(i);
      } else if (name == "PD1") {
        out().patient.gpPractice = organisationCode(i, 3);
      } else if (name == "ORC") {
        orc_ = i;
      } else if (name == "OBR") {
        endObrGroup();
        report(i);
      } else if (name == "SPM") {
        specimen(i);
      } else if (name == "OBX") {
        result(i);
      } else if (name == "NTE") {
        note(i);
      }
    }
    endObrGroup();
    unwrapLineDocuments();
    Digest digest;
    for (std::size_t i = 0; i < m_.segmentCount(); ++i) digest.add(m_.segmentText(i)).add("\r");
    for (Message& g : groups_) {
      g.digest = digest.hex();
      if (assumed_ > 0) {
        warn(g, w::kZoneAssumed,
             std::to_string(assumed_) + " time(s) sent without a zone read as " + zone_.name());
      }
    }
    std::vector<Message> out;
    for (Message& g : groups_) {
      if (g.reports.empty()) continue;
      out.push_back(std::move(g));
    }
    if (out.empty()) {
      return fail(ErrorCode::kInvalidValue, "message " + m_.controlId() + " (" +
                                                groups_.front().header.event +
                                                ") holds no OBR: it is not a report");
    }
    return out;
  }

 private:
  Message& out() { return groups_.back(); }
  void warnHere(std::string_view name, const std::string& text) { warn(out(), name, text); }

  std::string text(std::size_t seg, int field, int component = 0, int repetition = 0) const {
    Path p = Path::at("", field, component);
    p.repetition = repetition;
    return m_.get(seg, p);
  }
  std::string_view raw(std::size_t seg, int field, int repetition = 1) const {
    Path p = Path::at("", field);
    p.repetition = repetition;
    return m_.getRaw(seg, p);
  }
  int repetitions(std::size_t seg, int field) const {
    return m_.repetitionCount(seg, Path::at("", field));
  }
  // A CE/CWE: its first triplet, with the alternate triplet (OBX-3.4–3.6, where a mapping adds
  // the SNOMED CT or LOINC code) as the same concept in another system.
  Coding coding(std::string_view rawValue) const {
    hl7::CodedValue c = hl7::parseCodedValue(rawValue, d_);
    Coding first{
        trimmedCode(std::move(c.identifier)), std::move(c.text), systemFromV2(c.codingSystem), {}};
    if (c.altIdentifier.empty() && c.altText.empty()) return first;
    Coding alternate{trimmedCode(std::move(c.altIdentifier)),
                     std::move(c.altText),
                     systemFromV2(c.altCodingSystem),
                     {}};
    if (first.code.empty() && first.display.empty()) return alternate;
    if (!alternate.code.empty()) first.alternates.push_back(std::move(alternate));
    return first;
  }
  // A code without the spaces some LIMS pad it with (copied only when there are some).
  static std::string trimmedCode(std::string code) {
    if (code.empty() || (code.front() != ' ' && code.back() != ' ')) return code;
    return trimmed(code);
  }
  // A TS/DTM value as ISO 8601, in the local zone when it came without one. A value that is
  // not a date/time is not read (it is named in an invalid-date warning).
  std::string time(const std::string& value, const std::string& where) {
    if (value.empty()) return {};
    auto parsed = hl7::parseDateTime(value);
    if (!parsed) {
      warnHere(w::kInvalidDate, where + " '" + value + "' is not a date/time: not read");
      return {};
    }
    hl7::DateTime& t = *parsed;
    using P = hl7::DateTime::Precision;
    if (t.precision >= P::kHour) {
      if (t.precision < P::kSecond) {
        t.precision = P::kSecond;  // seconds always, as FHIR needs a time of day
        t.second = 0;
      }
      if (!t.offsetMinutes) {
        IsoTime local;
        local.year = t.year;
        local.month = t.month;
        local.day = t.day;
        local.hour = t.hour;
        local.minute = t.minute;
        local.precision = IsoTime::Precision::kMinute;
        bool ambiguous = false;
        t.offsetMinutes = zone_.offsetOfLocal(local, ambiguous);
        ++assumed_;
        if (ambiguous) {
          warnHere(w::kZoneAmbiguous, where + " '" + value +
                                          "' falls in the hour the clocks change: read as " +
                                          t.toIso8601());
        }
      }
    }
    return t.toIso8601();
  }
  std::string resultStatus(const std::string& code, const std::string& where) {
    if (isBlank(code)) return "unknown";
    if (auto word = resultStatusFromV2(code)) return *word;
    warnHere(w::kUnmappableStatus,
             where + " '" + code + "' has no equivalent result status: read as unknown");
    return "unknown";
  }
  // ORC-1 (table 0119) as a FHIR RequestStatus: what the order asks for now.
  std::string requestStatus(const std::string& control) {
    const std::string c = trimmed(control);
    if (c == "NW" || c == "XO" || c == "SN" || c == "RP") return "active";
    if (c == "CA" || c == "OC" || c == "DC" || c == "DR") return "revoked";
    if (c == "HD" || c == "OH") return "on-hold";
    warnHere(w::kUnmappableStatus,
             "ORC-1 '" + control + "' is not an order control a request status says: unknown");
    return "unknown";
  }
  std::string reportStatus(const std::string& code) {
    if (isBlank(code)) return "unknown";
    if (auto word = reportStatusFromV2(code)) return *word;
    warnHere(w::kUnmappableStatus,
             "OBR-25 '" + code + "' has no equivalent report status: read as unknown");
    return "unknown";
  }
  // An organisation's code from an XON field: XON.10 (v2.5), else XON.3, else XON.1.
  std::string organisationCode(std::size_t seg, int field) const {
    for (int c : {10, 3, 1}) {
      if (auto v = text(seg, field, c); !v.empty()) return v;
    }
    return {};
  }
  HumanName name(const hl7::PersonName& n) const {
    HumanName out{n.family, {}, n.prefix};
    if (!n.given.empty()) out.given.push_back(n.given);
    if (!n.secondNames.empty()) out.given.push_back(n.secondNames);
    return out;
  }

  Header header() {
    Header h;
    h.sendingApplication = text(0, 3, 1);
    h.sendingFacility = text(0, 4, 1);
    h.receivingApplication = text(0, 5, 1);
    h.receivingFacility = text(0, 6, 1);
    h.sentAt = time(text(0, 7, 1), "MSH-7");
    h.event = m_.messageType() + (m_.triggerEvent().empty() ? "" : "^" + m_.triggerEvent());
    h.messageId = m_.controlId();
    h.version = m_.version();
    return h;
  }

  void patient(std::size_t pid) {
    Patient& p = out().patient;
    for (int field : {3, 2}) {  // PID-2 is v2.3's external id; some UK systems use it
      for (int r = 1; r <= repetitions(pid, field); ++r) {
        const hl7::ExtendedId id = hl7::parseCx(raw(pid, field, r), d_);
        const std::string value = trimmed(id.id);
        if (value.empty()) continue;
        if (hl7::findNhsNumber({id})) {
          nhsNumber(p, value, "PID-" + std::to_string(field));
          continue;
        }
        p.identifiers.push_back({value, id.assigningAuthority.namespaceId, id.identifierTypeCode});
      }
    }
    if (repetitions(pid, 5) > 0) p.name = name(hl7::parseXpn(raw(pid, 5), d_));
    const std::string birth = text(pid, 7, 1);
    if (!birth.empty()) {
      auto date = hl7::parseDateTime(birth.substr(0, std::min<std::size_t>(birth.size(), 8)));
      if (date) {
        p.birthDate = date->toIso8601();
      } else {
        warnHere(w::kInvalidDate, "PID-7 birth date '" + birth + "' is not a date: not read");
      }
    }
    p.sex = sexFromV2(text(pid, 8));
    if (repetitions(pid, 11) > 0) {
      for (int c : {1, 2}) {
        if (auto line = text(pid, 11, c, 1); !line.empty()) p.address.lines.push_back(line);
      }
      p.address.city = text(pid, 11, 3, 1);
      p.address.postcode = text(pid, 11, 5, 1);
    }
  }

  // An identifier marked as an NHS number: kept as one only when its check digit is right,
  // and only one NHS number per patient.
  void nhsNumber(Patient& p, const std::string& value, const std::string& where) {
    std::string digits;
    for (char c : value) {
      if (c != ' ' && c != '-') digits += c;
    }
    if (!hl7::isValidNhsNumber(digits)) {
      warnHere(w::kInvalidNhsNumber, where + " '" + value +
                                         "' is marked as an NHS number but fails the modulus 11 "
                                         "check: kept as a local identifier");
      p.identifiers.push_back({value, "", ""});
      return;
    }
    if (p.nhsNumber.empty()) {
      p.nhsNumber = digits;
    } else if (p.nhsNumber != digits) {
      warnHere(w::kAmbiguousIdentity, where + " names two NHS numbers (" + p.nhsNumber + ", " +
                                          digits + "): the second is kept as a local identifier");
      p.identifiers.push_back({digits, "", ""});
    }
  }

  void report(std::size_t obr) {
    Report r;
    r.code = coding(raw(obr, 4));
    r.placerOrder = text(obr, 2, 1);
    r.fillerOrder = text(obr, 3, 1);
    if (orc_) {
      if (r.placerOrder.empty()) r.placerOrder = text(*orc_, 2, 1);
      if (r.fillerOrder.empty()) r.fillerOrder = text(*orc_, 3, 1);
    }
    // A report's status; an order's (read as a request) is its ORC-1 order control.
    r.status = orders_ ? requestStatus(orc_ ? text(*orc_, 1) : "") : reportStatus(text(obr, 25));
    if (orders_ && orc_) r.issuedAt = time(text(*orc_, 9, 1), "ORC-9");
    r.issuedAt = time(text(obr, 22, 1), "OBR-22");
    r.priority = priorityFromV2(text(obr, 5));
    r.clinicalDetails = text(obr, 13);
    if (isBlank(r.clinicalDetails)) r.clinicalDetails.clear();
    // OBR-16, else ORC-12: the requester.
    std::string_view requester = raw(obr, 16);
    if (requester.empty() && orc_) requester = raw(*orc_, 12);
    if (!requester.empty()) {
      const hl7::Clinician c = hl7::parseXcn(requester, d_);
      r.requester.id = c.id;
      r.requester.idAuthority = c.assigningAuthority.namespaceId;
      r.requester.name = name({c.family, c.given, c.secondNames, c.suffix, c.prefix, c.degree, ""});
    }
    if (orc_) r.requesterOrganisation = organisationCode(*orc_, 21);
    // Parent/child (microbiology): OBR-29 names the parent order, OBR-26 its result.
    r.parentFiller = text(obr, 29, 2);
    if (r.parentFiller.empty()) r.parentFiller = text(obr, 29, 1);
    r.parentCode = text(obr, 26, 1);  // PRL.1 is a CE: its first component's code
    r.parentSubId = text(obr, 26, 2);
    r.parentValue = text(obr, 26, 3);
    // An OUL's specimen comes before its orders and holds them all.
    if (oul_ && currentSpm_) r.specimens.push_back(*currentSpm_);
    out().reports.push_back(std::move(r));
    lastResult_ = nullptr;
    lastDocument_ = nullptr;
    obr_ = obr;
    spmInGroup_.reset();
    // Up to v2.4 the specimen is in the OBR itself (OBR-15, OBR-7 its collection, OBR-14 its
    // arrival); from 2.5 an SPM of the group says it, and OBR-7 only fills in what SPM lacks.
    obrSpecimen_ = Specimen{};
    obrSpecimen_.type = obr15Type(obr);
    obrSpecimen_.collectedAt = time(text(obr, 7, 1), "OBR-7");
    obrSpecimen_.receivedAt = time(text(obr, 14, 1), "OBR-14");
  }

  // The OBR group ends: its OBR-named specimen is its specimen unless an SPM gave one.
  void endObrGroup() {
    if (!obr_) return;
    obr_.reset();
    if (spmInGroup_ || (oul_ && currentSpm_)) return;
    if (!obrSpecimen_.type.empty() || !obrSpecimen_.collectedAt.empty()) {
      attachSpecimen(std::move(obrSpecimen_), true);
    }
    obrSpecimen_ = {};
  }

  // OBR-15 is SPS: its first component is a CE whose parts are subcomponents.
  Coding obr15Type(std::size_t obr) const {
    Coding c;
    c.code = text(obr, 15, 1);
    Path p = Path::at("", 15, 1);
    p.subcomponent = 2;
    c.display = m_.get(obr, p);
    p.subcomponent = 3;
    c.system = systemFromV2(m_.get(obr, p));
    return c;
  }

  void specimen(std::size_t spm) {
    Specimen s;
    s.id = text(spm, 2, 2);  // EIP: filler's id, else placer's
    if (s.id.empty()) s.id = text(spm, 2, 1);
    s.type = coding(raw(spm, 4));
    s.collectedAt = time(text(spm, 17, 1), "SPM-17");
    s.receivedAt = time(text(spm, 18, 1), "SPM-18");
    if (oul_) {  // the specimen of the orders that follow
      currentSpm_ = attachSpecimen(std::move(s), false);
      return;
    }
    if (obr_) {  // one sample: what OBR said of it completes what SPM says
      if (s.type.empty()) s.type = obrSpecimen_.type;
      if (s.collectedAt.empty()) {
        s.collectedAt = obrSpecimen_.collectedAt;
      } else if (!obrSpecimen_.collectedAt.empty() &&
                 utcInstant(obrSpecimen_.collectedAt) != utcInstant(s.collectedAt)) {
        warnHere(w::kNotCarried, "OBR-7 " + obrSpecimen_.collectedAt +
                                     " differs from the collection time SPM-17 " + s.collectedAt +
                                     " of the same specimen: SPM-17 is kept");
      }
      if (s.receivedAt.empty()) s.receivedAt = obrSpecimen_.receivedAt;
    }
    spmInGroup_ = attachSpecimen(std::move(s), true);
  }

  // The same specimen named by several reports is one specimen.
  std::size_t attachSpecimen(Specimen s, bool toReport) {
    auto& all = out().specimens;
    std::size_t index = all.size();
    for (std::size_t i = 0; i < all.size(); ++i) {
      if (all[i] == s) index = i;
    }
    if (index == all.size()) all.push_back(std::move(s));
    if (toReport && !out().reports.empty()) {
      auto& mine = out().reports.back().specimens;
      if (std::find(mine.begin(), mine.end(), index) == mine.end()) mine.push_back(index);
    }
    return index;
  }

  void result(std::size_t obx) {
    if (out().reports.empty()) {
      warnHere(w::kNotRead, "OBX before any OBR: not read");
      return;
    }
    Report& report = out().reports.back();
    const std::string type = trimmedCode(text(obx, 2));
    Coding code = coding(raw(obx, 3));
    const std::string subId = text(obx, 4);
    if (type == "ED") {
      document(report, obx, code, subId);
      return;
    }
    if (type == "RP") {
      pointer(report, obx, code);
      return;
    }
    lastDocument_ = nullptr;
    Observation r;
    r.code = std::move(code);
    r.subId = subId;
    r.unit = trimmedCode(text(obx, 6, 1));
    value(r, obx, type);
    if (auto range = referenceRange(obx, r.unit);
        !range.text.empty() || !range.low.value.empty() || !range.high.value.empty()) {
      r.referenceRanges.push_back(std::move(range));
    }
    for (int i = 1; i <= repetitions(obx, 8); ++i) {
      if (auto flag = trimmedCode(text(obx, 8, 1, i)); !flag.empty()) {
        r.interpretation.push_back(std::move(flag));
      }
    }
    r.status = resultStatus(text(obx, 11), "OBX-11");
    r.observedAt = time(text(obx, 14, 1), "OBX-14");
    r.performer = text(obx, 15, 1);
    if (repetitions(obx, 17) > 0) {
      const Coding method = coding(raw(obx, 17));
      r.method = method.display.empty() ? method.code : method.display;
    }
    if (spmInGroup_) r.specimens.push_back(*spmInGroup_);  // an observation of the specimen
    report.results.push_back(std::move(r));
    lastResult_ = &report.results.back();
  }

  // OBX-7: "3.5-5.0", "<21", text; or low and high as two components, as some LIMS send them.
  Range referenceRange(std::size_t obx, const std::string& unit) const {
    const std::string_view value = raw(obx, 7);
    if (value.empty()) return {};
    if (value.find(d_.component) != std::string_view::npos) {
      const hl7::Composite parts(value, d_);
      const std::string low = parts.component(1), high = parts.component(2);
      if (!high.empty()) return rangeOf(low, high, unit);
    }
    if (value.find(d_.escape) == std::string_view::npos) return parseRange(value, unit);
    return parseRange(hl7::unescape(value, d_), unit);
  }

  void value(Observation& r, std::size_t obx, const std::string& type) {
    const std::string_view v = raw(obx, 5);
    Value& out = r.value;
    if (isBlank(v)) return;
    if (type == "NM") {
      numeric(out, trimmed(text(obx, 5)), r.unit);
    } else if (type == "SN") {
      auto sn = hl7::parseSn(v, d_);
      if (!sn) {
        out.kind = Value::Kind::kText;
        out.text = text(obx, 5);
        warnHere(w::kValueAsText, "OBX-5 SN '" + out.text + "' does not read: kept as text");
        return;
      }
      const std::string n1 = sn->num1 ? sn->num1->text : "";
      const std::string n2 = sn->num2 ? sn->num2->text : "";
      if (sn->separator == "-") {
        out.kind = Value::Kind::kRange;
        out.range.low = {n1, "", r.unit};
        out.range.high = {n2, "", r.unit};
      } else if (sn->separator == ":" || sn->separator == "/") {
        out.kind = Value::Kind::kRatio;
        out.quantity = {n1, sn->comparator, ""};
        out.denominator = {n2, "", ""};
      } else {
        out.kind = Value::Kind::kQuantity;
        out.quantity = {n1, sn->comparator == "=" ? "" : sn->comparator, r.unit};
      }
    } else if (type == "CE" || type == "CWE" || type == "CNE") {
      out.kind = Value::Kind::kCoded;
      out.coded = coding(v);
    } else if (type == "DT" || type == "TS" || type == "DTM") {
      out.text = time(text(obx, 5, 1), "OBX-5");
      if (!out.text.empty()) out.kind = Value::Kind::kDateTime;
    } else {
      // ST, TX, FT and anything else read as text: repetitions are lines.
      if (type != "ST" && type != "TX" && type != "FT" && type != "FN") {
        warnHere(w::kValueAsText, "OBX-5 of type " + type + " read as text");
      }
      // The whole repetition, components and all: a '^' in a text value is text.
      std::string all;
      for (int i = 1; i <= repetitions(obx, 5); ++i) {
        all += (i > 1 ? "\n" : "") + hl7::unescape(raw(obx, 5, i), d_);
      }
      if (isBlank(all)) return;
      out.kind = Value::Kind::kText;
      out.text = std::move(all);
    }
  }

  // An NM value; some systems put a comparator in front ("<7"), read as the quantity's.
  void numeric(Value& out, const std::string& value, const std::string& unit) {
    for (const char* comparator : {"<=", ">=", "<", ">"}) {
      const std::string c(comparator);
      if (value.rfind(c, 0) == 0 && hl7::parseNumeric(trimmed(value.substr(c.size())))) {
        out.kind = Value::Kind::kQuantity;
        out.quantity = {trimmed(value.substr(c.size())), c, unit};
        return;
      }
    }
    if (!hl7::parseNumeric(value)) {
      out.kind = Value::Kind::kText;
      out.text = value;
      warnHere(w::kValueAsText, "OBX-5 NM '" + value + "' is not a number: kept as text");
      return;
    }
    out.kind = Value::Kind::kQuantity;
    out.quantity = {value, "", unit};
  }

  // RP: pointer^application ID^type^subtype. HL7 2.A.65: when the application ID is a URI's
  // scheme and authority, it and the pointer together make the URI.
  void pointer(Report& report, std::size_t obx, const Coding& code) {
    const hl7::Composite rp(raw(obx, 5), d_);
    Document doc;
    const std::string application = hl7::unescape(rp.component(2), d_);
    const std::string pointer = hl7::unescape(rp.component(1), d_);
    const bool uri = application.find("://") != std::string::npos;
    doc.url = uri ? application + pointer : pointer;
    if (!uri && !application.empty()) {
      warnHere(w::kNotCarried, "OBX-5 RP application '" + application +
                                   "' is not a URI: the pointer is kept alone");
    }
    const std::string type = rp.component(3), subtype = rp.component(4);
    if (subtype == "PDF" || subtype == "pdf") {
      doc.contentType = "application/pdf";
    } else if (!subtype.empty()) {
      doc.contentType =
          (type == "AP" || type == "Application" || type.empty() ? "application" : lower(type)) +
          "/" + lower(subtype);
    }
    doc.title = code.display.empty() ? code.code : code.display;
    report.documents.push_back(std::move(doc));
    lastDocument_ = nullptr;
    lastResult_ = nullptr;
  }

  static std::string lower(std::string s) {
    for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
  }

  // ED: source^type^subtype^encoding^data; consecutive parts of one document are joined.
  void document(Report& report, std::size_t obx, const Coding& code, const std::string& subId) {
    const hl7::Composite ed(raw(obx, 5), d_);
    // ED is source^type^subtype^encoding^data. Some systems send a MIME document line by line
    // instead (no type, no subtype): its lines are gathered here and unwrapped at the end.
    const bool structured = !ed.component(2).empty() || !ed.component(3).empty();
    const std::string data = structured ? ed.component(5) : std::string(raw(obx, 5)) + "\n";
    if (lastDocument_ && lastDocumentCode_ == code && lastDocumentSubId_ == subId) {
      lastDocument_->base64 += data;
      return;
    }
    Document doc;
    const std::string type = ed.component(2), subtype = ed.component(3);
    if (!structured) {
      lineDocuments_.push_back(
          {groups_.size() - 1, out().reports.size() - 1, report.documents.size()});
    } else if (subtype == "PDF" || subtype == "pdf") {
      doc.contentType = "application/pdf";
    } else {
      doc.contentType =
          (type == "AP" || type.empty() ? "application" : lower(type)) + "/" + lower(subtype);
    }
    const std::string encoding = ed.component(4);
    if (structured && encoding != "Base64" && encoding != "BASE64" && encoding != "B64") {
      warnHere(w::kNotCarried, "OBX-5 ED encoding '" + encoding + "' kept as sent");
    }
    doc.title = code.display.empty() ? code.code : code.display;
    doc.base64 = data;
    report.documents.push_back(std::move(doc));
    lastDocument_ = &report.documents.back();
    lastDocumentCode_ = code;
    lastDocumentSubId_ = subId;
    lastResult_ = nullptr;
  }

  // A document sent line by line: a MIME entity (RFC 2045 headers, a blank line, the body)
  // becomes its payload; other text is a text/plain document.
  void unwrapLineDocuments() {
    for (const auto& at : lineDocuments_) {
      Message& m = groups_[at.group];
      Document& doc = m.reports[at.report].documents[at.document];
      const MimeEntity mime = mimeEntity(doc.base64);
      if (mime.base64) {
        doc.contentType = mime.contentType.empty() ? "application/octet-stream" : mime.contentType;
        doc.base64 = mime.body;
        // "%PDF-" is "JVBER" in base64: a PDF whatever its header says (CoPath's say text).
        if (doc.base64.rfind("JVBER", 0) == 0 && doc.contentType != "application/pdf") {
          warn(m, w::kApproximated,
               "OBX-5 ED: a MIME document declared as " + doc.contentType +
                   " holds a PDF: sent as application/pdf");
          doc.contentType = "application/pdf";
        }
        continue;
      }
      warn(m, w::kNotCarried,
           "OBX-5 ED without a type: its lines are kept as a text/plain document");
      doc.contentType = "text/plain";
      doc.base64 = base64(doc.base64);
    }
  }

  static std::string base64(const std::string& bytes) {
    std::ostringstream out;
    Poco::Base64Encoder encoder(out);
    encoder.rdbuf()->setLineLength(0);
    encoder << bytes;
    encoder.close();
    return out.str();
  }

  struct MimeEntity {
    std::string contentType, body;
    bool base64 = false;
  };
  static MimeEntity mimeEntity(const std::string& lines) {
    MimeEntity out;
    if (lower(lines.substr(0, 13)) != "content-type:") return out;
    std::size_t at = 0;
    bool body = false;
    while (at < lines.size()) {
      const std::size_t end = std::min(lines.find('\n', at), lines.size());
      std::string line = lines.substr(at, end - at);
      at = end + 1;
      if (body) {
        out.body += trimmed(line);
        continue;
      }
      if (trimmed(line).empty()) {
        body = true;
        continue;
      }
      const std::string l = lower(line);
      if (l.rfind("content-type:", 0) == 0) {
        std::string value = trimmed(l.substr(13));
        out.contentType = trimmed(value.substr(0, value.find(';')));
      } else if (l.rfind("content-transfer-encoding:", 0) == 0) {
        out.base64 = trimmed(l.substr(26)) == "base64";
      }
    }
    return out;
  }

  void note(std::size_t nte) {
    std::string line;
    for (int i = 1; i <= repetitions(nte, 3); ++i) {
      line += (i > 1 ? "\n" : "") + text(nte, 3, 0, i);
    }
    if (out().reports.empty()) {
      warnHere(w::kNotRead, "NTE before any OBR: not read");
    } else if (lastResult_) {
      lastResult_->comments.push_back(line);
    } else if (text(nte, 4, 1) == kConclusionNote) {
      std::string& conclusion = out().reports.back().conclusion;
      conclusion += (conclusion.empty() ? "" : "\n") + line;
    } else {
      out().reports.back().comments.push_back(line);
    }
  }

 public:
  // NTE-4 of a report's conclusion, as v2_writer writes it (v2 has no conclusion field).
  static constexpr const char* kConclusionNote = "CONC";

 private:
  const hl7::Message& m_;
  hl7::Delimiters d_;
  const LocalZone& zone_;
  const bool oul_;
  const bool orders_;  // an order read as a request: ORC-1 is its status, OBX its answers
  std::vector<Message> groups_;
  bool patientSeen_ = false;
  int assumed_ = 0;
  std::optional<std::size_t> orc_;
  std::optional<std::size_t> obr_;         // the OBR whose group is being read
  Specimen obrSpecimen_;                   // what that OBR says of its specimen
  std::optional<std::size_t> spmInGroup_;  // the SPM of that group (ORU), once read
  std::optional<std::size_t> currentSpm_;  // the SPM the following orders belong to (OUL)
  Observation* lastResult_ = nullptr;
  Document* lastDocument_ = nullptr;
  struct DocumentAt {
    std::size_t group, report, document;
  };
  std::vector<DocumentAt> lineDocuments_;  // documents sent line by line, unwrapped at the end
  Coding lastDocumentCode_;
  std::string lastDocumentSubId_;
};

bool samePatient(const std::vector<Message>& groups) {
  for (const Message& g : groups) {
    if (!(g.patient == groups.front().patient)) return false;
  }
  return true;
}

}  // namespace

namespace {

// One model message per patient (see readV2Split).
Result<std::vector<Message>> perPatient(const hl7::Message& message, const LocalZone& zone,
                                        bool orders) {
  auto groups = Reader(message, zone, orders).read();
  if (!groups) return groups;
  if (groups->size() == 1 || samePatient(*groups)) {
    // Moved in: a braced list would copy the whole message (its initializer_list is const).
    std::vector<Message> one;
    one.push_back(joinMessages(std::move(*groups)));
    return one;
  }
  const std::size_t n = groups->size();
  for (std::size_t i = 0; i < n; ++i) {
    Message& g = (*groups)[i];
    g.header.messageId += "-" + std::to_string(i + 1);
    g.digest += "-" + std::to_string(i + 1);
    warn(g, warning::kSplit,
         "message " + message.controlId() + " holds " + (orders ? "orders" : "results") + " for " +
             std::to_string(n) + " patients: this is part " + std::to_string(i + 1) +
             ", with its own patient");
  }
  return groups;
}

}  // namespace

Result<std::vector<Message>> readV2Split(const hl7::Message& message, const LocalZone& zone) {
  return perPatient(message, zone, false);
}

Result<std::vector<Message>> readV2Orders(const hl7::Message& message, const LocalZone& zone) {
  return perPatient(message, zone, true);
}

bool isV2Order(const hl7::Message& message) { return isOrder(message.messageType()); }

Result<Message> readV2(const hl7::Message& message, const LocalZone& zone) {
  auto groups = Reader(message, zone, false).read();
  if (!groups) return tl::unexpected(groups.error());
  if (groups->size() > 1 && !samePatient(*groups)) {
    return fail(ErrorCode::kUnconvertible,
                warningText(warning::kAmbiguousIdentity,
                            "message " + message.controlId() + " holds results for " +
                                std::to_string(groups->size()) +
                                " different patients: refused rather than merged"));
  }
  return joinMessages(std::move(*groups));
}

}  // namespace pathhub::model

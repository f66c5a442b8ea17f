// HL7 v2 → model (see v2_reader.h).
#include "model/v2_reader.h"

#include <cctype>

#include "hl7/escape.h"
#include "hl7/types.h"
#include "model/vocabulary.h"

namespace pathhub::model {
namespace {

using hl7::Path;

class Reader {
 public:
  explicit Reader(const hl7::Message& m) : m_(m), d_(m.delimiters()) {}

  Result<Message> read() {
    out_.header = header();
    for (std::size_t i = 0; i < m_.segmentCount(); ++i) {
      const std::string_view name = m_.segmentName(i);
      if (name == "PID") {
        patient(i);
      } else if (name == "PD1") {
        out_.patient.gpPractice = organisationCode(i, 3);
      } else if (name == "ORC") {
        orc_ = i;
      } else if (name == "OBR") {
        report(i);
      } else if (name == "SPM") {
        specimen(i);
      } else if (name == "OBX") {
        result(i);
      } else if (name == "NTE") {
        note(i);
      }
    }
    if (out_.reports.empty()) {
      return fail(ErrorCode::kInvalidValue, "message " + out_.header.messageId + " (" +
                                                out_.header.event +
                                                ") holds no OBR: it is not a report");
    }
    return std::move(out_);
  }

 private:
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
  Coding coding(std::string_view rawValue) const {
    const hl7::CodedValue c = hl7::parseCodedValue(rawValue, d_);
    if (c.identifier.empty() && c.text.empty() && !c.altIdentifier.empty()) {
      return {c.altIdentifier, c.altText, systemFromV2(c.altCodingSystem)};
    }
    return {c.identifier, c.text, systemFromV2(c.codingSystem)};
  }
  // A TS/DTM value as ISO 8601; kept as sent, with a warning, when it does not read.
  std::string time(const std::string& value, const std::string& where) {
    if (value.empty()) return {};
    auto parsed = hl7::parseDateTime(value);
    if (!parsed) {
      out_.warnings.push_back(where + ": '" + value + "' is not an HL7 date/time; kept as sent");
      return value;
    }
    return parsed->toIso8601();
  }
  // A status word; "unknown" for none or a code the table lacks (with a warning).
  std::string status(std::string (*table)(const std::string&), const std::string& code,
                     const std::string& where) {
    const std::string word = table(code);
    if (word == "unknown" && !code.empty()) {
      out_.warnings.push_back(where + " '" + code + "' is not an HL7 status code: read as unknown");
    }
    return word.empty() ? "unknown" : word;
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
    Patient& p = out_.patient;
    for (int field : {3, 2}) {  // PID-2 is v2.3's external id; some UK systems use it
      for (int r = 1; r <= repetitions(pid, field); ++r) {
        const hl7::ExtendedId id = hl7::parseCx(raw(pid, field, r), d_);
        if (id.id.empty()) continue;
        if (p.nhsNumber.empty() && hl7::findNhsNumber({id})) {
          p.nhsNumber = id.id;
          continue;
        }
        p.identifiers.push_back({id.id, id.assigningAuthority.namespaceId, id.identifierTypeCode});
      }
    }
    if (repetitions(pid, 5) > 0) p.name = name(hl7::parseXpn(raw(pid, 5), d_));
    const std::string birth = text(pid, 7, 1);
    p.birthDate = birth.size() >= 8 ? time(birth.substr(0, 8), "PID-7") : time(birth, "PID-7");
    p.sex = sexFromV2(text(pid, 8));
    if (repetitions(pid, 11) > 0) {
      for (int c : {1, 2}) {
        if (auto line = text(pid, 11, c, 1); !line.empty()) p.address.lines.push_back(line);
      }
      p.address.city = text(pid, 11, 3, 1);
      p.address.postcode = text(pid, 11, 5, 1);
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
    r.status = status(reportStatusFromV2, text(obr, 25), "OBR-25");
    r.issuedAt = time(text(obr, 22, 1), "OBR-22");
    r.priority = priorityFromV2(text(obr, 5));
    r.clinicalDetails = text(obr, 13);
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
    out_.reports.push_back(std::move(r));
    lastResult_ = nullptr;
    lastDocument_ = nullptr;
    // Up to v2.4 the specimen is in the OBR itself.
    const std::string source = text(obr, 15, 1);
    const std::string collected = text(obr, 7, 1);
    if (!source.empty() || !collected.empty()) {
      Specimen s;
      s.type = obr15Type(obr);
      s.collectedAt = time(collected, "OBR-7");
      s.receivedAt = time(text(obr, 14, 1), "OBR-14");
      attachSpecimen(std::move(s));
    }
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
    attachSpecimen(std::move(s));
  }

  // The same specimen named by several reports is one specimen.
  void attachSpecimen(Specimen s) {
    std::size_t index = out_.specimens.size();
    for (std::size_t i = 0; i < out_.specimens.size(); ++i) {
      if (out_.specimens[i] == s) index = i;
    }
    if (index == out_.specimens.size()) out_.specimens.push_back(std::move(s));
    if (!out_.reports.empty()) out_.reports.back().specimens.push_back(index);
  }

  void result(std::size_t obx) {
    if (out_.reports.empty()) {
      out_.warnings.push_back("OBX before any OBR: not read");
      return;
    }
    Report& report = out_.reports.back();
    const std::string type = text(obx, 2);
    const Coding code = coding(raw(obx, 3));
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
    r.code = code;
    r.subId = subId;
    r.unit = text(obx, 6, 1);
    value(r, obx, type);
    if (auto range = text(obx, 7); !range.empty()) r.referenceRanges.push_back(parseRange(range));
    for (int i = 1; i <= repetitions(obx, 8); ++i) {
      if (auto flag = text(obx, 8, 1, i); !flag.empty()) r.interpretation.push_back(flag);
    }
    r.status = status(resultStatusFromV2, text(obx, 11), "OBX-11");
    r.observedAt = time(text(obx, 14, 1), "OBX-14");
    r.performer = text(obx, 15, 1);
    if (repetitions(obx, 17) > 0) {
      const Coding method = coding(raw(obx, 17));
      r.method = method.display.empty() ? method.code : method.display;
    }
    report.results.push_back(std::move(r));
    lastResult_ = &report.results.back();
  }

  void value(Observation& r, std::size_t obx, const std::string& type) {
    const std::string_view v = raw(obx, 5);
    Value& out = r.value;
    if (v.empty()) return;
    if (type == "NM") {
      numeric(out, text(obx, 5), r.unit);
    } else if (type == "SN") {
      auto sn = hl7::parseSn(v, d_);
      if (!sn) {
        out.kind = Value::Kind::kText;
        out.text = text(obx, 5);
        out_.warnings.push_back("OBX-5 SN '" + out.text + "' does not read: kept as text");
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
      out.kind = Value::Kind::kDateTime;
      out.text = time(text(obx, 5, 1), "OBX-5");
    } else {
      // ST, TX, FT and anything else read as text: repetitions are lines.
      if (type != "ST" && type != "TX" && type != "FT" && type != "FN") {
        out_.warnings.push_back("OBX-5 of type " + type + " read as text");
      }
      // The whole repetition, components and all: a '^' in a text value is text.
      out.kind = Value::Kind::kText;
      for (int i = 1; i <= repetitions(obx, 5); ++i) {
        out.text += (i > 1 ? "\n" : "") + hl7::unescape(raw(obx, 5, i), d_);
      }
    }
  }

  // An NM value; some systems put a comparator in front ("<7"), read as the quantity's.
  void numeric(Value& out, const std::string& value, const std::string& unit) {
    for (const char* comparator : {"<=", ">=", "<", ">"}) {
      const std::string c(comparator);
      if (value.rfind(c, 0) == 0 && hl7::parseNumeric(value.substr(c.size()))) {
        out.kind = Value::Kind::kQuantity;
        out.quantity = {value.substr(c.size()), c, unit};
        return;
      }
    }
    if (!hl7::parseNumeric(value)) {
      out.kind = Value::Kind::kText;
      out.text = value;
      out_.warnings.push_back("OBX-5 NM '" + value + "' is not a number: kept as text");
      return;
    }
    out.kind = Value::Kind::kQuantity;
    out.quantity = {value, "", unit};
  }

  // "3.5-5.0", "<5", ">1.2", or free text.
  static Range parseRange(const std::string& text) {
    Range out;
    out.text = text;
    const auto dash = text.find('-', 1);
    if (dash != std::string::npos && text[0] != '<' && text[0] != '>') {
      out.low.value = text.substr(0, dash);
      out.high.value = text.substr(dash + 1);
      auto numeric = [](const std::string& s) { return hl7::parseNumeric(s).has_value(); };
      if (numeric(out.low.value) && numeric(out.high.value)) {
        out.text.clear();
        return out;
      }
      out.low = out.high = {};
      return out;
    }
    return out;
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
      out_.warnings.push_back("OBX-5 RP application '" + application +
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
    // instead (no type, no subtype): kept whole, as text, for a dialect adapter to unpack.
    const bool structured = !ed.component(2).empty() || !ed.component(3).empty();
    const std::string data = structured ? ed.component(5) : hl7::unescape(raw(obx, 5), d_) + "\n";
    if (lastDocument_ && lastDocumentCode_ == code && lastDocumentSubId_ == subId) {
      lastDocument_->base64 += data;
      return;
    }
    Document doc;
    const std::string type = ed.component(2), subtype = ed.component(3);
    if (!structured) {
      doc.contentType = "text/plain";
      out_.warnings.push_back("OBX-5 ED without a type: its lines are kept as a text document");
    } else if (subtype == "PDF" || subtype == "pdf") {
      doc.contentType = "application/pdf";
    } else {
      doc.contentType = (type == "AP" || type.empty() ? "application" : type) + "/" + subtype;
    }
    const std::string encoding = ed.component(4);
    if (structured && encoding != "Base64" && encoding != "BASE64" && encoding != "B64") {
      out_.warnings.push_back("OBX-5 ED encoding '" + encoding + "' kept as sent");
    }
    doc.title = code.display.empty() ? code.code : code.display;
    doc.base64 = data;
    report.documents.push_back(std::move(doc));
    lastDocument_ = &report.documents.back();
    lastDocumentCode_ = code;
    lastDocumentSubId_ = subId;
    lastResult_ = nullptr;
  }

  void note(std::size_t nte) {
    std::string line;
    for (int i = 1; i <= repetitions(nte, 3); ++i) {
      line += (i > 1 ? "\n" : "") + text(nte, 3, 0, i);
    }
    if (out_.reports.empty()) {
      out_.warnings.push_back("NTE before any OBR: not read");
    } else if (lastResult_) {
      lastResult_->comments.push_back(line);
    } else {
      out_.reports.back().comments.push_back(line);
    }
  }

  const hl7::Message& m_;
  hl7::Delimiters d_;
  Message out_;
  std::optional<std::size_t> orc_;
  Observation* lastResult_ = nullptr;
  Document* lastDocument_ = nullptr;
  Coding lastDocumentCode_;
  std::string lastDocumentSubId_;
};

}  // namespace

Result<Message> readV2(const hl7::Message& message) { return Reader(message).read(); }

}  // namespace pathhub::model

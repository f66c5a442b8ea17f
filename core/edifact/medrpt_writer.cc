// Model → NHS003 MEDRPT (see medrpt_writer.h).
#include "edifact/medrpt_writer.h"

#include "edifact/edifact_writer.h"

namespace pathhub::edifact {
namespace {

// ISO 8601 → EDIFACT: {value, format}. "2010-02-25T15:41:00+00:00" → 201002251541 (203);
// "2010-02-25" → 20100225 (102).
std::pair<std::string, std::string> edifactTime(const std::string& iso) {
  std::string digits;
  for (char c : iso.substr(0, std::min<std::size_t>(iso.size(), 16))) {
    if (std::isdigit(static_cast<unsigned char>(c))) digits += c;
  }
  if (digits.size() >= 12) return {digits.substr(0, 12), "203"};
  if (digits.size() >= 8) return {digits.substr(0, 8), "102"};
  return {digits, "102"};
}

// The code list a system's codes are written with: Read v2 is 911; an EDIFACT list number
// read from a message (920 for specimen types, say) is written back as it came.
std::string codeList(const std::string& system) {
  if (system == "http://read.info/readv2") return "911";
  const bool listNumber =
      !system.empty() && system.find_first_not_of("0123456789") == std::string::npos;
  return listNumber ? system : std::string();
}

std::string statusCode(const std::string& status) {
  if (status == "preliminary") return "PR";
  if (status == "registered") return "SR";
  if (status == "final") return "FI";
  if (status == "amended" || status == "corrected") return "AM";
  if (status == "cancelled") return "CA";
  return "UN";
}

std::string sexCode(const std::string& sex) {
  if (sex == "male") return "1";
  if (sex == "female") return "2";
  if (sex == "other") return "9";
  return sex.empty() ? "" : "0";
}

std::string comparatorCode(const std::string& c) {
  if (c == ">=") return "5";
  if (c == ">") return "6";
  if (c == "<") return "7";
  if (c == "<=") return "8";
  return {};
}

std::string flagCode(const std::string& f) {
  if (f == "H") return "HI";
  if (f == "L") return "LO";
  return f;
}

class Writer {
 public:
  Writer(model::Message& m, const MedrptEnvelope& e) : m_(m), e_(e) {}

  std::string write() {
    const auto [date, format] = edifactTime(m_.header.sentAt);
    const std::string yymmdd = date.size() >= 8 ? date.substr(2, 6) : "000101";
    const std::string hhmm = date.size() >= 12 ? date.substr(8, 4) : "0000";
    InterchangeWriter w({e_.sender.empty() ? m_.header.sendingFacility : e_.sender},
                        {e_.recipient.empty() ? m_.header.receivingFacility : e_.recipient}, yymmdd,
                        hhmm, e_.reference, "MEDRPT");
    for (std::size_t i = 0; i < m_.reports.size(); ++i) message(w, m_.reports[i], i + 1);
    return w.finish();
  }

 private:
  void message(InterchangeWriter& w, model::Report& r, std::size_t number) {
    w.beginMessage(std::to_string(number), {"MEDRPT", "0", "1", "RT", "NHS003"});
    w.segment("BGM", {{"LSR"}});
    const auto [sent, sentFormat] = edifactTime(m_.header.sentAt);
    w.segment("DTM", {{"137", sent, sentFormat}});
    if (!r.requester.id.empty() || !r.requester.name.family.empty()) {
      w.segment("S01", {{"01"}});
      w.segment("NAD", {{"PO"},
                        {r.requester.id,
                         r.requester.idAuthority == "GMP" ? "900" : r.requester.idAuthority},
                        {},
                        {r.requester.name.family}});
      w.segment("SPR", {{"PRO"}});
    }
    if (!r.requesterOrganisation.empty()) {
      w.segment("S01", {{"01"}});
      w.segment("NAD", {{"MR"}, {r.requesterOrganisation, "901"}});
      w.segment("SPR", {{"ORG"}});
    }
    if (!r.performingLab.empty()) {
      w.segment("S01", {{"01"}});
      w.segment("NAD", {{"SLA"}, {}, {}, {r.performingLab}});
      w.segment("SPR", {{"ORG"}});
    }
    w.segment("S02", {{"02"}});
    w.segment("GIS", {{"N"}});
    if (!r.fillerOrder.empty()) w.segment("RFF", {{"SRI", r.fillerOrder}});
    w.segment("STS", {{}, {statusCode(r.status)}});
    if (!r.issuedAt.empty()) {
      const auto [t, f] = edifactTime(r.issuedAt);
      w.segment("DTM", {{"ISR", t, f}});
    }
    // The report's own comments, before any investigation (after one they would be its).
    for (const std::string& c : r.comments) w.segment("FTX", {{"SPC"}, {}, {}, {c}});
    patient(w);
    if (!r.clinicalDetails.empty()) {
      w.segment("S10", {{"10"}});
      w.segment("CIN", {{"UN"}});
      w.segment("FTX", {{"CID"}, {}, {}, {r.clinicalDetails}});
    }
    std::string seq = "1";
    for (std::size_t k = 0; k < r.specimens.size(); ++k) {
      if (r.specimens[k] >= m_.specimens.size()) continue;
      const model::Specimen& s = m_.specimens[r.specimens[k]];
      seq = std::to_string(k + 1);
      w.segment("S16", {{"16"}});
      w.segment("SEQ", {{}, {seq}});
      w.segment("SPC", {{"TSP"}, {s.type.code, codeList(s.type.system), {}, s.type.display}});
      if (!s.id.empty()) w.segment("RFF", {{"STI", s.id}});
      if (!s.collectedAt.empty()) {
        const auto [t, f] = edifactTime(s.collectedAt);
        w.segment("DTM", {{"SCO", t, f}});
      }
      if (!s.receivedAt.empty()) {
        const auto [t, f] = edifactTime(s.receivedAt);
        w.segment("DTM", {{"SRI", t, f}});
      }
      if (!s.fasting.empty()) w.segment("SPC", {{"FS"}, {s.fasting}});
    }
    if (!r.specimens.empty()) seq = "1";
    for (const model::Observation& o : r.results) {
      observation(w, o, r.specimens.empty() ? "" : seq, r.status);
    }
    if (!r.documents.empty()) {
      m_.warnings.push_back("EDIFACT: " + std::to_string(r.documents.size()) +
                            " embedded document(s) cannot be carried by NHS003");
    }
    if (!r.parentFiller.empty() || !r.parentCode.empty() || !r.parentSubId.empty() ||
        !r.parentValue.empty()) {
      m_.warnings.push_back("EDIFACT: a parent-result link is not carried");
    }
    w.endMessage();
  }

  void patient(InterchangeWriter& w) {
    const model::Patient& p = m_.patient;
    w.segment("S06", {{"06"}});
    if (!p.identifiers.empty()) w.segment("RFF", {{"SSI", p.identifiers[0].value}});
    if (!p.address.lines.empty() || !p.address.postcode.empty()) {
      Element lines = {"US"};
      for (const auto& l : p.address.lines) lines.push_back(l);
      w.segment("ADR", {{}, lines, {}, {p.address.postcode}});
    }
    w.segment("S07", {{"07"}});
    std::vector<Element> pna = {{"PAT"}, {p.nhsNumber, p.nhsNumber.empty() ? "" : "OPI"}, {}, {}};
    pna.push_back({"SU", p.name.family});
    if (!p.name.given.empty()) pna.push_back({"FO", p.name.given[0]});
    if (p.name.given.size() > 1) pna.push_back({"MI", p.name.given[1]});
    if (!p.name.prefix.empty()) pna.push_back({"TI", p.name.prefix});
    w.segment("PNA", pna);
    if (!p.birthDate.empty())
      w.segment("DTM", {{"329", edifactTime(p.birthDate).first.substr(0, 8), "102"}});
    if (const std::string sex = sexCode(p.sex); !sex.empty()) w.segment("PDI", {{sex}});
  }

  void observation(InterchangeWriter& w, const model::Observation& o, const std::string& seq,
                   const std::string& reportStatus) {
    w.segment("GIS", {{"N"}});
    w.segment("INV", {{"MQ"}, {o.code.code, codeList(o.code.system), {}, o.code.display}});
    // A result's status is the report's unless it says otherwise.
    const std::string implied = reportStatus.empty() ? "unknown" : reportStatus;
    if (!o.status.empty() && o.status != implied) w.segment("STS", {{}, {statusCode(o.status)}});
    const model::Value& v = o.value;
    if (v.kind == model::Value::Kind::kNone) w.segment("SEQ", {{}, {"1"}});
    std::string flag = o.interpretation.empty() ? "" : flagCode(o.interpretation[0]);
    if (v.kind == model::Value::Kind::kQuantity) {
      w.segment("RSL", {{"NV"},
                        {v.quantity.value, comparatorCode(v.quantity.comparator)},
                        {},
                        {{}, {}, {}, o.unit},
                        {flag}});
    } else if (v.kind == model::Value::Kind::kCoded) {
      w.segment("RSL", {{"CV"}, {}, {v.coded.code, codeList(v.coded.system), {}, v.coded.display}});
    } else if (v.kind == model::Value::Kind::kText) {
      w.segment("FTX", {{"RIT"}, {}, {}, {v.text}});
    } else if (v.kind != model::Value::Kind::kNone) {
      m_.warnings.push_back("EDIFACT: a " +
                            std::string(v.kind == model::Value::Kind::kRange   ? "range"
                                        : v.kind == model::Value::Kind::kRatio ? "ratio"
                                                                               : "date/time") +
                            " result (" + o.code.code + ") is not carried");
    }
    if (!seq.empty())
      w.segment("RFF", {{v.kind == model::Value::Kind::kNone ? "ASL" : "ARL", seq}});
    for (const model::Range& r : o.referenceRanges) {
      if (r.low.value.empty() && r.high.value.empty()) continue;
      w.segment("S20", {{"20"}});
      w.segment("RND", {{"U"}, {r.low.value}, {r.high.value}});
    }
    for (const std::string& c : o.comments) w.segment("FTX", {{"SPC"}, {}, {}, {c}});
    if (!o.method.empty() || !o.performer.empty()) {
      m_.warnings.push_back("EDIFACT: the method and performer of " + o.code.code +
                            " are not carried");
    }
  }

  model::Message& m_;
  const MedrptEnvelope& e_;
};

}  // namespace

std::string writeMedrpt(model::Message& message, const MedrptEnvelope& envelope) {
  return Writer(message, envelope).write();
}

}  // namespace pathhub::edifact

// Model → NHS003 MEDRPT (see medrpt_writer.h).
#include "edifact/medrpt_writer.h"

#include <chrono>

#include "edifact/edifact_writer.h"
#include "edifact/medrpt_codes.h"
#include "model/ranges.h"
#include "model/times.h"
#include "model/warnings.h"

namespace pathhub::edifact {
namespace {

namespace w = model::warning;

std::string digitsOf(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c >= '0' && c <= '9') out += c;
  }
  return out;
}

// ISO 8601 → EDIFACT {value, format}, in UK local time (EDIFACT has no zone):
// "2019-05-14T10:24:00+02:00" → 201905140924 (203); "2010-02-25" → 20100225 (102). Seconds
// other than :00 are kept (204). {"", ""} for a value that is not ISO 8601.
std::pair<std::string, std::string> edifactTime(const std::string& iso) {
  auto t = model::parseIso(iso);
  if (!t || t->precision < model::IsoTime::Precision::kDay) return {"", ""};
  const model::IsoTime local = model::inZone(*t, model::LocalZone::london());
  const std::string all = digitsOf(local.textWithSeconds());
  if (!t->hasTime()) return {all.substr(0, 8), "102"};
  if (t->precision == model::IsoTime::Precision::kSecond && local.second != 0) {
    return {all.substr(0, 14), "204"};
  }
  return {all.substr(0, 12), "203"};
}

// Now, as UK local time (for a preparation time nothing else gives).
std::string nowInUk() {
  const auto now = std::chrono::floor<std::chrono::minutes>(std::chrono::system_clock::now());
  const auto days = std::chrono::floor<std::chrono::days>(now);
  const std::chrono::year_month_day ymd{days};
  const auto minutes = (now - days).count();
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:00Z", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                static_cast<int>(minutes / 60), static_cast<int>(minutes % 60));
  return buf;
}

class Writer {
 public:
  Writer(model::Message& m, const MedrptEnvelope& e) : m_(m), e_(e) {}

  std::string write() {
    sent_ = edifactTime(m_.header.sentAt);
    if (sent_.first.empty() || sent_.second == "102") {
      const std::string now = e_.now.empty() ? nowInUk() : e_.now;
      model::warn(
          m_, w::kApproximated,
          "EDIFACT: the message has no sending time" +
              (m_.header.sentAt.empty() ? std::string() : " of day (" + m_.header.sentAt + ")") +
              ": the time it was written (" + now + ") is its preparation time");
      sent_ = edifactTime(now);
    }
    const std::string& date = sent_.first;
    InterchangeWriter w({e_.sender.empty() ? m_.header.sendingFacility : e_.sender},
                        {e_.recipient.empty() ? m_.header.receivingFacility : e_.recipient},
                        date.substr(2, 6), date.substr(8, 4), e_.reference, "MEDRPT",
                        e_.acknowledgementRequested || m_.header.acknowledgementRequested);
    for (std::size_t i = 0; i < m_.reports.size(); ++i) message(w, m_.reports[i], i + 1);
    return w.finish();
  }

 private:
  void warn(std::string_view name, const std::string& text) { model::warn(m_, name, text); }

  void time(InterchangeWriter& w, const char* qualifier, const std::string& iso) {
    if (iso.empty()) return;
    const auto [value, format] = edifactTime(iso);
    if (value.empty()) {
      warn(w::kInvalidDate,
           std::string("EDIFACT: DTM+") + qualifier + " '" + iso + "' is not a date: not written");
      return;
    }
    w.segment("DTM", {{qualifier, value, format}});
  }

  std::string statusCode(const std::string& status, const std::string& where) {
    const auto code = codes::statusToNhs003(status);
    if (!code) {
      warn(w::kUnmappableStatus,
           "EDIFACT: " + where + " status '" + status + "' has no NHS003 equivalent: UN written");
      return "UN";
    }
    if (!code->exact) {
      warn(w::kApproximated, "EDIFACT: " + where + " status '" + status + "' written as " +
                                 code->code + ", the nearest NHS003 status");
    }
    return code->code;
  }

  void message(InterchangeWriter& w, model::Report& r, std::size_t number) {
    w.beginMessage(std::to_string(number), {"MEDRPT", "0", "1", "RT", "NHS003"});
    w.segment("BGM", {{"LSR"}});
    w.segment("DTM", {{"137", sent_.first, sent_.second}});
    parties(w, r);
    w.segment("S02", {{"02"}});
    w.segment("GIS", {{"N"}});
    if (!r.fillerOrder.empty()) w.segment("RFF", {{"SRI", r.fillerOrder}});
    if (!r.placerOrder.empty()) {
      warn(w::kNotCarried, "EDIFACT: NHS003 has no place for the placer order number " +
                               r.placerOrder + " of report " + std::to_string(number));
    }
    if (!r.code.empty()) {
      warn(w::kNotCarried, "EDIFACT: NHS003 has no place for the report's own code (" +
                               r.code.code + " " + r.code.display + ")");
    }
    w.segment("STS", {{}, {statusCode(r.status, "report")}});
    time(w, "ISR", r.issuedAt);
    // The report's own comments, before any investigation (after one they would be its).
    if (!r.conclusion.empty()) {
      warn(w::kApproximated, "EDIFACT: NHS003 has no conclusion: it is the report's first comment");
      w.segment("FTX", {{"SPC"}, {}, {}, {r.conclusion}});
    }
    for (const std::string& c : r.comments) w.segment("FTX", {{"SPC"}, {}, {}, {c}});
    patient(w);
    if (!r.clinicalDetails.empty()) {
      w.segment("S10", {{"10"}});
      w.segment("CIN", {{"UN"}});
      std::size_t at = 0;
      while (at <= r.clinicalDetails.size()) {
        const std::size_t end =
            std::min(r.clinicalDetails.find('\n', at), r.clinicalDetails.size());
        w.segment("FTX", {{"CID"}, {}, {}, {r.clinicalDetails.substr(at, end - at)}});
        at = end + 1;
      }
    }
    // Specimens numbered 1…n in their S16 SEQ; investigations name theirs by that number.
    std::vector<std::string> specimenSeq(m_.specimens.size());
    std::size_t seq = 0;
    for (std::size_t index : r.specimens) {
      if (index >= m_.specimens.size() || !specimenSeq[index].empty()) continue;
      const model::Specimen& s = m_.specimens[index];
      specimenSeq[index] = std::to_string(++seq);
      w.segment("S16", {{"16"}});
      w.segment("SEQ", {{}, {specimenSeq[index]}});
      w.segment("SPC",
                {{"TSP"}, {s.type.code, codes::listFromSystem(s.type.system), {}, s.type.display}});
      if (!s.id.empty()) w.segment("RFF", {{"STI", s.id}});
      time(w, "SCO", s.collectedAt);
      time(w, "SRI", s.receivedAt);
      if (!s.fasting.empty()) w.segment("SPC", {{"FS"}, {s.fasting}});
      for (const std::string& c : s.comments) w.segment("FTX", {{"SPC"}, {}, {}, {c}});
    }
    // Groups numbered 1…g in their SEQ; their members name them by that number.
    std::vector<std::string> groupSeq(r.results.size());
    std::vector<std::string> memberOf(r.results.size());
    std::size_t groups = 0;
    for (std::size_t i = 0; i < r.results.size(); ++i) {
      if (r.results[i].members.empty()) continue;
      groupSeq[i] = std::to_string(++groups);
      for (std::size_t m : r.results[i].members) {
        if (m < memberOf.size()) memberOf[m] = groupSeq[i];
      }
    }
    for (std::size_t i = 0; i < r.results.size(); ++i) {
      const model::Observation& o = r.results[i];
      std::string specimen;
      const auto& mine = o.specimens.empty() ? r.specimens : o.specimens;
      if (mine.size() == 1 && mine[0] < specimenSeq.size()) specimen = specimenSeq[mine[0]];
      observation(w, o, r.status, groupSeq[i], memberOf[i], specimen);
    }
    if (!r.documents.empty()) {
      warn(w::kNotCarried, "EDIFACT: " + std::to_string(r.documents.size()) +
                               " embedded document(s) cannot be carried by NHS003");
    }
    if (!r.parentFiller.empty() || !r.parentCode.empty() || !r.parentSubId.empty() ||
        !r.parentValue.empty()) {
      warn(w::kNotCarried, "EDIFACT: a parent-result link is not carried");
    }
    warnPerResult(withTime_, "the observation time");
    warnPerResult(withMethod_, "the method and performer");
    w.endMessage();
  }

  // S01: the requesting clinician (NAD+PO, a GP's national code), the requesting practice
  // (NAD+MR with its ODS code, NAD+PO with its name), the laboratory (NAD+SLA).
  void parties(InterchangeWriter& w, const model::Report& r) {
    if (!r.requester.id.empty() || !r.requester.name.family.empty()) {
      w.segment("S01", {{"01"}});
      w.segment("NAD", {{"PO"},
                        {r.requester.id,
                         r.requester.idAuthority == "GMP" ? "900" : r.requester.idAuthority},
                        {},
                        {r.requester.name.family}});
      w.segment("SPR", {{"PRO"}});
    }
    if (!r.requesterOrganisationName.empty()) {
      w.segment("S01", {{"01"}});
      w.segment("NAD", {{"PO"}, {}, {}, {r.requesterOrganisationName}});
      w.segment("SPR", {{"ORG"}});
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
  }

  void patient(InterchangeWriter& w) {
    const model::Patient& p = m_.patient;
    w.segment("S06", {{"06"}});
    if (!p.identifiers.empty()) w.segment("RFF", {{"SSI", p.identifiers[0].value}});
    if (p.identifiers.size() > 1) {
      warn(w::kNotCarried, "EDIFACT: RFF+SSI holds one local identifier; " +
                               std::to_string(p.identifiers.size() - 1) + " were not written");
    }
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
      w.segment("DTM", {{"329", digitsOf(p.birthDate).substr(0, 8), "102"}});
    if (const std::string sex = codes::sexToNhs003(p.sex); !sex.empty()) w.segment("PDI", {{sex}});
  }

  // One investigation: a group head (SEQ, and the specimen it was measured on), a group's
  // member (RFF+ARL, the group's number) or a result of its own (RFF+ASL, its specimen).
  void observation(InterchangeWriter& w, const model::Observation& o,
                   const std::string& reportStatus, const std::string& group,
                   const std::string& memberOf, const std::string& specimen) {
    w.segment("GIS", {{"N"}});
    const std::string list = codes::listFromSystem(o.code.system);
    if (list.empty() && !o.code.system.empty()) {
      warn(w::kNotCarried, "EDIFACT: INV " + o.code.code + " is coded in " + o.code.system +
                               ", which NHS003 has no code list for: its system is not written");
    }
    w.segment("INV", {{"MQ"}, {o.code.code, list, {}, o.code.display}});
    // A result's status is the report's unless it says otherwise.
    const std::string implied = reportStatus.empty() ? "unknown" : reportStatus;
    if (!o.status.empty() && o.status != implied) {
      w.segment("STS", {{}, {statusCode(o.status, "result " + o.code.code)}});
    }
    if (!group.empty()) w.segment("SEQ", {{}, {group}});
    const model::Value& v = o.value;
    std::string flag;
    for (std::size_t i = 0; i < o.interpretation.size(); ++i) {
      const auto code = codes::flagToNhs003(o.interpretation[i]);
      if (i > 0 || !code) {
        warn(w::kNotCarried, "EDIFACT: the flag '" + o.interpretation[i] + "' of " + o.code.code +
                                 (code ? " (RSL holds one flag)" : " has no NHS003 equivalent"));
        continue;
      }
      if (!code->exact) {
        warn(w::kApproximated, "EDIFACT: the flag '" + o.interpretation[i] + "' of " + o.code.code +
                                   " written as " + code->code);
      }
      flag = code->code;
    }
    if (v.kind == model::Value::Kind::kQuantity) {
      w.segment("RSL", {{"NV"},
                        {v.quantity.value, codes::comparatorToNhs003(v.quantity.comparator)},
                        {},
                        {{}, {}, {}, o.unit},
                        {flag}});
    } else if (v.kind == model::Value::Kind::kCoded) {
      w.segment("RSL",
                {{"CV"},
                 {{}, {}, v.coded.code, codes::listFromSystem(v.coded.system), {}, v.coded.display},
                 {},
                 {{}, {}, {}, o.unit},
                 {flag}});
    } else {
      if (v.kind == model::Value::Kind::kText) w.segment("FTX", {{"RIT"}, {}, {}, {v.text}});
      if (!flag.empty()) {
        warn(w::kNotCarried, "EDIFACT: the flag of " + o.code.code +
                                 " cannot be sent without a numeric or coded value");
      }
      if (v.kind != model::Value::Kind::kNone && v.kind != model::Value::Kind::kText) {
        warn(w::kNotCarried, "EDIFACT: a " +
                                 std::string(v.kind == model::Value::Kind::kRange   ? "range"
                                             : v.kind == model::Value::Kind::kRatio ? "ratio"
                                                                                    : "date/time") +
                                 " result (" + o.code.code + ") is not carried");
      }
    }
    for (const std::string& c : o.comments) w.segment("FTX", {{"SPC"}, {}, {}, {c}});
    if (!memberOf.empty()) {
      w.segment("RFF", {{"ARL", memberOf}});
    } else if (!specimen.empty()) {
      w.segment("RFF", {{"ASL", specimen}});
    }
    for (const model::Range& r : o.referenceRanges) {
      w.segment("S20", {{"20"}});
      const std::string& unit = model::rangeUnit(r);
      w.segment("RND", {{"U"}, {r.low.value}, {r.high.value}, {unit == o.unit ? "" : unit}});
      if (!r.text.empty()) w.segment("FTX", {{"RPD"}, {}, {}, {r.text}});
    }
    if (!o.method.empty() || !o.performer.empty()) withMethod_.push_back(o.code.code);
    if (!o.observedAt.empty()) withTime_.push_back(o.code.code);
  }

  // One warning per kind for a message's results, naming them.
  void warnPerResult(std::vector<std::string>& codes, const std::string& what) {
    if (codes.empty()) return;
    std::string list;
    for (const auto& c : codes) list += (list.empty() ? "" : ", ") + c;
    warn(w::kNotCarried, "EDIFACT: " + what + " of " + std::to_string(codes.size()) +
                             " result(s) not carried (" + list + ")");
    codes.clear();
  }

  model::Message& m_;
  const MedrptEnvelope& e_;
  std::vector<std::string> withTime_, withMethod_;  // results of this message, for warnings
  std::pair<std::string, std::string> sent_;
};

}  // namespace

std::string writeMedrpt(model::Message& message, const MedrptEnvelope& envelope) {
  return Writer(message, envelope).write();
}

}  // namespace pathhub::edifact

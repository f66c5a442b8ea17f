// NHS003 MEDRPT → model (see medrpt_reader.h).
#include "edifact/medrpt_reader.h"

#include <map>
#include <optional>

#include "edifact/medrpt_codes.h"
#include "hl7/types.h"
#include "model/digest.h"
#include "model/ranges.h"
#include "model/times.h"
#include "model/warnings.h"

namespace pathhub::edifact {
namespace {

namespace w = model::warning;

// EDIFACT dates: 102 CCYYMMDD, 203 CCYYMMDDHHMM, 204 CCYYMMDDHHMMSS → ISO 8601. NHS messages
// carry UK local time, so a time gains the UK offset in force then. "" when the value is not
// a date of its format (the caller warns).
std::string isoDate(const std::string& value, const std::string& format, bool& ambiguous) {
  ambiguous = false;
  const bool numeric = !value.empty() && value.find_first_not_of("0123456789") == std::string::npos;
  if (!numeric) return {};
  auto digits = [&](std::size_t from, std::size_t n) { return value.substr(from, n); };
  std::string iso;
  if (format == "102" && value.size() == 8) {
    iso = digits(0, 4) + "-" + digits(4, 2) + "-" + digits(6, 2);
  } else if ((format == "203" && value.size() == 12) || (format == "204" && value.size() == 14)) {
    iso = digits(0, 4) + "-" + digits(4, 2) + "-" + digits(6, 2) + "T" + digits(8, 2) + ":" +
          digits(10, 2) + (format == "204" ? ":" + digits(12, 2) : "");
  } else {
    return {};
  }
  if (!model::parseIso(iso)) return {};
  bool applied = false;
  return model::withZone(iso, model::LocalZone::london(), applied, ambiguous);
}

class Reader {
 public:
  Reader(const Message& m, const Interchange* i) : m_(m), i_(i) {}

  Result<model::Message> read() {
    if (m_.type != "MEDRPT") {
      return fail(ErrorCode::kInvalidValue,
                  "message " + m_.reference + " is " + m_.type + ", not a MEDRPT report");
    }
    out_.header.messageId = (i_ ? i_->reference + "/" : std::string()) + m_.reference;
    out_.header.event = "ORU^R01";
    if (i_) {
      out_.header.sendingFacility = i_->sender;
      out_.header.receivingFacility = i_->recipient;
      if (i_->header) out_.header.acknowledgementRequested = i_->header->at(9) == "1";
    }
    out_.reports.emplace_back();
    model::Digest digest;
    for (const Segment& s : m_.segments) {
      digest.add(s.tag);
      for (const auto& e : s.elements) {
        for (const auto& c : e) digest.add("+").add(c);
      }
      digest.add("'");
    }
    out_.digest = digest.hex();
    for (const Segment& s : m_.segments) segment(s);
    if (patients_ > 1) {
      return fail(
          ErrorCode::kInvalidValue,
          model::warningText(w::kAmbiguousIdentity,
                             "message " + m_.reference + " names " + std::to_string(patients_) +
                                 " patients (PNA+PAT): refused rather than merged"));
    }
    link();
    return std::move(out_);
  }

 private:
  model::Report& report() { return out_.reports.back(); }
  void warn(std::string_view name, const std::string& text) { model::warn(out_, name, text); }

  // What an investigation says of its place: its own group number (SEQ after INV), the
  // specimen it was measured on (RFF+ASL, by S16 SEQ) or the group it belongs to (RFF+ARL).
  struct Links {
    std::string group, specimen, memberOf;
  };

  void segment(const Segment& s) {
    const std::string& tag = s.tag;
    if (tag == "S01" || tag == "S02" || tag == "S06" || tag == "S07" || tag == "S10" ||
        tag == "S16" || tag == "S20") {
      if (group_ == "S01") endParty();
      group_ = tag;
      if (tag == "S16") current_.reset();  // a new specimen
      return;
    }
    if (tag == "DTM" && s.at(1, 1) == "137") {
      out_.header.sentAt = time(s, "DTM+137");
    } else if (tag == "NAD") {
      party(s);
    } else if (tag == "SPR" && group_ == "S01") {
      partyRole(s.at(1));
    } else if (tag == "RFF") {
      reference(s);
    } else if (tag == "STS") {
      status(s);
    } else if (tag == "DTM") {
      date(s);
    } else if (tag == "ADR") {
      for (std::size_t c = 2; c <= 6; ++c) {
        if (auto line = s.at(2, c); !line.empty()) out_.patient.address.lines.push_back(line);
      }
      out_.patient.address.postcode = s.at(4);
    } else if (tag == "PNA" && s.at(1) == "PAT") {
      patientName(s);
    } else if (tag == "PDI") {
      out_.patient.sex = codes::sexFromNhs003(s.at(1));
    } else if (tag == "FTX") {
      freeText(s);
    } else if (tag == "SPC") {
      specimen(s);
    } else if (tag == "INV") {
      investigation(s);
    } else if (tag == "SEQ" && group_ == "S16" && !current_) {
      specimenSeq_[s.at(2)] = out_.specimens.size();  // the S16 SEQ comes before its SPC
    } else if (tag == "SEQ" && current_) {
      links_[*current_].group = s.at(2);  // an investigation that heads a group
    } else if (tag == "RSL") {
      resultValue(s);
    } else if (tag == "RND" && current_) {
      result().referenceRanges.push_back(model::rangeOf(s.at(2), s.at(3), s.at(4)));
    } else if (tag == "QTY" || tag == "CIN" || tag == "GIS" || tag == "BGM" || tag == "UNH" ||
               tag == "UNT") {
      // Carried by what follows or not mapped: specimen volume and indicators (see README).
      if (tag == "QTY") warn(w::kNotRead, "EDIFACT QTY (specimen volume) is not mapped");
    } else {
      warn(w::kNotRead,
           "EDIFACT segment " + std::to_string(s.number) + " (" + tag + ") is not mapped");
    }
  }

  model::Observation& result() { return report().results[*current_]; }

  std::string time(const Segment& s, const std::string& where) {
    bool ambiguous = false;
    std::string iso = isoDate(s.at(1, 2), s.at(1, 3), ambiguous);
    if (iso.empty() && !s.at(1, 2).empty()) {
      warn(w::kInvalidDate,
           where + " '" + s.at(1, 2) + "' (format " + s.at(1, 3) + ") is not a date: not read");
    }
    if (ambiguous) {
      warn(w::kZoneAmbiguous,
           where + " " + s.at(1, 2) + " falls in the hour the UK clocks change: read as " + iso);
    }
    return iso;
  }

  std::string statusWord(const std::string& code) {
    if (auto word = codes::statusFromNhs003(code)) return *word;
    warn(w::kUnmappableStatus, "STS '" + code + "' is not an NHS003 status: read as unknown");
    return "unknown";
  }

  // In S02 the report's status; after an investigation, that result's.
  void status(const Segment& s) {
    const std::string word = statusWord(s.at(2));
    if (current_) {
      result().status = word;
    } else {
      report().status = word;
    }
  }

  // S01: a party (NAD) and its role (SPR: PRO a person, ORG an organisation, DPT a department).
  void party(const Segment& s) {
    endParty();
    party_.qualifier = s.at(1);
    party_.code = s.at(2, 1);
    party_.list = s.at(2, 2);
    party_.name = s.at(4);
    // A national code says what the party is, whatever SPR follows: 900 a GP, 901 a practice.
    if (party_.list == "900" || party_.list == "901")
      partyRole(party_.list == "900" ? "PRO" : "ORG");
  }

  // A party whose role no SPR gave: its qualifier says it.
  void endParty() {
    if (!party_.qualifier.empty() && !party_.done) partyRole("");
    party_ = {};
  }

  void partyRole(const std::string& role) {
    if (party_.done) return;
    party_.done = true;
    model::Report& r = report();
    if (party_.qualifier == "PO" && role == "PRO") {
      r.requester.id = party_.code;
      r.requester.idAuthority = party_.list == "900" ? "GMP" : party_.list;
      r.requester.name.family = party_.name;
    } else if (party_.qualifier == "PO" && role == "ORG") {
      if (!party_.code.empty()) r.requesterOrganisation = party_.code;
      if (!party_.name.empty()) r.requesterOrganisationName = party_.name;
    } else if (party_.qualifier == "MR" && party_.list == "901") {
      if (r.requesterOrganisation.empty()) r.requesterOrganisation = party_.code;
    } else if (party_.qualifier == "SLA" && role == "ORG") {
      // The laboratory: a department then the organisation; the organisation names it.
      if (!party_.name.empty()) r.performingLab = party_.name;
    } else if (party_.qualifier == "PO" && role.empty() && r.requester.id.empty() &&
               r.requester.name.family.empty()) {
      r.requester.name.family = party_.name;
    } else if (party_.qualifier == "SLA" && role.empty() && r.performingLab.empty()) {
      r.performingLab = party_.name;
    }
  }

  void reference(const Segment& s) {
    const std::string q = s.at(1, 1), v = s.at(1, 2);
    if (q == "SRI") {
      report().fillerOrder = v;
    } else if (q == "RTI" || q == "ROI") {
      report().placerOrder = v;
    } else if (q == "SSI") {
      out_.patient.identifiers.push_back({v, "", ""});
    } else if (q == "STI" && !current_ && !out_.specimens.empty()) {
      out_.specimens.back().id = v;
    } else if (q == "ASL" && current_) {
      links_[*current_].specimen = v;
    } else if (q == "ARL" && current_) {
      links_[*current_].memberOf = v;
    }
  }

  void date(const Segment& s) {
    const std::string q = s.at(1, 1);
    if (q == "ISR") {
      report().issuedAt = time(s, "DTM+ISR");
    } else if (q == "329") {
      out_.patient.birthDate = time(s, "DTM+329 (birth date)");
    } else if (q == "SCO" && !out_.specimens.empty()) {
      out_.specimens.back().collectedAt = time(s, "DTM+SCO");
    } else if (q == "SRI" && !out_.specimens.empty()) {
      out_.specimens.back().receivedAt = time(s, "DTM+SRI");
    }
  }

  void patientName(const Segment& s) {
    ++patients_;
    if (s.at(2, 2) == "OPI") {
      const std::string number = s.at(2, 1);
      std::string digits;
      for (char c : number) {
        if (c != ' ') digits += c;
      }
      if (hl7::isValidNhsNumber(digits)) {
        out_.patient.nhsNumber = digits;
      } else {
        warn(w::kInvalidNhsNumber,
             "PNA+PAT '" + number + "' fails the NHS number check: kept as a local identifier");
        out_.patient.identifiers.push_back({number, "", ""});
      }
    }
    for (std::size_t e = 5; e <= s.elements.size(); ++e) {
      const std::string q = s.at(e, 1), v = s.at(e, 2);
      if (q == "SU") out_.patient.name.family = v;
      if (q == "FO" || q == "MI") out_.patient.name.given.push_back(v);
      if (q == "TI") out_.patient.name.prefix = v;
    }
  }

  void freeText(const Segment& s) {
    std::string text;
    for (std::size_t c = 1; c <= 5; ++c) {
      if (auto part = s.at(4, c); !part.empty()) text += (text.empty() ? "" : " ") + part;
    }
    const std::string q = s.at(1);
    if (q == "CID") {
      std::string& details = report().clinicalDetails;
      details += (details.empty() ? "" : "\n") + text;  // every one, in order
    } else if (q == "RPD" && current_ && group_ == "S20" && !result().referenceRanges.empty()) {
      result().referenceRanges.back().text = text;  // a range given in words
    } else if (q == "RIT" && current_ && result().value.kind == model::Value::Kind::kNone &&
               links_[*current_].group.empty()) {
      // Result text: the value of an investigation that has no RSL.
      result().value.kind = model::Value::Kind::kText;
      result().value.text = text;
    } else if (current_) {
      result().comments.push_back(text);  // SPC, RIT, RPD: about the investigation
    } else if (group_ == "S16" && !out_.specimens.empty()) {
      out_.specimens.back().comments.push_back(text);  // about the specimen
    } else {
      report().comments.push_back(text);
    }
  }

  void specimen(const Segment& s) {
    if (s.at(1) == "FS" && !out_.specimens.empty()) {
      out_.specimens.back().fasting = s.at(2, 1).empty() ? s.at(2, 4) : s.at(2, 1);
      return;
    }
    model::Specimen sp;
    sp.type = {s.at(2, 1), s.at(2, 4), codes::systemFromList(s.at(2, 2)), {}};
    if (sp.type.code.empty()) sp.type.system.clear();
    report().specimens.push_back(out_.specimens.size());
    out_.specimens.push_back(sp);
  }

  void investigation(const Segment& s) {
    model::Observation o;
    o.code = {s.at(2, 1), s.at(2, 4), codes::systemFromList(s.at(2, 2)), {}};
    if (o.code.code.empty()) o.code.system.clear();
    // A result's status is the report's unless it says otherwise (STS after the INV).
    o.status = report().status.empty() ? "unknown" : report().status;
    if (o.status == "appended" || o.status == "partial") o.status = "unknown";
    current_ = report().results.size();
    report().results.push_back(std::move(o));
    links_.emplace_back();
  }

  void resultValue(const Segment& s) {
    if (!current_) return;
    model::Observation& o = result();
    model::Value& v = o.value;
    const std::string kind = s.at(1);
    o.unit = s.at(4, 4);
    if (kind == "NV") {
      v.kind = model::Value::Kind::kQuantity;
      v.quantity = {s.at(2, 1), codes::comparatorFromNhs003(s.at(2, 2)), o.unit};
    } else if (kind == "CV") {
      // C830: value : significance : code : list : : description.
      v.kind = model::Value::Kind::kCoded;
      v.coded = {s.at(2, 3), s.at(2, 6), codes::systemFromList(s.at(2, 4)), {}};
    } else if (!s.at(2, 1).empty()) {
      v.kind = model::Value::Kind::kText;
      v.text = s.at(2, 1);
    }
    if (const std::string flag = s.at(5); !flag.empty()) {
      if (auto f = codes::flagFromNhs003(flag)) {
        o.interpretation.push_back(*f);
      } else {
        warn(w::kNotRead,
             "RSL deviating result indicator '" + flag + "' is not an NHS003 flag: kept as sent");
        o.interpretation.push_back(flag);
      }
    }
  }

  // The investigations' places, once all are read: a group's members follow it, a result
  // measured on a specimen of its own links that specimen.
  void link() {
    std::map<std::string, std::size_t> groups;
    auto& results = report().results;
    for (std::size_t i = 0; i < links_.size(); ++i) {
      if (!links_[i].group.empty()) groups[links_[i].group] = i;
    }
    for (std::size_t i = 0; i < links_.size(); ++i) {
      const Links& l = links_[i];
      if (!l.memberOf.empty()) {
        auto g = groups.find(l.memberOf);
        if (g != groups.end() && g->second < i) {
          results[g->second].members.push_back(i);
        } else {
          warn(w::kNotRead, "investigation " + results[i].code.code + " names group " + l.memberOf +
                                " (RFF+ARL), which no investigation before it heads");
        }
      }
      if (!l.specimen.empty()) {
        auto sp = specimenSeq_.find(l.specimen);
        if (sp != specimenSeq_.end() && sp->second < out_.specimens.size()) {
          results[i].specimens = {sp->second};
        } else {
          warn(w::kNotRead, "investigation " + results[i].code.code + " names specimen " +
                                l.specimen + " (RFF+ASL), which the message does not have");
        }
      }
    }
    // A group's members were measured on the group's specimen.
    for (auto& o : results) {
      for (std::size_t m : o.members) {
        if (results[m].specimens.empty()) results[m].specimens = o.specimens;
      }
    }
  }

  struct Party {
    std::string qualifier, code, list, name;
    bool done = false;
  };

  const Message& m_;
  const Interchange* i_;
  model::Message out_;
  std::string group_;
  Party party_;
  int patients_ = 0;
  std::optional<std::size_t> current_;  // the investigation being read, in report().results
  std::vector<Links> links_;            // one per investigation
  std::map<std::string, std::size_t> specimenSeq_;  // S16 SEQ → index in out_.specimens
};

}  // namespace

Result<model::Message> readMedrpt(const Message& message, const Interchange* interchange) {
  return Reader(message, interchange).read();
}

}  // namespace pathhub::edifact

// NHS003 MEDRPT → model (see medrpt_reader.h).
#include "edifact/medrpt_reader.h"

#include <optional>

namespace pathhub::edifact {
namespace {

// The UK's offset from UTC on a local date and time: +01:00 in British Summer Time (from
// 01:00 on the last Sunday of March to 01:00 UTC, 02:00 local, on the last Sunday of October).
std::string ukOffset(int year, int month, int day, int hour) {
  auto lastSunday = [year](int m) {
    // Day of week of the 31st by Sakamoto's method (0 = Sunday); both months have 31 days.
    static const int t[] = {0, 3, 2, 5, 0, 3, 5, 1, 4, 6, 2, 4};
    int y = year - (m < 3 ? 1 : 0);
    const int dow = (y + y / 4 - y / 100 + y / 400 + t[m - 1] + 31) % 7;
    return 31 - dow;
  };
  const int start = lastSunday(3), end = lastSunday(10);
  bool summer = month > 3 && month < 10;
  if (month == 3) summer = day > start || (day == start && hour >= 1);
  if (month == 10) summer = day < end || (day == end && hour < 2);
  return summer ? "+01:00" : "+00:00";
}

// EDIFACT dates: 102 CCYYMMDD, 203 CCYYMMDDHHMM, 204 CCYYMMDDHHMMSS → ISO 8601. Times are UK
// local time in NHS messages, so they gain the UK offset of their date.
std::string isoDate(const std::string& value, const std::string& format) {
  auto digits = [&](std::size_t from, std::size_t n) { return value.substr(from, n); };
  if (format == "102" && value.size() == 8) {
    return digits(0, 4) + "-" + digits(4, 2) + "-" + digits(6, 2);
  }
  if ((format == "203" && value.size() == 12) || (format == "204" && value.size() == 14)) {
    const bool numeric = value.find_first_not_of("0123456789") == std::string::npos;
    if (!numeric) return value;
    return digits(0, 4) + "-" + digits(4, 2) + "-" + digits(6, 2) + "T" + digits(8, 2) + ":" +
           digits(10, 2) + ":" + (format == "204" ? digits(12, 2) : "00") +
           ukOffset(std::stoi(digits(0, 4)), std::stoi(digits(4, 2)), std::stoi(digits(6, 2)),
                    std::stoi(digits(8, 2)));
  }
  return value;
}

// UN/EDIFACT 6321 measurement significance, as NHS003 uses it in RSL.
std::string comparator(const std::string& code) {
  if (code == "5") return ">=";
  if (code == "6") return ">";
  if (code == "7") return "<";
  if (code == "8") return "<=";
  return {};
}

std::string reportStatus(const std::string& code) {
  if (code == "UN") return "unknown";
  if (code == "CA") return "cancelled";
  if (code == "PR") return "preliminary";
  if (code == "SR") return "registered";
  if (code == "FI" || code == "CO") return "final";
  if (code == "AM") return "amended";
  return code.empty() ? "unknown" : "unknown";
}

std::string sex(const std::string& code) {
  if (code == "1") return "male";
  if (code == "2") return "female";
  if (code == "9") return "other";
  return code.empty() ? "" : "unknown";
}

// Read codes (911) and the other NHS code lists.
std::string codeSystem(const std::string& list) {
  if (list == "911") return "http://read.info/readv2";
  if (list == "912" || list == "SCT") return "http://snomed.info/sct";
  return list;
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
    }
    out_.reports.emplace_back();
    // One result per INV: reserved up front, so results never move while being filled.
    std::size_t investigations = 0;
    for (const Segment& s : m_.segments) investigations += s.tag == "INV" ? 1 : 0;
    report().results.reserve(investigations);
    for (const Segment& s : m_.segments) segment(s);
    return std::move(out_);
  }

 private:
  model::Report& report() { return out_.reports.back(); }

  void segment(const Segment& s) {
    const std::string& tag = s.tag;
    if (tag == "S01" || tag == "S02" || tag == "S06" || tag == "S07" || tag == "S10" ||
        tag == "S16" || tag == "S20") {
      group_ = tag;
      if (tag == "S16") {
        inInvestigations_ = false;  // a new specimen and its investigations
        current_ = nullptr;
        groupIndex_.reset();
      }
      return;
    }
    if (tag == "DTM" && s.at(1, 1) == "137") {
      out_.header.sentAt = isoDate(s.at(1, 2), s.at(1, 3));
    } else if (tag == "NAD") {
      party(s);
    } else if (tag == "RFF") {
      reference(s);
    } else if (tag == "STS") {
      // In S02 the report's status; after an investigation, that result's.
      (current_ ? current_->status : report().status) = reportStatus(s.at(2));
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
      out_.patient.sex = sex(s.at(1));
    } else if (tag == "FTX") {
      freeText(s);
    } else if (tag == "SPC") {
      specimen(s);
    } else if (tag == "INV") {
      investigation(s);
    } else if (tag == "SEQ" && group_ == "S16" && !inInvestigations_) {
      // A specimen's sequence number: what RFF+ASL/ARL refer to (see reference()).
    } else if (tag == "SEQ" && current_) {
      // An investigation followed by SEQ heads a group: it carries no value of its own, and
      // the investigations after it, up to the next group or specimen, are its members.
      current_->value.kind = model::Value::Kind::kNone;
      const std::size_t self = report().results.size() - 1;
      if (groupIndex_) {  // it was read as the previous group's member: it is not
        auto& previous = report().results[*groupIndex_].members;
        if (!previous.empty() && previous.back() == self) previous.pop_back();
      }
      groupIndex_ = self;
    } else if (tag == "RSL") {
      resultValue(s);
    } else if (tag == "RND" && current_) {
      model::Range r;
      r.low.value = s.at(2);
      r.high.value = s.at(3);
      current_->referenceRanges.push_back(r);
    } else if (tag == "QTY" || tag == "CIN" || tag == "GIS" || tag == "SPR" || tag == "BGM" ||
               tag == "UNH" || tag == "UNT") {
      // Carried by what follows or not mapped: specimen volume and indicators (see README).
      if (tag == "QTY") out_.warnings.push_back("EDIFACT QTY (specimen volume) is not mapped");
    } else {
      out_.warnings.push_back("EDIFACT segment " + std::to_string(s.number) + " (" + tag +
                              ") is not mapped");
    }
  }

  void party(const Segment& s) {
    const std::string qualifier = s.at(1);
    if (qualifier == "PO") {
      report().requester.id = s.at(2, 1);
      report().requester.idAuthority = s.at(2, 2) == "900" ? "GMP" : s.at(2, 2);
      report().requester.name.family = s.at(4);
    } else if (qualifier == "MR" && s.at(2, 2) == "901") {
      report().requesterOrganisation = s.at(2, 1);
    } else if (qualifier == "SLA") {
      // The laboratory: a department then the organisation; the organisation names it.
      if (!s.at(4).empty()) report().performingLab = s.at(4);
    }
  }

  void reference(const Segment& s) {
    const std::string q = s.at(1, 1), v = s.at(1, 2);
    if (q == "SRI") {
      report().fillerOrder = v;
    } else if (q == "SSI") {
      out_.patient.identifiers.push_back({v, "", ""});
    } else if (q == "STI" && !out_.specimens.empty()) {
      out_.specimens.back().id = v;
    }
    // RFF+ASL/ARL tie an investigation to one of the message's specimens by its S16 sequence
    // number; the model ties specimens to the report (one per message), so they are not kept.
  }

  void date(const Segment& s) {
    const std::string q = s.at(1, 1);
    const std::string value = isoDate(s.at(1, 2), s.at(1, 3));
    if (q == "ISR") {
      report().issuedAt = value;
    } else if (q == "329") {
      out_.patient.birthDate = value;
    } else if (q == "SCO" && !out_.specimens.empty()) {
      out_.specimens.back().collectedAt = value;
    } else if (q == "SRI" && !out_.specimens.empty()) {
      out_.specimens.back().receivedAt = value;
    }
  }

  void patientName(const Segment& s) {
    if (s.at(2, 2) == "OPI") out_.patient.nhsNumber = s.at(2, 1);
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
      report().clinicalDetails = text;
    } else if (q == "RIT" && current_ && current_->value.kind == model::Value::Kind::kNone) {
      // Result text: the value of an investigation that has no RSL.
      current_->value.kind = model::Value::Kind::kText;
      current_->value.text = text;
    } else if (current_) {
      current_->comments.push_back(text);  // SPC, RIT, RPD: about the investigation
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
    sp.type = {s.at(2, 1), s.at(2, 4), codeSystem(s.at(2, 2))};
    if (sp.type.code.empty()) sp.type.system.clear();
    report().specimens.push_back(out_.specimens.size());
    out_.specimens.push_back(sp);
    inInvestigations_ = false;
  }

  void investigation(const Segment& s) {
    inInvestigations_ = true;
    model::Observation o;
    o.code = {s.at(2, 1), s.at(2, 4), codeSystem(s.at(2, 2))};
    if (o.code.code.empty()) o.code.system.clear();
    o.status = report().status.empty() ? "unknown" : report().status;
    if (groupIndex_) report().results[*groupIndex_].members.push_back(report().results.size());
    report().results.push_back(o);
    current_ = &report().results.back();
  }

  void resultValue(const Segment& s) {
    if (!current_) return;
    model::Value& v = current_->value;
    const std::string kind = s.at(1);
    current_->unit = s.at(4, 4);
    if (kind == "NV") {
      v.kind = model::Value::Kind::kQuantity;
      v.quantity = {s.at(2, 1), comparator(s.at(2, 2)), current_->unit};
    } else if (kind == "CV") {
      v.kind = model::Value::Kind::kCoded;
      v.coded = {s.at(3, 1), s.at(3, 4), codeSystem(s.at(3, 2))};
    } else {
      v.kind = model::Value::Kind::kText;
      v.text = s.at(2, 1);
    }
    const std::string flag = s.at(5);
    if (flag == "HI")
      current_->interpretation.push_back("H");
    else if (flag == "LO")
      current_->interpretation.push_back("L");
    else if (!flag.empty())
      current_->interpretation.push_back(flag);
  }

  const Message& m_;
  const Interchange* i_;
  model::Message out_;
  std::string group_;
  bool inInvestigations_ = false;
  std::optional<std::size_t> groupIndex_;  // the group the investigations now read belong to
  model::Observation* current_ = nullptr;
};

}  // namespace

Result<model::Message> readMedrpt(const Message& message, const Interchange* interchange) {
  return Reader(message, interchange).read();
}

}  // namespace pathhub::edifact

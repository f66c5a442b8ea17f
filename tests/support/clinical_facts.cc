// The clinical meaning of a message as facts (see clinical_facts.h).
#include "clinical_facts.h"

#include <algorithm>
#include <set>

#include "model/digest.h"
#include "model/ranges.h"
#include "model/times.h"
#include "model/warnings.h"

namespace pathhub::testing {
namespace {

std::string joined(const std::vector<std::string>& parts, const char* by) {
  std::string out;
  for (const auto& p : parts) out += (out.empty() ? "" : by) + p;
  return out;
}

// Every coding of a concept, in no particular order (writers put standard terminologies
// first), as "system|code".
std::string codes(const model::Coding& c) {
  std::set<std::string> all;
  if (!c.code.empty()) all.insert(c.system + "|" + c.code);
  for (const auto& a : c.alternates) {
    if (!a.code.empty()) all.insert(a.system + "|" + a.code);
  }
  std::string out = joined(std::vector<std::string>(all.begin(), all.end()), " ");
  if (out.empty()) out = c.display;
  return out;
}

std::string quantity(const model::Quantity& q) { return q.comparator + q.value; }

std::string valueOf(const model::Observation& o) {
  const model::Value& v = o.value;
  using Kind = model::Value::Kind;
  switch (v.kind) {
    case Kind::kNone:
      return {};
    case Kind::kQuantity:
      return "quantity " + quantity(v.quantity);
    case Kind::kCoded:
      return "coded " + codes(v.coded);
    case Kind::kText:
      return "text " + v.text;
    case Kind::kDateTime:
      return "time " + model::utcInstant(v.text);
    case Kind::kRange:
      return "range " + quantity(v.range.low) + "-" + quantity(v.range.high);
    case Kind::kRatio:
      return "ratio " + quantity(v.quantity) + ":" + quantity(v.denominator);
  }
  return {};
}

std::string specimenOf(const model::Message& m, const std::vector<std::size_t>& indexes) {
  std::vector<std::string> out;
  for (std::size_t i : indexes) {
    if (i >= m.specimens.size()) continue;
    const model::Specimen& s = m.specimens[i];
    out.push_back(codes(s.type) + " collected " + model::utcInstant(s.collectedAt));
  }
  return joined(out, "; ");
}

// "report 3 result 12 value" → "report # result # value": the key of the allowed-loss table.
std::string pattern(const std::string& key) {
  std::string out;
  for (std::size_t i = 0; i < key.size(); ++i) {
    if (std::isdigit(static_cast<unsigned char>(key[i]))) {
      if (out.empty() || out.back() != '#') out += '#';
    } else {
      out += key[i];
    }
  }
  return out;
}

}  // namespace

Facts clinicalFacts(const model::Message& m) {
  Facts f;
  auto put = [&f](const std::string& key, const std::string& value) {
    if (value.find_first_not_of(" \t\r\n") != std::string::npos) f[key] = value;
  };
  const model::Patient& p = m.patient;
  put("patient nhs-number", p.nhsNumber);
  put("patient name", p.name.family + ", " + joined(p.name.given, " "));
  put("patient birth-date", p.birthDate);
  put("patient sex", p.sex);
  std::vector<std::string> ids;
  for (const auto& i : p.identifiers) ids.push_back(i.value);
  std::sort(ids.begin(), ids.end());
  put("patient identifiers", joined(ids, " "));
  for (std::size_t r = 0; r < m.reports.size(); ++r) {
    const model::Report& rep = m.reports[r];
    const std::string at = "report " + std::to_string(r);
    put(at + " status", rep.status.empty() ? "unknown" : rep.status);
    put(at + " code", codes(rep.code));
    put(at + " issued", model::utcInstant(rep.issuedAt));
    put(at + " conclusion", rep.conclusion);
    put(at + " comments", joined(rep.comments, " | "));
    put(at + " clinical-details", rep.clinicalDetails);
    put(at + " requester", rep.requester.id + " " + rep.requester.name.family);
    put(at + " requester-organisation", rep.requesterOrganisation);
    put(at + " performer", rep.performingLab);
    put(at + " filler", rep.fillerOrder);
    put(at + " placer", rep.placerOrder);
    std::vector<std::string> docs;
    for (const auto& d : rep.documents) {
      docs.push_back(d.contentType + " " +
                     (d.url.empty() ? model::Digest().add(d.base64).hex() : d.url));
    }
    put(at + " documents", joined(docs, " "));
    for (std::size_t i = 0; i < rep.results.size(); ++i) {
      const model::Observation& o = rep.results[i];
      const std::string rat = at + " result " + std::to_string(i);
      put(rat + " code", codes(o.code));
      put(rat + " value", valueOf(o));
      const bool numeric = o.value.kind == model::Value::Kind::kQuantity ||
                           o.value.kind == model::Value::Kind::kRange;
      if (numeric) put(rat + " unit", o.unit);
      for (std::size_t k = 0; k < o.referenceRanges.size(); ++k) {
        const model::Range& rr = o.referenceRanges[k];
        put(rat + " range " + std::to_string(k),
            model::rangeText(rr) + " [" + model::rangeUnit(rr) + "]");
      }
      put(rat + " flags", joined(o.interpretation, " "));
      put(rat + " status", o.status.empty() ? "unknown" : o.status);
      put(rat + " time", model::utcInstant(o.observedAt));
      put(rat + " specimen", specimenOf(m, o.specimens.empty() ? rep.specimens : o.specimens));
      put(rat + " comments", joined(o.comments, " | "));
      std::vector<std::string> members;
      for (std::size_t k : o.members) members.push_back(std::to_string(k));
      put(rat + " members", joined(members, " "));
    }
  }
  return f;
}

std::vector<FactDifference> differences(const Facts& before, const Facts& after) {
  std::vector<FactDifference> out;
  for (const auto& [k, v] : before) {
    auto it = after.find(k);
    if (it == after.end()) {
      out.push_back({k, v, ""});
    } else if (it->second != v) {
      out.push_back({k, v, it->second});
    }
  }
  for (const auto& [k, v] : after) {
    if (!before.count(k)) out.push_back({k, "", v});
  }
  return out;
}

const std::vector<AllowedLoss>& allowedLosses() {
  // Each row is also a row of the table in core/model/README.md.
  static const std::vector<AllowedLoss> kTable = {
      // NHS003 has no place for these.
      {"edifact", "report # placer", "not-carried"},
      {"edifact", "report # code", "not-carried"},
      {"edifact", "report # documents", "not-carried"},
      {"edifact", "report # result # time", "not-carried"},
      {"edifact", "report # result # value", "not-carried"},
      {"edifact", "report # result # flags", "not-carried"},
      {"edifact", "report # result # flags", "approximated"},
      {"edifact", "report # result # code", "not-carried"},
      {"edifact", "patient identifiers", "not-carried"},
      // NHS003 has no conclusion: it becomes the report's first comment.
      {"edifact", "report # conclusion", "approximated"},
      {"edifact", "report # comments", "approximated"},
      // The nearest status of the target language.
      {"", "report # status", "approximated"},
      {"", "report # result # status", "approximated"},
      {"", "report # status", "unmappable-status"},
      {"", "report # result # status", "unmappable-status"},
      // A v2 CE holds two codings; OBX-7 has no unit; results are tied to their OBR's
      // specimens.
      {"v2", "report # result # code", "not-carried"},
      {"v2", "report # result # range #", "unit-conflict"},
      {"v2", "report # result # range #", "not-carried"},
      {"v2", "report # result # specimen", "not-carried"},
      {"v2", "report # result # members", "not-carried"},
      {"v2", "patient identifiers", "not-carried"},
      // What no target can say as the source said it.
      {"", "report # issued", "not-carried"},
      {"", "report # result # unit", "not-carried"},
      {"", "report # documents", "not-carried"},
  };
  return kTable;
}

std::vector<FactDifference> unexplained(const std::string& chain,
                                        const std::vector<FactDifference>& found,
                                        const std::vector<std::string>& warnings) {
  std::set<std::string> named;
  for (const auto& w : warnings) named.insert(std::string(model::warningName(w)));
  std::vector<FactDifference> out;
  for (const FactDifference& d : found) {
    const std::string key = pattern(d.key);
    bool allowed = false;
    for (const AllowedLoss& a : allowedLosses()) {
      if (chain.find(a.chainContains) != std::string::npos && key == a.fact &&
          named.count(a.warning)) {
        allowed = true;
        break;
      }
    }
    if (!allowed) out.push_back(d);
  }
  return out;
}

}  // namespace pathhub::testing

// Comparing models: a concept's codings in one order (sameCodingOrder); and every decimal in
// its shortest form (sameDecimals), for comparing with FHIR JSON written by others whose
// numbers went through doubles (the NHS lab-results adaptor's: "0.80" as 0.8). pathhub's own
// FHIR reading and writing keep decimals exactly (core/fhir/json_parse.h).
#pragma once

#include <algorithm>
#include <charconv>
#include <string>

#include "model/pathology.h"

namespace pathhub::testing {

inline std::string sameNumber(const std::string& text) {
  double v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size()) return text;
  char buffer[32];
  auto [out, ec2] = std::to_chars(buffer, buffer + sizeof buffer, v);
  return ec2 == std::errc() ? std::string(buffer, out) : text;
}

// A concept's codings in the order the FHIR writer puts them (standard terminologies first),
// so a coding and its alternates compare as the same concept whatever order they came in.
inline void sameCodingOrder(model::Coding& c) {
  if (c.alternates.empty()) return;
  std::vector<model::Coding> all = {c};
  all.front().alternates.clear();
  for (auto& a : c.alternates) all.push_back(a);
  std::stable_sort(all.begin(), all.end(), [](const model::Coding& a, const model::Coding& b) {
    auto standard = [](const std::string& s) {
      return s == "http://snomed.info/sct" || s == "http://loinc.org";
    };
    return standard(a.system) && !standard(b.system);
  });
  c = all.front();
  c.alternates.assign(all.begin() + 1, all.end());
}

inline void sameDecimals(model::Observation& o) {
  for (model::Quantity* q :
       {&o.value.quantity, &o.value.denominator, &o.value.range.low, &o.value.range.high}) {
    q->value = sameNumber(q->value);
  }
  for (auto& r : o.referenceRanges) {
    r.low.value = sameNumber(r.low.value);
    r.high.value = sameNumber(r.high.value);
  }
}

inline void sameDecimals(model::Message& m) {
  for (auto& r : m.reports) {
    for (auto& o : r.results) sameDecimals(o);
  }
}

}  // namespace pathhub::testing

// Field-level message differences (see diff.h).
#include "hl7/diff.h"

#include <algorithm>
#include <map>

namespace pathhub::hl7 {
namespace {

std::string occurrenceName(const std::string& id, int occurrence) {
  return occurrence == 1 ? id : id + "[" + std::to_string(occurrence) + "]";
}

void diffField(const Message& a, std::size_t sa, const Message& b, std::size_t sb,
               const std::string& where, int field, std::vector<FieldChange>& out) {
  Path p;
  p.field = field;
  if (a.getRaw(sa, p) == b.getRaw(sb, p)) return;
  const int reps = std::max(a.repetitionCount(sa, p), b.repetitionCount(sb, p));
  for (int r = 1; r <= reps; ++r) {
    Path rep = p;
    rep.repetition = r;
    if (a.getRaw(sa, rep) == b.getRaw(sb, rep)) continue;
    const int comps = std::max(a.componentCount(sa, rep), b.componentCount(sb, rep));
    const std::string base =
        where + "-" + std::to_string(field) + (reps > 1 ? "[" + std::to_string(r) + "]" : "");
    if (comps <= 1) {
      out.push_back({base, a.get(sa, rep), b.get(sb, rep)});
      continue;
    }
    for (int c = 1; c <= comps; ++c) {
      Path comp = rep;
      comp.component = c;
      if (a.getRaw(sa, comp) == b.getRaw(sb, comp)) continue;
      out.push_back({base + "." + std::to_string(c), a.get(sa, comp), b.get(sb, comp)});
    }
  }
}

}  // namespace

std::vector<FieldChange> diffMessages(const Message& before, const Message& after) {
  std::vector<FieldChange> out;
  // Pair segments by id and occurrence, so an inserted NTE does not shift every later pair.
  std::map<std::string, int> seen;
  std::vector<std::pair<std::string, std::size_t>> keysAfter;
  for (std::size_t i = 0; i < after.segmentCount(); ++i) {
    const std::string id(after.segmentName(i));
    keysAfter.push_back({occurrenceName(id, ++seen[id]), i});
  }
  seen.clear();
  std::map<std::string, std::size_t> matched;
  for (std::size_t i = 0; i < before.segmentCount(); ++i) {
    const std::string id(before.segmentName(i));
    const std::string key = occurrenceName(id, ++seen[id]);
    auto it = std::find_if(keysAfter.begin(), keysAfter.end(),
                           [&key](const auto& k) { return k.first == key; });
    if (it == keysAfter.end()) {
      out.push_back({key, std::string(before.segmentText(i)), ""});
      continue;
    }
    matched[key] = it->second;
    // Most segments of a mapped message are as they were: compared whole, not field by field.
    if (before.segmentText(i) == after.segmentText(it->second)) continue;
    const int fields = std::max(before.fieldCount(i), after.fieldCount(it->second));
    for (int f = 1; f <= fields; ++f) {
      if (i == 0 && f <= 2) continue;  // the delimiters
      diffField(before, i, after, it->second, key, f, out);
    }
  }
  for (const auto& [key, index] : keysAfter) {
    if (!matched.count(key)) out.push_back({key, "", std::string(after.segmentText(index))});
  }
  return out;
}

}  // namespace pathhub::hl7

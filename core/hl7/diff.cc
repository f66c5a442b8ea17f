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

// A message's segments as text, each with its id and occurrence ("OBX[3]").
struct SegmentText {
  std::string key;
  std::string_view text;
};

std::optional<std::vector<SegmentText>> segmentTexts(std::string_view message) {
  if (message.substr(0, 3) != "MSH" || message.find('\n') != std::string_view::npos) {
    return std::nullopt;
  }
  std::vector<SegmentText> out;
  std::map<std::string, int> seen;
  for (std::size_t at = 0; at < message.size();) {
    std::size_t end = message.find('\r', at);
    if (end == std::string_view::npos) end = message.size();
    const std::string_view text = message.substr(at, end - at);
    at = end + 1;
    if (text.empty()) continue;
    const std::string id(text.substr(0, 3));
    out.push_back({occurrenceName(id, ++seen[id]), text});
  }
  return out;
}

// Every field of one segment pair (the delimiters of MSH left out).
void diffSegment(const Message& a, std::size_t sa, const Message& b, std::size_t sb,
                 const std::string& key, bool header, std::vector<FieldChange>& out) {
  const int fields = std::max(a.fieldCount(sa), b.fieldCount(sb));
  for (int f = 1; f <= fields; ++f) {
    if (header && f <= 2) continue;  // the delimiters
    diffField(a, sa, b, sb, key, f, out);
  }
}

}  // namespace

std::optional<std::vector<FieldChange>> diffMessageTexts(std::string_view before,
                                                         std::string_view after) {
  const auto a = segmentTexts(before), b = segmentTexts(after);
  if (!a || !b || a->empty() || b->empty()) return std::nullopt;
  std::map<std::string, std::size_t> inAfter;
  for (std::size_t i = 0; i < b->size(); ++i) inAfter.emplace((*b)[i].key, i);
  // Two small messages: each side's MSH (for its delimiters) and the segments that differ, in
  // order; then the pairs are compared there, under their names in the whole messages.
  std::string smallA((*a)[0].text), smallB((*b)[0].text);
  struct Step {
    const SegmentText* removed = nullptr;  // only in `before`
    std::string key;
    std::size_t indexA = 0, indexB = 0;  // in the small messages
  };
  std::vector<Step> steps;
  std::vector<bool> matched(b->size(), false);
  std::size_t added = 0;
  for (const SegmentText& s : *a) {
    const auto it = inAfter.find(s.key);
    if (it == inAfter.end()) {
      steps.push_back({&s, s.key});
      continue;
    }
    matched[it->second] = true;
    const SegmentText& t = (*b)[it->second];
    if (s.text == t.text) continue;
    std::size_t index = 0;
    if (s.key != "MSH") {
      smallA.append("\r").append(s.text);
      smallB.append("\r").append(t.text);
      index = ++added;
    }
    steps.push_back({nullptr, s.key, index, index});
  }
  std::vector<FieldChange> out;
  if (added || std::any_of(steps.begin(), steps.end(), [](const Step& s) { return !s.removed; })) {
    auto pa = Message::parse(smallA), pb = Message::parse(smallB);
    if (!pa || !pb) return std::nullopt;
    for (const Step& s : steps) {
      if (s.removed) {
        out.push_back({s.key, std::string(s.removed->text), ""});
      } else {
        diffSegment(*pa, s.indexA, *pb, s.indexB, s.key, s.key == "MSH", out);
      }
    }
  } else {
    for (const Step& s : steps) out.push_back({s.key, std::string(s.removed->text), ""});
  }
  for (std::size_t i = 0; i < b->size(); ++i) {
    if (!matched[i]) out.push_back({(*b)[i].key, "", std::string((*b)[i].text)});
  }
  return out;
}

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
    diffSegment(before, i, after, it->second, key, i == 0, out);
  }
  for (const auto& [key, index] : keysAfter) {
    if (!matched.count(key)) out.push_back({key, "", std::string(after.segmentText(index))});
  }
  return out;
}

}  // namespace pathhub::hl7

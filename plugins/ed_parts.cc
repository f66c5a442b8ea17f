// Embedded documents joined and split (see ed_parts.h).
#include "ed_parts.h"

namespace pathhub::dialect {
namespace {

using hl7::Path;

Path at(int field, int component = 0) { return Path::at("", field, component); }

}  // namespace

int joinEdParts(hl7::Message& m) {
  int joined = 0;
  const auto obxs = m.segmentIndexes("OBX");
  // Walk backwards so removing a segment never moves one still to visit.
  for (std::size_t k = obxs.size(); k-- > 1;) {
    const std::size_t part = obxs[k], previous = obxs[k - 1];
    if (previous + 1 != part) continue;  // not consecutive (an NTE between, say)
    if (m.get(part, at(2)) != "ED" || m.get(previous, at(2)) != "ED") continue;
    if (m.getRaw(part, at(3)) != m.getRaw(previous, at(3)) ||
        m.get(part, at(4)) != m.get(previous, at(4))) {
      continue;
    }
    const std::string data = m.get(previous, at(5, 5)) + m.get(part, at(5, 5));
    (void)m.set(previous, at(5, 5), data);
    (void)m.removeSegment(part);
    ++joined;
  }
  if (joined) renumberObx(m);
  return joined;
}

int splitEdParts(hl7::Message& m, std::size_t limit) {
  int split = 0;
  const auto obxs = m.segmentIndexes("OBX");
  for (std::size_t k = obxs.size(); k-- > 0;) {
    const std::size_t obx = obxs[k];
    if (m.get(obx, at(2)) != "ED") continue;
    const std::string data = m.get(obx, at(5, 5));
    if (data.size() <= limit) continue;
    // The first part keeps the segment; copies of it take the rest, in order, after it.
    const std::string segment(m.segmentText(obx));
    for (std::size_t from = data.size() - (data.size() % limit ? data.size() % limit : limit);
         from > 0; from -= limit) {
      if (!m.insertSegment(obx + 1, segment)) break;
      (void)m.set(obx + 1, at(5, 5), data.substr(from, limit));
    }
    (void)m.set(obx, at(5, 5), data.substr(0, limit));
    ++split;
  }
  if (split) renumberObx(m);
  return split;
}

void renumberObx(hl7::Message& m) {
  int n = 0;
  for (std::size_t obx : m.segmentIndexes("OBX")) (void)m.set(obx, at(1), std::to_string(++n));
}

}  // namespace pathhub::dialect

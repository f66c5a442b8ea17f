// Reading a Message: segment lookup, path resolution, decoded and raw values, encoding.
#include "hl7/message.h"

#include <cstring>

#include "hl7/escape.h"
#include "hl7/segment_id.h"

namespace pathhub::hl7 {
namespace {

constexpr std::string_view kNull = "\"\"";

}  // namespace

const char* Message::segmentData(const Segment& s) const {
  const std::string& buffer = s.buffer == 0 ? raw_ : owned_[s.buffer - 1];
  return buffer.data() + s.offset;
}

std::string_view Message::segmentText(std::size_t index) const {
  if (index >= segs_.size()) return {};
  const Segment& s = segs_[index];
  return {segmentData(s), s.length};
}

std::string_view Message::segmentName(std::size_t index) const {
  if (index >= segs_.size()) return {};
  const Segment& s = segs_[index];
  return {segmentData(s), fields_[s.firstField].end};
}

std::optional<std::size_t> Message::findSegment(std::string_view name, int occurrence) const {
  const std::uint32_t key = segmentKey(name);
  if (key == 0 || occurrence < 1) return std::nullopt;
  for (std::size_t i = 0; i < segs_.size(); ++i) {
    if (segs_[i].nameKey == key && --occurrence == 0) return i;
  }
  return std::nullopt;
}

std::vector<std::size_t> Message::segmentIndexes(std::string_view name) const {
  std::vector<std::size_t> out;
  const std::uint32_t key = segmentKey(name);
  for (std::size_t i = 0; i < segs_.size(); ++i) {
    if (segs_[i].nameKey == key) out.push_back(i);
  }
  return out;
}

int Message::fieldCount(std::size_t segment) const {
  if (segment >= segs_.size()) return 0;
  return static_cast<int>(segs_[segment].fieldCount) - 1;
}

std::optional<Message::Element> Message::child(const Element& parent, int index) const {
  const Node& n = parent.node;
  if (n.count == 0) {
    // A leaf has exactly one implicit child spanning the same bytes.
    if (index != 0) return std::nullopt;
    return Element{{n.begin, n.end, 0, 0}, parent.level + 1};
  }
  if (index < 0 || static_cast<std::uint32_t>(index) >= n.count) return std::nullopt;
  const std::uint32_t i = n.first + static_cast<std::uint32_t>(index);
  switch (parent.level) {
    case 1:
      return Element{reps_[i], 2};
    case 2:
      return Element{comps_[i], 3};
    default:
      return Element{{subs_[i].begin, subs_[i].end, 0, 0}, 4};
  }
}

std::optional<Message::Element> Message::locate(std::size_t segment, const Path& path,
                                                bool toLeaf) const {
  if (segment >= segs_.size() || path.field < 1) return std::nullopt;
  const Segment& s = segs_[segment];
  if (static_cast<std::uint32_t>(path.field) >= s.fieldCount) return std::nullopt;
  Element e{fields_[s.firstField + path.field], 1};
  // Depth the path asks for; a leaf read continues with index 1 down to the subcomponent.
  const int indexes[] = {path.repetition, path.component, path.subcomponent};
  const int depth = toLeaf ? 4 : path.depth();
  for (int level = 2; level <= depth; ++level) {
    const int given = indexes[level - 2];
    auto next = child(e, given ? given - 1 : 0);
    if (!next) return std::nullopt;
    e = *next;
  }
  return e;
}

std::optional<std::size_t> Message::resolveSegment(const Path& path) const {
  return findSegment(path.segment, path.occurrence);
}

std::string_view Message::getRaw(std::size_t segment, const Path& path) const {
  if (segment >= segs_.size()) return {};
  if (path.field == 0) return segmentText(segment);
  auto e = locate(segment, path, false);
  if (!e) return {};
  return {segmentData(segs_[segment]) + e->node.begin, e->node.end - e->node.begin};
}

std::string_view Message::getRaw(const Path& path) const {
  auto seg = resolveSegment(path);
  return seg ? getRaw(*seg, path) : std::string_view{};
}

std::string Message::get(std::size_t segment, const Path& path) const {
  auto e = locate(segment, path, true);
  if (!e) return {};
  std::string_view raw(segmentData(segs_[segment]) + e->node.begin, e->node.end - e->node.begin);
  // MSH-1 and MSH-2 are the delimiters themselves, not escaped text.
  if (path.field <= 2 && isHeaderSegmentId(segmentName(segment))) return std::string(raw);
  return unescape(raw, delims_);
}

std::string Message::get(const Path& path) const {
  auto seg = resolveSegment(path);
  return seg ? get(*seg, path) : std::string{};
}

Result<std::string> Message::get(std::string_view path) const {
  auto parsed = Path::parse(path);
  if (!parsed) return tl::unexpected(parsed.error());
  return get(*parsed);
}

bool Message::exists(const Path& path) const {
  auto seg = resolveSegment(path);
  return seg && exists(*seg, path);
}

bool Message::exists(std::size_t segment, const Path& path) const {
  if (segment >= segs_.size()) return false;
  return path.field == 0 || locate(segment, path, false).has_value();
}

bool Message::isNull(const Path& path) const {
  auto seg = resolveSegment(path);
  if (!seg) return false;
  auto e = locate(*seg, path, true);
  if (!e) return false;
  return std::string_view(segmentData(segs_[*seg]) + e->node.begin, e->node.end - e->node.begin) ==
         kNull;
}

int Message::repetitionCount(std::size_t segment, const Path& path) const {
  Path field = path;
  field.repetition = field.component = field.subcomponent = 0;
  auto e = locate(segment, field, false);
  if (!e) return 0;
  return e->node.count == 0 ? 1 : static_cast<int>(e->node.count);
}

int Message::repetitionCount(const Path& path) const {
  auto seg = resolveSegment(path);
  return seg ? repetitionCount(*seg, path) : 0;
}

int Message::componentCount(std::size_t segment, const Path& path) const {
  Path rep = path;
  if (rep.repetition == 0) rep.repetition = 1;
  rep.component = rep.subcomponent = 0;
  auto e = locate(segment, rep, false);
  if (!e) return 0;
  return e->node.count == 0 ? 1 : static_cast<int>(e->node.count);
}

std::string Message::messageType() const { return get(Path::at("MSH", 9, 1)); }
std::string Message::triggerEvent() const { return get(Path::at("MSH", 9, 2)); }
std::string Message::controlId() const { return get(Path::at("MSH", 10)); }
std::string Message::version() const { return get(Path::at("MSH", 12, 1)); }

std::string Message::encode() const {
  std::size_t size = bom_ ? 3 : 0;
  for (const Segment& s : segs_) size += s.length + 1 + s.blankAfter;
  if (!finalTerminator_ && size > 0) --size;
  std::string out;
  out.resize(size);
  char* w = out.data();
  if (bom_) {
    std::memcpy(w, "\xEF\xBB\xBF", 3);
    w += 3;
  }
  for (std::size_t i = 0; i < segs_.size(); ++i) {
    const Segment& s = segs_[i];
    std::memcpy(w, segmentData(s), s.length);
    w += s.length;
    if (i + 1 < segs_.size() || finalTerminator_) *w++ = '\r';
    for (std::uint32_t b = 0; b < s.blankAfter; ++b) *w++ = '\r';
  }
  return out;
}

}  // namespace pathhub::hl7

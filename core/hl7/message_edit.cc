// Editing a Message: set/setRaw splice new bytes into one segment's text and re-index only
// that segment; segments can be inserted, removed and moved. Missing fields, repetitions,
// components and subcomponents are created by writing the delimiters that lead to them.
#include <algorithm>

#include "hl7/char_classes.h"
#include "hl7/escape.h"
#include "hl7/message.h"
#include "hl7/segment_id.h"

namespace pathhub::hl7 {
namespace {

ErrorContext segmentContext(std::string_view name, std::size_t index, int field = 0) {
  ErrorContext ctx;
  ctx.segment = std::string(name);
  ctx.segmentIndex = static_cast<int>(index) + 1;
  ctx.field = field;
  return ctx;
}

const char* levelName(int level) {
  static const char* const kNames[] = {"segment", "field", "repetition", "component",
                                       "subcomponent"};
  return kNames[level];
}

}  // namespace

Result<std::size_t> Message::resolveOrAppendSegment(const Path& path) {
  if (auto found = resolveSegment(path)) return *found;
  const int present = static_cast<int>(segmentIndexes(path.segment).size());
  if (path.occurrence != present + 1) {
    return fail(ErrorCode::kInvalidPath, "cannot create " + path.toString() + ": the message has " +
                                             std::to_string(present) + " " + path.segment +
                                             " segment(s)");
  }
  auto appended = appendSegment(path.segment);
  if (!appended) return tl::unexpected(appended.error());
  return segs_.size() - 1;
}

Result<void> Message::replace(std::size_t segment, const Path& path, bool toLeaf,
                              std::string_view er7) {
  if (segment >= segs_.size()) {
    return fail(ErrorCode::kInvalidPath, "segment index " + std::to_string(segment) +
                                             " is beyond the message's " +
                                             std::to_string(segs_.size()) + " segments");
  }
  const std::string_view name = segmentName(segment);
  if (path.field < 1) {
    return fail(ErrorCode::kInvalidPath, "a path to write must name a field",
                segmentContext(name, segment));
  }
  if (isHeaderSegmentId(name) && path.field <= 2) {
    return fail(ErrorCode::kInvalidPath,
                std::string(name) + "-1 and " + std::string(name) +
                    "-2 are the message's delimiters and cannot be written",
                segmentContext(name, segment, path.field));
  }
  const char seps[] = {'\0', delims_.field, delims_.repetition, delims_.component,
                       delims_.subcomponent};
  const int depth = toLeaf ? 4 : path.depth();
  // Leaf text comes from set() and setNull(), escaped or checked to need no escaping, so it
  // holds no separator; raw ER7 is checked here.
  for (int level = 1; !toLeaf && level <= depth; ++level) {
    for (char c : er7) {
      if (c == '\r' || c == '\n' || (seps[level] != '\0' && c == seps[level])) {
        return fail(ErrorCode::kInvalidValue,
                    std::string("the new value for a ") + levelName(depth) +
                        " holds a segment or " + levelName(level) + " separator",
                    segmentContext(name, segment, path.field));
      }
    }
  }
  const int want[] = {0, path.field, std::max(path.repetition, 1), std::max(path.component, 1),
                      std::max(path.subcomponent, 1)};

  const Segment& s = segs_[segment];
  const std::string_view text = segmentText(segment);
  std::string lead;  // delimiters written to create missing parts before the value
  auto padBelow = [&](int from) {
    for (int level = from; level <= depth; ++level) lead.append(want[level] - 1, seps[level]);
  };
  std::uint32_t begin, end;
  bool found = false;  // the element exists: a leaf write then keeps the segment's structure
  if (static_cast<std::uint32_t>(want[1]) >= s.fieldCount) {
    begin = end = static_cast<std::uint32_t>(text.size());
    lead.append(want[1] - s.fieldCount + 1, seps[1]);
    padBelow(2);
  } else {
    Element e{fields_[s.firstField + want[1]], 1};
    found = true;
    while (e.level < depth) {
      auto next = child(e, want[e.level + 1] - 1);
      if (!next) {
        const int have = e.node.count == 0 ? 1 : static_cast<int>(e.node.count);
        lead.append(want[e.level + 1] - have, seps[e.level + 1]);
        padBelow(e.level + 2);
        begin = end = e.node.end;
        found = false;
        break;
      }
      e = *next;
    }
    if (found) {
      begin = e.node.begin;
      end = e.node.end;
    }
  }
  if (lead.find('\0') != std::string::npos) {
    return fail(ErrorCode::kInvalidPath,
                path.toString() + " needs a separator this message does not declare in MSH-2",
                segmentContext(name, segment, path.field));
  }
  // A leaf's new text holds no delimiter (checked above), so writing it over an existing leaf
  // leaves the segment's structure as it was: shift offsets instead of re-indexing.
  if (toLeaf && found) return spliceLeaf(segment, begin, end, er7);
  if (static_cast<std::uint32_t>(want[1]) < s.fieldCount) {
    // Only this field's structure changes: re-index it alone.
    return reindexField(segment, static_cast<std::uint32_t>(want[1]), begin, end, lead, er7);
  }
  std::string updated;
  updated.reserve(text.size() + lead.size() + er7.size());
  updated.append(text.substr(0, begin)).append(lead).append(er7).append(text.substr(end));
  return indexSegmentText(segment, std::move(updated), false);
}

std::string& Message::ownText(Segment& s) {
  if (s.buffer == 0) {
    // Room to grow: a mapping usually adds a few components to the segments it edits.
    owned_.emplace_back().reserve(s.length + 64);
    owned_.back().assign(raw_.data() + s.offset, s.length);
    s.buffer = static_cast<std::uint32_t>(owned_.size());
    s.offset = 0;
  }
  return owned_[s.buffer - 1];
}

void Message::shiftAfter(const Segment& s, std::uint32_t fromField, std::uint32_t end,
                         std::int64_t delta) {
  // Nodes after `end` move; nodes containing it end later.
  auto shift = [&](std::uint32_t& b, std::uint32_t& e) {
    if (b > end) b = static_cast<std::uint32_t>(b + delta);
    if (e >= end) e = static_cast<std::uint32_t>(e + delta);
  };
  for (std::uint32_t f = fromField; f < s.firstField + s.fieldCount; ++f) {
    Node& field = fields_[f];
    shift(field.begin, field.end);
    for (std::uint32_t r = field.first; r < field.first + field.count; ++r) {
      Node& rep = reps_[r];
      shift(rep.begin, rep.end);
      for (std::uint32_t c = rep.first; c < rep.first + rep.count; ++c) {
        Node& comp = comps_[c];
        shift(comp.begin, comp.end);
        for (std::uint32_t u = comp.first; u < comp.first + comp.count; ++u) {
          shift(subs_[u].begin, subs_[u].end);
        }
      }
    }
  }
}

Result<void> Message::spliceLeaf(std::size_t index, std::uint32_t begin, std::uint32_t end,
                                 std::string_view er7) {
  Segment& s = segs_[index];
  ownText(s).replace(s.offset + begin, end - begin, er7);
  const std::int64_t delta = static_cast<std::int64_t>(er7.size()) - (end - begin);
  s.length = static_cast<std::uint32_t>(s.length + delta);
  shiftAfter(s, s.firstField, end, delta);
  return {};
}

Result<void> Message::reindexField(std::size_t index, std::uint32_t field, std::uint32_t begin,
                                   std::uint32_t end, std::string_view lead, std::string_view er7) {
  Segment& s = segs_[index];
  std::string& text = ownText(s);
  text.replace(s.offset + begin, end - begin, er7);
  text.insert(s.offset + begin, lead);
  const std::int64_t delta = static_cast<std::int64_t>(lead.size() + er7.size()) - (end - begin);
  s.length = static_cast<std::uint32_t>(s.length + delta);
  const std::uint32_t slot = s.firstField + field;
  const Node old = fields_[slot];
  const char* start = text.data() + s.offset;
  // The field's new nodes are appended; its old children stay unreferenced until compaction.
  indexFields(start, start + old.begin, start + old.end + delta, CharClasses(delims_));
  fields_[slot] = fields_.back();
  fields_.pop_back();
  shiftAfter(s, slot + 1, old.end, delta);
  compactIfWasteful();
  return {};
}

Result<void> Message::set(std::size_t segment, const Path& path, std::string_view text) {
  if (needsNoEscaping(text, delims_)) return replace(segment, path, true, text);
  auto escaped = escape(text, delims_);
  if (!escaped) return tl::unexpected(escaped.error());
  return replace(segment, path, true, *escaped);
}

Result<void> Message::set(const Path& path, std::string_view text) {
  auto seg = resolveOrAppendSegment(path);
  if (!seg) return tl::unexpected(seg.error());
  return set(*seg, path, text);
}

Result<void> Message::set(std::string_view path, std::string_view text) {
  auto parsed = Path::parse(path);
  if (!parsed) return tl::unexpected(parsed.error());
  return set(*parsed, text);
}

Result<void> Message::setRaw(std::size_t segment, const Path& path, std::string_view er7) {
  return replace(segment, path, false, er7);
}

Result<void> Message::setRaw(const Path& path, std::string_view er7) {
  auto seg = resolveOrAppendSegment(path);
  if (!seg) return tl::unexpected(seg.error());
  return replace(*seg, path, false, er7);
}

Result<void> Message::setNull(const Path& path) {
  auto seg = resolveOrAppendSegment(path);
  if (!seg) return tl::unexpected(seg.error());
  return replace(*seg, path, true, "\"\"");
}

Result<void> Message::insertSegment(std::size_t index, std::string_view er7) {
  if (index == 0 || index > segs_.size()) {
    return fail(ErrorCode::kInvalidPath, "segments can be inserted at positions 1.." +
                                             std::to_string(segs_.size()) + " (after MSH), not " +
                                             std::to_string(index));
  }
  if (er7.find_first_of("\r\n") != std::string_view::npos) {
    return fail(ErrorCode::kInvalidValue, "a new segment must not contain segment separators");
  }
  const std::string_view id = er7.substr(0, er7.find(delims_.field));
  if (auto problem = checkSegmentId(id, true)) {
    return fail(ErrorCode::kInvalidValue, *problem);
  }
  return indexSegmentText(index, std::string(er7), true);
}

Result<void> Message::appendSegment(std::string_view er7) {
  return insertSegment(segs_.size(), er7);
}

Result<void> Message::removeSegment(std::size_t index) {
  if (index == 0 || index >= segs_.size()) {
    return fail(ErrorCode::kInvalidPath,
                "no removable segment at index " + std::to_string(index) + " (MSH stays)");
  }
  segs_.erase(segs_.begin() + static_cast<std::ptrdiff_t>(index));
  compactIfWasteful();
  return {};
}

Result<void> Message::moveSegment(std::size_t from, std::size_t to) {
  if (from == 0 || to == 0 || from >= segs_.size() || to >= segs_.size()) {
    return fail(ErrorCode::kInvalidPath, "segments can move between indexes 1.." +
                                             std::to_string(segs_.size() - 1) + " (MSH stays)");
  }
  auto it = segs_.begin();
  if (from < to) {
    std::rotate(it + static_cast<std::ptrdiff_t>(from), it + static_cast<std::ptrdiff_t>(from) + 1,
                it + static_cast<std::ptrdiff_t>(to) + 1);
  } else if (from > to) {
    std::rotate(it + static_cast<std::ptrdiff_t>(to), it + static_cast<std::ptrdiff_t>(from),
                it + static_cast<std::ptrdiff_t>(from) + 1);
  }
  return {};
}

Result<void> Message::indexSegmentText(std::size_t index, std::string text, bool inserting) {
  Segment seg{};
  if (!inserting && segs_[index].buffer > 0) {
    // The segment was edited before: its old text is no longer referenced once re-indexed.
    seg.buffer = segs_[index].buffer;
    owned_[seg.buffer - 1] = std::move(text);
  } else {
    owned_.push_back(std::move(text));
    seg.buffer = static_cast<std::uint32_t>(owned_.size());
  }
  if (!inserting) seg.blankAfter = segs_[index].blankAfter;
  const std::string& stored = owned_[seg.buffer - 1];
  const CharClasses classes(delims_);
  const bool header = isHeaderSegmentId(std::string_view(stored).substr(0, 3));
  tokenize(stored.data(), stored.data() + stored.size(), classes, header, seg);
  seg.length = static_cast<std::uint32_t>(stored.size());
  seg.nameKey = segmentKey(std::string_view(stored.data(), fields_[seg.firstField].end));
  if (inserting) {
    segs_.insert(segs_.begin() + static_cast<std::ptrdiff_t>(index), seg);
  } else {
    segs_[index] = seg;
  }
  compactIfWasteful();
  return {};
}

std::size_t Message::nodeCount() const {
  return fields_.size() + reps_.size() + comps_.size() + subs_.size();
}

void Message::compactIfWasteful() {
  // Generous thresholds: a mapping that edits every segment a few times stays well below
  // them, so the whole index is rebuilt only for messages edited over and over.
  if (nodeCount() < 4 * indexedNodes_ + 1024 && owned_.size() < 2 * segs_.size() + 16) return;
  // Rebuild the index from the segment texts; drop texts no segment refers to any more.
  std::vector<std::string> keptTexts;
  fields_.clear();
  reps_.clear();
  comps_.clear();
  subs_.clear();
  const CharClasses classes(delims_);
  for (Segment& s : segs_) {
    if (s.buffer > 0) {
      keptTexts.push_back(std::move(owned_[s.buffer - 1]));
      s.buffer = static_cast<std::uint32_t>(keptTexts.size());
    }
    const char* text = s.buffer == 0 ? raw_.data() + s.offset : keptTexts.back().data();
    tokenize(text, text + s.length, classes, &s == &segs_.front(), s);
  }
  owned_ = std::move(keptTexts);
  indexedNodes_ = nodeCount();
}

}  // namespace pathhub::hl7

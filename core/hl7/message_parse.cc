// Parsing ER7 bytes into a Message: reading the delimiters from MSH-1/MSH-2, splitting
// segments on \r, \n or \r\n, and indexing every field, repetition, component and
// subcomponent in one pass over the bytes.
#include <algorithm>
#include <cstring>

#include "hl7/char_classes.h"
#include "hl7/message.h"
#include "hl7/segment_id.h"

namespace pathhub::hl7 {
namespace {

constexpr std::string_view kByteOrderMark = "\xEF\xBB\xBF";

bool isAlnum(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

ErrorContext at(std::size_t offset, int segmentIndex = 1, std::string segment = "MSH") {
  ErrorContext ctx;
  ctx.byteOffset = offset;
  ctx.segmentIndex = segmentIndex;
  ctx.segment = std::move(segment);
  return ctx;
}

// Reads MSH-1 and MSH-2 starting at `header` (the "MSH" bytes); sets the encoding length.
Result<Delimiters> readDelimiters(std::string_view bytes, std::size_t header,
                                  std::uint32_t& encodingLength) {
  if (bytes.size() < header + 4) {
    return fail(ErrorCode::kMalformedMessage, "the header ends before its field separator",
                at(bytes.size()));
  }
  Delimiters d;
  d.field = bytes[header + 3];
  if (isAlnum(d.field) || d.field == '\r' || d.field == '\n' || d.field == ' ') {
    return fail(ErrorCode::kMalformedMessage,
                "MSH-1 (field separator) must be a punctuation character", at(header + 3));
  }
  std::size_t pos = header + 4;
  std::string enc;
  while (pos < bytes.size() && bytes[pos] != d.field && bytes[pos] != '\r' && bytes[pos] != '\n') {
    enc += bytes[pos];
    if (enc.size() > 5) {
      return fail(ErrorCode::kMalformedMessage,
                  "MSH-2 (encoding characters) is longer than 5 characters", at(pos));
    }
    ++pos;
  }
  if (enc.empty()) {
    return fail(ErrorCode::kMalformedMessage, "MSH-2 (encoding characters) is empty",
                at(header + 4));
  }
  for (std::size_t i = 0; i < enc.size(); ++i) {
    char c = enc[i];
    if (isAlnum(c) || c == ' ' || static_cast<unsigned char>(c) < 0x20 || c == d.field ||
        enc.find(c) != i) {
      return fail(ErrorCode::kMalformedMessage,
                  "MSH-2 (encoding characters) holds an invalid or repeated character",
                  at(header + 4 + i));
    }
  }
  char* slots[] = {&d.component, &d.repetition, &d.escape, &d.subcomponent, &d.truncation};
  for (char*& slot : slots) *slot = '\0';
  for (std::size_t i = 0; i < enc.size(); ++i) *slots[i] = enc[i];
  encodingLength = static_cast<std::uint32_t>(enc.size());
  return d;
}

}  // namespace

const char* Message::tokenize(const char* text, const char* end, const CharClasses& classes,
                              bool header, Segment& seg) {
  seg.firstField = static_cast<std::uint32_t>(fields_.size());
  const char* p = text;
  if (header) {
    // MSH-1 is the field separator itself and MSH-2 the encoding characters: neither is split.
    fields_.push_back({0, 3, 0, 0});
    fields_.push_back({3, 4, 0, 0});
    fields_.push_back({4, 4 + encodingLength_, 0, 0});
    p = text + 4 + encodingLength_;
    if (p >= end || classes.of(*p) == CharClasses::kSegmentEnd) {
      seg.fieldCount = 3;
      return p < end ? p : end;
    }
    ++p;  // *p is the field separator (readDelimiters stopped there)
  }
  p = indexFields(text, p, end, classes);
  seg.fieldCount = static_cast<std::uint32_t>(fields_.size()) - seg.firstField;
  return p;
}

const char* Message::indexFields(const char* text, const char* p, const char* end,
                                 const CharClasses& classes) {
  std::uint32_t fieldStart = static_cast<std::uint32_t>(p - text);
  std::uint32_t repStart = fieldStart, compStart = fieldStart, subStart = fieldStart;
  std::uint32_t reps = 0, comps = 0, subs = 0;  // children closed so far in the open parents

  auto closeComponent = [&](std::uint32_t off) {
    if (subs) {
      subs_.push_back({subStart, off});
      ++subs;
    }
    comps_.push_back({compStart, off, static_cast<std::uint32_t>(subs_.size()) - subs, subs});
    ++comps;
    subs = 0;
  };
  auto closeRepetition = [&](std::uint32_t off) {
    if (comps || subs) closeComponent(off);
    reps_.push_back({repStart, off, static_cast<std::uint32_t>(comps_.size()) - comps, comps});
    ++reps;
    comps = 0;
  };
  auto closeField = [&](std::uint32_t off) {
    if (reps || comps || subs) closeRepetition(off);
    fields_.push_back({fieldStart, off, static_cast<std::uint32_t>(reps_.size()) - reps, reps});
    reps = 0;
  };

  for (;;) {
    while (p < end && classes.of(*p) == CharClasses::kData) ++p;
    const auto off = static_cast<std::uint32_t>(p - text);
    const CharClasses::Class c = p < end ? classes.of(*p) : CharClasses::kSegmentEnd;
    switch (c) {
      case CharClasses::kSub:
        subs_.push_back({subStart, off});
        ++subs;
        subStart = off + 1;
        break;
      case CharClasses::kComponent:
        closeComponent(off);
        compStart = subStart = off + 1;
        break;
      case CharClasses::kRepetition:
        closeRepetition(off);
        repStart = compStart = subStart = off + 1;
        break;
      case CharClasses::kField:
        closeField(off);
        fieldStart = repStart = compStart = subStart = off + 1;
        break;
      default:  // segment end
        closeField(off);
        return p;
    }
    ++p;
  }
}

Result<Message> Message::parse(std::string bytes, const ParseOptions& options) {
  Message m;
  m.raw_ = std::move(bytes);
  const std::string_view in = m.raw_;
  if (in.size() > options.maxBytes) {
    return fail(ErrorCode::kMessageTooLarge,
                "message of " + std::to_string(in.size()) + " bytes exceeds the limit of " +
                    std::to_string(options.maxBytes) + " bytes",
                at(options.maxBytes));
  }
  std::size_t start = 0;
  if (in.substr(0, 3) == kByteOrderMark) {
    m.bom_ = true;
    start = 3;
  }
  if (in.substr(start, 3) != "MSH") {
    return fail(ErrorCode::kMalformedMessage,
                in.size() == start ? "the message is empty"
                                   : "the message does not start with an MSH segment",
                at(start, 1, ""));
  }
  auto delims = readDelimiters(in, start, m.encodingLength_);
  if (!delims) return tl::unexpected(delims.error());
  m.delims_ = *delims;

  // Typical messages have about one field per 8 bytes; reserving avoids regrowth.
  const std::size_t expect = in.size() / 8 + 16;
  m.fields_.reserve(expect);
  m.reps_.reserve(expect / 8);
  m.comps_.reserve(expect / 2);
  m.segs_.reserve(in.size() / 64 + 4);

  const CharClasses classes(m.delims_);
  const char* const base = m.raw_.data();
  const char* const end = base + m.raw_.size();
  const char* p = base + start;
  for (;;) {
    Segment seg{};
    seg.offset = static_cast<std::uint32_t>(p - base);
    const char* stop = m.tokenize(p, end, classes, m.segs_.empty(), seg);
    seg.length = static_cast<std::uint32_t>(stop - p);
    const Node& id = m.fields_[seg.firstField];
    const std::string_view name(p, id.end);
    const int index = static_cast<int>(m.segs_.size()) + 1;
    seg.nameKey = segmentKey(name);
    if (auto problem = checkSegmentId(name, !m.segs_.empty())) {
      ErrorContext ctx = at(seg.offset, index, std::string(name.substr(0, 3)));
      ctx.segmentOccurrence = 1;
      for (const Segment& earlier : m.segs_)
        ctx.segmentOccurrence += earlier.nameKey == seg.nameKey;
      return fail(ErrorCode::kMalformedMessage, *problem, std::move(ctx));
    }
    m.segs_.push_back(seg);
    if (stop == end) {
      m.finalTerminator_ = false;
      break;
    }
    p = stop + 1;
    if (*stop == '\r' && p < end && *p == '\n') ++p;
    // Blank lines between or after segments are remembered so encoding can restore them.
    while (p < end && (*p == '\r' || *p == '\n')) {
      p += (*p == '\r' && p + 1 < end && p[1] == '\n') ? 2 : 1;
      ++m.segs_.back().blankAfter;
    }
    if (p == end) break;
  }
  m.indexedNodes_ = m.nodeCount();
  return m;
}

Result<Message> Message::parseHeader(std::string_view bytes) {
  std::size_t start = bytes.substr(0, 3) == kByteOrderMark ? 3 : 0;
  const std::size_t end = bytes.find_first_of("\r\n", start);
  constexpr std::size_t kLongestHeader = 4096;  // anything longer is not a plausible MSH
  return parse(std::string(bytes.substr(0, std::min(end, start + kLongestHeader))));
}

}  // namespace pathhub::hl7

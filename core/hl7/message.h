// One HL7 v2 message as a lossless, editable tree.
//
// A parsed Message keeps the bytes it was given and indexes them: segments, fields,
// repetitions, components and subcomponents are byte ranges into the segment text, so parsing
// copies nothing but the input and re-encoding an unmodified message gives the input back byte
// for byte (segment separators are written as \r, the separator HL7 defines). Editing replaces
// the bytes of the addressed element only and re-indexes that one segment, so everything the
// edit did not touch stays byte-identical.
//
// Reads never fail: an absent element reads as "". Writes and parsing return Result values
// whose errors name the byte offset, segment and reason.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "hl7/delimiters.h"
#include "hl7/path.h"
#include "pathhub/error.h"

namespace pathhub::hl7 {

class CharClasses;

struct ParseOptions {
  std::size_t maxBytes = 16 * 1024 * 1024;  // larger input is refused with kMessageTooLarge
};

class Message {
 public:
  Message() = default;

  // Parses one message (starting with MSH, optionally after a UTF-8 byte order mark).
  // Segments may be separated by \r, \n or \r\n. Files holding several messages or a batch
  // go through splitMessages() (batch.h) first.
  static Result<Message> parse(std::string bytes, const ParseOptions& options = {});

  // Parses only the header segment of `bytes`: enough to acknowledge a message whose body
  // does not parse (its control id, sender, version and delimiters).
  static Result<Message> parseHeader(std::string_view bytes);

  const Delimiters& delimiters() const { return delims_; }

  // --- Header shortcuts (decoded text, "" when absent) ---
  std::string messageType() const;   // MSH-9.1, e.g. "ORU"
  std::string triggerEvent() const;  // MSH-9.2, e.g. "R01"
  std::string controlId() const;     // MSH-10
  std::string version() const;       // MSH-12.1, e.g. "2.5.1"

  // --- Segments (indexes are 0-based; MSH is index 0) ---
  std::size_t segmentCount() const { return segs_.size(); }
  std::string_view segmentName(std::size_t index) const;
  std::string_view segmentText(std::size_t index) const;  // raw ER7, without terminator
  // The index of the n-th (1-based) segment called `name`.
  std::optional<std::size_t> findSegment(std::string_view name, int occurrence = 1) const;
  std::vector<std::size_t> segmentIndexes(std::string_view name) const;
  // Highest field number present in the segment (MSH counts MSH-1 and MSH-2).
  int fieldCount(std::size_t segment) const;

  // --- Reads ---
  // Decoded text of the leaf at `path`; missing repetition, component and subcomponent
  // numbers read as 1, so "PID-5" is the first component of the first PID-5.
  std::string get(const Path& path) const;
  Result<std::string> get(std::string_view path) const;
  // The same relative to a known segment: path.segment and path.occurrence are ignored.
  std::string get(std::size_t segment, const Path& path) const;
  // Raw ER7 of exactly the addressed element ("PID-3" is every repetition of PID-3).
  std::string_view getRaw(const Path& path) const;
  std::string_view getRaw(std::size_t segment, const Path& path) const;
  // Whether the element is present in the message (it may be present and empty).
  bool exists(const Path& path) const;
  bool exists(std::size_t segment, const Path& path) const;
  // Whether the leaf holds the HL7 explicit null `""` (as opposed to being empty).
  bool isNull(const Path& path) const;
  // Number of repetitions of the field at `path` (0 when the field is absent).
  int repetitionCount(const Path& path) const;
  int repetitionCount(std::size_t segment, const Path& path) const;
  // Number of components in the repetition at `path` (0 when absent).
  int componentCount(std::size_t segment, const Path& path) const;

  // --- Writes: create missing segments, fields, repetitions and components as needed ---
  // Sets the leaf at `path` (same defaults as get) to `text`, escaping delimiters.
  Result<void> set(const Path& path, std::string_view text);
  Result<void> set(std::string_view path, std::string_view text);
  Result<void> set(std::size_t segment, const Path& path, std::string_view text);
  // Replaces exactly the addressed element with raw ER7 (which may hold the delimiters of
  // levels below the element, e.g. "SMITH^JOHN" for a whole PID-5 repetition).
  Result<void> setRaw(const Path& path, std::string_view er7);
  Result<void> setRaw(std::size_t segment, const Path& path, std::string_view er7);
  // Writes the explicit null `""` at the leaf.
  Result<void> setNull(const Path& path);

  // Inserts a segment given as ER7 text without terminator ("NTE|1|L|text") before `index`.
  Result<void> insertSegment(std::size_t index, std::string_view er7);
  Result<void> appendSegment(std::string_view er7);
  Result<void> removeSegment(std::size_t index);
  // Moves the segment at `from` so that it ends up at index `to`.
  Result<void> moveSegment(std::size_t from, std::size_t to);

  // --- Encoding ---
  // ER7 bytes: segments separated by \r, the input's byte order mark, final terminator and
  // blank lines kept.
  std::string encode() const;
  bool hasByteOrderMark() const { return bom_; }

 private:
  // An indexed element: a byte range of its segment's text and its children in the next
  // level's array. count == 0 marks a leaf (no delimiter of the next level inside).
  struct Node {
    std::uint32_t begin, end, first, count;
  };
  struct Span {
    std::uint32_t begin, end;
  };
  struct Segment {
    std::uint32_t buffer;  // 0: raw_, k > 0: owned_[k - 1]
    std::uint32_t offset;  // where the text starts in its buffer
    std::uint32_t length;
    std::uint32_t firstField;  // fields_[firstField] is the segment id
    std::uint32_t fieldCount;  // including the segment id
    std::uint32_t nameKey;     // the three id bytes packed, for quick lookup
    std::uint32_t blankAfter;  // empty lines that followed the segment in the input
  };
  // A resolved element with its depth: 1 field, 2 repetition, 3 component, 4 subcomponent.
  struct Element {
    Node node;
    int level;
  };
  const char* segmentData(const Segment& s) const;
  // Indexes one segment's text; returns where it stopped (a segment separator or `end`).
  const char* tokenize(const char* text, const char* end, const CharClasses& classes, bool header,
                       Segment& seg);
  // Indexes fields from `p` (the start of a field) up to a segment separator or `end`,
  // appending their nodes; offsets are relative to `text`, the segment's start.
  const char* indexFields(const char* text, const char* p, const char* end,
                          const CharClasses& classes);
  Result<void> indexSegmentText(std::size_t index, std::string text, bool inserting);
  // Writes `er7` over the leaf at [begin, end) of a segment and moves the offsets after it.
  Result<void> spliceLeaf(std::size_t index, std::uint32_t begin, std::uint32_t end,
                          std::string_view er7);
  // Replaces [begin, end) inside one existing field with `lead` + `er7` (neither holds a
  // field separator) and re-indexes that field only, moving the offsets of the fields after it.
  Result<void> reindexField(std::size_t index, std::uint32_t field, std::uint32_t begin,
                            std::uint32_t end, std::string_view lead, std::string_view er7);
  // Moves the nodes of fields from `fromField` on that lie after `end` by `delta` bytes and
  // stretches those containing it.
  void shiftAfter(const Segment& s, std::uint32_t fromField, std::uint32_t end, std::int64_t delta);
  // Gives an edited segment a text of its own (it starts out as a range of raw_).
  std::string& ownText(Segment& s);
  std::size_t nodeCount() const;
  void compactIfWasteful();

  std::optional<Element> child(const Element& parent, int index) const;
  std::optional<Element> locate(std::size_t segment, const Path& path, bool toLeaf) const;
  std::optional<std::size_t> resolveSegment(const Path& path) const;
  Result<std::size_t> resolveOrAppendSegment(const Path& path);
  Result<void> replace(std::size_t segment, const Path& path, bool toLeaf, std::string_view er7);

  std::string raw_;
  std::vector<std::string> owned_;  // texts of edited and inserted segments
  std::vector<Segment> segs_;
  std::vector<Node> fields_, reps_, comps_;
  std::vector<Span> subs_;
  Delimiters delims_;
  std::uint32_t encodingLength_ = 4;  // MSH-2 length in this message
  std::size_t indexedNodes_ = 0;      // nodes after the last full index: edits leave old ones
  bool bom_ = false;
  bool finalTerminator_ = true;
};

}  // namespace pathhub::hl7

// Addresses of parts of an HL7 v2 message: "PID-3[2].1.2", "OBX[3]-5", "MSH-9.2".
//
// Grammar: SEG[occurrence]-FIELD[repetition].COMPONENT.SUBCOMPONENT, every index 1-based and
// every part after the segment id optional. The segment id is three upper-case letters or
// digits (Z-segments included). A path that stops early addresses the whole element at that
// depth: "PID-3" is the whole field with all its repetitions, "PID-3[2]" one repetition.
#pragma once

#include <string>
#include <string_view>

#include "pathhub/error.h"

namespace pathhub::hl7 {

struct Path {
  static constexpr int kMaxIndex = 10000;  // bounds what set() may create

  std::string segment;   // "PID"; empty in a field path used relative to a known segment
  int occurrence = 1;    // which PID when a message holds several
  int field = 0;         // 0: the whole segment
  int repetition = 0;    // 0: not given (reads use the first)
  int component = 0;     // 0: not given
  int subcomponent = 0;  // 0: not given

  // The path of a field (or one of its components) built in code: at("MSH", 9, 2) is MSH-9.2.
  static Path at(std::string segment, int field, int component = 0, int occurrence = 1) {
    Path p;
    p.segment = std::move(segment);
    p.field = field;
    p.component = component;
    p.occurrence = occurrence;
    return p;
  }

  // Parses a full path ("PID-3[2].1.2"). Errors name the offending character.
  static Result<Path> parse(std::string_view text);
  // Parses a path relative to a segment ("3[2].1.2"), as used by segment objects.
  static Result<Path> parseField(std::string_view text);

  // How deep the path reaches: 0 segment, 1 field, 2 repetition, 3 component, 4 subcomponent.
  int depth() const { return subcomponent ? 4 : component ? 3 : repetition ? 2 : field ? 1 : 0; }

  // The canonical text form, e.g. "PID[2]-3[1].1".
  std::string toString() const;
};

}  // namespace pathhub::hl7

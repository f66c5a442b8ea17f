// UN/EDIFACT syntax as NHS messaging uses it (NHS001 NHSACK, NHS002/003/004 MEDRPT): the
// service string advice (UNA) or its defaults (: + . ? space '), the release character,
// segments, data elements and components; an interchange (UNB … UNZ) of messages (UNH … UNT),
// or a bare message without an interchange. Segments may be on one line or one per line.
//
// The control counts are checked: UNT's segment count and reference must match its message,
// UNZ's message count and reference its interchange. Errors give the segment number (counted
// from 1 in the interchange, or in the bare message) and tag.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "pathhub/error.h"

namespace pathhub::edifact {

struct Segment {
  std::string tag;
  // elements[i][j]: data element i+1, component j+1, release characters removed.
  std::vector<std::vector<std::string>> elements;
  std::size_t number = 0;  // position in the interchange (or bare message), from 1

  // Component `component` (1-based) of element `element` (1-based); "" when absent.
  std::string at(std::size_t element, std::size_t component = 1) const;
};

struct Message {
  std::string reference;          // UNH 0062
  std::string type;               // "MEDRPT", "NHSACK"
  std::string profile;            // the association code, e.g. "NHS003"
  std::vector<Segment> segments;  // UNH … UNT inclusive
};

struct Interchange {
  std::optional<Segment> header;             // UNB; none for a bare message
  std::string sender, recipient, reference;  // from UNB
  std::vector<Message> messages;
  std::vector<std::string> warnings;  // what lenient parsing let through
};

struct ParseOptions {
  // Strict (the default) refuses a UNT or UNZ whose count does not match, as an NHSACK
  // would. Lenient reads on and records a warning: some senders' counts are known to be
  // stale (three of the NHS lab-results adaptor's own test interchanges are).
  bool tolerateCountMismatch = false;
};

// A missing terminator after the very last segment is accepted with a warning (bare messages
// are often sent that way).
Result<Interchange> parse(std::string_view text, const ParseOptions& options = {});

}  // namespace pathhub::edifact

// HL7 v2 escape sequences: decoding field text for reading and encoding it for writing.
//
// Delimiter characters never appear raw inside data; they travel as \F\ \S\ \T\ \R\ \E\ (and
// \P\ for the v2.7 truncation character). \Xhh..\ carries raw bytes, \.br\ a line break, and
// \H\ \N\ switch highlighting on and off. Decoding turns these into plain text; encoding turns
// plain text back into a value that is safe to place in a field.
#pragma once

#include <string>
#include <string_view>

#include "hl7/delimiters.h"
#include "pathhub/error.h"

namespace pathhub::hl7 {

// Plain text of a raw field value. Recognised: \F\ \S\ \T\ \R\ \E\ \P\ (delimiters),
// \Xhh..\ (hex bytes), \.br\ and \.sp\ (line breaks), \H\ \N\ and the other formatting commands
// (\.fi\ \.nf\ \.in\ \.ti\ \.sk\ \.ce\: dropped, they carry layout only). Character-set escapes
// (\C..\, \M..\), unknown and unterminated sequences are kept as written so nothing is lost.
std::string unescape(std::string_view raw, const Delimiters& delims);

// True when `raw` contains the escape character, i.e. unescape() could change it.
bool hasEscapes(std::string_view raw, const Delimiters& delims);

// True when `text` can be written as it is: no delimiter, escape or control byte in it.
bool needsNoEscaping(std::string_view text, const Delimiters& delims);

// A raw field value that reads back as `text`: delimiters become \F\ \S\ \T\ \R\ \E\ (\P\),
// a line break (\n or \r\n) becomes \.br\ (\X0A\ or \X0D0A\ where a delimiter is a dot), any
// other control byte becomes \Xhh\; so the result never holds a delimiter. Fails only when
// the text needs escaping and the message declares no escape character.
Result<std::string> escape(std::string_view text, const Delimiters& delims);

}  // namespace pathhub::hl7

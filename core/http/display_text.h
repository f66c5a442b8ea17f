// Message content as text a JSON answer can carry. Received bytes are whatever the sender sent:
// an HL7 v2 message in ISO 8859-1 (MSH-18 "8859/1"), or binary garbage kept as rejected. A JSON
// string must be UTF-8, so for display a Latin-1 message is converted, and any byte that is not
// UTF-8 is shown as '?' — the journal keeps the bytes as they came.
#pragma once

#include <string>
#include <string_view>

namespace pathhub::http {

// Whether an HL7 v2 message declares ISO 8859-1 in MSH-18 ("8859/1").
bool declaresLatin1(std::string_view message);
// `bytes` as valid UTF-8: converted from Latin-1 when `latin1`, else each invalid byte '?'.
std::string displayText(std::string_view bytes, bool latin1 = false);
// The same for a whole message, its character set read from its own MSH-18.
inline std::string displayMessage(std::string_view message) {
  return displayText(message, declaresLatin1(message));
}

}  // namespace pathhub::http

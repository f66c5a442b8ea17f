// Rules for segment ids ("PID", "ZPV"): three upper-case letters or digits, starting with a
// letter. Shared by the parser and by segment insertion so both refuse the same ids.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace pathhub::hl7 {

// Why `id` cannot be a segment id, or nothing when it can. `afterHeader` is true for any
// segment but the first, where a header id (MSH, FHS, BHS) is refused.
std::optional<std::string> checkSegmentId(std::string_view id, bool afterHeader);

// Whether the id names a header segment whose fields 1 and 2 are the delimiters.
inline bool isHeaderSegmentId(std::string_view id) {
  return id == "MSH" || id == "FHS" || id == "BHS";
}

// The id packed in an integer for quick comparison; 0 for an id that is not three bytes.
inline std::uint32_t segmentKey(std::string_view id) {
  if (id.size() != 3) return 0;
  return static_cast<std::uint32_t>(static_cast<unsigned char>(id[0])) << 16 |
         static_cast<std::uint32_t>(static_cast<unsigned char>(id[1])) << 8 |
         static_cast<std::uint32_t>(static_cast<unsigned char>(id[2]));
}

}  // namespace pathhub::hl7

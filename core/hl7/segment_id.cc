// Segment id validation (see segment_id.h).
#include "hl7/segment_id.h"

namespace pathhub::hl7 {

std::optional<std::string> checkSegmentId(std::string_view id, bool afterHeader) {
  auto shown = [&id] {
    std::string s;
    for (char c : id.substr(0, 12)) s += (static_cast<unsigned char>(c) < 0x20) ? '?' : c;
    return "'" + s + (id.size() > 12 ? "...'" : "'");
  };
  if (id.empty()) return std::string("a segment has no segment id");
  bool ok = id.size() == 3 && id[0] >= 'A' && id[0] <= 'Z';
  for (char c : id) ok = ok && ((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'));
  if (!ok) {
    return shown() + " is not a segment id (three upper-case letters or digits)";
  }
  if (afterHeader && isHeaderSegmentId(id)) {
    return "a second " + std::string(id) +
           " header inside one message (several messages must be split first)";
  }
  return std::nullopt;
}

}  // namespace pathhub::hl7

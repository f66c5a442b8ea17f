// Stage envelope encoding (see envelope.h).
#include "pipeline/envelope.h"

namespace pathhub::pipeline {

std::string encode(const Envelope& e) {
  std::string out(1, static_cast<char>(e.kind));
  const auto id = static_cast<std::uint64_t>(e.messageId);
  for (int shift = 56; shift >= 0; shift -= 8) out += static_cast<char>((id >> shift) & 0xFF);
  const auto length = static_cast<std::uint32_t>(e.payload.size());
  for (int shift = 24; shift >= 0; shift -= 8) out += static_cast<char>((length >> shift) & 0xFF);
  out += e.payload;
  for (std::size_t i = 0; i < e.destinations.size(); ++i) {
    if (i) out += '\n';
    out += e.destinations[i];
  }
  return out;
}

Result<Envelope> decode(std::string_view bytes) {
  if (bytes.size() < 13) {
    return fail(ErrorCode::kMalformedMessage,
                "stage envelope of " + std::to_string(bytes.size()) + " bytes is too short");
  }
  Envelope e;
  switch (bytes[0]) {
    case 'R':
      e.kind = Envelope::Kind::kReceived;
      break;
    case 'M':
      e.kind = Envelope::Kind::kMapped;
      break;
    case 'S':
      e.kind = Envelope::Kind::kStop;
      break;
    default:
      return fail(ErrorCode::kMalformedMessage, "stage envelope has an unknown kind");
  }
  std::uint64_t id = 0;
  for (int i = 1; i <= 8; ++i) id = id << 8 | static_cast<unsigned char>(bytes[i]);
  e.messageId = static_cast<std::int64_t>(id);
  std::uint32_t length = 0;
  for (int i = 9; i <= 12; ++i) length = length << 8 | static_cast<unsigned char>(bytes[i]);
  if (length > bytes.size() - 13) {
    return fail(ErrorCode::kMalformedMessage, "stage envelope payload runs past its end");
  }
  e.payload = std::string(bytes.substr(13, length));
  std::string_view rest = bytes.substr(13 + length);
  while (!rest.empty()) {
    const std::size_t nl = rest.find('\n');
    const std::string_view name = rest.substr(0, nl);
    if (name.empty()) {
      return fail(ErrorCode::kMalformedMessage, "stage envelope names an empty destination");
    }
    e.destinations.emplace_back(name);
    if (nl == std::string_view::npos) break;
    rest = rest.substr(nl + 1);
    if (rest.empty()) {
      return fail(ErrorCode::kMalformedMessage, "stage envelope ends with a separator");
    }
  }
  return e;
}

}  // namespace pathhub::pipeline

// Lane keys (see lane_key.h).
#include "pipeline/lane_key.h"

#include "hl7/message.h"
#include "hl7/search_keys.h"
#include "pipeline/delivery_attributes.h"

namespace pathhub::pipeline {

std::string laneKey(const journal::PendingDelivery& delivery, const std::string& spec) {
  if (delivery.attributes.find("lane=") != std::string::npos) {
    const DeliveryAttributes attributes = parseAttributes(delivery.attributes);
    if (auto it = attributes.find("lane"); it != attributes.end()) return "set:" + it->second;
  }
  auto message = hl7::Message::parse(delivery.bytes);
  if (!message) return "";
  if (spec == "patient") {
    if (std::string nhs = hl7::searchKeys(*message).nhsNumber; !nhs.empty()) return "nhs:" + nhs;
    auto id = message->get("PID-3.1");
    return id && !id->empty() ? "pid:" + *id : "";
  }
  auto value = message->get(spec);
  return value && !value->empty() ? "key:" + *value : "";
}

std::size_t laneFor(const std::string& key, std::size_t lanes) {
  if (lanes <= 1) return 0;
  // FNV-1a: stable across runs and builds, unlike std::hash.
  std::uint64_t h = 14695981039346656037ULL;
  for (unsigned char c : key) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  return static_cast<std::size_t>(h % lanes);
}

}  // namespace pathhub::pipeline

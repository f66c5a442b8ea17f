// Delivery attributes as text (see delivery_attributes.h).
#include "pipeline/delivery_attributes.h"

namespace pathhub::pipeline {

std::string formatAttributes(const DeliveryAttributes& attributes) {
  std::string out;
  for (const auto& [key, value] : attributes) out += key + "=" + value + "\n";
  return out;
}

DeliveryAttributes parseAttributes(const std::string& text) {
  DeliveryAttributes out;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    const std::string line = text.substr(start, end - start);
    const auto equals = line.find('=');
    if (equals != std::string::npos) out[line.substr(0, equals)] = line.substr(equals + 1);
    start = end + 1;
  }
  return out;
}

}  // namespace pathhub::pipeline
